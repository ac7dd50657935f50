#include "agent/GitService.h"

#include "agent/FileService.h"
#include "http/HttpServer.h"

#include "protocol/Protocol.h"
#include "system/Subprocess.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace sandbench::agent {

using protocol::ApiError;

namespace {

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The repository's name: the URL's last path segment without ".git", else "repository".
std::string repositoryName(const std::string &url)
{
    std::string path = url.substr(0, url.find_first_of("?#"));
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    std::string name = path.substr(path.find_last_of("/:") + 1);
    if (name.ends_with(".git"))
        name.resize(name.size() - 4);
    const bool plain = !name.empty() && name != "." && name != ".." &&
                       std::all_of(name.begin(), name.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                       });
    return plain ? name : "repository";
}

} // namespace

GitCheckout parseGitCheckout(const Json &body)
{
    if (!body.is_object())
        throw ApiError("VALIDATION_FAILED", "The body must be a JSON object: {repoUrl, branch?, targetDir?, depth?, timeoutMs?}");
    GitCheckout request;
    const auto url = body.find("repoUrl");
    if (url == body.end() || !url->is_string() || url->get<std::string>().empty())
        throw ApiError("INVALID_GIT_URL", "repoUrl is required: the repository's URL", {}, {}, 400);
    request.repoUrl = url->get<std::string>();
    if (request.repoUrl.size() > 2048)
        throw ApiError("INVALID_GIT_URL", "repoUrl is longer than 2048 characters", {}, {}, 400);
    if (request.repoUrl.find('\0') != std::string::npos ||
        std::any_of(request.repoUrl.begin(), request.repoUrl.end(), [](unsigned char c) { return c < 0x20; }))
        throw ApiError("INVALID_GIT_URL", "repoUrl must not contain NUL or control characters", {}, {}, 400);
    if (request.repoUrl.front() == '-') // never an option of git's
        throw ApiError("INVALID_GIT_URL", "Invalid repository URL: " + withoutUrlCredentials(request.repoUrl), {}, {}, 400);
    if (body.contains("branch") && !body["branch"].is_null()) {
        if (!body["branch"].is_string() || body["branch"].get<std::string>().empty() ||
            body["branch"].get<std::string>().front() == '-' || body["branch"].get<std::string>().size() > 255)
            throw ApiError("VALIDATION_FAILED", "branch must be a branch or tag name");
        request.branch = body["branch"].get<std::string>();
    }
    if (body.contains("depth") && !body["depth"].is_null()) {
        if (!body["depth"].is_number_integer() || body["depth"].get<long long>() < 1)
            throw ApiError("VALIDATION_FAILED", "Invalid depth value: " + body["depth"].dump() + " (a positive integer)");
        request.depth = body["depth"].get<long long>();
    }
    if (body.contains("timeoutMs") && !body["timeoutMs"].is_null()) {
        if (!body["timeoutMs"].is_number_integer() || body["timeoutMs"].get<long long>() < 1)
            throw ApiError("VALIDATION_FAILED", "Invalid clone timeout value: " + body["timeoutMs"].dump() +
                                                    " (a positive number of milliseconds)");
        request.timeoutMs = body["timeoutMs"].get<long long>();
    }
    request.targetDir = "/workspace/" + repositoryName(request.repoUrl);
    if (body.contains("targetDir") && !body["targetDir"].is_null()) {
        if (!body["targetDir"].is_string() || body["targetDir"].get<std::string>().empty() ||
            body["targetDir"].get<std::string>().size() > 4096 ||
            body["targetDir"].get<std::string>().find('\0') != std::string::npos ||
            body["targetDir"].get<std::string>().front() == '-')
            throw ApiError("VALIDATION_FAILED", "targetDir must be a path");
        request.targetDir = body["targetDir"].get<std::string>();
    }
    if (body.contains("sessionId") && body["sessionId"].is_string() && !body["sessionId"].get<std::string>().empty())
        request.sessionId = body["sessionId"].get<std::string>();
    return request;
}

std::string withoutUrlCredentials(std::string text)
{
    // Everything up to the line's last '@': passwords may hold spaces, '@' or '/' (and
    // "http:/" typos count). More than the user info may go; never less.
    static const std::regex userInfo(R"(([a-zA-Z][a-zA-Z0-9+.-]*:/+)[^\n]*@)");
    return std::regex_replace(text, userInfo, "$1***@");
}

