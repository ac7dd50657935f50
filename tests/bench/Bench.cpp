// sandbench-bench: latency and memory of the engine beside the floors it
// stands on (a bare bwrap start, a bare bash), measured in the same run.
#include "support/EngineHarness.h"

#include "client/EngineClient.h"
#include "widgets/TerminalView.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <atomic>
#include <condition_variable>
#include <map>
#include <optional>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace sandbench;
using client::Json;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
    double p50 = 0, p90 = 0;
};

Stats measure(int iterations, const std::function<void(int)> &once)
{
    std::vector<double> samples;
    for (int i = 0; i < iterations; ++i) {
        const auto begin = Clock::now();
        once(i);
        samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
    }
    std::sort(samples.begin(), samples.end());
    return {samples[samples.size() / 2], samples[samples.size() * 9 / 10]};
}

void runCommand(const std::vector<std::string> &argv)
{
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char *> args;
        for (const auto &arg : argv)
            args.push_back(const_cast<char *>(arg.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "floor command failed: %s\n", argv[0].c_str());
        std::exit(1);
    }
}

// Proportional and resident memory (kB) of a process and all its descendants.
std::pair<long, long> treeMemoryKb(pid_t root)
{
    std::vector<pid_t> pids = {root};
    for (size_t i = 0; i < pids.size(); ++i) {
        QFile children(QString("/proc/%1/task/%1/children").arg(pids[i]));
        if (children.open(QIODevice::ReadOnly))
            for (const auto &child : children.readAll().split(' '))
                if (child.trimmed().toInt() > 0)
                    pids.push_back(child.trimmed().toInt());
    }
    long pss = 0, rss = 0;
    for (pid_t pid : pids) {
        QFile rollup(QString("/proc/%1/smaps_rollup").arg(pid));
        if (!rollup.open(QIODevice::ReadOnly))
            continue;
        for (const auto &line : rollup.readAll().split('\n')) {
            const auto fields = line.simplified().split(' ');
            if (fields.size() >= 2 && fields[0] == "Pss:")
                pss += fields[1].toLong();
            if (fields.size() >= 2 && fields[0] == "Rss:")
                rss += fields[1].toLong();
        }
    }
    return {pss, rss};
}

pid_t bwrapPidOf(const test::EngineHarness &engine, const std::string &id)
{
    QFile state(engine.stateDir() + "/sandboxes/" + QString::fromStdString(id) + "/sandbox.json");
    state.open(QIODevice::ReadOnly);
    return Json::parse(state.readAll().toStdString()).value("bwrapPid", 0);
}

// Waits until the sandbox's interpreter pool holds a ready runner of program (not timed).
void waitForWarmRunner(client::HttpClient &http, const std::string &sandbox, const char *program)
{
    for (int i = 0; i < 600; ++i) {
        const auto reply = http.request("GET", "/v1/sandboxes/" + sandbox + "/api/interpreter/health");
        const Json health = Json::parse(reply.body, nullptr, false);
        if (health.is_object() && health["pool"][program].value("ready", 0) > 0)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fprintf(stderr, "no warm %s runner after 12 s\n", program);
}

std::string createContext(client::HttpClient &http, const std::string &sandbox, const std::string &language)
{
    const auto reply = http.request("POST", "/v1/sandboxes/" + sandbox + "/api/contexts",
                                    Json{{"language", language}}.dump());
    const Json created = Json::parse(reply.body, nullptr, false);
    if (!created.is_object() || !created.contains("contextId")) {
        std::fprintf(stderr, "context not created: %s\n", reply.body.c_str());
        return {};
    }
    return created["contextId"];
}

// Runs a cell and reads its whole event stream; complains unless it completed.
void runCell(client::HttpClient &http, const std::string &sandbox, const std::string &contextId, const std::string &code)
{
    const auto reply = http.request("POST", "/v1/sandboxes/" + sandbox + "/api/execute/code",
                                    Json{{"context_id", contextId}, {"code", code}}.dump());
    if (reply.body.find("execution_complete") == std::string::npos)
        std::fprintf(stderr, "cell did not complete: %s\n", reply.body.substr(0, 300).c_str());
}

void row(const char *name, Stats stats, const char *unit = "ms")
{
    std::printf("%-44s p50 %8.3f %s   p90 %8.3f %s\n", name, stats.p50, unit, stats.p90, unit);
}

// Previews: the same Python client (tests/support/servers/preview_probe.py) asks the same
// server once directly inside the sandbox and once from outside through the preview URL.
// The download is also made through a bare splice(2) relay in the sandbox: the floor for
// any relay, against which the preview's extra hop can be judged.
struct PreviewFigures {
    Stats directKeepAlive, previewKeepAlive, directFresh, previewFresh, directWebSocket, previewWebSocket;
    double directDownload = 0, relayDownload = 0, previewDownload = 0; // MiB/s, medians
};

double medianOf(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// The terminal (issue 10): a keystroke's echo through the PTY WebSocket beside a bare PTY's
// echo, and what the widget takes to consume and paint 100 MiB of `yes`, beside `cat` of
// the same bytes into /dev/null. Needs a display (xvfb-run): the widget paints.
struct TerminalFigures {
    Stats barePty, webSocketEcho;
    double catSeconds = 0, widgetSeconds = 0, floodSeconds = 0;
    qint64 floodLongestGapMs = 0;
};

// Waits in the event loop until done() or the timeout; false on timeout.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 10);
    }
    return true;
}

