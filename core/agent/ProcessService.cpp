#include "agent/ProcessService.h"
#include "system/Background.h"

#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


namespace sandbench::agent {

using protocol::ApiError;
using protocol::nowIso;

namespace {

constexpr std::size_t kMaxFinishedRecords = 1000;

std::string defaultProcessId()
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
    return "proc_" + std::to_string(ms) + "_" + system::randomText(6, "0123456789abcdefghijklmnopqrstuvwxyz");
}

std::string statusForExit(int code)
{
    if (code == 0)
        return "completed";
    if (code == 137 || code == 143)
        return "killed";
    return "failed";
}

// Splits complete lines off a buffer; the rest stays pending.
std::vector<std::string> takeLines(std::string &pending)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1)
        lines.push_back(pending.substr(start, newline - start + 1));
    pending.erase(0, start);
    return lines;
}

Json processInfoEvent(const ProcessRecord &record)
{
    return {{"type", "process_info"}, {"processId", record.id}, {"command", record.command},
            {"status", record.status}, {"timestamp", nowIso()}};
}

Json exitEvent(const ProcessRecord &record)
{
    const int code = record.exitCode.value_or(1);
    return {{"type", "exit"}, {"processId", record.id}, {"exitCode", code},
            {"data", "Process " + record.status + " with exit code " + std::to_string(code)}, {"timestamp", nowIso()}};
}

Json completeEvent(const ProcessRecord &record)
{
    Json complete = {{"type", "complete"}, {"timestamp", nowIso()}};
    if (record.status != "error")
        complete["exitCode"] = record.exitCode.value_or(0);
    return complete;
}

Json idOnly(const char *field, const std::string &value)
{
    return {{field, value}};
}

} // namespace

Json outputEvent(const char *type, std::string data, const std::string &processId)
{
    Json event = {{"type", type}, {"data", std::move(data)}, {"timestamp", nowIso()}};
    if (!processId.empty())
        event["processId"] = processId;
    return event;
}

Json commandStartEvent(const std::string &command)
{
    return {{"type", "start"}, {"command", command}, {"timestamp", nowIso()}};
}

Json ProcessRecord::summary(bool withEndTime) const
{
    Json info = {{"id", id},           {"command", command},
                 {"status", status},   {"startTime", startTime},
                 {"pid", pid ? Json(*pid) : Json(nullptr)},
                 {"exitCode", exitCode ? Json(*exitCode) : Json(nullptr)}};
    if (!sessionId.empty())
        info["sessionId"] = sessionId;
    info["background"] = background; // Sandbench: lets clients tell streamed execs from processes
    if (withEndTime)
        info["endTime"] = endTime.empty() ? Json(nullptr) : Json(endTime);
    return info;
}

ProcessService::ProcessService(asio::any_io_executor executor, AgentConfig &config, SessionService &sessions)
    : executor_(std::move(executor)), config_(config), sessions_(sessions)
{
    // The session kills its processes at once (SIGKILL): their records say so, 137.
    sessions_.onSessionRemoved([this](const std::string &sessionId) {
        for (const auto &[id, record] : records_) {
            if (record->sessionId != sessionId || record->status != "running" || record->killRequested)
                continue;
            record->killRequested = true;
            record->killEscalated = true;
            record->killSettled = true;
        }
    });
}

