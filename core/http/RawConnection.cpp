#include "http/RawConnection.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sandbench::http {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

template <class Socket>
class SocketConnection : public RawConnection {
public:
    explicit SocketConnection(Socket socket) : socket_(std::move(socket))
    {
        boost::system::error_code ignored;
        socket_.native_non_blocking(true, ignored); // splice(2) must never block the thread
    }

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
    int descriptor() override { return socket_.is_open() ? socket_.native_handle() : -1; }
    asio::awaitable<bool> waitUntil(bool readable) override
    {
        boost::system::error_code error;
        co_await socket_.async_wait(readable ? Socket::wait_read : Socket::wait_write,
                                    asio::redirect_error(asio::use_awaitable, error));
        co_return !error && socket_.is_open();
    }

private:
    Socket socket_;
};

// What the watchdog of a relay looks at: when bytes last moved, and how many directions ended.
struct Activity {
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
    int ended = 0;
    void moved() { last = std::chrono::steady_clock::now(); }
};

// One direction: what from says goes to to, then to learns that from has finished.
asio::awaitable<void> copy(RawConnection &from, RawConnection &to, Activity &activity)
{
    struct Ended {
        Activity &activity;
        explicit Ended(Activity &a) : activity(a) {}
        ~Ended() { ++activity.ended; }
    } ended(activity);
    std::string chunk(256 * 1024, '\0');
    for (;;) {
        const std::size_t got = co_await from.readSome(asio::buffer(chunk));
        if (got == 0)
            break;
        activity.moved();
        if (!co_await to.writeAll(asio::buffer(chunk.data(), got))) {
            from.close(); // the other side is gone: so is this direction
            co_return;
        }
    }
    to.shutdownSend();
}

// The same through a pipe with splice(2): the kernel moves the pages from one socket to
// the other, which at least doubles a preview's throughput (two copies fewer per relay).
asio::awaitable<void> spliceCopy(RawConnection &from, RawConnection &to, Activity &activity)
{
    int pipe[2];
    if (::pipe2(pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        co_await copy(from, to, activity);
        co_return;
    }
    struct Ended {
        Activity &activity;
        explicit Ended(Activity &a) : activity(a) {}
        ~Ended() { ++activity.ended; }
    } ended(activity);
    struct Pipe {
        int read, write;
        Pipe(int r, int w) : read(r), write(w) {}
        ~Pipe() { ::close(read); ::close(write); }
    } ends(pipe[0], pipe[1]);
    constexpr std::size_t kPipeSize = 1 << 20;
    ::fcntl(ends.write, F_SETPIPE_SZ, static_cast<int>(kPipeSize)); // a smaller pipe just means more turns
    constexpr unsigned kFlags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
    for (;;) {
        const ssize_t moved = ::splice(from.descriptor(), nullptr, ends.write, nullptr, kPipeSize, kFlags);
        if (moved == 0)
            break; // the end of from's stream
        if (moved < 0) {
            if (errno == EAGAIN && co_await from.waitUntil(true))
                continue;
            if (errno == EINTR)
                continue;
            break; // reset or closed: passed on as the end
        }
        activity.moved();
        // The pipe was empty: it now holds exactly `moved` bytes, all for `to`.
        for (ssize_t left = moved; left > 0;) {
            const ssize_t sent = ::splice(ends.read, nullptr, to.descriptor(), nullptr, static_cast<std::size_t>(left), kFlags);
            if (sent > 0) {
                left -= sent;
            } else if (sent < 0 && errno == EINTR) {
                continue;
            } else if (sent < 0 && errno == EAGAIN && co_await to.waitUntil(false)) {
                continue;
            } else {
                from.close(); // the other side is gone: so is this direction
                co_return;
            }
        }
    }
    to.shutdownSend();
}

// Closes both connections when the relay has been quiet for too long (which ends it).
asio::awaitable<void> watchRelay(RawConnection &first, RawConnection &second, Activity &activity, SpliceLimits limits)
{
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (;;) {
        tick.expires_after(std::chrono::seconds(1));
        co_await tick.async_wait(asio::use_awaitable);
        const auto quiet = std::chrono::steady_clock::now() - activity.last;
        if ((limits.idle.count() > 0 && quiet >= limits.idle) ||
            (limits.halfClosedIdle.count() > 0 && activity.ended > 0 && quiet >= limits.halfClosedIdle)) {
            first.close();
            second.close();
            co_return;
        }
    }
}

asio::awaitable<void> relayBothWays(RawConnection &first, RawConnection &second, Activity &activity)
{
    if (first.descriptor() >= 0 && second.descriptor() >= 0)
        co_await (spliceCopy(first, second, activity) && spliceCopy(second, first, activity));
    else
        co_await (copy(first, second, activity) && copy(second, first, activity));
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

asio::awaitable<void> splice(RawConnection &first, RawConnection &second, SpliceLimits limits)
{
    Activity activity;
    if (limits.idle.count() > 0 || limits.halfClosedIdle.count() > 0)
        co_await (relayBothWays(first, second, activity) || watchRelay(first, second, activity, limits));
    else
        co_await relayBothWays(first, second, activity);
    first.close();
    second.close();
}

namespace {

// One sendmsg/recvmsg header over a buffer, with room for one descriptor (SCM_RIGHTS).
struct DescriptorMessage {
    iovec data;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    DescriptorMessage(void *bytes, std::size_t size) : data{bytes, size}
    {
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
    }
    DescriptorMessage(const DescriptorMessage &) = delete; // points into itself
};

} // namespace

asio::awaitable<bool> sendWithDescriptor(RawConnection &over, std::string_view bytes, int descriptor)
{
    for (;;) {
        DescriptorMessage sending(const_cast<char *>(bytes.data()), bytes.size());
        msghdr &message = sending.message;
        cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &descriptor, sizeof(int));
        const ssize_t sent = ::sendmsg(over.descriptor(), &message, MSG_NOSIGNAL);
        if (sent == static_cast<ssize_t>(bytes.size()))
            co_return true;
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && errno == EAGAIN && co_await over.waitUntil(false))
            continue;
        co_return false; // a short first message would split the answer from its descriptor
    }
}

asio::awaitable<std::size_t> readSomeWithDescriptor(RawConnection &from, asio::mutable_buffer data, int &descriptor)
{
    for (;;) {
        DescriptorMessage receiving(data.data(), data.size());
        msghdr &message = receiving.message;
        const ssize_t got = ::recvmsg(from.descriptor(), &message, MSG_CMSG_CLOEXEC);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN && co_await from.waitUntil(true))
            continue;
        if (got <= 0)
            co_return 0;
        // More descriptors than fit are closed by the kernel (MSG_CTRUNC); of those that came
        // (the control space holds two), the first one of the whole answer is kept, every
        // other one closed: a hostile sender cannot leave descriptors behind.
        for (cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS ||
                header->cmsg_len < CMSG_LEN(sizeof(int)))
                continue;
            const std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int received = -1;
                std::memcpy(&received, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
                if (descriptor < 0)
                    descriptor = received;
                else
                    ::close(received);
            }
        }
        co_return static_cast<std::size_t>(got);
    }
}

std::string plainHttpResponse(unsigned status, const std::string &contentType, const std::string &body)
{
    return "HTTP/1.1 " + std::to_string(status) + " " +
           std::string(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status))) +
           "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body;
}

} // namespace sandbench::http