TerminalFigures measureTerminal(test::EngineHarness &engine)
{
    TerminalFigures figures;
    // Floor: a byte written to a PTY's master comes back as the line discipline's echo.
    {
        int master = -1, slave = -1;
        openpty(&master, &slave, nullptr, nullptr, nullptr);
        termios mode{};
        tcgetattr(slave, &mode);
        mode.c_lflag &= ~ICANON; // echo at once, as bash's readline has it
        tcsetattr(slave, TCSANOW, &mode);
        figures.barePty = measure(2000, [&](int) {
            char byte = 'x';
            (void)!write(master, &byte, 1);
            pollfd ready{master, POLLIN, 0};
            poll(&ready, 1, 1000);
            (void)!read(master, &byte, 1);
        });
        close(slave);
        close(master);
    }

    auto &http = engine.http();
    http.request("PUT", "/v1/sandboxes/bench-terminal", R"({"keepAlive":true})");
    ui::EngineClient client(QUrl(QString::fromStdString(engine.address().url)), QString::fromStdString(engine.address().token));
    {
        auto *socket = client.openTerminal("bench-terminal", "echo", 80, 24, nullptr);
        QByteArray output;
        bool ready = false;
        QObject::connect(socket, &ui::PtySocket::output, [&](const QByteArray &bytes) { output += bytes; });
        QObject::connect(socket, &ui::PtySocket::status, [&](const QJsonObject &message) {
            ready = ready || message.value("type").toString() == "ready";
        });
        waitFor([&] { return ready; }, 10000);
        socket->send("stty -icanon -isig; cat > /dev/null\r");
        waitFor([] { return false; }, 500); // the shell settles
        figures.webSocketEcho = measure(500, [&](int) {
            output.clear();
            socket->send("x");
            waitFor([&] { return output.contains('x'); }, 2000);
        });
        delete socket;
    }

    // 100 MiB of `yes` output, as the PTY gives it ("y\r\n").
    constexpr qint64 kFlood = 100 << 20;
    QByteArray piece;
    while (piece.size() < (4 << 10))
        piece += "y\r\n";
    piece.truncate(4 << 10);
    {
        const QString file = QDir::tempPath() + "/sandbench-bench-yes";
        QFile out(file);
        out.open(QIODevice::WriteOnly);
        for (qint64 written = 0; written < kFlood; written += piece.size())
            out.write(piece);
        out.close();
        const auto begin = Clock::now();
        runCommand({"/bin/sh", "-c", "cat '" + file.toStdString() + "' > /dev/null"});
        figures.catSeconds = std::chrono::duration<double>(Clock::now() - begin).count();
        QFile::remove(file);
    }
    {
        ui::TerminalView view;
        view.resize(900, 500);
        view.show();
        waitFor([] { return false; }, 200);
        const auto begin = Clock::now();
        QElapsedTimer sinceEvents;
        sinceEvents.start();
        for (qint64 fed = 0; fed < kFlood; fed += piece.size()) {
            view.feed(piece);
            if (sinceEvents.elapsed() >= 10) { // as PtySocket hands output on: then painting gets its turn
                QCoreApplication::processEvents();
                sinceEvents.restart();
            }
        }
        waitFor([] { return false; }, 20); // the last frame
        QCoreApplication::processEvents();
        figures.widgetSeconds = std::chrono::duration<double>(Clock::now() - begin).count() - 0.02;
    }
    {
        // End to end: `yes | head -c 100M` in a terminal on the engine, as the pane has it.
        ui::TerminalView view;
        view.resize(900, 500);
        view.show();
        auto *socket = client.openTerminal("bench-terminal", "flood", view.columns(), view.rows(), nullptr);
        bool ready = false;
        QObject::connect(socket, &ui::PtySocket::output, &view, &ui::TerminalView::feed);
        QObject::connect(socket, &ui::PtySocket::status, [&](const QJsonObject &message) {
            ready = ready || message.value("type").toString() == "ready";
        });
        waitFor([&] { return ready; }, 10000);
        waitFor([] { return false; }, 300);
        auto shows = [&](const QString &words) {
            for (int row = 0; row < view.rows(); ++row)
                if (view.rowText(row).contains(words))
                    return true;
            return false;
        };
        QElapsedTimer probe;
        QTimer ticker;
        ticker.setInterval(10);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            figures.floodLongestGapMs = std::max(figures.floodLongestGapMs, probe.restart());
        });
        const auto begin = Clock::now();
        socket->send("yes | head -c 104857600; echo flood-$((6*7))\r");
        probe.start();
        ticker.start();
        waitFor([&] { return shows("flood-42"); }, 300000);
        ticker.stop();
        figures.floodSeconds = std::chrono::duration<double>(Clock::now() - begin).count();
        delete socket;
    }
    http.request("DELETE", "/v1/sandboxes/bench-terminal");
    return figures;
}

void printTerminal(const TerminalFigures &figures)
{
    std::printf("\nTerminal\n");
    row("floor: keystroke echo, bare PTY", figures.barePty);
    row("keystroke echo through the PTY WebSocket", figures.webSocketEcho);
    std::printf("%-44s %+8.3f ms  (target < 2 ms)\n", "WebSocket echo p50 - bare PTY p50",
                figures.webSocketEcho.p50 - figures.barePty.p50);
    std::printf("%-44s %8.2f s\n", "floor: cat of 100 MiB of yes > /dev/null", figures.catSeconds);
    std::printf("%-44s %8.2f s  (%.1f MiB/s)\n", "TerminalView consumes and paints 100 MiB", figures.widgetSeconds,
                100 / figures.widgetSeconds);
    std::printf("%-44s %8.2f s  (longest GUI gap %lld ms, target < 50)\n", "yes | head -c 100M in a terminal, end to end",
                figures.floodSeconds, static_cast<long long>(figures.floodLongestGapMs));
}

