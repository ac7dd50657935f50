#include "engine/Engine.h"

#include "engine/AgentLink.h"
#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/Locations.h"

#include <charconv>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace sandbench::engine {

using protocol::ApiError;
namespace bhttp = http::bhttp;
using namespace boost::asio::experimental::awaitable_operators;
using http::replySuccess;

namespace {

std::string agentBesideExecutable()
{
    const std::string agent = system::besideExecutable("sandbench-agent");
    return agent.empty() ? "sandbench-agent" : agent;
}

std::string runnersBesideExecutable()
{
    std::error_code error;
    const std::string runners = system::besideExecutable("../share/sandbench/runners");
    return std::filesystem::is_directory(runners, error) ? runners : std::string();
}

// Host header: loopback names only (DNS-rebinding defence), parsed strictly.
bool isLoopbackHost(std::string_view host)
{
    const auto parsed = http::parseHostHeader(host);
    return parsed && (parsed->name == "127.0.0.1" || parsed->name == "localhost" || parsed->name == "::1");
}

// An Origin header other than the engine's own pages' (http:// and the request's own loopback
// Host): another site in the user's browser, or a sandbox's preview page. Such a request may
// use no credential but the token: a ticket, a terminal key or a public route could
// otherwise be driven from there, which the Host check alone does not see.
bool foreignOrigin(std::string_view origin, std::string_view host)
{
    if (origin.empty())
        return false; // not a browser's request
    constexpr std::string_view scheme = "http://";
    const auto from = origin.starts_with(scheme) ? http::parseHostHeader(origin.substr(scheme.size())) : std::nullopt;
    const auto to = http::parseHostHeader(host);
    return !from || !to || from->name != to->name || from->port != to->port;
}

using system::secretsEqual;

// The credential after "Bearer " in the Authorization header, or empty.
std::string_view bearerOf(const bhttp::request_header<> &header)
{
    const auto auth = header[bhttp::field::authorization];
    return auth.starts_with("Bearer ") ? std::string_view(auth.substr(7)) : std::string_view();
}

// Builds {key: value}; GCC 12 rejects nested braced lists inside coroutines.
Json field(const char *key, Json value)
{
    Json object = Json::object();
    object[key] = std::move(value);
    return object;
}

// Counts a request as activity for its whole length: a long stream keeps the sandbox awake.
struct ActivityScope {
    Sandbox &sandbox;
    explicit ActivityScope(Sandbox &s) : sandbox(s) { ++sandbox.activeRequests; touch(); }
    ~ActivityScope() { --sandbox.activeRequests; touch(); }
    void touch() { sandbox.lastActivity = std::chrono::steady_clock::now(); }
};

// The answer to a preview host that no exposed port's token opens (as the SDK's proxy words it).
std::string previewRefusal()
{
    ApiError refusal("INVALID_TOKEN", "Access denied: Invalid token or port not exposed", Json::object(), {}, 404);
    Json body = refusal.envelope();
    body["error"] = refusal.what();
    return http::plainHttpResponse(404, "application/json", body.dump());
}

// A small page for a browser: the port does not answer yet (502), or the sandbox cannot
// start (503). It reloads itself every 2 s, so it turns into the app once it listens.
std::string previewUnavailable(unsigned status, const std::string &sandboxId, unsigned port, const std::string &why)
{
    auto escape = [](std::string text) {
        std::string escaped;
        for (const char c : text)
            escaped += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
        return escaped;
    };
    const std::string title = status == 502 ? "Port " + std::to_string(port) + " is not listening yet"
                                            : "Sandbox " + sandboxId + " is not running";
    const std::string detail = status == 502 ? "Nothing listens on port " + std::to_string(port) + " in sandbox " +
                                                   sandboxId + ". This page reloads by itself every 2 seconds."
                                             : why;
    const std::string page = "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
                             "content=\"2\"><title>" + escape(title) + "</title></head><body style=\"font-family:"
                             "sans-serif;margin:3em\"><h1>" + escape(title) + "</h1><p>" + escape(detail) +
                             "</p></body></html>\n";
    return http::plainHttpResponse(status, "text/html; charset=utf-8", page);
}

Json sandboxReply(const Sandbox &sandbox)
{
    return {{"sandbox", sandbox.publicView()}};
}

// "?query" without one parameter (the ticket goes no further than the engine); empty when nothing is left.
std::string queryWithout(std::string_view query, std::string_view name)
{
    std::string kept;
    for (std::size_t start = 0; start <= query.size();) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos)
            end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        if (!pair.empty() && pair.substr(0, pair.find('=')) != name)
            kept += (kept.empty() ? "?" : "&") + std::string(pair);
        start = end + 1;
    }
    return kept;
}

