// The engine's HTTP API: the authenticated loopback listener, the route table, and the
// relays of the container protocol to each sandbox's agent. Sandboxes themselves are
// the SandboxManager's; events go through the EventBus. Runs on one io_context thread.
#pragma once

#include "engine/BackupService.h"
#include "engine/BrowserAccess.h"
#include "engine/EventBus.h"
#include "engine/MountService.h"
#include "engine/PreviewService.h"
#include "engine/TerminalPage.h"
#include "engine/SandboxManager.h"
#include "http/HttpServer.h"
#include "http/RouteTable.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <deque>

namespace sandbench::engine {

namespace asio = boost::asio;

struct EngineOptions {
    std::string listen = "127.0.0.1:0";
    std::string stateDir;     // default: system::defaultStateDir()
    std::string runtimeDir;   // default: system::defaultRuntimeDir()
    std::string agentBinary;  // default: sandbench-agent beside this executable
    std::string runnersDir;   // default: ../share/sandbench/runners from this executable, if there
    std::uint64_t bodyLimit = 64ull << 20;
    std::string uidClaimsDir = "/var/lib/sandbench/uid-blocks"; // root engines: who holds which uid block
    bool diskImages = true; // root engines: limits.diskMiB as a disk image (DiskImage.h); else a usage watch
};

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
    // The sandbox a route names ({id} first): created on demand unless the client says
    // "X-Sandbench-Autostart: no" (then it must exist).
    std::shared_ptr<Sandbox> sandboxFor(const http::RouteRequest &call);
    // Without autostart, a sandbox that is not running is an error (409 SANDBOX_NOT_RUNNING).
    asio::awaitable<void> ensureRunning(std::shared_ptr<Sandbox> sandbox, bool autostart);
    asio::awaitable<void> forward(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                  http::Responder &responder, std::string agentTarget, bool autostart);
    asio::awaitable<void> upload(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                 http::Responder &responder, std::string agentTarget, bool autostart);
    http::ServerOptions serverOptions();
    // A request to a preview host (handed over whole): checked against the exposed port's
    // token, then relayed byte for byte into the sandbox's network through its agent.
    asio::awaitable<void> preview(http::bhttp::request_header<> header, std::unique_ptr<http::RawConnection> client);
    // Host, and the bearer token or what the route's Access allows instead, of a request
    // header (the server calls it before reading a body); throws FORBIDDEN_HOST or UNAUTHORIZED.
    void authorize(const http::bhttp::request_header<> &header);
    bool carriesToken(const http::bhttp::request_header<> &header) const;

    asio::io_context &io_;
    EngineOptions options_;
    EventBus events_;
    SandboxManager sandboxes_;
    PreviewService previews_;
    MountService mounts_;
    BackupService backups_;
    TerminalPage terminalPage_;
    http::RouteTable routes_;
    std::string token_;
    BrowserAccess browsers_; // page codes, terminal keys and WebSocket tickets
    asio::ip::tcp::acceptor acceptor_;
};

} // namespace sandbench::engine