PreviewFigures measurePreviews(test::EngineHarness &engine)
{
    auto &http = engine.http();
    const std::string sandboxless = "__DISABLE_SESSION__";
    http.request("PUT", "/v1/sandboxes/bench-preview", R"({"keepAlive":true})");
    for (const char *name : {"preview_probe.py", "websocket-echo.js"}) {
        QFile source(QStringLiteral(SANDBENCH_TEST_SERVERS "/") + name);
        source.open(QIODevice::ReadOnly);
        http.requestJson("POST", "/v1/sandboxes/bench-preview/api/write",
                         Json{{"path", std::string("/workspace/") + name}, {"content", source.readAll().toStdString()}});
    }
    http.requestJson("POST", "/v1/sandboxes/bench-preview/api/process/start",
                     Json{{"command", "python3 /workspace/preview_probe.py serve 8081"}});
    http.requestJson("POST", "/v1/sandboxes/bench-preview/api/process/start",
                     Json{{"command", "python3 /workspace/preview_probe.py relay 8082 8081"}});
    http.requestJson("POST", "/v1/sandboxes/bench-preview/api/process/start",
                     Json{{"command", "node /workspace/websocket-echo.js 8765"}});
    auto previewHost = [&](unsigned port) {
        const Json exposed = http.requestJson("POST", "/v1/sandboxes/bench-preview/ports", Json{{"port", port}}).json();
        const std::string url = exposed.value("url", "");
        return url.substr(7, url.find('/', 7) - 7); // http://{host}/
    };
    const std::string httpHost = previewHost(8081), wsHost = previewHost(8765);
    for (const unsigned port : {8081u, 8082u, 8765u})
        http.requestJson("POST", "/v1/sandboxes/bench-preview/api/port-watch", Json{{"port", port}, {"mode", "tcp"}});
    const std::string probe = "python3 /workspace/preview_probe.py ";
    auto inside = [&](const std::string &arguments) {
        const Json result = engine.exec("bench-preview", probe + arguments, Json{{"sessionId", sandboxless}});
        const Json parsed = Json::parse(result.value("stdout", ""), nullptr, false);
        if (!parsed.is_object())
            std::fprintf(stderr, "preview probe inside failed: %s\n", result.dump().c_str());
        return parsed.is_object() ? parsed : Json::object();
    };
    const std::string enginePort = std::to_string(engine.port());
    // The same interpreter as inside (/usr is the host's), never a shim that PATH may find first.
    auto outside = [&](const QStringList &arguments) {
        QProcess process;
        process.start("/usr/bin/python3", QStringList{QStringLiteral(SANDBENCH_TEST_SERVERS "/preview_probe.py")} + arguments);
        process.waitForFinished(120000);
        const Json parsed = Json::parse(process.readAllStandardOutput().toStdString(), nullptr, false);
        if (!parsed.is_object())
            std::fprintf(stderr, "preview probe outside failed: %s\n", process.readAllStandardError().constData());
        return parsed.is_object() ? parsed : Json::object();
    };
    auto statsFrom = [](const Json &probed) { return Stats{probed.value("p50_ms", 0.0), probed.value("p90_ms", 0.0)}; };
    const QString port = QString::fromStdString(enginePort);
    const Stats directKeepAlive = statsFrom(inside("latency 127.0.0.1 8081 127.0.0.1:8081 500 keepalive"));
    const Stats previewKeepAlive = statsFrom(outside({"latency", "127.0.0.1", port, QString::fromStdString(httpHost), "500", "keepalive"}));
    const Stats directFresh = statsFrom(inside("latency 127.0.0.1 8081 127.0.0.1:8081 300 fresh"));
    const Stats previewFresh = statsFrom(outside({"latency", "127.0.0.1", port, QString::fromStdString(httpHost), "300", "fresh"}));
    const Stats directWebSocket = statsFrom(inside("websocket 127.0.0.1 8765 127.0.0.1:8765 500"));
    const Stats previewWebSocket = statsFrom(outside({"websocket", "127.0.0.1", port, QString::fromStdString(wsHost), "500"}));
    std::vector<double> directDownloads, relayDownloads, previewDownloads;
    for (int round = 0; round < 5; ++round) { // medians of five: one 256 MiB run is noisy here
        directDownloads.push_back(inside("download 127.0.0.1 8081 127.0.0.1:8081 268435456").value("mib_s", 0.0));
        relayDownloads.push_back(inside("download 127.0.0.1 8082 127.0.0.1:8082 268435456").value("mib_s", 0.0));
        previewDownloads.push_back(
            outside({"download", "127.0.0.1", port, QString::fromStdString(httpHost), "268435456"}).value("mib_s", 0.0));
    }
    http.request("DELETE", "/v1/sandboxes/bench-preview");
    return {directKeepAlive, previewKeepAlive, directFresh, previewFresh, directWebSocket, previewWebSocket,
            medianOf(directDownloads), medianOf(relayDownloads), medianOf(previewDownloads)};

}

void printPreviews(const PreviewFigures &figures)
{
    std::printf("\nPreviews (the same Python client inside the sandbox, and outside through the preview URL)\n");
    row("GET 3 bytes, kept-alive, in the sandbox", figures.directKeepAlive);
    row("GET 3 bytes, kept-alive, through the preview", figures.previewKeepAlive);
    row("GET 3 bytes, new connection, in the sandbox", figures.directFresh);
    row("GET 3 bytes, new connection, via preview", figures.previewFresh);
    row("WebSocket echo 16 B, in the sandbox", figures.directWebSocket);
    row("WebSocket echo 16 B, through the preview", figures.previewWebSocket);
    std::printf("%-44s %8.1f MiB/s\n", "download 256 MiB, in the sandbox", figures.directDownload);
    std::printf("%-44s %8.1f MiB/s  (%.2f of in-sandbox: the floor for a relay)\n", "download 256 MiB, bare splice relay",
                figures.relayDownload, figures.relayDownload / figures.directDownload);
    std::printf("%-44s %8.1f MiB/s  (%.2f of in-sandbox, target >= 0.5; %.2f of the bare relay)\n",
                "download 256 MiB, through the preview", figures.previewDownload,
                figures.previewDownload / figures.directDownload, figures.previewDownload / figures.relayDownload);
    std::printf("%-44s %+8.3f ms  (target < 1 ms)\n", "preview p50 - direct p50, kept-alive",
                figures.previewKeepAlive.p50 - figures.directKeepAlive.p50);
    std::printf("%-44s %+8.3f ms\n", "preview p50 - direct p50, new connection",
                figures.previewFresh.p50 - figures.directFresh.p50);
    std::printf("%-44s %+8.3f ms\n", "preview p50 - direct p50, WebSocket echo",
                figures.previewWebSocket.p50 - figures.directWebSocket.p50);
}

