#include "client/HttpClient.h"

#include "system/Files.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <poll.h>
#include <cerrno>
#include <cstring>

namespace sandbench::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::optional<EngineAddress> readEngineFile(const std::string &path, std::string *reason)
{
    const auto text = system::readWholeFile(path);
    if (!text) {
        if (reason)
            *reason = "no engine is running (" + path + " does not exist); start one with sandbenchd";
        return std::nullopt;
    }
    const Json info = Json::parse(*text, nullptr, false);
    if (!info.is_object() || !info.contains("url") || !info.contains("token")) {
        if (reason)
            *reason = path + " is not a valid engine file";
        return std::nullopt;
    }
    return EngineAddress{info["url"].get<std::string>(), info["token"].get<std::string>(), info.value("stateDir", "")};
}

struct HttpClient::Connection {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    std::string host;
    std::string port;
    bool connected = false;

    void connect()
    {
        if (connected)
            return;
        asio::ip::tcp::resolver resolver(io);
        beast::error_code error;
        const auto endpoints = resolver.resolve(host, port, error);
        if (!error)
            stream.connect(endpoints, error);
        if (error)
            throw std::runtime_error("cannot reach the engine at " + host + ":" + port + ": " + error.message());
        stream.socket().set_option(asio::ip::tcp::no_delay(true));
        connected = true;
        buffer.clear();
        buffer.reserve(256 * 1024); // Beast reads at most the free capacity: keep downloads in big pieces
    }

    void reset()
    {
        beast::error_code ignored;
        stream.socket().close(ignored);
        connected = false;
    }
};

HttpClient::HttpClient(EngineAddress address) : connection_(std::make_unique<Connection>()), address_(std::move(address))
{
    std::string rest = address_.url;
    if (rest.rfind("http://", 0) == 0)
        rest = rest.substr(7);
    const auto slash = rest.find('/');
    if (slash != std::string::npos)
        rest = rest.substr(0, slash);
    const auto colon = rest.rfind(':');
    connection_->host = rest.substr(0, colon);
    connection_->port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient &&) noexcept = default;

std::string HttpResult::header(std::string_view name) const
{
    for (const auto &[key, value] : headers)
        if (beast::iequals(key, name))
            return value;
    return {};
}

namespace {

HttpResult resultOf(bhttp::response<bhttp::string_body> &response)
{
    HttpResult result{static_cast<int>(response.result_int()), std::move(response.body()),
                      std::string(response[bhttp::field::content_type]), {}};
    for (const auto &field : response)
        result.headers.emplace_back(field.name_string(), field.value());
    return result;
}

bhttp::request<bhttp::string_body> makeRequest(const std::string &method, const std::string &target,
                                               const std::string &body, const std::string &host,
                                               const std::string &token)
{
    bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
    request.set(bhttp::field::host, host);
    request.set(bhttp::field::authorization, "Bearer " + token);
    if (!body.empty())
        request.set(bhttp::field::content_type, "application/json");
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

} // namespace

HttpResult HttpClient::request(const std::string &method, const std::string &target, const std::string &body,
                               const std::vector<std::pair<std::string, std::string>> &headers)
{
    auto &c = *connection_;
    auto request = makeRequest(method, target, body, c.host + ":" + c.port, address_.token);
    for (const auto &[name, value] : headers)
        request.set(name, value);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = c.connected;
        c.connect();
        beast::error_code error;
        bhttp::write(c.stream, request, error);
        bhttp::response<bhttp::string_body> response;
        // A server may answer early (413) and stop reading: still read its answer.
        if (!error || error == asio::error::broken_pipe || error == asio::error::connection_reset) {
            error = {};
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(1ull << 34);
            bhttp::read(c.stream, c.buffer, parser, error);
            if (!error)
                response = parser.release();
        }
        if (error) {
            c.reset();
            if (reused && attempt == 0)
                continue; // the server closed an idle keep-alive connection: retry once on a new one
            throw std::runtime_error("engine request " + method + " " + target + " failed: " + error.message());
        }
        if (!response.keep_alive())
            c.reset();
        return resultOf(response);
    }
    throw std::runtime_error("unreachable");
}

namespace {

// The socket is blocking unless asio made it otherwise; either way a send may wait here.
bool waitWritable(int socket)
{
    pollfd entry{socket, POLLOUT, 0};
    return ::poll(&entry, 1, 60000) == 1;
}

} // namespace

HttpResult HttpClient::upload(const std::string &target, std::uint64_t size,
                              const std::function<std::size_t(char *, std::size_t)> &read,
                              const std::function<void(std::uint64_t)> &onProgress)
{
    std::vector<char> chunk(1024 * 1024);
    return sendUpload(target, size, [&](int socket, std::uint64_t left) -> std::size_t {
        const std::size_t n = read(chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), left)));
        for (std::size_t done = 0; done < n;) {
            const ssize_t wrote = ::send(socket, chunk.data() + done, n - done, MSG_NOSIGNAL);
            if (wrote < 0 && (errno == EINTR || (errno == EAGAIN && waitWritable(socket))))
                continue;
            if (wrote <= 0)
                throw std::runtime_error(std::string("upload failed: ") + std::strerror(errno));
            done += static_cast<std::size_t>(wrote);
        }
        return n;
    }, onProgress);
}

