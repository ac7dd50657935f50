// Sessions: persistent bash shells with their own cwd and env, the default
// session, sessionless execution, per-session FIFO serialisation and timeouts.
#pragma once

#include "agent/AgentConfig.h"
#include "agent/ChildProcess.h"
#include "agent/Routes.h"
#include "system/AsyncMutex.h"
#include "agent/Shell.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sandbench::agent {

using Json = nlohmann::json;

inline constexpr const char *kSessionlessId = "__DISABLE_SESSION__";
inline constexpr const char *kDefaultSessionId = "default";

// One command as the routes describe it.
struct CommandRequest {
    std::string command;
    std::string sessionId = kDefaultSessionId;
    std::optional<long long> timeoutMs;
    std::vector<std::pair<std::string, std::string>> env; // null values already dropped
    std::optional<std::string> cwd;
    bool sessionless() const { return sessionId == kSessionlessId; }
};

// Parses command, sessionId, timeoutMs, env and cwd from a request body.
CommandRequest parseCommandRequest(const Json &body, std::string fallbackSessionId = kDefaultSessionId);

struct CommandResult {
    int exitCode = 0;
    std::string stdout;
    std::string stderr;
};

// Where a background command's output and exit code go.
struct BackgroundTarget {
    std::string stdoutPath; // FIFOs created by the caller
    std::string stderrPath;
    std::string exitCodePath;
};

class SessionService {
public:
    SessionService(asio::any_io_executor executor, AgentConfig &config);
    ~SessionService();

    // /api/session/{create,list,delete}.
    void addRoutes(http::RouteTable &table);

    Json create(const Json &body);
    Json list() const;
    asio::awaitable<Json> remove(std::string sessionId);

    // Foreground command: in the session's shell (state persists) or sessionless.
    asio::awaitable<CommandResult> execute(CommandRequest request);

    // The same in the session's shell, with its output handed to onOutput as it is written
    // ("stdout"/"stderr", whole UTF-8 characters; false: the client has gone). Returns the
    // exit code. If the caller goes away first, the command's processes are stopped.
    using OutputSink = std::function<asio::awaitable<bool>(const char *type, std::string data)>;
    asio::awaitable<int> executeStreaming(CommandRequest request, OutputSink onOutput);

    // Starts a command in a background subshell of the session (a snapshot of its state).
    // Returns the pid once the shell reports it (nullopt after 5 s).
    asio::awaitable<std::optional<pid_t>> startInSession(CommandRequest request, BackgroundTarget target);

    // The session shell's exported environment as KEY=VALUE entries (creating the session if needed).
    asio::awaitable<std::vector<std::string>> environmentOf(std::string sessionId);

    // Whether the session's shell is running a command (a new one waits its turn).
    bool isBusy(const std::string &sessionId) const;

    // The session shell's working directory (the workspace for sessionless or unknown sessions).
    std::string currentDirectory(const std::string &sessionId) const;

    // Services that hold things of a session (terminals, process records, later interpreter
    // contexts) learn here that it is being removed, before its processes are killed.
    using RemovedListener = std::function<void(const std::string &sessionId)>;
    void onSessionRemoved(RemovedListener listener) { removedListeners_.push_back(std::move(listener)); }

    // A sessionless command as a child process: `bash -c`, its env over the sandbox's, its
    // cwd (defaultCwd without one) and its timeout.
    ChildOptions sessionlessChild(const CommandRequest &request, const std::string &defaultCwd) const;

    // Environment for a new shell or a sessionless command.
    std::vector<std::string> environmentFor(const std::map<std::string, std::string> &extra) const;

private:
    struct Session;
    struct Foreground;
    // Locks the session (SESSION_TERMINATED if its shell died) and sends the command's script.
    asio::awaitable<std::unique_ptr<Foreground>> startForeground(const CommandRequest &request);
    std::shared_ptr<Session> findOrCreate(const std::string &id, const std::optional<std::string> &cwd,
                                          const std::map<std::string, std::string> &env,
                                          std::optional<long long> commandTimeoutMs);
    asio::awaitable<CommandResult> executeSessionless(CommandRequest request);
    // The script that runs one foreground command in a session shell and reports "done SEQ CODE".
    std::string foregroundScript(const CommandRequest &request, std::uint64_t sequence, const std::string &outPath,
                                 const std::string &errPath, const Shell &shell) const;
    // Ends a foreground command whose stream was abandoned (Stop), with its shell, and gives
    // the session a new shell where the old one was (reported: it had already finished).
    asio::awaitable<void> finishStopped(std::unique_ptr<Foreground> run, bool reported);
    [[noreturn]] void throwSessionGone(const std::string &sessionId, const Session &session);
    std::string startingDirectory(const std::optional<std::string> &requested) const;

    asio::any_io_executor executor_;
    AgentConfig &config_;
    std::map<std::string, std::shared_ptr<Session>> sessions_;
    std::vector<RemovedListener> removedListeners_;
    std::uint64_t nextSequence_ = 1;
    std::uint64_t nextSessionDir_ = 1;
};

} // namespace sandbench::agent
