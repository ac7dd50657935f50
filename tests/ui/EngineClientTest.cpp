// The GUI's EngineClient against a real embedded engine: readable errors from the
// envelope, SSE streams and their errors, and a WebSocket terminal (the agent's
// PTY route, relayed by the engine) with replay on reconnect.
#include "support/GuiHarness.h"

#include "client/EngineClient.h"
#include "client/SandboxApi.h"
#include "client/HttpClient.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <sys/stat.h>

#include <memory>

using namespace sandbench;

class EngineClientTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    ui::EngineClient *client_ = nullptr;

    // Collects what a terminal socket receives: output bytes and status messages.
    struct Terminal {
        ui::PtySocket *socket;
        QByteArray output;
        QStringList statuses;
    };
    std::unique_ptr<Terminal> openTerminal(const QString &sessionId)
    {
        auto terminal = std::make_unique<Terminal>();
        terminal->socket = client_->openTerminal("term", sessionId, 100, 30, this);
        Terminal *raw = terminal.get();
        connect(raw->socket, &ui::PtySocket::output, this, [raw](const QByteArray &data) { raw->output += data; });
        connect(raw->socket, &ui::PtySocket::status, this,
                [raw](const QJsonObject &message) { raw->statuses << message.value("type").toString(); });
        return terminal;
    }

