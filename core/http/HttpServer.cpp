#include "http/HttpServer.h"

#include <sstream>
#include "system/AsyncMutex.h"
#include "system/Background.h"

#include "protocol/Protocol.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/websocket.hpp>

#include <cctype>
#include <iostream>
#include <list>
#include <optional>

#include <sys/sendfile.h>

namespace sandbench::http {

namespace {

namespace websocket = beast::websocket;

// A WebSocket on the connection's stream (borrowed: the connection coroutine outlives it).
template <class Protocol>
class StreamWebSocket final : public WebSocket {
public:
    explicit StreamWebSocket(beast::basic_stream<Protocol> &stream) : socket_(stream) {}

    asio::awaitable<void> accept(const Request &request)
    {
        socket_.next_layer().expires_never(); // the WebSocket keeps its own timeouts
        socket_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        socket_.read_message_max(16 << 20);
        co_await socket_.async_accept(request, asio::use_awaitable);
    }

    asio::awaitable<std::optional<Message>> read() override
    {
        beast::flat_buffer buffer;
        beast::error_code error;
        co_await socket_.async_read(buffer, asio::redirect_error(asio::use_awaitable, error));
        if (error)
            co_return std::nullopt;
        Message message;
        message.binary = socket_.got_binary();
        message.data = beast::buffers_to_string(buffer.data());
        co_return message;
    }

    asio::awaitable<bool> write(std::string_view data, bool binary) override
    {
        beast::error_code error;
        socket_.binary(binary);
        co_await socket_.async_write(asio::buffer(data), asio::redirect_error(asio::use_awaitable, error));
        co_return !error;
    }

    asio::awaitable<void> close(unsigned short code, std::string_view reason) override
    {
        beast::error_code error;
        websocket::close_reason why(static_cast<websocket::close_code>(code), beast::string_view(reason.data(), reason.size()));
        co_await socket_.async_close(why, asio::redirect_error(asio::use_awaitable, error));
    }

private:
    websocket::stream<beast::basic_stream<Protocol> &> socket_;
};

template <class Protocol>
class StreamResponder final : public Responder {
public:
    using Stream = beast::basic_stream<Protocol>;
    using BodyParser = bhttp::request_parser<bhttp::buffer_body>;
    StreamResponder(Stream &stream, beast::flat_buffer &buffer, unsigned version, std::chrono::seconds writeStall,
                    BodyParser *bodyParser = nullptr)
        : stream_(stream), buffer_(buffer), version_(version), bodyParser_(bodyParser), writeStall_(writeStall)
    {
        if (bodyParser_ && !bodyParser_->chunked() && bodyParser_->content_length())
            bodyLeft_ = *bodyParser_->content_length();
    }

    asio::awaitable<std::size_t> readBody(char *data, std::size_t size) override
    {
        if (bodyLeft_)
            co_return co_await readLengthBody(data, size);
        // A read may end on a chunk's header alone; 0 means the end of the body, so read on
        // until bytes arrive or the body is done (a chunked upload read as empty lost files).
        while (bodyParser_ && !bodyParser_->is_done()) {
            bodyParser_->get().body().data = data;
            bodyParser_->get().body().size = size;
            beast::error_code error;
            stream_.expires_after(std::chrono::seconds(60));
            co_await bhttp::async_read_some(stream_, buffer_, *bodyParser_, asio::redirect_error(asio::use_awaitable, error));
            stream_.expires_never();
            if (error == bhttp::error::need_buffer)
                error = {};
            if (error) {
                keepAlive = false;
                throw beast::system_error(error);
            }
            if (const std::size_t got = size - bodyParser_->get().body().size; got > 0)
                co_return got;
        }
        co_return 0;
    }


    asio::awaitable<void> send(Response response) override
    {
        started_ = true;
        response.version(version_);
        response.keep_alive(keepAlive);
        response.prepare_payload();
        stream_.expires_after(writeStall_);
        co_await bhttp::async_write(stream_, response, asio::use_awaitable);
        stream_.expires_never();
    }

