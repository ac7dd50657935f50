// sandbenchctl: the command-line client of the engine API. Reads engine.json
// for the URL and token; every failure is one readable line on stderr.
#include "client/HttpClient.h"
#include "system/Locations.h"
#include "system/Subprocess.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

using namespace sandbench;
using client::Json;

namespace {

constexpr const char *kUsage = R"(usage: sandbenchctl [--engine-file FILE] COMMAND ...

commands:
  ls                          list sandboxes
  create ID [--env K=V]... [--keep-alive] [--sleep-after 10m] [--memory MIB]
            [--network none|egress] [--allow CIDR]...
                              get-or-create a sandbox and start it
  exec ID -- CMD [ARG]...     run a command in the sandbox's default session (cd and export
                              persist), stream its output, exit with its code; Ctrl+C stops it
  ps ID                       list background processes
  logs ID PROCESS             print a process's output
  kill ID PROCESS             kill a process tree
  cp LOCAL ID:/path           upload a file (streamed, atomic on the sandbox side)
  cp ID:/path LOCAL           download a file (streamed, atomic on this side)
  watch ID [PATH]             print file events under PATH (default /workspace) as they come
  terminal ID [--session S]   print the address of the sandbox's terminal page for a browser
                              (it carries the token after '#': keep it to yourself)
  stop ID                     stop a sandbox (its workspace stays)
  rm ID                       destroy a sandbox and its workspace

The engine file defaults to $XDG_RUNTIME_DIR/sandbench/engine.json.
)";

std::string defaultEngineFile()
{
    return system::defaultRuntimeDir() + "/engine.json";
}

[[noreturn]] void die(const std::string &message, int code = 1)
{
    std::cerr << "sandbenchctl: " << message << "\n";
    std::exit(code);
}

// Fails with the protocol error's message when the status is not 2xx.
Json expectOk(const client::HttpResult &result)
{
    const Json body = result.json();
    if (result.status >= 200 && result.status < 300)
        return body;
    if (body.is_object() && body.contains("message"))
        die(body["message"].get<std::string>() + " (" + body.value("code", "error") + ")");
    die("engine answered HTTP " + std::to_string(result.status));
}

std::string percentEncode(const std::string &text)
{
    static const char *hex = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : text) {
        if (std::isalnum(c) || std::strchr("-_.~/", c))
            encoded += static_cast<char>(c);
        else
            encoded += std::string("%") + hex[c >> 4] + hex[c & 15];
    }
    return encoded;
}

// "ID:/path" -> {ID, /path} when ID is a sandbox id; nullopt for local paths.
std::optional<std::pair<std::string, std::string>> remoteSpec(const std::string &argument)
{
    const auto colon = argument.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= argument.size())
        return std::nullopt;
    const std::string id = argument.substr(0, colon);
    if (id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
        return std::nullopt;
    return std::make_pair(id, argument.substr(colon + 1));
}

// A one-line progress display on a terminal (nothing when stderr is not a terminal).
class Progress {
public:
    Progress(std::string name, std::uint64_t total) : name_(std::move(name)), total_(total), tty_(isatty(2)) {}
    void update(std::uint64_t done, bool final = false)
    {
        const auto now = std::chrono::steady_clock::now();
        if (!tty_ || (!final && now - last_ < std::chrono::milliseconds(100)))
            return;
        last_ = now;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        const double mib = 1024.0 * 1024.0;
        std::fprintf(stderr, "\r%-30.30s %9.1f MiB", name_.c_str(), done / mib);
        if (total_)
            std::fprintf(stderr, " / %.1f MiB %3d%%", total_ / mib, static_cast<int>(done * 100 / total_));
        std::fprintf(stderr, "  %.1f MiB/s   ", seconds > 0 ? done / mib / seconds : 0.0);
        if (final)
            std::fprintf(stderr, "\n");
    }

private:
    std::string name_;
    std::uint64_t total_;
    bool tty_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_{};
};

