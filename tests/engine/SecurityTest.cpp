// The attack review's findings (issue 11), one regression test each, run against a
// real engine and real sandboxes: what API input can make the host do, and what a
// hostile sandbox can reach.
#include "support/EngineHarness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace sandbench;
using client::Json;

class SecurityTest : public QObject {
    Q_OBJECT

private:
    test::EngineHarness engine;

    std::string out(const std::string &sandbox, const std::string &command)
    {
        const Json result = engine.exec(sandbox, command, Json{{"sessionId", "__DISABLE_SESSION__"}});
        return result.value("stdout", std::string());
    }

    // Uploads the preload probe into the sandbox's workspace; returns its host path.
    QString uploadProbe(const std::string &sandbox)
    {
        QFile library(QStringLiteral(SANDBENCH_PRELOAD_PROBE));
        if (!library.open(QIODevice::ReadOnly))
            return {};
        const Json write = {{"path", "/workspace/probe.so"},
                            {"content", library.readAll().toBase64().toStdString()},
                            {"encoding", "base64"}};
        if (engine.http().requestJson("POST", "/v1/sandboxes/" + sandbox + "/api/write", write).status != 200)
            return {};
        return engine.stateDir() + "/sandboxes/" + QString::fromStdString(sandbox) + "/workspace/probe.so";
    }

    // Gone, or a zombie that its parent (re-parented when an engine was killed) has not reaped yet.
    static bool ended(int pid)
    {
        QFile stat(QString("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return true;
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        return close < 0 || text.mid(close + 2, 1) == "Z";
    }

    static QString describe(int pid)
    {
        QFile stat(QString("/proc/%1/stat").arg(pid));
        QFile status(QString("/proc/%1/status").arg(pid));
        stat.open(QIODevice::ReadOnly);
        status.open(QIODevice::ReadOnly);
        return QString::fromUtf8(stat.readAll() + "\n" + status.readAll().left(600));
    }

    // Rows for tests that run with the workspace as a plain directory and in a disk image.
    static void storageKinds()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("plain directories") << QByteArray("{}");
        QTest::newRow("disk image") << QByteArray(R"({"limits": {"diskMiB": 32}})");
    }

    void skipWithoutDiskImages(const QByteArray &body)
    {
        if (body.contains("diskMiB") &&
            engine.http().request("GET", "/v1/health").json()["limits"].value("disk", "") != "image")
            QSKIP("disk images need an engine running as root with loop devices");
    }

    // The backing files of the host's loop devices, one per line.
    static QByteArray loopDeviceNames()
    {
        QByteArray names;
        for (const QFileInfo &device : QDir("/sys/block").entryInfoList({"loop*"}, QDir::Dirs | QDir::System)) {
            QFile backing(device.filePath() + "/loop/backing_file");
            if (backing.open(QIODevice::ReadOnly))
                names += backing.readAll();
        }
        return names;
    }

    void restart(const std::string &sandbox)
    {
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/" + sandbox + "/stop").status, 200);
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/" + sandbox + "/start").status, 200);
    }

    // A TCP server on the host that greets each client with one line, until destroyed.
    struct GreetingServer {
        int fd = -1;
        int port = 0;
        std::atomic<bool> done{false};
        std::thread thread;
        explicit GreetingServer(const std::string &address)
        {
            fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in where{};
            where.sin_family = AF_INET;
            inet_pton(AF_INET, address.c_str(), &where.sin_addr);
            socklen_t size = sizeof where;
            if (bind(fd, reinterpret_cast<sockaddr *>(&where), size) != 0 || listen(fd, 16) != 0)
                return;
            getsockname(fd, reinterpret_cast<sockaddr *>(&where), &size);
            port = ntohs(where.sin_port);
            thread = std::thread([this] {
                while (!done) {
                    pollfd poller{fd, POLLIN, 0};
                    if (::poll(&poller, 1, 100) <= 0)
                        continue;
                    const int client = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
                    if (client >= 0) {
                        [[maybe_unused]] auto n = write(client, "HELLO-FROM-HOST\n", 16);
                        close(client);
                    }
                }
            });
        }
        ~GreetingServer()
        {
            done = true;
            if (thread.joinable())
                thread.join();
            close(fd);
        }
    };

    // A non-loopback IPv4 address of this machine (its LAN side), or empty.
    static std::string hostAddress()
    {
        ifaddrs *interfaces = nullptr;
        std::string found;
        if (getifaddrs(&interfaces) != 0)
            return found;
        for (const ifaddrs *entry = interfaces; entry && found.empty(); entry = entry->ifa_next) {
            if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET || (entry->ifa_flags & IFF_LOOPBACK) ||
                !(entry->ifa_flags & IFF_UP))
                continue;
            char text[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(entry->ifa_addr)->sin_addr, text, sizeof text);
            found = text;
        }
        freeifaddrs(interfaces);
        return found;
    }

    // What the sandbox reads from address:port within 5 s, or "refused"/"failed".
    std::string greetingFrom(const std::string &sandbox, const std::string &address, int port)
    {
        const std::string result = out(sandbox, "timeout 5 bash -c 'exec 3<>/dev/tcp/" + address + "/" +
                                                    std::to_string(port) + " && head -1 <&3' 2>&1; echo exit=$?");
        return result.find("HELLO-FROM-HOST") != std::string::npos ? "greeted" : result;
    }