// A stopped or unknown sandbox starts on demand, as the SDK expects, unless the client says
// "X-Sandbench-Autostart: no" (the GUI does, so a Stop sticks while its panes are open).
bool autostartOf(const http::Request &request)
{
    return request["X-Sandbench-Autostart"] != "no";
}

} // namespace


namespace {

EngineOptions withDefaults(EngineOptions options)
{
    if (options.stateDir.empty())
        options.stateDir = system::defaultStateDir();
    options.stateDir = std::filesystem::absolute(options.stateDir).lexically_normal().string();
    if (options.runtimeDir.empty())
        options.runtimeDir = system::defaultRuntimeDir();
    if (options.agentBinary.empty())
        options.agentBinary = agentBesideExecutable();
    if (options.runnersDir.empty())
        options.runnersDir = runnersBesideExecutable();
    return options;
}

ManagerOptions managerOptions(const EngineOptions &options)
{
    return {options.stateDir, options.agentBinary, options.runnersDir, options.uidClaimsDir, options.diskImages};
}

} // namespace

Engine::Engine(asio::io_context &io, EngineOptions options)
    : io_(io), options_(withDefaults(std::move(options))), events_(io.get_executor()),
      sandboxes_(io, managerOptions(options_), events_),
      previews_(sandboxes_, events_, [this] { return enginePort(); }),
      mounts_(sandboxes_, events_, [this] { return enginePort(); }), backups_(sandboxes_, events_), acceptor_(io)
{
    addRoutes();
}

Engine::~Engine()
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

std::uint16_t Engine::enginePort() const
{
    return acceptor_.local_endpoint().port();
}

std::string Engine::url() const
{
    const auto endpoint = acceptor_.local_endpoint();
    return "http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void Engine::start()
{
    if (access(options_.agentBinary.c_str(), X_OK) != 0)
        throw std::runtime_error("agent binary not found or not executable: " + options_.agentBinary);
    try {
        sandboxes_.lockStateDir();
    } catch (const std::runtime_error &error) {
        throw std::runtime_error(std::string(error.what()) + " (see " + engineFile() + ")");
    }
    const auto colon = options_.listen.rfind(':');
    if (colon == std::string::npos)
        throw std::runtime_error("--listen must be HOST:PORT, got " + options_.listen);
    boost::system::error_code error;
    const auto address = asio::ip::make_address(options_.listen.substr(0, colon), error);
    if (error || !address.is_loopback())
        throw std::runtime_error("--listen must be a loopback address, got " + options_.listen);
    const auto port = static_cast<unsigned short>(std::stoi(options_.listen.substr(colon + 1)));
    asio::ip::tcp::endpoint endpoint(address, port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint, error);
    if (error)
        throw std::runtime_error("bind " + options_.listen + ": " + error.message());
    acceptor_.listen();

    // Every client connection and sandbox costs descriptors: use all we are allowed.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    token_ = system::randomSecret("the engine token");
    sandboxes_.start(enginePort());
    previews_.followListeningPorts();

    http::serve(acceptor_, [this](http::Request &request, http::Responder &responder) {
        return route(request, responder);
    }, serverOptions());

    system::makeDirectories(options_.runtimeDir, 0700);
    const Json engineInfo = {{"url", url()}, {"token", token_}, {"pid", getpid()}, {"stateDir", options_.stateDir}};
    system::writeFileAtomic(engineFile(), engineInfo.dump() + "\n", 0600);
}

http::ServerOptions Engine::serverOptions()
{
    http::ServerOptions options;
    options.bodyLimit = options_.bodyLimit;
    // A local user without the token must not starve the engine: idle connections are
    // capped (the longest-waiting goes), a new one has 10 s for its first request, and
    // at most 4 large JSON bodies are held at once (4 x 64 MiB).
    options.maxIdleConnections = 256;
    options.firstRequestTimeout = std::chrono::seconds(10);
    options.maxLargeBodies = 4;
    options.authorize = [this](const bhttp::request_header<> &header) { authorize(header); };
    // Preview hosts ({port}-{id}-{token}.localhost) never reach the API: their connection
    // is relayed into the sandbox, and only the port's token lets it through.
    options.claimsTunnel = [](const bhttp::request_header<> &header) {
        return parsePreviewHost(header[bhttp::field::host]).has_value();
    };
    options.tunnel = [this](bhttp::request_header<> header, std::unique_ptr<http::RawConnection> client) {
        return preview(std::move(header), std::move(client));
    };
    // Uploads to /v1/sandboxes/{id}/files stream through; everything else is read whole...
    options.streamsBody = [](const bhttp::request_header<> &header) {
        if (header.method() != bhttp::verb::put)
            return false;
        const std::string_view target = header.target();
        const auto parts = http::splitPath(target.substr(0, target.find('?')));
        if (parts.size() < 4 || parts[0] != "v1" || parts[1] != "sandboxes")
            return false;
        // ... and backup archives brought in (PUT /v1/sandboxes/{id}/backups/{b}/archive).
        return (parts.size() == 4 && parts[3] == "files") ||
               (parts.size() == 6 && parts[3] == "backups" && parts[5] == "archive");
    };
    return options;
}

void Engine::shutdown(bool stopSandboxes)
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    // engine.json only describes a running engine.
    if (const auto text = system::readWholeFile(engineFile())) {
        const Json info = Json::parse(*text, nullptr, false);
        if (info.is_object() && info.value("token", "") == token_)
            unlink(engineFile().c_str());
    }
    sandboxes_.shutdown(stopSandboxes);
}

