// Helpers that the engine runs inside a sandbox (bucket mounts, backups): the sandbox's own
// programs (s3fs, mksquashfs, unsquashfs, git, mkdir) entered into its namespaces with
// nsenter and confined with setpriv, never run on the host with API input. What they need
// from the engine (credentials, an archive in the engine's state) reaches them as an open
// descriptor (/proc/self/fd/N inside), never as a host path.
#pragma once

#include "engine/Registry.h"
#include "system/Subprocess.h"
#include "system/UniqueFd.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sandbench::engine {

// nsenter (util-linux) on this host, or empty.
std::string nsenterBinary();

// argv running command in the sandbox whose agent is target, as the sandbox's root, keeping
// only the capabilities named (comma-separated, "" keeps none) in the sandbox's user
// namespace, with no-new-privs. The sandbox's /usr is the host's, so setpriv and the
// command are found there.
std::vector<std::string> insideSandbox(pid_t target, const std::string &keepCapabilities,
                                       std::vector<std::string> command);

// The fixed environment of every such helper.
const std::vector<std::string> &helperEnvironment();

// Runs argv (from insideSandbox) off the engine's thread: its exit code and output (the
// last maxOutput bytes). fds are {child fd, parent fd} beyond 0-2. With joinCgroups (the
// sandbox's cgroup.procs files, SandboxManager::cgroupProcsFds) it runs in the sandbox's
// cgroups: what it uses counts against the sandbox's limits, not the engine's.
boost::asio::awaitable<system::Completion> runInside(std::vector<std::string> argv,
                                                     std::vector<std::pair<int, int>> fds = {},
                                                     std::chrono::seconds timeout = std::chrono::seconds(10),
                                                     std::size_t maxOutput = 4000, std::vector<int> joinCgroups = {});

// The sandbox's agent, whose namespaces the helpers enter (bwrap's PID 1 exists before the
// sandbox's root is in place; the agent only after): 0 while the sandbox starts. Throws
// SANDBOX_NOT_RUNNING when it does not run.
pid_t agentProcessOf(const Sandbox &sandbox);
// The same, waiting up to 10 s for a sandbox that has just started.
boost::asio::awaitable<pid_t> agentProcessWhenUp(std::shared_ptr<Sandbox> sandbox);

// text in a memfd (mode 0600, owned by the sandbox's uid when it has one of its own), for a
// helper to read as /proc/self/fd/N: nothing on disk.
system::UniqueFd sandboxReadable(const std::string &name, const std::string &text, std::optional<uid_t> owner);

} // namespace sandbench::engine
