#include "agent/AgentRouter.h"

#include "protocol/Protocol.h"

#include <cstdlib>

namespace sandbench::agent {

using protocol::ApiError;

namespace {

Json versionInfo()
{
    const char *version = std::getenv("SANDBOX_VERSION");
    return {{"version", version && *version ? version : SANDBENCH_VERSION}};
}

} // namespace

AgentRouter::AgentRouter(asio::any_io_executor executor, AgentConfig config,
                         std::function<void(const std::string &)> onEnd)
    : config_(std::move(config)), lifeline_(config_, std::move(onEnd)), sessions_(executor, config_), processes_(executor, config_, sessions_),
      files_(config_, sessions_), watches_(executor, config_), ptys_(executor, sessions_),
      interpreter_(executor, config_), ports_(executor, processes_),
      git_(sessions_), archives_(sessions_)
{
    using http::bhttp::verb;
    routes_.add(verb::get, "/", [](http::RouteRequest &call) -> asio::awaitable<void> {
        http::Response response{http::bhttp::status::ok, 11};
        response.set(http::bhttp::field::content_type, "text/plain; charset=utf-8");
        response.body() = "Sandbench agent " SANDBENCH_VERSION "\n";
        co_await call.responder.send(std::move(response));
    });
    routes_.add(verb::get, "/api/ping", [](http::RouteRequest &call) -> asio::awaitable<void> {
        Json pong = {{"status", "healthy"}, {"message", "pong"}}; // GCC 12: no braced list in co_await
        co_await replySuccess(call.responder, std::move(pong));
    });
    routes_.add(verb::get, "/api/version", [](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, versionInfo());
    });
    routes_.add(verb::get, "/api/commands", [](http::RouteRequest &) -> asio::awaitable<void> {
        throw ApiError("UNKNOWN_ERROR", "Invalid endpoint"); // as the reference answers
        co_return;
    });
    // Engine-only: sandbox-level settings changed by PATCH (not reachable through the engine's /api forwarding).
    routes_.add(verb::post, "/internal/settings", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        applySettings(config_, protocol::parseBody(call.request.body()));
        co_await replySuccess(call.responder, Json::object());
    });
    sessions_.addRoutes(routes_);
    processes_.addRoutes(routes_);
    files_.addRoutes(routes_);
    git_.addRoutes(routes_);
    archives_.addRoutes(routes_);
    watches_.addRoutes(routes_);
    ptys_.addRoutes(routes_);
    interpreter_.addRoutes(routes_);
    ports_.addRoutes(routes_);
}

asio::awaitable<void> AgentRouter::handle(http::Request &request, http::Responder &responder)
{
    const std::string target(request.target());
    const auto question = target.find('?');
    lifeline_.requestStarted();
    struct Ended {
        Lifeline &lifeline;
        ~Ended() { lifeline.requestEnded(); }
    } ended{lifeline_};
    http::RouteRequest call{request, responder, {}, question == std::string::npos ? "" : target.substr(question + 1)};
    const http::Route *route = routes_.find(request.method(), target.substr(0, question), call.params);
    if (route)
        co_return co_await route->handler(call); // failures become envelopes in core/http
    using http::bhttp::verb;
    const verb method = request.method();
    if (method != verb::get && method != verb::post && method != verb::put && method != verb::delete_ &&
        method != verb::options) {
        // What the reference's server answers to verbs it does not know.
        http::Response response{http::bhttp::status::internal_server_error, 11};
        response.set(http::bhttp::field::content_type, "text/plain");
        response.body() = "Internal Server Error";
        co_return co_await responder.send(std::move(response));
    }
    throw ApiError("UNKNOWN_ERROR", "The requested endpoint was not found", {}, {}, 404);
}

} // namespace sandbench::agent