void Engine::authorize(const bhttp::request_header<> &header)
{
    if (!isLoopbackHost(header[bhttp::field::host]))
        throw ApiError("FORBIDDEN_HOST", "Requests must address the engine by a loopback host name");
    if (carriesToken(header))
        return;
    if (foreignOrigin(header[bhttp::field::origin], header[bhttp::field::host]))
        throw ApiError("FORBIDDEN_ORIGIN", "Only the engine's own pages may call it without the token");
    const std::string_view target = header.target();
    const auto question = target.find('?');
    std::vector<std::string> params;
    const http::Route *route = routes_.find(header.method(), target.substr(0, question), params);
    if (!route || route->access == http::Access::Token)
        throw ApiError("UNAUTHORIZED", "Missing or wrong bearer token (see engine.json)");
    // Without the token a body is small (a page code at most): anyone may send one, and a
    // large one would hold a large-body slot, or the engine's thread while it is parsed.
    constexpr std::uint64_t kPublicBody = 4096;
    const auto length = header[bhttp::field::content_length];
    std::uint64_t declared = 0;
    const bool readable = std::from_chars(length.data(), length.data() + length.size(), declared).ec == std::errc();
    if (header.count(bhttp::field::transfer_encoding) > 0 || (!length.empty() && (!readable || declared > kPublicBody)))
        throw ApiError("PAYLOAD_TOO_LARGE", "Without the token a request body is at most 4 KiB");
    if (route->access == http::Access::Public)
        return; // the Host check above still applies
    // A route that takes a ticket: ?ticket= stands in for the token, once.
    if (route->access == http::Access::TokenOrTicket && question != std::string_view::npos) {
        const std::string ticket = http::percentDecode(http::queryValue(target.substr(question + 1), "ticket"));
        if (!ticket.empty() && !params.empty() && browsers_.redeemTicket(ticket, params[0]))
            return;
    }
    // The ticket route: a browser's terminal key for the sandbox stands in for the token.
    if (route->access == http::Access::TokenOrKey && !bearerOf(header).empty() && !params.empty() &&
        browsers_.keyOpens(bearerOf(header), params[0]))
        return;
    throw ApiError("UNAUTHORIZED", "Missing or wrong bearer token (see engine.json)");
}

bool Engine::carriesToken(const bhttp::request_header<> &header) const
{
    const std::string_view bearer = bearerOf(header);
    return !bearer.empty() && secretsEqual(bearer, token_);
}

std::shared_ptr<Sandbox> Engine::sandboxFor(const http::RouteRequest &call)
{
    return autostartOf(call.request) ? sandboxes_.getOrCreate(call.params[0], Json::object())
                                     : sandboxes_.require(call.params[0]);
}

