// WatchService with real inotify on a temporary workspace: validation,
// events, recursion, filters, coalescing, overflow, checkChanges, release.
#include "agent/FileService.h"
#include "agent/SessionService.h"
#include "agent/WatchService.h"
#include "protocol/Protocol.h"
#include "support/EngineHarness.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <regex>

#undef emit // Qt keyword; cancellation_signal::emit is meant here

using namespace sandbench;
using namespace sandbench::agent;

class WatchServiceTest : public QObject {
    Q_OBJECT

private:
    struct Watching {
        std::vector<Json> events;
        boost::asio::cancellation_signal cancel;
        bool done = false;
        std::vector<Json> of(const std::string &type) const
        {
            std::vector<Json> found;
            for (const auto &event : events)
                if (event.value("eventType", event.value("type", "")) == type)
                    found.push_back(event);
            return found;
        }
        bool has(const std::string &type, const std::string &path) const
        {
            for (const auto &event : of(type))
                if (event.value("path", "") == path)
                    return true;
            return false;
        }
    };

    boost::asio::io_context io;
    QTemporaryDir workspace;
    AgentConfig config;
    std::unique_ptr<WatchService> watches;
    std::string root;

    std::string at(const std::string &relative) const { return root + "/" + relative; }

    void writeFile(const std::string &path, const std::string &content)
    {
        QDir().mkpath(QFileInfo(QString::fromStdString(path)).path());
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content.data(), static_cast<qint64>(content.size()));
    }

    std::unique_ptr<Watching> startWatch(const Json &body)
    {
        auto watching = std::make_unique<Watching>();
        Watching *raw = watching.get();
        boost::asio::co_spawn(io, watches->watch(parseWatchRequest(body, root), [raw](const Json &event) -> asio::awaitable<bool> {
            raw->events.push_back(event);
            co_return true;
        }), boost::asio::bind_cancellation_slot(raw->cancel.slot(), [raw](std::exception_ptr) { raw->done = true; }));
        test::pump(io, 50);
        return watching;
    }

    void stopWatch(Watching &watching)
    {
        watching.cancel.emit(boost::asio::cancellation_type::terminal);
        for (int i = 0; i < 50 && !watching.done; ++i)
            test::pump(io, 10);
        QVERIFY(watching.done);
    }

