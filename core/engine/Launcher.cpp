#include "engine/Launcher.h"
#include "system/UniqueFd.h"

#include "engine/Seccomp.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/Subprocess.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace sandbench::engine {

namespace {

[[noreturn]] void fail(const std::string &step, int error)
{
    throw std::runtime_error(step + ": " + std::strerror(error));
}

// Binds a listening unix socket. Long paths go through /proc/self/fd/<dirfd>/name.
int listenAgentSocket(const std::string &path)
{
    unlink(path.c_str());
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail("listenAgentSocket: socket", errno);
    system::UniqueFd dir;
    std::string bindPath = path;
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
        const auto slash = path.rfind('/');
        dir.reset(open(path.substr(0, slash).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        bindPath = "/proc/self/fd/" + std::to_string(dir.get()) + path.substr(slash);
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, bindPath.c_str(), sizeof address.sun_path - 1);
    if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 || listen(fd, 128) != 0) {
        const int error = errno;
        close(fd);
        fail("listenAgentSocket " + path, error);
    }
    return fd;
}

// What a dead child left in a pipe: at most the last maxBytes, waiting at most a second.
std::string readAvailable(int fd, std::size_t maxBytes)
{
    std::string text;
    pollfd poller{fd, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < deadline && poll(&poller, 1, 100) > 0) {
        char chunk[4096];
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        text.append(chunk, static_cast<std::size_t>(n));
        if (text.size() > 2 * maxBytes)
            text.erase(0, text.size() - maxBytes);
    }
    return text.size() > maxBytes ? text.substr(text.size() - maxBytes) : text;
}

// A random version-4 UUID and a newline, as /proc/sys/kernel/random/boot_id reads.
bool isSymlink(const std::string &path)
{
    struct stat info{};
    return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

bool exists(const std::string &path)
{
    struct stat info{};
    return stat(path.c_str(), &info) == 0;
}

} // namespace

SandboxPaths::SandboxPaths(const std::string &sandboxDir)
    : root(sandboxDir), stateFile(sandboxDir + "/sandbox.json"), workspace(sandboxDir + "/workspace"),
      home(sandboxDir + "/home"), run(sandboxDir + "/run"), socket(sandboxDir + "/run/agent.sock"),
      logs(sandboxDir + "/logs"), image(sandboxDir + "/disk.img"), volume(sandboxDir + "/volume"),
      marker(sandboxDir + "/lifeline"), fuse(sandboxDir + "/fuse")
{
}

std::string findBwrap()
{
    return system::firstExecutable({"/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"});
}

std::vector<RunningSandbox> findRunningSandboxes()
{
    // Only each process's short name is read (/proc/PID/stat), never its command line:
    // reading that takes the target's memory lock, which a fork bomb keeps busy. Sandbox
    // inits are bwrap processes; the checks that matter (namespace init, same workspace)
    // cannot be faked from inside.
    std::vector<RunningSandbox> sandboxes;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const std::string stat = system::readWholeFile("/proc/" + name + "/stat").value_or("");
        if (stat.find(" (bwrap) ") == std::string::npos)
            continue;
        RunningSandbox found;
        found.initPid = std::stoi(name);
        struct stat workspace{};
        if (::stat(("/proc/" + name + "/root/workspace").c_str(), &workspace) != 0 ||
            !isSandboxInit(found.initPid, workspace.st_dev, workspace.st_ino))
            continue;
        found.workspaceDevice = workspace.st_dev;
        found.workspaceInode = workspace.st_ino;
        sandboxes.push_back(found);
    }
    return sandboxes;
}

bool isSandboxInit(pid_t pid, dev_t workspaceDevice, ino_t workspaceInode)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    bool namespaceInit = false;
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("NSpid:"))
            namespaceInit = line.size() > 7 && line.ends_with("\t1") && line.find('\t', 7) != std::string::npos;
    struct stat workspace{};
    return namespaceInit && stat(("/proc/" + std::to_string(pid) + "/root/workspace").c_str(), &workspace) == 0 &&
           workspace.st_dev == workspaceDevice && workspace.st_ino == workspaceInode;
}

