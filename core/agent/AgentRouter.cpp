#include "agent/AgentRouter.h"

#include "protocol/Protocol.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cstdlib>

namespace sandbench::agent {

using namespace boost::asio::experimental::awaitable_operators;
using protocol::ApiError;

namespace {

// Session id of /api/execute*: body, then Authorization bearer, X-Session-Id, ?session=, ?sessionId=.
std::string requestSessionId(const http::Request &request, const std::string &query)
{
    if (auto auth = request[http::bhttp::field::authorization]; auth.starts_with("Bearer ") && auth.size() > 7)
        return std::string(auth.substr(7));
    if (auto header = request["X-Session-Id"]; !header.empty())
        return std::string(header);
    if (auto value = http::queryValue(query, "session"); !value.empty())
        return value;
    if (auto value = http::queryValue(query, "sessionId"); !value.empty())
        return value;
    return kDefaultSessionId;
}

// Body-only session id (process start): empty or whitespace is an error.
void rejectBlankSessionId(const Json &body)
{
    if (body.contains("sessionId") && body["sessionId"].is_string()) {
        const auto id = body["sessionId"].get<std::string>();
        if (id.find_first_not_of(" \t\r\n") == std::string::npos)
            throw ApiError("VALIDATION_FAILED", "sessionId must not be empty or whitespace");
    }
}

Json processStarted(const ProcessRecord &record)
{
    return {{"processId", record.id}, {"pid", record.pid ? Json(*record.pid) : Json()}, {"command", record.command}};
}

Json commandFinished(const CommandRequest &command, const CommandResult &result)
{
    Json fields = {{"success", result.exitCode == 0}, {"exitCode", result.exitCode}, {"stdout", result.stdout},
                   {"stderr", result.stderr},         {"command", command.command},      {"duration", 0}};
    if (!command.sessionless())
        fields["sessionId"] = command.sessionId;
    return fields;
}

// Outside the coroutine: GCC 12 mis-evaluates conditional chains inside coroutine bodies.
Json runFileRoute(FileService &files, const std::string &area, const Json &body)
{
    if (area == "read")
        return files.read(body);
    if (area == "write")
        return files.write(body);
    if (area == "delete")
        return files.remove(body);
    if (area == "rename")
        return files.rename(body, "oldPath", "newPath");
    if (area == "move")
        return files.rename(body, "sourcePath", "destinationPath");
    if (area == "mkdir")
        return files.mkdir(body);
    if (area == "list-files")
        return files.list(body);
    return files.exists(body);
}

// Path of the raw /internal/files routes: relative paths are against the workspace.
Json rawPathBody(const std::string &query)
{
    return {{"path", http::percentDecode(http::queryValue(query, "path"))}, {"sessionId", kSessionlessId}};
}

Json uploaded(const std::string &path, std::uint64_t size)
{
    return {{"path", path}, {"size", size}};
}

// The end of a stateful /api/execute/stream (a Sandbench extension), shaped like the plain route's.
Json streamCompleteEvent(int exitCode)
{
    return {{"type", "complete"}, {"exitCode", exitCode}, {"timestamp", protocol::nowIso()}};
}

Json streamErrorEvent(const std::string &message)
{
    return {{"type", "error"}, {"error", message}, {"timestamp", protocol::nowIso()}};
}

Json versionInfo()
{
    const char *version = std::getenv("SANDBOX_VERSION");
    return {{"version", version && *version ? version : SANDBENCH_VERSION}};
}

Json pingInfo()
{
    return {{"status", "healthy"}, {"message", "pong"}};
}

} // namespace

AgentRouter::AgentRouter(asio::any_io_executor executor, AgentConfig config,
                         std::function<void(const std::string &)> onEnd)
    : config_(std::move(config)), lifeline_(config_, std::move(onEnd)), sessions_(executor, config_), processes_(executor, config_, sessions_),
      files_(config_, sessions_), watches_(executor, config_), ptys_(executor, sessions_)
{
}

asio::awaitable<void> AgentRouter::handle(http::Request &request, http::Responder &responder)
{
    const std::string target(request.target());
    const auto question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    lifeline_.requestStarted();
    struct Ended {
        Lifeline &lifeline;
        ~Ended() { lifeline.requestEnded(); }
    } ended{lifeline_};
    co_await route(request, responder, path, query); // failures become envelopes in core/http
}

asio::awaitable<void> AgentRouter::streamEvents(http::Responder &responder,
                                                std::function<asio::awaitable<void>(ProcessService::Emit)> produce)
{
    if (!co_await responder.beginStream(http::sseHeader()))
        co_return;
    auto send = [&responder](const Json &event) -> asio::awaitable<bool> {
        co_return co_await responder.writeChunk(protocol::sseEvent(event));
    };
    // A client that goes away ends a quiet stream at once instead of at the next event.
    co_await (produce(send) || responder.waitForClientClose());
    co_await responder.endStream();
}

asio::awaitable<void> AgentRouter::route(http::Request &request, http::Responder &responder, const std::string &path,
                                         const std::string &query)
{
    using http::bhttp::verb;
    const verb method = request.method();
    const auto parts = http::splitPath(path);
    auto reply = [&](Json fields) -> asio::awaitable<void> {
        co_await responder.send(http::jsonResponse(200, protocol::success(std::move(fields)), responder.keepAlive));
    };
    auto is = [&](verb expected, std::initializer_list<const char *> pattern) {
        if (method != expected || parts.size() != pattern.size())
            return false;
        std::size_t i = 0;
        for (const char *segment : pattern) {
            if (std::string_view(segment) != "{}" && parts[i] != segment)
                return false;
            ++i;
        }
        return true;
    };

    if (is(verb::get, {""})) {
        http::Response response{http::bhttp::status::ok, 11};
        response.set(http::bhttp::field::content_type, "text/plain; charset=utf-8");
        response.body() = "Sandbench agent " SANDBENCH_VERSION "\n";
        co_return co_await responder.send(std::move(response));
    }
    if (is(verb::get, {"api", "ping"}))
        co_return co_await reply(pingInfo());
    if (is(verb::get, {"api", "version"}))
        co_return co_await reply(versionInfo());
    if (is(verb::get, {"api", "commands"}))
        throw ApiError("UNKNOWN_ERROR", "Invalid endpoint");

    // Terminals: the PTY WebSocket of a session (protocol §7).
    if (is(verb::get, {"ws", "pty"})) {
        const std::string sessionId = http::percentDecode(http::queryValue(query, "sessionId"));
        if (sessionId.empty())
            throw ApiError("VALIDATION_FAILED", "sessionId query parameter required", {}, {}, 400);
        if (!http::isWebSocketUpgrade(request))
            throw ApiError("VALIDATION_FAILED", "WebSocket upgrade failed", {}, {}, 503);
        PtyOptions options;
        if (const auto cols = std::atoi(http::queryValue(query, "cols").c_str()); cols > 0)
            options.cols = cols;
        if (const auto rows = std::atoi(http::queryValue(query, "rows").c_str()); rows > 0)
            options.rows = rows;
        if (const auto shell = http::percentDecode(http::queryValue(query, "shell")); !shell.empty())
            options.shell = shell;
        auto socket = co_await responder.acceptWebSocket(request);
        co_return co_await ptys_.attach(sessionId, options, *socket);
    }

    // Sessions.
    if (is(verb::post, {"api", "session", "create"})) {
        Json body = Json::object();
        if (!request.body().empty()) {
            const Json parsed = Json::parse(request.body(), nullptr, false);
            if (parsed.is_object())
                body = parsed; // a missing or invalid body creates a session with defaults
        }
        co_return co_await reply(sessions_.create(body));
    }
    if (is(verb::get, {"api", "session", "list"}))
        co_return co_await reply(sessions_.list());
    if (is(verb::post, {"api", "session", "delete"})) {
        const Json body = protocol::parseBody(request.body());
        const std::string id = protocol::optionalString(body, "sessionId");
        if (id.empty())
            throw ApiError("VALIDATION_FAILED", "sessionId is required");
        co_return co_await reply(co_await sessions_.remove(id));
    }

    // Commands.
    if (is(verb::post, {"api", "execute"})) {
        const Json body = protocol::parseBody(request.body());
        auto command = parseCommandRequest(body, requestSessionId(request, query));
        if (command.command.find_first_not_of(" \t\r\n") == std::string::npos)
            throw ApiError("INVALID_COMMAND", "Invalid command: empty command provided", {}, "command.execute");
        if (protocol::optionalBool(body, "background", false)) {
            auto record = co_await processes_.start(command, protocol::optionalString(body, "processId"));
            co_return co_await reply(processStarted(*record));
        }
        const auto result = co_await sessions_.execute(command);
        co_return co_await reply(commandFinished(command, result));
    }
    if (is(verb::post, {"api", "execute", "stream"})) {
        const Json body = protocol::parseBody(request.body());
        auto command = parseCommandRequest(body, requestSessionId(request, query));
        if (command.command.find_first_not_of(" \t\r\n") == std::string::npos)
            throw ApiError("INVALID_COMMAND", "Invalid command: empty command provided", {}, "command.stream");
        command.timeoutMs.reset(); // the stream route ignores timeouts, as the reference does
        if (protocol::optionalBool(body, "stateful", false) && !command.sessionless()) {
            // Sandbench extension: run in the session's own shell (cd and export persist, as with
            // /api/execute) and stream the output; the reference runs a background subshell.
            co_return co_await streamEvents(responder, [&](ProcessService::Emit send) -> asio::awaitable<void> {
                if (!co_await send(commandStartEvent(command.command)))
                    co_return;
                std::optional<int> exitCode;
                Json failure;
                try {
                    exitCode = co_await sessions_.executeStreaming(
                        command, [&](const char *type, std::string data) -> asio::awaitable<bool> {
                            const Json event = outputEvent(type, std::move(data)); // alive across the send
                            co_return co_await send(event);
                        });
                } catch (const ApiError &error) {
                    failure = streamErrorEvent(error.what());
                    failure["code"] = error.code;
                    if (error.context.contains("exitCode"))
                        failure["exitCode"] = error.context["exitCode"]; // the shell's own, after `exit N`
                }
                if (exitCode)
                    co_await send(streamCompleteEvent(*exitCode));
                else
                    co_await send(failure);
            });
        }
        auto record = co_await processes_.start(command);
        const bool sessionless = command.sessionless();
        co_return co_await streamEvents(responder, [&](ProcessService::Emit send) {
            return processes_.streamCommand(record, sessionless, send);
        });
    }

    // Processes.
    if (is(verb::post, {"api", "process", "start"})) {
        const Json body = protocol::parseBody(request.body());
        rejectBlankSessionId(body);
        auto command = parseCommandRequest(body);
        if (!command.sessionless())
            command.timeoutMs.reset(); // timeouts apply to sessionless processes only
        auto record = co_await processes_.start(command, protocol::optionalString(body, "processId"));
        co_return co_await reply(processStarted(*record));
    }
    if (is(verb::get, {"api", "process", "list"}))
        co_return co_await reply(processes_.list(http::queryValue(query, "status")));
    if (is(verb::delete_, {"api", "process", "kill-all"}))
        co_return co_await reply(co_await processes_.killAll());
    if (is(verb::get, {"api", "process", "{}"}))
        co_return co_await reply(processes_.get(parts[2]));
    if (is(verb::delete_, {"api", "process", "{}"}))
        co_return co_await reply(co_await processes_.kill(parts[2]));
    if (is(verb::get, {"api", "process", "{}", "logs"}))
        co_return co_await reply(processes_.logs(parts[2]));
    if (is(verb::get, {"api", "process", "{}", "stream"})) {
        processes_.get(parts[2]); // 404 before streaming
        const std::string id = parts[2];
        co_return co_await streamEvents(responder, [&](ProcessService::Emit send) {
            return processes_.streamLogs(id, send);
        });
    }

    // File watching.
    if (is(verb::post, {"api", "watch"})) {
        const Json body = protocol::parseBody(request.body());
        rejectBlankSessionId(body);
        WatchRequest watch = parseWatchRequest(body, config_.workspace);
        co_return co_await streamEvents(responder, [&](ProcessService::Emit send) {
            return watches_.watch(watch, send);
        });
    }
    if (is(verb::post, {"api", "watch", "check"}))
        co_return co_await reply(watches_.check(protocol::parseBody(request.body())));

    // Files.
    if (method == verb::post && parts.size() >= 2 && parts[0] == "api") {
        const std::string area = parts.size() == 2 ? parts[1] : parts[1] + "/" + parts[2];
        static const std::vector<std::string> fileRoutes = {"read", "write", "delete", "rename", "move",
                                                            "mkdir", "list-files", "exists", "read/stream"};
        if (std::find(fileRoutes.begin(), fileRoutes.end(), area) != fileRoutes.end()) {
            const Json body = protocol::parseBody(request.body());
            rejectBlankSessionId(body);
            if (area == "read/stream")
                co_return co_await streamEvents(responder, [&](ProcessService::Emit send) {
                    return files_.readStream(body, send);
                });
            co_return co_await reply(runFileRoute(files_, area, body));
        }
    }

    // Engine-only: raw file transfers behind the engine's /v1/sandboxes/{id}/files.
    if (is(verb::get, {"internal", "files"})) {
        auto download = files_.openDownload(files_.resolve(rawPathBody(query), "path"));
        http::bhttp::response<http::bhttp::empty_body> header{http::bhttp::status::ok, 11};
        header.set(http::bhttp::field::content_type, "application/octet-stream");
        header.set("X-File-Size", std::to_string(download->size));
        header.content_length(download->size);
        if (co_await responder.beginStream(std::move(header)))
            co_await responder.writeFile(download->fd, download->size);
        co_return co_await responder.endStream(); // a file that shrank meanwhile ends short: the client sees it
    }
    if (is(verb::put, {"internal", "files"})) {
        const std::string path = files_.resolve(rawPathBody(query), "path");
        auto upload = files_.beginUpload(path);
        std::vector<char> chunk(1024 * 1024);
        for (std::size_t n; (n = co_await responder.readBody(chunk.data(), chunk.size())) > 0;)
            upload->write(chunk.data(), n);
        upload->commit();
        co_return co_await reply(uploaded(path, upload->written()));
    }

    // Engine-only: sandbox-level settings changed by PATCH (not reachable through the engine's /api forwarding).
    if (is(verb::post, {"internal", "settings"})) {
        applySettings(config_, protocol::parseBody(request.body()));
        co_return co_await reply(Json::object());
    }

    if (method != verb::get && method != verb::post && method != verb::put && method != verb::delete_ &&
        method != verb::options) {
        http::Response response{http::bhttp::status::internal_server_error, 11};
        response.set(http::bhttp::field::content_type, "text/plain");
        response.body() = "Internal Server Error";
        co_return co_await responder.send(std::move(response));
    }
    throw ApiError("UNKNOWN_ERROR", "The requested endpoint was not found", {}, {}, 404);
}

} // namespace sandbench::agent
