// Routing by table: each service adds its routes (verb, path pattern, handler, and an
// access policy the server checks), and a router finds the one a request names, instead
// of one growing chain of ifs. A pattern is a path whose "{name}" segments match any one
// segment; of several matches the one with the fewest such segments wins, so
// "/api/process/kill-all" is found before "/api/process/{id}" whatever the order of adding.
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

// Who may call a route. The agent's routes are reached only through its socket; the
// engine checks the bearer token on all but public ones.
enum class RouteAccess { token, open };

struct Route {
    bhttp::verb method;
    std::string pattern;
    RouteHandler handler;
    RouteAccess access = RouteAccess::token;
    std::vector<std::string> segments; // the pattern, split
    std::size_t wildcards = 0;
};

class RouteTable {
public:
    // Throws std::logic_error for a second pattern of the same shape and verb.
    void add(bhttp::verb method, std::string_view pattern, RouteHandler handler,
             RouteAccess access = RouteAccess::token);

    // The route for method and path (without the query), filling params; nullptr when none.
    const Route *find(bhttp::verb method, std::string_view path, std::vector<std::string> &params) const;
    // Whether some route has this path with another verb (405 rather than 404).
    bool knowsPath(std::string_view path) const;

    const std::vector<Route> &routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

} // namespace sandbench::http
