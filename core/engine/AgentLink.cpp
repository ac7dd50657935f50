#include "engine/AgentLink.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include "http/RawConnection.h"
#include "protocol/Protocol.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <unistd.h>

namespace sandbench::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace boost::asio::experimental::awaitable_operators;
using Socket = asio::local::stream_protocol::socket;

namespace {

// Connects to the agent socket; paths longer than sun_path go through /proc/self/fd.
asio::awaitable<Socket> connectAgent(const std::string &socketPath)
{
    Socket socket(co_await asio::this_coro::executor);
    std::string path = socketPath;
    int dirFd = -1;
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
        const auto slash = path.rfind('/');
        dirFd = open(path.substr(0, slash).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        path = "/proc/self/fd/" + std::to_string(dirFd) + path.substr(slash);
    }
    beast::error_code error;
    co_await socket.async_connect(asio::local::stream_protocol::endpoint(path),
                                  asio::redirect_error(asio::use_awaitable, error));
    if (dirFd >= 0)
        close(dirFd);
    if (error)
        throw AgentUnavailable("agent socket " + socketPath + ": " + error.message());
    // Room for a few MiB in flight: big transfers then wake each side less often.
    socket.set_option(asio::socket_base::send_buffer_size(4 << 20), error);
    co_return socket;
}

void copyResponseHeaders(const bhttp::fields &from, bhttp::fields &to)
{
    for (const auto &field : from) {
        const auto name = field.name();
        if (name == bhttp::field::content_length || name == bhttp::field::transfer_encoding ||
            name == bhttp::field::connection || name == bhttp::field::keep_alive)
            continue;
        to.set(field.name_string(), field.value());
    }
}

} // namespace

asio::awaitable<void> forwardToAgent(const std::string &socketPath, http::Request &request, http::Responder &responder)
{
    Socket socket = co_await connectAgent(socketPath);
    request.keep_alive(false);
    request.erase(bhttp::field::authorization); // the engine token is not the agent's business
    request.set(bhttp::field::host, "sandbox");
    request.prepare_payload();
    beast::error_code error;
    co_await bhttp::async_write(socket, request, asio::redirect_error(asio::use_awaitable, error));
    if (error)
        throw AgentUnavailable("writing to agent: " + error.message());

    beast::flat_buffer buffer;
    buffer.reserve(256 * 1024); // Beast reads at most the free capacity (512 bytes when small)
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    co_await bhttp::async_read_header(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, error));
    if (error)
        throw AgentUnavailable("agent closed the connection: " + error.message());

    const auto &head = parser.get();
    const bool streaming = parser.chunked() || !parser.content_length() || *parser.content_length() > (1u << 20);
    if (!streaming) {
        // Small, complete answers (the JSON routes) go back in one piece.
        http::Response whole{head.result(), 11};
        copyResponseHeaders(head.base(), whole.base());
        std::string body;
        char chunk[16384];
        while (!parser.is_done()) {
            parser.get().body().data = chunk;
            parser.get().body().size = sizeof chunk;
            co_await bhttp::async_read(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, error));
            if (error == bhttp::error::need_buffer)
                error = {};
            if (error)
                throw AgentUnavailable("agent response cut short: " + error.message());
            body.append(chunk, sizeof chunk - parser.get().body().size);
        }
        whole.body() = std::move(body);
        co_return co_await responder.send(std::move(whole));
    }

    bhttp::response<bhttp::empty_body> header{head.result(), 11};
    copyResponseHeaders(head.base(), header.base());
    const auto length = parser.chunked() ? boost::none : parser.content_length();
    if (length)
        header.content_length(*length); // raw downloads keep their length: truncation stays visible
    if (!co_await responder.beginStream(std::move(header)))
        co_return;
    std::vector<char> storage(256 * 1024);
    // Relay piece by piece; a client that leaves ends the relay (and so the agent's stream).
    auto relayChunked = [&]() -> asio::awaitable<void> {
        char *chunk = storage.data();
        while (!parser.is_done()) {
            parser.get().body().data = chunk;
            parser.get().body().size = storage.size();
            co_await bhttp::async_read_some(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, error));
            if (error == bhttp::error::need_buffer)
                error = {};
            if (error)
                co_return;
            const std::size_t got = storage.size() - parser.get().body().size;
            if (got && !co_await responder.writeChunk(std::string_view(chunk, got)))
                co_return;
        }
    };
    // A body of known length skips the parser: bytes go from the socket straight to the client.
    auto relayLength = [&]() -> asio::awaitable<void> {
        std::uint64_t left = *length;
        while (left > 0) {
            std::size_t got = 0;
            const auto room = asio::buffer(storage.data(), std::min<std::uint64_t>(storage.size(), left));
            if (buffer.size() > 0) {
                got = asio::buffer_copy(room, buffer.data());
                buffer.consume(got);
            } else {
                got = co_await socket.async_read_some(room, asio::redirect_error(asio::use_awaitable, error));
                if (error)
                    co_return; // cut short: endStream closes, so the client sees the truncation
            }
            left -= got;
            if (!co_await responder.writeChunk(std::string_view(storage.data(), got)))
                co_return;
        }
    };
    auto relay = [&]() -> asio::awaitable<void> {
        if (length)
            co_await relayLength(); // no conditional operator around co_await: GCC 12 miscompiles it
        else
            co_await relayChunked();
    };
    co_await (relay() || responder.waitForClientClose());
    co_await responder.endStream();
}

