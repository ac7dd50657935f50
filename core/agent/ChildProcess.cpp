#include "agent/ChildProcess.h"

#include "system/Background.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>

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
    // Signals go only while the child is unreaped (code_ empty): its pid and group are still ours.
    if (co_await system::waitForProcessExit(pid_, timeout) || code_)
        co_return;
    timedOut_ = true;
    ::kill(-pid_, SIGTERM);
    if (!co_await system::waitForProcessExit(pid_, grace) && !code_)
        ::kill(-pid_, SIGKILL);
}

asio::awaitable<int> ChildProcess::exitCode()
{
    auto self = shared_from_this();
    if (code_)
        co_return *code_;
    co_await system::waitForProcessExit(pid_);
    int status = 0;
    waitpid(pid_, &status, 0);
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    co_return *code_;
}

void ChildProcess::endOutput()
{
    stdout_->stopAndDrain();
    stderr_->stopAndDrain();
}

} // namespace sandbench::agent