void Engine::addRoutes()
{
    using bhttp::verb;
    auto &table = routes_;
    table.add(verb::get, "/v1/health", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, sandboxes_.health());
    });
    table.add(verb::get, "/v1/events", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        // Starts with every sandbox's status, so a new client needs no separate list call.
        std::vector<Json> snapshot;
        for (const auto &[id, sandbox] : sandboxes_.all())
            snapshot.push_back(SandboxManager::statusEvent(*sandbox));
        co_await events_.stream(call.responder, std::move(snapshot));
    });
    table.add(verb::get, "/v1/sandboxes", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json list = Json::array();
        for (const auto &[id, sandbox] : sandboxes_.all())
            list.push_back(sandbox->publicView());
        co_await replySuccess(call.responder, field("sandboxes", list));
    });

    // One sandbox: get-or-create and start (PUT), view, change options, destroy.
    table.add(verb::put, "/v1/sandboxes/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.getOrCreate(call.params[0], protocol::parseBody(call.request.body()));
        co_await sandboxes_.ensureRunning(sandbox);
        co_await replySuccess(call.responder, sandboxReply(*sandbox));
    });
    table.add(verb::get, "/v1/sandboxes/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, sandboxReply(*sandboxes_.require(call.params[0])));
    });
    table.add(verb::patch, "/v1/sandboxes/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        co_await sandboxes_.changeOptions(sandbox, protocol::parseBody(call.request.body()));
        co_await replySuccess(call.responder, sandboxReply(*sandbox));
    });
    table.add(verb::delete_, "/v1/sandboxes/{id}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string id = call.params[0];
        co_await sandboxes_.destroy(sandboxes_.require(id));
        browsers_.forget(id);
        co_await replySuccess(call.responder, field("id", id));
    });
    table.add(verb::post, "/v1/sandboxes/{id}/start", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        co_await sandboxes_.ensureRunning(sandbox);
        co_await replySuccess(call.responder, sandboxReply(*sandbox));
    });
    table.add(verb::post, "/v1/sandboxes/{id}/stop", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        co_await sandboxes_.stop(sandbox, "");
        co_await replySuccess(call.responder, sandboxReply(*sandbox));
    });

    // Raw file transfers: GET streams a file out, PUT streams a body in (atomically).
    for (const verb method : {verb::get, verb::put}) {
        table.add(method, "/v1/sandboxes/{id}/files", [this](http::RouteRequest &call) -> asio::awaitable<void> {
            if (http::percentDecode(http::queryValue(call.query, "path")).empty())
                throw ApiError("VALIDATION_FAILED", "The path query parameter is required: ?path=/workspace/file");
            const bool autostart = autostartOf(call.request);
            auto sandbox = sandboxFor(call);
            const std::string agentTarget = "/internal/files?" + call.query;
            if (call.request.method() == verb::get)
                co_return co_await forward(sandbox, call.request, call.responder, agentTarget, autostart);
            co_await upload(sandbox, call.request, call.responder, agentTarget, autostart);
        });
    }

    // The container protocol, forwarded to the sandbox's agent whatever the verb (the
    // agent answers what it does not know).
    for (const verb method : {verb::get, verb::post, verb::put, verb::delete_, verb::patch, verb::options, verb::head}) {
        table.add(method, "/v1/sandboxes/{id}/api/{rest...}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
            const bool autostart = autostartOf(call.request);
            auto sandbox = sandboxFor(call);
            std::string agentTarget = "/api/" + call.params[1];
            if (const auto question = std::string_view(call.request.target()).find('?'); question != std::string::npos)
                agentTarget += std::string(call.request.target().substr(question));
            co_await forward(sandbox, call.request, call.responder, agentTarget, autostart);
        });
    }
    // Terminals (/ws/pty): the WebSocket is relayed to the agent frame by frame. A browser
    // authenticates with a ticket instead of the token.
    table.add(verb::get, "/v1/sandboxes/{id}/ws/{rest...}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const bool autostart = autostartOf(call.request);
        // A ticket opens a terminal on a sandbox that exists (one destroyed since the ticket
        // was issued stays gone); only the token may create one.
        // Nor does it start a stopped one: a browser tab reconnecting by itself would undo a
        // Stop (the GUI's, or the disk watch's).
        const bool byToken = carriesToken(call.request);
        auto sandbox = byToken ? sandboxFor(call) : sandboxes_.require(call.params[0]);
        const ActivityScope activity(*sandbox); // an open terminal keeps its sandbox awake
        co_await ensureRunning(sandbox, autostart && byToken);
        const std::string agentTarget = "/ws/" + call.params[1] + queryWithout(call.query, "ticket");
        co_await relayWebSocketToAgent(sandboxes_.agentSocket(*sandbox), call.request, call.responder, agentTarget);
    }, http::Access::TokenOrTicket);
    previews_.addRoutes(table);
    mounts_.addRoutes(table);
    backups_.addRoutes(table);
    terminalPage_.addRoutes(table);
    // Browsers (BrowserAccess.h): a page code for a token holder to hand to a browser, the
    // code traded for a terminal key (no credential: the code is one), and tickets.
    table.add(verb::post, "/v1/sandboxes/{id}/terminal/code", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string id = sandboxes_.require(call.params[0])->id;
        Json reply = {{"code", browsers_.issueCode(id)}, {"expiresInSeconds", BrowserAccess::kCodeSeconds}};
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::post, "/v1/sandboxes/{id}/terminal/key", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        const auto code = body.find("code");
        if (code == body.end() || !code->is_string())
            throw ApiError("VALIDATION_FAILED", "code must be a string");
        const auto key = browsers_.redeemCode(code->get<std::string>(), call.params[0]);
        if (!key)
            throw ApiError("UNAUTHORIZED", "This page code is spent, expired or for another sandbox: "
                                           "run `sandbenchctl terminal` again for a new address");
        Json reply = {{"key", *key}};
        co_await replySuccess(call.responder, std::move(reply));
    }, http::Access::Public);
    table.add(verb::post, "/v1/sandboxes/{id}/ws/ticket", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string id = sandboxes_.require(call.params[0])->id;
        Json reply = {{"ticket", browsers_.issueTicket(id)}, {"expiresInSeconds", BrowserAccess::kTicketSeconds}};
        co_await replySuccess(call.responder, std::move(reply));
    }, http::Access::TokenOrKey);
}