asio::awaitable<std::shared_ptr<ProcessRecord>> ProcessService::start(CommandRequest request,
                                                                      std::string processId, bool background)
{
    if (request.command.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ApiError("INVALID_COMMAND", "Invalid command: empty command provided", {}, "process.start");
    auto record = std::make_shared<ProcessRecord>(executor_, config_.logLimitBytes);
    record->id = processId.empty() ? defaultProcessId() : std::move(processId);
    record->command = request.command;
    record->sessionId = request.sessionless() ? "" : request.sessionId;
    record->startTime = nowIso();
    record->background = background;

    std::shared_ptr<OutputReader> out, err;
    auto appendTo = [record](BoundedLog ProcessRecord::*log) {
        return [record, log](std::string_view data) {
            ((*record).*log).append(data);
            record->changed.notify();
        };
    };

    if (request.sessionless()) {
        std::shared_ptr<ChildProcess> child;
        try {
            child = ChildProcess::spawn(executor_, sessions_.sessionlessChild(request, config_.workspace),
                                        appendTo(&ProcessRecord::stdoutLog), appendTo(&ProcessRecord::stderrLog));
        } catch (const std::system_error &failure) {
            throw ApiError("PROCESS_ERROR", std::string("Failed to start process: ") + failure.what(),
                           {{"command", request.command}}, "process.start");
        }
        record->pid = child->pid();
        remember(record);
        asio::co_spawn(executor_, monitor(record, child, nullptr, nullptr, {}, {}), system::inBackground("process monitor"));
    } else {
        const std::string base = config_.scratchDir + "/proc-" + std::to_string(nextFifo_++);
        BackgroundTarget target{base + ".out", base + ".err", base + ".exit"};
        for (const auto &path : {target.stdoutPath, target.stderrPath}) {
            unlink(path.c_str());
            if (mkfifo(path.c_str(), 0600) != 0)
                throw ApiError("PROCESS_ERROR", "mkfifo " + path + ": " + std::strerror(errno), {}, "process.start");
        }
        unlink(target.exitCodePath.c_str());
        // Opened read-write: the FIFO never reports EOF, so readers end only when we stop them.
        const int outFd = open(target.stdoutPath.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        const int errFd = open(target.stderrPath.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        out = OutputReader::start(executor_, outFd, appendTo(&ProcessRecord::stdoutLog));
        err = OutputReader::start(executor_, errFd, appendTo(&ProcessRecord::stderrLog));
        std::vector<std::string> cleanup = {target.stdoutPath, target.stderrPath, target.exitCodePath};
        try {
            record->pid = co_await sessions_.startInSession(request, target);
        } catch (...) {
            out->stopAndDrain();
            err->stopAndDrain();
            for (const auto &path : cleanup)
                unlink(path.c_str());
            throw;
        }
        remember(record);
        asio::co_spawn(executor_, monitor(record, nullptr, out, err, target.exitCodePath, cleanup),
                       system::inBackground("process monitor"));
    }
    forgetOldRecords();
    co_return record;
}

asio::awaitable<void> ProcessService::monitor(std::shared_ptr<ProcessRecord> record, std::shared_ptr<ChildProcess> child,
                                              std::shared_ptr<OutputReader> out, std::shared_ptr<OutputReader> err,
                                              std::string exitCodePath, std::vector<std::string> cleanup)
{
    std::optional<int> code;
    if (child) {
        code = co_await child->exitCode();
    } else if (record->pid) {
        co_await waitForProcessExit(*record->pid);
        if (auto text = system::readWholeFile(exitCodePath); text && !text->empty())
            code = std::atoi(text->c_str());
    }
    // A session process's pid is its wrapper subshell, which a kill's SIGTERM ends at once
    // while the command itself may ignore it until SIGKILL: the record waits for the kill.
    while (record->killRequested && !record->killSettled)
        co_await record->changed.wait();
    // Writers that outlive the process (daemonised children) keep their output, but we stop waiting here.
    if (child)
        child->endOutput();
    if (out)
        out->stopAndDrain();
    if (err)
        err->stopAndDrain();
    for (const auto &path : cleanup)
        unlink(path.c_str());
    if (record->killRequested) {
        record->exitCode = record->killEscalated ? 137 : code && (*code == 143 || *code == 137) ? *code : 143;
        record->status = "killed";
    } else {
        record->exitCode = code.value_or(1);
        record->status = code ? statusForExit(*code) : "error";
    }
    record->endTime = nowIso();
    record->finished = true;
    record->changed.notify();
}

void ProcessService::remember(std::shared_ptr<ProcessRecord> record)
{
    // A caller's id replaces an earlier record with that id, which leaves the list.
    if (records_.count(record->id))
        order_.erase(std::remove(order_.begin(), order_.end(), record->id), order_.end());
    records_[record->id] = record;
    order_.push_back(record->id);
}

std::shared_ptr<ProcessRecord> ProcessService::find(const std::string &processId) const
{
    const auto it = records_.find(processId);
    return it == records_.end() ? nullptr : it->second;
}

std::shared_ptr<ProcessRecord> ProcessService::require(const std::string &processId) const
{
    auto record = find(processId);
    if (!record)
        throw ApiError("PROCESS_NOT_FOUND", "Process " + processId + " not found", {{"processId", processId}},
                       "process.get");
    return record;
}

void ProcessService::forgetOldRecords()
{
    std::size_t finished = 0;
    for (const auto &[id, record] : records_)
        finished += record->finished ? 1 : 0;
    for (auto it = order_.begin(); finished > kMaxFinishedRecords && it != order_.end();) {
        auto record = records_.find(*it);
        if (record == records_.end()) {
            it = order_.erase(it);
        } else if (record->second->finished) {
            records_.erase(record);
            it = order_.erase(it);
            --finished;
        } else {
            ++it;
        }
    }
}

Json ProcessService::list(const std::string &statusFilter) const
{
    Json processes = Json::array();
    for (const auto &id : order_) {
        const auto record = find(id);
        if (record && (statusFilter.empty() || record->status == statusFilter))
            processes.push_back(record->summary(false));
    }
    return {{"processes", processes}};
}

Json ProcessService::get(const std::string &processId) const
{
    return {{"process", require(processId)->summary(true)}};
}

Json ProcessService::logs(const std::string &processId) const
{
    const auto record = require(processId);
    return {{"processId", processId},
            {"stdout", record->stdoutLog.retained()},
            {"stderr", record->stderrLog.retained()},
            {"truncated", record->stdoutLog.begin() > 0 || record->stderrLog.begin() > 0}};
}

asio::awaitable<Json> ProcessService::kill(std::string processId)
{
    auto record = require(processId);
    if (record->status != "running" || record->killRequested)
        throw ApiError("COMMAND_NOT_FOUND",
                       "Command '" + processId + "' not found or already completed in session '" +
                           (record->sessionId.empty() ? std::string(kSessionlessId) : record->sessionId) + "'",
                       {{"processId", processId}}, "process.kill");
    record->killRequested = true;
    if (!record->pid) {
        record->status = "killed";
        record->finished = true;
        co_return idOnly("processId", processId);
    }
    const auto outcome = co_await system::terminateTree(*record->pid);
    record->killEscalated = outcome == system::TreeKill::Escalated;
    record->killSettled = true;
    record->changed.notify();
    while (!record->finished)
        co_await record->changed.wait();
    co_return idOnly("processId", processId);
}

asio::awaitable<Json> ProcessService::killAll()
{
    std::vector<std::string> running;
    for (const auto &[id, record] : records_)
        if (record->status == "running" && !record->killRequested)
            running.push_back(id);
    auto remaining = std::make_shared<std::size_t>(running.size());
    auto done = std::make_shared<Notifier>(executor_);
    for (const auto &id : running) {
        asio::co_spawn(executor_, [this, id, remaining, done]() -> asio::awaitable<void> {
            try {
                co_await kill(id);
            } catch (const ApiError &) {
                // Finished on its own meanwhile.
            }
            --*remaining;
            done->notify();
        }, system::inBackground("kill-all"));
    }
    while (*remaining > 0)
        co_await done->wait();
    Json result = Json::object();
    result["cleanedCount"] = running.size();
    co_return result;
}

asio::awaitable<void> ProcessService::streamLogs(std::string processId, Emit send)
{
    auto record = require(processId);
    if (!co_await send(processInfoEvent(*record)))
        co_return;
    std::uint64_t outOffset = record->stdoutLog.begin();
    std::uint64_t errOffset = record->stderrLog.begin();
    for (;;) {
        const bool finished = record->finished;
        std::string out = record->stdoutLog.since(outOffset);
        std::string err = record->stderrLog.since(errOffset);
        outOffset = record->stdoutLog.end();
        errOffset = record->stderrLog.end();
        if (!out.empty() && !co_await send(outputEvent("stdout", std::move(out), processId)))
            co_return;
        if (!err.empty() && !co_await send(outputEvent("stderr", std::move(err), processId)))
            co_return;
        if (finished) {
            co_await send(exitEvent(*record));
            co_return;
        }
        // Re-check after the sends above (they suspend): a change meanwhile must not be waited for.
        if (record->stdoutLog.end() == outOffset && record->stderrLog.end() == errOffset && !record->finished)
            co_await record->changed.wait();
    }
}

asio::awaitable<void> ProcessService::streamCommand(std::shared_ptr<ProcessRecord> record, bool sessionless, Emit send)
{
    if (!co_await send(commandStartEvent(record->command)))
        co_return;
    std::uint64_t outOffset = 0, errOffset = 0;
    std::string outPending, errPending;
    auto flush = [&](const char *type, std::string &pending, bool final) -> asio::awaitable<bool> {
        for (auto &line : takeLines(pending))
            if (!co_await send(outputEvent(type, std::move(line), {})))
                co_return false;
        if (final && !pending.empty()) {
            std::string last = std::exchange(pending, {});
            if (!sessionless)
                last += '\n';
            co_return co_await send(outputEvent(type, std::move(last), {}));
        }
        co_return true;
    };
    for (;;) {
        const bool finished = record->finished;
        outPending += record->stdoutLog.since(outOffset);
        errPending += record->stderrLog.since(errOffset);
        outOffset = record->stdoutLog.end();
        errOffset = record->stderrLog.end();
        if (!co_await flush("stdout", outPending, finished) || !co_await flush("stderr", errPending, finished))
            co_return;
        if (finished) {
            co_await send(completeEvent(*record));
            co_return;
        }
        if (record->stdoutLog.end() == outOffset && record->stderrLog.end() == errOffset && !record->finished)
            co_await record->changed.wait();
    }
}

namespace {

Json processStarted(const ProcessRecord &record)
{
    return {{"processId", record.id}, {"pid", record.pid ? Json(*record.pid) : Json()}, {"command", record.command}};
}

// duration: the container sends 0 (the SDK measures on its side); ours is the time taken, in ms.
Json commandFinished(const CommandRequest &command, const CommandResult &result, std::chrono::milliseconds took)
{
    Json fields = {{"success", result.exitCode == 0}, {"exitCode", result.exitCode}, {"stdout", result.stdout},
                   {"stderr", result.stderr},         {"command", command.command},      {"duration", took.count()}};
    if (!command.sessionless())
        fields["sessionId"] = command.sessionId;
    return fields;
}

// The end of a stateful /api/execute/stream (a Sandbench extension), shaped like the plain route's.
Json streamCompleteEvent(int exitCode)
{
    return {{"type", "complete"}, {"exitCode", exitCode}, {"timestamp", protocol::nowIso()}};
}

Json sessionBusyEvent(const std::string &sessionId)
{
    return {{"type", "waiting"}, {"sessionId", sessionId},
            {"message", "Session '" + sessionId + "' is running an earlier command; this one starts when it ends"},
            {"timestamp", protocol::nowIso()}};
}

Json streamErrorEvent(const ApiError &error)
{
    Json event = {{"type", "error"}, {"error", error.what()}, {"code", error.code}, {"timestamp", protocol::nowIso()}};
    if (error.context.contains("exitCode"))
        event["exitCode"] = error.context["exitCode"]; // the shell's own, after `exit N`
    return event;
}

CommandRequest commandOf(const http::RouteRequest &call, const Json &body, const char *operation)
{
    auto command = parseCommandRequest(body, requestSessionId(call.request, call.query));
    if (command.command.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ApiError("INVALID_COMMAND", "Invalid command: empty command provided", {}, operation);
    return command;
}

} // namespace

void ProcessService::addRoutes(http::RouteTable &table)
{
    using http::bhttp::verb;
    table.add(verb::post, "/api/execute", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        const CommandRequest command = commandOf(call, body, "command.execute");
        if (protocol::optionalBool(body, "background", false)) {
            auto record = co_await start(command, protocol::optionalString(body, "processId"));
            co_return co_await replySuccess(call.responder, processStarted(*record));
        }
        const auto began = std::chrono::steady_clock::now();
        const auto result = co_await sessions_.execute(command);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
        co_await replySuccess(call.responder, commandFinished(command, result, took));
    });
    table.add(verb::post, "/api/execute/stream", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        CommandRequest command = commandOf(call, body, "command.stream");
        command.timeoutMs.reset(); // the stream route ignores timeouts, as the reference does
        if (protocol::optionalBool(body, "stateful", false) && !command.sessionless())
            co_return co_await streamEvents(call.responder, [&](Emit send) { return streamInShell(command, send); });
        auto record = co_await start(command, {}, false);
        const bool sessionless = command.sessionless();
        co_await streamEvents(call.responder, [&](Emit send) { return streamCommand(record, sessionless, send); });
    });
    table.add(verb::post, "/api/process/start", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        rejectBlankSessionId(body);
        auto command = parseCommandRequest(body);
        if (!command.sessionless())
            command.timeoutMs.reset(); // timeouts apply to sessionless processes only
        auto record = co_await start(command, protocol::optionalString(body, "processId"));
        co_await replySuccess(call.responder, processStarted(*record));
    });
    table.add(verb::get, "/api/process/list", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, list(http::queryValue(call.query, "status")));
    });
    table.add(verb::delete_, "/api/process/kill-all", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, co_await killAll());
    });
    table.add(verb::get, "/api/process/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, get(http::percentDecode(call.params[0])));
    });
    table.add(verb::delete_, "/api/process/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, co_await kill(http::percentDecode(call.params[0])));
    });
    table.add(verb::get, "/api/process/{id}/logs", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, logs(http::percentDecode(call.params[0])));
    });
    table.add(verb::get, "/api/process/{id}/stream", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string id = http::percentDecode(call.params[0]);
        get(id); // 404 before streaming
        co_await streamEvents(call.responder, [&](Emit send) { return streamLogs(id, send); });
    });
}

asio::awaitable<void> ProcessService::streamInShell(CommandRequest command, Emit send)
{
    // Sandbench extension: the command runs in the session's own shell (cd and export
    // persist, as with /api/execute) while its output streams; the reference runs a
    // background subshell.
    if (!co_await send(commandStartEvent(command.command)))
        co_return;
    // Said at once, so a client does not look at silence: the command waits its turn.
    if (sessions_.isBusy(command.sessionId) && !co_await send(sessionBusyEvent(command.sessionId)))
        co_return;
    std::optional<int> exitCode;
    Json failure;
    try {
        exitCode = co_await sessions_.executeStreaming(command, [&](const char *type, std::string data) -> asio::awaitable<bool> {
            const Json event = outputEvent(type, std::move(data)); // alive across the send
            co_return co_await send(event);
        });
    } catch (const ApiError &error) {
        failure = streamErrorEvent(error);
    }
    if (exitCode)
        co_await send(streamCompleteEvent(*exitCode));
    else
        co_await send(failure);
}

} // namespace sandbench::agent