    asio::awaitable<bool> beginStream(bhttp::response<bhttp::empty_body> header) override
    {
        started_ = true;
        header.version(version_);
        header.keep_alive(keepAlive);
        if (header.has_content_length())
            streamLeft_ = std::stoull(std::string(header[bhttp::field::content_length]));
        else
            header.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> serializer(header);
        beast::error_code error;
        stream_.expires_after(writeStall_);
        co_await bhttp::async_write_header(stream_, serializer,
                                           asio::redirect_error(asio::use_awaitable, error));
        stream_.expires_never();
        open_ = !error;
        co_return open_;
    }

    asio::awaitable<bool> writeChunk(std::string_view data) override
    {
        if (!open_ || data.empty())
            co_return open_;
        beast::error_code error;
        stream_.expires_after(writeStall_);
        if (streamLeft_) {
            data = data.substr(0, *streamLeft_);
            co_await asio::async_write(stream_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, error));
            *streamLeft_ -= data.size();
        } else {
            co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data)),
                                       asio::redirect_error(asio::use_awaitable, error));
        }
        stream_.expires_never();
        open_ = !error;
        co_return open_;
    }

    asio::awaitable<std::uint64_t> writeFile(int fd, std::uint64_t size) override
    {
        if (!streamLeft_)
            throw std::logic_error("writeFile needs a fixed-length stream");
        auto &socket = stream_.socket();
        std::uint64_t sent = 0;
        size = std::min(size, *streamLeft_);
        beast::error_code error;
        socket.native_non_blocking(true, error);
        while (open_ && sent < size) {
            const ssize_t n = ::sendfile(socket.native_handle(), fd, nullptr, std::min<std::uint64_t>(size - sent, 1u << 30));
            if (n > 0) {
                sent += static_cast<std::uint64_t>(n);
            } else if (n < 0 && errno == EAGAIN) {
                open_ = co_await waitWritable(socket);
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                open_ = n == 0; // the file ended early (endStream then closes) or the client left
                break;
            }
        }
        *streamLeft_ -= sent;
        co_return sent;
    }

    asio::awaitable<void> endStream() override
    {
        if (!open_)
            co_return;
        if (streamLeft_) {
            if (*streamLeft_ > 0) { // ended short: only closing tells the client
                keepAlive = false;
                open_ = false;
            }
            co_return;
        }
        beast::error_code error;
        stream_.expires_after(writeStall_);
        co_await asio::async_write(stream_, bhttp::make_chunk_last(), asio::redirect_error(asio::use_awaitable, error));
        stream_.expires_never();
        open_ = !error;
    }

    asio::awaitable<void> waitForClientClose() override
    {
        // Reads are not expected mid-stream; any read completion means the peer closed or misbehaved.
        char byte;
        beast::error_code error;
        co_await stream_.socket().async_read_some(asio::buffer(&byte, 1),
                                                  asio::redirect_error(asio::use_awaitable, error));
        // Cancelled because the stream ended first: the connection is as good as before.
        // (Closing it anyway, after a keep-alive header, made a client's next request on it
        // fail now and then.)
        if (error != asio::error::operation_aborted)
            keepAlive = false;
    }

    asio::awaitable<std::unique_ptr<WebSocket>> acceptWebSocket(const Request &request) override
    {
        started_ = true;
        keepAlive = false; // the connection is the WebSocket's from now on
        open_ = false;
        auto socket = std::make_unique<StreamWebSocket<Protocol>>(stream_);
        co_await socket->accept(request);
        co_return socket;
    }

    bool open() const { return open_; }
    // A streamed body the handler did not read to its end leaves the connection unusable.
    bool bodyPending() const { return bodyLeft_ ? *bodyLeft_ > 0 : bodyParser_ && !bodyParser_->is_done(); }

