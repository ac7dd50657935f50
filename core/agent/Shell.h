// Building blocks of command execution: a persistent bash that runs injected
// scripts and reports completion on fd 3, shell quoting, a wake-up notifier
// and a bounded log.
#pragma once

#include "system/Notifier.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sandbench::agent {

namespace asio = boost::asio;

using system::shellQuote;

// KEY=VALUE list from a map.
std::vector<std::string> toEnvList(const std::map<std::string, std::string> &env);

using system::Notifier;

// Keeps the newest bytes of an output stream up to a limit; older bytes are
// dropped (counted, so readers at absolute offsets know what they missed).
class BoundedLog {
public:
    explicit BoundedLog(std::size_t limit) : limit_(limit) {}
    void append(std::string_view data);
    std::uint64_t end() const { return dropped_ + data_.size(); }
    std::uint64_t begin() const { return dropped_; }
    // Bytes from absolute offset 'from' to the end (clamped to what is retained).
    std::string since(std::uint64_t from) const;
    const std::string &retained() const { return data_; }

private:
    std::size_t limit_;
    std::uint64_t dropped_ = 0;
    std::string data_;
};

// One persistent `bash --norc --noprofile` whose scripts report on fd 3.
class Shell : public std::enable_shared_from_this<Shell> {
public:
    // Spawns the shell and starts reading its reports. statePath: where the shell keeps
    // its state after each command (saveStateCommand), for a replacement shell (replaceOf),
    // which starts by reading it. Throws std::system_error.
    static std::shared_ptr<Shell> start(asio::any_io_executor executor, std::vector<std::string> env,
                                        std::string cwd, std::string statePath = {});
    Shell(asio::any_io_executor executor, std::vector<std::string> env, std::string cwd, std::string statePath);

    // Shell code that saves the shell's directory, exported variables, functions, aliases,
    // options and umask to statePath (empty without one). Plain variables, arrays and traps
    // are not kept.
    std::string saveStateCommand() const;
    // A new shell in the old one's directory with the state it saved after its last
    // command, for a shell that was killed to stop its command.
    static std::shared_ptr<Shell> replaceOf(const Shell &old, asio::any_io_executor executor,
                                            std::vector<std::string> env, const std::string &fallbackCwd);
    const std::string &statePath() const { return statePath_; }
    ~Shell();
    Shell(const Shell &) = delete;
    Shell &operator=(const Shell &) = delete;

    pid_t pid() const { return pid_; }
    bool exited() const { return exited_; }
    int exitCode() const { return exitCode_; }

    // Writes a script to the shell's stdin.
    asio::awaitable<void> send(const std::string &script);
    // Next line the shell wrote to fd 3; nullopt when the shell has gone (exitCode() is then set).
    asio::awaitable<std::optional<std::string>> nextReport();
    // Same with a deadline: a timeout yields {timedOut = true}.
    struct Report { std::optional<std::string> line; bool timedOut = false; };
    asio::awaitable<Report> nextReport(std::chrono::milliseconds timeout);

    // Kills the shell and everything it started.
    void terminate();

private:
    asio::awaitable<void> readReports();
    asio::awaitable<void> reap();

    using Channel = asio::experimental::channel<void(boost::system::error_code, std::string)>;
    pid_t pid_ = -1;
    asio::posix::stream_descriptor input_;
    asio::posix::stream_descriptor reports_;
    Channel channel_;
    bool exited_ = false;
    int exitCode_ = 0;
    std::string statePath_;
};

} // namespace sandbench::agent

namespace sandbench::agent {

// Reads a pipe or FIFO as data arrives and hands it to a sink. stop() ends
// the reading loop; drain() then takes whatever the writers left behind.
class OutputReader : public std::enable_shared_from_this<OutputReader> {
public:
    using Sink = std::function<void(std::string_view)>;
    static std::shared_ptr<OutputReader> start(asio::any_io_executor executor, int fd, Sink sink);
    OutputReader(asio::any_io_executor executor, int fd, Sink sink);
    void stopAndDrain();
    // Hands the sink what is in the pipe now, without waiting: what a writer wrote
    // before a message it sent elsewhere comes before that message.
    void takeAvailable()
    {
        if (!stopped_ && !endOfFile_)
            readAvailable();
    }

private:
    asio::awaitable<void> run();
    bool readAvailable(); // false on EOF or error
    asio::posix::stream_descriptor descriptor_;
    Sink sink_;
    bool endOfFile_ = false;
    bool stopped_ = false;
};

using system::waitForProcessExit;

} // namespace sandbench::agent