// Bucket mounts (issue 13), against s3rver on loopback: time to mount (mount and s3fs's
// check of the bucket, each followed by an unmount), and 256 MiB written and read through
// the s3fs mount beside the same transfers made directly with an S3 client (curl with
// SigV4) to the same server, in the same run.
struct StorageFigures {
    Stats mount;
    double mountWrite = 0, mountRead = 0, directPut = 0, directGet = 0; // MiB/s
};

double secondsOf(const std::function<void()> &work)
{
    const auto begin = Clock::now();
    work();
    return std::chrono::duration<double>(Clock::now() - begin).count();
}

std::optional<StorageFigures> measureStorage(test::EngineHarness &engine)
{
    auto &http = engine.http();
    QTemporaryDir dir;
    QProcess server;
    server.start("node", {SANDBENCH_S3RVER, "-d", dir.filePath("buckets"), "-a", "127.0.0.1", "-p", "0", "-s",
                          "--configure-bucket", "bench"});
    QString said;
    for (int i = 0; i < 150 && !said.contains("listening on"); ++i) {
        server.waitForReadyRead(100);
        said += QString::fromUtf8(server.readAllStandardOutput());
    }
    const QString port = said.section(':', -1).trimmed();
    if (port.toInt() <= 0) {
        std::fprintf(stderr, "storage: s3rver did not start: %s\n", qPrintable(said + server.readAllStandardError()));
        return std::nullopt;
    }
    const std::string endpoint = "http://127.0.0.1:" + port.toStdString();
    http.request("PUT", "/v1/sandboxes/bench-storage", R"({"keepAlive":true})");
    const Json request = {{"bucket", "bench"}, {"mountPath", "/mnt/bench"},
                          {"options", {{"endpoint", endpoint}, {"credentials", {{"accessKeyId", "S3RVER"},
                                                                                {"secretAccessKey", "S3RVER"}}}}}};
    StorageFigures figures;
    std::vector<double> mounts;
    for (int round = 0; round < 5; ++round) {
        if (round > 0) // untimed: the mount before goes
            http.request("DELETE", "/v1/sandboxes/bench-storage/mounts?path=/mnt/bench");
        mounts.push_back(1000 * secondsOf([&] {
            const auto reply = http.requestJson("POST", "/v1/sandboxes/bench-storage/mounts", request);
            if (reply.status != 200)
                std::fprintf(stderr, "storage: mount failed: %s\n", reply.body.c_str());
        }));
    }
    std::sort(mounts.begin(), mounts.end());
    figures.mount = {mounts[2], mounts[4]};
    const std::size_t size = 256u << 20;
    const std::string mib = std::to_string(size >> 20);
    auto inside = [&](const std::string &command) {
        const Json result = engine.exec("bench-storage", command, Json{{"sessionId", "__DISABLE_SESSION__"}});
        if (result.value("exitCode", 1) != 0)
            std::fprintf(stderr, "storage: %s: %s\n", command.c_str(), result.dump().c_str());
    };
    inside("head -c " + std::to_string(size) + " /dev/urandom > /workspace/source.bin");
    figures.mountWrite = (size >> 20) / secondsOf([&] { inside("cp /workspace/source.bin /mnt/bench/written.bin"); });
    // Direct: the same bytes up and down with curl, the server's own API.
    QFile local(dir.filePath("source.bin"));
    local.open(QIODevice::WriteOnly);
    std::mt19937_64 random(42);
    std::vector<std::uint64_t> block(1 << 17);
    for (std::size_t done = 0; done < size; done += block.size() * 8) {
        for (auto &word : block)
            word = random();
        local.write(reinterpret_cast<const char *>(block.data()), static_cast<qint64>(block.size() * 8));
    }
    local.close();
    const QStringList curl = {"-sS", "--fail", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "S3RVER:S3RVER",
                              "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"};
    const QString object = QString::fromStdString(endpoint) + "/bench/direct.bin";
    figures.directPut = (size >> 20) / secondsOf([&] {
        QProcess::execute("curl", curl + QStringList{"-T", local.fileName(), object});
    });
    figures.directGet = (size >> 20) / secondsOf([&] {
        QProcess::execute("curl", curl + QStringList{"-o", "/dev/null", object});
    });
    // An object the mount has never read (no page cache), read through it.
    figures.mountRead = (size >> 20) / secondsOf([&] { inside("cat /mnt/bench/direct.bin > /dev/null"); });
    http.request("DELETE", "/v1/sandboxes/bench-storage");
    server.kill();
    server.waitForFinished();
    return figures;
}

// Backups (issue 13): 1 GiB of mixed files (7 x 128 MiB random, 160 MiB of zeros, 2000 small
// text files) backed up and restored through the engine, beside tar of the same tree into
// and out of an uncompressed archive in the same sandbox, in the same run.
struct BackupFigures {
    double sizeMiB = 0;
    double create = 0, restore = 0, tarCreate = 0, tarExtract = 0; // seconds
};

