// Ports inside the sandbox: /api/port-watch streams until a port is ready (a TCP connect,
// or an HTTP GET answered with a status in a range), the process that should serve it
// exits, or the client leaves.
#pragma once

#include "agent/ProcessService.h"
#include "agent/Routes.h"

#include <boost/asio/ip/tcp.hpp>

#include <map>
#include <memory>

namespace sandbench::agent {

struct PortWatch {
    unsigned port = 0;
    bool http = true; // else tcp
    std::string path = "/";
    unsigned statusMin = 200, statusMax = 399;
    std::string processId; // empty: none to follow
    std::chrono::milliseconds interval{500};
};

// TCP ports in the LISTEN state in a /proc/net/tcp or tcp6 table (the agent's network
// namespace is the sandbox's), sorted, without duplicates across the two.
std::vector<unsigned> listeningPorts(const std::vector<std::string> &tables);

// Validates a /api/port-watch body (VALIDATION_FAILED naming the field).
PortWatch parsePortWatch(const Json &body);

class PortService {
public:
    PortService(asio::any_io_executor executor, ProcessService &processes);

    // /api/port-watch (SSE) and /api/listening-ports (ours: the TCP ports listening in
    // the sandbox, from its own /proc/net/tcp and tcp6).
    void addRoutes(http::RouteTable &table);

    // watching, then checks every interval until ready, process_exited or error.
    asio::awaitable<void> watch(PortWatch request, Emit send);
    // One check of the port: nullopt when not ready; the HTTP status (0 for TCP) when ready.
    asio::awaitable<std::optional<unsigned>> check(const PortWatch &request);

    // The engine's way into the sandbox's network (GET /internal/tunnel?port=N, handed over
    // whole): connects to the port on the sandbox's loopback and answers 200 with the
    // connected socket attached (SCM_RIGHTS), or 502 when nothing listens there.
    // GET /internal/listen?port=0 (handed over whole too): a TCP socket listening on the
    // sandbox's 127.0.0.1 (a free port), for the engine's relays out of the sandbox (a bucket
    // mount's endpoint); ?port=N: the one made for N again; ?port=N&close=1 lets it go.
    static bool claimsTunnel(const http::bhttp::request_header<> &header);
    asio::awaitable<void> tunnel(http::bhttp::request_header<> header, std::unique_ptr<http::RawConnection> engine);

private:
    asio::awaitable<void> listen(std::string_view target, std::unique_ptr<http::RawConnection> engine);

    asio::any_io_executor executor_;
    ProcessService &processes_;
    // Listeners handed to the engine (its bucket relays), by port: kept while their mount is,
    // never accepted on here, never listed as the sandbox's ports.
    std::map<unsigned, std::unique_ptr<asio::ip::tcp::acceptor>> relays_;
};

} // namespace sandbench::agent
