// Security properties of a real sandbox, asserted by running hostile
// commands inside it and checking what they can observe or change.
#include "support/EngineHarness.h"

#include <QDir>
#include <QtTest>

#include <chrono>
#include <thread>

using namespace sandbench;
using client::Json;

class IsolationTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;

    Json run(const std::string &sandbox, const std::string &command)
    {
        return engine.exec(sandbox, command, Json{{"sessionId", "__DISABLE_SESSION__"}, {"timeoutMs", 60000}});
    }
    std::string out(const std::string &sandbox, const std::string &command)
    {
        return run(sandbox, command)["stdout"].get<std::string>();
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/alpha", "{}").status, 200);
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/beta", "{}").status, 200);
    }

    void hostHomeAndEngineStateAreInvisible()
    {
        const QString marker = QDir::homePath() + "/.sandbench-isolation-marker";
        QFile file(marker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const std::string check = "for p in '" + marker.toStdString() + "' '" + engine.stateDir().toStdString() +
                                  "' '" + engine.engineFile().toStdString() +
                                  "' /run/user /home/*/.ssh; do test -e \"$p\" && echo \"visible: $p\"; done; ls -A /root";
        QCOMPARE(out("alpha", check), std::string());
        QFile::remove(marker);
    }

    void hostSessionVariablesDoNotLeak()
    {
        const std::string env = out("alpha", "env");
        for (const char *name : {"SSH_AUTH_SOCK", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "HOST_SECRET"})
            QVERIFY2(env.find(name) == std::string::npos, name);
    }

    void otherSandboxesProcessesAreInvisible()
    {
        engine.http().requestJson("POST", "/v1/sandboxes/alpha/api/process/start",
                                  Json{{"command", "exec -a alpha-secret-marker sleep 300"}});
        const std::string own = out("alpha", "sleep 0.5; ps -eo args");
        QVERIFY2(own.find("alpha-secret-marker") != std::string::npos, own.c_str());
        QVERIFY(out("beta", "ps -eo args").find("alpha-secret-marker") == std::string::npos);
        // Only the sandbox's own few processes exist in its PID namespace.
        QVERIFY(std::stoi(out("beta", "ls -d /proc/[0-9]* | wc -l")) < 10);
    }

    void engineAndHostNetworkAreUnreachable()
    {
        const std::string port = std::to_string(engine.port());
        const auto result = run("alpha", "timeout 3 bash -c 'echo > /dev/tcp/127.0.0.1/" + port + "' && echo reached");
        QVERIFY(result["stdout"].get<std::string>().find("reached") == std::string::npos);
        // Loopback only: no other interface.
        QCOMPARE(out("alpha", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"), std::string("lo\n"));
    }

    void writesOutsideWorkspaceNeverReachTheHost()
    {
        const auto result = run("alpha", "touch /usr/sandbench-escape; echo x > /etc/sandbench-escape; "
                                         "mkdir -p /opt/sandbench-escape; echo x > /sandbench-root-escape; "
                                         "echo ok > /workspace/inside; echo ok > /tmp/inside");
        for (const char *path : {"/usr/sandbench-escape", "/etc/sandbench-escape", "/opt/sandbench-escape",
                                 "/sandbench-root-escape"})
            QVERIFY2(!QFileInfo::exists(path), path);
        QVERIFY(result["stderr"].get<std::string>().find("Read-only file system") != std::string::npos);
        QVERIFY(QFileInfo::exists(engine.stateDir() + "/sandboxes/alpha/workspace/inside"));
    }

    void seccompDeniesPtraceAndTerminalInjection()
    {
        const std::string probe = R"(python3 - <<'EOF'
import ctypes, errno, fcntl, os, termios
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.ptrace(0, 0, 0, 0)  # PTRACE_TRACEME succeeds anywhere without a filter
print("ptrace", rc, errno.errorcode.get(ctypes.get_errno()))
master, slave = os.openpty()
try:
    fcntl.ioctl(slave, termios.TIOCSTI, b"x")
    print("tiocsti allowed")
except OSError as error:
    print("tiocsti", errno.errorcode.get(error.errno))
for name, number in (("keyctl", 250), ("bpf", 321), ("unshare", 272), ("mount", 165), ("pidfd_getfd", 438)):
    rc = libc.syscall(number, 0, 0, 0, 0, 0)
    print(name, rc, errno.errorcode.get(ctypes.get_errno()))
EOF)";
        const std::string result = out("alpha", probe);
        QVERIFY2(result.find("ptrace -1 EPERM") != std::string::npos, result.c_str());
        QVERIFY2(result.find("tiocsti EPERM") != std::string::npos, result.c_str());
        for (const char *name : {"keyctl -1 EPERM", "bpf -1 EPERM", "unshare -1 EPERM", "mount -1 EPERM", "pidfd_getfd -1 EPERM"})
            QVERIFY2(result.find(name) != std::string::npos, result.c_str());
        QCOMPARE(out("alpha", "grep -E '^(NoNewPrivs|Seccomp|CapEff):' /proc/self/status | tr -s '\\t' ' '"),
                 std::string("CapEff: 0000000000000000\nNoNewPrivs: 1\nSeccomp: 2\n"));
    }

    void agentIsOutOfReachOfSandboxCode()
    {
        // PID 2 is the agent: same uid as the commands, but its memory, environment and
        // descriptors are closed to them.
        QCOMPARE(out("alpha", "ps -o args= -p 2"), std::string("/.sandbench/sandbench-agent\n"));
        const auto result = run("alpha", "cat /proc/2/environ; readlink /proc/2/fd/3; head -c1 /proc/2/mem");
        QCOMPARE(result["stdout"].get<std::string>(), std::string());
        QVERIFY(result["stderr"].get<std::string>().find("Permission denied") != std::string::npos);
        // Its control socket is not in the sandbox's file system either.
        QCOMPARE(out("alpha", "find / -xdev -type s 2>/dev/null | grep -c agent.sock"), std::string("0\n"));
    }

    void forkBombStaysInsideItsLimits()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/bomb", "{}").status, 200);
        std::atomic<bool> bombing = true;
        std::thread bomb([this, &bombing] {
            auto client = engine.newClient();
            client.requestJson("POST", "/v1/sandboxes/bomb/api/execute",
                               Json{{"command", "bomb() { bomb | bomb & }; bomb; sleep 8"},
                                    {"sessionId", "__DISABLE_SESSION__"}, {"timeoutMs", 6000}});
            bombing = false;
        });
        std::this_thread::sleep_for(std::chrono::seconds(2));
        // The engine answers promptly, and other sandboxes still work, while the bomb runs.
        auto client = engine.newClient();
        const auto begin = std::chrono::steady_clock::now();
        QCOMPARE(client.request("GET", "/v1/health").status, 200);
        QVERIFY(std::chrono::steady_clock::now() - begin < std::chrono::seconds(1));
        QCOMPARE(client.requestJson("POST", "/v1/sandboxes/beta/api/execute",
                                    Json{{"command", "echo alive"}, {"sessionId", "__DISABLE_SESSION__"}}).json()["stdout"],
                 Json("alive\n"));
        // Count the bomb's processes from the host (by its own uid): bounded by its process limit.
        QFile stateFile(engine.stateDir() + "/sandboxes/bomb/sandbox.json");
        QVERIFY(stateFile.open(QIODevice::ReadOnly));
        const auto hostUid = Json::parse(stateFile.readAll().toStdString()).value("hostUid", 0);
        QVERIFY2(hostUid > 0, "the engine runs as root in CI, so the sandbox has its own uid");
        int count = 0;
        for (const auto &entry : QDir("/proc").entryList(QDir::Dirs)) {
            QFile status("/proc/" + entry + "/status");
            if (status.open(QIODevice::ReadOnly) && status.readAll().contains("Uid:\t" + QByteArray::number(hostUid) + "\t"))
                ++count;
        }
        QVERIFY2(count > 100 && count <= 1100, qPrintable(QString("bomb processes: %1").arg(count)));
        QCOMPARE(client.request("DELETE", "/v1/sandboxes/bomb").status, 200);
        bomb.join();
        QCOMPARE(client.request("GET", "/v1/health").status, 200);
    }

    void cleanupTestCase()
    {
        for (const char *id : {"alpha", "beta"})
            engine.http().request("DELETE", std::string("/v1/sandboxes/") + id);
    }
};

QTEST_GUILESS_MAIN(IsolationTest)
#include "IsolationTest.moc"
