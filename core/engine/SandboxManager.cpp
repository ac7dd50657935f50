#include "engine/SandboxManager.h"

#include "engine/AgentLink.h"
#include "protocol/Protocol.h"
#include "system/Background.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"
#include "system/WorkerThread.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace sandbench::engine {

using namespace boost::asio::experimental::awaitable_operators;
using protocol::ApiError;
namespace bhttp = http::bhttp;

namespace {

Json sandboxEvent(const char *type, const Sandbox &sandbox)
{
    return {{"type", type}, {"id", sandbox.id}, {"status", sandbox.status}, {"sandbox", sandbox.publicView()},
            {"timestamp", protocol::nowIso()}};
}

Json deletedEvent(const std::string &id)
{
    return {{"type", "sandbox.deleted"}, {"id", id}, {"timestamp", protocol::nowIso()}};
}

// Which limits the host lets this engine enforce, and why not where it cannot.
Json healthInfo(const std::optional<SandboxCgroups> &cgroups, const std::string &note, const std::string &diskNote)
{
    Json limits = {{"rlimits", true}, {"cgroup", cgroups.has_value()}, {"tmpfsSizes", true},
                   {"disk", diskNote.empty() ? "image" : "watch"}};
    if (!diskNote.empty())
        limits["diskNote"] = diskNote;
    if (cgroups) {
        const Json described = cgroups->describe();
        limits["cgroupVersion"] = described["version"];
        limits["memory"] = described["memory"];
        limits["pids"] = described["pids"];
        limits["cpu"] = described["cpu"];
    } else {
        limits["memory"] = false;
        limits["cpu"] = false;
        limits["pids"] = geteuid() == 0; // RLIMIT_NPROC binds a sandbox uid of its own
        limits["cgroupNote"] = note;
    }
    const std::string egressNote = egressUnavailableReason();
    Json network = {{"none", true}, {"egress", egressNote.empty()}};
    if (!egressNote.empty())
        network["egressNote"] = egressNote;
    return {{"status", "healthy"}, {"version", SANDBENCH_VERSION}, {"limits", limits}, {"network", network}};
}

// Reaps a child of ours (slirp4netns) whenever it exits.
asio::awaitable<void> reapChild(pid_t pid)
{
    co_await system::waitForProcessExit(pid);
    waitpid(pid, nullptr, 0);
}

CgroupLimits cgroupLimitsOf(const SandboxLimits &limits)
{
    return {static_cast<std::uint64_t>(limits.memoryMiB) << 20, limits.pids, limits.cpus};
}

// Short and stable per state directory, so two engines' cgroups never meet.
std::string engineTag(const std::string &stateDir)
{
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(system::stableHash(stateDir)));
    return text;
}

bool pathIsUnder(const std::string &path, const std::string &dir)
{
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// The agent's own idle backstop follows the sandbox's options (null: keepAlive).
Json agentIdleSetting(const SandboxOptions &options)
{
    Json settings = Json::object();
    settings["sleepAfter"] = options.keepAlive ? Json(nullptr) : Json(options.sleepAfterSeconds);
    return settings;
}

constexpr off_t kAgentLogLimit = 1 << 20; // then agent.log becomes agent.log.1

// Copies what bwrap and the agent print into logs/agent.log, bounded: the sandbox can
// write into that pipe (through /proc/1/fd/1), so it may fill two log files, not the disk.
asio::awaitable<void> copyOutputToLog(int fd, std::string logPath)
{
    asio::posix::stream_descriptor pipe(co_await asio::this_coro::executor, fd);
    std::vector<char> chunk(64 * 1024);
    for (;;) {
        boost::system::error_code error;
        const std::size_t n =
            co_await pipe.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error)
            co_return; // every writer is gone: the sandbox has stopped
        struct stat info{};
        if (stat(logPath.c_str(), &info) == 0 && info.st_size > kAgentLogLimit)
            rename(logPath.c_str(), (logPath + ".1").c_str());
        const int log = open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (log < 0)
            continue; // a full or read-only disk loses log lines, never the sandbox
        [[maybe_unused]] const ssize_t written = write(log, chunk.data(), n);
        close(log);
    }
}

// The agent's settings after a PATCH; an agent that cannot be reached gets them at its next start.
asio::awaitable<void> sendSettings(std::string socketPath, Json settings)
{
    try {
        co_await callAgent(socketPath, bhttp::verb::post, "/internal/settings", settings);
    } catch (const AgentUnavailable &) {
    }
}

