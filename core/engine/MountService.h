// Bucket mounts (POST, GET, DELETE /v1/sandboxes/{id}/mounts): an S3-compatible bucket
// (R2, S3, GCS, MinIO, ...) mounted at a path inside a running sandbox with Debian's s3fs.
//
// s3fs runs inside the sandbox: nsenter puts it into the sandbox's user, mount, network
// and PID namespaces and setpriv leaves it CAP_SYS_ADMIN in the sandbox's user namespace
// alone, for the FUSE mount; the sandbox's own processes never hold a capability. The
// sandbox has no network, so s3fs's HTTP proxy is a relay on the sandbox's loopback (a
// socket the agent listens on and hands to the engine) that reaches the mount's endpoint
// and nothing else: HTTPS passes as CONNECT, so TLS and SNI stay end to end; plain HTTP
// passes byte for byte. The credentials reach s3fs in a memfd (never on disk, in argv or
// in an environment) and are kept in sandbox.json (0600) only when remembered, so that the
// mount comes back when the sandbox starts again.
#pragma once

#include "engine/EventBus.h"
#include "engine/SandboxManager.h"
#include "http/RouteTable.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sandbench::engine {

// A mount's endpoint URL: http(s)://host[:port][/].
struct Endpoint {
    bool tls = false;
    std::string host; // a name, an IPv4 address, or an IPv6 address without brackets
    unsigned port = 0;
};
std::optional<Endpoint> parseEndpoint(std::string_view url);
// r2, s3 or gcs by the endpoint's host, else empty (the SDK's detection).
std::string detectProvider(std::string_view host);

// A mount request (the SDK's mountBucket(bucket, mountPath, options) as JSON), checked:
// INVALID_MOUNT_CONFIG or MISSING_CREDENTIALS (400) naming what is wrong. Credentials
// missing from the body come from the sandbox's envVars (AWS_*, then R2_*), as the SDK's do.
BucketMount parseMountRequest(const Json &body, const std::map<std::string, std::string> &sandboxEnv);
// s3fs's -o list: the password file and URL, the provider's defaults, the user's options
// (later wins), ro. passwd_file and url cannot be overridden (the parser refuses them).
std::string s3fsOptionList(const BucketMount &mount, const std::string &passwordFile);
// text with the mount's access key id and secret blanked out (s3fs's log echoes the key id).
std::string withoutCredentials(std::string text, const BucketMount &mount);

class MountService {
public:
    MountService(SandboxManager &sandboxes, EventBus &events, std::function<std::uint16_t()> enginePort);
    ~MountService();

    void addRoutes(http::RouteTable &table);
    // What clients see of a mount: never its credentials.
    static Json view(const BucketMount &mount);

    struct Relay;

private:
    asio::awaitable<void> mount(std::shared_ptr<Sandbox> sandbox, BucketMount wanted);
    asio::awaitable<void> unmount(std::shared_ptr<Sandbox> sandbox, std::string path);
    // Started or re-adopted: remembered mounts come back (or their relays, when s3fs still runs).
    asio::awaitable<void> restore(std::shared_ptr<Sandbox> sandbox);
    void runEnded(Sandbox &sandbox);
    // Opens the relay of a mount on the sandbox's 127.0.0.1:port (0: any free port).
    asio::awaitable<unsigned> openRelay(std::shared_ptr<Sandbox> sandbox, const BucketMount &mount, unsigned port);
    // releasePort: the agent lets the port's listener go too (the mount is gone for good).
    void closeRelay(const std::string &sandboxId, const std::string &mountPath, bool releasePort = true);
    // Why a mount failed: the relay's reason first when it could not reach the endpoint,
    // then what s3fs logged (credentials blanked).
    std::string failureReason(const std::string &log, const BucketMount &mount, const std::string &sandboxId,
                              const std::string &mountPath) const;
    // Undoes a mount attempt that did not come about: s3fs, its mount, the relay, the path.
    asio::awaitable<void> abandon(std::shared_ptr<Sandbox> sandbox, std::string path, std::uint64_t attempt, pid_t init);
    // Waits for s3fs's exit (it is our child's child): a mount whose s3fs ends is failed.
    asio::awaitable<void> followHelper(std::shared_ptr<Sandbox> sandbox, std::string path, std::uint64_t attempt, pid_t pid);
    void publish(const Sandbox &sandbox);

    SandboxManager &sandboxes_;
    EventBus &events_;
    std::function<std::uint16_t()> enginePort_;
    std::map<std::string, std::map<std::string, std::shared_ptr<Relay>>> relays_; // sandbox id -> path -> relay
    std::uint64_t attempts_ = 0;
};

} // namespace sandbench::engine
