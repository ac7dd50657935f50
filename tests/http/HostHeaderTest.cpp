// The strict Host header parser behind the engine's DNS-rebinding defence (and,
// next, the preview router): loopback names pass, look-alikes do not.
#include "http/HttpServer.h"

#include <QtTest>

using sandbench::http::parseHostHeader;

class HostHeaderTest : public QObject {
    Q_OBJECT

private slots:
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
