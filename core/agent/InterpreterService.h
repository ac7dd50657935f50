// Code contexts: /api/interpreter/health, /api/contexts, /api/execute/code.
//
// Each context owns one long-lived runner process (resources/interpreter: IPython for
// Python, a Node vm context for JavaScript and TypeScript) that speaks a line protocol on
// two extra descriptors while the cell's stdout and stderr stream from its own pipes.
// A warm pool per runner program (filled from the first interpreter request) makes
// creating a context a matter of handing over a started runner.
#pragma once

#include "agent/AgentConfig.h"
#include "agent/ChildProcess.h"
#include "agent/Routes.h"
#include "system/AsyncMutex.h"

#include <deque>
#include <map>

namespace sandbench::agent {

// The program behind a context: Python, or Node for JavaScript and TypeScript.
enum class RunnerProgram { python, node };

// python3/python → python, javascript/js/node → javascript, typescript/ts → typescript;
// nullopt for anything else.
std::optional<std::string> canonicalLanguage(std::string_view language);

// One runner process and what it says, in the order it said it.
class Runner : public std::enable_shared_from_this<Runner> {
public:
    // Throws ApiError (PYTHON_NOT_AVAILABLE, JAVASCRIPT_NOT_AVAILABLE) when the program is missing.
    static std::shared_ptr<Runner> spawn(asio::any_io_executor executor, RunnerProgram program,
                                         const AgentConfig &config);
    Runner(asio::any_io_executor executor, RunnerProgram program);
    ~Runner();

    RunnerProgram program() const { return program_; }
    // Until the runner says it is ready; false when it ended first or took longer than timeout.
    asio::awaitable<bool> waitReady(std::chrono::milliseconds timeout);
    // One request line.
    asio::awaitable<void> send(const Json &request);
    // The next event: {"type":"stdout"|"stderr","text"} or a message of the runner;
    // nullopt once it has ended and everything it said was taken.
    asio::awaitable<std::optional<Json>> next();
    // A new cell may print outputLimit bytes (results included) before the rest is dropped.
    // Between cells (after endCell) what the runner prints or sends is dropped: a detached
    // child or a thread that goes on printing cannot fill the agent, nor the next cell.
    void beginCell(std::size_t outputLimit);
    void endCell();
    void interrupt(); // SIGINT to the runner's process group
    void kill();      // SIGKILL to the group
    bool running() const { return !ended_; }
    bool ready() const { return ready_ && !ended_; }
    // Why it ended ("exit code 1", "killed by signal 9") and what it last wrote to stderr.
    std::string endReason() const;

private:
    void take(const char *stream, std::string_view bytes);
    void takeMessages(std::string_view bytes);
    void takeMessage(const std::string &line);
    void push(Json event);
    // Until the process ends; holds the runner only weakly, so that dropping the last
    // owner kills the process (the destructor) instead of keeping it alive.
    static asio::awaitable<void> watchExit(std::weak_ptr<Runner> runner, std::shared_ptr<ChildProcess> child);

    asio::any_io_executor executor_;
    RunnerProgram program_;
    std::shared_ptr<ChildProcess> child_;
    std::unique_ptr<asio::posix::stream_descriptor> requests_;
    std::shared_ptr<OutputReader> messages_;
    std::string messageLine_, pendingStdout_, pendingStderr_;
    std::string stderrTail_; // for endReason: why a runner that never became ready ended
    std::deque<Json> events_;
    Notifier changed_;
    std::size_t budget_ = 0;
    bool truncated_ = false, ready_ = false, ended_ = false, killed_ = false, inCell_ = false;
    int exitCode_ = 0;
};

class InterpreterService {
public:
    InterpreterService(asio::any_io_executor executor, AgentConfig &config);
    ~InterpreterService();

    void addRoutes(http::RouteTable &table);

    struct Context;

private:
    Json createContext(const Json &body);
    asio::awaitable<Json> create(Json body);
    asio::awaitable<void> restart(std::shared_ptr<Context> context);
    // SIGINT to the context's running cell, or as soon as it has started.
    void interrupt(Context &context);
    // A runner from the pool (or a new one), ready and set up for the context.
    asio::awaitable<std::shared_ptr<Runner>> runnerFor(const Context &context);
    void refill(RunnerProgram program);
    void warm();
    std::shared_ptr<Context> require(const std::string &contextId) const;
    Json poolSummary() const; // per program: runners ready, and starting
    asio::awaitable<void> execute(std::shared_ptr<Context> context, std::string code,
                                  std::optional<std::chrono::milliseconds> timeout, Emit send);
    struct Cell;
    asio::awaitable<void> runCell(std::shared_ptr<Context> context, std::shared_ptr<Cell> cell);
    static void armTimeout(const std::shared_ptr<Cell> &cell, const std::shared_ptr<Runner> &runner);

    asio::any_io_executor executor_;
    AgentConfig &config_;
    std::map<std::string, std::shared_ptr<Context>> contexts_;
    std::map<RunnerProgram, std::deque<std::shared_ptr<Runner>>> pool_;
    std::size_t creating_ = 0; // contexts whose runner is being set up
    bool warmed_ = false;
};

} // namespace sandbench::agent