// Runs work to its end and hands back how it failed, if it did. (awaitable_operators'
// || waits for one *success*: a failure must not look like one.)
asio::awaitable<std::exception_ptr> failureOf(asio::awaitable<void> work)
{
    std::exception_ptr failure;
    try {
        co_await std::move(work);
    } catch (...) {
        failure = std::current_exception();
    }
    co_return failure;
}

// The options after a PUT or PATCH body; asking for egress where the host cannot give it
// is refused with the reason.
SandboxOptions optionsWith(SandboxOptions options, const Json &body)
{
    applyOptions(options, body);
    if (body.contains("network") && options.network.egress) {
        const std::string reason = egressUnavailableReason();
        if (!reason.empty())
            throw ApiError("VALIDATION_FAILED", "network \"egress\" is not available on this host: " + reason);
    }
    return options;
}

} // namespace

SandboxManager::SandboxManager(asio::io_context &io, ManagerOptions options, EventBus &events)
    : io_(io), options_(std::move(options)), events_(events), registry_(options_.stateDir), idleTimer_(io)
{
}

SandboxManager::~SandboxManager()
{
    if (stateLock_ >= 0)
        close(stateLock_);
}

Json SandboxManager::statusEvent(const Sandbox &sandbox)
{
    return sandboxEvent("sandbox.status", sandbox);
}

void SandboxManager::lockStateDir()
{
    // Two engines re-adopting the same sandboxes would fight over them: one per state directory.
    system::makeDirectories(options_.stateDir, 0700);
    const std::string path = options_.stateDir + "/engine.lock";
    stateLock_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (stateLock_ < 0)
        throw std::runtime_error("open " + path + ": " + std::strerror(errno));
    if (flock(stateLock_, LOCK_EX | LOCK_NB) != 0)
        throw std::runtime_error("another engine already serves " + options_.stateDir);
}

void SandboxManager::applyNetworkFilter(Sandbox &sandbox)
{
    if (!sandbox.egressAttached || sandbox.initPid <= 0)
        return;
    const NetworkPolicy &wanted = sandbox.options.network;
    loadFilterRules({sandbox.initPid, sandbox.initStartTime}, geteuid() != 0,
                    wanted.egress ? buildFilterRules(wanted.allow, hostSubnets(), enginePort_) : denyAllRules());
    sandbox.activeNetwork = wanted;
}

void SandboxManager::start(std::uint16_t enginePort)
{
    enginePort_ = enginePort;
    if (geteuid() == 0) {
        prepareForUnprivilegedSandboxes();
        registry_.claimUidBlock(options_.uidClaimsDir);
    }
    cgroups_ = SandboxCgroups::detect(engineTag(options_.stateDir), &cgroupNote_);
    std::cerr << "sandbenchd: cgroup limits "
              << (cgroups_ ? "on (" + cgroups_->describe()["version"].get<std::string>() + ", " + cgroups_->root() + ")"
                           : "off: " + cgroupNote_)
              << "; rlimits on\n";
    diskImageNote_ = options_.diskImages ? diskImageUnavailableReason()
                                         : "disk images are off (--no-disk-images); limits.diskMiB is a usage watch";
    registry_.load();
    for (const auto &[id, sandbox] : registry_.all())
        readopt(*sandbox);
    endOrphans();
    running_ = true;
    // Once more a little later: an instance that was still starting (its agent not yet
    // running) when the engine died is not recognisable at once.
    asio::co_spawn(io_, [this]() -> asio::awaitable<void> {
        asio::steady_timer later(io_, std::chrono::seconds(2));
        co_await later.async_wait(asio::use_awaitable);
        if (running_)
            endOrphans();
    }, system::inBackground("orphan sweep"));
    asio::co_spawn(io_, sleepIdleSandboxes(), system::inBackground("idle sleep"));
}

Json SandboxManager::health() const
{
    return healthInfo(cgroups_, cgroupNote_, diskImageNote_);
}

