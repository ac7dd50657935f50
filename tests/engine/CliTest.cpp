// sandbenchctl against a real engine: exit codes and streams of exec, failures that say
// so and exit non-zero, and Ctrl+C that stops the command in the sandbox (issue 12).
#include "support/EngineHarness.h"

#include <QProcess>
#include <QtTest>

#include <signal.h>

using namespace sandbench;
using client::Json;

class CliTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;

    struct Outcome {
        int exitCode = -1;
        QString out;
        QString err;
    };

    Outcome ctl(const QStringList &arguments)
    {
        QProcess process;
        process.start(test::EngineHarness::binary("sandbenchctl"),
                      QStringList{"--engine-file", engine.engineFile()} + arguments);
        process.waitForFinished(60000);
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(ctl({"create", "cli"}).exitCode, 0);
    }

    void cleanupTestCase() { QCOMPARE(ctl({"rm", "cli"}).exitCode, 0); }

    void execStreamsAndExitsWithTheCommandsCode()
    {
        const Outcome result = ctl({"exec", "cli", "--", "echo out; echo err >&2; (exit 3)"});
        QCOMPARE(result.exitCode, 3);
        QCOMPARE(result.out, QString("out\n"));
        QCOMPARE(result.err, QString("err\n"));
        // `exit` ends the session's shell, as in a terminal: said so, with its code.
        const Outcome exited = ctl({"exec", "cli", "--", "exit 4"});
        QCOMPARE(exited.exitCode, 4);
        QVERIFY2(exited.err.contains("exit"), qPrintable(exited.err));
        QCOMPARE(ctl({"exec", "cli", "--", "echo again"}).out, QString("again\n"));
        QCOMPARE(ctl({"exec", "cli", "--", "printf", "%s|", "a b", "c"}).out, QString("a b|c|"));
        // Each argument is one literal word: NAME=value is a command name, not an assignment.
        QCOMPARE(ctl({"exec", "cli", "--", "FOO=bar", "printenv", "FOO"}).exitCode, 127);
        QCOMPARE(ctl({"exec", "cli", "--", "printf", "%s|", "%1", "a=b"}).out, QString("%1|a=b|"));
    }

    void execKeepsTheSessionsState()
    {
        QCOMPARE(ctl({"exec", "cli", "--", "cd /tmp && export CLI_STATE=kept"}).exitCode, 0);
        QCOMPARE(ctl({"exec", "cli", "--", "echo $PWD $CLI_STATE"}).out, QString("/tmp kept\n"));
    }

    // The terminal page's address: the engine's, the sandbox's page, a one-time page code in
    // the fragment (never the token); the page itself answers without the token.
    void terminalPrintsThePagesAddress()
    {
        const Outcome result = ctl({"terminal", "cli", "--session", "work 1"});
        QCOMPARE(result.exitCode, 0);
        const QUrl address(result.out.trimmed());
        QCOMPARE(address.path(), QString("/v1/sandboxes/cli/terminal"));
        QCOMPARE(address.query(QUrl::FullyDecoded), QString("session=work 1"));
        QVERIFY(address.fragment().startsWith("code="));
        QVERIFY(!result.out.contains(QString::fromStdString(engine.address().token)));
        QCOMPARE(address.toString(QUrl::RemoveQuery | QUrl::RemovePath | QUrl::RemoveFragment),
                 QString::fromStdString(engine.address().url));
        client::HttpClient stranger(client::EngineAddress{engine.address().url, "wrong"});
        const auto page = stranger.request("GET", address.path().toStdString());
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.find("terminal.js") != std::string::npos);
        QVERIFY(ctl({"terminal", "nobody"}).exitCode != 0); // a sandbox that does not exist
    }

    void failuresSaySoAndExitNonZero()
    {
        const Outcome badId = ctl({"exec", "Not_An_Id", "--", "true"});
        QVERIFY(badId.exitCode != 0);
        QVERIFY2(badId.err.contains("Not_An_Id") || badId.err.contains("id"), qPrintable(badId.err));
        const Outcome empty = ctl({"exec", "cli", "--", " "});
        QVERIFY(empty.exitCode != 0);
        QVERIFY2(!empty.err.isEmpty(), "an empty command failed silently");
        const Outcome unknown = ctl({"frobnicate"});
        QVERIFY(unknown.exitCode != 0 && !unknown.err.isEmpty());
    }

    // Ctrl+C ends the CLI, its stream closes, and the command stops in the sandbox: the rest
    // of its line never runs and the session takes the next command at once.
    void ctrlCStopsTheCommandInTheSandbox()
    {
        QProcess running;
        running.start(test::EngineHarness::binary("sandbenchctl"),
                      {"--engine-file", engine.engineFile(), "exec", "cli", "--",
                       "echo started; sleep 20; touch /workspace/after-ctrl-c"});
        QVERIFY(running.waitForReadyRead(20000));
        QCOMPARE(running.readAllStandardOutput(), QByteArray("started\n"));
        kill(static_cast<pid_t>(running.processId()), SIGINT);
        QVERIFY(running.waitForFinished(5000));
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(ctl({"exec", "cli", "--", "echo NEXT-COMMAND"}).out, QString("NEXT-COMMAND\n"));
        QVERIFY2(timer.elapsed() < 3000, "the session stayed busy after Ctrl+C");
        QTest::qWait(1500);
        QCOMPARE(ctl({"exec", "cli", "--", "test -e /workspace/after-ctrl-c; echo $?"}).out, QString("1\n"));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
