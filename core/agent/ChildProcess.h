// One child process of the agent, for everything that runs a program and waits for it
// (sessionless commands, sessionless background processes, next the interpreter's
// runners): spawned in a process group of its own with its output on pipes, handed to
// sinks as it arrives; an optional timeout (SIGTERM to the group, SIGKILL to the group
// after a grace, whether or not the leader has gone);
// an awaitable exit that reaps it and takes the output it left behind.
#pragma once

#include "agent/Shell.h"
#include "system/UniqueFd.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sandbench::agent {

struct ChildOptions {
    std::vector<std::string> argv;
    std::vector<std::string> env; // the child's whole environment
    std::string cwd;
    std::optional<std::chrono::milliseconds> timeout;
    std::chrono::milliseconds grace = std::chrono::seconds(5); // after SIGTERM, before SIGKILL
    bool inputPipe = false; // stdin from a pipe (input()); otherwise /dev/null
    std::vector<std::pair<int, int>> extraFds; // {child fd, our fd} beyond 0-2, ours stay ours
};

class ChildProcess : public std::enable_shared_from_this<ChildProcess> {
public:
    using Sink = OutputReader::Sink;
    // Throws std::system_error (naming the call) when it cannot start.
    static std::shared_ptr<ChildProcess> spawn(asio::any_io_executor executor, ChildOptions options, Sink onStdout,
                                               Sink onStderr);
    ChildProcess(asio::any_io_executor executor, pid_t pid);

    pid_t pid() const { return pid_; }
    // The write end of its stdin (with inputPipe); closeInput() sends EOF.
    int input() const { return input_.get(); }
    void closeInput() { input_.reset(); }

    // Waits for the exit and reaps. The code as a shell reports it: 128+N for a signal.
    // For one awaiter at a time; later calls return the same code.
    asio::awaitable<int> exitCode();
    // Stops reading its output after taking what is there: writers that outlive it (a
    // daemonised child, a tree being killed) are not waited for.
    void endOutput();
    // What its stdout and stderr hold now, to their sinks (see OutputReader::takeAvailable).
    void takeOutput()
    {
        stdout_->takeAvailable();
        stderr_->takeAvailable();
    }
    bool finished() const { return code_.has_value(); }
    bool timedOut() const { return timedOut_; }

private:
    asio::awaitable<void> enforceTimeout(std::chrono::milliseconds timeout, std::chrono::milliseconds grace);

    asio::any_io_executor executor_;
    pid_t pid_;
    system::UniqueFd input_;
    std::shared_ptr<OutputReader> stdout_, stderr_;
    std::optional<int> code_;
    bool timedOut_ = false;
    bool timeoutPending_ = false; // enforceTimeout may still signal the group: it reaps
};

} // namespace sandbench::agent