void SandboxManager::shutdown(bool stopSandboxes)
{
    running_ = false;
    idleTimer_.cancel();
    // Starts still on a worker thread: what they started ends with the engine (bwrap's
    // start is bounded by its own 10 s deadline). Their sandboxes stay "starting" on disk
    // and are found stopped at the next start.
    for (const auto &launch : launches_) {
        std::unique_lock lock(launch->mutex);
        launch->finished.wait_for(lock, std::chrono::seconds(15), [&] { return launch->done; });
        if (!launch->result)
            continue;
        kill(launch->result->initPid, SIGKILL);
        kill(launch->result->bwrapPid, SIGKILL);
        waitpid(launch->result->bwrapPid, nullptr, 0);
        if (launch->result->networkPid > 0)
            kill(launch->result->networkPid, SIGKILL);
    }
    if (stopSandboxes) {
        for (const auto &[id, sandbox] : registry_.all()) {
            if (sandbox->status == "running" || sandbox->status == "starting") {
                killSandboxProcesses(*sandbox);
                sandbox->status = "stopped";
                saveState(*sandbox);
            }
        }
    }
    if (cgroups_)
        cgroups_->removeEngineGroups(); // only empty groups go: running sandboxes keep theirs
}

void SandboxManager::prepareForUnprivilegedSandboxes()
{
    // As root, each sandbox's bwrap runs as its own unprivileged uid and opens its bind
    // sources by path, so the state tree must be traversable (not listable) by others.
    for (const auto &dir : {options_.stateDir, options_.stateDir + "/sandboxes"})
        chmod(dir.c_str(), 0711);
    for (auto dir = std::filesystem::path(options_.stateDir).parent_path(); dir != dir.root_path();
         dir = dir.parent_path()) {
        struct stat info{};
        if (stat(dir.c_str(), &info) == 0 && !(info.st_mode & S_IXOTH))
            throw std::runtime_error("state directory " + options_.stateDir + " is below " + dir.string() +
                                     ", which sandboxes cannot traverse (chmod o+x it or choose another --state-dir)");
    }
    // The agent inside the state tree, so its path is reachable too: a hard link when
    // possible (same inode means up to date), else a copy.
    const std::string copy = options_.stateDir + "/bin/sandbench-agent";
    system::makeDirectories(options_.stateDir + "/bin", 0711);
    struct stat source{}, existing{};
    if (stat(options_.agentBinary.c_str(), &source) != 0)
        throw std::runtime_error("cannot stat agent binary " + options_.agentBinary);
    const bool current = stat(copy.c_str(), &existing) == 0 &&
                         ((existing.st_dev == source.st_dev && existing.st_ino == source.st_ino) ||
                          (existing.st_size == source.st_size && existing.st_mtime >= source.st_mtime));
    if (!current) {
        unlink(copy.c_str());
        if (link(options_.agentBinary.c_str(), copy.c_str()) != 0) {
            const auto binary = system::readWholeFile(options_.agentBinary);
            if (!binary)
                throw std::runtime_error("cannot read agent binary " + options_.agentBinary);
            system::writeFileAtomic(copy, *binary, 0755);
        }
    }
    options_.agentBinary = copy;
}

std::vector<std::string> SandboxManager::hiddenPaths() const
{
    // The engine's state must be invisible even when it lives under a directory we bind.
    std::vector<std::string> hidden;
    for (const char *bound : {"/usr", "/etc", "/opt"})
        if (pathIsUnder(options_.stateDir, bound))
            hidden.push_back(options_.stateDir);
    return hidden;
}

void SandboxManager::setStatus(Sandbox &sandbox, const std::string &status, const std::string &error)
{
    sandbox.status = status;
    sandbox.lastError = error;
    saveState(sandbox);
    events_.publish(sandboxEvent("sandbox.status", sandbox));
}

void SandboxManager::saveState(Sandbox &sandbox)
{
    // The sandbox's status is what its processes do, whether or not the disk takes it.
    try {
        registry_.save(sandbox);
    } catch (const std::exception &failure) {
        std::cerr << "sandbench: " << failure.what() << "\n";
    }
}