asio::awaitable<void> relayWebSocketToAgent(const std::string &socketPath, const http::Request &request,
                                            http::Responder &responder, std::string target)
{
    namespace websocket = beast::websocket;
    websocket::stream<Socket> agent(co_await connectAgent(socketPath));
    agent.read_message_max(16 << 20);
    websocket::response_type refusal;
    beast::error_code error;
    co_await agent.async_handshake(refusal, "sandbox", target, asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        const auto envelope = nlohmann::json::parse(refusal.body(), nullptr, false);
        if (refusal.result_int() >= 400 && envelope.is_object())
            throw protocol::ApiError(envelope.value("code", "INTERNAL_ERROR"), envelope.value("message", error.message()),
                                     nlohmann::json::object(), {}, static_cast<int>(refusal.result_int()));
        throw AgentUnavailable("agent WebSocket handshake: " + error.message());
    }
    auto client = co_await responder.acceptWebSocket(request);
    // Each direction has one writer: upward writes only to the agent, downward only to the client.
    auto upward = [&]() -> asio::awaitable<void> {
        for (;;) {
            auto message = co_await client->read();
            if (!message)
                co_return;
            agent.binary(message->binary);
            beast::error_code writeError;
            co_await agent.async_write(asio::buffer(message->data), asio::redirect_error(asio::use_awaitable, writeError));
            if (writeError)
                co_return;
        }
    };
    auto downward = [&]() -> asio::awaitable<void> {
        beast::flat_buffer buffer;
        for (;;) {
            buffer.clear();
            beast::error_code readError;
            co_await agent.async_read(buffer, asio::redirect_error(asio::use_awaitable, readError));
            if (readError)
                co_return;
            if (!co_await client->write(beast::buffers_to_string(buffer.data()), agent.got_binary()))
                co_return;
        }
    };
    co_await (upward() || downward());
    // Pass the agent's closing words on (e.g. 1011 and why), or say goodbye to both sides.
    const auto reason = agent.reason();
    if (reason.code != websocket::close_code::none)
        co_await client->close(static_cast<unsigned short>(reason.code), std::string(reason.reason.c_str()));
    else
        co_await client->close(static_cast<unsigned short>(websocket::close_code::going_away), "");
    if (agent.is_open())
        co_await agent.async_close(websocket::close_code::normal, asio::redirect_error(asio::use_awaitable, error));
}

