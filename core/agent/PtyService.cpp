#include "agent/PtyService.h"

#include "protocol/Protocol.h"
#include "system/AsyncMutex.h"
#include "system/Background.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace sandbench::agent {

using namespace boost::asio::experimental::awaitable_operators;
using protocol::ApiError;
using Json = nlohmann::json;

struct PtyService::Terminal {
    Terminal(asio::any_io_executor executor, pid_t child, int master)
        : pid(child), io(executor, master), log(kReplayBytes), changed(executor) {}
    pid_t pid;
    asio::posix::stream_descriptor io; // the PTY's master side: output in, keystrokes out
    BoundedLog log;
    Notifier changed;
    bool exited = false;
    int exitCode = 0;
};

namespace {

Json statusMessage(const char *type)
{
    return {{"type", type}};
}

Json errorMessage(const std::string &message)
{
    return {{"type", "error"}, {"message", message}};
}

Json exitMessage(int code)
{
    return {{"type", "exit"}, {"code", code}};
}

// Starts shell on a new PTY (not a coroutine: fork needs plain code). Returns the pid; *master
// receives the PTY's master side.
pid_t spawnInPty(const std::string &shell, const std::vector<std::string> &env, const std::string &cwd, int cols,
                 int rows, int *master)
{
    // Everything the child needs is prepared before fork: after it, only exec-safe calls.
    std::vector<char *> envp;
    for (const auto &entry : env)
        envp.push_back(const_cast<char *>(entry.c_str()));
    envp.push_back(nullptr);
    char *argv[] = {const_cast<char *>(shell.c_str()), nullptr};
    winsize size{};
    size.ws_col = static_cast<unsigned short>(cols);
    size.ws_row = static_cast<unsigned short>(rows);
    const pid_t child = forkpty(master, nullptr, nullptr, &size);
    if (child == 0) {
        // The agent ignores SIGPIPE; a shell must not inherit that (or `yes | head` spins).
        for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGHUP})
            signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (chdir(cwd.c_str()) != 0 && chdir("/") != 0)
            _exit(127);
        system::markForOomKiller(); // the agent must outlive what it runs
        execve(shell.c_str(), argv, envp.data());
        _exit(127);
    }
    if (child > 0)
        fcntl(*master, F_SETFD, FD_CLOEXEC);
    return child;
}

} // namespace

PtyService::PtyService(asio::any_io_executor executor, SessionService &sessions)
    : executor_(std::move(executor)), sessions_(sessions)
{
    sessions_.onSessionRemoved([this](const std::string &sessionId) { destroy(sessionId); }); // its terminal ends
}

PtyService::~PtyService()
{
    for (auto &[id, terminal] : terminals_)
        if (!terminal->exited)
            system::killTreeNow(terminal->pid);
}

void PtyService::destroy(const std::string &sessionId)
{
    const auto it = terminals_.find(sessionId);
    if (it == terminals_.end())
        return;
    if (!it->second->exited)
        system::killTreeNow(it->second->pid);
    terminals_.erase(it);
}

asio::awaitable<std::shared_ptr<PtyService::Terminal>> PtyService::terminalFor(const std::string &sessionId,
                                                                               const PtyOptions &options)
{
    if (auto it = terminals_.find(sessionId); it != terminals_.end() && !it->second->exited)
        co_return it->second;
    // A snapshot of the session's shell: its environment and its directory.
    auto env = co_await sessions_.environmentOf(sessionId);
    std::erase_if(env, [](const std::string &entry) { return entry.rfind("TERM=", 0) == 0; });
    env.push_back("TERM=xterm-256color");
    if (auto it = terminals_.find(sessionId); it != terminals_.end() && !it->second->exited)
        co_return it->second; // another socket created it while we waited
    const std::string cwd = sessions_.currentDirectory(sessionId);
    const std::string shell = options.shell.find('/') == std::string::npos ? "/bin/" + options.shell : options.shell;
    if (access(shell.c_str(), X_OK) != 0)
        throw ApiError("VALIDATION_FAILED", "Shell not found: " + shell);

    int master = -1;
    const pid_t child = spawnInPty(shell, env, cwd, options.cols, options.rows, &master);
    if (child < 0)
        throw ApiError("INTERNAL_ERROR", std::string("forkpty: ") + std::strerror(errno));
    auto terminal = std::make_shared<Terminal>(executor_, child, master);
    terminals_[sessionId] = terminal;
    asio::co_spawn(executor_, pumpOutput(terminal), system::inBackground("pty output"));
    co_return terminal;
}