    static int slirpProcesses()
    {
        int count = 0;
        for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
            QFile comm(QString::fromStdString(entry.path().string() + "/comm"));
            if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "slirp4netns")
                ++count;
        }
        return count;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
    }

    // Item 1, the exact attack: a library uploaded into the workspace, named by its host
    // path in LD_PRELOAD through PATCH, then a restart. bwrap (not setuid) would load it
    // on the host, before any namespace exists.
    void envVarsNeverRunCodeOnTheHost()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/preload", "{}").status, 200);
        const QString hostPath = uploadProbe("preload");
        QVERIFY(QFile::exists(hostPath));
        QTemporaryDir markerDir;
        chmod(markerDir.path().toLocal8Bit().constData(), 0777); // writable for a root engine's sandbox uid
        const QString marker = markerDir.path() + "/loaded-on-host";
        for (const char *name : {"LD_PRELOAD", "LD_AUDIT"}) {
            const Json patch = {{"envVars", {{name, hostPath.toStdString()},
                                             {"SANDBENCH_PROBE_MARKER", marker.toStdString()}}}};
            QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/preload", patch).status, 200);
            restart("preload");
            QCOMPARE(out("preload", "echo alive"), std::string("alive\n"));
            QVERIFY2(!QFile::exists(marker), name);
            const Json unset = {{"envVars", {{name, nullptr}}}};
            QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/preload", unset).status, 200);
        }
    }

    // The variables still work where they belong: inside, for the commands, and never
    // in the agent (whose memory and socket sandbox code must not control).
    void envVarsApplyToCommandsOnly()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/preload", "{}").status, 200);
        QVERIFY(!uploadProbe("preload").isEmpty());
        const Json patch = {{"envVars", {{"LD_PRELOAD", "/workspace/probe.so"},
                                         {"SANDBENCH_PROBE_MARKER", "/workspace/loaded-in"}}}};
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/preload", patch).status, 200);
        restart("preload");
        QCOMPARE(out("preload", "echo $LD_PRELOAD"), std::string("/workspace/probe.so\n"));
        const std::string loadedIn = out("preload", "cat /workspace/loaded-in");
        QVERIFY2(loadedIn.find("bash") != std::string::npos, loadedIn.c_str());
        QVERIFY2(loadedIn.find("sandbench-agent") == std::string::npos, loadedIn.c_str());
        QVERIFY2(loadedIn.find("bwrap") == std::string::npos, loadedIn.c_str());
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/preload").status, 200);
    }

    // Other API input that reaches a host-side process or path: ids become bwrap's
    // --hostname and state paths, names of variables are checked before they are stored.
    void hostileIdsAndNamesAreRefusedBeforeTheHost()
    {
        const QStringList before = QDir(engine.stateDir() + "/sandboxes").entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
        for (const char *id : {"--help", "-x", "..", "a..b", "a%2Fb", "a%20b", "A", "a_b", "a%3Btouch%20x",
                               "%2E%2E", "a%00b"}) {
            const auto result = engine.http().request("PUT", std::string("/v1/sandboxes/") + id, "{}");
            QVERIFY2(result.status == 400 || result.status == 404, id);
        }
        const QStringList after = QDir(engine.stateDir() + "/sandboxes").entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
        QCOMPARE(after, before);
        for (const char *name : {"A=B", "A B", "", "1A", "A-B", "A\nB"}) {
            const Json body = {{"envVars", {{name, "x"}}}};
            const auto result = engine.http().requestJson("PUT", "/v1/sandboxes/names", body);
            QVERIFY2(result.status == 400, name);
            QCOMPARE(result.json().value("code", ""), std::string("VALIDATION_FAILED"));
        }
        QVERIFY(!QDir(engine.stateDir() + "/sandboxes/names").exists());
    }

    // Item 4: the sandbox sees a private /etc (its own users, host name, machine-id) with
    // only the host entries programs need, read-only, and not the kernel's command line.
    void thePrivateEtcShowsOnlyWhatProgramsNeed()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/etc", "{}").status, 200);
        const std::string listing = out("etc", "ls -A /etc");
        for (const char *hostOnly : {"shadow", "gshadow", "gitconfig", "ssh", "passwd-", "pip.conf", "npmrc",
                                     "subuid", "resolv.conf", "fstab", "sudoers", "environment"})
            QVERIFY2(("\n" + listing).find("\n" + std::string(hostOnly) + "\n") == std::string::npos, hostOnly);
        QCOMPARE(out("etc", "cat /etc/hostname; hostname; id -un; getent passwd root | cut -d: -f6; "
                            "getent hosts etc >/dev/null && echo resolves"),
                 std::string("etc\netc\nroot\n/root\nresolves\n"));
        QFile hostMachineId("/etc/machine-id");
        if (hostMachineId.open(QIODevice::ReadOnly))
            QVERIFY(out("etc", "cat /etc/machine-id") != hostMachineId.readAll().toStdString());
        QCOMPARE(out("etc", "wc -c < /proc/cmdline; touch /etc/x 2>/dev/null || echo read-only"),
                 std::string("0\nread-only\n"));
        QFile hostBootId("/proc/sys/kernel/random/boot_id");
        QVERIFY(hostBootId.open(QIODevice::ReadOnly));
        const std::string bootId = out("etc", "cat /proc/sys/kernel/random/boot_id");
        QCOMPARE(bootId.size(), std::size_t(37));
        QVERIFY(bootId != hostBootId.readAll().toStdString());
        // What programs need is there: certificates, the loader cache, Python's config.
        QCOMPARE(out("etc", "python3 -c 'import ssl; print(ssl.create_default_context().cert_store_stats()[\"x509_ca\"] > 0)'"),
                 std::string("True\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/etc").status, 200);
    }

    // Item 4: io_uring works in kernel threads that seccomp never sees; vsock reaches the
    // hypervisor (this machine is a VM with /dev/vsock) past the network namespace.
    void ioUringAndVsockAreDenied()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/calls", "{}").status, 200);
        const std::string probe = R"(python3 -c '
import ctypes, errno, socket
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
fd = libc.syscall(425, 4, params)
print("io_uring", "denied" if fd < 0 and ctypes.get_errno() == errno.ENOSYS else "allowed")
try:
    socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    print("vsock allowed")
except OSError as error:
    print("vsock", "denied" if error.errno == errno.EAFNOSUPPORT else "allowed")
