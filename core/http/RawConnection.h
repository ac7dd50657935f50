// A connection handed over whole: the byte stream under HTTP, for relays that pass
// everything through (preview URLs: HTTP/1.1 with any body, WebSocket upgrades). The
// server hands one over when ServerOptions::tunnel claims a request's header.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace sandbench::http {

namespace asio = boost::asio;

class RawConnection {
public:
    virtual ~RawConnection() = default;
    // Some bytes into data; 0 at the end of the peer's stream or on an error.
    virtual asio::awaitable<std::size_t> readSome(asio::mutable_buffer data) = 0;
    // All of data; false when the connection is gone.
    virtual asio::awaitable<bool> writeAll(asio::const_buffer data) = 0;
    virtual void shutdownSend() = 0;
    virtual void close() = 0;
    // For splice(2): the socket's descriptor (-1 when there is none, or after close()) and a
    // wait until it can be read or written (false when it never will).
    virtual int descriptor() { return -1; }
    virtual asio::awaitable<bool> waitUntil(bool /*readable*/) { co_return false; }

    // Set by the server for a connection it hands over: the request header it read,
    // written out again, and the bytes it had already read after that header.
    std::string header;
    std::string buffered;
};

std::unique_ptr<RawConnection> rawConnection(asio::ip::tcp::socket socket);
std::unique_ptr<RawConnection> rawConnection(asio::local::stream_protocol::socket socket);

// Copies both ways until both sides have ended (each end of stream is passed on as a
// half-close, so a request body that ends does not cut off the answer). Between two
// sockets the bytes move through a pipe with splice(2), never through user space.
// When to give up on a relay (zero: never): no byte either way for `idle`, or for
// `halfClosedIdle` once one side has ended its stream (a client that went away while the
// other side stays silent would otherwise hold both forever).
struct SpliceLimits {
    std::chrono::seconds idle{0};
    std::chrono::seconds halfClosedIdle{0};
};
asio::awaitable<void> splice(RawConnection &first, RawConnection &second, SpliceLimits limits = {});

// Over a Unix socket connection: bytes with a descriptor attached (SCM_RIGHTS), and their
// reading; a received descriptor is set in `descriptor` (close-on-exec), at most one is
// taken. How the agent hands the engine a socket it connected inside the sandbox.
asio::awaitable<bool> sendWithDescriptor(RawConnection &over, std::string_view bytes, int descriptor);
asio::awaitable<std::size_t> readSomeWithDescriptor(RawConnection &from, asio::mutable_buffer data, int &descriptor);

// "HTTP/1.1 <status> <reason>" with a body, Content-Length and Connection: close.
std::string plainHttpResponse(unsigned status, const std::string &contentType, const std::string &body);

} // namespace sandbench::http