private slots:
    void initTestCase()
    {
        engine_.start();
        client_ = engine_.client();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/term", R"({"keepAlive":true})").status, 200);
    }

    void errorsAreReadableSentences()
    {
        std::optional<ui::ApiResult> result;
        ui::SandboxApi(client_, "term").read("/workspace/missing.txt", this, [&](const ui::ApiResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->status, 404);
        QCOMPARE(result->errorCode, QString("FILE_NOT_FOUND"));
        QVERIFY2(result->errorMessage.contains("missing.txt"), qPrintable(result->errorMessage));

        ui::EngineClient wrongToken(client_->baseUrl(), "not-the-token");
        result.reset();
        wrongToken.get("/v1/sandboxes", this, [&](const ui::ApiResult &r) { result = r; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->status, 401);
        QCOMPARE(result->errorCode, QString("UNAUTHORIZED"));
    }

    // Ids and paths reach the engine encoded: a process id with '/', '?' or '#' is one segment.
    void theTypedApiEncodesIds()
    {
        const ui::SandboxApi api(client_, "term");
        QCOMPARE(api.path("/api/read"), QString("/v1/sandboxes/term/api/read"));
        std::optional<ui::ApiResult> started;
        api.startProcess(QJsonObject{{"command", "sleep 30"}, {"processId", "a/b?c#d e"}}, this,
                         [&](const ui::ApiResult &r) { started = r; });
        QTRY_VERIFY(started.has_value());
        QVERIFY2(started->ok(), qPrintable(started->errorMessage));
        std::optional<ui::ApiResult> killed;
        api.killProcess("a/b?c#d e", this, [&](const ui::ApiResult &r) { killed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(killed.has_value(), 10000);
        QVERIFY2(killed->ok(), qPrintable(killed->errorMessage));
        QCOMPARE(killed->body.value("processId").toString(), QString("a/b?c#d e"));
    }

    void eventStreamsDeliverAndReportErrors()
    {
        auto *events = client_->openEvents("/v1/events", nullptr, this);
        QSignalSpy received(events, &ui::EventStream::event);
        QTRY_VERIFY(received.count() >= 1); // the snapshot
        QCOMPARE(received.first().first().toJsonObject().value("id").toString(), QString("term"));
        events->close();

        const QJsonObject body{{"path", "/workspace/not-there"}};
        auto *watch = client_->openEvents(ui::EngineClient::sandboxPath("term") + "/api/watch", &body, this);
        QSignalSpy finished(watch, &ui::EventStream::finished);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.first().first().toString().contains("not-there"), qPrintable(finished.first().first().toString()));
    }

    void terminalRunsCommandsInARealPty()
    {
        // The PTY starts from the session's state: its directory and its environment.
        client::HttpClient http = engine_.http();
        http.requestJson("POST", "/v1/sandboxes/term/api/execute",
                         client::Json{{"command", "cd /tmp && export FROM_SESSION=yes"}, {"sessionId", "shell"}});
        auto terminal = openTerminal("shell");
        QTRY_VERIFY_WITH_TIMEOUT(terminal->statuses.contains("ready"), 5000);
        terminal->socket->send("echo pty-$((6*7)); tty; stty size\r");
        QTRY_VERIFY_WITH_TIMEOUT(terminal->output.contains("pty-42"), 5000);
        QTRY_VERIFY(terminal->output.contains("/dev/pts/"));
        QTRY_VERIFY(terminal->output.contains("30 100"));
        terminal->socket->send("echo \"$FROM_SESSION $TERM $PWD\"\r");
        QTRY_VERIFY2_WITH_TIMEOUT(terminal->output.contains("yes xterm-256color /tmp"), terminal->output.right(300).constData(), 5000);

        terminal->socket->resize(120, 40);
        terminal->socket->send("stty size\r");
        QTRY_VERIFY_WITH_TIMEOUT(terminal->output.contains("40 120"), 5000);
        terminal->socket->resize(0, 40);
        QTRY_COMPARE(terminal->statuses.count("error"), 1);
        // Text that is not a control message, from a plain WebSocket client.
        QNetworkRequest upgrade(QUrl(client_->baseUrl().toString().replace("http:", "ws:") +
                                     "/v1/sandboxes/term/ws/pty?sessionId=shell"));
        upgrade.setRawHeader("Authorization", QByteArray("Bearer ") + engine_.address().token.c_str());
        QWebSocket plain;
        QStringList plainStatuses;
        connect(&plain, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            plainStatuses << QJsonDocument::fromJson(text.toUtf8()).object().value("message").toString();
        });
        plain.open(upgrade);
        QTRY_VERIFY_WITH_TIMEOUT(plain.state() == QAbstractSocket::ConnectedState, 5000);
        plain.sendTextMessage("not json");
        QTRY_VERIFY(plainStatuses.contains("Invalid control message"));
        terminal->socket->close();
    }

    void reconnectingReplaysTheTerminal()
    {
        auto first = openTerminal("replayed");
        QTRY_VERIFY_WITH_TIMEOUT(first->statuses.contains("ready"), 5000);
        first->socket->send("export MARK=kept; echo before-$((1+1))\r");
        QTRY_VERIFY_WITH_TIMEOUT(first->output.contains("before-2"), 5000);
        first->socket->close();
        QTest::qWait(200);

        auto second = openTerminal("replayed");
        QTRY_VERIFY_WITH_TIMEOUT(second->statuses.contains("ready"), 5000);
        QVERIFY2(second->output.contains("before-2"), "no replay before ready");
        second->socket->send("echo still-$MARK\r");
        QTRY_VERIFY_WITH_TIMEOUT(second->output.contains("still-kept"), 5000); // the same shell lives on
    }

    void anExitedShellIsReportedAndReplacedOnTheNextConnection()
    {
        auto terminal = openTerminal("ending");
        QTRY_VERIFY_WITH_TIMEOUT(terminal->statuses.contains("ready"), 5000);
        QSignalSpy closed(terminal->socket, &ui::PtySocket::closed);
        terminal->socket->send("exit 3\r");
        QTRY_VERIFY_WITH_TIMEOUT(terminal->statuses.contains("exit") && closed.count() == 1, 5000);
        auto next = openTerminal("ending");
        QTRY_VERIFY_WITH_TIMEOUT(next->statuses.contains("ready"), 5000);
        next->socket->send("echo new-$((2*2))\r");
        QTRY_VERIFY_WITH_TIMEOUT(next->output.contains("new-4"), 5000);
    }

    void missingSessionIsRefusedBeforeTheUpgrade()
    {
        auto *socket = new ui::PtySocket(client_->baseUrl(), engine_.address().token.c_str(),
                                         ui::EngineClient::sandboxPath("term") + "/ws/pty", this);
        QSignalSpy opened(socket, &ui::PtySocket::opened);
        QSignalSpy closed(socket, &ui::PtySocket::closed);
        QTRY_VERIFY(closed.count() == 1);
        QCOMPARE(opened.count(), 0); // refused with 400, never upgraded
        QCOMPARE(closed.at(0).at(0).toString(), QString("sessionId query parameter required")); // the agent's envelope
        // The same, as the engine answers it.
        client::HttpClient http = engine_.http();
        const auto refusal = http.request("GET", "/v1/sandboxes/term/ws/pty", {},
                                          {{"Connection", "Upgrade"}, {"Upgrade", "websocket"},
                                           {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
        QCOMPARE(refusal.status, 400);
        QVERIFY2(refusal.body.find("sessionId query parameter required") != std::string::npos, refusal.body.c_str());
        // A terminal is a shell: without the token there is no upgrade at all.
        client::HttpClient stranger(client::EngineAddress{engine_.address().url, "wrong"});
        const auto unauthorised = stranger.request("GET", "/v1/sandboxes/term/ws/pty?sessionId=x", {},
                                                   {{"Connection", "Upgrade"}, {"Upgrade", "websocket"},
                                                    {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
        QCOMPARE(unauthorised.status, 401);
    }

    // A browser cannot put the token on a WebSocket: it asks for a ticket with the token
    // and passes it in the query, once, for that sandbox, and only on the terminal route.
    void aTicketOpensOneTerminalOnce()
    {
        client::HttpClient http = engine_.http();
        client::HttpClient stranger(client::EngineAddress{engine_.address().url, "wrong"});
        const client::Json upgrade = {{"Connection", "Upgrade"}, {"Upgrade", "websocket"},
                                      {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
        auto ticketFor = [&](const std::string &id) {
            const auto issued = http.request("POST", "/v1/sandboxes/" + id + "/ws/ticket");
            return issued.status == 200 ? issued.json().value("ticket", "") : std::string();
        };
        auto upgradeWith = [&](const std::string &id, const std::string &ticket) {
            std::vector<std::pair<std::string, std::string>> headers;
            for (const auto &[name, value] : upgrade.items())
                headers.emplace_back(name, value.get<std::string>());
            return stranger.request("GET", "/v1/sandboxes/" + id + "/ws/pty?sessionId=ticketed&ticket=" + ticket, {}, headers).status;
        };
        QCOMPARE(stranger.request("POST", "/v1/sandboxes/term/ws/ticket").status, 401); // tickets need the token
        QCOMPARE(http.request("POST", "/v1/sandboxes/nobody/ws/ticket").status, 404);
        const std::string ticket = ticketFor("term");
        QCOMPARE(ticket.size(), std::size_t(64));
        QCOMPARE(upgradeWith("term", ticket), 101);
        QCOMPARE(upgradeWith("term", ticket), 401); // once
        QCOMPARE(http.request("PUT", "/v1/sandboxes/other", "{}").status, 200);
        QCOMPARE(upgradeWith("other", ticketFor("term")), 401); // for its sandbox only
        const std::string unused = ticketFor("term");
        QCOMPARE(stranger.request("GET", "/v1/sandboxes/term?ticket=" + unused).status, 401); // terminals only
        QCOMPARE(stranger.request("GET", "/v1/sandboxes/term/api/process/list?ticket=" + unused).status, 401);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/other").status, 200);
    }

    void cleanupTestCase()
    {
        engine_.stop();
    }
};

QTEST_MAIN(EngineClientTest)
#include "EngineClientTest.moc"
