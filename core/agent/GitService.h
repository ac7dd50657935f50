// Git checkout (POST /api/git/checkout): Debian's git clones a repository inside the
// sandbox, in the request's session (its directory and environment), with the protocol's
// validation and its error codes, and the URL's credentials never in an answer or a log.
#pragma once

#include "agent/Routes.h"
#include "agent/SessionService.h"
#include "protocol/Protocol.h"

#include <optional>
#include <string>
#include <string_view>

namespace sandbench::agent {

struct GitCheckout {
    std::string repoUrl;
    std::optional<std::string> branch;
    std::string targetDir; // default /workspace/<repository name>
    std::string sessionId = kDefaultSessionId;
    std::optional<long long> depth;
    long long timeoutMs = 600000;
};

// Validates a /api/git/checkout body: INVALID_GIT_URL, VALIDATION_FAILED naming the field.
GitCheckout parseGitCheckout(const Json &body);
// "https://user:token@host/x.git" -> "https://***@host/x.git"; elsewhere too (stderr).
std::string withoutUrlCredentials(std::string text);
// "https://user:token@host/x.git" -> {"https://host/x.git", "Authorization: Basic <user:token>", "https://host/"};
// other URLs (no password, or not http) as they are, with no header.
struct UrlCredentials {
    std::string url;
    std::string authorization;
    std::string origin; // "https://host:port/": where the header may go
};
UrlCredentials splitUrlCredentials(const std::string &url);
// The protocol's error for a failed clone, from git's exit code and output.
protocol::ApiError gitError(int exitCode, const std::string &output, const GitCheckout &request);

// One step of git's progress: "Receiving objects: 45% ..." -> {"Receiving objects", 45}.
struct GitProgress {
    std::string phase;
    int percent = 0;
};
std::optional<GitProgress> gitProgressOf(std::string_view line);

class GitService {
public:
    explicit GitService(SessionService &sessions) : sessions_(sessions) {}
    void addRoutes(http::RouteTable &table);

    // Clones as the request says; onProgress (if set) hears each new step (false: stop).
    using ProgressSink = std::function<asio::awaitable<bool>(const GitProgress &, const std::string &text)>;
    asio::awaitable<Json> checkout(GitCheckout request, ProgressSink onProgress);

private:
    using OutputSink = SessionService::OutputSink;
    SessionService &sessions_;
};

} // namespace sandbench::agent