asio::awaitable<void> Engine::route(http::Request &request, http::Responder &responder)
{
    // The server has called authorize() on the header (serverOptions): no route runs without it.
    const std::string target(request.target());
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    http::RouteRequest call{request, responder, {}, question == std::string::npos ? "" : target.substr(question + 1)};
    if (const http::Route *route = routes_.find(request.method(), path, call.params))
        co_return co_await route->handler(call);
    if (routes_.knowsPath(path))
        throw ApiError("METHOD_NOT_ALLOWED", "Method " + std::string(request.method_string()) + " not allowed on " + path);
    throw ApiError("UNKNOWN_ERROR", "The requested endpoint was not found", {}, {}, 404);
}

asio::awaitable<void> Engine::preview(bhttp::request_header<> header, std::unique_ptr<http::RawConnection> client)
{
    const auto host = parsePreviewHost(header[bhttp::field::host]);
    auto sandbox = host ? previews_.authorize(*host) : nullptr;
    if (!sandbox) {
        // Wrong, revoked or rotated token, unknown port or sandbox: one answer for all.
        co_await client->writeAll(asio::buffer(previewRefusal()));
        co_return client->close();
    }
    // Each open preview holds descriptors (client, agent, two pipes): a ceiling per sandbox
    // and for the engine keeps a flood of them from starving the API and state writes.
    if (const std::string full = previews_.capacityProblem(sandbox->id); !full.empty()) {
        co_await client->writeAll(asio::buffer(previewUnavailable(503, sandbox->id, host->port, full)));
        co_return client->close();
    }
    // Registered from here on, so an unexpose or rotation while the sandbox starts counts.
    std::unique_ptr<http::RawConnection> service;
    std::function<void()> closeAll = [&client, &service] {
        client->close();
        if (service)
            service->close();
    };
    const OpenPreview registered(previews_, sandbox->id, host->port, host->token, std::move(closeAll));
    const ActivityScope activity(*sandbox); // an open preview keeps its sandbox awake
    std::string failure;
    if (!sandbox->options.previewAutostart && sandbox->status != "running") {
        failure = "Sandbox " + sandbox->id + " is " + sandbox->status + ", and its previews do not start it "
                  "(previewAutostart is off). This page reloads by itself once it runs.";
    } else {
        try {
            co_await sandboxes_.ensureRunning(sandbox); // a stopped sandbox starts, as the SDK's does
        } catch (const std::exception &error) {
            failure = error.what();
        }
    }
    if (registered.revoked())
        co_return; // closed while the sandbox started
    if (!failure.empty()) {
        co_await client->writeAll(asio::buffer(previewUnavailable(503, sandbox->id, host->port, failure)));
        co_return client->close();
    }
    // The agent connects to the port inside the sandbox and hands the socket over: 200 with
    // the socket, or 502 when nothing listens; at most 15 s (its connect attempts take up to 10).
    const HandedSocket handed = co_await socketFromAgent(sandboxes_.agentSocket(*sandbox),
                                                         "/internal/tunnel?port=" + std::to_string(host->port),
                                                         std::chrono::seconds(15));
    service = serviceConnection(io_, handed.descriptor); // nullptr unless it is a TCP socket
    if (registered.revoked())
        co_return;
    if (!handed.head.starts_with("HTTP/1.1 200") || !service) {
        co_await client->writeAll(asio::buffer(previewUnavailable(502, sandbox->id, host->port, {})));
        co_return client->close();
    }
    // The client's request as it came (its Host the preview host), then both ways.
    const std::string first = client->header + client->buffered;
    asio::steady_timer stall(io_, std::chrono::seconds(60)); // a service that never reads
    const auto written = co_await (service->writeAll(asio::buffer(first)) || stall.async_wait(asio::use_awaitable));
    if (written.index() != 0 || !std::get<0>(written))
        co_return client->close();
    if (registered.revoked())
        co_return;
    // Quiet for an hour, or for a minute once one side has ended (a client gone while the
    // service stays silent), the relay ends.
    http::SpliceLimits limits;
    limits.idle = std::chrono::hours(1);
    limits.halfClosedIdle = std::chrono::seconds(60);
    co_await http::splice(*client, *service, limits);
}