')";
        QCOMPARE(out("calls", probe), std::string("io_uring denied\nvsock denied\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/calls").status, 200);
    }

    // Item 4, the API front: look-alike Host headers are refused before the token is
    // even checked, and no answer invites web pages in (no CORS).
    void lookAlikeHostsAndWebPagesAreRefused()
    {
        const std::string port = std::to_string(engine.port());
        for (const std::string &host : std::vector<std::string>{"[::1].evil.com", "localhost:evil.com",
                                                                "localhost.evil.com", "127.0.0.1.nip.io",
                                                                "localhost:" + port + ":1", "evil.com"}) {
            const auto result = engine.http().request("GET", "/v1/health", {}, {{"Host", host}});
            QVERIFY2(result.status == 403, host.c_str());
        }
        for (const std::string &host : std::vector<std::string>{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port})
            QVERIFY2(engine.http().request("GET", "/v1/health", {}, {{"Host", host}}).status == 200, host.c_str());
        auto client = engine.newClient();
        QCOMPARE(client.request("PUT", "/v1/sandboxes/cors", "{}").status, 200);
        for (const char *target : {"/v1/health", "/v1/sandboxes/cors/api/ping", "/v1/sandboxes/cors/api/nothing"}) {
            const auto answer = client.request("GET", target, {}, {{"Origin", "http://evil.example"}});
            QVERIFY2(answer.status != 0, target);
            QVERIFY2(answer.header("Access-Control-Allow-Origin").empty(), target);
        }
        QCOMPARE(client.request("DELETE", "/v1/sandboxes/cors").status, 200);
    }

    // Item 4: bwrap's PID 1 is the sandbox's own process (same uid, dumpable), so any
    // host file it holds is writable from inside through /proc/1/fd. It holds a pipe,
    // and what comes through the pipe lands in a bounded log.
    void noHostFileIsOpenInTheSandbox()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/pidone", "{}").status, 200);
        QCOMPARE(out("pidone", "echo ready"), std::string("ready\n")); // PID 1's set-up is over
        QFile state(engine.stateDir() + "/sandboxes/pidone/sandbox.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const int initPid = Json::parse(state.readAll().toStdString()).value("initPid", 0);
        QVERIFY(initPid > 0);
        const QDir fds(QString("/proc/%1/fd").arg(initPid));
        for (const QString &name : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
            const std::string path = fds.filePath(name).toStdString();
            struct stat info{};
            std::error_code ignored;
            const bool regularFile = stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
            QVERIFY2(!regularFile, (name.toStdString() + " -> " + std::filesystem::read_symlink(path, ignored).string()).c_str());
        }
        // A flood into PID 1's output from inside keeps the engine's log files bounded (a
        // root engine's pipe is not even writable from inside: it belongs to host root).
        QCOMPARE(out("pidone", "head -c 6000000 /dev/zero | tr '\\0' x 2>/dev/null > /proc/1/fd/2; echo done"),
                 std::string("done\n"));
        QTest::qWait(500);
        const QString logs = engine.stateDir() + "/sandboxes/pidone/logs/";
        const qint64 total = QFileInfo(logs + "agent.log").size() + QFileInfo(logs + "agent.log.1").size();
        QVERIFY2(total < 2300000, qPrintable(QString::number(total)));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/pidone").status, 200);
    }

    // Item 2: memory, processes and CPU are bounded per sandbox (cgroups where the host
    // allows; /v1/health says which), every tmpfs has a size, and bwrap's root is read-only.
    void memoryProcessesAndCpuAreBounded()
    {
        const Json limits = engine.http().request("GET", "/v1/health").json()["limits"];
        if (!limits.value("memory", false) || !limits.value("cpu", false))
            QSKIP(("no cgroup limits on this host: " + limits.value("cgroupNote", std::string())).c_str());
        const Json body = {{"limits", {{"memoryMiB", 128}, {"cpus", 0.25}, {"pids", 64}}}};
        QCOMPARE(engine.http().requestJson("PUT", "/v1/sandboxes/bounded", body).status, 200);
        // The hog is killed, the agent and the sandbox live on, and the kill is reported.
        const std::string hog = out("bounded", "python3 -c 'a = bytearray(512 << 20); print(len(a))'; echo exit=$?");
        QVERIFY2(hog.find("exit=137") != std::string::npos, hog.c_str());
        QCOMPARE(out("bounded", "echo alive"), std::string("alive\n"));
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.http().request("GET", "/v1/sandboxes/bounded").json()["sandbox"].value("oomKills", 0) >= 1, 5000);
        // tmpfs pages are memory too: each tmpfs is a share of the limit, so filling them
        // ends in ENOSPC while the sandbox still runs commands; bwrap's root is read-only.
        const std::string tmpfs = out("bounded", "for d in /tmp /run /var /home /mnt; do "
                                                 "head -c 200M /dev/zero > $d/fill 2>/dev/null; echo $d=$?; done; "
                                                 "touch /escape 2>/dev/null; echo root=$?; du -scm /tmp /run /var /home /mnt | tail -1");
        QVERIFY2(tmpfs.find("=0") == std::string::npos && tmpfs.find("root=1") != std::string::npos, tmpfs.c_str());
        QCOMPARE(out("bounded", "echo still alive"), std::string("still alive\n"));
        // A quarter of a core: a second of spinning gets about a quarter second of CPU.
        const std::string cpu = out("bounded", "python3 -c '\nimport time\nend = time.time() + 1\n"
                                               "while time.time() < end: pass\nprint(time.process_time())'");
        QVERIFY2(std::stod(cpu) < 0.5, cpu.c_str());
        // No more than 64 processes. Counted with the shell's builtins alone: once the sleeps
        // hold every slot, nothing more can be forked (an ls | wc then found no room at all).
        const std::string forks = out("bounded", "for i in $(seq 100); do sleep 3 & done 2>/dev/null; "
                                                 "set -- /proc/[0-9]*; echo $#");
        QVERIFY2(!forks.empty() && std::isdigit(static_cast<unsigned char>(forks[0])), forks.c_str());
        QVERIFY2(std::stoi(forks) <= 64, forks.c_str());
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/bounded").status, 200);
    }

    void limitsAreValidated()
    {
        for (const Json &limits : {Json{{"memoryMiB", 1}}, Json{{"memoryMiB", "2G"}}, Json{{"pids", 0}},
                                   Json{{"cpus", -1}}, Json{{"diskMiB", 1}}, Json{{"diskMiB", "1G"}}, Json{{"swap", 1}},
                                   Json("big")}) {
            const auto result = engine.http().requestJson("PUT", "/v1/sandboxes/limits", Json{{"limits", limits}});
            QVERIFY2(result.status == 400, limits.dump().c_str());
        }
        QVERIFY(!QDir(engine.stateDir() + "/sandboxes/limits").exists());
    }

    // Item 4: an agent stopped with SIGSTOP (sandbox code can do that: same uid) makes
    // requests fail with a clear error instead of hanging; SIGCONT brings it back.
    void aStoppedAgentAnswersWithAClearError()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/frozen", "{}").status, 200);
        QCOMPARE(out("frozen", "echo before"), std::string("before\n"));
        const std::string ps = out("frozen", "pgrep -f -x /.sandbench/sandbench-agent");
        QVERIFY2(!ps.empty(), "no agent in the sandbox");
        QElapsedTimer timer;
        timer.start();
        auto client = engine.newClient();
        const Json stop = {{"command", "kill -STOP " + ps.substr(0, ps.find('\n')) + "; echo sent"}};
        const auto result = client.requestJson("POST", "/v1/sandboxes/frozen/api/execute", stop);
        QCOMPARE(result.status, 503);
        QCOMPARE(result.json().value("code", ""), std::string("SANDBOX_UNRESPONSIVE"));
        QVERIFY(timer.elapsed() < 10000);
        // PATCH talks to the agent too: it answers, and the settings apply at the next start.
        timer.restart();
        QCOMPARE(client.requestJson("PATCH", "/v1/sandboxes/frozen", Json{{"envVars", {{"LATER", "1"}}}}).status, 200);
        QVERIFY(timer.elapsed() < 10000);
        QFile state(engine.stateDir() + "/sandboxes/frozen/sandbox.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const int initPid = Json::parse(state.readAll().toStdString()).value("initPid", 0);
        QDir children(QString("/proc/%1/task/%1").arg(initPid));
        QFile childList(children.filePath("children"));
        QVERIFY(childList.open(QIODevice::ReadOnly));
        const int agent = childList.readAll().trimmed().toInt();
        QVERIFY(agent > 0);
        ::kill(agent, SIGCONT);
        QCOMPARE(out("frozen", "echo after"), std::string("after\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/frozen").status, 200);
    }

    // Item 4: thousands of idle connections from a local user without the token do not
    // starve the engine: the longest-waiting are closed, and clients are still served.
    void idleConnectionsCannotStarveTheEngine()
    {
        rlimit files{};
        getrlimit(RLIMIT_NOFILE, &files);
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
        std::vector<int> sockets;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(engine.port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int i = 0; i < 3000; ++i) {
            const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            QVERIFY(fd >= 0);
            QVERIFY(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
            sockets.push_back(fd);
        }
        QElapsedTimer timer;
        timer.start();
        auto client = engine.newClient();
        QCOMPARE(client.request("GET", "/v1/health").status, 200);
        QVERIFY(timer.elapsed() < 3000);
        const int engineFds = QDir(QString("/proc/%1/fd").arg(engine.pid())).entryList(QDir::NoDotAndDotDot | QDir::System).size();
        for (int fd : sockets)
            close(fd);
        QVERIFY2(engineFds < 600, qPrintable(QString::number(engineFds)));
    }

    // Item 4: a client without the token is refused on its header, before the engine holds
    // or waits for any body, so it cannot take the large-body slots from real clients.
    void unauthenticatedClientsCannotHoldBodies()
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(engine.port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const std::string header = "PUT /v1/sandboxes/holder HTTP/1.1\r\nHost: localhost\r\n"
                                   "Content-Length: 60000000\r\n\r\n";
        std::vector<int> holders;
        for (int i = 0; i < 10; ++i) {
            const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            QVERIFY(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
            QVERIFY(::send(fd, header.data(), header.size(), 0) == static_cast<ssize_t>(header.size()));
            holders.push_back(fd);
        }
        QElapsedTimer timer;
        timer.start();
        auto client = engine.newClient();
        const std::string body(2 << 20, 'x');
        QCOMPARE(client.request("PUT", "/v1/sandboxes/holder", body).status, 400); // read, parsed, refused
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        for (int fd : holders) {
            char answer[512] = {};
            const ssize_t n = ::recv(fd, answer, sizeof answer - 1, 0);
            QVERIFY2(n > 0 && std::string(answer).find(" 401 ") != std::string::npos, answer);
            close(fd);
        }
    }

    // Item 3 (review): code in a sandbox that names a process of its own like an agent
    // must not make a restarting engine kill that process's parent.
    void aFakeAgentCannotPickWhatTheEngineKills()
    {
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/decoy", "{}").status, 200);
        const Json start = {{"command", "echo $$ > /workspace/parent.pid; "
                                        "(exec -a /.sandbench/sandbench-agent sleep 300) & wait"}};
        QCOMPARE(engine.http().requestJson("POST", "/v1/sandboxes/decoy/api/process/start", start).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(out("decoy", "cat /workspace/parent.pid 2>/dev/null").size() > 1, 3000);
        engine.stop(true);
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(out("decoy", "kill -0 $(cat /workspace/parent.pid) && echo alive"), std::string("alive\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/decoy").status, 200);
    }

    // Item 4: large JSON bodies sent at once are read a few at a time, so ten 60 MB bodies
    // do not take the engine's memory to 600 MB and more.
    void concurrentLargeBodiesAreBounded()
    {
        const std::string body(60 << 20, 'x');
        std::vector<std::thread> senders;
        std::atomic<int> refused{0};
        for (int i = 0; i < 10; ++i)
            senders.emplace_back([&] {
                auto client = engine.newClient();
                if (client.request("PUT", "/v1/sandboxes/bodies", body).status == 400)
                    ++refused;
            });
        for (auto &sender : senders)
            sender.join();
        QCOMPARE(refused.load(), 10);
        QFile status(QString("/proc/%1/status").arg(engine.pid()));
        QVERIFY(status.open(QIODevice::ReadOnly));
        long peakKiB = 0;
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("VmHWM:"))
                peakKiB = line.mid(6).trimmed().split(' ').first().toLong();
        qInfo("engine peak RSS: %ld KiB", peakKiB);
        QVERIFY2(peakKiB > 0 && peakKiB < 320 * 1024, qPrintable(QString::number(peakKiB)));
    }

    // Item 2: root engines on different state directories run their sandboxes as uids
    // from different blocks, so one's fork bomb (RLIMIT_NPROC counts per uid) cannot
    // exhaust the other's process limit. A block is kept across restarts.
    void twoEnginesNeverShareSandboxUids()
    {
        if (geteuid() != 0)
            QSKIP("sandboxes run as uids of their own only under a root engine");
        test::EngineHarness second;
        QString error;
        QVERIFY2(second.start(&error), qPrintable(error));
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/uids", "{}").status, 200);
        QCOMPARE(second.http().request("PUT", "/v1/sandboxes/uids", "{}").status, 200);
        auto hostUidIn = [](const QString &stateDir) {
            QFile state(stateDir + "/sandboxes/uids/sandbox.json");
            return state.open(QIODevice::ReadOnly) ? Json::parse(state.readAll().toStdString()).value("hostUid", 0ll) : 0ll;
        };
        const long long first = hostUidIn(engine.stateDir());
        const long long other = hostUidIn(second.stateDir());
        QVERIFY(first > 0 && other > 0);
        QVERIFY2(std::llabs(first - other) >= 4096, qPrintable(QString("%1 and %2").arg(first).arg(other)));
        QCOMPARE(out("uids", "id -u"), std::string("0\n")); // root inside, someone else outside
        second.stop();
        QVERIFY2(second.start(&error), qPrintable(error));
        QCOMPARE(second.http().request("PUT", "/v1/sandboxes/again", "{}").status, 200);
        QFile again(second.stateDir() + "/sandboxes/again/sandbox.json");
        QVERIFY(again.open(QIODevice::ReadOnly));
        QVERIFY(std::llabs(Json::parse(again.readAll().toStdString()).value("hostUid", 0ll) - other) < 4096);
        QCOMPARE(second.http().request("DELETE", "/v1/sandboxes/again").status, 200);
        QCOMPARE(second.http().request("DELETE", "/v1/sandboxes/uids").status, 200);
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/uids").status, 200);
    }

    // Item 3, root engines: the workspace and home live in a disk image of limits.diskMiB,
    // so writing past it is ENOSPC for that sandbox alone, which keeps running. The image
    // is on no host mount once the sandbox runs, and the sandbox's mountinfo names a loop
    // device, not the state directory. Resizing keeps the files; a shrink that does not
    // fit keeps the old size and says so; removing the limit moves the files back out.
    void aSandboxGetsADiskOfItsLimit()
    {
        if (engine.http().request("GET", "/v1/health").json()["limits"].value("disk", "") != "image")
            QSKIP("disk images need an engine running as root with loop devices");
        auto view = [this] { return engine.http().request("GET", "/v1/sandboxes/quota").json()["sandbox"]; };
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/quota", "{}").status, 200);
        // Files the sandbox made unreadable to itself move all the same.
        QCOMPARE(out("quota", "echo before > /workspace/kept; echo home > /root/kept; mkdir /workspace/closed; "
                              "echo x > /workspace/closed/x; chmod 000 /workspace/closed/x /workspace/closed; echo ok"),
                 std::string("ok\n"));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 48}}}}).status, 200);
        restart("quota"); // the plain workspace moves into the image
        QCOMPARE(view().value("diskImageMiB", 0), 48);
        QCOMPARE(out("quota", "cat /workspace/kept /root/kept; stat -c %a /workspace/closed"), std::string("before\nhome\n0\n"));
        const std::string mounts = out("quota", "grep -E ' /(workspace|root) ' /proc/self/mountinfo");
        QVERIFY2(mounts.find("/dev/loop") != std::string::npos, mounts.c_str());
        QVERIFY2(mounts.find(engine.stateDir().toStdString()) == std::string::npos, mounts.c_str());
        QFile hostMounts("/proc/self/mountinfo");
        QVERIFY(hostMounts.open(QIODevice::ReadOnly));
        QVERIFY(!hostMounts.readAll().contains("/sandboxes/quota/"));

        const Json full = engine.exec("quota", "head -c 60M /dev/zero > /workspace/big");
        QVERIFY2(full.value("exitCode", 0) != 0 && full.value("stderr", "").find("No space left") != std::string::npos,
                 full.dump().c_str());
        QCOMPARE(view().value("status", ""), std::string("running"));
        QCOMPARE(out("quota", "rm /workspace/big; echo 1 > /workspace/small && cat /workspace/small"), std::string("1\n"));
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/quota-neighbour", "{}").status, 200);
        QCOMPARE(out("quota-neighbour", "head -c 60M /dev/zero > /workspace/big && echo fine"), std::string("fine\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/quota-neighbour").status, 200);

        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 96}}}}).status, 200);
        restart("quota");
        QCOMPARE(view().value("diskImageMiB", 0), 96);
        QCOMPARE(out("quota", "head -c 60M /dev/zero > /workspace/big && cat /workspace/kept"), std::string("before\n"));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 32}}}}).status, 200);
        restart("quota");
        QCOMPARE(view().value("diskImageMiB", 0), 96);
        QVERIFY2(view().value("lastError", "").find("do not fit in 32 MiB") != std::string::npos, view().dump().c_str());
        out("quota", "rm /workspace/big");
        restart("quota");
        QCOMPARE(view().value("diskImageMiB", 0), 32);
        QVERIFY(!view().contains("lastError"));

        const QString image = engine.stateDir() + "/sandboxes/quota/disk.img";
        QVERIFY(QFileInfo::exists(image));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 0}}}}).status, 200);
        restart("quota");
        QVERIFY(!view().contains("diskImageMiB"));
        QVERIFY(!QFileInfo::exists(image));
        QCOMPARE(out("quota", "cat /workspace/kept /root/kept; chmod 700 /workspace/closed; stat -c %a /workspace/closed/x"),
                 std::string("before\nhome\n0\n"));

        // A limit the host's disk cannot hold is refused: the sandbox could fill that disk.
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 1u << 24}}}}).status, 200);
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/quota/stop").status, 200);
        const auto refused = engine.http().request("POST", "/v1/sandboxes/quota/start");
        QCOMPARE(refused.status, 500);
        QVERIFY2(refused.json().value("message", "").find("free for it") != std::string::npos, refused.body.c_str());
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/quota", Json{{"limits", {{"diskMiB", 32}}}}).status, 200);
        restart("quota");
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/quota").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(!loopDeviceNames().contains("/sandboxes/quota/"), 5000);
    }

    // Moving a large workspace into its image takes a while: the engine serves meanwhile
    // (it answered nothing while a start ran before).
    void theEngineServesWhileADiskImageIsPrepared()
    {
        if (engine.http().request("GET", "/v1/health").json()["limits"].value("disk", "") != "image")
            QSKIP("disk images need an engine running as root with loop devices");
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/slow-start", "{}").status, 200);
        QCOMPARE(out("slow-start", "for d in $(seq 40); do mkdir -p /workspace/$d && (cd /workspace/$d && "
                                   "touch $(seq 1000)); done; ls /workspace | wc -l"),
                 std::string("40\n"));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/slow-start", Json{{"limits", {{"diskMiB", 512}}}}).status, 200);
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/slow-start/stop").status, 200);
        int started = 0;
        std::thread starter([&started, client = engine.newClient()]() mutable {
            started = client.request("POST", "/v1/sandboxes/slow-start/start").status;
        });
        bool sawStarting = false;
        for (int i = 0; i < 500 && !sawStarting; ++i) {
            const Json view = engine.http().request("GET", "/v1/sandboxes/slow-start").json()["sandbox"];
            sawStarting = view.value("status", "") == "starting";
            QThread::msleep(5);
        }
        starter.join();
        QVERIFY(sawStarting);
        QVERIFY2(started == 200, engine.http().request("GET", "/v1/sandboxes/slow-start").body.c_str());
        QCOMPARE(out("slow-start", "ls /workspace/40 | wc -l"), std::string("1000\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/slow-start").status, 200);
    }

    // Item 3, engines without disk images (not root, or --no-disk-images): a sandbox over
    // its disk limit is stopped with the reason; raising the limit lets it run again.
    void aSandboxOverItsDiskLimitIsStopped()
    {
        test::EngineHarness watching({}, {"--no-disk-images"});
        QString error;
        QVERIFY2(watching.start(&error), qPrintable(error));
        QCOMPARE(watching.http().request("GET", "/v1/health").json()["limits"].value("disk", ""), std::string("watch"));
        auto run = [&watching](const std::string &command) { return watching.exec("disk", command).value("stdout", ""); };
        const Json body = {{"limits", {{"diskMiB", 20}}}};
        QCOMPARE(watching.http().requestJson("PUT", "/v1/sandboxes/disk", body).status, 200);
        QCOMPARE(run("head -c 10M /dev/zero > /workspace/small; echo ok"), std::string("ok"));
        QTest::qWait(6000); // a measurement under the limit leaves it running
        auto view = [&watching] { return watching.http().request("GET", "/v1/sandboxes/disk").json()["sandbox"]; };
        QCOMPARE(view().value("status", ""), std::string("running"));
        run("head -c 30M /dev/zero > /workspace/big");
        QTRY_VERIFY_WITH_TIMEOUT(view().value("status", "") == "stopped", 12000);
        QVERIFY2(view().value("lastError", "").find("over the disk limit of 20 MiB") != std::string::npos,
                 view().dump().c_str());
        const Json raise = {{"limits", {{"diskMiB", 100}}}};
        QCOMPARE(watching.http().requestJson("PATCH", "/v1/sandboxes/disk", raise).status, 200);
        QCOMPARE(watching.http().request("POST", "/v1/sandboxes/disk/start").status, 200);
        QCOMPARE(run("stat -c %s /workspace/big"), std::string("31457280")); // nothing was lost
        QCOMPARE(watching.http().request("DELETE", "/v1/sandboxes/disk").status, 200);
    }

    // Item 3: the state directory on a small filesystem, filled from inside one sandbox.
    // Other sandboxes keep working, a change that cannot be saved is refused and not
    // applied, a new sandbox is refused whole, and the engine restarts and serves.
    void aFullDiskLosesNothingAndStopsNothingElse()
    {
        QTemporaryDir mountPoint;
        if (mount("tmpfs", mountPoint.path().toLocal8Bit().constData(), "tmpfs", 0, "size=160m,mode=0711") != 0)
            QSKIP("mounting a small tmpfs needs root");
        struct Unmount {
            QString path;
            ~Unmount() { umount2(path.toLocal8Bit().constData(), MNT_DETACH); }
        } unmount{mountPoint.path()};
        test::EngineHarness small(mountPoint.path() + "/state");
        QString error;
        QVERIFY2(small.start(&error), qPrintable(error));
        auto &http = small.http();
        QCOMPARE(http.request("PUT", "/v1/sandboxes/filler", "{}").status, 200);
        QCOMPARE(http.requestJson("PUT", "/v1/sandboxes/other", Json{{"envVars", {{"A", "1"}}}}).status, 200);
        small.exec("filler", "dd if=/dev/zero of=/workspace/fill bs=1M count=200");
        const Json df = small.exec("filler", "df --output=avail -B1 /workspace | tail -1");
        QCOMPARE(std::stoll(df["stdout"].get<std::string>()), 0ll);

        for (int i = 0; i < 5; ++i)
        {
            const Json result = small.exec("other", "echo $A");
            QVERIFY2(result.value("stdout", "") == "1", result.dump().c_str());
        }
        const auto patch = http.requestJson("PATCH", "/v1/sandboxes/other", Json{{"envVars", {{"A", "2"}}}});
        QCOMPARE(patch.status, 507);
        QCOMPARE(patch.json().value("code", ""), std::string("NO_SPACE"));
        QCOMPARE(http.request("GET", "/v1/sandboxes/other").json()["sandbox"]["envVars"]["A"], Json("1"));
        const auto created = http.request("PUT", "/v1/sandboxes/newone", "{}");
        QCOMPARE(created.status, 507);
        QCOMPARE(http.request("GET", "/v1/sandboxes/newone").status, 404);
        QVERIFY(!QFileInfo::exists(small.stateDir() + "/sandboxes/newone"));

        small.stop(); // SIGTERM stops the sandboxes; "stopped" cannot be written
        QVERIFY2(small.start(&error), qPrintable(error));
        QCOMPARE(small.http().request("GET", "/v1/health").status, 200);
        QCOMPARE(small.http().request("GET", "/v1/sandboxes/other").json()["sandbox"]["envVars"]["A"], Json("1"));
        const Json again = small.exec("other", "echo $A");
        QVERIFY2(again.value("stdout", "") == "1", again.dump().c_str());

        QVERIFY(QFile::remove(small.stateDir() + "/sandboxes/filler/workspace/fill"));
        QCOMPARE(small.http().requestJson("PATCH", "/v1/sandboxes/other", Json{{"envVars", {{"A", "2"}}}}).status, 200);
        small.stop();
    }

    // Item 3: an instance whose start was never recorded (the write failed, the engine
    // died) is found and ended when the engine starts, so two never share a workspace.
    // Also with the workspace in a disk image, where it is known by its loop device.
    void anUnrecordedInstanceIsEndedAtStart_data() { storageKinds(); }
    void anUnrecordedInstanceIsEndedAtStart()
    {
        QFETCH(QByteArray, body);
        skipWithoutDiskImages(body);
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/twin", body.toStdString()).status, 200);
        QCOMPARE(out("twin", "echo serving"), std::string("serving\n"));
        const QString stateFile = engine.stateDir() + "/sandboxes/twin/sandbox.json";
        QFile state(stateFile);
        QVERIFY(state.open(QIODevice::ReadOnly));
        Json recorded = Json::parse(state.readAll().toStdString());
        state.close();
        const int initPid = recorded.value("initPid", 0);
        QVERIFY(initPid > 0);
        engine.stop(true); // SIGKILL: the instance keeps running
        recorded["status"] = "stopped";
        recorded["initPid"] = 0;
        QVERIFY(state.open(QIODevice::WriteOnly | QIODevice::Truncate));
        state.write(QByteArray::fromStdString(recorded.dump()));
        state.close();
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(ended(initPid), qPrintable(describe(initPid)), 10000);
        QCOMPARE(out("twin", "echo again"), std::string("again\n"));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/twin").status, 200);
    }

    // Item 5: with network "egress" a sandbox reaches what networkAllow lists, through
    // slirp4netns, and nothing of the host's own (its addresses, its loopback, the
    // engine) or of the private ranges otherwise; with "none" it reaches nothing at all.
    // Sandbox code cannot change the filter.
    void egressReachesOnlyWhatIsAllowed()
    {
        const Json network = engine.http().request("GET", "/v1/health").json()["network"];
        if (network.is_object() && !network.value("egress", true))
            QSKIP(("no egress on this host: " + network.value("egressNote", std::string())).c_str());
        const std::string address = hostAddress();
        if (address.empty())
            QSKIP("this machine has no non-loopback IPv4 address to serve from");
        GreetingServer lan(address);
        GreetingServer loopback("127.0.0.1");
        QVERIFY(lan.port > 0 && loopback.port > 0);
        const std::string allowed = address + "/32";
        const int slirpBefore = slirpProcesses();

        QCOMPARE(engine.http().requestJson("PUT", "/v1/sandboxes/egress", Json{{"network", "egress"}}).status, 200);
        QCOMPARE(out("egress", "cat /etc/resolv.conf"), std::string("nameserver 10.0.2.3\n"));
        QVERIFY(greetingFrom("egress", address, lan.port) != "greeted"); // a host address: not without allowing it
        const Json allow = {{"networkAllow", {allowed}}};
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/egress", allow).status, 200); // live
        QCOMPARE(greetingFrom("egress", address, lan.port), std::string("greeted"));
        for (const auto &hostLoopback : {std::string("10.0.2.2"), std::string("127.0.0.1")}) {
            QVERIFY2(greetingFrom("egress", hostLoopback, loopback.port) != "greeted", hostLoopback.c_str());
            QVERIFY2(greetingFrom("egress", hostLoopback, engine.port()) != "greeted", hostLoopback.c_str());
        }
        // A socket bound to tap0 would take 127.x to slirp4netns, which connects to the host's
        // own loopback: refused before anything allowed (found by the review).
        const std::string bound = out("egress", "python3 -c '\nimport socket\ns = socket.socket()\n"
                                                "s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b\"tap0\")\n"
                                                "s.settimeout(3)\ntry:\n    s.connect((\"127.0.0.1\", " +
                                                std::to_string(loopback.port) + "))\n    print(\"connected\")\n"
                                                "except OSError as error:\n    print(\"refused\", error)\n'");
        QVERIFY2(bound.starts_with("refused"), bound.c_str());
        // Private ranges refuse at once (no timeout), and the filter is not the sandbox's to change.
        QVERIFY(out("egress", "timeout 5 bash -c 'exec 3<>/dev/tcp/192.168.1.1/80' 2>&1; echo exit=$?")
                    .find("exit=1\n") != std::string::npos);
        const std::string flush = out("egress", "nft flush ruleset 2>&1; echo exit=$?");
        QVERIFY2(flush.find("exit=0") == std::string::npos, flush.c_str());
        QCOMPARE(greetingFrom("egress", address, lan.port), std::string("greeted"));
        QCOMPARE(slirpProcesses(), slirpBefore + 1);

        // The same allow list without egress reaches nothing.
        const Json none = {{"network", "none"}, {"networkAllow", {allowed}}};
        QCOMPARE(engine.http().requestJson("PUT", "/v1/sandboxes/offline", none).status, 200);
        QVERIFY(greetingFrom("offline", address, lan.port) != "greeted");
        QVERIFY(greetingFrom("offline", "10.0.2.2", loopback.port) != "greeted");
        QCOMPARE(out("offline", "test -e /etc/resolv.conf; echo $?"), std::string("1\n"));

        // After an engine crash the re-adopted sandbox's filter still follows PATCH.
        engine.stop(true);
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/egress", Json{{"networkAllow", Json::array()}}).status,
                 200);
        QVERIFY(greetingFrom("egress", address, lan.port) != "greeted");
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/egress", allow).status, 200);
        QCOMPARE(greetingFrom("egress", address, lan.port), std::string("greeted"));
        // Taking egress away applies at once; giving it to a sandbox started without waits for
        // the next start; slirp4netns ends with its sandbox.
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/egress", Json{{"network", "none"}}).status, 200);
        QVERIFY(greetingFrom("egress", address, lan.port) != "greeted");
        QCOMPARE(engine.http().request("GET", "/v1/sandboxes/egress").json()["sandbox"].value("activeNetwork", ""),
                 std::string("none"));
        QCOMPARE(engine.http().requestJson("PATCH", "/v1/sandboxes/offline", Json{{"network", "egress"}}).status, 200);
        const Json pending = engine.http().request("GET", "/v1/sandboxes/offline").json()["sandbox"];
        QCOMPARE(pending.value("network", ""), std::string("egress"));
        QCOMPARE(pending.value("activeNetwork", ""), std::string("none"));
        QVERIFY(greetingFrom("offline", address, lan.port) != "greeted");
        restart("offline");
        QCOMPARE(greetingFrom("offline", address, lan.port), std::string("greeted"));
        restart("egress");
        QVERIFY(greetingFrom("egress", address, lan.port) != "greeted");
        QCOMPARE(engine.http().request("POST", "/v1/sandboxes/offline/stop").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(slirpProcesses(), slirpBefore, 5000);
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/egress").status, 200);
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/offline").status, 200);
    }

    void networkSettingsAreValidated()
    {
        for (const Json &body : {Json{{"network", "wifi"}}, Json{{"network", true}}, Json{{"networkAllow", "10.0.0.0/8"}},
                                 Json{{"networkAllow", {"300.1.1.1"}}}, Json{{"networkAllow", {"127.0.0.1"}}},
                                 Json{{"networkAllow", {"::1"}}}, Json{{"networkAllow", {"10.0.0.0/33"}}},
                                 Json{{"networkAllow", {"example.com"}}}, Json{{"networkAllow", {"0.0.0.0/0"}}},
                                 Json{{"networkAllow", {"127.0.0.1/0"}}}, Json{{"networkAllow", {"::ffff:192.0.2.2"}}},
                                 Json{{"networkAllow", {std::string("1.2.3.4\0; flush ruleset", 24)}}}}) {
            const auto result = engine.http().requestJson("PUT", "/v1/sandboxes/netcheck", body);
            QVERIFY2(result.status == 400, body.dump().c_str());
            QVERIFY2(result.json().value("message", std::string()).find("network") != std::string::npos, body.dump().c_str());
        }
        QVERIFY(!QDir(engine.stateDir() + "/sandboxes/netcheck").exists());

        // The CLI passes the same settings and says why the engine refused.
        const auto ctl = [this](const QStringList &arguments) {
            QProcess process;
            process.start(test::EngineHarness::binary("sandbenchctl"), QStringList{"--engine-file", engine.engineFile()} + arguments);
            process.waitForFinished(30000);
            return std::make_pair(process.exitCode(), QString::fromUtf8(process.readAllStandardError()));
        };
        const auto [badExit, badError] = ctl({"create", "netcli", "--network", "wifi"});
        QVERIFY2(badExit != 0 && badError.contains("network"), qPrintable(badError));
        const auto [exitCode, error] = ctl({"create", "netcli", "--network", "none", "--allow", "192.0.2.0/24"});
        QVERIFY2(exitCode == 0, qPrintable(error));
        const Json view = engine.http().request("GET", "/v1/sandboxes/netcli").json()["sandbox"];
        QCOMPARE(view["networkAllow"], Json({"192.0.2.0/24"}));
        QCOMPARE(engine.http().request("DELETE", "/v1/sandboxes/netcli").status, 200);
    }

    // Item 6: a sandbox whose state directory is deleted while no engine runs ends by
    // itself instead of running on a deleted workspace. (Last: it kills the engine.)
    // Also with the workspace in a disk image, which keeps its links: the marker tells.
    void aSandboxWhoseStateIsDeletedEndsItself_data() { storageKinds(); }
    void aSandboxWhoseStateIsDeletedEndsItself()
    {
        QFETCH(QByteArray, body);
        skipWithoutDiskImages(body);
        QCOMPARE(engine.http().request("PUT", "/v1/sandboxes/orphan", body.toStdString()).status, 200);
        QFile state(engine.stateDir() + "/sandboxes/orphan/sandbox.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const int initPid = Json::parse(state.readAll().toStdString()).value("initPid", 0);
        QVERIFY(initPid > 0 && QFileInfo::exists(QString("/proc/%1").arg(initPid)));
        engine.stop(true); // SIGKILL: sandboxes keep running, as after a crash
        QVERIFY(QDir(engine.stateDir() + "/sandboxes/orphan").removeRecursively());
        QTRY_VERIFY_WITH_TIMEOUT(ended(initPid), 12000);
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(SecurityTest)
#include "SecurityTest.moc"
