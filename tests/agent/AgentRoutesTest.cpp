// The agent's routing table, without a sandbox: which routes the services contribute,
// and which one a request finds (exact segments before {…}, parameters in order).
#include "agent/AgentRouter.h"
#include "http/RouteTable.h"

#include <boost/asio/io_context.hpp>

#include <QTemporaryDir>
#include <QtTest>

using namespace sandbench;
using http::bhttp::verb;

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
            "DELETE /api/process/kill-all", "DELETE /api/process/{id}", "GET /", "GET /api/commands",
            "GET /api/ping", "GET /api/process/list", "GET /api/process/{id}", "GET /api/process/{id}/logs",
            "GET /api/process/{id}/stream", "GET /api/session/list", "GET /api/version", "GET /internal/files",
            "GET /ws/pty", "POST /api/delete", "POST /api/execute", "POST /api/execute/stream", "POST /api/exists",
            "POST /api/list-files", "POST /api/mkdir", "POST /api/move", "POST /api/process/start",
            "POST /api/read", "POST /api/read/stream", "POST /api/rename", "POST /api/session/create",
            "POST /api/session/delete", "POST /api/watch", "POST /api/watch/check", "POST /api/write",
            "POST /internal/settings", "PUT /internal/files"};
        QCOMPARE(routes, expected);
        QCOMPARE(found(router.routes(), verb::get, "/api/process/list"), QString("/api/process/list"));
        QCOMPARE(found(router.routes(), verb::post, "/api/read/stream"), QString("/api/read/stream"));
    }
};

QTEST_GUILESS_MAIN(AgentRoutesTest)
#include "AgentRoutesTest.moc"