int copyFile(client::HttpClient &http, const std::string &source, const std::string &destination)
{
    if (const auto remote = remoteSpec(destination); remote && !remoteSpec(source)) {
        std::FILE *file = std::fopen(source.c_str(), "rb");
        if (!file)
            die("cannot open " + source + ": " + std::strerror(errno));
        struct stat info{};
        fstat(fileno(file), &info);
        Progress progress(source, static_cast<std::uint64_t>(info.st_size));
        const auto result = http.uploadFile("/v1/sandboxes/" + remote->first + "/files?path=" + percentEncode(remote->second),
                                            fileno(file), static_cast<std::uint64_t>(info.st_size),
                                            [&progress](std::uint64_t done) { progress.update(done); });
        std::fclose(file);
        expectOk(result);
        progress.update(static_cast<std::uint64_t>(info.st_size), true);
        return 0;
    }
    if (const auto remote = remoteSpec(source); remote && !remoteSpec(destination)) {
        // Into a temporary sibling, renamed once complete: a failed download leaves nothing half-written.
        const std::string temp = destination + ".sandbench-part";
        std::FILE *file = std::fopen(temp.c_str(), "wb");
        if (!file)
            die("cannot create " + temp + ": " + std::strerror(errno));
        std::uint64_t received = 0;
        std::string head; // the first bytes, to show an error envelope
        Progress progress(destination, 0);
        int status = 0;
        try {
            status = http.stream("GET", "/v1/sandboxes/" + remote->first + "/files?path=" + percentEncode(remote->second), {},
                                 [&](std::string_view data) {
                if (head.size() < 4096)
                    head.append(data.substr(0, 4096 - head.size()));
                received += data.size();
                progress.update(received);
                return std::fwrite(data.data(), 1, data.size(), file) == data.size();
            });
        } catch (const std::exception &error) {
            std::fclose(file);
            std::remove(temp.c_str());
            die(error.what());
        }
        const bool written = std::fflush(file) == 0 && fsync(fileno(file)) == 0;
        std::fclose(file);
        if (status != 200) {
            std::remove(temp.c_str());
            expectOk(client::HttpResult{status, head, "application/json", {}});
        }
        if (!written || std::rename(temp.c_str(), destination.c_str()) != 0) {
            std::remove(temp.c_str());
            die("cannot write " + destination + ": " + std::strerror(errno));
        }
        progress.update(received, true);
        return 0;
    }
    die("cp needs exactly one side of the form ID:/path", 2);
}

