// The HTTP server's defences against clients that ask and never read: every kind of
// response (whole, streamed, sent from a file) gives up after the write stall, so such
// clients cannot pin the server's memory or its coroutines. And chunked bodies: read whole,
// however they arrive, and never buffered without bound.
#include "http/HttpServer.h"

#include <QtTest>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace http = sandbench::http;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kBody = 64u << 20; // far more than the socket buffers hold

class StallServer {
public:
    StallServer() : acceptor_(context_, {asio::ip::address_v4::loopback(), 0})
    {
        http::ServerOptions options;
        options.writeStall = 1s;
        options.streamsBody = [](const http::bhttp::request_header<> &header) { return header.target() == "/upload"; };
        http::serve(acceptor_, [this](http::Request &request, http::Responder &responder) {
            return handle(request, responder);
        }, options);
        thread_ = std::thread([this] { context_.run(); });
    }
    ~StallServer()
    {
        asio::post(context_, [this] { acceptor_.close(); context_.stop(); });
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::atomic<bool> gaveUp = false;

private:
    asio::awaitable<void> handle(http::Request &request, http::Responder &responder)
    {
        const std::string block(1 << 20, 'x');
        if (request.target() == "/upload") { // answers how many body bytes it read
            std::size_t total = 0;
            char chunk[4096];
            for (std::size_t n; (n = co_await responder.readBody(chunk, sizeof chunk)) > 0;)
                total += n;
            http::Response response(http::bhttp::status::ok, 11);
            response.body() = std::to_string(total);
            co_await responder.send(std::move(response));
        } else if (request.target() == "/whole") {
            http::Response response(http::bhttp::status::ok, 11);
            response.body().assign(kBody, 'x');
            try {
                co_await responder.send(std::move(response));
            } catch (const std::exception &) {
                gaveUp = true;
                throw;
            }
        } else if (request.target() == "/stream") {
            co_await responder.beginStream(http::bhttp::response<http::bhttp::empty_body>(http::bhttp::status::ok, 11));
            for (std::size_t sent = 0; sent < kBody; sent += block.size())
                if (!co_await responder.writeChunk(block))
                    break;
            gaveUp = true;
        } else if (request.target() == "/file") {
            FILE *file = std::tmpfile();
            ::ftruncate(fileno(file), kBody);
            http::bhttp::response<http::bhttp::empty_body> header(http::bhttp::status::ok, 11);
            header.content_length(kBody);
            co_await responder.beginStream(std::move(header));
            gaveUp = co_await responder.writeFile(fileno(file), kBody) < kBody;
            std::fclose(file);
            co_await responder.endStream();
        }
    }

    asio::io_context context_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

// Sends a request and reads nothing; returns the socket.
int askAndNeverRead(unsigned short port, const char *path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return -1;
    const std::string request = std::string("GET ") + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    return ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()) ? fd : -1;
}

// Connects to the server on loopback; -1 on failure.
int connectTo(unsigned short port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 ? fd : -1;
}

bool sendAll(int fd, std::string_view bytes)
{
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Everything the server sent before it closed (0 bytes of waiting once it did).
std::size_t drain(int fd)
{
    std::size_t total = 0;
    char buffer[1 << 16];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
        total += static_cast<std::size_t>(n);
    return total;
}

} // namespace

class HttpServerTest : public QObject {
    Q_OBJECT

private slots:
    // A chunked body read whole though its chunk headers arrive apart from their data (a
    // read that ended on a header once counted as the end: an upload read as empty).
    void aChunkedBodyIsReadWhole()
    {
        StallServer server;
        const int fd = connectTo(server.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendAll(fd, "PUT /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                            "Connection: close\r\n\r\n"));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(sendAll(fd, "5\r\n"));
            std::this_thread::sleep_for(50ms);
            QVERIFY(sendAll(fd, "hello\r\n"));
            std::this_thread::sleep_for(50ms);
        }
        QVERIFY(sendAll(fd, "0\r\n\r\n"));
        std::string answer;
        char buffer[4096];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            answer.append(buffer, static_cast<std::size_t>(n));
        ::close(fd);
        QVERIFY2(answer.ends_with("\r\n\r\n15"), answer.c_str());
    }

    // An endless chunk extension cannot grow the server's memory: past 1 MiB of bytes it
    // cannot parse, the connection goes.
    void anEndlessChunkExtensionIsDropped()
    {
        StallServer server;
        const int fd = connectTo(server.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendAll(fd, "PUT /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
        const std::string junk(1 << 20, 'a');
        bool dropped = false;
        for (int i = 0; i < 64 && !dropped; ++i)
            dropped = !sendAll(fd, junk);
        ::close(fd);
        QVERIFY(dropped);
    }

    void aClientThatNeverReadsIsDropped_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("whole response") << QByteArray("/whole");
        QTest::newRow("streamed response") << QByteArray("/stream");
        QTest::newRow("response from a file") << QByteArray("/file");
    }
    void aClientThatNeverReadsIsDropped()
    {
        QFETCH(QByteArray, path);
        StallServer server;
        const int fd = askAndNeverRead(server.port(), path.constData());
        QVERIFY(fd >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(server.gaveUp.load(), 10000);
        const std::size_t received = drain(fd); // what the buffers held, then the close
        ::close(fd);
        QVERIFY2(received < kBody, std::to_string(received).c_str());
    }
};

QTEST_GUILESS_MAIN(HttpServerTest)
#include "HttpServerTest.moc"