pid_t agentOf(pid_t initPid)
{
    const std::string init = std::to_string(initPid);
    std::ifstream children("/proc/" + init + "/task/" + init + "/children");
    pid_t agent = 0;
    children >> agent;
    return agent;
}

unsigned long long processStartTime(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text))
        return 0;
    const auto close = text.rfind(')');
    if (close == std::string::npos)
        return 0;
    // Fields after the command name start at field 3 (state); start time is field 22.
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    for (int index = 3; index <= 22 && rest >> field; ++index)
        if (index == 22)
            return std::stoull(field);
    return 0;
}

void prepareStateDir(const LaunchRequest &request)
{
    const auto &paths = request.paths;
    for (const auto &dir : {paths.root, paths.workspace, paths.home, paths.run, paths.logs})
        system::makeDirectories(dir, 0700);
    // Read-only and the engine's: the sandbox only sees whether it still has a link.
    const int marker = open(paths.marker.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0400);
    if (marker < 0)
        fail("prepareStateDir: create " + paths.marker, errno);
    close(marker);
    if (request.hostUid) {
        // bwrap runs as the sandbox's uid and resolves bind sources by path: it must traverse.
        chmod(paths.root.c_str(), 0711);
        // The sandbox's root maps to this unprivileged uid: it must own what it writes.
        for (const auto &dir : {paths.workspace, paths.home}) {
            if (chown(dir.c_str(), *request.hostUid, static_cast<gid_t>(*request.hostUid)) != 0)
                fail("prepareStateDir: chown " + dir, errno);
        }
        struct stat device{};
        if (stat("/dev/fuse", &device) == 0 && S_ISCHR(device.st_mode)) {
            unlink(paths.fuse.c_str()); // made anew: nothing else may stand at that name
            if (mknod(paths.fuse.c_str(), S_IFCHR | 0600, device.st_rdev) != 0 ||
                chown(paths.fuse.c_str(), *request.hostUid, static_cast<gid_t>(*request.hostUid)) != 0)
                fail("prepareStateDir: make " + paths.fuse, errno);
        }
    }
}

std::string fuseDeviceFor(const LaunchRequest &request)
{
    struct stat device{};
    if (stat("/dev/fuse", &device) != 0 || !S_ISCHR(device.st_mode))
        return {};
    // The host's node is usually root's alone (0600) on a root engine's host: the
    // sandbox's uid gets a node of its own, in a directory only bwrap traverses.
    return request.hostUid ? request.paths.fuse : "/dev/fuse";
}

std::vector<std::string> buildBwrapArgs(const LaunchRequest &request, const LaunchFds &fds)
{
    std::vector<std::string> args = {findBwrap(),
                                     "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                                     "--unshare-cgroup", "--unshare-net",
                                     "--uid", "0", "--gid", "0",
                                     "--hostname", request.id.substr(0, 63),
                                     "--new-session", "--cap-drop", "ALL"};
    auto add = [&args](std::initializer_list<std::string> more) { args.insert(args.end(), more); };
    // The agent's own environment, set inside after the namespaces exist. The sandbox's
    // variables come through the settings descriptor and reach only the commands.
    add({"--clearenv", "--setenv", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
         "--setenv", "HOME", "/root", "--setenv", "USER", "root", "--setenv", "LANG", "C.UTF-8",
         "--setenv", "TERM", "xterm-256color", "--setenv", "HOSTNAME", request.id.substr(0, 63),
         "--setenv", "SANDBENCH_LISTEN_FD", "3", "--setenv", "SANDBENCH_SETTINGS_FD", std::to_string(fds.settings),
         "--setenv", "SANDBENCH_LIFELINE_FD", std::to_string(fds.lifeline)});
    for (const std::string &arg : mountArgs(sandboxMounts(request, fds)))
        args.push_back(arg);
    add({"--chdir", "/workspace", "--seccomp", std::to_string(fds.seccomp), "--info-fd", std::to_string(fds.info),
         "--", "/.sandbench/sandbench-agent"});
    return args;
}

