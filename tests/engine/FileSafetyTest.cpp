// File API safety inside a real sandbox: symlinks and '..' chains cannot reach
// host files, awkward names work, and a full disk leaves the old file intact.
#include "support/EngineHarness.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace sandbench;
using client::Json;

class FileSafetyTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;
    QString hostSecret;
    const std::string secretText = "host-secret-content";

    client::HttpResult api(const std::string &route, const Json &body)
    {
        return engine.http().requestJson("POST", "/v1/sandboxes/safe/api/" + route, body);
    }
    std::string sh(const std::string &command)
    {
        return engine.exec("safe", command, Json{{"sessionId", "__DISABLE_SESSION__"}})["stdout"].get<std::string>();
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        hostSecret = QDir::homePath() + "/.sandbench-file-safety-secret";
        QFile secret(hostSecret);
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write(secretText.c_str());
        secret.close();
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/safe", "{}").status, 200);
    }

    void cleanupTestCase()
    {
        QFile::remove(hostSecret);
        QFile::remove("/tmp/sandbench-escape-through-link");
        engine.http().request("DELETE", "/v1/sandboxes/safe");
    }

    void symlinksResolveInsideTheSandbox()
    {
        const std::string secret = hostSecret.toStdString();
        sh("ln -s '" + secret + "' /workspace/to-secret; ln -s /proc/1/root'" + secret + "' /workspace/via-proc;"
           "ln -s ../../../../../../..'" + secret + "' /workspace/dotdot; ln -s /etc /workspace/etc-link");
        for (const char *link : {"to-secret", "via-proc", "dotdot"}) {
            const auto result = api("read", Json{{"path", std::string("/workspace/") + link}});
            QCOMPARE(result.status, 404);
            QVERIFY(result.body.find(secretText) == std::string::npos);
        }
        const auto chain = api("read", Json{{"path", "/workspace/../../.." + secret}});
        QCOMPARE(chain.status, 404);
        // Writing through a link to a read-only system directory fails; the host is untouched.
        const auto write = api("write", Json{{"path", "/workspace/etc-link/sandbench-escape"}, {"content", "x"}});
        QCOMPARE(write.status, 403);
        QCOMPARE(write.json()["code"].get<std::string>(), std::string("READ_ONLY"));
        QVERIFY(!QFile::exists("/etc/sandbench-escape"));
        // A link to a host-looking /tmp path lands in the sandbox's private /tmp.
        sh("ln -s /tmp/sandbench-escape-through-link /workspace/tmp-link");
        QCOMPARE(api("write", Json{{"path", "/workspace/tmp-link"}, {"content", "inside"}}).status, 200);
        QVERIFY(!QFile::exists("/tmp/sandbench-escape-through-link"));
        QCOMPARE(sh("cat /tmp/sandbench-escape-through-link"), std::string("inside"));
    }

    void aLinkSwappedDuringReadsNeverLeaksHostFiles()
    {
        const std::string secret = hostSecret.toStdString();
        api("write", Json{{"path", "/workspace/plain.txt"}, {"content", "plain"}});
        engine.http().requestJson("POST", "/v1/sandboxes/safe/api/process/start",
                                  Json{{"command", "while true; do ln -sfn /workspace/plain.txt /workspace/swap; ln -sfn '" +
                                                       secret + "' /workspace/swap; done"},
                                       {"processId", "swapper"}});
        int plain = 0;
        for (int i = 0; i < 200; ++i) {
            const auto result = api("read", Json{{"path", "/workspace/swap"}});
            QVERIFY(result.body.find(secretText) == std::string::npos);
            plain += result.status == 200;
        }
        QVERIFY(plain > 0); // the race was real: some reads saw the workspace file
        engine.http().request("DELETE", "/v1/sandboxes/safe/api/process/swapper");
    }

    void awkwardNamesAndNul()
    {
        for (const std::string name : {"with space.txt", "new\nline.txt", "ünïcødé ✓.txt", "-rf"}) {
            const std::string path = "/workspace/names/" + name;
            QCOMPARE(api("write", Json{{"path", path}, {"content", name}}).status, 200);
            QCOMPARE(api("read", Json{{"path", path}}).json()["content"].get<std::string>(), name);
        }
        const Json listing = api("list-files", Json{{"path", "/workspace/names"}}).json();
        QCOMPARE(listing["count"].get<int>(), 4);
        const auto nul = api("read", Json{{"path", std::string("/workspace/a\0b", 14)}});
        QCOMPARE(nul.status, 400);
        QCOMPARE(nul.json()["context"]["validationErrors"][0]["code"].get<std::string>(), std::string("INVALID_PATH"));
    }

    void fullDiskGivesNoSpaceAndKeepsTheOldVersion()
    {
        QCOMPARE(api("write", Json{{"path", "/tmp/keep.txt"}, {"content", "old version"}}).status, 200);
        sh("fallocate -l $(( $(df --output=avail -B1 /tmp | tail -1) - 4096 )) /tmp/fill || true");
        const auto full = api("write", Json{{"path", "/tmp/keep.txt"}, {"content", std::string(1 << 20, 'n')}});
        QCOMPARE(full.status, 500);
        QCOMPARE(full.json()["code"].get<std::string>(), std::string("NO_SPACE"));
        QCOMPARE(api("read", Json{{"path", "/tmp/keep.txt"}}).json()["content"].get<std::string>(), std::string("old version"));
        QCOMPARE(sh("ls -a /tmp | grep -c 'keep.txt.sandbench-'"), std::string("0\n")); // no temporary file left
        sh("rm -f /tmp/fill");
    }
};

QTEST_GUILESS_MAIN(FileSafetyTest)
#include "FileSafetyTest.moc"