HttpResult HttpClient::uploadFile(const std::string &target, int fd, std::uint64_t size,
                                  const std::function<void(std::uint64_t)> &onProgress)
{
    return sendUpload(target, size, [fd](int socket, std::uint64_t left) -> std::size_t {
        for (;;) {
            const ssize_t n = ::sendfile(socket, fd, nullptr, std::min<std::uint64_t>(left, 4u << 20));
            if (n < 0 && (errno == EINTR || (errno == EAGAIN && waitWritable(socket))))
                continue;
            if (n < 0)
                throw std::runtime_error(std::string("upload failed: ") + std::strerror(errno));
            return static_cast<std::size_t>(n);
        }
    }, onProgress);
}

HttpResult HttpClient::sendUpload(const std::string &target, std::uint64_t size,
                                  const std::function<std::size_t(int socket, std::uint64_t left)> &sendSome,
                                  const std::function<void(std::uint64_t)> &onProgress)
{
    auto &c = *connection_;
    c.reset();
    c.connect();
    bhttp::request<bhttp::empty_body> header{bhttp::verb::put, target, 11};
    header.set(bhttp::field::host, c.host + ":" + c.port);
    header.set(bhttp::field::authorization, "Bearer " + address_.token);
    header.set(bhttp::field::content_type, "application/octet-stream");
    header.content_length(size);
    header.keep_alive(false);
    bhttp::request_serializer<bhttp::empty_body> serializer(header);
    beast::error_code error;
    bhttp::write_header(c.stream, serializer, error);
    if (error) {
        c.reset();
        throw std::runtime_error("upload failed: " + error.message());
    }
    std::uint64_t sent = 0;
    try {
        while (sent < size) {
            const std::size_t n = sendSome(c.stream.socket().native_handle(), size - sent);
            if (n == 0)
                throw std::runtime_error("upload source ended early"); // the server discards a short body
            sent += n;
            if (onProgress)
                onProgress(sent);
        }
    } catch (...) {
        c.reset();
        throw;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    bhttp::read(c.stream, c.buffer, parser, error);
    c.reset();
    if (error)
        throw std::runtime_error("upload answer failed: " + error.message());
    auto response = parser.release();
    return resultOf(response);
}

int HttpClient::stream(const std::string &method, const std::string &target, const std::string &body,
                       const std::function<bool(std::string_view)> &onData)
{
    auto &c = *connection_;
    c.reset(); // a dedicated connection: an early stop leaves it unusable
    c.connect();
    auto request = makeRequest(method, target, body, c.host + ":" + c.port, address_.token);
    beast::error_code error;
    bhttp::write(c.stream, request, error);
    if (error)
        throw std::runtime_error("engine request failed: " + error.message());
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    bhttp::read_header(c.stream, c.buffer, parser, error);
    if (error)
        throw std::runtime_error("engine response failed: " + error.message());
    const int status = static_cast<int>(parser.get().result_int());
    std::vector<char> storage(256 * 1024);
    char *chunk = storage.data();
    bool stoppedByCaller = false;
    const bool knownLength = !parser.chunked() && parser.content_length();
    if (knownLength) {
        // Known length (raw downloads): straight from the socket, one copy fewer than the parser.
        for (std::uint64_t left = *parser.content_length(); left > 0 && !error;) {
            const auto room = asio::buffer(chunk, std::min<std::uint64_t>(storage.size(), left));
            std::size_t got = 0;
            if (c.buffer.size() > 0) {
                got = asio::buffer_copy(room, c.buffer.data());
                c.buffer.consume(got);
            } else {
                got = c.stream.socket().read_some(room, error);
                if (error == asio::error::eof)
                    error = bhttp::error::partial_message;
            }
            left -= got;
            if (got && !onData(std::string_view(chunk, got))) {
                stoppedByCaller = true;
                break;
            }
        }
    }
    while (!knownLength && !parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = storage.size();
        bhttp::read_some(c.stream, c.buffer, parser, error);
        if (error == bhttp::error::need_buffer)
            error = {};
        if (error)
            break;
        const std::size_t got = storage.size() - parser.get().body().size;
        if (got && !onData(std::string_view(chunk, got))) {
            stoppedByCaller = true;
            break;
        }
    }
    c.reset();
    if (error && !stoppedByCaller)
        throw std::runtime_error("the engine's response was cut short: " + error.message());
    return status;
}

int HttpClient::streamEvents(const std::string &method, const std::string &target, const std::string &body,
                             const std::function<bool(const Json &)> &onEvent)
{
    std::string pending;
    std::string errorBody;
    int status = 0;
    status = stream(method, target, body, [&](std::string_view data) {
        pending.append(data);
        std::size_t end;
        while ((end = pending.find("\n\n")) != std::string::npos) {
            const std::string block = pending.substr(0, end);
            pending.erase(0, end + 2);
            std::string payload;
            std::size_t start = 0;
            while (start <= block.size()) {
                std::size_t newline = block.find('\n', start);
                if (newline == std::string::npos)
                    newline = block.size();
                const std::string line = block.substr(start, newline - start);
                if (line.rfind("data:", 0) == 0)
                    payload += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
                start = newline + 1;
            }
            const Json event = Json::parse(payload, nullptr, false);
            if (event.is_discarded())
                continue;
            if (!onEvent(event))
                return false;
        }
        return true;
    });
    if (status >= 400 && !pending.empty()) {
        const Json error = Json::parse(pending, nullptr, false);
        if (!error.is_discarded())
            onEvent(error);
    }
    return status;
}

} // namespace sandbench::client
