// ProcessService against real processes on the host: start, list, kill whole
// trees (143 / 137), bounded logs under a flood, and the event streams.
#include "agent/ProcessService.h"
#include "protocol/Protocol.h"
#include "support/EngineHarness.h"
#include "system/Files.h"
#include "system/ProcessTree.h"

#include <boost/asio/detached.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

using namespace sandbench;
using namespace sandbench::agent;
using test::runAwait;

class ProcessServiceTest : public QObject {
    Q_OBJECT

private:
    boost::asio::io_context io;
    QTemporaryDir workspace;
    QTemporaryDir scratch;
    AgentConfig config;
    std::unique_ptr<SessionService> sessions;
    std::unique_ptr<ProcessService> processes;

    std::shared_ptr<ProcessRecord> start(const std::string &command, const std::string &session = kDefaultSessionId,
                                         const std::string &id = {})
    {
        CommandRequest request;
        request.command = command;
        request.sessionId = session;
        return runAwait(io, processes->start(request, id));
    }

    void waitFinished(const std::shared_ptr<ProcessRecord> &record, int timeoutMs = 10000)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (!record->finished && std::chrono::steady_clock::now() < deadline)
            test::pump(io, 20);
        QVERIFY2(record->finished, "process did not finish in time");
    }

    std::vector<Json> collect(std::function<asio::awaitable<void>(Emit)> produce)
    {
        std::vector<Json> events;
        runAwait(io, produce([&events](const Json &event) -> asio::awaitable<bool> {
            events.push_back(event);
            co_return true;
        }));
        return events;
    }

