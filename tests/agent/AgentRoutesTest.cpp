// The agent's routing table, without a sandbox: which routes the services contribute,
// and which one a request finds (exact segments before {…}, parameters in order).
#include "agent/AgentRouter.h"
#include "http/RouteTable.h"
#include "support/EngineHarness.h"

#include <boost/asio/io_context.hpp>

#include <QTemporaryDir>
#include <QtTest>

using namespace sandbench;
using http::bhttp::verb;
using test::runAwait;
using Json = nlohmann::json;

namespace {

// A responder that keeps what a handler answers: the whole response, or a stream's chunks.
class MemoryResponder : public http::Responder {
public:
    int status = 0;
    std::string body;
    std::string contentType;

    boost::asio::awaitable<void> send(http::Response response) override
    {
        status = response.result_int();
        contentType = std::string(response[http::bhttp::field::content_type]);
        body = response.body();
        started_ = true;
        co_return;
    }
    boost::asio::awaitable<bool> beginStream(http::bhttp::response<http::bhttp::empty_body> header) override
    {
        status = header.result_int();
        contentType = std::string(header[http::bhttp::field::content_type]);
        started_ = true;
        co_return true;
    }
    boost::asio::awaitable<bool> writeChunk(std::string_view data) override
    {
        body += data;
        co_return true;
    }
    boost::asio::awaitable<std::uint64_t> writeFile(int, std::uint64_t) override { throw std::logic_error("not used"); }
    boost::asio::awaitable<void> endStream() override { co_return; }
    boost::asio::awaitable<void> waitForClientClose() override
    {
        boost::asio::steady_timer never(co_await boost::asio::this_coro::executor, std::chrono::hours(1));
        co_await never.async_wait(boost::asio::use_awaitable);
    }
    boost::asio::awaitable<std::size_t> readBody(char *, std::size_t) override { co_return 0; }
    boost::asio::awaitable<std::unique_ptr<http::WebSocket>> acceptWebSocket(const http::Request &) override
    {
        throw std::logic_error("not used");
    }
    Json json() const { return Json::parse(body, nullptr, false); }
    // The data: lines of an event stream, parsed.
    std::vector<Json> events() const
    {
        std::vector<Json> parsed;
        for (std::size_t at = 0; (at = body.find("data: ", at)) != std::string::npos; at += 6)
            parsed.push_back(Json::parse(body.substr(at + 6, body.find('\n', at) - at - 6), nullptr, false));
        return parsed;
    }
};

// What the agent answers to one request, as core/http would send it: an ApiError
// becomes its envelope and status.
struct Answer {
    int status = 0;
    Json json;
    std::vector<Json> events;
    std::string text;
};

Answer ask(boost::asio::io_context &io, agent::AgentRouter &router, verb method, const std::string &target,
           const std::string &body = {})
{
    http::Request request{method, target, 11};
    request.body() = body;
    request.prepare_payload();
    MemoryResponder responder;
    try {
        runAwait(io, router.handle(request, responder));
    } catch (const protocol::ApiError &error) {
        return {error.httpStatus, error.envelope(), {}, {}};
    }
    return {responder.status, responder.json(), responder.events(), responder.body};
}

} // namespace

class AgentRoutesTest : public QObject {
    Q_OBJECT

private:
    static http::RouteHandler nothing()
    {
        return [](http::RouteRequest &) -> boost::asio::awaitable<void> { co_return; };
    }

    static QString found(const http::RouteTable &table, verb method, const char *path, QStringList *params = nullptr)
    {
        std::vector<std::string> values;
        const http::Route *route = table.find(method, path, values);
        if (params) {
            params->clear();
            for (const auto &value : values)
                *params << QString::fromStdString(value);
        }
        return route ? QString::fromStdString(route->pattern) : QString();
    }

private slots:
    void exactSegmentsWinOverParameters()
    {
        http::RouteTable table;
        table.add(verb::delete_, "/api/process/{id}", nothing());
        table.add(verb::delete_, "/api/process/kill-all", nothing());
        table.add(verb::get, "/api/process/{id}/logs", nothing());
        QStringList params;
        QCOMPARE(found(table, verb::delete_, "/api/process/kill-all", &params), QString("/api/process/kill-all"));
        QVERIFY(params.isEmpty());
        QCOMPARE(found(table, verb::delete_, "/api/process/p-1", &params), QString("/api/process/{id}"));
        QCOMPARE(params, QStringList{"p-1"});
        QCOMPARE(found(table, verb::get, "/api/process/a%20b/logs", &params), QString("/api/process/{id}/logs"));
        QCOMPARE(params, QStringList{"a%20b"}); // as sent: handlers decode what they need
    }