void SandboxManager::endOrphans()
{
    // An instance this engine does not know of (its start was never recorded: a full
    // disk, a crash) must not run beside a new one on the same workspace. Our workspaces,
    // by (device, inode), are looked up once.
    // A workspace in a disk image is known by its loop device instead.
    std::map<std::pair<dev_t, ino_t>, std::string> workspaces;
    std::map<dev_t, std::string> images;
    const auto loopDevices = attachedLoopDevices(); // one pass, not one per sandbox
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(options_.stateDir + "/sandboxes", error)) {
        struct stat workspace{}, image{};
        if (stat((entry.path() / "workspace").c_str(), &workspace) == 0)
            workspaces[{workspace.st_dev, workspace.st_ino}] = entry.path().filename().string();
        if (stat(SandboxPaths(entry.path().string()).image.c_str(), &image) != 0)
            continue;
        if (const auto found = loopDevices.find({image.st_dev, image.st_ino}); found != loopDevices.end())
            for (const dev_t device : found->second)
                images[device] = entry.path().filename().string();
    }
    for (const auto &instance : findRunningSandboxes()) {
        const auto ours = workspaces.find({instance.workspaceDevice, instance.workspaceInode});
        const auto image = images.find(instance.workspaceDevice);
        if (ours == workspaces.end() && image == images.end())
            continue;
        const std::string &id = ours != workspaces.end() ? ours->second : image->second;
        const auto sandbox = registry_.find(id);
        if (sandbox && sandbox->status == "running" && sandbox->initPid == instance.initPid)
            continue;
        // Through a pidfd opened before the last check: a pid that was reused meanwhile
        // fails the check or is never signalled.
        const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, instance.initPid, 0));
        if (pidfd < 0)
            continue; // gone already
        if (isSandboxInit(instance.initPid, instance.workspaceDevice, instance.workspaceInode)) {
            std::cerr << "sandbench: ending an unrecorded instance of sandbox " << id << " (pid " << instance.initPid
                      << ")\n";
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
        }
        close(pidfd);
    }
}

void SandboxManager::readopt(Sandbox &sandbox)
{
    const bool alive = sandbox.initPid > 0 && !system::isGone(sandbox.initPid) &&
                       processStartTime(sandbox.initPid) == sandbox.initStartTime;
    if ((sandbox.status == "running" || sandbox.status == "starting") && alive) {
        sandbox.status = "running";
        sandbox.ownChild = false;
        // Its filter is loaded again: the engine's port and the host's subnets may have
        // changed, and so may the options while no engine ran.
        sandbox.activeNetwork = NetworkPolicy{};
        try {
            applyNetworkFilter(sandbox);
        } catch (const std::exception &failure) {
            std::cerr << "sandbench: " << sandbox.id << ": " << failure.what() << "\n";
        }
        sandbox.lastActivity = std::chrono::steady_clock::now();
        asio::co_spawn(io_, watchExit(registry_.find(sandbox.id), sandbox.initPid), system::inBackground("sandbox exit watch"));
        for (const auto &hook : onRunning_)
            hook(registry_.find(sandbox.id));
        return;
    }
    if (sandbox.status == "running" || sandbox.status == "starting") {
        sandbox.status = "stopped";
        sandbox.initPid = sandbox.bwrapPid = 0;
        sandbox.diskImageMiB = 0;
        saveState(sandbox);
    }
    // An engine that died while starting it may have left its disk image mounted.
    detachDiskImage(SandboxPaths(registry_.sandboxDir(sandbox.id)));
}

std::vector<int> SandboxManager::cgroupProcsFds(const Sandbox &sandbox) const
{
    return cgroups_ ? cgroups_->prepareSandbox(sandbox.id, cgroupLimitsOf(sandbox.options.limits)) : std::vector<int>{};
}

void SandboxManager::killSandboxProcesses(Sandbox &sandbox)
{
    const bool hadRun = sandbox.initPid > 0;
    // Killing PID 1 of the sandbox's PID namespace ends every process in it.
    if (sandbox.initPid > 0 && processStartTime(sandbox.initPid) == sandbox.initStartTime)
        kill(sandbox.initPid, SIGKILL);
    if (sandbox.ownChild && sandbox.bwrapPid > 0) {
        kill(sandbox.bwrapPid, SIGKILL);
        waitpid(sandbox.bwrapPid, nullptr, 0);
    }
    if (sandbox.networkPid > 0) {
        // It would exit on its own at the sandbox's end; waited for (reapChild reaps it)
        // so that it has left the sandbox's cgroups before they are removed.
        kill(sandbox.networkPid, SIGKILL);
        siginfo_t info{};
        waitid(P_PID, static_cast<id_t>(sandbox.networkPid), &info, WEXITED | WNOWAIT);
    }
    sandbox.initPid = sandbox.bwrapPid = sandbox.networkPid = 0;
    sandbox.initStartTime = 0;
    sandbox.ownChild = false;
    sandbox.egressAttached = false;
    sandbox.activeNetwork.reset();
    sandbox.diskImageMiB = 0;
    if (cgroups_)
        cgroups_->removeSandbox(sandbox.id);
    unlink(SandboxPaths(registry_.sandboxDir(sandbox.id)).socket.c_str());
    if (hadRun)
        for (const auto &hook : onRunEnded_)
            hook(sandbox);
}

