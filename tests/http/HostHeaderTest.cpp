// The strict Host header parser behind the engine's DNS-rebinding defence (and,
// next, the preview router): loopback names pass, look-alikes do not.
#include "engine/PreviewService.h"
#include "http/HttpServer.h"

#include <QtTest>

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