private:
    // Whether the socket can take bytes again within writeStall_ (sendfile's wait).
    asio::awaitable<bool> waitWritable(typename Protocol::socket &socket)
    {
        using namespace asio::experimental::awaitable_operators;
        asio::steady_timer stall(socket.get_executor(), writeStall_);
        beast::error_code error;
        const auto first = co_await (socket.async_wait(Protocol::socket::wait_write, asio::redirect_error(asio::use_awaitable, error)) ||
                                     stall.async_wait(asio::use_awaitable));
        co_return first.index() == 0 && !error;
    }

    // A body of known length is read straight into the caller's memory (after what the
    // header read already buffered): one copy fewer than going through the parser.
    asio::awaitable<std::size_t> readLengthBody(char *data, std::size_t size)
    {
        size = static_cast<std::size_t>(std::min<std::uint64_t>(size, *bodyLeft_));
        if (size == 0)
            co_return 0;
        std::size_t got = 0;
        if (buffer_.size() > 0) {
            got = asio::buffer_copy(asio::buffer(data, size), buffer_.data());
            buffer_.consume(got);
        } else {
            beast::error_code error;
            stream_.expires_after(std::chrono::seconds(60));
            got = co_await stream_.async_read_some(asio::buffer(data, size), asio::redirect_error(asio::use_awaitable, error));
            stream_.expires_never();
            if (error) {
                keepAlive = false;
                throw beast::system_error(error == asio::error::eof ? beast::error_code(bhttp::error::partial_message) : error);
            }
        }
        *bodyLeft_ -= got;
        co_return got;
    }

    Stream &stream_;
    beast::flat_buffer &buffer_;
    unsigned version_;
    BodyParser *bodyParser_;
    std::optional<std::uint64_t> bodyLeft_;   // request body of known length still unread
    std::optional<std::uint64_t> streamLeft_; // fixed-length response bytes still to send
    std::chrono::seconds writeStall_;
    bool open_ = true;
};

template <class Protocol>
asio::awaitable<void> sendPlainError(beast::basic_stream<Protocol> &stream, unsigned status,
                                     const std::string &code, const std::string &message)
{
    const protocol::ApiError failure(code, message, nlohmann::json::object(), {}, static_cast<int>(status));
    Response response = jsonResponse(status, failure.envelope(), false);
    response.prepare_payload();
    beast::error_code error;
    stream.expires_after(std::chrono::seconds(10));
    co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, error));
    // Lingering close: read and drop what the client is still sending, so closing
    // with unread data does not reset the connection before the answer is read.
    stream.socket().shutdown(Protocol::socket::shutdown_send, error);
    stream.expires_after(std::chrono::seconds(5));
    static char sink[65536];
    while (!error)
        co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, error));
}

class IdleEntry;

// What the connections of one server share: who is idle (oldest first), and the slots
// for large bodies.
struct ServerState {
    explicit ServerState(const ServerOptions &options) : largeBodies(options.maxLargeBodies) {}
    std::list<IdleEntry *> idle;
    system::AsyncSemaphore largeBodies;
};

// Registers a connection as idle while it waits for a request; when too many are, the
// one that waited longest is cancelled.
class IdleEntry {
public:
    IdleEntry(ServerState &state, std::size_t limit, std::function<void()> cancel)
        : state_(state), cancel_(std::move(cancel))
    {
        if (limit == 0)
            return;
        entry_ = state_.idle.insert(state_.idle.end(), this);
        registered_ = true;
        if (state_.idle.size() > limit)
            state_.idle.front()->evict();
    }
    ~IdleEntry()
    {
        if (registered_)
            state_.idle.erase(entry_);
    }
    IdleEntry(const IdleEntry &) = delete;
    IdleEntry &operator=(const IdleEntry &) = delete;

private:
    void evict()
    {
        state_.idle.erase(entry_);
        registered_ = false;
        cancel_();
    }
    ServerState &state_;
    std::function<void()> cancel_;
    std::list<IdleEntry *>::iterator entry_;
    bool registered_ = false;
};

