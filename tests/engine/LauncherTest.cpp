// The bwrap command line, built by a pure function: what reaches the host-side
// bwrap process and what does not.
#include "engine/Launcher.h"

#include <QtTest>

#include <algorithm>

using namespace sandbench::engine;

class LauncherTest : public QObject {
    Q_OBJECT

private:
    static LaunchRequest request()
    {
        LaunchRequest launch("demo", SandboxPaths("/state/sandboxes/demo"), "/bin/agent");
        launch.envVars = {{"LD_PRELOAD", "/state/sandboxes/demo/workspace/evil.so"}, {"SECRET_VALUE", "s3cr3t"}};
        return launch;
    }

private slots:
    void sandboxVariablesNeverReachBwrap()
    {
        const auto args = buildBwrapArgs(request(), LaunchFds{});
        for (const auto &arg : args) {
            QVERIFY2(arg.find("evil.so") == std::string::npos, arg.c_str());
            QVERIFY2(arg.find("s3cr3t") == std::string::npos, arg.c_str());
            QVERIFY2(arg != "LD_PRELOAD" && arg != "SECRET_VALUE", arg.c_str());
        }
        for (const auto &entry : bwrapEnvironment()) {
            QVERIFY2(!entry.starts_with("LD_"), entry.c_str());
            QVERIFY2(entry.starts_with("PATH=") || entry.starts_with("LANG="), entry.c_str());
        }
    }

    void theAgentGetsAFixedEnvironmentAndTheVariablesDescriptor()
    {
        const LaunchFds fds;
        const auto args = buildBwrapArgs(request(), fds);
        const auto clear = std::find(args.begin(), args.end(), "--clearenv");
        QVERIFY(clear != args.end());
        const auto firstSetenv = std::find(args.begin(), args.end(), "--setenv");
        QVERIFY(clear < firstSetenv);
        auto valueOf = [&](const std::string &name) -> std::string {
            for (std::size_t i = 0; i + 2 < args.size(); ++i)
                if (args[i] == "--setenv" && args[i + 1] == name)
                    return args[i + 2];
            return "(unset)";
        };
        QCOMPARE(valueOf("SANDBENCH_SETTINGS_FD"), std::to_string(fds.settings));
        QCOMPARE(valueOf("SANDBENCH_LISTEN_FD"), std::string("3"));
        QCOMPARE(valueOf("HOSTNAME"), std::string("demo"));
        QCOMPARE(valueOf("HOME"), std::string("/root"));
    }

    void theCommandIsTheAgentAfterTheOptions()
    {
        const auto args = buildBwrapArgs(request(), LaunchFds{});
        QVERIFY(args.size() > 2);
        QCOMPARE(args[args.size() - 2], std::string("--"));
        QCOMPARE(args.back(), std::string("/.sandbench/sandbench-agent"));
        const auto hostname = std::find(args.begin(), args.end(), "--hostname");
        QVERIFY(hostname != args.end());
        QCOMPARE(*(hostname + 1), std::string("demo"));
    }

    // The mount list: what is bound where, in an order where nothing covers what matters.
    void theMountsKeepTheirOrderAndSizes()
    {
        LaunchRequest launch = request();
        launch.memoryBytes = 1024ull << 20;
        const auto mounts = sandboxMounts(launch, LaunchFds{});
        auto position = [&mounts](const std::string &target) {
            const auto found = std::find_if(mounts.begin(), mounts.end(), [&](const Mount &m) { return m.target == target; });
            return found == mounts.end() ? -1 : static_cast<int>(found - mounts.begin());
        };
        QVERIFY(position("/usr") == 0);
        QVERIFY(position("/etc") < position("/etc/passwd"));
        QVERIFY(position("/home") < position("/workspace"));
        QCOMPARE(mounts.back(), (Mount{Mount::Kind::remountRo, {}, "/", 0}));
        for (const Mount &mount : mounts)
            if (mount.kind == Mount::Kind::tmpfs)
                QVERIFY2(mount.sizeBytes > 0, mount.target.c_str()); // every tmpfs has a size
        const auto tmp = std::find_if(mounts.begin(), mounts.end(), [](const Mount &m) { return m.target == "/tmp"; });
        QCOMPARE(tmp->sizeBytes, std::uint64_t(256) << 20); // a quarter of the memory limit
        QCOMPARE(mounts[position("/workspace")], (Mount{Mount::Kind::bindFd, std::to_string(LaunchFds{}.workspace), "/workspace", 0}));
    }

    void aFeaturesMountsComeBeforeTheRootTurnsReadOnly()
    {
        LaunchRequest launch = request();
        launch.extraMounts = {{Mount::Kind::bind, "/srv/bucket", "/mnt/bucket", 0}};
        const auto mounts = sandboxMounts(launch, LaunchFds{});
        const auto extra = std::find(mounts.begin(), mounts.end(), launch.extraMounts[0]);
        QVERIFY(extra != mounts.end());
        QVERIFY(std::find_if(mounts.begin(), extra, [](const Mount &m) { return m.kind == Mount::Kind::remountRo; }) ==
                extra); // nothing turned read-only before it
        const auto args = mountArgs({launch.extraMounts[0]});
        QCOMPARE(args, (std::vector<std::string>{"--bind", "/srv/bucket", "/mnt/bucket"}));
    }

    void aFeaturesMountsAreChecked_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("problem");
        const int bind = static_cast<int>(Mount::Kind::bind), tmpfs = static_cast<int>(Mount::Kind::tmpfs);
        QTest::newRow("relative") << bind << "/srv/a" << "mnt/a" << "absolute";
        QTest::newRow("dot-dot") << bind << "/srv/a" << "/mnt/../etc" << "plain path";
        QTest::newRow("double slash") << bind << "/srv/a" << "/mnt//a" << "plain path";
        QTest::newRow("proc") << bind << "/srv/a" << "/proc/sys" << "under /proc/";
        QTest::newRow("agent") << bind << "/srv/a" << "/.sandbench/x" << "under /.sandbench/";
        QTest::newRow("workspace itself") << bind << "/srv/a" << "/workspace" << "cannot be /workspace";
        QTest::newRow("unsized tmpfs") << tmpfs << "" << "/mnt/scratch" << "needs a size";
        QTest::newRow("relative source") << bind << "srv/a" << "/mnt/a" << "absolute host path";
        QTest::newRow("remount") << static_cast<int>(Mount::Kind::remountRo) << "" << "/mnt" << "not a mount";
        QTest::newRow("fine") << bind << "/srv/a" << "/workspace/data" << "";
    }

    void aFeaturesMountsAreChecked()
    {
        QFETCH(int, kind);
        QFETCH(QString, source);
        QFETCH(QString, target);
        QFETCH(QString, problem);
        const Mount mount{static_cast<Mount::Kind>(kind), source.toStdString(), target.toStdString(), 0};
        const QString found = QString::fromStdString(mountProblem(mount));
        if (problem.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        else
            QVERIFY2(found.contains(problem), qPrintable(found));
        if (!problem.isEmpty()) {
            LaunchRequest launch = request();
            launch.extraMounts = {mount};
            QVERIFY_THROWS_EXCEPTION(std::runtime_error, sandboxMounts(launch, LaunchFds{}));
        }
    }
};

QTEST_GUILESS_MAIN(LauncherTest)
#include "LauncherTest.moc"
