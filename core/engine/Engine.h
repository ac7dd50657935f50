// The engine: registry and lifecycle of sandboxes, the authenticated
// loopback HTTP API, forwarding of the container protocol to each sandbox's
// agent, engine events, and idle sleeping. Runs on one io_context thread.
#pragma once

#include "engine/Cgroups.h"
#include "engine/DiskImage.h"
#include "engine/Registry.h"
#include "http/HttpServer.h"
#include "http/RouteTable.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>

namespace sandbench::engine {

namespace asio = boost::asio;

struct EngineOptions {
    std::string listen = "127.0.0.1:0";
    std::string stateDir;     // default: $XDG_DATA_HOME/sandbench
    std::string runtimeDir;   // default: $XDG_RUNTIME_DIR/sandbench
    std::string agentBinary;  // default: sandbench-agent beside this executable
    std::uint64_t bodyLimit = 64ull << 20;
    std::string uidClaimsDir = "/var/lib/sandbench/uid-blocks"; // root engines: who holds which uid block
    bool diskImages = true; // root engines: limits.diskMiB as a disk image (DiskImage.h); else a usage watch
};

// XDG defaults of ARCHITECTURE.md.
std::string defaultStateDir();
std::string defaultRuntimeDir();

class Engine {
public:
    Engine(asio::io_context &io, EngineOptions options);
    ~Engine();

    // Binds, loads and re-adopts sandboxes, writes engine.json. Throws std::runtime_error.
    void start();
    // Stops accepting; with stopSandboxes, stops every running sandbox too.
    void shutdown(bool stopSandboxes);

    std::string url() const;
    std::uint16_t enginePort() const;
    const std::string &token() const { return token_; }
    std::string engineFile() const { return options_.runtimeDir + "/engine.json"; }

private:
    // The API by table (see http/RouteTable.h): one entry per route, built once.
    void addRoutes();
    asio::awaitable<void> route(http::Request &request, http::Responder &responder);
    // PATCH: saves the new options, then applies what can change while running (cgroup
    // limits, the network filter, the agent's envVars and idle settings).
    asio::awaitable<void> changeOptions(std::shared_ptr<Sandbox> sandbox, Json body);
    // The sandbox a route names ({id} first): created on demand unless the client says
    // "X-Sandbench-Autostart: no" (then it must exist).
    std::shared_ptr<Sandbox> sandboxFor(const http::RouteRequest &call);
    asio::awaitable<void> forward(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                  http::Responder &responder, std::string agentTarget, bool autostart);
    asio::awaitable<void> upload(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                 http::Responder &responder, std::string agentTarget, bool autostart);
    asio::awaitable<void> streamEvents(http::Responder &responder);
    // Runs work (a relay to the agent); throws SANDBOX_UNRESPONSIVE (503) instead once the
    // sandbox's agent has been stopped for 3 s.
    asio::awaitable<void> unlessAgentStops(std::shared_ptr<Sandbox> sandbox, asio::awaitable<void> work);
    // Resolves with the agent's pid once it has been seen stopped for 3 s in a row.
    asio::awaitable<pid_t> agentStopped(std::shared_ptr<Sandbox> sandbox);
    http::ServerOptions serverOptions() const;
    // Host and bearer token of a request header; throws FORBIDDEN_HOST or UNAUTHORIZED.
    void authorize(const http::bhttp::request_header<> &header) const;

    std::shared_ptr<Sandbox> requireSandbox(const std::string &id) const;
    std::shared_ptr<Sandbox> getOrCreate(const std::string &id, const Json &body);
    asio::awaitable<void> ensureRunning(std::shared_ptr<Sandbox> sandbox);
    // Without autostart, a sandbox that is not running is an error (409 SANDBOX_NOT_RUNNING).
    asio::awaitable<void> ensureRunning(std::shared_ptr<Sandbox> sandbox, bool autostart);
    // Runs under the sandbox's lifecycle lock; the disk image step off the engine's thread.
    asio::awaitable<void> startSandbox(std::shared_ptr<Sandbox> sandbox);
    asio::awaitable<void> stopSandbox(std::shared_ptr<Sandbox> sandbox, const std::string &reason);
    void killSandboxProcesses(Sandbox &sandbox);
    asio::awaitable<void> watchExit(std::shared_ptr<Sandbox> sandbox, pid_t initPid);
    void readopt(Sandbox &sandbox);
    // Loads the sandbox's current network options into the filter of a run that has
    // slirp4netns ("none" refuses everything); throws std::runtime_error when it cannot.
    void applyNetworkFilter(Sandbox &sandbox);
    void endOrphans();
    // Saves a status change; a failed write is logged, the status stays what the processes do.
    void saveState(Sandbox &sandbox);
    void setStatus(Sandbox &sandbox, const std::string &status, const std::string &error = {});
    void publish(Json event);
    asio::awaitable<void> sleepIdleSandboxes();
    // Publishes sandbox.oom when a sandbox's memory cgroup counts new OOM kills.
    void reportOutOfMemoryKills();
    // Every 5 s: sandboxes with limits.diskMiB but no disk image are measured (du,
    // asynchronously) and stopped with the reason when over their limit.
    void watchDiskUsage();
    asio::awaitable<void> enforceDiskLimit(std::shared_ptr<Sandbox> sandbox);
    std::vector<std::string> hiddenPaths() const;
    void prepareForUnprivilegedSandboxes();
    void lockStateDir();

    asio::io_context &io_;
    EngineOptions options_;
    http::RouteTable routes_;
    Registry registry_;
    std::string token_;
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer idleTimer_;
    bool running_ = false;
    int stateLock_ = -1; // flock on stateDir/engine.lock, held while this engine lives
    std::optional<SandboxCgroups> cgroups_;
    std::string cgroupNote_; // why cgroup limits are off
    std::string diskImageNote_; // why limits.diskMiB is a usage watch, not a disk image
    // Whether this sandbox's files go into a disk image at its next start.
    bool usesDiskImage(const Sandbox &sandbox) const;
    // The disk image work of a start, to run on a worker thread (it touches no engine
    // state): mount the image (its result says where bwrap binds from), or move the files
    // of an image whose limit was removed back out. Empty when there is none; throws when
    // the files are in an image this engine cannot open.
    std::function<std::optional<MountedVolume>()> diskImageStep(const Sandbox &sandbox, const LaunchRequest &request) const;

    // Engine events for GET /v1/events: a bounded backlog with sequence numbers.
    std::deque<std::pair<std::uint64_t, Json>> events_;
    std::uint64_t nextEvent_ = 1;
    std::unique_ptr<asio::steady_timer> eventSignal_;
};

} // namespace sandbench::engine