private slots:
    void initTestCase()
    {
        root = workspace.path().toStdString();
        config.workspace = root;
        watches = std::make_unique<WatchService>(io.get_executor(), config);
    }

    void requestsAreValidated()
    {
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", root}, {"include", {"*.ts"}}, {"exclude", {"x"}}}, root); }),
                 std::string("VALIDATION_FAILED"));
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", root}, {"include", Json::array()}, {"exclude", {"x"}}}, root); }),
                 std::string("no error"));
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", root}, {"include", {"src/[ab]"}}}, root); }),
                 std::string("VALIDATION_FAILED"));
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", "/etc"}}, root); }), std::string("PERMISSION_DENIED"));
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", root + "/../.."}}, root); }), std::string("PERMISSION_DENIED"));
        QCOMPARE(test::errorCodeOf([&] { parseWatchRequest(Json{{"path", "missing-dir"}}, root); }), std::string("FILE_NOT_FOUND"));
        QCOMPARE(parseWatchRequest(Json{{"path", "."}}, root).path, root);
        QCOMPARE(parseWatchRequest(Json{{"path", root}}, root).exclude.size(), std::size_t(3)); // default excludes
    }

    void globsMatchWholeSegments()
    {
        auto matches = [](const std::string &glob, const std::string &path) {
            return std::regex_search(path, std::regex(globToRegex(glob)));
        };
        QVERIFY(matches("*.ts", "/w/a/b/c.ts"));
        QVERIFY(!matches("*.ts", "/w/a/c.tsx"));
        QVERIFY(matches("node_modules", "/w/node_modules/x/y.js"));
        QVERIFY(matches("src/**/*.js", "/w/src/a/b/c.js"));
        QVERIFY(matches("?.md", "/w/a.md"));
        QVERIFY(!matches("?.md", "/w/ab.md"));
    }

    void watchingFirstThenCreateModifyDelete()
    {
        QDir().mkpath(QString::fromStdString(at("basic")));
        auto watching = startWatch(Json{{"path", at("basic")}});
        QCOMPARE(watching->events.front()["type"].get<std::string>(), std::string("watching"));
        QCOMPARE(watching->events.front()["path"].get<std::string>(), at("basic"));
        QVERIFY(watching->events.front()["watchId"].get<std::string>().rfind("watch-", 0) == 0);
        writeFile(at("basic/newfile.txt"), "one");
        test::pump(io, 200);
        QVERIFY(watching->has("create", at("basic/newfile.txt")));
        writeFile(at("basic/newfile.txt"), "two");
        test::pump(io, 200);
        QVERIFY(watching->has("modify", at("basic/newfile.txt")));
        QFile::remove(QString::fromStdString(at("basic/newfile.txt")));
        test::pump(io, 200);
        QVERIFY(watching->has("delete", at("basic/newfile.txt")));
        stopWatch(*watching);
    }

    void atomicApiWritesAreCreateThenModify()
    {
        QTemporaryDir scratch;
        AgentConfig fileConfig = config;
        fileConfig.scratchDir = scratch.path().toStdString();
        SessionService sessions(io.get_executor(), fileConfig);
        FileService files(fileConfig, sessions);
        QDir().mkpath(QString::fromStdString(at("api")));
        auto watching = startWatch(Json{{"path", at("api")}});
        files.write(Json{{"path", at("api/config.json")}, {"content", "{}"}});
        test::pump(io, 150);
        files.write(Json{{"path", at("api/config.json")}, {"content", "{\"a\":1}"}});
        test::pump(io, 150);
        std::vector<std::string> seen;
        for (const auto &event : watching->events)
            if (event["type"] == "event")
                seen.push_back(event["eventType"].get<std::string>() + " " + event["path"].get<std::string>());
        const std::vector<std::string> expected = {"create " + at("api/config.json"), "modify " + at("api/config.json")};
        QVERIFY2(seen == expected, qPrintable(QString::fromStdString(Json(seen).dump()))); // nothing about the temporary files
        stopWatch(*watching);
    }

    void newSubdirectoriesAreWatched()
    {
        QDir().mkpath(QString::fromStdString(at("tree")));
        auto watching = startWatch(Json{{"path", at("tree")}});
        QDir().mkpath(QString::fromStdString(at("tree/a/b")));
        writeFile(at("tree/a/b/early.txt"), "created right away");
        test::pump(io, 200);
        writeFile(at("tree/a/b/late.txt"), "created after the watch was added");
        test::pump(io, 200);
        QVERIFY(watching->has("create", at("tree/a")));
        QCOMPARE(watching->of("create").size() >= 3, true);
        QVERIFY(watching->has("create", at("tree/a/b/early.txt")));
        QVERIFY(watching->has("create", at("tree/a/b/late.txt")));
        for (const auto &event : watching->of("create"))
            if (event["path"] == at("tree/a"))
                QCOMPARE(event["isDirectory"].get<bool>(), true);
        stopWatch(*watching);
    }

    void defaultExcludesAndInclude()
    {
        QDir().mkpath(QString::fromStdString(at("proj/node_modules/pkg")));
        QDir().mkpath(QString::fromStdString(at("proj/.git")));
        auto defaults = startWatch(Json{{"path", at("proj")}});
        auto onlyTs = startWatch(Json{{"path", at("proj")}, {"include", {"*.ts"}}});
        writeFile(at("proj/node_modules/pkg/index.js"), "x");
        writeFile(at("proj/.git/HEAD"), "x");
        writeFile(at("proj/app.ts"), "x");
        writeFile(at("proj/readme.md"), "x");
        test::pump(io, 250);
        for (const auto &event : defaults->events) {
            const std::string path = event.value("path", "");
            QVERIFY2(path.find("node_modules") == std::string::npos && path.find(".git") == std::string::npos, path.c_str());
        }
        QVERIFY(defaults->has("create", at("proj/app.ts")));
        QVERIFY(onlyTs->has("create", at("proj/app.ts")));
        QVERIFY(!onlyTs->has("create", at("proj/readme.md")));
        stopWatch(*defaults);
        stopWatch(*onlyTs);
    }

    void movesArePairedByCookie()
    {
        QDir().mkpath(QString::fromStdString(at("moves")));
        writeFile(at("moves/before.txt"), "x");
        auto watching = startWatch(Json{{"path", at("moves")}});
        QVERIFY(QFile::rename(QString::fromStdString(at("moves/before.txt")), QString::fromStdString(at("moves/after.txt"))));
        test::pump(io, 200);
        const auto from = watching->of("move_from");
        const auto to = watching->of("move_to");
        QCOMPARE(from.size(), std::size_t(1));
        QCOMPARE(to.size(), std::size_t(1));
        QCOMPARE(from[0]["cookie"], to[0]["cookie"]);
        QCOMPARE(to[0]["path"].get<std::string>(), at("moves/after.txt"));
        stopWatch(*watching);
    }

    void burstsAreCoalesced()
    {
        QDir().mkpath(QString::fromStdString(at("burst")));
        auto watching = startWatch(Json{{"path", at("burst")}});
        QFile file(QString::fromStdString(at("burst/log.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 2000; ++i) {
            file.write("line\n");
            file.flush();
        }
        file.close();
        test::pump(io, 300);
        QVERIFY(watching->has("modify", at("burst/log.txt")));
        QVERIFY2(watching->of("modify").size() < 20,
                 qPrintable(QString("modify events: %1").arg(watching->of("modify").size())));
        stopWatch(*watching);
    }

    void overflowAsksForARescan()
    {
        QDir().mkpath(QString::fromStdString(at("flood")));
        auto watching = startWatch(Json{{"path", at("flood")}});
        // Without pumping the event loop nothing is read: the kernel queue (16384) overflows.
        for (int i = 0; i < 20000; ++i) {
            QFile file(QString::fromStdString(at("flood/f" + std::to_string(i))));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        test::pump(io, 500);
        const auto rescans = watching->of("rescan");
        QVERIFY(!rescans.empty());
        QCOMPARE(rescans.front()["reason"].get<std::string>(), std::string("overflow"));
        stopWatch(*watching);
    }

    void leavingReleasesTheWatcher()
    {
        test::pump(io, 50);
        QCOMPARE(watches->activeWatchers(), std::size_t(0));
        auto watching = startWatch(Json{{"path", root}});
        QCOMPARE(watches->activeWatchers(), std::size_t(1));
        stopWatch(*watching);
        QCOMPARE(watches->activeWatchers(), std::size_t(0));
    }

    void checkChangesVersions()
    {
        QDir().mkpath(QString::fromStdString(at("checked")));
        const Json body = {{"path", at("checked")}};
        const Json first = watches->check(body);
        QCOMPARE(first["status"].get<std::string>(), std::string("unchanged"));
        const std::string version = first["version"].get<std::string>();
        QVERIFY(std::regex_match(version, std::regex("^watch-\\d+-\\d+:0$")));
        Json since = body;
        since["since"] = version;
        QCOMPARE(watches->check(since)["status"].get<std::string>(), std::string("unchanged"));
        writeFile(at("checked/x.txt"), "x");
        test::pump(io, 100);
        const Json changed = watches->check(since);
        QCOMPARE(changed["status"].get<std::string>(), std::string("changed"));
        QVERIFY(changed["version"].get<std::string>() != version);
        since["since"] = "watch-999-1:0";
        QCOMPARE(watches->check(since)["status"].get<std::string>(), std::string("resync"));
        since["since"] = "";
        QCOMPARE(test::errorCodeOf([&] { watches->check(since); }), std::string("VALIDATION_FAILED"));
    }
};

QTEST_GUILESS_MAIN(WatchServiceTest)
#include "WatchServiceTest.moc"
