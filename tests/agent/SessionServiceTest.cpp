// SessionService against real bash shells on the host (no sandbox needed):
// persistence, scoping, serialisation, timeouts, exits and sessionless runs.
#include "agent/SessionService.h"
#include "protocol/Protocol.h"
#include "support/EngineHarness.h"
#include "system/ProcessTree.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <optional>

#include <signal.h>

#undef emit // Qt's keyword macro hides cancellation_signal::emit

using namespace sandbench;
using namespace sandbench::agent;
using test::runAwait;

class SessionServiceTest : public QObject {
    Q_OBJECT

private:
    boost::asio::io_context io;
    QTemporaryDir workspace;
    QTemporaryDir scratch;
    AgentConfig config;
    std::unique_ptr<SessionService> sessions;

    CommandResult run(const std::string &command, const std::string &session = kDefaultSessionId,
                      Json extra = Json::object())
    {
        extra["command"] = command;
        extra["sessionId"] = session;
        return runAwait(io, sessions->execute(parseCommandRequest(extra)));
    }

    // Streams a command in a session, cancels it (a Stop) after ms, and returns what it printed.
    std::string stopAfter(const std::string &command, int ms, const std::string &session)
    {
        return stopAfter(Json{{"command", command}, {"sessionId", session}}, ms);
    }
    std::string stopAfter(const Json &body, int ms)
    {
        boost::asio::cancellation_signal cancel;
        bool done = false;
        std::string output;
        boost::asio::co_spawn(io, sessions->executeStreaming(parseCommandRequest(body),
            [&output](const char *, std::string data) -> boost::asio::awaitable<bool> {
                output += data;
                co_return true;
            }),
            boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr, int) { done = true; }));
        test::pump(io, ms);
        cancel.emit(boost::asio::cancellation_type::terminal);
        while (!done)
            io.run_one();
        return output;
    }

    bool inWorkspace(const char *name) const { return QFile::exists(workspace.path() + "/" + name); }

    // The error code a failing command raises.
    std::string errorOf(const std::string &command, const std::string &session, Json extra = Json::object())
    {
        return test::errorCodeOf([&] { run(command, session, extra); });
    }

