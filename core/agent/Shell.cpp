#include "agent/Shell.h"
#include "system/Background.h"

#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstring>
#include <unistd.h>

namespace sandbench::agent {

using namespace boost::asio::experimental::awaitable_operators;

std::vector<std::string> toEnvList(const std::map<std::string, std::string> &env)
{
    std::vector<std::string> list;
    for (const auto &[key, value] : env)
        list.push_back(key + "=" + value);
    return list;
}

void BoundedLog::append(std::string_view data)
{
    data_.append(data);
    if (data_.size() > limit_) {
        // Trim to three quarters so trimming is amortised over many appends.
        const std::size_t drop = data_.size() - limit_ * 3 / 4;
        data_.erase(0, drop);
        dropped_ += drop;
    }
}

std::string BoundedLog::since(std::uint64_t from) const
{
    if (from < dropped_)
        from = dropped_;
    if (from >= end())
        return {};
    return data_.substr(static_cast<std::size_t>(from - dropped_));
}

Shell::Shell(asio::any_io_executor executor, std::vector<std::string> env, std::string cwd, std::string statePath)
    : input_(executor), reports_(executor), channel_(executor, 64), statePath_(std::move(statePath))
{
    auto [stdinRead, stdinWrite] = system::makePipe();
    auto [reportRead, reportWrite] = system::makePipe();
    const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
    system::SpawnOptions options;
    // Not interactive (no job notices, no terminal handling, the reference's behaviour): a
    // stopped command ends with its shell, and a replacement takes up the session (replaceOf).
    options.argv = {"/bin/bash", "--norc", "--noprofile"};
    options.env = std::move(env);
    options.preferredByOomKiller = true; // the agent must outlive what it runs
    options.cwd = std::move(cwd);
    options.fds = {{0, stdinRead}, {1, devNull}, {2, devNull}, {3, reportWrite}};
    try {
        pid_ = system::spawnProcess(options);
    } catch (...) {
        for (int fd : {stdinRead, stdinWrite, reportRead, reportWrite, devNull})
            close(fd);
        throw;
    }
    for (int fd : {stdinRead, reportWrite, devNull})
        close(fd);
    if (!statePath_.empty()) {
        // A replacement takes up its predecessor's state. Small enough for the pipe's
        // buffer, and written before anything else can be.
        const std::string resume = "builtin source " + shellQuote(statePath_) + " </dev/null 2>/dev/null\n";
        [[maybe_unused]] const ssize_t written = ::write(stdinWrite, resume.data(), resume.size());
    }
    input_.assign(stdinWrite);
    reports_.assign(reportRead);
}

std::shared_ptr<Shell> Shell::start(asio::any_io_executor executor, std::vector<std::string> env, std::string cwd,
                                    std::string statePath)
{
    auto shell = std::make_shared<Shell>(executor, std::move(env), std::move(cwd), std::move(statePath));
    // The reader holds the shell until the process is gone.
    asio::co_spawn(executor, [shell]() -> asio::awaitable<void> { co_await shell->readReports(); }, system::inBackground("shell reports"));
    return shell;
}

Shell::~Shell()
{
    terminate();
}

asio::awaitable<void> Shell::send(const std::string &script)
{
    co_await asio::async_write(input_, asio::buffer(script), asio::use_awaitable);
}

asio::awaitable<std::optional<std::string>> Shell::nextReport()
{
    boost::system::error_code error;
    std::string line = co_await channel_.async_receive(asio::redirect_error(asio::use_awaitable, error));
    if (error)
        co_return std::nullopt;
    co_return line;
}

asio::awaitable<Shell::Report> Shell::nextReport(std::chrono::milliseconds timeout)
{
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (nextReport() || timer.async_wait(asio::use_awaitable));
    if (outcome.index() == 1)
        co_return Report{std::nullopt, true};
    co_return Report{std::get<0>(outcome), false};
}

std::string Shell::saveStateCommand() const
{
    if (statePath_.empty())
        return {};
    // Into a temporary file, renamed over the state when the command's report arrives: a
    // shell killed while writing never leaves half a state behind.
    return "{ builtin export -p; builtin declare -f; builtin alias -p; builtin shopt -p; builtin shopt -po; "
           "builtin umask -p; builtin printf 'builtin cd -- %q\\n' \"$PWD\"; } >" + shellQuote(statePath_ + ".new") +
           " 2>/dev/null; ";
}

std::shared_ptr<Shell> Shell::replaceOf(const Shell &old, asio::any_io_executor executor, std::vector<std::string> env,
                                        const std::string &fallbackCwd)
{
    // The state file says where to go; starting in the old directory covers a shell that
    // saved none yet (a deleted directory cannot be entered: the fallback then).
    char buffer[4096];
    const std::string link = "/proc/" + std::to_string(old.pid()) + "/cwd";
    const ssize_t n = readlink(link.c_str(), buffer, sizeof buffer);
    std::string cwd = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : fallbackCwd;
    struct stat info{};
    if (cwd.ends_with(" (deleted)") || ::stat(cwd.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        cwd = fallbackCwd;
    // With a state file, its exports are the whole environment (variables the shell had
    // unset stay unset).
    if (::stat(old.statePath().c_str(), &info) == 0 && info.st_size > 0)
        env.clear();
    return start(std::move(executor), std::move(env), cwd, old.statePath());
}

void Shell::terminate()
{
    if (pid_ > 0 && !exited_)
        system::killTreeNow(pid_);
}

asio::awaitable<void> Shell::readReports()
{
    asio::streambuf buffer;
    for (;;) {
        boost::system::error_code error;
        const std::size_t n =
            co_await asio::async_read_until(reports_, buffer, '\n', asio::redirect_error(asio::use_awaitable, error));
        if (error)
            break;
        std::string line(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + n - 1);
        buffer.consume(n);
        if (!statePath_.empty() && line.starts_with("done "))
            ::rename((statePath_ + ".new").c_str(), statePath_.c_str()); // the state it saved is whole
        co_await channel_.async_send(boost::system::error_code{}, std::move(line),
                                     asio::redirect_error(asio::use_awaitable, error));
    }
    co_await reap();
    channel_.close();
}

asio::awaitable<void> Shell::reap()
{
    // fd 3 closed: normally the shell exited; if it merely closed fd 3, it is unusable: end it.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    int status = 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_ || (done < 0 && errno == ECHILD))
            break;
        if (attempt == 50)
            system::killTreeNow(pid_);
        timer.expires_after(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
        co_await timer.async_wait(asio::use_awaitable);
    }
    exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    exited_ = true;
}

} // namespace sandbench::agent

namespace sandbench::agent {

std::shared_ptr<OutputReader> OutputReader::start(asio::any_io_executor executor, int fd, Sink sink)
{
    auto reader = std::make_shared<OutputReader>(executor, fd, std::move(sink));
    asio::co_spawn(executor, [reader]() -> asio::awaitable<void> { co_await reader->run(); }, system::inBackground("output reader"));
    return reader;
}

OutputReader::OutputReader(asio::any_io_executor executor, int fd, Sink sink)
    : descriptor_(executor, fd), sink_(std::move(sink))
{
    descriptor_.non_blocking(true);
}

bool OutputReader::readAvailable()
{
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(descriptor_.native_handle(), chunk, sizeof chunk);
        if (n > 0) {
            sink_(std::string_view(chunk, static_cast<size_t>(n)));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        endOfFile_ = true;
        return false;
    }
}

asio::awaitable<void> OutputReader::run()
{
    while (!stopped_ && !endOfFile_) {
        boost::system::error_code error;
        co_await descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                                        asio::redirect_error(asio::use_awaitable, error));
        if (error || stopped_)
            break;
        if (!readAvailable())
            break;
    }
}

void OutputReader::stopAndDrain()
{
    if (stopped_)
        return;
    stopped_ = true;
    if (!endOfFile_)
        readAvailable();
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.close(ignored);
}

} // namespace sandbench::agent
