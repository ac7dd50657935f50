// A real sandbenchd with real bubblewrap sandboxes, driven over HTTP:
// auth and Host checks, bad input, lifecycle, forwarding, env vars, idle
// sleep, re-adoption after an engine crash, and recovery from a dead agent.
#include "support/EngineHarness.h"

#include <QtTest>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using namespace sandbench;
using client::Json;

// One request written by hand (any Host header), read until the server closes; the whole answer.
std::string rawRequest(quint16 port, const std::string &request)
{
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::address_v4::loopback(), port});
    boost::asio::write(socket, boost::asio::buffer(request));
    std::string answer;
    char chunk[65536];
    boost::system::error_code error;
    while (!error) {
        const std::size_t got = socket.read_some(boost::asio::buffer(chunk), error);
        answer.append(chunk, got);
    }
    return answer;
}

std::string previewGet(quint16 enginePort, const std::string &host, const std::string &path = "/")
{
    return rawRequest(enginePort, "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(enginePort) +
                                      "\r\nConnection: close\r\n\r\n");
}

class EngineApiTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;

    Json get(const std::string &target) { return engine.http().request("GET", target).json(); }
    std::string status(const std::string &id) { return get("/v1/sandboxes/" + id)["sandbox"].value("status", ""); }

    bool waitForStatus(const std::string &id, const std::string &wanted, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (status(id) == wanted)
                return true;
            QThread::msleep(100);
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
    }

    void engineFileIsPrivate()
    {
        QFileInfo info(engine.engineFile());
        QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther), QFileDevice::Permissions());
        QVERIFY(engine.address().url.rfind("http://127.0.0.1:", 0) == 0);
    }

    void secondEngineOnTheSameStateIsRefused()
    {
        QProcess second;
        second.start(test::EngineHarness::binary("sandbenchd"),
                     {"--state-dir", engine.stateDir(), "--runtime-dir", engine.stateDir() + "/other-runtime"});
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 1);
        QVERIFY2(second.readAllStandardError().contains("another engine already serves"), "no clear refusal");
        QCOMPARE(engine.http().request("GET", "/v1/health").status, 200); // the first one is untouched
    }

    void requestsNeedTheToken()
    {
        auto wrong = client::HttpClient({engine.address().url, "not-the-token"});
        const auto result = wrong.request("GET", "/v1/health");
        QCOMPARE(result.status, 401);
        QCOMPARE(result.json()["code"].get<std::string>(), std::string("UNAUTHORIZED"));
        const Json health = engine.http().request("GET", "/v1/health").json();
        QCOMPARE(health["status"].get<std::string>(), std::string("healthy"));
        // Which limits apply is reported, with the reason when cgroup limits are off.
        QVERIFY(health["limits"]["rlimits"].get<bool>());
        QVERIFY(health["limits"]["cgroup"].get<bool>() || !health["limits"]["cgroupNote"].get<std::string>().empty());
    }

    void foreignHostIsRefused()
    {
        const auto result = engine.http().request("GET", "/v1/health", {}, {{"Host", "evil.example.com"}});
        QCOMPARE(result.status, 403);
        QCOMPARE(result.json()["code"].get<std::string>(), std::string("FORBIDDEN_HOST"));
    }

    void badInputGetsTheErrorEnvelope()
    {
        auto &http = engine.http();
        const auto badId = http.request("PUT", "/v1/sandboxes/Not_Valid");
        QCOMPARE(badId.status, 400);
        QCOMPARE(badId.json()["code"].get<std::string>(), std::string("INVALID_SANDBOX_ID"));
        QCOMPARE(http.request("PUT", "/v1/sandboxes/" + std::string(64, 'a')).status, 400);
        QCOMPARE(http.request("PUT", "/v1/sandboxes/-leading").status, 400);

        const auto malformed = http.request("PUT", "/v1/sandboxes/inputs", "{not json");
        QCOMPARE(malformed.status, 400);
        QCOMPARE(malformed.json()["code"].get<std::string>(), std::string("VALIDATION_FAILED"));
        QCOMPARE(http.request("PUT", "/v1/sandboxes/inputs", R"({"sleepAfter":"soon"})").status, 400);

        const auto unknown = http.request("GET", "/v1/nothing-here");
        QCOMPARE(unknown.status, 404);
        QVERIFY(unknown.json().contains("message"));
        QCOMPARE(http.request("GET", "/v1/sandboxes/never-made").status, 404);
        // A known path with a verb it does not take: 405 naming both.
        const auto wrongVerb = http.request("GET", "/v1/sandboxes/never-made/start");
        QCOMPARE(wrongVerb.status, 405);
        QCOMPARE(wrongVerb.json().value("code", ""), std::string("METHOD_NOT_ALLOWED"));
        QVERIFY(wrongVerb.json().value("message", "").find("GET") != std::string::npos);
        QCOMPARE(http.request("POST", "/v1/sandboxes").status, 405);

        QCOMPARE(http.request("PUT", "/v1/sandboxes/inputs", "{}").status, 200);
        const auto badJson = http.request("POST", "/v1/sandboxes/inputs/api/execute", "{oops");
        QCOMPARE(badJson.status, 400);
        QVERIFY(badJson.json().contains("code"));
        const auto emptySession = http.requestJson("POST", "/v1/sandboxes/inputs/api/process/start",
                                                   Json{{"command", "true"}, {"sessionId", "  "}});
        QCOMPARE(emptySession.status, 400);
        const auto agentUnknown = http.request("GET", "/v1/sandboxes/inputs/api/unknown/route");
        QCOMPARE(agentUnknown.status, 404);
        QCOMPARE(agentUnknown.json()["code"].get<std::string>(), std::string("UNKNOWN_ERROR"));

        // 65 MiB body: refused with 413 before it is read whole.
        auto big = engine.newClient();
        const auto tooLarge = big.request("POST", "/v1/sandboxes/inputs/api/execute", std::string(65u << 20, 'x'));
        QCOMPARE(tooLarge.status, 413);
        QCOMPARE(tooLarge.json()["code"].get<std::string>(), std::string("PAYLOAD_TOO_LARGE"));

        // The engine keeps serving after all of that.
        QCOMPARE(engine.http().request("GET", "/v1/health").status, 200);
        QCOMPARE(engine.exec("inputs", "echo still here")["stdout"].get<std::string>(), std::string("still here"));
    }

    void connectionFloodDoesNotStarveOthers()
    {
        // 600 idle connections (more than a default 512/1024 descriptor limit would leave room for).
        boost::asio::io_context io;
        std::vector<boost::asio::ip::tcp::socket> idle;
        const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                      static_cast<unsigned short>(engine.port()));
        for (int i = 0; i < 600; ++i) {
            idle.emplace_back(io);
            idle.back().connect(endpoint);
        }
        auto client = engine.newClient();
        const auto begin = std::chrono::steady_clock::now();
        QCOMPARE(client.request("GET", "/v1/health").status, 200);
        QVERIFY(std::chrono::steady_clock::now() - begin < std::chrono::seconds(1));
        idle.clear();
        QCOMPARE(client.request("GET", "/v1/sandboxes").status, 200);
    }

    // The interpreter's warm pool is a sandbox option; the agent keeps that many runners ready.
    void interpreterPoolIsASandboxOption()
    {
        auto &http = engine.http();
        QCOMPARE(http.request("PUT", "/v1/sandboxes/pool", R"({"interpreterPool":{"python":9}})").status, 400);
        QCOMPARE(http.request("PUT", "/v1/sandboxes/pool", R"({"interpreterPool":{"ruby":1}})").status, 400);
        QCOMPARE(http.request("PUT", "/v1/sandboxes/pool", R"({"interpreterPool":[1]})").status, 400);
        const auto created = http.request("PUT", "/v1/sandboxes/pool", R"({"interpreterPool":{"python":0,"javascript":2}})");
        QCOMPARE(created.status, 200);
        QCOMPARE(created.json()["sandbox"]["interpreterPool"], Json({{"python", 0}, {"javascript", 2}}));
        Json pool;
        for (int i = 0; i < 100; ++i) {
            const Json health = http.request("GET", "/v1/sandboxes/pool/api/interpreter/health").json();
            QVERIFY2(health.contains("pool"), health.dump().c_str());
            pool = health["pool"];
            if (pool["node"].value("ready", 0) == 2)
                break;
            QTest::qWait(100);
        }
        QCOMPARE(pool["node"].value("ready", 0), 2);
        QCOMPARE(pool["python"].value("ready", 0) + pool["python"].value("starting", 0), 0);
        // A change reaches the running agent (PATCH), and survives in sandbox.json.
        QCOMPARE(http.request("PATCH", "/v1/sandboxes/pool", R"({"interpreterPool":{"javascript":0}})").status, 200);
        QCOMPARE(http.request("GET", "/v1/sandboxes/pool").json()["sandbox"]["interpreterPool"]["javascript"].get<int>(), 0);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/pool").status, 200);
    }

    // Preview URLs: ports exposed with the SDK's rules, kept in sandbox.json (0600).
    void portsAreExposedKeptAndRevoked()
    {
        auto &http = engine.http();
        QCOMPARE(http.request("PUT", "/v1/sandboxes/ports", "{}").status, 200);
        engine.exec("ports", "nohup python3 -m http.server 8080 --bind 127.0.0.1 >/dev/null 2>&1 &");
        for (const char *bad : {R"({"port":3000})", R"({"port":80})", R"({"port":70000})", R"({"port":"8080"})", "{}"}) {
            const auto refused = http.request("POST", "/v1/sandboxes/ports/ports", bad);
            QCOMPARE(refused.status, 400);
            QCOMPARE(refused.json()["code"].get<std::string>(), std::string("INVALID_PORT"));
        }
        QVERIFY(http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":3000})").json()["message"].get<std::string>().find("3000") !=
                std::string::npos);
        QCOMPARE(http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080,"token":"Upper"})").status, 400);
        QCOMPARE(http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080,"token":"seventeen_chars_x"})").status, 400);

        const auto exposed = http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080,"name":"site"})");
        QCOMPARE(exposed.status, 200);
        const std::string url = exposed.json()["url"];
        QVERIFY2(std::regex_match(url, std::regex(R"(http://8080-ports-[a-z0-9_]{16}\.localhost:\d+/)")), url.c_str());
        // Again without a token: the same URL; with one: rotated; another port's token: refused.
        QCOMPARE(http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080})").json()["url"].get<std::string>(), url);
        QCOMPARE(http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":9090,"token":"other"})").status, 200);
        const auto taken = http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080,"token":"other"})");
        QCOMPARE(taken.status, 409);
        QCOMPARE(taken.json()["code"].get<std::string>(), std::string("TOKEN_IN_USE"));
        const auto rotated = http.request("POST", "/v1/sandboxes/ports/ports", R"({"port":8080,"token":"fresh_1"})");
        QCOMPARE(rotated.json()["url"].get<std::string>().find("8080-ports-fresh_1.localhost:"), std::size_t{7});

        Json listed;
        for (int i = 0; i < 50; ++i) { // the server may still be starting
            listed = http.request("GET", "/v1/sandboxes/ports/ports").json();
            if (listed["ports"][0].value("listening", false))
                break;
            QTest::qWait(100);
        }
        QCOMPARE(listed["ports"].size(), std::size_t{2});
        QCOMPARE(listed["ports"][0]["name"].get<std::string>(), std::string("site"));
        QCOMPARE(listed["ports"][0]["listening"].get<bool>(), true);
        QCOMPARE(listed["ports"][1]["listening"].get<bool>(), false);

        QCOMPARE(http.request("DELETE", "/v1/sandboxes/ports/ports/9090").status, 200);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/ports/ports/9090").status, 200); // revoking twice is fine
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/ports/ports/22").status, 400);
        QFile state(engine.stateDir() + "/sandboxes/ports/sandbox.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const QByteArray saved = state.readAll();
        QVERIFY(saved.contains("fresh_1"));
        QVERIFY(!saved.contains("\"other\""));
        QCOMPARE(QFileInfo(state).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/ports").status, 200);
    }

    // A port that starts or stops listening inside a sandbox is announced on the event stream.
    void listeningPortsAreAnnounced()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/listens", "{}").status, 200);
        std::vector<Json> seen;
        std::thread trigger([this] {
            QThread::msleep(300);
            auto http = engine.newClient();
            http.requestJson("POST", "/v1/sandboxes/listens/api/process/start",
                             Json{{"command", "python3 -m http.server 8123 --bind 127.0.0.1"}, {"processId", "web"}});
            QThread::msleep(2500);
            http.request("DELETE", "/v1/sandboxes/listens/api/process/web");
            QThread::msleep(2500);
            http.request("PUT", "/v1/sandboxes/listens-done", "{}"); // ends the wait if nothing came
        });
        auto client = engine.newClient();
        client.streamEvents("GET", "/v1/events", {}, [&](const Json &event) {
            if (event.value("type", "") == "sandbox.listening" && event.value("id", "") == "listens")
                seen.push_back(event);
            const bool closed = !seen.empty() && seen.back()["closed"] == Json::array({8123});
            return !closed && event.value("id", "") != "listens-done";
        });
        trigger.join();
        QVERIFY(seen.size() >= 2);
        QCOMPARE(seen.front()["opened"], Json::array({8123}));
        QCOMPARE(seen.front()["ports"], Json::array({8123}));
        QCOMPARE(seen.back()["closed"], Json::array({8123}));
        QCOMPARE(seen.back()["ports"], Json::array());
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/listens").status, 200);
        engine.http().request("DELETE", "/v1/sandboxes/listens-done");
    }

    // Preview URLs reach the exposed port in the sandbox's own network, and nothing else.
    void previewHostsReachTheSandboxesPortOnly()
    {
        auto &http = engine.http();
        const auto port = static_cast<quint16>(engine.port());
        QCOMPARE(http.request("PUT", "/v1/sandboxes/preview", "{}").status, 200);
        // A server that answers with the Host it saw and the path it was asked for.
        http.requestJson("POST", "/v1/sandboxes/preview/api/write", Json{{"path", "/workspace/echo.py"}, {"content",
            "import http.server\n"
            "class Echo(http.server.BaseHTTPRequestHandler):\n"
            "    def do_GET(self):\n"
            "        body = ('host=' + self.headers['Host'] + ' path=' + self.path).encode()\n"
            "        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()\n"
            "        self.wfile.write(body)\n"
            "http.server.HTTPServer(('127.0.0.1', 8088), Echo).serve_forever()\n"}});
        http.requestJson("POST", "/v1/sandboxes/preview/api/process/start",
                         Json{{"command", "python3 /workspace/echo.py"}, {"processId", "echo"}});
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/ports", R"({"port":8088,"token":"tok_a"})").status, 200);
        const std::string host = "8088-preview-tok_a.localhost";
        std::string answer;
        for (int i = 0; i < 50 && answer.find("200 OK") == std::string::npos; ++i) {
            answer = previewGet(port, host, "/v1/sandboxes?x=1");
            QTest::qWait(100);
        }
        QVERIFY2(answer.find("HTTP/1.0 200 OK") == 0, answer.c_str());
        // The service sees the preview host, and /v1/... on a preview host is its own path.
        QVERIFY2(answer.find("host=" + host + ":" + std::to_string(port) + " path=/v1/sandboxes?x=1") != std::string::npos,
                 answer.c_str());

        // Wrong token, a port not exposed, a rotated and a revoked token: one 404, no hint.
        for (const std::string &wrong : {"8088-preview-tok_b.localhost", "8089-preview-tok_a.localhost",
                                         "8088-nosuchbox-tok_a.localhost"}) {
            const std::string refused = previewGet(port, wrong);
            QVERIFY2(refused.find("HTTP/1.1 404") == 0, refused.c_str());
            QVERIFY(refused.find("INVALID_TOKEN") != std::string::npos);
        }
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/ports", R"({"port":8088,"token":"tok_c"})").status, 200);
        QVERIFY(previewGet(port, host).find("HTTP/1.1 404") == 0);
        QVERIFY(previewGet(port, "8088-preview-tok_c.localhost").find("200 OK") != std::string::npos);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/preview/ports/8088").status, 200);
        QVERIFY(previewGet(port, "8088-preview-tok_c.localhost").find("HTTP/1.1 404") == 0);

        // The engine's own port, seen from inside the sandbox, is the sandbox's loopback:
        // nothing listens there (502), the engine is never reached.
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/ports",
                              Json{{"port", port}, {"token", "engine"}}.dump()).status, 200);
        const std::string engineThrough = previewGet(port, std::to_string(port) + "-preview-engine.localhost", "/v1/health");
        QVERIFY2(engineThrough.find("HTTP/1.1 502") == 0, engineThrough.c_str());
        QVERIFY(engineThrough.find("is not listening yet") != std::string::npos);
        QVERIFY(engineThrough.find("version") == std::string::npos);
        // Requests with a preview host never reach the API, whatever token they carry.
        const std::string withToken = rawRequest(port, "GET /v1/sandboxes HTTP/1.1\r\nHost: 8088-preview-zzz.localhost:" +
                                                           std::to_string(port) + "\r\nAuthorization: Bearer " +
                                                           engine.address().token + "\r\nConnection: close\r\n\r\n");
        QVERIFY2(withToken.find("HTTP/1.1 404") == 0, withToken.c_str());

        // A stopped sandbox starts for its preview.
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/ports", R"({"port":8088,"token":"tok_d"})").status, 200);
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/stop").status, 200);
        const std::string afterStop = previewGet(port, "8088-preview-tok_d.localhost");
        QVERIFY2(afterStop.find("HTTP/1.1 502") == 0, afterStop.c_str()); // started; the server did not come back
        QCOMPARE(http.request("GET", "/v1/sandboxes/preview").json()["sandbox"]["status"].get<std::string>(),
                 std::string("running"));
        // Unless its previewAutostart is off: then a page says so, and it stays stopped.
        QCOMPARE(http.request("PATCH", "/v1/sandboxes/preview", R"({"previewAutostart":false})").status, 200);
        QCOMPARE(http.request("POST", "/v1/sandboxes/preview/stop").status, 200);
        const std::string kept = previewGet(port, "8088-preview-tok_d.localhost");
        QVERIFY2(kept.find("HTTP/1.1 503") == 0 && kept.find("previewAutostart is off") != std::string::npos, kept.c_str());
        const Json stopped = http.request("GET", "/v1/sandboxes/preview").json()["sandbox"];
        QCOMPARE(stopped["status"].get<std::string>(), std::string("stopped"));
        QCOMPARE(stopped["previewAutostart"].get<bool>(), false);
        QCOMPARE(http.request("PATCH", "/v1/sandboxes/preview", R"({"previewAutostart":"no"})").status, 400);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/preview").status, 200);
    }

    void createExecStopAndLazyRestart()
    {
        auto &http = engine.http();
        const Json created = http.requestJson("PUT", "/v1/sandboxes/life", Json{{"envVars", {{"GREETING", "hello"}}}}).json();
        QCOMPARE(created["sandbox"]["status"].get<std::string>(), std::string("running"));
        Json result = engine.exec("life", "echo $GREETING; pwd; echo kept > file.txt");
        QCOMPARE(result["stdout"].get<std::string>(), std::string("hello\n/workspace"));
        QCOMPARE(result["exitCode"].get<int>(), 0);

        QCOMPARE(http.request("POST", "/v1/sandboxes/life/stop").status, 200);
        QCOMPARE(status("life"), std::string("stopped"));
        // The next protocol call starts it again; the workspace survived.
        result = engine.exec("life", "cat file.txt");
        QCOMPARE(result["stdout"].get<std::string>(), std::string("kept"));
        QCOMPARE(status("life"), std::string("running"));
        const Json list = get("/v1/sandboxes");
        QVERIFY(list["sandboxes"].dump().find("\"life\"") != std::string::npos);
    }

    void othersAreServedWhileASandboxStarts()
    {
        // bwrap's start runs off the engine's thread: a request that comes meanwhile is
        // answered and sees "starting" (before, the engine answered nothing until it ran).
        bool sawStarting = false;
        for (int attempt = 0; attempt < 5 && !sawStarting; ++attempt) {
            const std::string id = "slow-start-" + std::to_string(attempt);
            std::atomic<bool> created = false;
            std::thread creator([&] {
                auto own = client::HttpClient(engine.address());
                created = own.request("PUT", "/v1/sandboxes/" + id, "{}").status == 200;
            });
            auto watcher = client::HttpClient(engine.address());
            while (!created && !sawStarting) {
                const auto reply = watcher.request("GET", "/v1/sandboxes/" + id);
                sawStarting = reply.status == 200 && reply.json()["sandbox"].value("status", "") == "starting";
            }
            creator.join();
            QVERIFY(created);
            engine.http().request("DELETE", "/v1/sandboxes/" + id);
        }
        QVERIFY2(sawStarting, "no request was answered while a sandbox started");
    }

    void anEngineStoppedWhileASandboxStartsLeavesNothing()
    {
        // The start runs on a worker thread: an engine told to stop meanwhile must end what
        // it started, not leave a sandbox that no engine knows of.
        auto runsSomewhere = [](const std::string &id) {
            const std::string needle = std::string("--hostname") + '\0' + id + '\0';
            for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
                std::ifstream file(entry.path() / "cmdline", std::ios::binary);
                const std::string cmdline((std::istreambuf_iterator<char>(file)), {});
                if (cmdline.find(needle) != std::string::npos)
                    return true;
            }
            return false;
        };
        test::EngineHarness own;
        own.stopSandboxesOnExit = false; // running sandboxes would stay: one that was starting must not
        QString error;
        QVERIFY2(own.start(&error), qPrintable(error));
        for (int attempt = 0; attempt < 6; ++attempt) {
            const std::string id = "cut-short-" + std::to_string(attempt);
            std::thread creator([&] {
                try {
                    QThread::msleep(100); // once the event stream below is open
                    own.newClient().request("PUT", "/v1/sandboxes/" + id, "{}");
                } catch (const std::exception &) {
                    // the engine went away mid-request
                }
            });
            // Stopped as soon as the start begins (then, a few ms later, on later attempts).
            own.newClient().streamEvents("GET", "/v1/events", {}, [&](const Json &event) {
                return !(event.value("id", "") == id && event.value("status", "") == "starting");
            });
            QThread::msleep(2 * attempt);
            own.stop();
            creator.join();
            // What runs now is a sandbox the engine knows: one whose start finished before
            // the stop (a later attempt, on a quick machine) is re-adopted as running.
            QTest::qWait(300);
            const bool stillRuns = runsSomewhere(id);
            QVERIFY2(own.start(&error), qPrintable(error));
            if (stillRuns) {
                const auto known = own.http().request("GET", "/v1/sandboxes/" + id);
                QVERIFY2(known.status == 200 && known.json()["sandbox"]["status"] == "running", id.c_str());
            }
            QCOMPARE(own.http().request("DELETE", "/v1/sandboxes/" + id).status, 200);
            QTRY_VERIFY2_WITH_TIMEOUT(!runsSomewhere(id), id.c_str(), 3000);
        }
        own.stopSandboxesOnExit = true;
    }

    void autostartCanBeDeclined()
    {
        auto &http = engine.http();
        QCOMPARE(http.request("PUT", "/v1/sandboxes/no-autostart", "{}").status, 200);
        QCOMPARE(http.request("POST", "/v1/sandboxes/no-autostart/stop").status, 200);
        const std::vector<std::pair<std::string, std::string>> decline = {{"X-Sandbench-Autostart", "no"}};
        const auto refused = http.request("POST", "/v1/sandboxes/no-autostart/api/execute", R"({"command":"true"})", decline);
        QCOMPARE(refused.status, 409);
        QVERIFY(refused.body.find("SANDBOX_NOT_RUNNING") != std::string::npos);
        QCOMPARE(http.request("GET", "/v1/sandboxes/no-autostart/files?path=/workspace/x", {}, decline).status, 409);
        QVERIFY(http.request("GET", "/v1/sandboxes/no-autostart").body.find("\"stopped\"") != std::string::npos);
        // Unknown ids are not created either.
        QCOMPARE(http.request("POST", "/v1/sandboxes/never-made/api/execute", R"({"command":"true"})", decline).status, 404);
        QCOMPARE(http.request("GET", "/v1/sandboxes/never-made").status, 404);
        // A known path with a verb it does not take: 405 naming both.
        const auto wrongVerb = http.request("GET", "/v1/sandboxes/never-made/start");
        QCOMPARE(wrongVerb.status, 405);
        QCOMPARE(wrongVerb.json().value("code", ""), std::string("METHOD_NOT_ALLOWED"));
        QVERIFY(wrongVerb.json().value("message", "").find("GET") != std::string::npos);
        QCOMPARE(http.request("POST", "/v1/sandboxes").status, 405);
        // Without the header, the SDK's behaviour: the call starts it.
        QCOMPARE(http.request("POST", "/v1/sandboxes/no-autostart/api/execute", R"({"command":"true"})").status, 200);
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/no-autostart").status, 200);
    }

    void envVarsPatchReachesNewSessions()
    {
        auto &http = engine.http();
        http.request("PUT", "/v1/sandboxes/envs", "{}");
        QCOMPARE(http.requestJson("PATCH", "/v1/sandboxes/envs", Json{{"envVars", {{"LATER", "patched"}}}}).status, 200);
        QCOMPARE(engine.exec("envs", "echo [$LATER]", Json{{"sessionId", "new-session"}})["stdout"].get<std::string>(),
                 std::string("[patched]"));
        QCOMPARE(engine.exec("envs", "echo [$LATER]", Json{{"sessionId", "__DISABLE_SESSION__"}})["stdout"].get<std::string>(),
                 std::string("[patched]\n"));
    }

    void sessionTerminationIs410()
    {
        const auto result = engine.http().requestJson("POST", "/v1/sandboxes/life/api/execute",
                                                      Json{{"command", "exit 3"}, {"sessionId", "s1"}});
        QCOMPARE(result.status, 410);
        QCOMPARE(result.json()["code"].get<std::string>(), std::string("SESSION_TERMINATED"));
    }

    void streamingPassesThroughUnbuffered()
    {
        auto client = engine.newClient();
        std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> events;
        const int status = client.streamEvents("POST", "/v1/sandboxes/life/api/execute/stream",
                                               Json{{"command", "echo one; sleep 1; echo two"}}.dump(),
                                               [&](const Json &event) {
            events.emplace_back(event.value("type", ""), std::chrono::steady_clock::now());
            return true;
        });
        QCOMPARE(status, 200);
        QVERIFY(events.size() >= 4);
        QCOMPARE(events.front().first, std::string("start"));
        QCOMPARE(events.back().first, std::string("complete"));
        // "one" arrived about a second before "two": nothing was held back.
        QVERIFY(events[2].second - events[1].second > std::chrono::milliseconds(700));
    }

    void idleSandboxSleepsUnlessKeptAlive()
    {
        auto &http = engine.http();
        http.requestJson("PUT", "/v1/sandboxes/sleepy", Json{{"sleepAfter", "2s"}});
        http.requestJson("PUT", "/v1/sandboxes/awake", Json{{"sleepAfter", "2s"}, {"keepAlive", true}});
        // A stream longer than sleepAfter keeps it awake while it runs.
        auto client = engine.newClient();
        std::string output;
        client.streamEvents("POST", "/v1/sandboxes/sleepy/api/execute/stream",
                            Json{{"command", "sleep 3; printf done"}}.dump(), [&](const Json &event) {
            if (event.value("type", "") == "stdout")
                output += event.value("data", "");
            return true;
        });
        QCOMPARE(output, std::string("done\n"));
        QVERIFY(waitForStatus("sleepy", "stopped", 10000));
        QCOMPARE(status("awake"), std::string("running"));
    }

    void eventsStreamReportsChanges()
    {
        auto client = engine.newClient();
        std::vector<Json> seen;
        std::thread trigger([this] {
            QThread::msleep(300);
            auto http = engine.newClient();
            http.request("PUT", "/v1/sandboxes/evented", "{}");
        });
        client.streamEvents("GET", "/v1/events", {}, [&](const Json &event) {
            seen.push_back(event);
            return !(event.value("id", "") == "evented" && event.value("status", "") == "running");
        });
        trigger.join();
        QVERIFY(std::any_of(seen.begin(), seen.end(), [](const Json &e) { return e["type"] == "sandbox.created"; }));
    }

    void stopDuringARequestIsNotAFailure()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/stop-race", "{}").status, 200);
        // A request waiting on the agent when Stop comes must not mark the sandbox failed.
        std::thread waiting([this] {
            auto client = engine.newClient();
            const auto result = client.request("POST", "/v1/sandboxes/stop-race/api/execute", R"({"command":"sleep 5"})");
            QVERIFY(result.body.find("SANDBOX_NOT_RUNNING") != std::string::npos);
        });
        QTest::qWait(500);
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/stop-race/stop").status, 200);
        waiting.join();
        QVERIFY(engine.http().request("GET", "/v1/sandboxes/stop-race").body.find("\"stopped\"") != std::string::npos);
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/stop-race").status, 200);
    }

    void deadAgentIsMarkedAndRestarted()
    {
        auto &http = engine.http();
        http.request("PUT", "/v1/sandboxes/fragile", "{}");
        // PID 2 in the sandbox is the agent (PID 1 is bwrap's init): killing it ends the sandbox.
        engine.exec("fragile", "kill -9 2", Json{{"sessionId", "__DISABLE_SESSION__"}});
        QVERIFY(waitForStatus("fragile", "failed", 5000));
        const Json result = engine.exec("fragile", "echo back");
        QCOMPARE(result["stdout"].get<std::string>(), std::string("back"));
        QCOMPARE(status("fragile"), std::string("running"));
    }

    void runningSandboxesAreReadoptedAfterEngineCrash()
    {
        engine.http().request("PUT", "/v1/sandboxes/durable", "{}");
        engine.exec("durable", "export SURVIVOR=yes", Json{{"sessionId", "kept"}});
        engine.stop(/*kill=*/true);
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(status("durable"), std::string("running"));
        // Same agent, same shell: the session's state is still there.
        QCOMPARE(engine.exec("durable", "echo $SURVIVOR", Json{{"sessionId", "kept"}})["stdout"].get<std::string>(),
                 std::string("yes"));
    }

    void destroyRemovesEverything()
    {
        auto &http = engine.http();
        http.request("PUT", "/v1/sandboxes/doomed", "{}");
        QCOMPARE(http.request("DELETE", "/v1/sandboxes/doomed").status, 200);
        QCOMPARE(http.request("GET", "/v1/sandboxes/doomed").status, 404);
        QVERIFY(!QFileInfo::exists(engine.stateDir() + "/sandboxes/doomed"));
    }

    void cleanupTestCase()
    {
        auto &http = engine.http();
        for (const auto &sandbox : get("/v1/sandboxes")["sandboxes"])
            http.request("DELETE", "/v1/sandboxes/" + sandbox["id"].get<std::string>());
    }
};

QTEST_GUILESS_MAIN(EngineApiTest)
#include "EngineApiTest.moc"