private slots:
    void initTestCase()
    {
        config.workspace = workspace.path().toStdString();
        config.scratchDir = scratch.path().toStdString() + "/agent";
        config.home = "/";
        config.baseEnv = {{"PATH", "/usr/bin:/bin"}, {"SANDBOX_VERSION", "test"}};
        config.outputLimitBytes = 1024 * 1024;
        sessions = std::make_unique<SessionService>(io.get_executor(), config);
    }

    void cleanupTestCase() { sessions.reset(); }

    void newSessionStartsInWorkspace()
    {
        QCOMPARE(run("pwd", "fresh").stdout, config.workspace);
    }

    void stateIsKeptBetweenCommands()
    {
        run("cd /tmp && export KEPT=yes && greet() { echo hello $1; }", "state");
        const auto result = run("pwd; echo $KEPT; greet you", "state");
        QCOMPARE(result.stdout, std::string("/tmp\nyes\nhello you"));
        QCOMPARE(result.exitCode, 0);
    }

    void outputIsLineJoinedWithoutTrailingNewline()
    {
        const auto result = run("echo 'line 1'; echo 'line 2'; echo 'line 3'; echo oops >&2", "lines");
        QCOMPARE(result.stdout, std::string("line 1\nline 2\nline 3"));
        QCOMPARE(result.stderr, std::string("oops"));
        const auto many = run("seq 1 1000", "lines");
        QCOMPARE(std::count(many.stdout.begin(), many.stdout.end(), '\n'), 999);
    }

    void exitCodesAndCommandNotFound()
    {
        QCOMPARE(run("sh -c 'exit 42'", "codes").exitCode, 42);
        const auto missing = run("nonexistentcommand123", "codes");
        QCOMPARE(missing.exitCode, 127);
        QVERIFY(missing.stderr.find("not found") != std::string::npos);
    }

    void stdinIsEmpty()
    {
        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(run("cat", "stdin").stdout, std::string());
        QCOMPARE(run("read -t 1 X || echo 'read returned'", "stdin").stdout, std::string("read returned"));
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    }

    void perCommandCwdAndEnvDoNotPersist()
    {
        run("export OVERRIDE_TEST=session-level", "scoped");
        Json extra = {{"cwd", "/tmp"}, {"env", {{"OVERRIDE_TEST", "command-level"}, {"CMD_NULL", nullptr}}}};
        const auto scoped = run("pwd; echo $OVERRIDE_TEST; printenv CMD_NULL || echo 'not set'", "scoped", extra);
        QCOMPARE(scoped.stdout, std::string("/tmp\ncommand-level\nnot set"));
        QCOMPARE(run("pwd; echo $OVERRIDE_TEST", "scoped").stdout, config.workspace + "\nsession-level");
    }

    void envValuesArePassedLiterally()
    {
        Json extra = {{"env", {{"TRICKY", "it's \"quoted\" $HOME `x` ; rm -rf /"}}}};
        QCOMPARE(run("printf '%s' \"$TRICKY\"", "literal", extra).stdout, std::string("it's \"quoted\" $HOME `x` ; rm -rf /"));
    }

    void invalidEnvNameIsRejected()
    {
        QVERIFY_THROWS_EXCEPTION(protocol::ApiError,
                                 parseCommandRequest(Json{{"command", "true"}, {"env", {{"1BAD", "x"}}}}));
    }

    void badCwdFailsWithExitCodeOne()
    {
        const auto result = run("pwd", "badcwd", Json{{"cwd", "/does/not/exist"}});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.stderr.find("Failed to change directory to /does/not/exist") != std::string::npos);
    }

    // A relative cwd is a directory's name, in a session and without one: "-" is not
    // $OLDPWD; a file is not a directory; a command may start with '-'.
    void oddDirectoriesAndCommandsMeanWhatTheySay()
    {
        QVERIFY(QDir(workspace.path()).mkpath("-"));
        for (const std::string session : {std::string("odd"), std::string(kSessionlessId)}) {
            const auto dash = run("pwd", session, Json{{"cwd", "-"}});
            QVERIFY2(dash.exitCode == 0, (session + ": " + dash.stderr).c_str());
            QCOMPARE(dash.stdout.substr(dash.stdout.rfind('/') + 1, 1), std::string("-"));
            const auto file = run("pwd", session, Json{{"cwd", "/etc/passwd"}});
            QCOMPARE(file.exitCode, 1);
            QVERIFY2(file.stderr.find("Failed to change directory to /etc/passwd") != std::string::npos, file.stderr.c_str());
        }
        const auto option = run("--version", kSessionlessId);
        QCOMPARE(option.exitCode, 127); // a command named "--version", not bash's option
    }

    void heredocsWork()
    {
        const auto result = run("NAME=world\ncat <<EOF\nhello $NAME\nsecond line\nEOF", "heredoc");
        QCOMPARE(result.stdout, std::string("hello world\nsecond line"));
        QCOMPARE(run("echo after", "heredoc").stdout, std::string("after"));
    }

    void syntaxErrorsDoNotWedgeTheSession()
    {
        const auto broken = run("echo \"unterminated", "syntax");
        QVERIFY(broken.exitCode != 0);
        QCOMPARE(run("echo fine", "syntax").stdout, std::string("fine"));
    }

    void sessionsAreIsolated()
    {
        run("only_here() { echo one; }; export WHO=first", "iso-a");
        QCOMPARE(run("type only_here >/dev/null 2>&1 && echo yes || echo no; echo [$WHO]", "iso-b").stdout,
                 std::string("no\n[]"));
    }

    void exitTerminatesThenRecreates()
    {
        sessions->create(Json{{"id", "exiting"}, {"env", {{"MARKER", "set"}}}});
        QCOMPARE(errorOf("exit 42", "exiting"), std::string("SESSION_TERMINATED"));
        QCOMPARE(run("echo marker=[$MARKER]", "exiting").stdout, std::string("marker=[]"));
    }

    void timeoutRejectsButCommandKeepsRunning()
    {
        const auto marker = workspace.path().toStdString() + "/finished-after-timeout";
        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(errorOf("sleep 1; touch " + marker, "slow", Json{{"timeoutMs", 200}}),
                 std::string("COMMAND_EXECUTION_ERROR"));
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(900));
        // The next command queues behind the still-running one, which completes.
        QCOMPARE(run("test -e " + marker + " && echo done", "slow").stdout, std::string("done"));
    }

    void sessionTimeoutFromCreate()
    {
        sessions->create(Json{{"id", "limited"}, {"commandTimeoutMs", 300}});
        QCOMPARE(errorOf("sleep 5", "limited"), std::string("COMMAND_EXECUTION_ERROR"));
        runAwait(io, sessions->remove("limited"));
    }

    void duplicateCreateConflicts()
    {
        sessions->create(Json{{"id", "dup"}});
        try {
            sessions->create(Json{{"id", "dup"}});
            QFAIL("duplicate create succeeded");
        } catch (const protocol::ApiError &error) {
            QCOMPARE(error.code, std::string("SESSION_ALREADY_EXISTS"));
            QCOMPARE(error.httpStatus, 409);
            QVERIFY(error.context.contains("containerPlacementId"));
        }
    }

    void missingCwdFallsBackToHome()
    {
        sessions->create(Json{{"id", "homeless"}, {"cwd", "/no/such/dir"}});
        QCOMPARE(run("pwd", "homeless").stdout, config.home);
    }

    void deleteUnknownIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(protocol::ApiError, runAwait(io, sessions->remove("never-created")));
    }

    void sessionsRunInParallelButSerialiseWithin()
    {
        using namespace std::chrono;
        const auto start = steady_clock::now();
        std::vector<std::string> order;
        int finished = 0;
        auto launch = [&](std::string session, std::string command, std::string tag) {
            boost::asio::co_spawn(io, [&, session, command, tag]() -> boost::asio::awaitable<void> {
                CommandRequest request;
                request.command = command;
                request.sessionId = session;
                co_await sessions->execute(request);
                order.push_back(tag);
                ++finished;
            }, boost::asio::detached);
        };
        launch("par-a", "sleep 0.5", "a1");
        launch("par-b", "sleep 0.5", "b1");
        launch("par-a", "true", "a2");
        io.restart();
        while (finished < 3)
            io.run_one();
        const auto elapsed = steady_clock::now() - start;
        QVERIFY2(elapsed < milliseconds(900), "two sessions did not run in parallel");
        // a2 queued behind a1 in the same session.
        QVERIFY(std::find(order.begin(), order.end(), "a1") < std::find(order.begin(), order.end(), "a2"));
    }

    void floodedOutputIsCutAtTheLimit()
    {
        for (const char *session : {kDefaultSessionId, kSessionlessId}) {
            const auto result = run("head -c 5000000 /dev/zero | tr '\\0' a; echo done >&2", session);
            QCOMPARE(result.exitCode, 0);
            QVERIFY(result.stdout.size() < config.outputLimitBytes + 200);
            QVERIFY2(result.stdout.find("output truncated, " + std::to_string(5000000 - config.outputLimitBytes)) !=
                         std::string::npos, session);
            QVERIFY(result.stderr.rfind("done", 0) == 0);
        }
    }

    void streamingRunsInTheSessionShellAndStreamsWhileRunning()
    {
        run("cd /tmp", "streamed");
        // Output must reach the sink before the command ends, in whole UTF-8 characters.
        std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> pieces;
        std::string err;
        const auto begin = std::chrono::steady_clock::now();
        Json body = {{"command", "printf 'first €\\n'; sleep 0.5; pwd; echo oops >&2; export AFTER=1"},
                     {"sessionId", "streamed"}};
        const int code = runAwait(io, sessions->executeStreaming(parseCommandRequest(body),
            [&](const char *type, std::string data) -> boost::asio::awaitable<bool> {
                if (std::string(type) == "stderr")
                    err += data;
                else
                    pieces.emplace_back(std::move(data), std::chrono::steady_clock::now());
                co_return true;
            }));
        QCOMPARE(code, 0);
        QVERIFY(pieces.size() >= 2);
        QCOMPARE(pieces.front().first, std::string("first €\n"));
        QVERIFY2(pieces.front().second - begin < std::chrono::milliseconds(400), "the first line waited for the end");
        std::string all;
        for (const auto &piece : pieces)
            all += piece.first;
        QCOMPARE(all, std::string("first €\n/tmp\n"));
        QCOMPARE(err, std::string("oops\n"));
        QCOMPARE(run("echo $AFTER", "streamed").stdout, std::string("1")); // state persists
    }

    void cancelledStreamingStopsTheCommandAndKeepsTheSession()
    {
        run("cd /tmp && export KEEP=me", "cancelled");
        stopAfter("sleep 30", 300, "cancelled");
        const auto started = std::chrono::steady_clock::now();
        const auto after = run("echo $PWD $KEEP", "cancelled");
        QCOMPARE(after.stdout, std::string("/tmp me"));
        QVERIFY2(std::chrono::steady_clock::now() - started < std::chrono::seconds(5), "sleep 30 was not stopped");
    }

    // Issue 12: Stop ends the whole command line as Ctrl+C does in a terminal (the rest of
    // a list, a loop, a builtin loop, subshells), the session is at once free for the next
    // command, and each command's output is its own.
    void stopEndsTheWholeCommandLine()
    {
        const auto next = [this]() -> std::string {
            const auto started = std::chrono::steady_clock::now();
            const auto result = run("echo NEXT-COMMAND", "stopped");
            if (std::chrono::steady_clock::now() - started > std::chrono::seconds(1))
                return "the session stayed busy";
            return result.stdout;
        };
        QCOMPARE(stopAfter("sleep 20; echo SLEEP-FINISHED; touch list-finished", 300, "stopped"), std::string());
        QCOMPARE(next(), std::string("NEXT-COMMAND"));
        const std::string loop = stopAfter("for i in $(seq 20); do echo $i; sleep 0.2; done; touch loop-finished", 500,
                                           "stopped");
        QVERIFY2(!loop.empty() && loop.size() < 12, loop.c_str());
        QCOMPARE(next(), std::string("NEXT-COMMAND"));
        QCOMPARE(stopAfter("while :; do :; done; touch builtin-finished", 300, "stopped"), std::string());
        QCOMPARE(next(), std::string("NEXT-COMMAND"));
        QCOMPARE(stopAfter("( sleep 20; touch subshell-finished ); touch after-subshell", 300, "stopped"), std::string());
        QCOMPARE(next(), std::string("NEXT-COMMAND"));
        test::pump(io, 1500); // what was stopped had time to go on, if it could
        for (const char *marker : {"list-finished", "loop-finished", "builtin-finished", "subshell-finished", "after-subshell"})
            QVERIFY2(!inWorkspace(marker), marker);
        // The session goes on as the last finished command left it: what the stopped
        // command changed is undone.
        run("cd /tmp; export KEPT=yes; greet() { echo hello; }; alias hi=greet", "stopped");
        stopAfter("cd /; export KEPT=no; unset -f greet; sleep 20", 300, "stopped");
        QCOMPARE(run("echo $PWD $KEPT; greet", "stopped").stdout, std::string("/tmp yes\nhello"));
    }

    // A child that ignores SIGINT is killed after a grace period, and the shell still
    // abandons the rest of the line.
    void stopKillsWhatIgnoresInterrupts()
    {
        const std::string ignore = "python3 -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                                   "time.sleep(30)'; touch ignored-finished";
        run("export BEFORE=kept; cd /tmp", "stubborn");
        const auto started = std::chrono::steady_clock::now();
        stopAfter(ignore, 500, "stubborn");
        QCOMPARE(run("echo NEXT", "stubborn").stdout, std::string("NEXT"));
        // The session went on in a new shell, where the old one was, with its exports.
        QCOMPARE(run("echo $BEFORE $PWD", "stubborn").stdout, std::string("kept /tmp"));
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
        QVERIFY(!inWorkspace("ignored-finished"));
        // Per-command variables and directory are put back after a Stop too.
        run("export MODE=session", "stubborn");
        stopAfter(Json{{"command", "sleep 20"}, {"sessionId", "stubborn"}, {"env", {{"MODE", "command"}}}, {"cwd", "/"}},
                  300);
        QCOMPARE(run("echo $MODE $PWD", "stubborn").stdout, std::string("session /tmp"));
    }

    // Found by the review: a Stop of a command still waiting for its session leaves the
    // running one alone; earlier `&` jobs survive a Stop (as in a terminal); a deleted
    // working directory does not lose the session.
    void aQueuedStopLeavesTheRunningCommandAlone()
    {
        std::optional<CommandResult> first;
        Json body = {{"command", "echo LONG-START; sleep 1; echo LONG-END"}, {"sessionId", "queue"}};
        boost::asio::co_spawn(io, sessions->execute(parseCommandRequest(body)),
                              [&](std::exception_ptr, CommandResult result) { first = result; });
        test::pump(io, 200);
        stopAfter("echo QUEUED", 200, "queue");
        while (!first)
            io.run_one();
        QCOMPARE(first->stdout, std::string("LONG-START\nLONG-END"));
        QCOMPARE(run("echo after", "queue").stdout, std::string("after"));
    }

    void earlierBackgroundJobsSurviveAStop()
    {
        const pid_t job = std::stoi(run("sleep 300 >/dev/null 2>&1 & echo $!", "jobs").stdout);
        const auto started = std::chrono::steady_clock::now();
        stopAfter("sleep 20", 300, "jobs");
        QCOMPARE(run("echo quick", "jobs").stdout, std::string("quick"));
        QVERIFY2(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500), "the Stop waited its grace");
        QVERIFY(!system::isGone(job));
        kill(job, SIGKILL);
    }

    void aDeletedDirectoryDoesNotLoseTheSession()
    {
        const std::string dir = scratch.path().toStdString() + "/gone";
        run("export KEEP_ME=yes; mkdir " + dir + " && cd " + dir + " && rmdir " + dir, "deleted");
        stopAfter("sleep 20", 300, "deleted");
        QCOMPARE(run("echo $KEEP_ME", "deleted").stdout, std::string("yes"));
    }

    void sessionlessRunsFreshAndTimesOutWith124()
    {
        const auto result = run("echo $$; pwd", kSessionlessId);
        QCOMPARE(result.exitCode, 0);
        const auto timedOut = run("sleep 5", kSessionlessId, Json{{"timeoutMs", 100}});
        QCOMPARE(timedOut.exitCode, 124);
        QVERIFY(timedOut.stderr.find("Command timed out after 100ms") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(SessionServiceTest)
#include "SessionServiceTest.moc"