asio::awaitable<void> forwardUploadToAgent(const std::string &socketPath, http::Request &request,
                                          http::Responder &responder)
{
    Socket socket = co_await connectAgent(socketPath);
    bhttp::request<bhttp::empty_body> header{request.method(), request.target(), 11};
    header.set(bhttp::field::host, "sandbox");
    header.set(bhttp::field::content_type, "application/octet-stream");
    header.keep_alive(false);
    const auto length = request[bhttp::field::content_length];
    if (!length.empty())
        header.set(bhttp::field::content_length, length);
    else
        header.chunked(true);
    bhttp::request_serializer<bhttp::empty_body> serializer(header);
    beast::error_code error;
    co_await bhttp::async_write_header(socket, serializer, asio::redirect_error(asio::use_awaitable, error));
    if (error)
        throw AgentUnavailable("writing to agent: " + error.message());

    std::vector<char> chunk(1024 * 1024);
    for (;;) {
        // A client breaking off throws here; the agent socket closes with the frame.
        const std::size_t n = co_await responder.readBody(chunk.data(), chunk.size());
        if (n == 0)
            break;
        if (header.chunked())
            co_await asio::async_write(socket, bhttp::make_chunk(asio::buffer(chunk.data(), n)),
                                       asio::redirect_error(asio::use_awaitable, error));
        else
            co_await asio::async_write(socket, asio::buffer(chunk.data(), n), asio::redirect_error(asio::use_awaitable, error));
        if (error)
            break; // the agent answered early (a failure): relay its answer below
    }
    if (!error && header.chunked())
        co_await asio::async_write(socket, bhttp::make_chunk_last(), asio::redirect_error(asio::use_awaitable, error));
    beast::flat_buffer buffer;
    http::Response response;
    beast::error_code readError;
    co_await bhttp::async_read(socket, buffer, response, asio::redirect_error(asio::use_awaitable, readError));
    if (readError)
        throw AgentUnavailable("agent upload answer: " + readError.message());
    http::Response relayed{response.result(), 11};
    copyResponseHeaders(response.base(), relayed.base());
    relayed.body() = std::move(response.body());
    co_await responder.send(std::move(relayed));
}

asio::awaitable<std::pair<unsigned, nlohmann::json>>
callAgent(const std::string &socketPath, bhttp::verb method, const std::string &target, const nlohmann::json &body)
{
    Socket socket = co_await connectAgent(socketPath);
    http::Request request{method, target, 11};
    request.set(bhttp::field::host, "sandbox");
    request.set(bhttp::field::content_type, "application/json");
    request.keep_alive(false);
    if (method != bhttp::verb::get)
        request.body() = body.dump();
    request.prepare_payload();
    beast::error_code error;
    co_await bhttp::async_write(socket, request, asio::redirect_error(asio::use_awaitable, error));
    beast::flat_buffer buffer;
    http::Response response;
    if (!error)
        co_await bhttp::async_read(socket, buffer, response, asio::redirect_error(asio::use_awaitable, error));
    if (error)
        throw AgentUnavailable("agent call " + target + ": " + error.message());
    co_return std::make_pair(response.result_int(), nlohmann::json::parse(response.body(), nullptr, false));
}

asio::awaitable<HandedSocket> socketFromAgent(const std::string &socketPath, const std::string &target,
                                             std::chrono::seconds timeout)
{
    HandedSocket handed;
    std::unique_ptr<http::RawConnection> agent;
    try {
        agent = http::rawConnection(co_await connectAgent(socketPath));
    } catch (const AgentUnavailable &) {
        co_return handed;
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: agent\r\n\r\n";
    if (co_await agent->writeAll(asio::buffer(request))) {
        asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
        auto readHead = [&agent, &handed]() -> asio::awaitable<void> {
            char chunk[4096];
            while (handed.head.find("\r\n\r\n") == std::string::npos && handed.head.size() < 16384) {
                const std::size_t got = co_await http::readSomeWithDescriptor(*agent, asio::buffer(chunk), handed.descriptor);
                if (got == 0)
                    break;
                handed.head.append(chunk, got);
            }
        };
        co_await (readHead() || deadline.async_wait(asio::use_awaitable));
    }
    agent->close();
    co_return handed;
}

} // namespace sandbench::engine