UrlCredentials splitUrlCredentials(const std::string &url)
{
    static const std::regex withPassword(R"(^(https?://)([^/]*:[^/]*)@([^@/]*(/.*)?)$)", std::regex::icase);
    std::smatch match;
    if (!std::regex_match(url, match, withPassword))
        return {url, {}, {}};
    return {match[1].str() + match[3].str(), "Authorization: Basic " + base64Encode(http::percentDecode(match[2].str())),
            match[1].str() + match[3].str().substr(0, match[3].str().find('/')) + "/"};
}

ApiError gitError(int exitCode, const std::string &output, const GitCheckout &request)
{
    const std::string said = withoutUrlCredentials(output);
    const std::string text = lower(said);
    const std::string url = withoutUrlCredentials(request.repoUrl);
    const Json context = {{"repository", url}, {"stderr", said}, {"exitCode", exitCode}};
    if (exitCode == 124)
        return ApiError("GIT_NETWORK_ERROR", "Git clone timed out after " + std::to_string(request.timeoutMs / 1000) +
                                                 " seconds", context, {}, 502);
    if (text.find("repository not found") != std::string::npos || text.find("does not appear to be a git repository") != std::string::npos)
        return ApiError("GIT_REPOSITORY_NOT_FOUND", "Repository not found: " + url, context, {}, 404);
    for (const char *auth : {"permission denied", "access denied", "authentication", "credentials", "could not read username"})
        if (text.find(auth) != std::string::npos)
            return ApiError("GIT_AUTH_FAILED", "Authentication failed for " + url, context, {}, 401);
    if (text.find("remote branch") != std::string::npos && text.find("not found") != std::string::npos)
        return ApiError("GIT_BRANCH_NOT_FOUND", "Branch not found: " + request.branch.value_or(""), context, {}, 404);
    if (text.find("did not match") != std::string::npos || text.find("pathspec") != std::string::npos)
        return ApiError("GIT_BRANCH_NOT_FOUND", "Branch not found: " + request.branch.value_or(""), context, {}, 404);
    if (text.find("not found") != std::string::npos || text.find("does not exist") != std::string::npos)
        return ApiError("GIT_REPOSITORY_NOT_FOUND", "Repository not found: " + url, context, {}, 404);
    if (text.find("already exists") != std::string::npos)
        return ApiError("GIT_CLONE_FAILED", "Cannot clone into " + request.targetDir + ": it exists and is not empty",
                        context, {}, 500);
    if (exitCode == 128)
        return ApiError("GIT_OPERATION_FAILED", "Git failed: " + said, context, {}, 500);
    return ApiError("GIT_CLONE_FAILED", "Git clone failed: " + said, context, {}, 500);
}

namespace {

// The clone as the session runs it: every argument quoted; progress on stderr when asked.
// A password in an http(s) URL goes in an Authorization header through git's environment
// (GIT_CONFIG_*), never in an argument, where every user of the machine could read it
// (ps); so it is not kept in the clone's .git/config either. The header is for the URL's
// own scheme, host and port (http.<origin>/.extraHeader): a redirect elsewhere gets none.
std::string cloneCommand(const GitCheckout &request, bool progress)
{
    const long long seconds = std::max(1LL, (request.timeoutMs + 999) / 1000);
    const UrlCredentials url = splitUrlCredentials(request.repoUrl);
    std::string clone = "GIT_TERMINAL_PROMPT=0 ";
    if (!url.authorization.empty())
        clone += "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=" + system::shellQuote("http." + url.origin + ".extraHeader") +
                 " GIT_CONFIG_VALUE_0=" + system::shellQuote(url.authorization) + " ";
    clone += "timeout -k 5 " + std::to_string(seconds) +
             " git -c http.lowSpeedLimit=1024 -c http.lowSpeedTime=30 clone --filter=blob:none";
    if (progress)
        clone += " --progress";
    if (request.branch)
        clone += " --branch " + system::shellQuote(*request.branch);
    if (request.depth)
        clone += " --depth " + std::to_string(*request.depth);
    return clone + " -- " + system::shellQuote(url.url) + " " + system::shellQuote(request.targetDir);
}

CommandRequest inSession(const GitCheckout &request, std::string command)
{
    CommandRequest run;
    run.command = std::move(command);
    run.sessionId = request.sessionId;
    return run;
}

// The tail of git's output kept for an error's message (its last lines say why).
void keepTail(std::string &kept, const std::string &more)
{
    kept += more;
    if (kept.size() > 16384)
        kept.erase(0, kept.size() - 16384);
}

} // namespace