asio::awaitable<void> Engine::ensureRunning(std::shared_ptr<Sandbox> sandbox, bool autostart)
{
    if (autostart)
        co_return co_await sandboxes_.ensureRunning(sandbox);
    if (sandbox->status != "running")
        throw ApiError("SANDBOX_NOT_RUNNING", "Sandbox '" + sandbox->id + "' is " + sandbox->status + "; start it first",
                       {{"sandboxId", sandbox->id}, {"status", sandbox->status}});
}

asio::awaitable<void> Engine::forward(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                      http::Responder &responder, std::string agentTarget, bool autostart)
{
    const ActivityScope activity(*sandbox);

    const std::string socketPath = sandboxes_.agentSocket(*sandbox);
    request.target(agentTarget);
    for (int attempt = 0;; ++attempt) {
        co_await ensureRunning(sandbox, autostart);
        try {
            co_return co_await sandboxes_.unlessAgentStops(sandbox, forwardToAgent(socketPath, request, responder));
        } catch (const AgentUnavailable &failure) {
            // Stopped or destroyed while this request was on its way: that is not a failure.
            if (sandbox->status != "running" || !sandboxes_.isCurrent(sandbox))
                throw ApiError("SANDBOX_NOT_RUNNING", "Sandbox '" + sandbox->id + "' was stopped during the request",
                               {{"sandboxId", sandbox->id}});
            if (responder.started() || attempt > 0)
                throw ApiError("INTERNAL_ERROR", "Sandbox '" + sandbox->id + "' agent unavailable: " + failure.what(),
                               {{"sandboxId", sandbox->id}});
            // The agent died under us: mark it, clean up, and start afresh once.
            sandboxes_.markAgentFailed(*sandbox, std::string("agent unavailable: ") + failure.what());
        }
    }
}

asio::awaitable<void> Engine::upload(std::shared_ptr<Sandbox> sandbox, http::Request &request,
                                     http::Responder &responder, std::string agentTarget, bool autostart)
{
    const ActivityScope activity(*sandbox);
    co_await ensureRunning(sandbox, autostart);
    request.target(agentTarget);
    // No retry: the body is consumed as it is forwarded.
    co_await sandboxes_.unlessAgentStops(
        sandbox, forwardUploadToAgent(sandboxes_.agentSocket(*sandbox), request, responder));
}

} // namespace sandbench::engine
