#include "agent/SessionService.h"
#include "system/Background.h"

#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

namespace sandbench::agent {

using namespace boost::asio::experimental::awaitable_operators;

using protocol::ApiError;

struct SessionService::Session {
    std::string id;
    std::map<std::string, std::string> env; // given at creation; a replacement shell starts with it
    std::shared_ptr<Shell> shell;
    std::string captureDir;
    std::optional<long long> commandTimeoutMs;
    system::AsyncMutex mutex;
    std::vector<pid_t> background;
    bool destroyed = false;
    bool runningTimedOutCommand = false;
};

// A foreground command on its way: the locked session, where its output goes, and the
// processes the shell already had (earlier commands' `&` jobs, which a Stop leaves alone).
struct SessionService::Foreground {
    Foreground(std::shared_ptr<Session> locked, system::AsyncMutex::Guard lock, std::uint64_t number)
        : session(std::move(locked)), guard(std::move(lock)), sequence(number),
          outPath(session->captureDir + "/out"), errPath(session->captureDir + "/err") {}
    std::shared_ptr<Session> session;
    system::AsyncMutex::Guard guard;
    std::uint64_t sequence;
    std::string outPath;
    std::string errPath;
    std::set<pid_t> before;
};

namespace {

// cwd as cd's operand: a relative one is made explicit, so "-" is not $OLDPWD and
// CDPATH is not searched.
std::string directoryOperand(const std::string &cwd)
{
    return cwd.starts_with('/') ? cwd : "./" + cwd;
}

std::optional<long long> globalCommandTimeout()
{
    const char *value = std::getenv("COMMAND_TIMEOUT_MS");
    if (!value || !*value)
        return std::nullopt;
    const long long parsed = std::atoll(value);
    return parsed > 0 ? std::optional<long long>(parsed) : std::nullopt;
}

// Appended when a command printed more than the agent returns in one result.
std::string truncationNote(std::uint64_t omitted)
{
    return "\n[sandbench: output truncated, " + std::to_string(omitted) + " more bytes not returned]";
}

// Session output: NUL bytes do not survive and the final newline is dropped.
std::string sessionOutput(std::string text)
{
    std::erase(text, '\0');
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

// Exports the command's variables; with restore, first saves what they were and appends
// to *restore the code that puts them back.
std::string envExports(const CommandRequest &request, std::string *restore)
{
    std::string exports;
    int index = 0;
    for (const auto &[name, value] : request.env) {
        const std::string saved = "__sb_o" + std::to_string(index);
        const std::string wasSet = "__sb_s" + std::to_string(index);
        ++index;
        if (restore) {
            exports += "if builtin test \"${" + name + "+x}\" = x; then " + wasSet + "=1; " + saved + "=\"$" + name +
                       "\"; else " + wasSet + "=0; fi; ";
            *restore += "if builtin test \"$" + wasSet + "\" = 1; then builtin export " + name + "=\"$" + saved +
                        "\"; else builtin unset " + name + "; fi; builtin unset " + wasSet + " " + saved + "; ";
        }
        exports += "builtin export " + name + "=" + shellQuote(value) + "; ";
    }
    return exports;
}

} // namespace

CommandRequest parseCommandRequest(const Json &body, std::string fallbackSessionId)
{
    CommandRequest request;
    request.command = protocol::optionalString(body, "command");
    const std::string sessionId = protocol::optionalString(body, "sessionId");
    request.sessionId = sessionId.empty() ? std::move(fallbackSessionId) : sessionId;
    request.timeoutMs = protocol::optionalInteger(body, "timeoutMs");
    if (request.timeoutMs && *request.timeoutMs == 0)
        request.timeoutMs.reset();
    if (body.contains("cwd") && !body["cwd"].is_null()) {
        request.cwd = protocol::optionalString(body, "cwd");
        if (request.cwd->empty() || request.cwd->find('\0') != std::string::npos)
            throw ApiError("VALIDATION_FAILED", "cwd must be a non-empty path");
    }
    if (body.contains("env") && !body["env"].is_null()) {
        if (!body["env"].is_object())
            throw ApiError("VALIDATION_FAILED", "env must be an object");
        for (const auto &[name, value] : body["env"].items()) {
            if (!protocol::isValidEnvName(name))
                throw ApiError("VALIDATION_FAILED", "Invalid environment variable name: " + name);
            if (value.is_null())
                continue;
            if (!value.is_string())
                throw ApiError("VALIDATION_FAILED", "env values must be strings: " + name);
            request.env.emplace_back(name, value.get<std::string>());
        }
    }
    return request;
}

SessionService::SessionService(asio::any_io_executor executor, AgentConfig &config)
    : executor_(std::move(executor)), config_(config)
{
    system::makeDirectories(config_.scratchDir, 0700);
}

SessionService::~SessionService()
{
    for (auto &[id, session] : sessions_)
        session->shell->terminate();
}

std::vector<std::string> SessionService::environmentFor(const std::map<std::string, std::string> &extra) const
{
    std::map<std::string, std::string> env = config_.baseEnv;
    env["LANG"] = "C.UTF-8";
    env["LC_ALL"] = "C.UTF-8";
    for (const auto &[key, value] : extra)
        env[key] = value;
    return toEnvList(env);
}

std::string SessionService::startingDirectory(const std::optional<std::string> &requested) const
{
    struct stat info{};
    if (requested && stat(requested->c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        return *requested;
    if (!requested && stat(config_.workspace.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        return config_.workspace;
    return config_.home;
}

std::shared_ptr<SessionService::Session>
SessionService::findOrCreate(const std::string &id, const std::optional<std::string> &cwd,
                             const std::map<std::string, std::string> &env, std::optional<long long> commandTimeoutMs)
{
    if (auto it = sessions_.find(id); it != sessions_.end())
        return it->second;
    auto session = std::make_shared<Session>();
    session->id = id;
    session->env = env;
    session->commandTimeoutMs = commandTimeoutMs;
    session->captureDir = config_.scratchDir + "/session-" + std::to_string(nextSessionDir_++);
    try {
        system::makeDirectories(session->captureDir, 0700);
        session->shell = Shell::start(executor_, environmentFor(env), startingDirectory(cwd),
                                      session->captureDir + "/exports");
    } catch (const std::exception &failure) {
        throw ApiError("INTERNAL_ERROR", std::string("Failed to start session shell: ") + failure.what(),
                       {{"sessionId", id}});
    }
    sessions_[id] = session;
    return session;
}

Json SessionService::create(const Json &body)
{
    std::string id = protocol::optionalString(body, "id");
    if (body.contains("id") && (id.empty() || id.find_first_not_of(" \t\r\n") == std::string::npos))
        throw ApiError("VALIDATION_FAILED", "sessionId must not be empty or whitespace");
    if (id.empty())
        id = "session_" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()) +
             "_" + system::randomText(12);
    if (id == kSessionlessId)
        throw ApiError("VALIDATION_FAILED", "The session id __DISABLE_SESSION__ is reserved");
    std::map<std::string, std::string> env;
    if (body.contains("env") && body["env"].is_object()) {
        for (const auto &[name, value] : body["env"].items()) {
            if (!protocol::isValidEnvName(name))
                throw ApiError("VALIDATION_FAILED", "Invalid environment variable name: " + name);
            if (value.is_string())
                env[name] = value.get<std::string>();
        }
    }
    std::optional<std::string> cwd;
    if (body.contains("cwd") && body["cwd"].is_string())
        cwd = body["cwd"].get<std::string>();
    if (auto it = sessions_.find(id); it != sessions_.end()) {
        if (!it->second->shell->exited())
            throw ApiError("SESSION_ALREADY_EXISTS", "Session '" + id + "' already exists",
                           {{"sessionId", id}, {"containerPlacementId", nullptr}});
        sessions_.erase(it); // a session whose shell died is silently replaced
    }
    auto session = findOrCreate(id, cwd, env, protocol::optionalInteger(body, "commandTimeoutMs"));
    return {{"data", {{"id", id}, {"cwd", startingDirectory(cwd)}}}, {"containerPlacementId", nullptr}, {"sessionId", id}};
}

Json SessionService::list() const
{
    Json ids = Json::array();
    for (const auto &[id, session] : sessions_)
        ids.push_back(id);
    return {{"data", ids}};
}

asio::awaitable<Json> SessionService::remove(std::string sessionId)
{
    auto it = sessions_.find(sessionId);
    if (it == sessions_.end())
        throw ApiError("INTERNAL_ERROR", "Session '" + sessionId + "' not found", {{"sessionId", sessionId}});
    auto session = it->second;
    session->destroyed = true;
    for (const auto &listener : removedListeners_)
        listener(sessionId);
    if (session->runningTimedOutCommand) {
        session->shell->terminate(); // its lock holder waits for a command nobody will read
    } else {
        auto guard = co_await session->mutex.lock();
    }
    for (pid_t pid : session->background)
        system::killTreeNow(pid);
    session->shell->terminate();
    system::removeTree(session->captureDir);
    if (auto current = sessions_.find(sessionId); current != sessions_.end() && current->second == session)
        sessions_.erase(current);
    co_return Json{{"sessionId", sessionId}};
}

asio::awaitable<std::unique_ptr<SessionService::Foreground>> SessionService::startForeground(const CommandRequest &request)
{
    auto session = findOrCreate(request.sessionId, std::nullopt, {}, request.timeoutMs);
    auto guard = co_await session->mutex.lock();
    if (session->shell->exited()) {
        // A shell that died between commands is reported once, then replaced on the next call.
        sessions_.erase(request.sessionId);
        throwSessionGone(request.sessionId, *session);
    }
    auto run = std::make_unique<Foreground>(session, std::move(guard), nextSequence_++);
    // New capture files for each command: a follower never sees an earlier command's
    // output, and a leftover writer of one (an `&` job) writes into a file nobody reads.
    unlink(run->outPath.c_str());
    unlink(run->errPath.c_str());
    for (pid_t pid : system::descendantsDeepestFirst(session->shell->pid()))
        run->before.insert(pid);
    co_await session->shell->send(foregroundScript(request, run->sequence, run->outPath, run->errPath, *session->shell));
    co_return run;
}

void SessionService::throwSessionGone(const std::string &sessionId, const Session &session)
{
    if (session.destroyed)
        throw ApiError("SESSION_DESTROYED", "Session '" + sessionId + "' was destroyed", {{"sessionId", sessionId}});
    throw ApiError("SESSION_TERMINATED",
                   "Session '" + sessionId + "' shell exited (exit code: " + std::to_string(session.shell->exitCode()) + ")",
                   {{"sessionId", sessionId}, {"exitCode", session.shell->exitCode()}});
}

std::string SessionService::foregroundScript(const CommandRequest &request, std::uint64_t sequence,
                                             const std::string &outPath, const std::string &errPath,
                                             const Shell &shell) const
{
    // Line 1 runs the command; line 2 puts back what the command's env and cwd changed,
    // saves the session's state for a replacement shell, and reports "done SEQ EXIT".
    std::string restore;
    const std::string exports = envExports(request, &restore);
    const std::string run = "{ builtin eval \"$__sb_c\"; } </dev/null >" + shellQuote(outPath) + " 2>" +
                            shellQuote(errPath) + " 3>&-; __sb_e=$?";
    std::string script = "__sb_c=" + shellQuote(request.command) + "; " + exports;
    if (request.cwd) {
        const std::string dir = shellQuote(directoryOperand(*request.cwd));
        script += "__sb_pwd=\"$PWD\"; if builtin cd -- " + dir + " 2>/dev/null; then " + run +
                  "; builtin cd -- \"$__sb_pwd\" 2>/dev/null; else builtin printf 'Failed to change directory to %s\\n' " +
                  shellQuote(*request.cwd) + " >" + shellQuote(errPath) + "; : >" + shellQuote(outPath) + "; __sb_e=1; fi\n";
    } else {
        script += run + "\n";
    }
    script += restore + "builtin unset __sb_c __sb_pwd; " + shell.saveStateCommand() + "builtin printf 'done %s %s\\n' " +
              std::to_string(sequence) + " \"$__sb_e\" >&3\n";
    return script;
}

asio::awaitable<CommandResult> SessionService::execute(CommandRequest request)
{
    if (request.sessionless())
        co_return co_await executeSessionless(request);

    auto run = co_await startForeground(request);
    const auto session = run->session;
    const std::uint64_t sequence = run->sequence;
    const std::string outPath = run->outPath;
    const std::string errPath = run->errPath;

    const auto timeout = request.timeoutMs ? request.timeoutMs
                         : session->commandTimeoutMs ? session->commandTimeoutMs
                                                     : globalCommandTimeout();
    const std::string expected = "done " + std::to_string(sequence) + " ";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout.value_or(0));
    std::optional<std::string> line;
    for (;;) {
        if (timeout) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto report = co_await session->shell->nextReport(std::max(left, std::chrono::milliseconds(0)));
            if (report.timedOut) {
                // The command keeps running; the session stays busy until it reports.
                session->runningTimedOutCommand = true;
                asio::co_spawn(executor_,
                               [session, expected, guard = std::move(run->guard)]() mutable -> asio::awaitable<void> {
                                   for (;;) {
                                       auto late = co_await session->shell->nextReport();
                                       if (!late || late->rfind(expected, 0) == 0)
                                           break;
                                   }
                                   session->runningTimedOutCommand = false;
                               },
                               system::inBackground("timed-out command drain"));
                throw ApiError("COMMAND_EXECUTION_ERROR",
                               "Failed to execute command '" + request.command + "' in session '" + request.sessionId +
                                   "': Command timeout after " + std::to_string(*timeout) + "ms",
                               {{"command", request.command}, {"sessionId", request.sessionId}}, "command.execute");
            }
            line = report.line;
        } else {
            line = co_await session->shell->nextReport();
        }
        if (!line || line->rfind(expected, 0) == 0)
            break;
    }
    if (!line) {
        if (auto it = sessions_.find(request.sessionId); it != sessions_.end() && it->second == session)
            sessions_.erase(it);
        throwSessionGone(request.sessionId, *session);
    }
    CommandResult result;
    result.exitCode = std::atoi(line->c_str() + expected.size());
    // A flood is cut at the output limit so one command cannot exhaust the agent's memory.
    for (auto [path, text] : {std::pair{&outPath, &result.stdout}, std::pair{&errPath, &result.stderr}}) {
        std::uint64_t size = 0;
        *text = sessionOutput(system::readFilePrefix(*path, config_.outputLimitBytes, &size).value_or(""));
        if (size > config_.outputLimitBytes)
            *text += truncationNote(size - config_.outputLimitBytes);
    }
    truncate(outPath.c_str(), 0);
    truncate(errPath.c_str(), 0);
    co_return result;
}

namespace {

// Follows a capture file while a command writes it: each call returns what was added
// since, cut at a UTF-8 character boundary (the rest waits for the next call).
class CaptureTail {
public:
    explicit CaptureTail(std::string path) : path_(std::move(path)) {}
    ~CaptureTail()
    {
        if (fd_ >= 0)
            close(fd_);
    }
    CaptureTail(const CaptureTail &) = delete;
    CaptureTail &operator=(const CaptureTail &) = delete;

    // Up to 256 KiB of new output; nullopt when there is none (final: flush the last bytes).
    std::optional<std::string> next(bool final)
    {
        if (fd_ < 0 && (fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC)) < 0)
            return std::nullopt;
        std::string data = std::exchange(carry_, {});
        const std::size_t had = data.size();
        data.resize(had + (256 << 10));
        const ssize_t n = pread(fd_, data.data() + had, data.size() - had, static_cast<off_t>(offset_));
        data.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        offset_ += static_cast<std::uint64_t>(std::max<ssize_t>(n, 0));
        if (!final) {
            const std::size_t whole = protocol::completeUtf8Prefix(data);
            carry_ = data.substr(whole);
            data.resize(whole);
        }
        if (data.empty())
            return std::nullopt;
        return data;
    }

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    std::string carry_;
};

// The processes a foreground command started in a session shell: its descendants, less the
// session's background processes and theirs.
std::vector<pid_t> foregroundProcesses(pid_t shell, const std::vector<pid_t> &background)
{
    std::set<pid_t> keep(background.begin(), background.end());
    for (pid_t pid : background)
        for (pid_t descendant : system::descendantsDeepestFirst(pid))
            keep.insert(descendant);
    std::vector<pid_t> targets;
    for (pid_t pid : system::descendantsDeepestFirst(shell))
        if (!keep.count(pid))
            targets.push_back(pid);
    return targets;
}

} // namespace

asio::awaitable<int> SessionService::executeStreaming(CommandRequest request, OutputSink onOutput)
{
    auto run = co_await startForeground(request);
    const auto session = run->session;
    const std::uint64_t sequence = run->sequence;
    const std::string outPath = run->outPath;
    const std::string errPath = run->errPath;
    // Whatever ends this coroutine early (the client leaving, a Stop, cancels it) also ends
    // the command, and the session stays locked until the shell has reported it.
    bool finished = false;
    bool gotDone = false;
    struct StopOnExit {
        StopOnExit(bool &f, bool &d, SessionService &s, std::unique_ptr<Foreground> &r)
            : finished(f), gotDone(d), service(s), run(r) {}
        bool &finished;
        bool &gotDone;
        SessionService &service;
        std::unique_ptr<Foreground> &run;
        ~StopOnExit()
        {
            if (!finished && run)
                asio::co_spawn(service.executor_, service.finishStopped(std::move(run), gotDone),
                               system::inBackground("stopped command"));
        }
    } stopOnExit(finished, gotDone, *this, run); // a constructor, not a braced aggregate: GCC 12

    const std::string expected = "done " + std::to_string(sequence) + " ";
    std::optional<std::string> line;
    bool reported = false;
    auto waitForReport = [&]() -> asio::awaitable<void> {
        for (;;) {
            line = co_await session->shell->nextReport();
            if (!line || line->rfind(expected, 0) == 0)
                break;
        }
        gotDone = line.has_value();
        reported = true;
    };
    // Sends what the command wrote every 25 ms, and the rest once it has reported.
    auto relayOutput = [&]() -> asio::awaitable<void> {
        CaptureTail out(outPath), err(errPath);
        CaptureTail *tails[] = {&out, &err}; // a named array: no initializer_list across co_await (GCC 12)
        asio::steady_timer tick(executor_);
        for (bool clientHere = true;;) {
            const bool last = reported;
            for (CaptureTail *tail : tails) {
                while (clientHere) {
                    auto chunk = tail->next(last);
                    if (!chunk)
                        break;
                    clientHere = co_await onOutput(tail == &out ? "stdout" : "stderr", std::move(*chunk));
                }
            }
            if (last)
                co_return;
            tick.expires_after(std::chrono::milliseconds(25));
            boost::system::error_code ignored;
            co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
    };
    co_await (waitForReport() && relayOutput());
    // A client that left cancels us: the waits above then end early, looking like a shell
    // that exited. The session is fine; StopOnExit ends the command.
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        co_return -1;
    finished = true;
    truncate(outPath.c_str(), 0);
    truncate(errPath.c_str(), 0);
    if (!line) {
        if (auto it = sessions_.find(request.sessionId); it != sessions_.end() && it->second == session)
            sessions_.erase(it);
        throwSessionGone(request.sessionId, *session);
    }
    co_return std::atoi(line->c_str() + expected.size());
}

asio::awaitable<void> SessionService::finishStopped(std::unique_ptr<Foreground> run, bool reported)
{
    const auto session = run->session;
    if (!reported && !session->shell->exited()) {
        // Bash goes on with the rest of a line when one of its children is interrupted (a
        // non-interactive shell has no Ctrl+C of its own), so the shell is held still first,
        // its foreground processes get SIGINT (a terminal's Ctrl+C: they may clean up) and
        // 2 s, then SIGKILL; the shell goes too, and a new one takes up the session as the
        // last finished command left it: directory, exported variables, functions, aliases.
        // The session's background processes live on.
        const auto old = session->shell;
        kill(old->pid(), SIGSTOP);
        const auto commandsProcesses = [&] {
            std::vector<pid_t> targets;
            for (pid_t pid : foregroundProcesses(old->pid(), session->background))
                if (!run->before.count(pid))
                    targets.push_back(pid);
            return targets;
        };
        // Held still first, so that every one has its SIGINT before any reacts (a subshell
        // that saw its child die of SIGINT before it had its own would go on).
        const auto targets = commandsProcesses();
        for (int signal : {SIGSTOP, SIGINT, SIGCONT})
            for (pid_t pid : targets)
                kill(pid, signal);
        asio::steady_timer tick(executor_);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        for (auto pause = std::chrono::milliseconds(1); std::chrono::steady_clock::now() < deadline;
             pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
            if (std::all_of(targets.begin(), targets.end(), [](pid_t pid) { return system::isGone(pid); }))
                break;
            tick.expires_after(pause);
            co_await tick.async_wait(asio::use_awaitable);
        }
        try {
            session->shell = Shell::replaceOf(*old, executor_, environmentFor(session->env), startingDirectory(std::nullopt));
        } catch (const std::exception &) {
            // No new shell: the next command reports SESSION_TERMINATED and starts one.
        }
        // Again until none is left: what got SIGINT may have started more meanwhile.
        for (int pass = 0; pass < 5; ++pass) {
            const auto left = commandsProcesses();
            if (left.empty())
                break;
            for (pid_t pid : left)
                kill(pid, SIGKILL);
        }
        kill(old->pid(), SIGKILL);
        // Its last report, if any, is read, so that the old shell is reaped.
        asio::co_spawn(executor_, [old]() -> asio::awaitable<void> {
            while (co_await old->nextReport()) {
            }
        }, system::inBackground("replaced shell"));
    }
    truncate(run->outPath.c_str(), 0);
    truncate(run->errPath.c_str(), 0);
} // run's lock is released here: the next command finds a quiet session

asio::awaitable<std::optional<pid_t>> SessionService::startInSession(CommandRequest request, BackgroundTarget target)
{
    auto session = findOrCreate(request.sessionId, std::nullopt, {}, std::nullopt);
    auto guard = co_await session->mutex.lock();
    if (session->shell->exited()) {
        sessions_.erase(request.sessionId);
        throw ApiError("SESSION_TERMINATED",
                       "Session '" + request.sessionId + "' shell exited (exit code: " +
                           std::to_string(session->shell->exitCode()) + ")",
                       {{"sessionId", request.sessionId}, {"exitCode", session->shell->exitCode()}});
    }
    const std::uint64_t sequence = nextSequence_++;
    std::string run = "( builtin eval \"$__sb_c\" )";
    if (request.cwd) {
        const std::string dir = shellQuote(directoryOperand(*request.cwd));
        run = "if builtin cd -- " + dir + " 2>/dev/null; then " + run +
              "; else builtin printf 'Failed to change directory to %s\\n' " + shellQuote(*request.cwd) +
              " >&2; (builtin exit 1); fi";
    }
    std::string script = "__sb_c=" + shellQuote(request.command) + "\n( " + envExports(request, nullptr) + run +
                         "; builtin printf '%s' \"$?\" >" + shellQuote(target.exitCodePath) + " ) </dev/null >" +
                         shellQuote(target.stdoutPath) + " 2>" + shellQuote(target.stderrPath) + " 3>&- &\n" +
                         "builtin printf 'pid %s %s\\n' " + std::to_string(sequence) + " \"$!\" >&3; builtin unset __sb_c\n";
    co_await session->shell->send(script);
    const std::string expected = "pid " + std::to_string(sequence) + " ";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto report = co_await session->shell->nextReport(std::max(left, std::chrono::milliseconds(0)));
        if (report.timedOut)
            co_return std::nullopt;
        if (!report.line)
            throw ApiError("SESSION_TERMINATED",
                           "Session '" + request.sessionId + "' shell exited (exit code: " +
                               std::to_string(session->shell->exitCode()) + ")",
                           {{"sessionId", request.sessionId}, {"exitCode", session->shell->exitCode()}});
        if (report.line->rfind(expected, 0) == 0) {
            const pid_t pid = static_cast<pid_t>(std::atoi(report.line->c_str() + expected.size()));
            session->background.push_back(pid);
            co_return pid;
        }
    }
}

asio::awaitable<std::vector<std::string>> SessionService::environmentOf(std::string sessionId)
{
    // Through a file: command output loses NUL bytes, and values may hold newlines.
    CommandRequest request;
    request.sessionId = sessionId;
    auto session = findOrCreate(sessionId, std::nullopt, {}, std::nullopt);
    const std::string path = session->captureDir + "/env";
    request.command = "env -0 >" + shellQuote(path);
    const auto result = co_await execute(request);
    const std::string text = system::readWholeFile(path).value_or("");
    unlink(path.c_str());
    if (result.exitCode != 0)
        throw ApiError("INTERNAL_ERROR", "Could not read the environment of session '" + sessionId + "'");
    std::vector<std::string> env;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\0', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            env.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    co_return env;
}

bool SessionService::isBusy(const std::string &sessionId) const
{
    const auto it = sessions_.find(sessionId);
    return it != sessions_.end() && it->second->mutex.locked();
}

std::string SessionService::currentDirectory(const std::string &sessionId) const
{
    if (auto it = sessions_.find(sessionId); it != sessions_.end() && !it->second->shell->exited()) {
        char buffer[4096];
        const std::string link = "/proc/" + std::to_string(it->second->shell->pid()) + "/cwd";
        const ssize_t n = readlink(link.c_str(), buffer, sizeof buffer);
        if (n > 0)
            return std::string(buffer, static_cast<std::size_t>(n));
    }
    return config_.workspace;
}

asio::awaitable<CommandResult> SessionService::executeSessionless(CommandRequest request)
{
    CommandResult result;
    std::uint64_t omitted[2] = {0, 0};
    const std::size_t limit = config_.outputLimitBytes;
    auto capped = [limit](std::string &text, std::uint64_t &dropped) {
        return [&text, &dropped, limit](std::string_view data) {
            const std::size_t room = limit - std::min(limit, text.size());
            text.append(data.substr(0, room));
            dropped += data.size() - std::min(room, data.size());
        };
    };
    std::shared_ptr<ChildProcess> child;
    try {
        child = ChildProcess::spawn(executor_, sessionlessChild(request, startingDirectory(std::nullopt)),
                                    capped(result.stdout, omitted[0]), capped(result.stderr, omitted[1]));
    } catch (const std::system_error &failure) {
        if (request.cwd && std::string_view(failure.what()).starts_with("chdir"))
            co_return CommandResult{1, "", "Failed to change directory to " + *request.cwd};
        throw ApiError("COMMAND_EXECUTION_ERROR", std::string("Failed to start command: ") + failure.what(),
                       {{"command", request.command}}, "command.execute");
    }
    result.exitCode = co_await child->exitCode();
    child->endOutput();
    if (omitted[0])
        result.stdout += truncationNote(omitted[0]);
    if (omitted[1])
        result.stderr += truncationNote(omitted[1]);
    if (child->timedOut()) {
        result.exitCode = 124;
        if (!result.stderr.empty() && result.stderr.back() != '\n')
            result.stderr += '\n';
        result.stderr += "Command timed out after " + std::to_string(*request.timeoutMs) + "ms";
    }
    co_return result;
}

ChildOptions SessionService::sessionlessChild(const CommandRequest &request, const std::string &defaultCwd) const
{
    ChildOptions options;
    options.argv = {"/bin/bash", "-c", "--", request.command}; // a command may start with '-'
    options.env = environmentFor(std::map<std::string, std::string>(request.env.begin(), request.env.end()));
    // A relative cwd is below the default one (as a session's cd would take it), not the agent's.
    options.cwd = !request.cwd ? defaultCwd : request.cwd->starts_with('/') ? *request.cwd : defaultCwd + "/" + *request.cwd;
    if (request.timeoutMs) // SIGTERM to its group, SIGKILL 5 s later
        options.timeout = std::chrono::milliseconds(*request.timeoutMs);
    return options;
}

void SessionService::addRoutes(http::RouteTable &table)
{
    using http::bhttp::verb;
    table.add(verb::post, "/api/session/create", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json body = Json::object();
        const Json parsed = Json::parse(call.request.body(), nullptr, false);
        if (parsed.is_object())
            body = parsed; // a missing or invalid body creates a session with defaults
        co_await replySuccess(call.responder, create(body));
    });
    table.add(verb::get, "/api/session/list", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, list());
    });
    table.add(verb::post, "/api/session/delete", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        const std::string id = protocol::optionalString(body, "sessionId");
        if (id.empty())
            throw ApiError("VALIDATION_FAILED", "sessionId is required");
        co_await replySuccess(call.responder, co_await remove(id));
    });
}

} // namespace sandbench::agent
