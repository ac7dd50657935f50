// A small HTTP/1.1 server on Boost.Beast: one coroutine per connection that
// reads requests top to bottom and hands each to a Handler. The same code
// serves TCP (engine) and unix sockets (agent).
#pragma once

#include "http/RawConnection.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbench::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// A WebSocket a handler accepted (one reader and one writer at a time).
class WebSocket {
public:
    struct Message {
        std::string data;
        bool binary = false;
    };
    virtual ~WebSocket() = default;
    // The next message; nullopt once the peer closed or the connection failed.
    virtual asio::awaitable<std::optional<Message>> read() = 0;
    // False once the connection is gone.
    virtual asio::awaitable<bool> write(std::string_view data, bool binary) = 0;
    virtual asio::awaitable<void> close(unsigned short code, std::string_view reason) = 0;
};

// Whether a request asks to become a WebSocket.
bool isWebSocketUpgrade(const Request &request);

// How a handler answers: one whole response, or a chunked stream (SSE, downloads).
class Responder {
public:
    virtual ~Responder() = default;
    virtual asio::awaitable<void> send(Response response) = 0;
    // Starts a streamed response: chunked, or of fixed length when the header carries a
    // Content-Length (then a stream ended short closes the connection, so the client
    // sees the truncation). Returns false when the client is gone.
    virtual asio::awaitable<bool> beginStream(bhttp::response<bhttp::empty_body> header) = 0;
    virtual asio::awaitable<bool> writeChunk(std::string_view data) = 0;
    // Fixed-length streams only: up to size bytes from fd's offset, copied by the kernel
    // (sendfile). Returns the bytes sent; fewer means the file ended or the client left.
    virtual asio::awaitable<std::uint64_t> writeFile(int fd, std::uint64_t size) = 0;
    virtual asio::awaitable<void> endStream() = 0;
    // Resolves when the client closes its side (used to stop quiet streams).
    virtual asio::awaitable<void> waitForClientClose() = 0;
    // For requests the server was told to stream (ServerOptions::streamsBody): the next
    // piece of the body, 0 at its end. Throws when the client breaks off mid-body.
    virtual asio::awaitable<std::size_t> readBody(char *data, std::size_t size) = 0;
    // Accepts a WebSocket upgrade; the connection then belongs to the returned socket.
    // Throws when the handshake fails.
    virtual asio::awaitable<std::unique_ptr<WebSocket>> acceptWebSocket(const Request &request) = 0;
    bool started() const { return started_; }
    bool keepAlive = true;

protected:
    bool started_ = false;
};

using Handler = std::function<asio::awaitable<void>(Request &, Responder &)>;

struct ServerOptions {
    std::uint64_t bodyLimit = 64ull * 1024 * 1024;
    std::chrono::seconds idleTimeout{300};        // between requests on a kept-alive connection
    std::chrono::seconds firstRequestTimeout{30}; // a new connection's first request header
    // A client that takes no bytes of a response for this long is gone and its connection
    // closed: clients that never read cannot pin the server's memory.
    std::chrono::seconds writeStall{60};
    // Above this many connections waiting for a request, the longest-waiting is closed
    // (0: no cap): idle connections cannot starve the server of descriptors.
    std::size_t maxIdleConnections = 0;
    // Bodies read whole that are larger than largeBody are read at most this many at a
    // time (0: no cap), so memory for bodies stays near maxLargeBodies x bodyLimit.
    std::size_t maxLargeBodies = 0;
    std::uint64_t largeBody = 1 << 20;
    // Checked on each request's header before its body is read: a refusal (thrown
    // protocol::ApiError) is answered and the connection closed, so a client without
    // credentials never makes the server hold a body or wait for one.
    std::function<void(const bhttp::request_header<> &)> authorize;
    // Requests for which this returns true reach the handler with an empty body, to be
    // read piece by piece with Responder::readBody (large uploads); no size limit applies.
    std::function<bool(const bhttp::request_header<> &)> streamsBody;
    // Requests whose header claimsTunnel claims leave HTTP: the connection goes to tunnel
    // whole (that header and what was read after it included), before authorize: the
    // tunnel decides who may pass (the engine's preview URLs, the agent's port relay).
    std::function<bool(const bhttp::request_header<> &)> claimsTunnel;
    std::function<asio::awaitable<void>(bhttp::request_header<>, std::unique_ptr<RawConnection>)> tunnel;
};

// Accept loops; each runs until the acceptor is closed.
void serve(asio::ip::tcp::acceptor &acceptor, Handler handler, ServerOptions options = {});
void serve(asio::local::stream_protocol::acceptor &acceptor, Handler handler, ServerOptions options = {});

// "/a/b/c" -> {"a", "b", "c"} (empty segments kept: "/a/" -> {"a", ""}).
std::vector<std::string> splitPath(std::string_view path);

// Value of name in "a=1&b=2" (not percent-decoded), or empty.
std::string queryValue(std::string_view query, std::string_view name);

// %XX decoding of a query value ('+' stays '+').
std::string percentDecode(std::string_view text);

// A Host header split strictly: "name", "name:port", "[v6]" or "[v6]:port", where a port
// is 1-5 digits and a name is letters, digits, '-' and '.'. Anything else is nullopt
// ("[::1].evil.com", "localhost:evil.com", "a:1:2").
struct HostHeader {
    std::string name; // lower case; without brackets for IPv6
    std::optional<unsigned> port;
};
std::optional<HostHeader> parseHostHeader(std::string_view host);

// A JSON response. No CORS headers: the engine is not for web pages.
Response jsonResponse(unsigned status, const nlohmann::json &body, bool keepAlive = true);

// The SSE response header (text/event-stream, no-cache).
bhttp::response<bhttp::empty_body> sseHeader();

} // namespace sandbench::http