asio::awaitable<void> SandboxManager::watchExit(std::shared_ptr<Sandbox> sandbox, pid_t initPid)
{
    co_await system::waitForProcessExit(initPid);
    if (sandbox->initPid != initPid)
        co_return; // stopped on purpose meanwhile
    if (sandbox->ownChild && sandbox->bwrapPid > 0)
        waitpid(sandbox->bwrapPid, nullptr, 0);
    sandbox->initPid = sandbox->bwrapPid = sandbox->networkPid = 0;
    sandbox->ownChild = false;
    sandbox->egressAttached = false;
    sandbox->activeNetwork.reset();
    sandbox->diskImageMiB = 0;
    for (const auto &hook : onRunEnded_)
        hook(*sandbox);
    setStatus(*sandbox, "failed", "the sandbox's agent exited unexpectedly; it restarts on the next request");
}

bool SandboxManager::usesDiskImage(const Sandbox &sandbox) const
{
    return diskImageNote_.empty() && sandbox.hostUid && sandbox.options.limits.diskMiB > 0;
}

std::function<std::optional<MountedVolume>()> SandboxManager::diskImageStep(const Sandbox &sandbox, const LaunchRequest &request) const
{
    // Copies of what the step needs: it runs on a worker thread (see startSandbox).
    const SandboxPaths paths = request.paths;
    const std::vector<int> cgroupFds = request.cgroupProcsFds;
    if (usesDiskImage(sandbox)) {
        const std::uint64_t limitMiB = sandbox.options.limits.diskMiB;
        const uid_t owner = *sandbox.hostUid;
        return [=]() -> std::optional<MountedVolume> { return mountDiskImage(paths, limitMiB, owner, cgroupFds); };
    }
    if (!hasDiskImage(paths))
        return {};
    const std::string reason = diskImageUnavailableReason();
    if (!sandbox.hostUid || !reason.empty())
        throw std::runtime_error("its files are in a disk image (disk.img) that this engine cannot open: " +
                                 (reason.empty() ? std::string("it does not run as root") : reason));
    const uid_t owner = *sandbox.hostUid;
    return [=]() -> std::optional<MountedVolume> {
        releaseDiskImage(paths, owner, cgroupFds);
        return std::nullopt;
    };
}

