// The sandbox manager: the registry and every sandbox's lifecycle (create, start, stop,
// destroy, re-adopt after an engine restart, orphans, idle sleep, OOM and disk watches),
// limits (cgroups, disk images) and the agent's liveness. It knows nothing of HTTP
// routes: the engine's API (Engine.h) calls it, and it reports on the EventBus.
// Long steps (a disk image, bwrap's start) run off the engine's thread, so other
// sandboxes are served while one starts.
#pragma once

#include "engine/Cgroups.h"
#include "engine/DiskImage.h"
#include "engine/EventBus.h"
#include "engine/Registry.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>

namespace sandbench::engine {

namespace asio = boost::asio;

struct ManagerOptions {
    std::string stateDir;
    std::string agentBinary;
    std::string runnersDir; // the interpreter's runners, bound read-only into every sandbox
    std::string uidClaimsDir;
    bool diskImages = true;
};

class SandboxManager {
public:
    SandboxManager(asio::io_context &io, ManagerOptions options, EventBus &events);
    ~SandboxManager();

    // Locks the state directory against a second engine; throws std::runtime_error.
    void lockStateDir();
    // Detects limits, loads and re-adopts sandboxes, ends orphans, starts the idle watch.
    // enginePort: what sandboxes with egress may not reach. Throws std::runtime_error.
    void start(std::uint16_t enginePort);
    // With stopSandboxes, stops every running sandbox too.
    void shutdown(bool stopSandboxes);

    Json health() const;
    const std::map<std::string, std::shared_ptr<Sandbox>> &all() const { return registry_.all(); }
    // Throws INVALID_SANDBOX_ID or SANDBOX_NOT_FOUND.
    std::shared_ptr<Sandbox> require(const std::string &id) const;
    // Creates the sandbox, or updates its options from body (PUT's semantics).
    std::shared_ptr<Sandbox> getOrCreate(const std::string &id, const Json &body);
    // The current sandbox by that id is still this one (not destroyed meanwhile).
    bool isCurrent(const std::shared_ptr<Sandbox> &sandbox) const { return registry_.find(sandbox->id) == sandbox; }
    std::string sandboxDirOf(const std::string &id) const { return registry_.sandboxDir(id); }
    std::string agentSocket(const Sandbox &sandbox) const { return SandboxPaths(registry_.sandboxDir(sandbox.id)).socket; }

    asio::awaitable<void> ensureRunning(std::shared_ptr<Sandbox> sandbox);
    asio::awaitable<void> stop(std::shared_ptr<Sandbox> sandbox, std::string reason);
    asio::awaitable<void> destroy(std::shared_ptr<Sandbox> sandbox);
    // PATCH: saves the new options, then applies what can change while running (cgroup
    // limits, the network filter, the agent's envVars and idle settings).
    asio::awaitable<void> changeOptions(std::shared_ptr<Sandbox> sandbox, Json body);
    // Writes the sandbox's state now (exposed ports); throws like Registry::save.
    void persist(Sandbox &sandbox) { registry_.save(sandbox); }
    // The agent stopped answering mid-request: its run ends as failed (the next request starts it anew).
    void markAgentFailed(Sandbox &sandbox, const std::string &reason);

    // Runs work (a relay to the agent); throws SANDBOX_UNRESPONSIVE (503) instead once the
    // sandbox's agent has been stopped for 3 s.
    asio::awaitable<void> unlessAgentStops(std::shared_ptr<Sandbox> sandbox, asio::awaitable<void> work);

    static Json statusEvent(const Sandbox &sandbox);

    // Work to run once a second on the engine's thread while the engine runs (the watches
    // of other services: ports that start listening).
    void everySecond(std::function<void()> work) { everySecond_.push_back(std::move(work)); }
    // Other services' part in a run: called on the engine's thread when a sandbox runs
    // (started, or re-adopted after an engine restart), and when its run ends (stopped,
    // destroyed, failed, or its agent exited).
    void onRunning(std::function<void(std::shared_ptr<Sandbox>)> hook) { onRunning_.push_back(std::move(hook)); }
    void onRunEnded(std::function<void(Sandbox &)> hook) { onRunEnded_.push_back(std::move(hook)); }
    // The sandbox's cgroup.procs files (to put a helper in its limits); empty without cgroups.
    std::vector<int> cgroupProcsFds(const Sandbox &sandbox) const;
    asio::io_context &io() { return io_; }

private:
    // Runs under the sandbox's lifecycle lock; the disk image and bwrap off the engine's thread.
    asio::awaitable<void> startSandbox(std::shared_ptr<Sandbox> sandbox);
    void killSandboxProcesses(Sandbox &sandbox);
    asio::awaitable<void> watchExit(std::shared_ptr<Sandbox> sandbox, pid_t initPid);
    // Resolves with the agent's pid once it has been seen stopped for 3 s in a row.
    asio::awaitable<pid_t> agentStopped(std::shared_ptr<Sandbox> sandbox);
    void readopt(Sandbox &sandbox);
    // Loads the sandbox's current network options into the filter of a run that has
    // slirp4netns ("none" refuses everything); throws std::runtime_error when it cannot.
    void applyNetworkFilter(Sandbox &sandbox);
    void endOrphans();
    // Saves a status change; a failed write is logged, the status stays what the processes do.
    void saveState(Sandbox &sandbox);
    void setStatus(Sandbox &sandbox, const std::string &status, const std::string &error = {});
    asio::awaitable<void> sleepIdleSandboxes();
    // Publishes sandbox.oom when a sandbox's memory cgroup counts new OOM kills.
    void reportOutOfMemoryKills();
    // Every 5 s: sandboxes with limits.diskMiB but no disk image are measured (du,
    // asynchronously) and stopped with the reason when over their limit.
    void watchDiskUsage();
    asio::awaitable<void> enforceDiskLimit(std::shared_ptr<Sandbox> sandbox);
    std::vector<std::string> hiddenPaths() const;
    void prepareForUnprivilegedSandboxes();
    // Whether this sandbox's files go into a disk image at its next start.
    bool usesDiskImage(const Sandbox &sandbox) const;
    // The disk image work of a start, to run on a worker thread (it touches no manager
    // state): mount the image (its result says where bwrap binds from), or move the files
    // of an image whose limit was removed back out. Empty when there is none; throws when
    // the files are in an image this engine cannot open.
    std::function<std::optional<MountedVolume>()> diskImageStep(const Sandbox &sandbox, const LaunchRequest &request) const;

    // A bwrap start on a worker thread, seen from the engine's thread: shutdown() waits for
    // it and ends what it started (its result would be posted to a loop that no longer runs).
    struct Launch {
        std::mutex mutex;
        std::condition_variable finished;
        bool done = false;
        std::optional<LaunchResult> result;
    };
    std::set<std::shared_ptr<Launch>> launches_;

    asio::io_context &io_;
    ManagerOptions options_;
    EventBus &events_;
    Registry registry_;
    std::uint16_t enginePort_ = 0;
    asio::steady_timer idleTimer_;
    std::vector<std::function<void()>> everySecond_;
    std::vector<std::function<void(std::shared_ptr<Sandbox>)>> onRunning_;
    std::vector<std::function<void(Sandbox &)>> onRunEnded_;
    bool running_ = false;
    int stateLock_ = -1; // flock on stateDir/engine.lock, held while this engine lives
    std::optional<SandboxCgroups> cgroups_;
    std::string cgroupNote_;    // why cgroup limits are off
    std::string diskImageNote_; // why limits.diskMiB is a usage watch, not a disk image
};

} // namespace sandbench::engine