std::vector<Mount> sandboxMounts(const LaunchRequest &request, const LaunchFds &fds)
{
    using Kind = Mount::Kind;
    std::vector<Mount> mounts;
    auto mount = [&mounts](Kind kind, std::string source, std::string target, std::uint64_t size = 0) {
        mounts.push_back(Mount{kind, std::move(source), std::move(target), size});
    };
    // The host's system directories, read-only. Merged-/usr symlinks stay symlinks.
    mount(Kind::roBind, "/usr", "/usr");
    for (const std::string dir : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
        if (isSymlink(dir))
            mount(Kind::symlink, std::filesystem::read_symlink(dir).string(), dir);
        else if (exists(dir))
            mount(Kind::roBind, dir, dir);
    }
    // A private /etc: generated files plus a few read-only host entries.
    mount(Kind::tmpfs, {}, "/etc", 1 << 20);
    for (const auto &entry : hostEtcEntries())
        if (exists("/etc/" + entry))
            mount(Kind::roBind, "/etc/" + entry, "/etc/" + entry);
    int etcFd = fds.firstEtcFile;
    for (const auto &file : generatedEtcFiles(request.id, request.network.egress))
        mount(Kind::roData, std::to_string(etcFd++), file.path);
    if (exists("/opt"))
        mount(Kind::roBind, "/opt", "/opt");
    // The host kernel's command line and boot id are none of the sandbox's business.
    mount(Kind::proc, {}, "/proc");
    mount(Kind::roData, std::to_string(fds.empty), "/proc/cmdline");
    mount(Kind::roData, std::to_string(fds.bootId), "/proc/sys/kernel/random/boot_id");
    mount(Kind::dev, {}, "/dev");
    // FUSE for bucket mounts (MountService.h): only s3fs, entered into the sandbox with
    // CAP_SYS_ADMIN, can mount with it; the sandbox itself holds no capability to.
    if (const std::string fuse = fuseDeviceFor(request); !fuse.empty())
        mount(Kind::devBind, fuse, "/dev/fuse");
    // Every tmpfs has a size, a share of the memory limit: tmpfs pages are RAM that no
    // OOM kill frees, so together they stay near half of it (a full /tmp is ENOSPC, not
    // a sandbox whose every new process is killed).
    mount(Kind::tmpfs, {}, "/tmp", request.memoryBytes / 4);
    mount(Kind::tmpfs, {}, "/run", request.memoryBytes / 32);
    mount(Kind::tmpfs, {}, "/var", request.memoryBytes / 8);
    mount(Kind::dir, {}, "/var/tmp");
    mount(Kind::tmpfs, {}, "/home", request.memoryBytes / 16);
    mount(Kind::tmpfs, {}, "/mnt", request.memoryBytes / 16);
    for (const auto &hidden : request.hiddenPaths)
        mount(Kind::tmpfs, {}, hidden, 65536);
    // Bound from descriptors the engine opened, so bwrap (possibly an unprivileged uid)
    // needs no access to the engine's state directory path.
    mount(Kind::bindFd, std::to_string(fds.workspace), "/workspace");
    mount(Kind::bindFd, std::to_string(fds.home), "/root");
    mount(Kind::roBindFd, std::to_string(fds.agent), "/.sandbench/sandbench-agent");
    // Where bucket mounts go (MountService.h): in the root that turns read-only below, so
    // that nothing in the sandbox can move them.
    for (int slot = 0; slot < 16; ++slot)
        mount(Kind::dir, {}, "/.sandbench/mounts/" + std::to_string(slot));
    if (!request.runnersDir.empty())
        mount(Kind::roBindFd, std::to_string(fds.runners), "/.sandbench/runners");
    // What a feature adds (bucket mounts, runner resources), checked by mountProblem.
    for (const Mount &extra : request.extraMounts) {
        if (const std::string problem = mountProblem(extra); !problem.empty())
            throw std::runtime_error("sandbox mount " + extra.target + ": " + problem);
        mounts.push_back(extra);
    }
    // bwrap's root is an unsized tmpfs, /etc a small one: read-only once set up.
    mount(Kind::remountRo, {}, "/etc");
    mount(Kind::remountRo, {}, "/");
    return mounts;
}

