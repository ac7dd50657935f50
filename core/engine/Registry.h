// The sandbox registry: records, their validation, and their state on disk
// (sandboxes/<id>/sandbox.json, written atomically).
#pragma once

#include "engine/Launcher.h"
#include "system/AsyncMutex.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sandbench::engine {

using Json = nlohmann::json;

// Per-sandbox resource limits (`limits` in PUT/PATCH). Defaults a desktop can live with.
struct SandboxLimits {
    unsigned memoryMiB = 2048; // memory + tmpfs, through cgroups where the host allows
    double cpus = 0;           // CPU time in cores; 0: no cap
    unsigned pids = 1024;      // processes and threads
    unsigned diskMiB = 0;      // workspace + home, by a usage watch; 0: none
    bool operator==(const SandboxLimits &) const = default;
    Json toJson() const;
};

// Interpreter runners each sandbox keeps started and ready (0 disables), per program.
struct InterpreterPool {
    int python = 1;
    int javascript = 1; // Node: JavaScript and TypeScript contexts
    Json toJson() const { return {{"python", python}, {"javascript", javascript}}; }
    bool operator==(const InterpreterPool &) const = default;
};

struct SandboxOptions {
    std::map<std::string, std::string> envVars;
    bool keepAlive = false;
    long long sleepAfterSeconds = 600;
    SandboxLimits limits;
    NetworkPolicy network; // `network` ("none" | "egress") and `networkAllow` (CIDRs)
    InterpreterPool interpreterPool;
    bool previewAutostart = true; // a preview request starts the sandbox when it is stopped
    bool operator==(const SandboxOptions &) const = default;
};

// Applies the mutable options present in body (envVars, keepAlive, sleepAfter, limits,
// network, networkAllow, interpreterPool, previewAutostart); throws ApiError on bad input.
void applyOptions(SandboxOptions &options, const Json &body);

// "30s", "5m", "1h", "2d" or a number of seconds; nullopt when invalid.
std::optional<long long> parseDuration(const Json &value);

// 1-63 characters of [a-z0-9-], not starting or ending with '-'.
bool isValidSandboxId(std::string_view id);

// A port exposed as a preview URL: http://{port}-{id}-{token}.localhost:{enginePort}/.
struct ExposedPort {
    std::string token; // [a-z0-9_]{1,16}; a secret: kept in sandbox.json (0600), never in events
    std::string name;
    std::string exposedAt;
    bool operator==(const ExposedPort &) const = default;
};

// A bucket mounted into the sandbox with s3fs (MountService.h). What was asked is kept
// with the sandbox (sandbox.json, mode 0600), the credentials only when remembered, so
// that the mount comes back when the sandbox starts again.
struct BucketCredentials {
    std::string accessKeyId;
    std::string secretAccessKey;
    bool operator==(const BucketCredentials &) const = default;
};

struct BucketMount {
    std::string bucket;
    std::string mountPath;
    std::string endpoint; // http(s)://host[:port]
    std::string provider; // r2 | s3 | gcs | empty (unknown)
    std::string prefix;   // empty or "/..."
    bool readOnly = false;
    std::vector<std::string> s3fsOptions; // allow-listed extra -o options
    std::optional<BucketCredentials> credentials; // a secret: never in answers, events or logs
    bool rememberCredentials = true;
    std::string mountedAt;
    unsigned relayPort = 0; // the endpoint's relay inside the sandbox (127.0.0.1:port), this run
    bool createdDir = false; // no directory stood at the path (unmount leaves none; else an empty one)
    int slot = -1;           // s3fs mounts at /.sandbench/mounts/<slot>; the path is a symlink to it
    // The current run's, not saved:
    std::string state = "unmounted"; // mounting | mounted | unmounting | unmounted | failed
    std::string lastError;
    pid_t helperPid = 0;       // nsenter, our child, whose child is s3fs
    std::uint64_t attempt = 0; // which mount attempt the helper belongs to

    Json stateJson() const; // what sandbox.json keeps
    static std::optional<BucketMount> fromState(const Json &state);
};

struct Sandbox {
    std::string id;
    SandboxOptions options;
    std::map<unsigned, ExposedPort> exposedPorts; // by port; kept across stops and engine restarts
    std::map<std::string, BucketMount> mounts;    // by mount path; kept likewise
    // Mounts, unmounts and restores of this sandbox one at a time: a restore puts the link of
    // every mounted bucket below its folder into what it unpacked, so none may come meanwhile.
    std::shared_ptr<system::AsyncMutex> mountsLock = std::make_shared<system::AsyncMutex>();
    std::string status = "stopped"; // stopped | starting | running | failed
    std::string createdAt;
    std::string lastError;
    pid_t bwrapPid = 0;
    pid_t initPid = 0;
    unsigned long long initStartTime = 0;
    std::optional<uid_t> hostUid;
    bool ownChild = false; // bwrap is our child (not re-adopted)
    std::chrono::steady_clock::time_point lastActivity = std::chrono::steady_clock::now();
    int activeRequests = 0;
    std::uint64_t oomKills = 0; // in the current run, from the sandbox's memory cgroup
    bool measuringDisk = false; // a disk usage measurement is under way
    std::vector<unsigned> listeningPorts; // TCP ports listening inside, as last seen (current run)
    bool askingListeningPorts = false;    // a look at them is under way
    pid_t networkPid = 0;       // slirp4netns, our child, while this run has egress
    bool egressAttached = false; // this run has slirp4netns (saved: a re-adopted run too)
    std::optional<NetworkPolicy> activeNetwork; // the policy in force in the current run
    std::uint64_t diskImageMiB = 0; // the disk image's size in the current run (0: none; saved)
    system::AsyncMutex lifecycle; // start/stop/destroy one at a time
    std::string savedState;       // sandbox.json as last written: unchanged state is not rewritten

    Json publicView() const;
    Json stateFile() const;
};

class Registry {
public:
    explicit Registry(std::string stateDir);
    const std::string &stateDir() const { return stateDir_; }
    std::string sandboxDir(const std::string &id) const { return stateDir_ + "/sandboxes/" + id; }

    // Reads every sandboxes/*/sandbox.json; unreadable ones are skipped with a warning.
    void load();
    // Writes sandbox.json atomically when the state changed since the last write. Throws
    // ApiError (NO_SPACE with 507 on a full disk, FILESYSTEM_ERROR otherwise).
    void save(Sandbox &sandbox);
    // New options take effect only once they are on disk: a failed write changes nothing.
    void updateOptions(Sandbox &sandbox, SandboxOptions options);
    std::shared_ptr<Sandbox> find(const std::string &id) const;
    // Registers a sandbox once its state is on disk; throws like save() and leaves nothing.
    std::shared_ptr<Sandbox> create(const std::string &id, SandboxOptions options);
    void erase(const std::string &id);
    const std::map<std::string, std::shared_ptr<Sandbox>> &all() const { return sandboxes_; }

    // A host uid of its own for each sandbox when the engine runs as root, from this
    // state directory's block. Throws when the block is full.
    std::optional<uid_t> allocateHostUid() const;

    // Root engines: claims a block of host uids for this state directory in claimsDir
    // (one file per block naming its state directory, kept across restarts in
    // STATE/uid-block), so two engines or state directories never share a uid and a
    // fork bomb in one cannot exhaust another's process limit. Throws when none is free.
    void claimUidBlock(const std::string &claimsDir);
    static constexpr uid_t kUidBlockSize = 4096;

private:
    std::string stateDir_;
    std::map<std::string, std::shared_ptr<Sandbox>> sandboxes_;
    uid_t uidBase_;
};

} // namespace sandbench::engine
