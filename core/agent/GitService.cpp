#include "agent/GitService.h"

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
    static const std::regex userInfo(R"(([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@)");
    return std::regex_replace(text, userInfo, "$1***@");
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

void GitService::addRoutes(http::RouteTable &table)
{
    table.add(http::bhttp::verb::post, "/api/git/checkout", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const GitCheckout request = parseGitCheckout(protocol::parseBody(call.request.body()));
        // Every argument quoted; in the session, so its directory and environment apply.
        const long long seconds = std::max(1LL, (request.timeoutMs + 999) / 1000);
        std::string clone = "timeout -k 5 " + std::to_string(seconds) +
                            " git -c http.lowSpeedLimit=1024 -c http.lowSpeedTime=30 clone --filter=blob:none";
        if (request.branch)
            clone += " --branch " + system::shellQuote(*request.branch);
        if (request.depth)
            clone += " --depth " + std::to_string(*request.depth);
        clone += " -- " + system::shellQuote(request.repoUrl) + " " + system::shellQuote(request.targetDir);
        CommandRequest command;
        command.command = "GIT_TERMINAL_PROMPT=0 " + clone;
        command.sessionId = request.sessionId;
        const CommandResult cloned = co_await sessions_.execute(command);
        if (cloned.exitCode != 0)
            throw gitError(cloned.exitCode, cloned.stderr + cloned.stdout, request);
        CommandRequest current;
        current.command = "git -C " + system::shellQuote(request.targetDir) + " branch --show-current";
        current.sessionId = request.sessionId;
        const CommandResult branch = co_await sessions_.execute(current);
        std::string name = branch.stdout;
        while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
            name.pop_back();
        if (name.empty())
            name = request.branch.value_or("unknown");
        Json reply = {{"repoUrl", withoutUrlCredentials(request.repoUrl)}, {"branch", name},
                      {"targetDir", request.targetDir}};
        co_await replySuccess(call.responder, std::move(reply));
    });
}

} // namespace sandbench::agent