asio::awaitable<void> SandboxManager::startSandbox(std::shared_ptr<Sandbox> sandbox)
{
    setStatus(*sandbox, "starting");
    LaunchRequest request(sandbox->id, SandboxPaths(registry_.sandboxDir(sandbox->id)), options_.agentBinary);
    request.envVars = sandbox->options.envVars;
    request.runnersDir = options_.runnersDir;
    request.interpreterPool = sandbox->options.interpreterPool.toJson();
    request.hostUid = sandbox->hostUid;
    request.hiddenPaths = hiddenPaths();
    const SandboxLimits limits = sandbox->options.limits;
    request.maxProcesses = sandbox->hostUid ? limits.pids : 4096; // shared with the user's own otherwise
    request.memoryBytes = static_cast<std::uint64_t>(limits.memoryMiB) << 20;
    if (!sandbox->options.keepAlive)
        request.sleepAfterSeconds = sandbox->options.sleepAfterSeconds;
    request.network = sandbox->options.network;
    request.enginePort = enginePort_;
    struct CloseFds {
        std::vector<int> fds;
        ~CloseFds() { for (int fd : fds) close(fd); }
    } cgroupFds;
    std::optional<MountedVolume> volume;
    std::string failure;
    try {
        if (cgroups_) {
            // Whatever is left in its groups belongs to an instance whose start was cut
            // short (an engine killed meanwhile): it must not hold the workspace.
            cgroups_->removeSandbox(sandbox->id);
            request.cgroupProcsFds = cgroupFds.fds = cgroups_->prepareSandbox(sandbox->id, cgroupLimitsOf(limits));
        }
        sandbox->oomKills = 0;
        if (request.network.egress) {
            if (const std::string reason = egressUnavailableReason(); !reason.empty())
                throw std::runtime_error("network \"egress\" is not available on this host: " + reason);
        }
        // A disk image may take minutes (moving a large workspace in or out): other
        // sandboxes are served meanwhile; this one's requests wait for its lifecycle lock.
        if (auto step = diskImageStep(*sandbox, request))
            volume = co_await system::onWorkerThread(std::move(step));
        if (volume) {
            request.paths.workspace = volume->workspace;
            request.paths.home = volume->home;
        }
        // bwrap sets up its namespaces (and slirp4netns attaches) on a worker thread.
        // (Named first: GCC 12 mishandles a capturing lambda inside a co_await expression.)
        auto pending = std::make_shared<Launch>();
        launches_.insert(pending);
        std::function<LaunchResult()> launch = [request, pending] {
            std::optional<LaunchResult> result;
            struct Done {
                Launch &launch;
                std::optional<LaunchResult> &result;
                ~Done()
                {
                    const std::lock_guard lock(launch.mutex);
                    launch.result = result;
                    launch.done = true;
                    launch.finished.notify_all();
                }
            } done{*pending, result};
            result = launchSandbox(request);
            return *result;
        };
        const LaunchResult launched = co_await system::onWorkerThread(std::move(launch));
        launches_.erase(pending);
        if (volume) {
            // bwrap has bound the volume once the agent runs: from then on it needs no
            // host mount (and an engine that dies cannot leave one behind).
            asio::steady_timer tick(io_);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (agentOf(launched.initPid) == 0 && !system::isGone(launched.initPid) &&
                   std::chrono::steady_clock::now() < deadline) {
                tick.expires_after(std::chrono::milliseconds(2));
                co_await tick.async_wait(asio::use_awaitable);
            }
            detachDiskImage(request.paths);
            sandbox->diskImageMiB = volume->sizeMiB;
        }
        sandbox->bwrapPid = launched.bwrapPid;
        sandbox->initPid = launched.initPid;
        sandbox->initStartTime = processStartTime(launched.initPid);
        sandbox->ownChild = true;
        sandbox->activeNetwork = request.network;
        sandbox->egressAttached = request.network.egress;
        sandbox->networkPid = launched.networkPid;
        if (launched.networkPid > 0)
            asio::co_spawn(io_, reapChild(launched.networkPid), system::inBackground("network helper"));
        asio::co_spawn(io_, copyOutputToLog(launched.outputFd, request.paths.logs + "/agent.log"),
                       system::inBackground("agent log"));
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!failure.empty()) {
        killSandboxProcesses(*sandbox); // what was started goes, with its cgroups
        if (volume)
            detachDiskImage(request.paths);
        setStatus(*sandbox, "failed", failure);
        throw ApiError("INTERNAL_ERROR", "Failed to start sandbox '" + sandbox->id + "': " + failure,
                       {{"sandboxId", sandbox->id}});
    }
    sandbox->lastActivity = std::chrono::steady_clock::now();
    setStatus(*sandbox, "running", volume ? volume->note : std::string());
    asio::co_spawn(io_, watchExit(sandbox, sandbox->initPid), system::inBackground("sandbox exit watch"));
    for (const auto &hook : onRunning_)
        hook(sandbox);
}

asio::awaitable<void> SandboxManager::ensureRunning(std::shared_ptr<Sandbox> sandbox)
{
    if (sandbox->status == "running")
        co_return;
    auto guard = co_await sandbox->lifecycle.lock();
    if (sandbox->status != "running" && registry_.find(sandbox->id) == sandbox)
        co_await startSandbox(sandbox);
    if (registry_.find(sandbox->id) != sandbox)
        throw ApiError("SANDBOX_NOT_FOUND", "Sandbox '" + sandbox->id + "' was destroyed", {{"sandboxId", sandbox->id}});
}

asio::awaitable<void> SandboxManager::stop(std::shared_ptr<Sandbox> sandbox, std::string reason)
{
    auto guard = co_await sandbox->lifecycle.lock();
    if (sandbox->status == "stopped")
        co_return;
    killSandboxProcesses(*sandbox);
    setStatus(*sandbox, "stopped", reason);
}

asio::awaitable<void> SandboxManager::destroy(std::shared_ptr<Sandbox> sandbox)
{
    const std::string id = sandbox->id;
    {
        auto guard = co_await sandbox->lifecycle.lock();
        if (!isCurrent(sandbox))
            co_return; // destroyed by another request meanwhile
        killSandboxProcesses(*sandbox);
        detachDiskImage(SandboxPaths(registry_.sandboxDir(id))); // never delete through a mount
        registry_.erase(id);
    }
    events_.publish(deletedEvent(id));
}