std::string mountProblem(const Mount &mount)
{
    using Kind = Mount::Kind;
    const std::string &target = mount.target;
    if (target.empty() || target.front() != '/')
        return "the target must be an absolute path";
    if (target.find("/../") != std::string::npos || target.ends_with("/..") || target.find("/./") != std::string::npos ||
        target.ends_with("/.") || target.find("//") != std::string::npos || target.find('\0') != std::string::npos)
        return "the target must be a plain path (no '.', '..' or '//')";
    for (const char *reserved : {"/proc", "/dev", "/etc", "/usr", "/.sandbench", "/workspace", "/root"})
        if (target == reserved)
            return std::string("the target cannot be ") + reserved + " itself";
    for (const char *reserved : {"/proc/", "/dev/", "/.sandbench/", "/usr/", "/etc/"})
        if (target.starts_with(reserved))
            return std::string("nothing can be mounted under ") + reserved;
    if (mount.kind == Kind::tmpfs && mount.sizeBytes == 0)
        return "every tmpfs needs a size";
    if (mount.kind == Kind::remountRo || mount.kind == Kind::proc || mount.kind == Kind::dev ||
        mount.kind == Kind::devBind)
        return "not a mount a feature may add";
    if ((mount.kind == Kind::bind || mount.kind == Kind::roBind) && (mount.source.empty() || mount.source.front() != '/'))
        return "the source must be an absolute host path";
    return {};
}

std::vector<std::string> mountArgs(const std::vector<Mount> &mounts)
{
    using Kind = Mount::Kind;
    std::vector<std::string> args;
    for (const Mount &mount : mounts) {
        switch (mount.kind) {
        case Kind::roBind: args.insert(args.end(), {"--ro-bind", mount.source, mount.target}); break;
        case Kind::bind: args.insert(args.end(), {"--bind", mount.source, mount.target}); break;
        case Kind::roBindFd: args.insert(args.end(), {"--ro-bind-fd", mount.source, mount.target}); break;
        case Kind::bindFd: args.insert(args.end(), {"--bind-fd", mount.source, mount.target}); break;
        case Kind::roData: args.insert(args.end(), {"--perms", "0644", "--ro-bind-data", mount.source, mount.target}); break;
        case Kind::tmpfs:
            args.insert(args.end(), {"--size", std::to_string(mount.sizeBytes), "--tmpfs", mount.target});
            break;
        case Kind::symlink: args.insert(args.end(), {"--symlink", mount.source, mount.target}); break;
        case Kind::dir: args.insert(args.end(), {"--dir", mount.target}); break;
        case Kind::proc: args.insert(args.end(), {"--proc", mount.target}); break;
        case Kind::dev: args.insert(args.end(), {"--dev", mount.target}); break;
        case Kind::devBind: args.insert(args.end(), {"--dev-bind", mount.source, mount.target}); break;
        case Kind::remountRo: args.insert(args.end(), {"--remount-ro", mount.target}); break;
        }
    }
    return args;
}

const std::vector<std::string> &hostEtcEntries()
{
    static const std::vector<std::string> entries = {
        "alternatives", "bash.bashrc", "ca-certificates", "ca-certificates.conf", "debian_version", "fonts",
        "gai.conf", "host.conf", "inputrc", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "locale.alias",
        "localtime", "magic", "magic.mime", "matplotlibrc", "mime.types", "os-release", "profile", "protocols",
        "python3", "python3.11", "python3.12", "services", "shells", "ssl", "terminfo", "timezone", "vim", "xml"};
    return entries;
}

