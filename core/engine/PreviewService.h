// Preview URLs: a sandbox's port exposed at http://{port}-{id}-{token}.localhost:{enginePort}/
// (POST, GET, DELETE /v1/sandboxes/{id}/ports[/{port}]). Exposed ports and their tokens
// are kept with the sandbox (sandbox.json, mode 0600) across stops and engine restarts.
// Ports that start or stop listening inside a running sandbox are published as
// sandbox.listening events (the agent is asked once a second), so clients can offer them.
#pragma once

#include "engine/EventBus.h"
#include "engine/SandboxManager.h"
#include "http/RawConnection.h"
#include "http/RouteTable.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sandbench::engine {

// Why a port cannot be exposed (the SDK's words), or empty: 1024-65535, not 3000.
std::string portProblem(long long port);
// Why a custom token cannot be used, or empty: 1-16 characters of [a-z0-9_].
std::string tokenProblem(std::string_view token);

// The parts of a preview host "{port}-{sandboxId}-{token}.localhost[:p]" (the sandbox id
// may hold hyphens; the token is what follows the last one); nullopt for any other host.
struct PreviewHost {
    unsigned port = 0;
    std::string sandboxId;
    std::string token;
};
std::optional<PreviewHost> parsePreviewHost(std::string_view host);

// The socket an agent handed over for a preview, as a connection: only a connected TCP
// socket is taken (the agent is inside the sandbox; what it passes is checked, never
// trusted), and closing it never lingers. Anything else is closed: nullptr.
std::unique_ptr<http::RawConnection> serviceConnection(asio::io_context &io, int descriptor);

class PreviewService;

// An open preview connection, registered while it lasts: unexposing its port or rotating
// the port's token closes it at once (a browser's kept-alive connection included).
class OpenPreview {
public:
    OpenPreview(PreviewService &service, std::string sandboxId, unsigned port, std::string token,
                std::function<void()> close);
    ~OpenPreview();
    bool revoked() const { return revoked_; } // closed by an unexpose or a rotation
    OpenPreview(const OpenPreview &) = delete;
    OpenPreview &operator=(const OpenPreview &) = delete;

private:
    friend class PreviewService;
    PreviewService &service_;
    std::string sandboxId_;
    unsigned port_;
    std::string token_;
    std::function<void()> close_;
    bool revoked_ = false;
};

class PreviewService {
public:
    PreviewService(SandboxManager &sandboxes, EventBus &events, std::function<std::uint16_t()> enginePort);

    void addRoutes(http::RouteTable &table);
    // Starts the once-a-second look at every running sandbox's listening ports.
    void followListeningPorts();

    // The sandbox a preview host opens, when its token is the port's current one (compared
    // in constant time); nullptr otherwise, with no hint which part was wrong.
    std::shared_ptr<Sandbox> authorize(const PreviewHost &host) const;
    std::string urlOf(const Sandbox &sandbox, unsigned port) const;
    // Why another preview connection cannot open now (too many open for the sandbox or
    // the engine), or empty.
    std::string capacityProblem(const std::string &sandboxId) const;
    static constexpr std::size_t kPreviewsPerSandbox = 256;

private:
    friend class OpenPreview;
    // Closes the sandbox's open previews of port that its current token (if any) no longer opens.
    void closeRevokedPreviews(const Sandbox &sandbox, unsigned port);
    Json expose(Sandbox &sandbox, const Json &body);
    Json list(const Sandbox &sandbox, const std::vector<unsigned> &listening) const;
    void unexpose(Sandbox &sandbox, unsigned port);
    void publishPorts(const Sandbox &sandbox);
    // The TCP ports listening inside the sandbox, from its agent; nullopt when it does not answer.
    asio::awaitable<std::optional<std::vector<unsigned>>> askListeningPorts(std::shared_ptr<Sandbox> sandbox);
    asio::awaitable<void> updateListeningPorts(std::shared_ptr<Sandbox> sandbox);
    void setListeningPorts(Sandbox &sandbox, std::vector<unsigned> ports);

    SandboxManager &sandboxes_;
    EventBus &events_;
    std::function<std::uint16_t()> enginePort_;
    std::set<OpenPreview *> openPreviews_;
};

} // namespace sandbench::engine