void SandboxManager::markAgentFailed(Sandbox &sandbox, const std::string &reason)
{
    killSandboxProcesses(sandbox);
    setStatus(sandbox, "failed", reason);
}

void SandboxManager::reportOutOfMemoryKills()
{
    if (!cgroups_)
        return;
    for (const auto &[id, sandbox] : registry_.all()) {
        if (sandbox->status != "running")
            continue;
        const std::uint64_t kills = cgroups_->oomKills(id);
        if (kills <= sandbox->oomKills)
            continue;
        sandbox->oomKills = kills;
        Json event = sandboxEvent("sandbox.oom", *sandbox);
        event["oomKills"] = kills;
        event["message"] = "A process in sandbox '" + id + "' was killed: it reached the memory limit of " +
                           std::to_string(sandbox->options.limits.memoryMiB) + " MiB";
        events_.publish(std::move(event));
    }
}

void SandboxManager::watchDiskUsage()
{
    for (const auto &[id, sandbox] : registry_.all())
        if (sandbox->status == "running" && sandbox->options.limits.diskMiB > 0 && sandbox->diskImageMiB == 0 &&
            !sandbox->measuringDisk)
            asio::co_spawn(io_, enforceDiskLimit(sandbox), system::inBackground("disk usage watch"));
}

asio::awaitable<void> SandboxManager::enforceDiskLimit(std::shared_ptr<Sandbox> sandbox)
{
    sandbox->measuringDisk = true;
    struct Done {
        Sandbox &sandbox;
        ~Done() { sandbox.measuringDisk = false; }
    } done{*sandbox};
    // du in a child of its own (fixed arguments and environment, paths from the validated
    // id), read without blocking the engine: a workspace of a million files takes a while.
    const SandboxPaths paths(registry_.sandboxDir(sandbox->id));
    auto [readEnd, writeEnd] = system::makePipe();
    system::SpawnOptions du;
    du.argv = {"/usr/bin/du", "-s", "-x", "-k", "--", paths.workspace, paths.home};
    du.env = bwrapEnvironment();
    du.fds = {{1, writeEnd}};
    pid_t pid = 0;
    try {
        pid = system::spawnProcess(du);
    } catch (const std::exception &) {
        close(readEnd);
        close(writeEnd);
        co_return;
    }
    close(writeEnd);
    asio::posix::stream_descriptor output(io_, readEnd);
    std::string text;
    char chunk[4096];
    for (;;) {
        boost::system::error_code error;
        const std::size_t n = co_await output.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, error));
        if (error)
            break;
        text.append(chunk, n);
    }
    waitpid(pid, nullptr, 0);
    std::uint64_t kib = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        kib += std::strtoull(line.c_str(), nullptr, 10);
    const std::uint64_t limitMiB = sandbox->options.limits.diskMiB;
    if (sandbox->status != "running" || limitMiB == 0 || kib / 1024 <= limitMiB)
        co_return;
    co_await stop(sandbox, "Stopped: the workspace and home use " + std::to_string(kib / 1024) +
                                      " MiB, over the disk limit of " + std::to_string(limitMiB) +
                                      " MiB. Raise limits.diskMiB or delete files, then start it again");
}

asio::awaitable<void> SandboxManager::sleepIdleSandboxes()
{
    std::uint64_t ticks = 0;
    while (running_) {
        idleTimer_.expires_after(std::chrono::seconds(1));
        boost::system::error_code error;
        co_await idleTimer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
        if (error || !running_)
            co_return;
        const auto now = std::chrono::steady_clock::now();
        reportOutOfMemoryKills();
        for (const auto &work : everySecond_)
            work();
        if (++ticks % 5 == 0)
            watchDiskUsage();
        std::vector<std::shared_ptr<Sandbox>> idle;
        for (const auto &[id, sandbox] : registry_.all()) {
            if (sandbox->status != "running" || sandbox->options.keepAlive || sandbox->activeRequests > 0)
                continue;
            if (now - sandbox->lastActivity >= std::chrono::seconds(sandbox->options.sleepAfterSeconds))
                idle.push_back(sandbox);
        }
        for (auto &sandbox : idle)
            co_await stop(sandbox, "");
    }
}

