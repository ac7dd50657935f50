#include "agent/ChildProcess.h"

#include "system/Background.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

namespace sandbench::agent {

std::shared_ptr<ChildProcess> ChildProcess::spawn(asio::any_io_executor executor, ChildOptions options,
                                                  Sink onStdout, Sink onStderr)
{
    using system::UniqueFd;
    auto pipe = [] {
        const auto [read, write] = system::makePipe();
        return std::pair{UniqueFd(read), UniqueFd(write)};
    };
    auto [outRead, outWrite] = pipe();
    auto [errRead, errWrite] = pipe();
    UniqueFd inRead, inWrite;
    if (options.inputPipe)
        std::tie(inRead, inWrite) = pipe();
    else
        inRead.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));

    system::SpawnOptions spawn;
    spawn.argv = std::move(options.argv);
    spawn.env = std::move(options.env);
    spawn.cwd = std::move(options.cwd);
    spawn.preferredByOomKiller = true; // the agent must outlive what it runs
    spawn.fds = {{0, inRead.get()}, {1, outWrite.get()}, {2, errWrite.get()}};
    spawn.fds.insert(spawn.fds.end(), options.extraFds.begin(), options.extraFds.end());
    auto child = std::make_shared<ChildProcess>(executor, system::spawnProcess(spawn)); // throws
    child->input_ = std::move(inWrite);
    child->stdout_ = OutputReader::start(executor, outRead.release(), std::move(onStdout));
    child->stderr_ = OutputReader::start(executor, errRead.release(), std::move(onStderr));
    child->timeoutPending_ = options.timeout.has_value(); // before anyone can await the exit
    if (options.timeout)
        asio::co_spawn(executor, child->enforceTimeout(*options.timeout, options.grace),
                       system::inBackground("child timeout"));
    return child;
}

ChildProcess::ChildProcess(asio::any_io_executor executor, pid_t pid) : executor_(std::move(executor)), pid_(pid)
{
}

asio::awaitable<void> ChildProcess::enforceTimeout(std::chrono::milliseconds timeout, std::chrono::milliseconds grace)
{
    auto self = shared_from_this();
    if (!co_await system::waitForProcessExit(pid_, timeout)) {
        timedOut_ = true;
        ::kill(-pid_, SIGTERM);
        // The whole group gets SIGKILL after the grace, even when the leader went at once:
        // what it started may ignore SIGTERM. The leader stays unreaped (exitCode() leaves
        // it to us) until then, so the group's id cannot have been reused.
        asio::steady_timer graceTimer(executor_, grace);
        co_await graceTimer.async_wait(asio::use_awaitable);
        ::kill(-pid_, SIGKILL);
    }
    timeoutPending_ = false;
    if (code_)
        waitpid(pid_, nullptr, 0); // exitCode() has read the status already
}

asio::awaitable<int> ChildProcess::exitCode()
{
    auto self = shared_from_this();
    if (code_)
        co_return *code_;
    co_await system::waitForProcessExit(pid_);
    // Read without reaping while a timeout may still signal the group (see enforceTimeout).
    siginfo_t info{};
    waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | (timeoutPending_ ? WNOWAIT : 0));
    code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
    co_return *code_;
}

void ChildProcess::endOutput()
{
    stdout_->stopAndDrain();
    stderr_->stopAndDrain();
}

} // namespace sandbench::agent
