// The agent's backstop: when it decides a sandbox should end by itself (its state
// directory is gone, or nobody talked to it for sleepAfter plus a grace), and the
// settings the engine sends it.
#include "agent/Lifeline.h"
#include "protocol/Protocol.h"
#include "support/EngineHarness.h"

#include <QTemporaryDir>

#include <fcntl.h>
#include <unistd.h>
#include <QtTest>

using namespace sandbench;
using namespace sandbench::agent;
using std::chrono::seconds;

class LifelineTest : public QObject {
    Q_OBJECT

private:
    static auto now() { return std::chrono::steady_clock::now(); }

private slots:
    void aDeletedWorkspaceEndsTheSandbox()
    {
        QTemporaryDir dir;
        AgentConfig config;
        config.workspace = dir.path().toStdString() + "/workspace";
        QVERIFY(QDir().mkpath(QString::fromStdString(config.workspace)));
        Lifeline lifeline(config, {});
        QCOMPARE(lifeline.reasonToEnd(now()), std::string());
        QVERIFY(dir.remove());
        QVERIFY(lifeline.reasonToEnd(now()).find("workspace was deleted") != std::string::npos);
    }

    // A workspace in a disk image keeps its links when the image is deleted: the engine's
    // marker file, held as an O_PATH descriptor, tells instead.
    void aDeletedMarkerEndsTheSandbox()
    {
        QTemporaryDir dir;
        AgentConfig config;
        config.workspace = dir.path().toStdString();
        const std::string marker = dir.path().toStdString() + "/lifeline";
        QVERIFY(QFile(QString::fromStdString(marker)).open(QIODevice::WriteOnly));
        config.lifelineFd = open(marker.c_str(), O_PATH | O_CLOEXEC);
        QVERIFY(config.lifelineFd >= 0);
        Lifeline lifeline(config, {});
        QCOMPARE(lifeline.reasonToEnd(now()), std::string());
        QVERIFY(QFile::remove(QString::fromStdString(marker)));
        QVERIFY(lifeline.reasonToEnd(now()).find("state directory was deleted") != std::string::npos);
        close(config.lifelineFd);
    }

    void silenceLongerThanSleepAfterPlusGraceEndsIt()
    {
        QTemporaryDir dir;
        AgentConfig config;
        config.workspace = dir.path().toStdString();
        applySettings(config, {{"sleepAfter", 10}});
        Lifeline lifeline(config, {});
        QCOMPARE(lifeline.reasonToEnd(now() + seconds(10) + Lifeline::kGrace - seconds(1)), std::string());
        QVERIFY(!lifeline.reasonToEnd(now() + seconds(11) + Lifeline::kGrace).empty());
        // An open request (a stream, a terminal) is activity for as long as it lasts.
        lifeline.requestStarted();
        QCOMPARE(lifeline.reasonToEnd(now() + seconds(3600)), std::string());
        lifeline.requestEnded();
        QVERIFY(!lifeline.reasonToEnd(now() + seconds(3600)).empty());
        // keepAlive: the engine sends null.
        applySettings(config, {{"sleepAfter", nullptr}});
        QCOMPARE(lifeline.reasonToEnd(now() + seconds(3600 * 24)), std::string());
    }

    void watchCallsEndOnce()
    {
        QTemporaryDir dir;
        AgentConfig config;
        config.workspace = dir.path().toStdString() + "/gone";
        boost::asio::io_context io;
        std::vector<std::string> reasons;
        Lifeline lifeline(config, [&](const std::string &why) { reasons.push_back(why); });
        test::runAwait(io, lifeline.watch(std::chrono::milliseconds(10)));
        QCOMPARE(reasons.size(), std::size_t(1));
    }

    void settingsAreValidated()
    {
        AgentConfig config;
        applySettings(config, {{"envVars", {{"A", "1"}, {"B", "2"}}}});
        applySettings(config, {{"envVars", {{"B", nullptr}}}});
        QCOMPARE(config.baseEnv.count("A"), std::size_t(1));
        QCOMPARE(config.baseEnv.count("B"), std::size_t(0));
        for (const auto &bad : {nlohmann::json::array(), nlohmann::json{{"envVars", {{"A=B", "x"}}}},
                                nlohmann::json{{"sleepAfter", -1}}, nlohmann::json{{"sleepAfter", "10m"}}})
            QCOMPARE(test::errorCodeOf([&] { applySettings(config, bad); }), std::string("VALIDATION_FAILED"));
    }
};

QTEST_GUILESS_MAIN(LifelineTest)
#include "LifelineTest.moc"