std::shared_ptr<Sandbox> SandboxManager::require(const std::string &id) const
{
    if (!isValidSandboxId(id))
        throw ApiError("INVALID_SANDBOX_ID",
                       "Invalid sandbox id '" + id + "': use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
                       {{"sandboxId", id}});
    auto sandbox = registry_.find(id);
    if (!sandbox)
        throw ApiError("SANDBOX_NOT_FOUND", "Sandbox '" + id + "' not found", {{"sandboxId", id}});
    return sandbox;
}

std::shared_ptr<Sandbox> SandboxManager::getOrCreate(const std::string &id, const Json &body)
{
    if (!isValidSandboxId(id))
        require(id); // throws the id error
    if (auto existing = registry_.find(id)) {
        registry_.updateOptions(*existing, optionsWith(existing->options, body));
        return existing;
    }
    SandboxOptions options = optionsWith(SandboxOptions(), body);
    auto sandbox = registry_.create(id, std::move(options));
    events_.publish(sandboxEvent("sandbox.created", *sandbox));
    return sandbox;
}

asio::awaitable<void> SandboxManager::changeOptions(std::shared_ptr<Sandbox> sandbox, Json body)
{
    const std::string id = sandbox->id;
    registry_.updateOptions(*sandbox, optionsWith(sandbox->options, body));
    if (sandbox->status == "running" && cgroups_ && body.contains("limits")) {
        // Memory, pids and CPU change at once; tmpfs sizes at the next start.
        for (const int fd : cgroups_->prepareSandbox(id, cgroupLimitsOf(sandbox->options.limits)))
            close(fd);
    }
    // With slirp4netns attached, a new allow list or "none" takes effect at once (the
    // filter is replaced); "egress" for a sandbox started without waits for its next start.
    if (sandbox->status == "running" && sandbox->egressAttached &&
        (body.contains("network") || body.contains("networkAllow"))) {
        try {
            applyNetworkFilter(*sandbox);
        } catch (const std::exception &failure) {
            throw ApiError("INTERNAL_ERROR", std::string("The network settings are saved but not in force "
                                                         "until the sandbox restarts: ") + failure.what());
        }
    }
    if (sandbox->status == "running") {
        Json settings = agentIdleSetting(sandbox->options);
        if (body.contains("envVars") && body["envVars"].is_object())
            settings["envVars"] = body["envVars"];
        settings["interpreterPool"] = sandbox->options.interpreterPool.toJson();
        // Not reachable or stopped: the next start applies the new settings anyway.
        try {
            co_await unlessAgentStops(sandbox, sendSettings(SandboxPaths(registry_.sandboxDir(id)).socket,
                                                            std::move(settings)));
        } catch (const ApiError &error) {
            if (error.code != "SANDBOX_UNRESPONSIVE")
                throw;
        }
    }
    sandbox->lastActivity = std::chrono::steady_clock::now();
    events_.publish(sandboxEvent("sandbox.status", *sandbox));
}

asio::awaitable<pid_t> SandboxManager::agentStopped(std::shared_ptr<Sandbox> sandbox)
{
    asio::steady_timer tick(io_);
    for (int stoppedFor = 0;;) {
        tick.expires_after(std::chrono::seconds(1));
        co_await tick.async_wait(asio::use_awaitable);
        const pid_t agent = sandbox->initPid > 0 ? agentOf(sandbox->initPid) : 0;
        stoppedFor = agent > 0 && system::isStopped(agent) ? stoppedFor + 1 : 0;
        if (stoppedFor >= 3)
            co_return agent;
    }
}

asio::awaitable<void> SandboxManager::unlessAgentStops(std::shared_ptr<Sandbox> sandbox, asio::awaitable<void> work)
{
    // A stopped agent accepts connections (the engine holds the listening socket) but
    // never answers: without this, its requests would wait forever.
    auto outcome = co_await (failureOf(std::move(work)) || agentStopped(sandbox));
    if (outcome.index() == 1) {
        const pid_t agent = std::get<1>(outcome);
        throw ApiError("SANDBOX_UNRESPONSIVE",
                       "Sandbox '" + sandbox->id + "' is not answering: its agent (pid " + std::to_string(agent) +
                           ") is stopped (SIGSTOP). Stop and start the sandbox, or send the agent SIGCONT",
                       {{"sandboxId", sandbox->id}, {"agentPid", agent}}, {}, 503);
    }
    if (const auto failure = std::get<0>(outcome))
        std::rethrow_exception(failure);
}

} // namespace sandbench::engine
