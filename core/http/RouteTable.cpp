#include "http/RouteTable.h"

#include <stdexcept>

namespace sandbench::http {

namespace {

bool isWildcard(const std::string &segment)
{
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const Route &route, const std::vector<std::string> &parts)
{
    if (parts.size() != route.segments.size())
        return false;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (!isWildcard(route.segments[i]) && route.segments[i] != parts[i])
            return false;
    return true;
}

// Two patterns of one shape ("/a/{id}" and "/a/{name}") would be ambiguous.
bool sameShape(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (isWildcard(a[i]) != isWildcard(b[i]) || (!isWildcard(a[i]) && a[i] != b[i]))
            return false;
    return true;
}

} // namespace

void RouteTable::add(bhttp::verb method, std::string_view pattern, RouteHandler handler, RouteAccess access)
{
    Route route{method, std::string(pattern), std::move(handler), access, splitPath(pattern), 0};
    for (const auto &segment : route.segments)
        route.wildcards += isWildcard(segment) ? 1 : 0;
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
        if (route.method == method && matches(route, parts) && (!best || route.wildcards < best->wildcards))
            best = &route;
    params.clear();
    if (best)
        for (std::size_t i = 0; i < parts.size(); ++i)
            if (isWildcard(best->segments[i]))
                params.push_back(parts[i]);
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
