// sandbenchctl: the command-line client of the engine API. Reads engine.json
// for the URL and token; every failure is one readable line on stderr.
#include "client/HttpClient.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace sandbench;
using client::Json;

namespace {

constexpr const char *kUsage = R"(usage: sandbenchctl [--engine-file FILE] COMMAND ...

commands:
  ls                          list sandboxes
  create ID [--env K=V]... [--keep-alive] [--sleep-after 10m]
                              get-or-create a sandbox and start it
  exec ID -- CMD [ARG]...     run a command, stream its output, exit with its code
  ps ID                       list background processes
  logs ID PROCESS             print a process's output
  kill ID PROCESS             kill a process tree
  stop ID                     stop a sandbox (its workspace stays)
  rm ID                       destroy a sandbox and its workspace

The engine file defaults to $XDG_RUNTIME_DIR/sandbench/engine.json.
)";

std::string defaultEngineFile()
{
    const char *runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime && *runtime)
        return std::string(runtime) + "/sandbench/engine.json";
    return "/tmp/sandbench-" + std::to_string(getuid()) + "/engine.json";
}

std::string shellQuote(const std::string &text)
{
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@%+") == std::string::npos)
        return text;
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
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
                    shellCommand += (i > start ? " " : "") + shellQuote(args[i]);
            }
            int exitCode = 1;
            bool completed = false;
            const Json request = {{"command", shellCommand}};
            const int status = http.streamEvents("POST", base + args[1] + "/api/execute/stream", request.dump(),
                                                 [&](const Json &event) {
                const std::string type = event.value("type", "");
                if (type == "stdout" || type == "stderr") {
                    const std::string data = event.value("data", "");
                    std::fwrite(data.data(), 1, data.size(), type == "stdout" ? stdout : stderr);
                    std::fflush(type == "stdout" ? stdout : stderr);
                } else if (type == "complete") {
                    exitCode = event.value("exitCode", 0);
                    completed = true;
                    return false;
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