std::optional<GitProgress> gitProgressOf(std::string_view line)
{
    // "Receiving objects:  45% (450/1000), 1.20 MiB | 2.00 MiB/s", "remote: Counting objects: 100% (3/3), done."
    static const std::regex progress(R"(^(?:remote: )?([A-Za-z][A-Za-z ]*):\s+(\d{1,3})%)");
    std::match_results<std::string_view::const_iterator> match;
    if (!std::regex_search(line.begin(), line.end(), match, progress))
        return std::nullopt;
    return GitProgress{match[1].str(), std::min(100, std::stoi(match[2].str()))};
}

asio::awaitable<Json> GitService::checkout(GitCheckout request, ProgressSink onProgress)
{
    std::string output;
    std::string pending; // git's \r-separated progress lines, split here
    std::optional<GitProgress> last;
    OutputSink sink = [&](const char *, std::string data) -> asio::awaitable<bool> {
        keepTail(output, data);
        pending += data;
        for (std::size_t end; (end = pending.find_first_of("\r\n")) != std::string::npos;) {
            const std::string line = withoutUrlCredentials(pending.substr(0, end));
            pending.erase(0, end + 1);
            const auto progress = gitProgressOf(line);
            if (progress && !(last && last->phase == progress->phase && last->percent == progress->percent)) {
                last = progress;
                if (!co_await onProgress(*progress, line))
                    co_return false;
            }
        }
        co_return true;
    };
    // What git said (both streams: the streamed run gets them as one) and how it ended.
    int exitCode = 0;
    if (onProgress) {
        exitCode = co_await sessions_.executeStreaming(inSession(request, cloneCommand(request, true)), sink);
    } else {
        const CommandResult cloned = co_await sessions_.execute(inSession(request, cloneCommand(request, false)));
        exitCode = cloned.exitCode;
        output = cloned.stderr + cloned.stdout;
    }
    if (exitCode != 0)
        throw gitError(exitCode, output, request);
    const CommandResult branch =
        co_await sessions_.execute(inSession(request, "git -C " + system::shellQuote(request.targetDir) + " branch --show-current"));
    std::string name = branch.stdout;
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
        name.pop_back();
    if (name.empty())
        name = request.branch.value_or("unknown");
    Json reply = {{"repoUrl", withoutUrlCredentials(request.repoUrl)}, {"branch", name}, {"targetDir", request.targetDir}};
    co_return reply;
}

void GitService::addRoutes(http::RouteTable &table)
{
    table.add(http::bhttp::verb::post, "/api/git/checkout", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        GitCheckout request = parseGitCheckout(protocol::parseBody(call.request.body()));
        Json reply = co_await checkout(std::move(request), {});
        co_await replySuccess(call.responder, std::move(reply));
    });
    // Sandbench extension: the same clone with git's progress as SSE events ("progress":
    // phase, percent, text), ending in "complete" (the plain route's answer) or "error".
    table.add(http::bhttp::verb::post, "/api/git/checkout/stream", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const GitCheckout request = parseGitCheckout(protocol::parseBody(call.request.body()));
        co_await streamEvents(call.responder, [&](Emit send) -> asio::awaitable<void> {
            Json started = {{"type", "start"}, {"repoUrl", withoutUrlCredentials(request.repoUrl)},
                            {"targetDir", request.targetDir}, {"timestamp", protocol::nowIso()}};
            if (!co_await send(started))
                co_return;
            ProgressSink progress = [&](const GitProgress &step, const std::string &text) -> asio::awaitable<bool> {
                Json event = {{"type", "progress"}, {"phase", step.phase}, {"percent", step.percent},
                              {"text", text}, {"timestamp", protocol::nowIso()}};
                co_return co_await send(event);
            };
            Json end;
            try {
                end = co_await checkout(request, progress);
                end["type"] = "complete";
                end["success"] = true;
            } catch (const ApiError &error) {
                end = error.envelope();
                end["type"] = "error";
                end["error"] = error.what();
            }
            end["timestamp"] = protocol::nowIso();
            co_await send(end);
        });
    });
}

} // namespace sandbench::agent