private slots:
    void initTestCase()
    {
        config.workspace = workspace.path().toStdString();
        config.scratchDir = scratch.path().toStdString() + "/agent";
        config.home = "/";
        config.baseEnv = {{"PATH", "/usr/bin:/bin"}};
        config.logLimitBytes = 256 * 1024;
        sessions = std::make_unique<SessionService>(io.get_executor(), config);
        processes = std::make_unique<ProcessService>(io.get_executor(), config, *sessions);
    }

    void cleanupTestCase()
    {
        runAwait(io, processes->killAll());
        processes.reset();
        sessions.reset();
    }

    void completesWithOutputAndExitCode()
    {
        for (const char *session : {kDefaultSessionId, kSessionlessId}) {
            auto record = start("echo out; echo err >&2; exit 3", session);
            QVERIFY(record->pid.has_value());
            waitFinished(record);
            QCOMPARE(record->status, std::string("failed"));
            QCOMPARE(*record->exitCode, 3);
            const Json logs = processes->logs(record->id);
            QCOMPARE(logs["stdout"].get<std::string>(), std::string("out\n"));
            QCOMPARE(logs["stderr"].get<std::string>(), std::string("err\n"));
        }
    }

    void seesSessionStateSnapshot()
    {
        CommandRequest setup;
        setup.command = "cd /tmp && export SNAP=taken";
        setup.sessionId = "snap";
        runAwait(io, sessions->execute(setup));
        auto record = start("pwd; echo $SNAP; cd /; export SNAP=changed", "snap");
        waitFinished(record);
        QCOMPARE(processes->logs(record->id)["stdout"].get<std::string>(), std::string("/tmp\ntaken\n"));
        setup.command = "pwd; echo $SNAP";
        QCOMPARE(runAwait(io, sessions->execute(setup)).stdout, std::string("/tmp\ntaken"));
    }

    void listedWhileRunningAndKilledWith143()
    {
        auto record = start("sleep 30", kDefaultSessionId, "sleeper");
        const Json list = processes->list("running");
        QVERIFY(list["processes"].dump().find("sleeper") != std::string::npos);
        QCOMPARE(list["processes"][0]["background"], Json(true));
        runAwait(io, processes->kill("sleeper"));
        QCOMPARE(record->status, std::string("killed"));
        QCOMPARE(*record->exitCode, 143);
        QVERIFY(system::isGone(*record->pid));
        // Killing it again: already completed.
        QCOMPARE(test::errorCodeOf([&] { runAwait(io, processes->kill("sleeper")); }), std::string("COMMAND_NOT_FOUND"));
    }

    void aReusedIdIsListedOnce()
    {
        waitFinished(start("true", kDefaultSessionId, "again"));
        auto second = start("sleep 30", kDefaultSessionId, "again");
        int listed = 0;
        const Json list = processes->list("");
        for (const auto &process : list["processes"])
            listed += process["id"] == "again";
        QCOMPARE(listed, 1);
        QCOMPARE(processes->get("again")["process"]["status"].get<std::string>(), std::string("running"));
        runAwait(io, processes->kill("again"));
    }

    void stubbornProcessIsEscalatedTo137()
    {
        auto record = start("trap '' TERM; while true; do sleep 0.1; done", kSessionlessId);
        test::pump(io, 200);
        const auto begin = std::chrono::steady_clock::now();
        runAwait(io, processes->kill(record->id));
        QVERIFY(std::chrono::steady_clock::now() - begin >= std::chrono::seconds(4));
        QCOMPARE(*record->exitCode, 137);
        QCOMPARE(record->status, std::string("killed"));
    }

    // Issue 12: in a session the pid is a wrapper subshell that SIGTERM ends at once; the
    // record stays running until the command itself is gone, and reports its SIGKILL.
    void stubbornSessionProcessReports137OnlyOnceGone()
    {
        const std::string pidFile = workspace.path().toStdString() + "/stubborn.pid";
        auto record = start("python3 -c 'import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                            "open(\"" + pidFile + "\", \"w\").write(str(os.getpid())); time.sleep(60)'",
                            kDefaultSessionId, "stubborn-session");
        pid_t command = 0;
        for (int i = 0; i < 200 && !command; ++i) {
            test::pump(io, 20);
            command = std::atoi(system::readWholeFile(pidFile).value_or("0").c_str());
        }
        QVERIFY(command > 0);
        bool killed = false;
        boost::asio::co_spawn(io, processes->kill(record->id), [&](std::exception_ptr, Json) { killed = true; });
        test::pump(io, 1000);
        QVERIFY(!system::isGone(command)); // it ignores SIGTERM...
        QCOMPARE(record->status, std::string("running")); // ...so it is still running
        while (!killed)
            io.run_one();
        QVERIFY(system::isGone(command));
        QCOMPARE(record->status, std::string("killed"));
        QCOMPARE(*record->exitCode, 137);
    }

    // A deleted session's background processes are reported killed (137), not as errors.
    void deletingASessionReportsItsProcessesKilled()
    {
        auto record = start("sleep 60", "short-lived", "in-deleted-session");
        test::pump(io, 200);
        runAwait(io, sessions->remove("short-lived"));
        while (!record->finished)
            io.run_one();
        QCOMPARE(record->status, std::string("killed"));
        QCOMPARE(*record->exitCode, 137);
    }

    void killReachesEveryLevelOfANestedTree()
    {
        const std::string pidFile = workspace.path().toStdString() + "/deepest.pid";
        auto record = start("bash -c \"bash -c 'sleep 60 & echo \\$! > " + pidFile + "; wait'\"", "tree");
        pid_t deepest = 0;
        for (int i = 0; i < 100 && !deepest; ++i) {
            test::pump(io, 20);
            if (auto text = QFile(QString::fromStdString(pidFile)); text.open(QIODevice::ReadOnly))
                deepest = text.readAll().trimmed().toInt();
        }
        QVERIFY(deepest > 0);
        runAwait(io, processes->kill(record->id));
        QVERIFY(system::isGone(deepest));
    }

    void killAllCountsAndEndsEverything()
    {
        std::vector<std::shared_ptr<ProcessRecord>> started;
        for (int i = 0; i < 3; ++i)
            started.push_back(start("sleep 30", kSessionlessId));
        const Json result = runAwait(io, processes->killAll());
        QCOMPARE(result["cleanedCount"].get<int>(), 3);
        for (const auto &record : started)
            QVERIFY(system::isGone(*record->pid));
        QCOMPARE(processes->list("running")["processes"].size(), size_t(0));
    }

    void unknownProcessIsNotFound()
    {
        QCOMPARE(test::errorCodeOf([&] { processes->get("fake-process-id-12345"); }), std::string("PROCESS_NOT_FOUND"));
        QCOMPARE(test::errorCodeOf([&] { runAwait(io, processes->kill("fake-process-id-12345")); }),
                 std::string("PROCESS_NOT_FOUND"));
    }

    void emptyCommandIsInvalid()
    {
        QCOMPARE(test::errorCodeOf([&] { start("   "); }), std::string("INVALID_COMMAND"));
    }

    void floodKeepsLogsBounded()
    {
        auto record = start("yes | head -c 50000000", kSessionlessId);
        waitFinished(record, 60000);
        QCOMPARE(*record->exitCode, 0);
        QVERIFY(record->stdoutLog.retained().size() <= config.logLimitBytes);
        QCOMPARE(record->stdoutLog.end(), std::uint64_t(50000000)); // every byte was read, most dropped
        QVERIFY(processes->logs(record->id)["truncated"].get<bool>());
    }

    void logStreamReplaysThenFollowsToExit()
    {
        auto record = start("echo first; sleep 0.3; echo second", kDefaultSessionId, "streamed");
        test::pump(io, 100);
        const auto events = collect([&](Emit send) { return processes->streamLogs("streamed", send); });
        QVERIFY(events.size() >= 3);
        QCOMPARE(events.front()["type"].get<std::string>(), std::string("process_info"));
        QCOMPARE(events.back()["type"].get<std::string>(), std::string("exit"));
        QCOMPARE(events.back()["exitCode"].get<int>(), 0);
        std::string output;
        for (const auto &event : events)
            if (event["type"] == "stdout")
                output += event["data"].get<std::string>();
        QCOMPARE(output, std::string("first\nsecond\n"));
    }

    void commandStreamEmitsLinesAndExitCode()
    {
        CommandRequest request;
        request.command = "for i in 1 2 3; do echo step $i; done; nonexistentcommand123";
        auto record = runAwait(io, processes->start(request, "streamed", false));
        QCOMPARE(processes->get("streamed")["process"]["background"], Json(false)); // the GUI hides these
        const auto events = collect([&](Emit send) { return processes->streamCommand(record, false, send); });
        QCOMPARE(events.front()["type"].get<std::string>(), std::string("start"));
        QCOMPARE(events.back()["type"].get<std::string>(), std::string("complete"));
        QCOMPARE(events.back()["exitCode"].get<int>(), 127);
        int lines = 0;
        bool notFound = false;
        for (const auto &event : events) {
            lines += event["type"] == "stdout";
            notFound = notFound || (event["type"] == "stderr" && event["data"].get<std::string>().find("not found") != std::string::npos);
        }
        QCOMPARE(lines, 3);
        QVERIFY(notFound);
    }

    void aStreamInABusySessionSaysItWaits()
    {
        CommandRequest hold;
        hold.command = "sleep 1";
        hold.sessionId = "busy";
        boost::asio::co_spawn(io, [this, hold]() -> asio::awaitable<void> { co_await sessions->execute(hold); },
                              boost::asio::detached);
        test::pump(io, 100); // the first command holds the session
        QVERIFY(sessions->isBusy("busy"));
        CommandRequest next;
        next.command = "echo after";
        next.sessionId = "busy";
        const auto events = collect([&](Emit send) { return processes->streamInShell(next, send); });
        QCOMPARE(events.size(), std::size_t(4));
        QCOMPARE(events[0]["type"].get<std::string>(), std::string("start"));
        QCOMPARE(events[1]["type"].get<std::string>(), std::string("waiting"));
        QCOMPARE(events[2]["data"].get<std::string>(), std::string("after\n"));
        QCOMPARE(events[3]["type"].get<std::string>(), std::string("complete"));
        // A free session: no such event.
        const auto free = collect([&](Emit send) { return processes->streamInShell(next, send); });
        QCOMPARE(free[1]["type"].get<std::string>(), std::string("stdout"));
    }

    void deletingSessionKillsItsProcesses()
    {
        sessions->create(Json{{"id", "doomed"}});
        auto record = start("sleep 60", "doomed");
        runAwait(io, sessions->remove("doomed"));
        waitFinished(record);
        QVERIFY(system::isGone(*record->pid));
    }

    void foregroundIsNotBlockedByBackground()
    {
        start("sleep 20", "busy");
        CommandRequest request;
        request.command = "echo test";
        request.sessionId = "busy";
        const auto begin = std::chrono::steady_clock::now();
        QCOMPARE(runAwait(io, sessions->execute(request)).stdout, std::string("test"));
        QVERIFY(std::chrono::steady_clock::now() - begin < std::chrono::seconds(2));
    }
};

QTEST_GUILESS_MAIN(ProcessServiceTest)
#include "ProcessServiceTest.moc"
