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
};

QTEST_GUILESS_MAIN(LauncherTest)
#include "LauncherTest.moc"