asio::awaitable<void> PtyService::pumpOutput(std::shared_ptr<Terminal> terminal)
{
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        boost::system::error_code error;
        const std::size_t n =
            co_await terminal->io.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
        if (n > 0) {
            terminal->log.append(std::string_view(buffer.data(), n));
            terminal->changed.notify();
        }
        if (error)
            break; // EIO: every process holding the PTY's other side has gone
    }
    co_await system::waitForProcessExit(terminal->pid);
    int status = 0;
    waitpid(terminal->pid, &status, WNOHANG);
    terminal->exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    terminal->exited = true;
    terminal->changed.notify();
}

asio::awaitable<void> PtyService::attach(std::string sessionId, PtyOptions options, http::WebSocket &socket)
{
    system::AsyncMutex writing; // one writer at a time on the socket
    auto send = [&](std::string data, bool binary) -> asio::awaitable<bool> {
        auto guard = co_await writing.lock();
        co_return co_await socket.write(data, binary);
    };
    std::shared_ptr<Terminal> terminal;
    std::string failure;
    try {
        terminal = co_await terminalFor(sessionId, options);
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!terminal) {
        co_await send(errorMessage(failure).dump(), false);
        co_await socket.close(1011, failure.substr(0, 120));
        co_return;
    }
    // The replay first (one binary frame), then "ready", then live output.
    std::uint64_t offset = terminal->log.begin();
    const std::string replay = terminal->log.since(offset);
    offset = terminal->log.end();
    if (!replay.empty() && !co_await send(replay, true)) {
        co_await socket.close(1011, "Send failed");
        co_return;
    }
    if (!co_await send(statusMessage("ready").dump(), false))
        co_return;

    auto output = [&]() -> asio::awaitable<void> {
        for (;;) {
            const bool exited = terminal->exited;
            const std::string data = terminal->log.since(offset);
            offset = terminal->log.end();
            if (!data.empty() && !co_await send(data, true))
                co_return;
            if (exited) {
                co_await send(exitMessage(terminal->exitCode).dump(), false);
                co_return;
            }
            if (terminal->log.end() == offset && !terminal->exited)
                co_await terminal->changed.wait();
        }
    };
    auto input = [&]() -> asio::awaitable<void> {
        for (;;) {
            auto message = co_await socket.read();
            if (!message)
                co_return;
            if (message->binary) {
                if (terminal->exited)
                    co_return;
                boost::system::error_code error;
                co_await asio::async_write(terminal->io, asio::buffer(message->data),
                                           asio::redirect_error(asio::use_awaitable, error));
                continue;
            }
            const Json control = Json::parse(message->data, nullptr, false);
            if (!control.is_object()) {
                co_await send(errorMessage("Invalid control message").dump(), false);
                continue;
            }
            if (control.value("type", "") != "resize")
                continue; // unknown types are ignored, as the reference does
            const int cols = control.value("cols", 0);
            const int rows = control.value("rows", 0);
            if (cols <= 0 || rows <= 0) {
                co_await send(errorMessage("Invalid dimensions: cols and rows must be positive").dump(), false);
                continue;
            }
            winsize size{};
            size.ws_col = static_cast<unsigned short>(cols);
            size.ws_row = static_cast<unsigned short>(rows);
            ioctl(terminal->io.native_handle(), TIOCSWINSZ, &size); // the kernel tells the shell (SIGWINCH)
        }
    };
    co_await (output() || input());
    if (terminal->exited) {
        if (auto it = terminals_.find(sessionId); it != terminals_.end() && it->second == terminal)
            terminals_.erase(it); // the next socket starts a new shell
        co_await socket.close(1000, "Shell exited");
    }
}

void PtyService::addRoutes(http::RouteTable &table)
{
    table.add(http::bhttp::verb::get, "/ws/pty", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string sessionId = http::percentDecode(http::queryValue(call.query, "sessionId"));
        if (sessionId.empty())
            throw ApiError("VALIDATION_FAILED", "sessionId query parameter required", {}, {}, 400);
        if (!http::isWebSocketUpgrade(call.request))
            throw ApiError("VALIDATION_FAILED", "WebSocket upgrade failed", {}, {}, 503);
        PtyOptions options;
        if (const auto cols = std::atoi(http::queryValue(call.query, "cols").c_str()); cols > 0)
            options.cols = cols;
        if (const auto rows = std::atoi(http::queryValue(call.query, "rows").c_str()); rows > 0)
            options.rows = rows;
        if (const auto shell = http::percentDecode(http::queryValue(call.query, "shell")); !shell.empty())
            options.shell = shell;
        auto socket = co_await call.responder.acceptWebSocket(call.request);
        co_await attach(sessionId, options, *socket);
    });
}

} // namespace sandbench::agent
