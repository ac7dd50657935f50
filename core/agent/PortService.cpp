#include "agent/PortService.h"

#include "protocol/Protocol.h"
#include "system/Files.h"

#include <set>
#include <sstream>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

namespace sandbench::agent {

using protocol::ApiError;
using namespace boost::asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

namespace {

constexpr auto kAttemptTimeout = 5s; // one connect, or one HTTP answer

unsigned unsignedField(const Json &body, const char *name, unsigned fallback, unsigned low, unsigned high)
{
    if (!body.contains(name) || body[name].is_null())
        return fallback;
    if (!body[name].is_number_integer() || body[name].get<long long>() < low || body[name].get<long long>() > high)
        throw ApiError("VALIDATION_FAILED",
                       std::string(name) + " must be a whole number from " + std::to_string(low) + " to " +
                           std::to_string(high));
    return static_cast<unsigned>(body[name].get<long long>());
}

Json portEvent(const char *type, unsigned port)
{
    return {{"type", type}, {"port", port}};
}

} // namespace

std::vector<unsigned> listeningPorts(const std::vector<std::string> &tables)
{
    std::set<unsigned> ports;
    for (const std::string &table : tables) {
        std::istringstream lines(table);
        std::string line;
        std::getline(lines, line); // the header
        while (std::getline(lines, line)) {
            // "  0: 0100007F:1F90 00000000:0000 0A ...": local address, remote, state (0A: LISTEN).
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            if (!(fields >> slot >> local >> remote >> state) || state != "0A")
                continue;
            const auto colon = local.rfind(':');
            if (colon == std::string::npos)
                continue;
            try {
                ports.insert(static_cast<unsigned>(std::stoul(local.substr(colon + 1), nullptr, 16)));
            } catch (const std::exception &) {
            }
        }
    }
    return {ports.begin(), ports.end()};
}

PortWatch parsePortWatch(const Json &body)
{
    PortWatch watch;
    watch.port = unsignedField(body, "port", 0, 1, 65535);
    if (watch.port == 0)
        throw ApiError("VALIDATION_FAILED", "port is required (1-65535)");
    const std::string mode = body.contains("mode") && body["mode"].is_string() ? body["mode"].get<std::string>() : "http";
    if (mode != "http" && mode != "tcp")
        throw ApiError("VALIDATION_FAILED", "mode must be 'http' or 'tcp'");
    watch.http = mode == "http";
    if (body.contains("path") && !body["path"].is_null()) {
        if (!body["path"].is_string() || body["path"].get<std::string>().empty() ||
            body["path"].get<std::string>().front() != '/' ||
            body["path"].get<std::string>().find_first_of(" \r\n\t") != std::string::npos)
            throw ApiError("VALIDATION_FAILED", "path must start with '/' and hold no spaces or line breaks");
        watch.path = body["path"];
    }
    watch.statusMin = unsignedField(body, "statusMin", 200, 100, 599);
    watch.statusMax = unsignedField(body, "statusMax", 399, 100, 599);
    if (watch.statusMin > watch.statusMax)
        throw ApiError("VALIDATION_FAILED", "statusMin must not be above statusMax");
    if (body.contains("processId") && !body["processId"].is_null()) {
        if (!body["processId"].is_string())
            throw ApiError("VALIDATION_FAILED", "processId must be a string");
        watch.processId = body["processId"];
    }
    if (body.contains("interval") && !body["interval"].is_null()) {
        if (!body["interval"].is_number())
            throw ApiError("VALIDATION_FAILED", "interval must be a number of milliseconds");
        watch.interval = std::chrono::milliseconds(std::clamp<long long>(body["interval"].get<long long>(), 100, 10000));
    }
    return watch;
}

PortService::PortService(asio::any_io_executor executor, ProcessService &processes)
    : executor_(std::move(executor)), processes_(processes)
{
}

asio::awaitable<std::optional<unsigned>> PortService::check(const PortWatch &request)
{
    namespace bhttp = boost::beast::http;
    asio::ip::tcp::socket socket(executor_);
    const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(request.port));
    asio::steady_timer deadline(executor_, kAttemptTimeout);
    boost::system::error_code error;
    // The sandbox's own loopback: the agent lives in its network namespace.
    auto connected = co_await (socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, error)) ||
                               deadline.async_wait(asio::use_awaitable));
    if (connected.index() != 0 || error)
        co_return std::nullopt;
    if (!request.http)
        co_return 0u;
    bhttp::request<bhttp::empty_body> get{bhttp::verb::get, request.path, 11};
    get.set(bhttp::field::host, "localhost:" + std::to_string(request.port));
    get.set(bhttp::field::user_agent, "sandbench-port-watch");
    get.set(bhttp::field::connection, "close");
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true); // the status is enough; the body is not read
    auto answered = co_await ((bhttp::async_write(socket, get, asio::redirect_error(asio::use_awaitable, error)) &&
                               bhttp::async_read_header(socket, buffer, parser,
                                                        asio::redirect_error(asio::use_awaitable, error))) ||
                              deadline.async_wait(asio::use_awaitable));
    if (answered.index() != 0 || error)
        co_return std::nullopt;
    const unsigned status = parser.get().result_int();
    if (status < request.statusMin || status > request.statusMax)
        co_return std::nullopt;
    co_return status;
}