void printProcesses(const Json &body)
{
    std::printf("%-32s %-8s %-10s %-5s %s\n", "PROCESS", "PID", "STATUS", "EXIT", "COMMAND");
    for (const auto &process : body.value("processes", Json::array())) {
        const std::string exit = process["exitCode"].is_number() ? std::to_string(process["exitCode"].get<int>()) : "-";
        const std::string pid = process["pid"].is_number() ? std::to_string(process["pid"].get<int>()) : "-";
        std::printf("%-32s %-8s %-10s %-5s %s\n", process.value("id", "").c_str(), pid.c_str(),
                    process.value("status", "").c_str(), exit.c_str(), process.value("command", "").c_str());
    }
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string engineFile = defaultEngineFile();
    if (args.size() >= 2 && args[0] == "--engine-file") {
        engineFile = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    std::string reason;
    const auto address = client::readEngineFile(engineFile, &reason);
    if (!address)
        die(reason);
    client::HttpClient http(*address);
    const std::string command = args[0];
    auto need = [&](std::size_t count) {
        if (args.size() < count + 1)
            die("missing arguments for '" + command + "'\n" + kUsage, 2);
    };
    const std::string base = "/v1/sandboxes/";
    try {
        if (command == "ls") {
            const Json body = expectOk(http.request("GET", "/v1/sandboxes"));
            std::printf("%-40s %-10s %-10s %s\n", "SANDBOX", "STATUS", "KEEPALIVE", "CREATED");
            for (const auto &sandbox : body["sandboxes"])
                std::printf("%-40s %-10s %-10s %s\n", sandbox.value("id", "").c_str(), sandbox.value("status", "").c_str(),
                            sandbox.value("keepAlive", false) ? "yes" : "no", sandbox.value("createdAt", "").c_str());
            return 0;
        }
        if (command == "create") {
            need(1);
            Json options = Json::object();
            for (std::size_t i = 2; i < args.size(); ++i) {
                if (args[i] == "--env" && i + 1 < args.size()) {
                    const std::string pair = args[++i];
                    const auto equals = pair.find('=');
                    if (equals == std::string::npos)
                        die("--env expects KEY=VALUE, got " + pair, 2);
                    options["envVars"][pair.substr(0, equals)] = pair.substr(equals + 1);
                } else if (args[i] == "--keep-alive") {
                    options["keepAlive"] = true;
                } else if (args[i] == "--sleep-after" && i + 1 < args.size()) {
                    options["sleepAfter"] = args[++i];
                } else if (args[i] == "--memory" && i + 1 < args.size()) {
                    const std::string mib = args[++i];
                    if (mib.empty() || mib.size() > 9 || mib.find_first_not_of("0123456789") != std::string::npos)
                        die("--memory expects a number of MiB, got " + mib, 2);
                    options["limits"]["memoryMiB"] = std::stoll(mib);
                } else if (args[i] == "--network" && i + 1 < args.size()) {
                    options["network"] = args[++i]; // the engine names the choices when it refuses
                } else if (args[i] == "--allow" && i + 1 < args.size()) {
                    options["networkAllow"].push_back(args[++i]);
                } else {
                    die("unknown option for create: " + args[i], 2);
                }
            }
            const Json body = expectOk(http.requestJson("PUT", base + args[1], options));
            std::cout << body["sandbox"]["id"].get<std::string>() << " " << body["sandbox"]["status"].get<std::string>() << "\n";
            return 0;
        }
        if (command == "exec") {
            need(2);
            std::size_t start = 2;
            if (args[start] == "--")
                ++start;
            if (start >= args.size())
                die("exec needs a command after --", 2);
            std::string shellCommand;
            if (args.size() - start == 1) {
                shellCommand = args[start]; // one argument: a shell command line as typed
            } else {
                for (std::size_t i = start; i < args.size(); ++i)
                    shellCommand += (i > start ? " " : "") + system::shellQuote(args[i]);
            }
            int exitCode = 1;
            bool completed = false;
            std::string exitNote;
            // In the sandbox's default session shell, as in one terminal: cd and export persist
            // between calls, and Ctrl+C (this process ending, its stream closing) stops the command.
            const Json request = {{"command", shellCommand}, {"stateful", true}};
            const int status = http.streamEvents("POST", base + args[1] + "/api/execute/stream", request.dump(),
                                                 [&](const Json &event) {
                const std::string type = event.value("type", "");
                if (type == "stdout" || type == "stderr") {
                    const std::string data = event.value("data", "");
                    std::fwrite(data.data(), 1, data.size(), type == "stdout" ? stdout : stderr);
                    std::fflush(type == "stdout" ? stdout : stderr);
                } else if (type == "exit") {
                    exitNote = event.value("data", std::string());
                } else if (type == "complete") {
                    if (!event.contains("exitCode"))
                        die(exitNote.empty() ? std::string("the command could not be run") : exitNote);
                    exitCode = event.value("exitCode", 1);
                    completed = true;
                    return false;
                } else if (type == "error") {
                    // `exit N` ends the session's shell: say so, and exit with N.
                    const int code = event.value("exitCode", 1);
                    die(event.value("error", std::string("the command failed")), code != 0 ? code : 1);
                } else if (event.contains("code") && event.contains("message")) {
                    die(event["message"].get<std::string>());
                }
                return true;
            });
            if (status >= 400)
                die("exec failed with HTTP " + std::to_string(status));
            if (!completed)
                die("the output stream ended before the command completed");
            return exitCode;
        }
        if (command == "ps") {
            need(1);
            printProcesses(expectOk(http.request("GET", base + args[1] + "/api/process/list")));
            return 0;
        }
        if (command == "logs") {
            need(2);
            const Json body = expectOk(http.request("GET", base + args[1] + "/api/process/" + args[2] + "/logs"));
            std::cout << body.value("stdout", "");
            std::cerr << body.value("stderr", "");
            return 0;
        }
        if (command == "kill") {
            need(2);
            expectOk(http.request("DELETE", base + args[1] + "/api/process/" + args[2]));
            return 0;
        }
        if (command == "cp") {
            need(2);
            return copyFile(http, args[1], args[2]);
        }
        if (command == "watch") {
            need(1);
            const Json request = {{"path", args.size() > 2 ? args[2] : "/workspace"}};
            const int status = http.streamEvents("POST", base + args[1] + "/api/watch", request.dump(), [](const Json &event) {
                const std::string type = event.value("type", "");
                if (type == "event")
                    std::printf("%-9s %s%s\n", event.value("eventType", "").c_str(), event.value("path", "").c_str(),
                                event.value("isDirectory", false) ? "/" : "");
                else if (type == "watching")
                    std::fprintf(stderr, "watching %s\n", event.value("path", "").c_str());
                else if (type == "rescan")
                    std::printf("rescan    %s (%s)\n", event.value("path", "").c_str(), event.value("reason", "").c_str());
                else if (type == "stopped" || type == "error")
                    std::fprintf(stderr, "%s: %s\n", type.c_str(), event.value("reason", event.value("error", "")).c_str());
                else if (event.contains("code"))
                    die(event.value("message", "watch failed"));
                std::fflush(stdout);
                return true;
            });
            return status == 200 ? 0 : 1;
        }
        if (command == "terminal") {
            need(1);
            std::string session;
            if (args.size() == 4 && args[2] == "--session")
                session = args[3];
            else if (args.size() != 2)
                die("usage: sandbenchctl terminal ID [--session S]", 2);
            // A one-time code for the page, never the token (engine/BrowserAccess.h).
            const Json code = expectOk(http.request("POST", base + percentEncode(args[1]) + "/terminal/code"));
            std::cout << address->url << base << percentEncode(args[1]) << "/terminal"
                      << (session.empty() ? "" : "?session=" + percentEncode(session))
                      << "#code=" << code.value("code", "") << "\n";
            return 0;
        }
        if (command == "stop") {
            need(1);
            expectOk(http.request("POST", base + args[1] + "/stop"));
            return 0;
        }
        if (command == "rm") {
            need(1);
            expectOk(http.request("DELETE", base + args[1]));
            return 0;
        }
    } catch (const std::exception &error) {
        die(std::string(error.what()) + " (is sandbenchd running? engine file: " + engineFile + ")");
    }
    die("unknown command '" + command + "'\n" + kUsage, 2);
}