std::vector<GeneratedFile> generatedEtcFiles(const std::string &sandboxId, bool egress)
{
    // A machine-id of its own, stable for the sandbox: never the host's.
    char machineId[40];
    std::snprintf(machineId, sizeof machineId, "%016llx%016llx\n",
                  static_cast<unsigned long long>(system::stableHash("sandbench:" + sandboxId)),
                  static_cast<unsigned long long>(system::stableHash(sandboxId + ":machine-id")));
    std::vector<GeneratedFile> files = {
        {"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},
        {"/etc/group", "root:x:0:\nnogroup:x:65534:\n"},
        {"/etc/hostname", sandboxId + "\n"},
        {"/etc/hosts", "127.0.0.1\tlocalhost " + sandboxId + "\n::1\tlocalhost ip6-localhost ip6-loopback " +
                           sandboxId + "\n"},
        {"/etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\n"
                               "protocols: files\nservices: files\nethers: files\nrpc: files\n"},
        {"/etc/machine-id", machineId},
    };
    if (egress)
        files.push_back({"/etc/resolv.conf", "nameserver 10.0.2.3\n"});
    return files;
}

std::string agentSettings(const LaunchRequest &request)
{
    nlohmann::json settings = {{"envVars", request.envVars}, {"sleepAfter", nullptr},
                               {"interpreterPool", request.interpreterPool}};
    if (request.sleepAfterSeconds)
        settings["sleepAfter"] = *request.sleepAfterSeconds;
    return settings.dump();
}

std::vector<std::string> bwrapEnvironment()
{
    return {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"};
}

namespace {

// A sealed memfd holding text (the agent's settings, a generated /etc file): nothing on
// disk, and nobody can change it after the engine wrote it.
int sealedDescriptor(const std::string &name, const std::string &text)
{
    const int fd = memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        fail("sealedDescriptor " + name + ": memfd_create", errno);
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            const int error = errno;
            close(fd);
            fail("sealedDescriptor " + name + ": write", error);
        }
        done += static_cast<std::size_t>(n);
    }
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

} // namespace

LaunchResult launchSandbox(const LaunchRequest &request)
{
    if (findBwrap().empty())
        throw std::runtime_error("bubblewrap (bwrap) is not installed: apt-get install bubblewrap");
    prepareStateDir(request);

    system::UniqueFd listenFd{listenAgentSocket(request.paths.socket)};
    system::UniqueFd seccompFd;
    try {
        seccompFd.reset(compileSeccompFilter());
    } catch (const std::exception &error) {
        throw std::runtime_error(std::string("compileSeccompFilter: ") + error.what());
    }
    auto [infoRead, infoWrite] = system::makePipe();
    system::UniqueFd infoReadGuard{infoRead};
    system::UniqueFd infoWriteGuard{infoWrite};
    auto [outputRead, outputWrite] = system::makePipe();
    system::UniqueFd outputReadGuard{outputRead};
    system::UniqueFd outputWriteGuard{outputWrite};
    system::UniqueFd devNull{open("/dev/null", O_RDONLY | O_CLOEXEC)};
    system::UniqueFd settingsFd{sealedDescriptor("sandbench-settings", agentSettings(request))};
    system::UniqueFd emptyFd{sealedDescriptor("sandbench-empty", "")};
    system::UniqueFd bootIdFd{sealedDescriptor("sandbench-boot-id", system::randomUuid() + "\n")};
    struct FdList {
        std::vector<int> fds;
        ~FdList() { for (int fd : fds) close(fd); }
    } etcFiles;
    for (const auto &file : generatedEtcFiles(request.id, request.network.egress))
        etcFiles.fds.push_back(sealedDescriptor("sandbench-etc", file.content));
    // With egress: the sandbox holds the write end, slirp4netns watches the read end.
    system::UniqueFd lifetimeRead, lifetimeWrite;
    if (request.network.egress) {
        const auto [read, write] = system::makePipe();
        lifetimeRead.reset(read);
        lifetimeWrite.reset(write);
    }
    system::UniqueFd workspaceFd{open(request.paths.workspace.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
    system::UniqueFd homeFd{open(request.paths.home.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
    system::UniqueFd agentFd{open(request.agentBinary.c_str(), O_PATH | O_CLOEXEC)};
    system::UniqueFd markerFd{open(request.paths.marker.c_str(), O_PATH | O_CLOEXEC | O_NOFOLLOW)};
    if (workspaceFd.get() < 0 || homeFd.get() < 0 || agentFd.get() < 0 || markerFd.get() < 0)
        fail("open bind sources (" + request.agentBinary + ")", errno);
    system::UniqueFd runnersFd;
    if (!request.runnersDir.empty()) {
        runnersFd.reset(open(request.runnersDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (runnersFd.get() < 0)
            fail("open the interpreter's runners (" + request.runnersDir + ")", errno);
    }

    // Child fd layout: 0 /dev/null, 1+2 the output pipe, 3 the agent's listening socket, then LaunchFds.
    system::SpawnOptions spawn;
    const LaunchFds fds;
    spawn.argv = buildBwrapArgs(request, fds);
    spawn.env = bwrapEnvironment();
    spawn.fds = {{0, devNull.get()},          {1, outputWrite},      {2, outputWrite},
                 {3, listenFd.get()},         {fds.seccomp, seccompFd.get()}, {fds.info, infoWrite},
                 {fds.workspace, workspaceFd.get()}, {fds.home, homeFd.get()}, {fds.agent, agentFd.get()},
                 {fds.settings, settingsFd.get()}, {fds.empty, emptyFd.get()}, {fds.bootId, bootIdFd.get()},
                 {fds.lifeline, markerFd.get()}};
    if (request.network.egress)
        spawn.fds.emplace_back(fds.networkLifetime, lifetimeWrite.get());
    if (runnersFd.get() >= 0)
        spawn.fds.emplace_back(fds.runners, runnersFd.get());
    for (std::size_t i = 0; i < etcFiles.fds.size(); ++i)
        spawn.fds.emplace_back(fds.firstEtcFile + static_cast<int>(i), etcFiles.fds[i]);
    spawn.rlimits = {{RLIMIT_NPROC, request.maxProcesses}, {RLIMIT_NOFILE, 4096},
                     {RLIMIT_FSIZE, 64ull << 30}, {RLIMIT_CORE, 0}};
    spawn.joinCgroupFds = request.cgroupProcsFds;
    if (request.hostUid) {
        spawn.uid = *request.hostUid;
        spawn.gid = *request.hostUid;
    }
    LaunchResult result;
    try {
        result.bwrapPid = system::spawnProcess(spawn);
    } catch (const std::system_error &error) {
        throw std::runtime_error(std::string("spawn bwrap: ") + error.what());
    }
    infoWriteGuard.reset();
    outputWriteGuard.reset();
    lifetimeWrite.reset();

    // bwrap writes {"child-pid": N} once the namespaces exist; EOF first means it failed.
    std::string info;
    pollfd poller{infoRead, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (info.find('}') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        if (poll(&poller, 1, 100) <= 0)
            continue;
        char chunk[512];
        const ssize_t n = read(infoRead, chunk, sizeof chunk);
        if (n <= 0)
            break;
        info.append(chunk, static_cast<size_t>(n));
    }
    const auto parsed = nlohmann::json::parse(info, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("child-pid")) {
        int status = 0;
        kill(result.bwrapPid, SIGKILL);
        waitpid(result.bwrapPid, &status, 0);
        std::string output = readAvailable(outputRead, 2000);
        throw std::runtime_error("bwrap exited " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                                 ": " + output);
    }
    result.initPid = parsed["child-pid"].get<pid_t>();
    if (request.network.egress) {
        // Before the engine sends the agent any work, so no sandbox code runs unfiltered.
        EgressRequest egress;
        egress.sandbox = {result.initPid, processStartTime(result.initPid)};
        egress.enterUserNamespace = geteuid() != 0;
        egress.exitFd = lifetimeRead.get();
        egress.rules = buildFilterRules(request.network.allow, hostSubnets(), request.enginePort);
        egress.cgroupProcsFds = request.cgroupProcsFds;
        egress.logPath = request.paths.logs + "/network.log";
        try {
            result.networkPid = attachEgress(egress);
        } catch (const std::exception &) {
            kill(result.initPid, SIGKILL);
            kill(result.bwrapPid, SIGKILL);
            waitpid(result.bwrapPid, nullptr, 0);
            throw;
        }
    }
    result.outputFd = outputReadGuard.release();
    return result;
}

} // namespace sandbench::engine
