#include "http/RawConnection.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

namespace sandbench::http {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

template <class Socket>
class SocketConnection : public RawConnection {
public:
    explicit SocketConnection(Socket socket) : socket_(std::move(socket)) {}

    asio::awaitable<std::size_t> readSome(asio::mutable_buffer data) override
    {
        boost::system::error_code error;
        const std::size_t got = co_await socket_.async_read_some(data, asio::redirect_error(asio::use_awaitable, error));
        co_return error ? 0 : got;
    }
    asio::awaitable<bool> writeAll(asio::const_buffer data) override
    {
        boost::system::error_code error;
        co_await asio::async_write(socket_, data, asio::redirect_error(asio::use_awaitable, error));
        co_return !error;
    }
    void shutdownSend() override
    {
        boost::system::error_code ignored;
        socket_.shutdown(Socket::shutdown_send, ignored);
    }
    void close() override
    {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    Socket socket_;
};

// One direction: what from says goes to to, then to learns that from has finished.
asio::awaitable<void> copy(RawConnection &from, RawConnection &to)
{
    std::string chunk(256 * 1024, '\0');
    for (;;) {
        const std::size_t got = co_await from.readSome(asio::buffer(chunk));
        if (got == 0)
            break;
        if (!co_await to.writeAll(asio::buffer(chunk.data(), got))) {
            from.close(); // the other side is gone: so is this direction
            co_return;
        }
    }
    to.shutdownSend();
}

} // namespace

std::unique_ptr<RawConnection> rawConnection(asio::ip::tcp::socket socket)
{
    return std::make_unique<SocketConnection<asio::ip::tcp::socket>>(std::move(socket));
}

std::unique_ptr<RawConnection> rawConnection(asio::local::stream_protocol::socket socket)
{
    return std::make_unique<SocketConnection<asio::local::stream_protocol::socket>>(std::move(socket));
}

asio::awaitable<void> splice(RawConnection &first, RawConnection &second)
{
    co_await (copy(first, second) && copy(second, first));
    first.close();
    second.close();
}

std::string plainHttpResponse(unsigned status, const std::string &contentType, const std::string &body)
{
    return "HTTP/1.1 " + std::to_string(status) + " " +
           std::string(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status))) +
           "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body;
}

} // namespace sandbench::http
