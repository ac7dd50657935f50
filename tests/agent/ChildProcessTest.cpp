// The agent's one child-process runner against real processes: output to sinks as it
// comes, exit codes as a shell reports them, a timeout that ends the whole group
// (SIGTERM, then SIGKILL for what ignores it), stdin from a pipe, extra descriptors.
#include "agent/ChildProcess.h"
#include "support/EngineHarness.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <QtTest>

#include <signal.h>

using namespace sandbench;
using namespace sandbench::agent;
using test::runAwait;

class ChildProcessTest : public QObject {
    Q_OBJECT

private:
    boost::asio::io_context io;

    ChildOptions bash(const std::string &script)
    {
        ChildOptions options;
        options.argv = {"/bin/bash", "-c", script};
        options.env = {"PATH=/usr/bin:/bin"};
        options.cwd = "/tmp";
        return options;
    }

    std::shared_ptr<ChildProcess> spawn(ChildOptions options, std::string *out, std::string *err = nullptr)
    {
        return ChildProcess::spawn(io.get_executor(), std::move(options),
                                   [out](std::string_view data) { out->append(data); },
                                   [err](std::string_view data) { if (err) err->append(data); });
    }

private slots:
    void outputAndExitCode()
    {
        std::string out, err;
        auto child = spawn(bash("pwd; echo oops >&2; exit 7"), &out, &err);
        QCOMPARE(runAwait(io, child->exitCode()), 7);
        child->endOutput();
        QCOMPARE(out, std::string("/tmp\n"));
        QCOMPARE(err, std::string("oops\n"));
        QVERIFY(!child->timedOut());
        QCOMPARE(runAwait(io, child->exitCode()), 7); // asked again: the same, no second reap
    }

    void outputArrivesWhileItRuns()
    {
        std::string out;
        auto child = spawn(bash("echo first; sleep 30"), &out);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (out.empty() && std::chrono::steady_clock::now() < deadline)
            test::pump(io, 20);
        QCOMPARE(out, std::string("first\n"));
        QVERIFY(!child->finished());
        kill(-child->pid(), SIGKILL);
        QCOMPARE(runAwait(io, child->exitCode()), 128 + SIGKILL);
    }

    void timeoutEndsTheWholeGroup()
    {
        std::string out;
        auto options = bash("sleep 30 & echo $!; wait");
        options.timeout = std::chrono::milliseconds(300);
        auto child = spawn(std::move(options), &out);
        QCOMPARE(runAwait(io, child->exitCode()), 128 + SIGTERM);
        child->endOutput();
        QVERIFY(child->timedOut());
        const pid_t grandchild = std::stoi(out);
        QTRY_VERIFY_WITH_TIMEOUT(system::isGone(grandchild), 2000);
    }

    void whatIgnoresTheTermIsKilledAfterTheGrace()
    {
        std::string out;
        auto options = bash("trap '' TERM; echo ready; while :; do sleep 0.05; done");
        options.timeout = std::chrono::milliseconds(200);
        options.grace = std::chrono::milliseconds(300);
        auto child = spawn(std::move(options), &out);
        QCOMPARE(runAwait(io, child->exitCode()), 128 + SIGKILL);
        QVERIFY(child->timedOut());
    }

    void whatTheLeaderLeftIgnoringTheTermIsKilledToo()
    {
        // The leader goes at SIGTERM; its child ignores it and must still end with the group.
        std::string out;
        auto options = bash("bash -c 'trap \"\" TERM; echo $$; exec sleep 300' & wait");
        options.timeout = std::chrono::milliseconds(300);
        options.grace = std::chrono::milliseconds(300);
        auto child = spawn(std::move(options), &out);
        for (int waited = 0; out.empty() && waited < 2000; waited += 20)
            test::pump(io, 20);
        QVERIFY(!out.empty());
        const pid_t stubborn = std::stoi(out);
        QCOMPARE(runAwait(io, child->exitCode()), 128 + SIGTERM); // at once, not after the grace
        QVERIFY(!system::isGone(stubborn));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (!system::isGone(stubborn) && std::chrono::steady_clock::now() < deadline)
            test::pump(io, 20);
        QVERIFY2(system::isGone(stubborn), "the child that ignored SIGTERM outlived the timeout");
    }

    void inputPipeAndExtraDescriptors()
    {
        std::string out;
        auto [frameRead, frameWrite] = system::makePipe();
        auto options = bash("read line; echo got $line; echo frame >&3");
        options.inputPipe = true;
        options.extraFds = {{3, frameWrite}};
        auto child = spawn(std::move(options), &out);
        close(frameWrite);
        QVERIFY(child->input() >= 0);
        QCOMPARE(write(child->input(), "hello\n", 6), ssize_t(6));
        child->closeInput();
        QCOMPARE(runAwait(io, child->exitCode()), 0);
        child->endOutput();
        QCOMPARE(out, std::string("got hello\n"));
        char frame[16] = {};
        QCOMPARE(read(frameRead, frame, sizeof frame), ssize_t(6));
        QCOMPARE(std::string(frame), std::string("frame\n"));
        close(frameRead);
    }

    void quotedWordsReachTheProgramAsTheyWere()
    {
        for (const std::string word : {"plain", "", "two words", "it's", "$HOME `id` $(id)", "a\nb", "-n", "*", "'\\'"}) {
            std::string out;
            auto child = spawn(bash("printf '%s' " + system::shellQuote(word)), &out);
            QCOMPARE(runAwait(io, child->exitCode()), 0);
            child->endOutput();
            QCOMPARE(out, word);
        }
    }

    void aMissingDirectoryIsAnErrorAtSpawn()
    {
        std::string out;
        auto options = bash("true");
        options.cwd = "/does/not/exist";
        bool failed = false;
        try {
            spawn(std::move(options), &out);
        } catch (const std::system_error &error) {
            failed = error.code().value() == ENOENT;
        }
        QVERIFY(failed);
    }
};

QTEST_GUILESS_MAIN(ChildProcessTest)
#include "ChildProcessTest.moc"