template <class Protocol>
asio::awaitable<void> runConnection(typename Protocol::socket socket, Handler handler, ServerOptions options,
                                    std::shared_ptr<ServerState> state)
{
    beast::basic_stream<Protocol> stream(std::move(socket));
    // Bytes read and not yet parsed: at most 1 MiB (an endless chunk extension or trailer
    // would otherwise grow it without end; past the limit the connection is dropped).
    beast::flat_buffer buffer(1 << 20);
    buffer.reserve(64 * 1024); // Beast reads at most the free capacity (512 bytes when new)
    for (bool first = true;; first = false) {
        bhttp::request_parser<bhttp::empty_body> headerParser;
        headerParser.header_limit(64 * 1024);
        headerParser.body_limit(boost::none);
        beast::error_code error;
        stream.expires_after(first ? options.firstRequestTimeout : options.idleTimeout);
        {
            IdleEntry idle(*state, options.maxIdleConnections, [&stream] { stream.cancel(); });
            co_await bhttp::async_read_header(stream, buffer, headerParser,
                                              asio::redirect_error(asio::use_awaitable, error));
        }
        if (error == bhttp::error::end_of_stream || error == asio::error::eof ||
            error == asio::error::connection_reset || error == beast::error::timeout ||
            error == asio::error::operation_aborted)
            break;
        if (error) {
            co_await sendPlainError(stream, 400, "VALIDATION_FAILED", "Malformed HTTP request: " + error.message());
            break;
        }
        if (options.claimsTunnel && options.claimsTunnel(headerParser.get())) {
            auto raw = rawConnection(stream.release_socket());
            std::ostringstream header;
            header << headerParser.get().base(); // start line, fields and the blank line
            raw->header = header.str();
            raw->buffered = beast::buffers_to_string(buffer.data());
            co_await options.tunnel(headerParser.release().base(), std::move(raw));
            co_return;
        }
        if (options.authorize) {
            std::optional<protocol::ApiError> refusal;
            try {
                options.authorize(headerParser.get());
            } catch (const protocol::ApiError &error) {
                refusal = error;
            }
            if (refusal) {
                co_await sendPlainError(stream, static_cast<unsigned>(refusal->httpStatus), refusal->code,
                                        refusal->what());
                break;
            }
        }
        std::optional<bhttp::request_parser<bhttp::buffer_body>> bodyParser;
        std::optional<system::AsyncSemaphore::Guard> largeBodySlot; // held while the body is in memory
        Request request;
        if (options.streamsBody && options.streamsBody(headerParser.get())) {
            bodyParser.emplace(std::move(headerParser));
            bodyParser->body_limit(boost::none);
            buffer.reserve(1024 * 1024); // streamed uploads move in big pieces
            request.base() = bodyParser->get().base();
        } else {
            // The header was parsed without a limit, so a declared length is checked here.
            const auto declared = headerParser.content_length();
            const bool large = !declared ? headerParser.chunked() : *declared > options.largeBody;
            bhttp::request_parser<bhttp::string_body> parser(std::move(headerParser));
            parser.body_limit(options.bodyLimit);
            if (declared && *declared > options.bodyLimit) {
                error = bhttp::error::body_limit;
            } else {
                if (large && options.maxLargeBodies > 0)
                    largeBodySlot.emplace(co_await state->largeBodies.acquire());
                co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, error));
            }
            if (error == bhttp::error::body_limit) {
                co_await sendPlainError(stream, 413, "PAYLOAD_TOO_LARGE",
                                        "Request body exceeds the limit of " + std::to_string(options.bodyLimit) + " bytes");
                break;
            }
            if (error) {
                if (error != bhttp::error::end_of_stream && error != asio::error::eof &&
                    error != asio::error::connection_reset)
                    co_await sendPlainError(stream, 400, "VALIDATION_FAILED", "Malformed HTTP request: " + error.message());
                break;
            }
            request = parser.release();
        }
        stream.expires_never();
        StreamResponder<Protocol> responder(stream, buffer, request.version(), options.writeStall,
                                            bodyParser ? &*bodyParser : nullptr);
        responder.keepAlive = request.keep_alive();
        // The one place where a failure becomes the protocol's error envelope.
        std::optional<protocol::ApiError> failure;
        try {
            co_await handler(request, responder);
        } catch (const protocol::ApiError &error) {
            failure = error;
        } catch (const std::exception &error) {
            failure = protocol::ApiError("INTERNAL_ERROR", error.what());
        }
        if (failure) {
            if (responder.started())
                break; // mid-stream: nothing more can be said on this connection
            co_await responder.send(jsonResponse(failure->httpStatus, failure->envelope(), responder.keepAlive));
        }
        if (!responder.keepAlive || !responder.open() || responder.bodyPending())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(Protocol::socket::shutdown_send, ignored);
}