asio::awaitable<void> PortService::watch(PortWatch request, Emit send)
{
    if (!co_await send(portEvent("watching", request.port)))
        co_return;
    for (;;) {
        if (!request.processId.empty()) {
            const auto process = processes_.find(request.processId);
            if (!process) {
                Json error = portEvent("error", request.port);
                error["error"] = "Process not found";
                co_await send(error);
                co_return;
            }
            if (process->finished) {
                Json exited = portEvent("process_exited", request.port);
                exited["exitCode"] = process->exitCode ? Json(*process->exitCode) : Json(nullptr);
                co_await send(exited);
                co_return;
            }
        }
        if (const auto status = co_await check(request)) {
            Json ready = portEvent("ready", request.port);
            if (request.http)
                ready["statusCode"] = *status;
            co_await send(ready);
            co_return;
        }
        asio::steady_timer pause(executor_, request.interval);
        co_await pause.async_wait(asio::use_awaitable);
    }
}

bool PortService::claimsTunnel(const http::bhttp::request_header<> &header)
{
    return header.method() == http::bhttp::verb::get &&
           (header.target().starts_with("/internal/tunnel?") || header.target().starts_with("/internal/listen?"));
}

asio::awaitable<void> PortService::tunnel(http::bhttp::request_header<> header, std::unique_ptr<http::RawConnection> engine)
{
    const std::string_view target = header.target();
    if (target.starts_with("/internal/listen?"))
        co_return co_await listen(target, std::move(engine));
    const std::string text = http::queryValue(target.substr(target.find('?') + 1), "port");
    unsigned port = 0;
    if (!text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos)
        port = static_cast<unsigned>(std::stoul(text));
    if (port == 0 || port > 65535) {
        co_await engine->writeAll(asio::buffer(http::plainHttpResponse(400, "text/plain", "port must be 1-65535\n")));
        co_return engine->close();
    }
    // 127.0.0.1, then ::1 (a dev server on "localhost" may listen on either).
    asio::ip::tcp::socket service(executor_);
    bool connected = false;
    for (const auto &address : {asio::ip::address(asio::ip::address_v4::loopback()),
                                asio::ip::address(asio::ip::address_v6::loopback())}) {
        boost::system::error_code error;
        service = asio::ip::tcp::socket(executor_);
        asio::steady_timer deadline(executor_, kAttemptTimeout);
        auto attempt = co_await (service.async_connect({address, static_cast<unsigned short>(port)},
                                                       asio::redirect_error(asio::use_awaitable, error)) ||
                                 deadline.async_wait(asio::use_awaitable));
        if (attempt.index() == 0 && !error) {
            connected = true;
            break;
        }
    }
    if (!connected) {
        co_await engine->writeAll(asio::buffer(http::plainHttpResponse(502, "text/plain", "not listening\n")));
        co_return engine->close();
    }
    // The connected socket goes to the engine, which relays the client to it itself: one
    // hop less than a relay here (the socket stays in the sandbox's network namespace).
    boost::system::error_code ignored;
    service.set_option(asio::ip::tcp::no_delay(true), ignored);
    const std::string ready = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
    co_await http::sendWithDescriptor(*engine, ready, service.native_handle());
    service.close(ignored);
    engine->close();
}

asio::awaitable<void> PortService::listen(std::string_view target, std::unique_ptr<http::RawConnection> engine)
{
    // Port 0: a new listener (the kernel picks a free port). A port given: the listener made
    // for it before, handed over again (an engine that restarted takes its relay back: the
    // agent keeps every listener it made, so that no process of the sandbox can take its
    // port meanwhile); with close=1, that listener is let go.
    const std::string_view query = target.substr(target.find('?') + 1);
    const std::string text = http::queryValue(query, "port");
    unsigned port = 0;
    if (!text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos)
        port = static_cast<unsigned>(std::stoul(text));
    if (text.empty() || port > 65535) {
        co_await engine->writeAll(asio::buffer(http::plainHttpResponse(400, "text/plain", "port must be 0-65535\n")));
        co_return engine->close();
    }
    if (http::queryValue(query, "close") == "1") {
        relays_.erase(port);
        co_await engine->writeAll(asio::buffer(http::plainHttpResponse(200, "text/plain", "closed\n")));
        co_return engine->close();
    }
    boost::system::error_code error;
    auto held = relays_.find(port);
    if (held == relays_.end() && port != 0) {
        co_await engine->writeAll(asio::buffer(http::plainHttpResponse(404, "text/plain", "no relay listener on that port\n")));
        co_return engine->close();
    }
    if (held == relays_.end()) {
        auto listener = std::make_unique<asio::ip::tcp::acceptor>(executor_);
        const asio::ip::tcp::endpoint where(asio::ip::address_v4::loopback(), 0);
        listener->open(where.protocol(), error);
        if (!error)
            listener->bind(where, error);
        if (!error)
            listener->listen(64, error);
        if (error) {
            co_await engine->writeAll(asio::buffer(http::plainHttpResponse(409, "text/plain", error.message() + "\n")));
            co_return engine->close();
        }
        held = relays_.emplace(listener->local_endpoint().port(), std::move(listener)).first;
    }
    const std::string ready = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
    co_await http::sendWithDescriptor(*engine, ready, held->second->native_handle());
    engine->close();
}

void PortService::addRoutes(http::RouteTable &table)
{
    table.add(http::bhttp::verb::get, "/api/listening-ports", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        std::vector<std::string> tables;
        for (const char *path : {"/proc/net/tcp", "/proc/net/tcp6"})
            if (auto text = system::readWholeFile(path))
                tables.push_back(std::move(*text));
        Json ports = Json::array();
        for (const unsigned port : listeningPorts(tables))
            if (!relays_.contains(port))
                ports.push_back(Json{{"port", port}});
        Json reply = {{"ports", std::move(ports)}};
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(http::bhttp::verb::post, "/api/port-watch", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const PortWatch request = parsePortWatch(protocol::parseBody(call.request.body()));
        std::function<asio::awaitable<void>(Emit)> produce = [this, request](Emit send) {
            return watch(request, std::move(send));
        };
        co_await streamEvents(call.responder, std::move(produce));
    });
}

} // namespace sandbench::agent
