// Finding and terminating whole process trees (leaves first, SIGTERM then
// SIGKILL), as the protocol's kill semantics require.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <chrono>
#include <vector>

namespace sandbench::system {

// Every descendant of root (not root itself), deepest first.
std::vector<pid_t> descendantsDeepestFirst(pid_t root);

// True when the pid no longer exists or is a zombie.
bool isGone(pid_t pid);

// True when the process is stopped (SIGSTOP, SIGTSTP) or stopped by a tracer.
bool isStopped(pid_t pid);

enum class TreeKill { AlreadyGone, Terminated, Escalated };

// SIGTERM to the tree (leaves first), wait up to grace for every pid, then
// SIGKILL survivors and newcomers and wait again.
boost::asio::awaitable<TreeKill> terminateTree(pid_t root,
                                               std::chrono::milliseconds grace = std::chrono::seconds(5));

// Waits until a process exits (pidfd_open; works for processes that are not our children).
boost::asio::awaitable<void> waitForProcessExit(pid_t pid);

// Waits for exit with a deadline; true when the process exited in time.
boost::asio::awaitable<bool> waitForProcessExit(pid_t pid, std::chrono::milliseconds timeout);

// Immediate SIGKILL of root and its descendants.
void killTreeNow(pid_t root);

} // namespace sandbench::system
