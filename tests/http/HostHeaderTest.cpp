// The strict Host header parser behind the engine's DNS-rebinding defence and the
// preview router (loopback names pass, look-alikes do not), and the preview relay's
// byte splice and its limits, and what it takes from an agent.
#include "engine/PreviewService.h"
#include "http/HttpServer.h"
#include "http/RawConnection.h"

#include <QtTest>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using sandbench::http::parseHostHeader;

class HostHeaderTest : public QObject {
    Q_OBJECT

private slots:
    // Preview hosts: {port}-{sandboxId}-{token}.localhost[:port], the id may hold hyphens.
    void previewHostsAreSplitStrictly()
    {
        using sandbench::engine::parsePreviewHost;
        auto preview = parsePreviewHost("8080-my-box-tok_1.localhost:7070");
        QVERIFY(preview);
        QCOMPARE(preview->port, 8080u);
        QCOMPARE(preview->sandboxId, std::string("my-box"));
        QCOMPARE(preview->token, std::string("tok_1"));
        QVERIFY(parsePreviewHost("8080-BOX-TOK.LOCALHOST")); // host names are case-insensitive
        for (const char *wrong : {"localhost:7070", "127.0.0.1", "8080-box.localhost", "8080-box-.localhost",
                                  "3000-box-tok.localhost", "80-box-tok.localhost", "70000-box-tok.localhost",
                                  "8080-box-tok.localhost.evil.com", "evil.8080-box-tok.localhost",
                                  "8080-box-tok.localhost:x", "8080-box-tok!.localhost", "8080--tok.localhost",
                                  "8080-box-seventeen_chars_xx.localhost"})
            QVERIFY2(!parsePreviewHost(wrong), wrong);
    }

    void namesAddressesAndPortsAreSplit()
    {
        auto parsed = parseHostHeader("localhost:7070");
        QVERIFY(parsed);
        QCOMPARE(parsed->name, std::string("localhost"));
        QCOMPARE(parsed->port.value_or(0), 7070u);
        parsed = parseHostHeader("[::1]:80");
        QVERIFY(parsed);
        QCOMPARE(parsed->name, std::string("::1"));
        QCOMPARE(parsed->port.value_or(0), 80u);
        parsed = parseHostHeader("127.0.0.1");
        QVERIFY(parsed);
        QVERIFY(!parsed->port);
        parsed = parseHostHeader("LocalHost");
        QVERIFY(parsed);
        QCOMPARE(parsed->name, std::string("localhost"));
        QCOMPARE(parseHostHeader("8080-demo-tok.localhost:7070")->name, std::string("8080-demo-tok.localhost"));
    }

    // A relay passes bytes both ways (through splice(2)); once one side has ended and the
    // other stays silent past halfClosedIdle, both are closed and the relay is done.
    void aRelayEndsWhenOneSideLeftAndTheOtherIsSilent()
    {
        namespace asio = boost::asio;
        using Socket = asio::local::stream_protocol::socket;
        asio::io_context io;
        Socket client(io), clientEnd(io), service(io), serviceEnd(io);
        asio::local::connect_pair(client, clientEnd);
        asio::local::connect_pair(service, serviceEnd);
        auto first = sandbench::http::rawConnection(std::move(clientEnd));
        auto second = sandbench::http::rawConnection(std::move(service));
        bool done = false;
        sandbench::http::SpliceLimits limits;
        limits.halfClosedIdle = std::chrono::seconds(1);
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await sandbench::http::splice(*first, *second, limits);
            done = true;
        }, asio::detached);
        // Bytes both ways.
        asio::write(client, asio::buffer(std::string("ping")));
        std::string seen(4, '\0');
        io.run_for(std::chrono::milliseconds(100));
        asio::read(serviceEnd, asio::buffer(seen));
        QCOMPARE(seen, std::string("ping"));
        asio::write(serviceEnd, asio::buffer(std::string("pong")));
        io.run_for(std::chrono::milliseconds(100));
        asio::read(client, asio::buffer(seen));
        QCOMPARE(seen, std::string("pong"));
        // The client leaves; the service says nothing more.
        client.close();
        const auto left = std::chrono::steady_clock::now();
        while (!done && std::chrono::steady_clock::now() - left < std::chrono::seconds(5))
            io.run_for(std::chrono::milliseconds(50));
        QVERIFY(done);
        QVERIFY(std::chrono::steady_clock::now() - left >= std::chrono::milliseconds(900));
        // The service's end is closed too (it reads the end of the stream).
        boost::system::error_code error;
        char byte;
        serviceEnd.read_some(asio::buffer(&byte, 1), error);
        QCOMPARE(error, boost::system::error_code(asio::error::eof));
    }

    // What an agent hands over for a preview is taken only if it is a connected TCP socket
    // (a hostile agent chooses what it passes); anything else is closed, not kept.
    void onlyAConnectedTcpSocketIsTakenFromAnAgent()
    {
        using sandbench::engine::serviceConnection;
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor listener(io, {boost::asio::ip::address_v4::loopback(), 0});
        const auto closed = [](int fd) { return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF; };
        const int listening = ::dup(listener.native_handle());
        QVERIFY(!serviceConnection(io, listening));
        QVERIFY(closed(listening));
        const int unconnected = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(!serviceConnection(io, unconnected));
        QVERIFY(closed(unconnected));
        const int datagram = ::socket(AF_INET, SOCK_DGRAM, 0);
        QVERIFY(!serviceConnection(io, datagram));
        int pair[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
        QVERIFY(!serviceConnection(io, pair[0]));
        ::close(pair[1]);
        const int file = ::open("/dev/null", O_RDONLY);
        QVERIFY(!serviceConnection(io, file));
        QVERIFY(closed(file));
        boost::asio::ip::tcp::socket client(io);
        client.connect(listener.local_endpoint());
        QVERIFY(serviceConnection(io, ::dup(client.native_handle())));
    }

    void lookAlikesAreRefused()
    {
        for (const char *host : {"[::1].evil.com", "localhost:evil.com", "localhost:80:80", "[::1]:80:80",
                                 "[::1]x", "[]", "", ":80", "localhost:", "localhost:123456", "localhost:99999",
                                 "local host", "localhost/x", "localhost@evil.com", "[::1", "localhost:+80",
                                 "localhost:-1", "[evil.com]"})
            QVERIFY2(!parseHostHeader(host), host);
    }
};

QTEST_GUILESS_MAIN(HostHeaderTest)
#include "HostHeaderTest.moc"