template <class Acceptor>
void serveAny(Acceptor &acceptor, Handler handler, ServerOptions options)
{
    using Protocol = typename Acceptor::protocol_type;
    auto state = std::make_shared<ServerState>(options);
    asio::co_spawn(
        acceptor.get_executor(),
        [&acceptor, handler = std::move(handler), options, state]() -> asio::awaitable<void> {
            for (;;) {
                beast::error_code error;
                auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
                if (error == asio::error::operation_aborted || !acceptor.is_open())
                    co_return;
                if (error) {
                    // EMFILE and friends: back off briefly instead of spinning.
                    asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
                    co_await pause.async_wait(asio::use_awaitable);
                    continue;
                }
                if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
                    // Chunked streams write small pieces: do not let Nagle hold them back.
                    beast::error_code ignored;
                    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
                }
                asio::co_spawn(acceptor.get_executor(),
                               runConnection<Protocol>(std::move(socket), handler, options, state),
                               system::inBackground("http connection"));
            }
        },
        system::inBackground("http accept loop"));
}

} // namespace

void serve(asio::ip::tcp::acceptor &acceptor, Handler handler, ServerOptions options)
{
    serveAny(acceptor, std::move(handler), options);
}

void serve(asio::local::stream_protocol::acceptor &acceptor, Handler handler, ServerOptions options)
{
    serveAny(acceptor, std::move(handler), options);
}

bool isWebSocketUpgrade(const Request &request)
{
    return websocket::is_upgrade(request);
}

std::string percentDecode(std::string_view text)
{
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

std::vector<std::string> splitPath(std::string_view path)
{
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        parts.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

std::string queryValue(std::string_view query, std::string_view name)
{
    std::size_t start = 0;
    while (start < query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos)
            end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
            return std::string(pair.substr(name.size() + 1));
        start = end + 1;
    }
    return {};
}

std::optional<HostHeader> parseHostHeader(std::string_view host)
{
    HostHeader parsed;
    std::string_view rest;
    if (host.starts_with('[')) {
        const auto close = host.find(']');
        if (close == std::string_view::npos || close == 1)
            return std::nullopt;
        const auto address = host.substr(1, close - 1);
        for (char c : address)
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'))
                return std::nullopt;
        parsed.name = address;
        rest = host.substr(close + 1);
    } else {
        const auto colon = host.find(':');
        const auto name = host.substr(0, colon);
        if (name.empty() || name.size() > 253)
            return std::nullopt;
        for (char c : name)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
                return std::nullopt;
        parsed.name = name;
        rest = colon == std::string_view::npos ? std::string_view() : host.substr(colon);
    }
    if (!rest.empty()) {
        const auto digits = rest.substr(1);
        if (rest[0] != ':' || digits.empty() || digits.size() > 5)
            return std::nullopt;
        for (char c : digits)
            if (!std::isdigit(static_cast<unsigned char>(c)))
                return std::nullopt;
        const unsigned port = static_cast<unsigned>(std::stoul(std::string(digits)));
        if (port > 65535)
            return std::nullopt;
        parsed.port = port;
    }
    for (auto &c : parsed.name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return parsed;
}

Response jsonResponse(unsigned status, const nlohmann::json &body, bool keepAlive)
{
    Response response{static_cast<bhttp::status>(status), 11};
    response.set(bhttp::field::content_type, "application/json");
    response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    response.keep_alive(keepAlive);
    response.prepare_payload();
    return response;
}

bhttp::response<bhttp::empty_body> sseHeader()
{
    bhttp::response<bhttp::empty_body> header{bhttp::status::ok, 11};
    header.set(bhttp::field::content_type, "text/event-stream");
    header.set(bhttp::field::cache_control, "no-cache");
    return header;
}

} // namespace sandbench::http
