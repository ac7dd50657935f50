// Background processes: start (in a session's subshell or sessionless), list,
// inspect, kill whole trees, bounded logs and live log streams.
#pragma once

#include "agent/Routes.h"
#include "agent/SessionService.h"

#include <functional>

namespace sandbench::agent {

struct ProcessRecord {
    std::string id;
    std::optional<pid_t> pid;
    std::string command;
    std::string sessionId; // empty for sessionless
    bool background = true; // false: the record of a streamed exec (/api/execute/stream)
    std::string status = "running";
    std::string startTime;
    std::string endTime;
    std::optional<int> exitCode;
    BoundedLog stdoutLog;
    BoundedLog stderrLog;
    Notifier changed;
    bool finished = false;
    bool killRequested = false;
    bool killEscalated = false;
    bool killSettled = false; // the kill's tree termination is over: the exit code is known
    ProcessRecord(asio::any_io_executor executor, std::size_t logLimit)
        : stdoutLog(logLimit), stderrLog(logLimit), changed(std::move(executor)) {}
    Json summary(bool withEndTime) const;
};

// Events of the command and process streams (the stateful stream in AgentRouter uses them too).
Json outputEvent(const char *type, std::string data, const std::string &processId = {});
Json commandStartEvent(const std::string &command);

class ProcessService {
public:
    ProcessService(asio::any_io_executor executor, AgentConfig &config, SessionService &sessions);

    // /api/execute, /api/execute/stream and /api/process/*.
    void addRoutes(http::RouteTable &table);

    asio::awaitable<std::shared_ptr<ProcessRecord>> start(CommandRequest request, std::string processId = {},
                                                         bool background = true);
    Json list(const std::string &statusFilter) const;
    Json get(const std::string &processId) const;
    Json logs(const std::string &processId) const;
    asio::awaitable<Json> kill(std::string processId);
    asio::awaitable<Json> killAll();

    // GET /api/process/{id}/stream: process_info, replay, live output, exit.
    asio::awaitable<void> streamLogs(std::string processId, Emit send);
    // POST /api/execute/stream: start, output line by line, complete.
    asio::awaitable<void> streamCommand(std::shared_ptr<ProcessRecord> record, bool sessionless, Emit send);
    // POST /api/execute/stream with "stateful": in the session's shell, streamed.
    asio::awaitable<void> streamInShell(CommandRequest command, Emit send);

    std::shared_ptr<ProcessRecord> find(const std::string &processId) const;

private:
    // Until the process ends: a sessionless one is our child; a session one's pid is its
    // wrapper subshell, whose exit code comes in exitCodePath and output through FIFOs.
    asio::awaitable<void> monitor(std::shared_ptr<ProcessRecord> record, std::shared_ptr<ChildProcess> child,
                                  std::shared_ptr<OutputReader> out, std::shared_ptr<OutputReader> err,
                                  std::string exitCodePath, std::vector<std::string> cleanup);
    std::shared_ptr<ProcessRecord> require(const std::string &processId) const;
    void remember(std::shared_ptr<ProcessRecord> record);
    void forgetOldRecords();

    asio::any_io_executor executor_;
    AgentConfig &config_;
    SessionService &sessions_;
    std::map<std::string, std::shared_ptr<ProcessRecord>> records_;
    std::vector<std::string> order_; // insertion order, to drop the oldest finished records
    std::uint64_t nextFifo_ = 1;
};

} // namespace sandbench::agent
