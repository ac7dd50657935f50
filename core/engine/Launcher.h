// Launching one sandbox: a short checklist of named steps, each failing with
// a precise message (prepareStateDir, listenAgentSocket, buildBwrapArgs,
// compileSeccompFilter, spawn, readChildPid).
#pragma once

#include "engine/Network.h"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <cstdint>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sandbench::engine {

struct SandboxPaths {
    explicit SandboxPaths(const std::string &sandboxDir);
    std::string root;      // <state>/sandboxes/<id>
    std::string stateFile; // sandbox.json
    std::string workspace; // bound at /workspace
    std::string home;      // bound at /root
    std::string run;       // agent.sock
    std::string socket;
    std::string logs;
    std::string image;  // disk.img: the workspace and home, with a disk limit (DiskImage.h)
    std::string volume; // where the image is mounted while the sandbox starts
    std::string marker; // lifeline: its agent ends the sandbox when this file is deleted
    std::string fuse;   // the sandbox uid's own /dev/fuse node (engine running as root)
};

// One entry of the sandbox's filesystem, in the order bwrap applies them.
struct Mount {
    enum class Kind { roBind, bind, roBindFd, bindFd, roData, tmpfs, symlink, dir, proc, dev, devBind, remountRo };
    Kind kind;
    std::string source; // a host path, a descriptor number (…Fd, roData) or a symlink's target
    std::string target; // the path inside the sandbox
    std::uint64_t sizeBytes = 0; // tmpfs
    bool operator==(const Mount &) const = default;
};

struct LaunchRequest {
    LaunchRequest(std::string sandboxId, SandboxPaths sandboxPaths, std::string agent)
        : id(std::move(sandboxId)), paths(std::move(sandboxPaths)), agentBinary(std::move(agent)) {}
    std::string id;
    SandboxPaths paths;
    std::map<std::string, std::string> envVars;
    std::string agentBinary;             // host path of sandbench-agent
    std::string runnersDir;              // host path of the interpreter's runners; empty: none
    std::optional<uid_t> hostUid;        // run as this unprivileged uid (engine running as root)
    std::vector<std::string> hiddenPaths; // host paths to mask inside (engine state, if under a bound dir)
    unsigned long maxProcesses = 1024;
    std::vector<int> cgroupProcsFds; // join these cgroups (see Cgroups.h)
    std::uint64_t memoryBytes = 2048ull << 20; // sizes /tmp: tmpfs pages count as the sandbox's memory
    std::optional<long long> sleepAfterSeconds; // for the agent's own idle backstop; none with keepAlive
    NetworkPolicy network;                      // loopback only unless egress
    std::optional<std::uint16_t> enginePort;    // refused on the host's addresses even when allowed
    std::vector<Mount> extraMounts;             // a feature's own (bucket mounts, runner resources)
    nlohmann::json interpreterPool = nlohmann::json::object(); // {python, javascript}: warm runners
};

// What the agent reads from the settings descriptor: {envVars, sleepAfter}.
std::string agentSettings(const LaunchRequest &request);

struct LaunchResult {
    pid_t bwrapPid = 0; // our child
    pid_t initPid = 0;  // PID 1 of the sandbox's PID namespace, as seen from the host
    // Read end of the pipe that is bwrap's and the agent's stdout and stderr: no host
    // file is ever open inside the sandbox. The caller owns it and copies it to the log.
    int outputFd = -1;
    pid_t networkPid = 0; // slirp4netns (our child) with network egress; it exits with the sandbox
};

// Descriptor numbers bwrap sees (fd 3 is the agent's listening socket). settings holds
// the sandbox's envVars and sleepAfter as JSON, read once by the agent; empty is an empty
// file (bound over /proc/cmdline); bootId a boot id of the sandbox's own (over the host's
// /proc/sys/kernel/random/boot_id); the generated /etc files follow from firstEtcFile on,
// in the order of generatedEtcFiles(). With egress, networkLifetime is the write end of a
// pipe that slirp4netns watches: it sees EOF, and exits, when the sandbox's last process does.
// lifeline is an O_PATH descriptor of the sandbox's marker file (SandboxPaths::marker): the
// agent ends the sandbox when it has no links left (its state directory was deleted).
struct LaunchFds {
    int seccomp = 4, info = 5, workspace = 6, home = 7, agent = 8, settings = 9, empty = 10, bootId = 11,
        networkLifetime = 12, lifeline = 13, runners = 14, firstEtcFile = 15;
};

// The sandbox's own /etc: files generated for it (its users, hosts, hostname = id, a
// machine-id of its own, resolv.conf naming slirp4netns's DNS forwarder with egress)...
struct GeneratedFile {
    std::string path;
    std::string content;
};
std::vector<GeneratedFile> generatedEtcFiles(const std::string &sandboxId, bool egress);
// ...and the few host entries programs need, bound read-only (certificates, loader
// cache, alternatives, Python, fonts, MIME types, time zone...). Nothing else of the
// host's /etc is visible.
const std::vector<std::string> &hostEtcEntries();

// The sandbox's filesystem, in order: the host's system directories read-only, a private
// /etc, /proc and /dev, sized tmpfs mounts, hidden paths, the workspace, home and agent,
// then request.extraMounts (each checked by mountProblem; throws on a bad one), then /etc
// and / read-only. Reads which host directories exist; otherwise pure.
std::vector<Mount> sandboxMounts(const LaunchRequest &request, const LaunchFds &fds);
// Why a feature's mount cannot be added (relative or unclean target, a reserved place,
// an unsized tmpfs, a mount kind only the launcher uses); empty when it can.
std::string mountProblem(const Mount &mount);
// The FUSE device bound at the sandbox's /dev/fuse: empty when the host has none.
std::string fuseDeviceFor(const LaunchRequest &request);
// bwrap's options for a list of mounts.
std::vector<std::string> mountArgs(const std::vector<Mount> &mounts);

// The full bwrap command line. Nothing from the API reaches it but the validated id.
std::vector<std::string> buildBwrapArgs(const LaunchRequest &request, const LaunchFds &fds);

// bwrap's own environment: fixed, never the sandbox's variables. bwrap is not setuid, so
// LD_PRELOAD and friends in its environment would run code on the host.
std::vector<std::string> bwrapEnvironment();

// Runs the checklist. Throws std::runtime_error with the failing step and errno text.
LaunchResult launchSandbox(const LaunchRequest &request);

// Creates the directories and hands them to the sandbox's uid.
void prepareStateDir(const LaunchRequest &request);

// Host path of bwrap, or empty when it is not installed.
std::string findBwrap();

// A sandbox found running on this host (its init), with the workspace it serves.
struct RunningSandbox {
    pid_t initPid = 0; // PID 1 of its PID namespace: killing it ends the sandbox
    dev_t workspaceDevice = 0;
    ino_t workspaceInode = 0;
};

// Every sandbox on the host (any engine's), found through /proc: bwrap processes that are
// the init of a PID namespace (NSpid ends in 1) and have a /workspace. A process inside a
// sandbox cannot become such an init, so nothing there can name a process to kill.
std::vector<RunningSandbox> findRunningSandboxes();

// Whether pid is the init of a PID namespace whose /workspace is (device, inode).
bool isSandboxInit(pid_t pid, dev_t workspaceDevice, ino_t workspaceInode);

// The agent of a sandbox: the one child of its init (0 when there is none).
pid_t agentOf(pid_t initPid);

// Start time of a process (field 22 of /proc/PID/stat), to tell a pid from a reused one.
unsigned long long processStartTime(pid_t pid);

} // namespace sandbench::engine
