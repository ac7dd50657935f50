#include "engine/PreviewService.h"

#include "engine/AgentLink.h"
#include "protocol/Protocol.h"
#include "system/Identifiers.h"
#include "system/Background.h"

#include <boost/asio/co_spawn.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

namespace sandbench::engine {

using protocol::ApiError;
using http::bhttp::verb;

namespace {

constexpr std::size_t kNameLimit = 64;
constexpr std::size_t kListedPorts = 256; // listening ports reported per sandbox

bool isTokenCharacter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// 16 characters of [a-z0-9_] from 12 random bytes (96 bits), as the SDK makes them.
std::string newToken()
{
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
    unsigned char bytes[16];
    system::randomBytes(bytes, sizeof bytes, "a preview token");
    std::string token;
    for (unsigned char byte : bytes)
        token += alphabet[byte % alphabet.size()];
    return token;
}

unsigned portParameter(const std::string &text)
{
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        throw ApiError("INVALID_PORT", "Invalid port number: " + text + ". Must be 1024-65535, excluding 3000 "
                                                                        "(sandbox control plane).", {}, {}, 400);
    const long long port = std::stoll(text);
    if (const std::string problem = portProblem(port); !problem.empty())
        throw ApiError("INVALID_PORT", problem, {{"port", port}}, {}, 400);
    return static_cast<unsigned>(port);
}

Json portsEvent(const Sandbox &sandbox)
{
    Json ports = Json::array();
    for (const auto &[port, exposed] : sandbox.exposedPorts)
        ports.push_back({{"port", port}, {"name", exposed.name}});
    return {{"type", "sandbox.ports"}, {"id", sandbox.id}, {"ports", std::move(ports)}, {"timestamp", protocol::nowIso()}};
}

Json portList(const std::vector<unsigned> &ports)
{
    Json list = Json::array();
    for (const unsigned port : ports)
        list.push_back(port);
    return list;
}

// Those of `ports` that are not in `others` (both sorted).
std::vector<unsigned> portsNotIn(const std::vector<unsigned> &ports, const std::vector<unsigned> &others)
{
    std::vector<unsigned> result;
    std::set_difference(ports.begin(), ports.end(), others.begin(), others.end(), std::back_inserter(result));
    return result;
}

} // namespace

std::string portProblem(long long port)
{
    if (port >= 1024 && port <= 65535 && port != 3000)
        return {};
    return "Invalid port number: " + std::to_string(port) +
           ". Must be 1024-65535, excluding 3000 (sandbox control plane).";
}

std::string tokenProblem(std::string_view token)
{
    if (token.empty() || token.size() > 16 || !std::all_of(token.begin(), token.end(), isTokenCharacter))
        return "Invalid token: use 1 to 16 characters of a-z, 0-9 and _";
    return {};
}

std::optional<PreviewHost> parsePreviewHost(std::string_view host)
{
    // Parsed here, not by http::parseHostHeader: tokens may hold '_', which host names may not.
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = host.substr(colon + 1);
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        host = host.substr(0, colon);
    }
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!name.ends_with(".localhost") || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-.") != std::string::npos)
        return std::nullopt;
    const std::string label = name.substr(0, name.size() - std::string_view(".localhost").size());
    if (label.find('.') != std::string::npos)
        return std::nullopt;
    const auto firstHyphen = label.find('-');
    const auto lastHyphen = label.rfind('-');
    if (firstHyphen == std::string::npos || lastHyphen <= firstHyphen + 1)
        return std::nullopt;
    PreviewHost preview;
    const std::string port = label.substr(0, firstHyphen);
    if (port.size() < 4 || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    preview.port = static_cast<unsigned>(std::stoul(port));
    preview.sandboxId = label.substr(firstHyphen + 1, lastHyphen - firstHyphen - 1);
    preview.token = label.substr(lastHyphen + 1);
    if (!portProblem(preview.port).empty() || !isValidSandboxId(preview.sandboxId) || !tokenProblem(preview.token).empty())
        return std::nullopt;
    return preview;
}

OpenPreview::OpenPreview(PreviewService &service, std::string sandboxId, unsigned port, std::string token,
                         std::function<void()> close)
    : service_(service), sandboxId_(std::move(sandboxId)), port_(port), token_(std::move(token)), close_(std::move(close))
{
    service_.openPreviews_.insert(this);
}

OpenPreview::~OpenPreview()
{
    service_.openPreviews_.erase(this);
}

void PreviewService::closeRevokedPreviews(const Sandbox &sandbox, unsigned port)
{
    const auto exposed = sandbox.exposedPorts.find(port);
    std::vector<OpenPreview *> revoked;
    for (OpenPreview *open : openPreviews_)
        if (open->sandboxId_ == sandbox.id && open->port_ == port &&
            (exposed == sandbox.exposedPorts.end() || exposed->second.token != open->token_))
            revoked.push_back(open);
    for (OpenPreview *open : revoked) {
        open->revoked_ = true;
        open->close_(); // its relay ends, and the OpenPreview with it
    }
}

PreviewService::PreviewService(SandboxManager &sandboxes, EventBus &events, std::function<std::uint16_t()> enginePort)
    : sandboxes_(sandboxes), events_(events), enginePort_(std::move(enginePort))
{
}

std::string PreviewService::urlOf(const Sandbox &sandbox, unsigned port) const
{
    return "http://" + std::to_string(port) + "-" + sandbox.id + "-" + sandbox.exposedPorts.at(port).token +
           ".localhost:" + std::to_string(enginePort_()) + "/";
}

std::string PreviewService::capacityProblem(const std::string &sandboxId) const
{
    // About six descriptors each; the engine keeps a quarter of its limit for everything else.
    static const std::size_t engineLimit = [] {
        rlimit files{};
        const std::size_t descriptors = getrlimit(RLIMIT_NOFILE, &files) == 0 ? files.rlim_cur : 1024;
        return std::max<std::size_t>(16, descriptors * 3 / 4 / 6);
    }();
    const auto sameSandbox = std::count_if(openPreviews_.begin(), openPreviews_.end(),
                                           [&](const OpenPreview *open) { return open->sandboxId_ == sandboxId; });
    if (static_cast<std::size_t>(sameSandbox) >= kPreviewsPerSandbox)
        return "Sandbox " + sandboxId + " has " + std::to_string(kPreviewsPerSandbox) +
               " preview connections open, as many as it may. Close some and reload.";
    if (openPreviews_.size() >= engineLimit)
        return "The engine has " + std::to_string(openPreviews_.size()) +
               " preview connections open, as many as its file descriptors allow. Close some and reload.";
    return {};
}

std::shared_ptr<Sandbox> PreviewService::authorize(const PreviewHost &host) const
{
    const auto it = sandboxes_.all().find(host.sandboxId);
    if (it == sandboxes_.all().end())
        return nullptr;
    const auto exposed = it->second->exposedPorts.find(host.port);
    if (exposed == it->second->exposedPorts.end() || !system::secretsEqual(host.token, exposed->second.token))
        return nullptr;
    return it->second;
}

Json PreviewService::expose(Sandbox &sandbox, const Json &body)
{
    if (!body.contains("port") || !body["port"].is_number_integer())
        throw ApiError("INVALID_PORT", "port is required: a whole number from 1024 to 65535, not 3000", {}, {}, 400);
    const long long port = body["port"].get<long long>();
    if (const std::string problem = portProblem(port); !problem.empty())
        throw ApiError("INVALID_PORT", problem, {{"port", port}}, {}, 400);
    for (const auto &[path, mount] : sandbox.mounts)
        if (mount.relayPort == port && mount.state != "unmounted")
            throw ApiError("PORT_IN_USE", "Port " + std::to_string(port) + " is the engine's relay for the bucket "
                                          "mounted at " + path + ", not a service of the sandbox",
                           {{"port", port}}, {}, 409);
    std::optional<std::string> token, name;
    if (body.contains("token") && !body["token"].is_null()) {
        if (!body["token"].is_string() || !tokenProblem(body["token"].get<std::string>()).empty())
            throw ApiError("INVALID_TOKEN", tokenProblem(body["token"].is_string() ? body["token"].get<std::string>() : ""),
                           {}, {}, 400);
        token = body["token"].get<std::string>();
        for (const auto &[other, exposed] : sandbox.exposedPorts)
            if (other != port && exposed.token == *token)
                throw ApiError("TOKEN_IN_USE", "Token '" + *token + "' is already in use by port " + std::to_string(other),
                               {{"port", other}}, {}, 409);
    }
    if (body.contains("name") && !body["name"].is_null()) {
        if (!body["name"].is_string() || body["name"].get<std::string>().size() > kNameLimit ||
            !protocol::isValidUtf8(body["name"].get<std::string>()))
            throw ApiError("VALIDATION_FAILED", "name must be text of at most 64 bytes", {}, {}, 400);
        name = body["name"].get<std::string>();
    }
    const auto before = sandbox.exposedPorts;
    auto &exposed = sandbox.exposedPorts[static_cast<unsigned>(port)];
    // Exposing again keeps the URL unless a token is given (which rotates it).
    if (token)
        exposed.token = *token;
    else if (exposed.token.empty())
        exposed.token = newToken();
    if (name)
        exposed.name = *name;
    if (exposed.exposedAt.empty())
        exposed.exposedAt = protocol::nowIso();
    try {
        sandboxes_.persist(sandbox);
    } catch (...) {
        sandbox.exposedPorts = before; // not on disk: not exposed
        throw;
    }
    closeRevokedPreviews(sandbox, static_cast<unsigned>(port)); // a rotated token
    publishPorts(sandbox);
    return {{"url", urlOf(sandbox, static_cast<unsigned>(port))}, {"port", port}, {"name", exposed.name}};
}

void PreviewService::unexpose(Sandbox &sandbox, unsigned port)
{
    const auto it = sandbox.exposedPorts.find(port);
    if (it == sandbox.exposedPorts.end())
        return; // revoking twice is no error
    const ExposedPort removed = it->second;
    sandbox.exposedPorts.erase(it);
    try {
        sandboxes_.persist(sandbox);
    } catch (...) {
        sandbox.exposedPorts[port] = removed;
        throw;
    }
    closeRevokedPreviews(sandbox, port);
    publishPorts(sandbox);
}

Json PreviewService::list(const Sandbox &sandbox, const std::vector<unsigned> &listening) const
{
    Json ports = Json::array();
    for (const auto &[port, exposed] : sandbox.exposedPorts) {
        Json entry = {{"port", port}, {"name", exposed.name}, {"url", urlOf(sandbox, port)},
                      {"exposedAt", exposed.exposedAt}};
        entry["listening"] = sandbox.status == "running"
                                 ? Json(std::find(listening.begin(), listening.end(), port) != listening.end())
                                 : Json(nullptr);
        ports.push_back(std::move(entry));
    }
    Json unexposed = Json::array();
    for (const unsigned port : listening)
        if (!sandbox.exposedPorts.contains(port) && portProblem(port).empty())
            unexposed.push_back(port);
    return {{"ports", std::move(ports)}, {"listeningNotExposed", std::move(unexposed)}};
}

void PreviewService::publishPorts(const Sandbox &sandbox)
{
    events_.publish(portsEvent(sandbox));
}

asio::awaitable<std::optional<std::vector<unsigned>>> PreviewService::askListeningPorts(std::shared_ptr<Sandbox> sandbox)
{
    // What listens inside the sandbox, from its agent (nothing is started for this).
    try {
        const auto [status, answer] =
            co_await callAgent(sandboxes_.agentSocket(*sandbox), verb::get, "/api/listening-ports", Json());
        if (status != 200)
            co_return std::nullopt;
        // Only ports that could be exposed, and at most kListedPorts of them: a sandbox that
        // listens on thousands must not make every event and listing that large.
        std::vector<unsigned> ports;
        for (const Json &entry : answer.value("ports", Json::array()))
            if (entry.contains("port") && entry["port"].is_number_unsigned() &&
                portProblem(entry["port"].get<long long>()).empty())
                ports.push_back(entry["port"].get<unsigned>());
        std::sort(ports.begin(), ports.end());
        if (ports.size() > kListedPorts)
            ports.resize(kListedPorts);
        co_return ports;
    } catch (const std::exception &) {
        co_return std::nullopt;
    }
}

void PreviewService::followListeningPorts()
{
    sandboxes_.everySecond([this] {
        for (const auto &[id, sandbox] : sandboxes_.all()) {
            if (sandbox->status != "running")
                setListeningPorts(*sandbox, {}); // a stopped sandbox listens on nothing
            else if (!sandbox->askingListeningPorts)
                asio::co_spawn(sandboxes_.io(), updateListeningPorts(sandbox), system::inBackground("listening ports"));
        }
    });
}

asio::awaitable<void> PreviewService::updateListeningPorts(std::shared_ptr<Sandbox> sandbox)
{
    sandbox->askingListeningPorts = true;
    struct Done {
        Sandbox &sandbox;
        explicit Done(Sandbox &s) : sandbox(s) {}
        ~Done() { sandbox.askingListeningPorts = false; }
    } done(*sandbox);
    auto ports = co_await askListeningPorts(sandbox);
    if (ports && sandbox->status == "running" && sandboxes_.isCurrent(sandbox))
        setListeningPorts(*sandbox, std::move(*ports));
}

void PreviewService::setListeningPorts(Sandbox &sandbox, std::vector<unsigned> ports)
{
    if (ports == sandbox.listeningPorts)
        return;
    Json event = {{"type", "sandbox.listening"}, {"id", sandbox.id}, {"ports", portList(ports)},
                  {"opened", portList(portsNotIn(ports, sandbox.listeningPorts))},
                  {"closed", portList(portsNotIn(sandbox.listeningPorts, ports))}, {"timestamp", protocol::nowIso()}};
    sandbox.listeningPorts = std::move(ports);
    events_.publish(std::move(event));
}

void PreviewService::addRoutes(http::RouteTable &table)
{
    table.add(verb::post, "/v1/sandboxes/{id}/ports", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        co_await http::replySuccess(call.responder, expose(*sandbox, protocol::parseBody(call.request.body())));
    });
    table.add(verb::get, "/v1/sandboxes/{id}/ports", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        std::vector<unsigned> listening;
        if (sandbox->status == "running") {
            // An agent that does not answer: the ports are listed without their state.
            if (auto asked = co_await askListeningPorts(sandbox))
                listening = std::move(*asked);
        }
        co_await http::replySuccess(call.responder, list(*sandbox, listening));
    });
    table.add(verb::delete_, "/v1/sandboxes/{id}/ports/{port}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        const unsigned port = portParameter(call.params[1]);
        unexpose(*sandbox, port);
        Json reply = {{"port", port}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
}

std::unique_ptr<http::RawConnection> serviceConnection(asio::io_context &io, int descriptor)
{
    if (descriptor < 0)
        return nullptr;
    int type = 0, domain = 0;
    socklen_t size = sizeof type;
    const bool stream = getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &size) == 0 && type == SOCK_STREAM;
    size = sizeof domain;
    const bool inet = getsockopt(descriptor, SOL_SOCKET, SO_DOMAIN, &domain, &size) == 0 &&
                      (domain == AF_INET || domain == AF_INET6);
    int accepting = 0;
    size = sizeof accepting;
    const bool listening = getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) != 0 || accepting;
    int protocol = 0; // SCTP sockets are inet streams too
    size = sizeof protocol;
    const bool tcp = getsockopt(descriptor, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) == 0 && protocol == IPPROTO_TCP;
    sockaddr_storage peer{};
    socklen_t peerSize = sizeof peer;
    const bool connected = getpeername(descriptor, reinterpret_cast<sockaddr *>(&peer), &peerSize) == 0;
    if (!stream || !inet || listening || !tcp || !connected) {
        ::close(descriptor);
        return nullptr;
    }
    // The agent chose its options: a linger would make close() block the engine's thread
    // for as long as it likes. Closing never waits.
    const linger noLinger{0, 0};
    setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
    asio::ip::tcp::socket socket(io);
    boost::system::error_code error;
    socket.assign(domain == AF_INET ? asio::ip::tcp::v4() : asio::ip::tcp::v6(), descriptor, error);
    if (error) {
        ::close(descriptor);
        return nullptr;
    }
    return http::rawConnection(std::move(socket));
}

} // namespace sandbench::engine