    void nothingElseMatches()
    {
        http::RouteTable table;
        table.add(verb::get, "/api/process/{id}", nothing());
        QCOMPARE(found(table, verb::get, "/api/process"), QString());
        QCOMPARE(found(table, verb::get, "/api/process/"), QString("/api/process/{id}")); // an empty id: the service says 404
        QCOMPARE(found(table, verb::get, "/api/process/a/b"), QString());
        QCOMPARE(found(table, verb::post, "/api/process/a"), QString());
        QVERIFY(table.knowsPath("/api/process/a"));
        QVERIFY(!table.knowsPath("/api/processes"));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, table.add(verb::get, "/api/process/{other}", nothing()));
    }

    void theRestOfAPathIsOneParameter()
    {
        http::RouteTable table;
        table.add(verb::post, "/v1/sandboxes/{id}/api/{rest...}", nothing());
        table.add(verb::post, "/v1/sandboxes/{id}/api/special", nothing());
        QStringList params;
        QCOMPARE(found(table, verb::post, "/v1/sandboxes/a/api/process/p1/logs", &params),
                 QString("/v1/sandboxes/{id}/api/{rest...}"));
        QCOMPARE(params, (QStringList{"a", "process/p1/logs"}));
        QCOMPARE(found(table, verb::post, "/v1/sandboxes/a/api/special", &params), QString("/v1/sandboxes/{id}/api/special"));
        QCOMPARE(found(table, verb::post, "/v1/sandboxes/a/api"), QString()); // the rest is one segment or more
        QVERIFY_THROWS_EXCEPTION(std::logic_error, table.add(verb::get, "/a/{rest...}/b", nothing()));
    }

    // The agent's whole surface: what the SDK and the engine may call.
    void theAgentServesTheProtocolsRoutes()
    {
        QTemporaryDir workspace;
        agent::AgentConfig config;
        config.workspace = workspace.path().toStdString();
        config.scratchDir = workspace.path().toStdString() + "/.scratch";
        boost::asio::io_context io;
        agent::AgentRouter router(io.get_executor(), config);
        QStringList routes;
        for (const auto &route : router.routes().routes())
            routes << QString::fromStdString(std::string(http::bhttp::to_string(route.method)) + " " + route.pattern);
        routes.sort();
        const QStringList expected = {
            "DELETE /api/contexts/{id}", "DELETE /api/process/kill-all", "DELETE /api/process/{id}", "GET /",
            "GET /api/commands", "GET /api/contexts", "GET /api/contexts/{id}", "GET /api/interpreter/health", "GET /api/listening-ports",
            "GET /api/ping", "GET /api/process/list", "GET /api/process/{id}", "GET /api/process/{id}/logs",
            "GET /api/process/{id}/stream", "GET /api/session/list", "GET /api/version", "GET /internal/files",
            "GET /internal/mount-check",
            "GET /ws/pty", "POST /api/backup/create", "POST /api/backup/restore", "POST /api/contexts", "POST /api/contexts/{id}/interrupt", "POST /api/contexts/{id}/restart",
            "POST /api/delete", "POST /api/execute", "POST /api/execute/code", "POST /api/execute/stream", "POST /api/exists",
            "POST /api/git/checkout", "POST /api/git/checkout/stream",
            "POST /api/list-files", "POST /api/mkdir", "POST /api/move", "POST /api/port-watch", "POST /api/process/start",
            "POST /api/read", "POST /api/read/stream", "POST /api/rename", "POST /api/session/create",
            "POST /api/session/delete", "POST /api/watch", "POST /api/watch/check", "POST /api/write",
            "POST /internal/settings", "PUT /internal/files"};
        QCOMPARE(routes, expected);
        QCOMPARE(found(router.routes(), verb::get, "/api/process/list"), QString("/api/process/list"));
        QCOMPARE(found(router.routes(), verb::post, "/api/read/stream"), QString("/api/read/stream"));
    }

    // Requests through the router to the services, answered in memory: no sandbox, no socket.
    void requestsReachTheirServiceAndErrorsTheirEnvelope()
    {
        QTemporaryDir workspace;
        agent::AgentConfig config;
        config.workspace = workspace.path().toStdString();
        config.scratchDir = workspace.path().toStdString() + "/.scratch";
        config.home = "/";
        config.baseEnv = {{"PATH", "/usr/bin:/bin"}};
        boost::asio::io_context io;
        agent::AgentRouter router(io.get_executor(), config);

        const Answer pong = ask(io, router, verb::get, "/api/ping");
        QCOMPARE(pong.status, 200);
        QCOMPARE(pong.json.value("success", false), true);
        QCOMPARE(pong.json.value("message", ""), std::string("pong"));

        const Answer executed = ask(io, router, verb::post, "/api/execute", R"x({"command":"echo hi; (exit 3)"})x");
        QCOMPARE(executed.status, 200);
        QCOMPARE(executed.json.value("stdout", ""), std::string("hi"));
        QCOMPARE(executed.json.value("exitCode", 0), 3);

        const Answer streamed = ask(io, router, verb::post, "/api/execute/stream", R"({"command":"echo one; echo two"})");
        QCOMPARE(streamed.status, 200);
        QCOMPARE(streamed.events.size(), std::size_t(4));
        QCOMPARE(streamed.events.front().value("type", ""), std::string("start"));
        QCOMPARE(streamed.events[1].value("data", ""), std::string("one\n"));
        QCOMPARE(streamed.events.back().value("type", ""), std::string("complete"));

        const Answer started = ask(io, router, verb::post, "/api/process/start", R"({"command":"true","processId":"a b"})");
        QCOMPARE(started.status, 200);
        QCOMPARE(ask(io, router, verb::get, "/api/process/a%20b").json["process"].value("id", ""), std::string("a b"));

        const Answer missing = ask(io, router, verb::get, "/api/process/nobody");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.json.value("code", ""), std::string("PROCESS_NOT_FOUND"));
        const Answer invalid = ask(io, router, verb::post, "/api/execute", "{not json");
        QCOMPARE(invalid.status, 400);
        QCOMPARE(invalid.json.value("code", ""), std::string("VALIDATION_FAILED"));
        const Answer unknown = ask(io, router, verb::get, "/api/nothing");
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json.value("code", ""), std::string("UNKNOWN_ERROR"));
        QCOMPARE(ask(io, router, verb::patch, "/api/nothing").status, 500); // as the reference answers
        runAwait(io, router.processes().killAll());
    }
};

QTEST_GUILESS_MAIN(AgentRoutesTest)
#include "AgentRoutesTest.moc"
