// Git checkout (POST /api/git/checkout): Debian's git clones a repository inside the
// sandbox, in the request's session (its directory and environment), with the protocol's
// validation and its error codes, and the URL's credentials never in an answer or a log.
#pragma once

#include "agent/Routes.h"
#include "agent/SessionService.h"
#include "protocol/Protocol.h"

#include <optional>
#include <string>

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
// The protocol's error for a failed clone, from git's exit code and output.
protocol::ApiError gitError(int exitCode, const std::string &output, const GitCheckout &request);

class GitService {
public:
    explicit GitService(SessionService &sessions) : sessions_(sessions) {}
    void addRoutes(http::RouteTable &table);

private:
    SessionService &sessions_;
};

} // namespace sandbench::agent