BackupFigures measureBackups(test::EngineHarness &engine)
{
    auto &http = engine.http();
    http.request("PUT", "/v1/sandboxes/bench-backup", R"({"keepAlive":true})");
    auto inside = [&](const std::string &command) {
        const Json result = engine.exec("bench-backup", command, Json{{"sessionId", "__DISABLE_SESSION__"}});
        if (result.value("exitCode", 1) != 0)
            std::fprintf(stderr, "backups: %s: %s\n", command.c_str(), result.dump().c_str());
        return result.value("stdout", std::string());
    };
    inside("mkdir -p /workspace/big/text /workspace/big/bin && cd /workspace/big && "
           "for i in $(seq 1 7); do head -c 134217728 /dev/urandom > bin/r$i.bin; done && "
           "head -c 167772160 /dev/zero > bin/zeros.bin && "
           "for i in $(seq 1 2000); do seq $i $((i + 500)) > text/f$i.txt; done");
    BackupFigures figures;
    figures.sizeMiB = std::stod(inside("du -sb /workspace/big | cut -f1")) / (1 << 20);
    std::string id;
    figures.create = secondsOf([&] {
        const auto reply = http.requestJson("POST", "/v1/sandboxes/bench-backup/backups",
                                            Json{{"dir", "/workspace/big"}});
        id = reply.json().value("id", std::string());
        if (id.empty())
            std::fprintf(stderr, "backups: create failed: %s\n", reply.body.c_str());
    });
    figures.restore = secondsOf([&] {
        const auto reply = http.requestJson("POST", "/v1/sandboxes/bench-backup/backups/" + id + "/restore", Json::object());
        if (reply.status != 200)
            std::fprintf(stderr, "backups: restore failed: %s\n", reply.body.c_str());
    });
    figures.tarCreate = secondsOf([&] { inside("tar -cf /workspace/big.tar -C /workspace big"); });
    figures.tarExtract = secondsOf([&] { inside("mkdir -p /workspace/out && tar -xf /workspace/big.tar -C /workspace/out"); });
    http.request("DELETE", "/v1/sandboxes/bench-backup");
    return figures;
}

void printBackups(const BackupFigures &figures)
{
    std::printf("\nBackups (%.0f MiB of mixed files, lz4 squashfs vs tar in the same sandbox)\n", figures.sizeMiB);
    std::printf("%-44s %8.1f MiB/s  (%.2f s)\n", "floor: tar -c (no compression)", figures.sizeMiB / figures.tarCreate,
                figures.tarCreate);
    std::printf("%-44s %8.1f MiB/s  (%.2f s, %.2f of tar)\n", "backup (mksquashfs lz4 + SHA-256)",
                figures.sizeMiB / figures.create, figures.create, figures.tarCreate / figures.create);
    std::printf("%-44s %8.1f MiB/s  (%.2f s)\n", "floor: tar -x", figures.sizeMiB / figures.tarExtract, figures.tarExtract);
    std::printf("%-44s %8.1f MiB/s  (%.2f s, %.2f of tar)\n", "restore (SHA-256 check + unsquashfs + swap)",
                figures.sizeMiB / figures.restore, figures.restore, figures.tarExtract / figures.restore);
}

void printStorage(const std::optional<StorageFigures> &figures)
{
    if (!figures) {
        std::printf("\nStorage: skipped (s3rver did not start: npm ci in tests/conformance)\n");
        return;
    }
    std::printf("\nStorage (s3fs mount vs curl with SigV4, the same s3rver on loopback)\n");
    row("mount a bucket (s3fs, its bucket check)", figures->mount);
    std::printf("%-44s %8.1f MiB/s\n", "PUT 256 MiB directly (curl)", figures->directPut);
    std::printf("%-44s %8.1f MiB/s  (%.2f of direct)\n", "write 256 MiB through the mount (cp)", figures->mountWrite,
                figures->mountWrite / figures->directPut);
    std::printf("%-44s %8.1f MiB/s\n", "GET 256 MiB directly (curl)", figures->directGet);
    std::printf("%-44s %8.1f MiB/s  (%.2f of direct)\n", "read 256 MiB through the mount (cat)", figures->mountRead,
                figures->mountRead / figures->directGet);
}

} // namespace

