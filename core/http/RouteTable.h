// Routing by table: each service adds its routes (verb, path pattern, handler), and a
// router finds the one a request names, instead
// of one growing chain of ifs. A pattern is a path whose "{name}" segments match any one
// segment, and whose last segment may be "{name...}", matching the rest of the path (one
// segment or more, its parameter the rest joined by '/'). Of several matches the most
// specific wins (fewest "{name}", then no rest), so "/api/process/kill-all" is found
// before "/api/process/{id}" whatever the order of adding.
#pragma once

#include "http/HttpServer.h"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbench::http {

// What a handler gets: the request, where to answer, the {…} segments in order (as sent,
// not percent-decoded) and the query string (after '?', without it).
struct RouteRequest {
    Request &request;
    Responder &responder;
    std::vector<std::string> params;
    std::string query;
};

using RouteHandler = std::function<asio::awaitable<void>(RouteRequest &)>;

// Who may call a route; the engine checks it on the header, before any body is read
// (the agent, behind the engine, has no callers of its own).
enum class Access {
    Token,         // the engine's bearer token: every management route
    TokenOrTicket, // or a one-time ticket in ?ticket= (a browser cannot set a WebSocket's headers)
    TokenOrKey,    // or a browser's terminal key for the sandbox in {id} (engine/BrowserAccess.h)
    Public,        // no credential: static files that hold no secret (the terminal page)
};

// 200 with the protocol's success envelope around fields (both servers' usual answer).
asio::awaitable<void> replySuccess(Responder &responder, nlohmann::json fields);

struct Route {
    bhttp::verb method;
    std::string pattern;
    RouteHandler handler;
    Access access = Access::Token;
    std::vector<std::string> segments; // the pattern, split
    std::size_t wildcards = 0;
    bool matchesRest = false; // ends in "{name...}"
};

class RouteTable {
public:
    // Throws std::logic_error for a second pattern of the same shape and verb.
    void add(bhttp::verb method, std::string_view pattern, RouteHandler handler, Access access = Access::Token);

    // The route for method and path (without the query), filling params; nullptr when none.
    const Route *find(bhttp::verb method, std::string_view path, std::vector<std::string> &params) const;
    // Whether some route has this path with another verb (405 rather than 404).
    bool knowsPath(std::string_view path) const;

    const std::vector<Route> &routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

} // namespace sandbench::http
