#include "http/RouteTable.h"

#include "protocol/Protocol.h"

#include <stdexcept>

namespace sandbench::http {

namespace {

bool isWildcard(const std::string &segment)
{
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool isRest(const std::string &segment)
{
    return isWildcard(segment) && segment.size() > 5 && segment.compare(segment.size() - 4, 4, "...}") == 0;
}

bool matches(const Route &route, const std::vector<std::string> &parts)
{
    const std::size_t fixed = route.segments.size() - (route.matchesRest ? 1 : 0);
    if (route.matchesRest ? parts.size() <= fixed : parts.size() != fixed)
        return false;
    for (std::size_t i = 0; i < fixed; ++i)
        if (!isWildcard(route.segments[i]) && route.segments[i] != parts[i])
            return false;
    return true;
}

// Lower is more specific.
std::size_t looseness(const Route &route)
{
    return route.wildcards * 2 + (route.matchesRest ? 1 : 0);
}

// Two patterns of one shape ("/a/{id}" and "/a/{name}") would be ambiguous.
bool sameShape(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (isWildcard(a[i]) != isWildcard(b[i]) || isRest(a[i]) != isRest(b[i]) || (!isWildcard(a[i]) && a[i] != b[i]))
            return false;
    return true;
}

} // namespace

asio::awaitable<void> replySuccess(Responder &responder, nlohmann::json fields)
{
    co_await responder.send(jsonResponse(200, protocol::success(std::move(fields)), responder.keepAlive));
}

void RouteTable::add(bhttp::verb method, std::string_view pattern, RouteHandler handler, Access access)
{
    Route route{method, std::string(pattern), std::move(handler), access, splitPath(pattern), 0, false};
    for (std::size_t i = 0; i < route.segments.size(); ++i) {
        if (isRest(route.segments[i])) {
            if (i + 1 != route.segments.size())
                throw std::logic_error("a {rest...} segment must come last: " + route.pattern);
            route.matchesRest = true;
        } else if (isWildcard(route.segments[i])) {
            ++route.wildcards;
        }
    }
    for (const auto &existing : routes_)
        if (existing.method == method && sameShape(existing.segments, route.segments))
            throw std::logic_error("route added twice: " + route.pattern);
    routes_.push_back(std::move(route));
}

const Route *RouteTable::find(bhttp::verb method, std::string_view path, std::vector<std::string> &params) const
{
    const std::vector<std::string> parts = splitPath(path);
    const Route *best = nullptr;
    for (const auto &route : routes_)
        if (route.method == method && matches(route, parts) && (!best || looseness(route) < looseness(*best)))
            best = &route;
    params.clear();
    if (!best)
        return nullptr;
    const std::size_t fixed = best->segments.size() - (best->matchesRest ? 1 : 0);
    for (std::size_t i = 0; i < fixed; ++i)
        if (isWildcard(best->segments[i]))
            params.push_back(parts[i]);
    if (best->matchesRest) {
        std::string rest;
        for (std::size_t i = fixed; i < parts.size(); ++i)
            rest += (i > fixed ? "/" : "") + parts[i];
        params.push_back(std::move(rest));
    }
    return best;
}

bool RouteTable::knowsPath(std::string_view path) const
{
    const std::vector<std::string> parts = splitPath(path);
    for (const auto &route : routes_)
        if (matches(route, parts))
            return true;
    return false;
}

} // namespace sandbench::http