int main(int argc, char **argv)
{
    // The terminal section paints: with a display, a QApplication (xvfb-run is enough).
    const bool display = std::getenv("DISPLAY") != nullptr;
    std::unique_ptr<QCoreApplication> app =
        display ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    test::EngineHarness engine;
    QString error;
    if (!engine.start(&error)) {
        std::fprintf(stderr, "sandbench-bench: %s\n", qPrintable(error));
        return 1;
    }
    auto &http = engine.http();
    const std::string sandboxless = "__DISABLE_SESSION__";
    // `sandbench-bench previews`: that section alone (seconds, not minutes).
    if (argc > 1 && std::string(argv[1]) == "previews") {
        printPreviews(measurePreviews(engine));
        return 0;
    }
    // `sandbench-bench storage`: that section alone.
    if (argc > 1 && std::string(argv[1]) == "storage") {
        printStorage(measureStorage(engine));
        printBackups(measureBackups(engine));
        return 0;
    }
    // `sandbench-bench terminal` (under xvfb-run): that section alone.
    if (argc > 1 && std::string(argv[1]) == "terminal") {
        if (!display) {
            std::fprintf(stderr, "sandbench-bench terminal: needs a display (run it under xvfb-run)\n");
            return 1;
        }
        printTerminal(measureTerminal(engine));
        return 0;
    }

    // Floors.
    const std::vector<std::string> bwrapFloor = {"/usr/bin/bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr",
                                                 "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                                                 "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
                                                 "--", "/usr/bin/true"};
    runCommand(bwrapFloor);
    const Stats bwrap = measure(30, [&](int) { runCommand(bwrapFloor); });
    const Stats bash = measure(100, [&](int) { runCommand({"/bin/bash", "-c", "echo hi >/dev/null"}); });

    // Create-to-first-exec: a new sandbox, then exec('echo hi') through the engine.
    const Stats create = measure(20, [&](int i) {
        const std::string id = "bench-create-" + std::to_string(i);
        http.request("PUT", "/v1/sandboxes/" + id, "{}");
        const Json result = engine.exec(id, "echo hi");
        if (result.value("stdout", "") != "hi")
            std::fprintf(stderr, "unexpected exec result: %s\n", result.dump().c_str());
    });
    for (int i = 0; i < 20; ++i)
        http.request("DELETE", "/v1/sandboxes/bench-create-" + std::to_string(i));

    // The same with network egress (filter + slirp4netns), where this host offers it.
    const bool egress = http.request("GET", "/v1/health").json()["network"].value("egress", false);
    Stats createEgress{};
    if (egress) {
        createEgress = measure(10, [&](int i) {
            const std::string id = "bench-egress-" + std::to_string(i);
            http.requestJson("PUT", "/v1/sandboxes/" + id, Json{{"network", "egress"}});
            const Json result = engine.exec(id, "echo hi");
            if (result.value("stdout", "") != "hi")
                std::fprintf(stderr, "unexpected exec result: %s\n", result.dump().c_str());
        });
        for (int i = 0; i < 10; ++i)
            http.request("DELETE", "/v1/sandboxes/bench-egress-" + std::to_string(i));
    }

    // The same with a disk limit, where the engine makes it a disk image (mkfs + loop mount).
    const bool diskImages = http.request("GET", "/v1/health").json()["limits"].value("disk", "") == "image";
    Stats createImage{};
    if (diskImages) {
        createImage = measure(10, [&](int i) {
            const std::string id = "bench-image-" + std::to_string(i);
            http.requestJson("PUT", "/v1/sandboxes/" + id, Json{{"limits", {{"diskMiB", 1024}}}});
            const Json result = engine.exec(id, "echo hi");
            if (result.value("stdout", "") != "hi")
                std::fprintf(stderr, "unexpected exec result: %s\n", result.dump().c_str());
        });
        for (int i = 0; i < 10; ++i)
            http.request("DELETE", "/v1/sandboxes/bench-image-" + std::to_string(i));
    }

    // Warm exec round trip on a running sandbox's default session.
    http.request("PUT", "/v1/sandboxes/bench-warm", "{}");
    for (int i = 0; i < 20; ++i)
        engine.exec("bench-warm", "echo hi");
    const Stats warm = measure(300, [&](int) { engine.exec("bench-warm", "echo hi"); });
    const Stats warmSessionless = measure(100, [&](int) {
        engine.exec("bench-warm", "echo hi", Json{{"sessionId", sandboxless}});
    });

    // Files: /api/read of a 4 KiB file, and watch latency (write request sent -> event received).
    const std::string fourKiB(4096, 'x');
    http.requestJson("POST", "/v1/sandboxes/bench-warm/api/write", Json{{"path", "/workspace/4k.txt"}, {"content", fourKiB}});
    const Stats read4k = measure(300, [&](int) {
        http.requestJson("POST", "/v1/sandboxes/bench-warm/api/read", Json{{"path", "/workspace/4k.txt"}});
    });
    http.requestJson("POST", "/v1/sandboxes/bench-warm/api/mkdir", Json{{"path", "/workspace/watched"}});
    std::mutex mutex;
    std::condition_variable arrived;
    std::map<std::string, Clock::time_point> seen;
    bool watching = false;
    std::atomic<bool> stopWatching = false;
    std::thread watcher([&] {
        auto client = engine.newClient();
        client.streamEvents("POST", "/v1/sandboxes/bench-warm/api/watch", Json{{"path", "/workspace/watched"}}.dump(),
                            [&](const Json &event) {
            std::lock_guard lock(mutex);
            if (event.value("type", "") == "watching")
                watching = true;
            else if (event.value("eventType", "") == "create")
                seen.emplace(event.value("path", ""), Clock::now());
            arrived.notify_all();
            return !stopWatching.load();
        });
    });
    {
        std::unique_lock lock(mutex);
        arrived.wait(lock, [&] { return watching; });
    }
    std::vector<double> watchSamples;
    for (int i = 0; i < 60; ++i) {
        const std::string path = "/workspace/watched/latency-" + std::to_string(i);
        std::this_thread::sleep_for(std::chrono::milliseconds(100)); // isolated events, not a burst
        const auto begin = Clock::now();
        http.requestJson("POST", "/v1/sandboxes/bench-warm/api/write", Json{{"path", path}, {"content", "x"}});
        std::unique_lock lock(mutex);
        if (arrived.wait_for(lock, std::chrono::seconds(2), [&] { return seen.count(path) > 0; }))
            watchSamples.push_back(std::chrono::duration<double, std::milli>(seen[path] - begin).count());
    }
    stopWatching = true;
    http.requestJson("POST", "/v1/sandboxes/bench-warm/api/write", Json{{"path", "/workspace/watched/stop"}, {"content", "x"}});
    watcher.join();
    std::sort(watchSamples.begin(), watchSamples.end());
    const Stats watchLatency = watchSamples.empty() ? Stats{-1, -1}
                                                    : Stats{watchSamples[watchSamples.size() / 2],
                                                            watchSamples[watchSamples.size() * 9 / 10]};

    // Streaming throughput of 256 MiB through the engine's /files routes, beside cp on the same disk.
    const std::uint64_t bulk = 256ull << 20;
    const QString localFile = engine.stateDir() + "/bench-256m.bin";
    {
        QFile file(localFile);
        file.open(QIODevice::WriteOnly);
        std::vector<char> block(1 << 20);
        std::mt19937_64 generator(7);
        for (std::uint64_t written = 0; written < bulk; written += block.size()) {
            for (auto &byte : block)
                byte = static_cast<char>(generator());
            file.write(block.data(), static_cast<qint64>(block.size()));
        }
    }
    sync();
    auto mibPerSecond = [bulk](Clock::duration elapsed) {
        return (bulk / 1048576.0) / std::chrono::duration<double>(elapsed).count();
    };
    // Each rate is the median of three runs: a single 256 MiB copy is noisy on a shared VM.
    std::vector<double> cpRates, uploadRates, downloadRates;
    auto uploader = engine.newClient();
    for (int round = 0; round < 3; ++round) {
        const auto cpBegin = Clock::now();
        runCommand({"/bin/cp", localFile.toStdString(), (localFile + ".copy").toStdString()});
        sync();
        cpRates.push_back(mibPerSecond(Clock::now() - cpBegin));
        QFile::remove(localFile + ".copy");

        // Like cp, the upload creates a new file (replacing one also pays for freeing the old).
        http.requestJson("POST", "/v1/sandboxes/bench-warm/api/delete", Json{{"path", "/workspace/bulk.bin"}});
        std::FILE *source = std::fopen(localFile.toLocal8Bit().constData(), "rb");
        const auto upBegin = Clock::now();
        uploader.uploadFile("/v1/sandboxes/bench-warm/files?path=/workspace/bulk.bin", fileno(source), bulk);
        uploadRates.push_back(mibPerSecond(Clock::now() - upBegin));
        std::fclose(source);

        std::FILE *sink = std::fopen((localFile + ".down").toLocal8Bit().constData(), "wb");
        const auto downBegin = Clock::now();
        uploader.stream("GET", "/v1/sandboxes/bench-warm/files?path=/workspace/bulk.bin", {}, [sink](std::string_view data) {
            return std::fwrite(data.data(), 1, data.size(), sink) == data.size();
        });
        std::fflush(sink);
        fsync(fileno(sink));
        std::fclose(sink);
        downloadRates.push_back(mibPerSecond(Clock::now() - downBegin));
        QFile::remove(localFile + ".down");
    }
    const double cpRate = medianOf(cpRates);
    const double uploadRate = medianOf(uploadRates);
    const double downloadRate = medianOf(downloadRates);
    QFile::remove(localFile);
    QFile::remove(localFile + ".down");

    const PreviewFigures previews = measurePreviews(engine);
    const auto storage = measureStorage(engine);
    const BackupFigures backups = measureBackups(engine);
    const TerminalFigures terminal = display ? measureTerminal(engine) : TerminalFigures{};

    // Idle memory: one agent, then 50 idle sandboxes (each after one command).
    const pid_t warmBwrap = bwrapPidOf(engine, "bench-warm");
    const auto [onePss, oneRss] = treeMemoryKb(warmBwrap);
    long agentRss = 0;
    {
        QFile children(QString("/proc/%1/task/%1/children").arg(warmBwrap));
        children.open(QIODevice::ReadOnly);
        const pid_t init = children.readAll().trimmed().split(' ').value(0).toInt();
        QFile initChildren(QString("/proc/%1/task/%1/children").arg(init));
        initChildren.open(QIODevice::ReadOnly);
        const pid_t agent = initChildren.readAll().trimmed().split(' ').value(0).toInt();
        QFile status(QString("/proc/%1/status").arg(agent));
        status.open(QIODevice::ReadOnly);
        for (const auto &line : status.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                agentRss = line.simplified().split(' ').value(1).toLong();
    }
    // The interpreter: floors first (what a bare interpreter takes), then the engine's.
    const Stats pythonFloor = measure(10, [&](int) { runCommand({"/usr/bin/python3", "-c", "pass"}); });
    const Stats ipythonFloor = measure(5, [&](int) {
        runCommand({"/usr/bin/python3", "-c",
                    "from IPython.core.interactiveshell import InteractiveShell; InteractiveShell.instance()"});
    });
    const Stats pyplotFloor = measure(5, [&](int) { runCommand({"/usr/bin/python3", "-c", "import matplotlib.pyplot"}); });
    const std::string nodeBinary = access("/usr/bin/node", X_OK) == 0 ? "/usr/bin/node" : "/usr/local/bin/node";
    const Stats nodeFloor = measure(10, [&](int) { runCommand({nodeBinary, "-e", "0"}); });
    http.request("PUT", "/v1/sandboxes/bench-interpreter", R"({"keepAlive":true})");
    waitForWarmRunner(http, "bench-interpreter", "python");
    std::vector<double> fromPool, cold, firstChart;
    for (int i = 0; i < 10; ++i) {
        waitForWarmRunner(http, "bench-interpreter", "python");
        auto begin = Clock::now();
        const std::string warmContext = createContext(http, "bench-interpreter", "python");
        fromPool.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        begin = Clock::now();
        runCell(http, "bench-interpreter", warmContext, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()");
        firstChart.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        if (i < 4) { // the pool is empty now: this one starts cold
            begin = Clock::now();
            const std::string coldContext = createContext(http, "bench-interpreter", "python");
            cold.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
            http.request("DELETE", "/v1/sandboxes/bench-interpreter/api/contexts/" + coldContext);
        }
        http.request("DELETE", "/v1/sandboxes/bench-interpreter/api/contexts/" + warmContext);
    }
    const auto statsOf = [](std::vector<double> samples) {
        std::sort(samples.begin(), samples.end());
        return Stats{samples[samples.size() / 2], samples[samples.size() * 9 / 10]};
    };
    const std::string pythonContext = createContext(http, "bench-interpreter", "python");
    const std::string javascriptContext = createContext(http, "bench-interpreter", "javascript");
    for (int i = 0; i < 10; ++i) {
        runCell(http, "bench-interpreter", pythonContext, "1 + 1");
        runCell(http, "bench-interpreter", javascriptContext, "1 + 1");
    }
    const Stats pythonRoundTrip = measure(200, [&](int) { runCell(http, "bench-interpreter", pythonContext, "1 + 1"); });
    const Stats javascriptRoundTrip =
        measure(200, [&](int) { runCell(http, "bench-interpreter", javascriptContext, "1 + 1"); });
    // What interpreters cost a sandbox: two contexts and the warm pool (one of each) beside them.
    waitForWarmRunner(http, "bench-interpreter", "python");
    waitForWarmRunner(http, "bench-interpreter", "node");
    const auto [interpreterPss, interpreterRss] = treeMemoryKb(bwrapPidOf(engine, "bench-interpreter"));
    http.request("DELETE", "/v1/sandboxes/bench-interpreter");

    long fiftyPss = 0, fiftyRss = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string id = "bench-idle-" + std::to_string(i);
        http.request("PUT", "/v1/sandboxes/" + id, "{}");
        engine.exec(id, "true");
    }
    for (int i = 0; i < 50; ++i) {
        const auto [pss, rss] = treeMemoryKb(bwrapPidOf(engine, "bench-idle-" + std::to_string(i)));
        fiftyPss += pss;
        fiftyRss += rss;
    }
    for (int i = 0; i < 50; ++i)
        http.request("DELETE", "/v1/sandboxes/bench-idle-" + std::to_string(i));
    http.request("DELETE", "/v1/sandboxes/bench-warm");

    std::printf("Sandbench benchmark (%ld cores)\n\n", sysconf(_SC_NPROCESSORS_ONLN));
    std::printf("Floors\n");
    row("bare bwrap --unshare-all true", bwrap);
    row("bare bash -c 'echo hi'", bash);
    std::printf("\nEngine\n");
    row("create-to-first-exec (new sandbox)", create);
    if (egress)
        row("create-to-first-exec, network egress", createEgress);
    if (diskImages)
        row("create-to-first-exec, 1 GiB disk image", createImage);
    row("warm exec('echo hi'), session", warm);
    row("warm exec('echo hi'), sessionless", warmSessionless);
    row("/api/read of a 4 KiB file", read4k);
    row("watch: write request -> event at the client", watchLatency);
    std::printf("%-44s %8.1f MiB/s\n", "floor: cp of 256 MiB on the same disk", cpRate);
    std::printf("%-44s %8.1f MiB/s  (%.2f of cp, target >= 0.5)\n", "upload 256 MiB (PUT /files, fsync'd)", uploadRate,
                uploadRate / cpRate);
    std::printf("%-44s %8.1f MiB/s  (%.2f of cp, target >= 0.5)\n", "download 256 MiB (GET /files, fsync'd)", downloadRate,
                downloadRate / cpRate);
    printPreviews(previews);
    printStorage(storage);
    printBackups(backups);
    if (display)
        printTerminal(terminal);
    else
        std::printf("\nTerminal: skipped (no display; run the bench under xvfb-run)\n");
    std::printf("\nInterpreter\n");
    row("floor: python3 -c pass", pythonFloor);
    row("floor: node -e 0", nodeFloor);
    row("floor: cold IPython shell (python3 -c)", ipythonFloor);
    row("floor: python3 -c 'import matplotlib.pyplot'", pyplotFloor);
    row("context from the warm pool (python)", statsOf(fromPool));
    row("context started cold (python, IPython+pyplot)", statsOf(cold));
    row("cell '1 + 1' round trip, python", pythonRoundTrip);
    row("cell '1 + 1' round trip, javascript", javascriptRoundTrip);
    row("first matplotlib line chart (PNG + chart)", statsOf(firstChart));
    std::printf("%-44s %8.1f MB PSS, %.1f MB RSS\n", "sandbox: 2 contexts + warm pool (py, node)",
                interpreterPss / 1024.0, interpreterRss / 1024.0);
    std::printf("\nRatios\n");
    std::printf("%-44s %8.2fx  (target <= 4x)\n", "create-to-first-exec p50 / bwrap p50", create.p50 / bwrap.p50);
    std::printf("%-44s %8.2fx\n", "warm session exec p50 / bash p50", warm.p50 / bash.p50);
    std::printf("%-44s %8.2fx\n", "warm sessionless exec p50 / bash p50", warmSessionless.p50 / bash.p50);
    std::printf("%-44s %8.3fx\n", "context from pool p50 / cold IPython p50",
                statsOf(fromPool).p50 / ipythonFloor.p50);
    std::printf("%-44s %8.2fx\n", "first chart p50 / import pyplot p50", statsOf(firstChart).p50 / pyplotFloor.p50);
    std::printf("%-44s %8.3fx\n", "python 1+1 p50 / python3 -c pass p50",
                pythonRoundTrip.p50 / pythonFloor.p50);
    std::printf("\nMemory\n");
    std::printf("%-44s %8.1f MB  (target < 10 MB)\n", "idle agent RSS", agentRss / 1024.0);
    std::printf("%-44s %8.1f MB PSS, %.1f MB RSS\n", "one idle sandbox (bwrap+agent+shell)", onePss / 1024.0,
                oneRss / 1024.0);
    std::printf("%-44s %8.1f MB PSS, %.1f MB RSS\n", "50 idle sandboxes", fiftyPss / 1024.0, fiftyRss / 1024.0);
    return 0;
}
