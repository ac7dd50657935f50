#include "engine/Cgroups.h"

#include "system/Files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sandbench::engine {

namespace {

bool writeText(const std::string &path, const std::string &text)
{
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    return ok;
}

void writeOrThrow(const std::string &path, const std::string &text)
{
    if (!writeText(path, text))
        throw std::runtime_error("write " + text + " to " + path + ": " + std::strerror(errno));
}

// This process's group in a hierarchy: "0::" for v2, or the v1 line naming the controller.
std::string ownCgroupPath(const std::string &controller)
{
    std::ifstream file("/proc/self/cgroup");
    for (std::string line; std::getline(file, line);) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        std::istringstream list(controllers);
        bool match = controller.empty() && controllers.empty();
        for (std::string name; !controller.empty() && std::getline(list, name, ',');)
            match = match || name == controller;
        if (match)
            return line.substr(second + 1);
    }
    return {};
}

// Mount point of the cgroup2 hierarchy (controller empty) or of the v1 hierarchy that
// carries the controller.
std::string mountPointOf(const std::string &controller)
{
    std::ifstream file("/proc/self/mountinfo");
    for (std::string line; std::getline(file, line);) {
        const auto separator = line.find(" - ");
        if (separator == std::string::npos)
            continue;
        std::istringstream tail(line.substr(separator + 3));
        std::string type, source, options;
        tail >> type >> source >> options;
        if (controller.empty() ? type != "cgroup2" : type != "cgroup")
            continue;
        if (!controller.empty()) {
            std::istringstream list(options);
            bool carries = false;
            for (std::string option; std::getline(list, option, ',');)
                carries = carries || option == controller;
            if (!carries)
                continue;
        }
        std::istringstream fields(line);
        std::string field, mountPoint;
        for (int i = 0; i < 5 && fields >> field; ++i)
            mountPoint = field;
        return mountPoint;
    }
    return {};
}

// Our group for a v1 controller, created: <mount><own path>/sandbench-<tag>. Empty when
// the hierarchy is missing or not writable.
std::string v1Group(const std::string &controller, const std::string &tag)
{
    const std::string mount = mountPointOf(controller);
    const std::string own = ownCgroupPath(controller);
    if (mount.empty() || own.empty())
        return {};
    const std::string dir = mount + (own == "/" ? "" : own) + "/sandbench-" + tag;
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return {};
    return access((dir + "/cgroup.procs").c_str(), W_OK) == 0 ? dir : std::string();
}

std::uint64_t counterIn(const std::string &path, const std::string &name)
{
    std::ifstream file(path);
    for (std::string key, value; file >> key >> value;)
        if (key == name)
            return std::stoull(value);
    return 0;
}

} // namespace

std::optional<SandboxCgroups> SandboxCgroups::detect(const std::string &tag, std::string *reason)
{
    SandboxCgroups cgroups;
    cgroups.tag_ = tag;
    std::string v2Reason;
    const std::string mount = mountPointOf("");
    const std::string own = ownCgroupPath("");
    if (mount.empty() || own.empty()) {
        v2Reason = "no cgroup v2 hierarchy";
    } else {
        const std::string dir = mount + (own == "/" ? "" : own);
        const std::string controllers = system::readWholeFile(dir + "/cgroup.controllers").value_or("");
        if (controllers.find("memory") == std::string::npos || controllers.find("pids") == std::string::npos) {
            v2Reason = "cgroup v2 offers no memory and pids controllers in " + dir;
        } else if (access((dir + "/cgroup.subtree_control").c_str(), W_OK) != 0 || access(dir.c_str(), W_OK) != 0) {
            v2Reason = dir + " is not delegated to this user";
        } else {
            // No process may stay in a cgroup whose children get controllers: a leaf first.
            const std::string leaf = dir + "/sandbench-engine";
            if ((mkdir(leaf.c_str(), 0755) == 0 || errno == EEXIST) && writeText(leaf + "/cgroup.procs", "0") &&
                writeText(dir + "/cgroup.subtree_control", "+memory +pids")) {
                cgroups.v2_ = true;
                cgroups.memoryDir_ = dir;
                if (controllers.find("cpu ") != std::string::npos || controllers.ends_with("cpu\n"))
                    if (writeText(dir + "/cgroup.subtree_control", "+cpu"))
                        cgroups.cpuDir_ = dir;
                return cgroups;
            }
            v2Reason = "cannot enable memory and pids in " + dir + ": " + std::strerror(errno);
        }
    }
    cgroups.memoryDir_ = v1Group("memory", tag);
    cgroups.pidsDir_ = v1Group("pids", tag);
    if (!cgroups.memoryDir_.empty() && !cgroups.pidsDir_.empty()) {
        cgroups.cpuDir_ = v1Group("cpu", tag);
        // All sandboxes together weigh a quarter of one ordinary process: a busy sandbox
        // (a fork bomb) never starves the engine or the desktop.
        if (!cgroups.cpuDir_.empty())
            writeText(cgroups.cpuDir_ + "/cpu.shares", "256");
        return cgroups;
    }
    if (reason)
        *reason = v2Reason + "; the cgroup v1 memory and pids hierarchies are not writable either";
    return std::nullopt;
}

std::string SandboxCgroups::groupOf(const std::string &base, const std::string &id) const
{
    // v2 groups sit side by side in the delegated cgroup: the tag keeps engines apart.
    return v2_ ? base + "/sandbox-" + tag_ + "-" + id : base + "/sandbox-" + id;
}

std::vector<int> SandboxCgroups::prepareSandbox(const std::string &id, const CgroupLimits &limits) const
{
    std::vector<std::string> groups = {groupOf(memoryDir_, id)};
    if (!v2_)
        groups.push_back(groupOf(pidsDir_, id));
    if (!v2_ && !cpuDir_.empty())
        groups.push_back(groupOf(cpuDir_, id));
    for (const auto &dir : groups)
        if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
            throw std::runtime_error("mkdir " + dir + ": " + std::strerror(errno));
    const std::string memory = std::to_string(limits.memoryBytes);
    const auto period = 100000ull;
    const auto quota = static_cast<unsigned long long>(limits.cpus * period);
    if (v2_) {
        writeOrThrow(groups[0] + "/memory.max", memory);
        writeOrThrow(groups[0] + "/pids.max", std::to_string(limits.pids));
        writeText(groups[0] + "/memory.swap.max", "0"); // a limit that swap cannot stretch
        if (!cpuDir_.empty()) {
            writeOrThrow(groups[0] + "/cpu.max",
                         (limits.cpus > 0 ? std::to_string(quota) : std::string("max")) + " " + std::to_string(period));
            writeText(groups[0] + "/cpu.weight", "25"); // below the engine's 100: see the v1 shares
        }
    } else {
        // memsw (memory + swap) must stay >= the memory limit: lower it last, raise it first.
        const std::string memsw = groups[0] + "/memory.memsw.limit_in_bytes";
        const bool hasMemsw = access(memsw.c_str(), W_OK) == 0;
        if (hasMemsw)
            writeText(memsw, memory);
        writeOrThrow(groups[0] + "/memory.limit_in_bytes", memory);
        if (hasMemsw)
            writeOrThrow(memsw, memory);
        writeOrThrow(groups[1] + "/pids.max", std::to_string(limits.pids));
        if (groups.size() > 2) {
            writeOrThrow(groups[2] + "/cpu.cfs_period_us", std::to_string(period));
            writeOrThrow(groups[2] + "/cpu.cfs_quota_us", limits.cpus > 0 ? std::to_string(quota) : "-1");
        }
    }
    std::vector<int> fds;
    for (const auto &dir : groups) {
        const int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            for (int open : fds)
                close(open);
            throw std::runtime_error("open " + dir + "/cgroup.procs: " + std::strerror(error));
        }
        fds.push_back(fd);
    }
    return fds;
}

void SandboxCgroups::removeSandbox(const std::string &id) const
{
    // What is left in a group (a helper that was not our child, such as a re-adopted
    // sandbox's slirp4netns, on its way out) is killed, and removal retried for a while.
    for (const auto &base : {memoryDir_, pidsDir_, cpuDir_}) {
        if (base.empty())
            continue;
        const std::string group = groupOf(base, id);
        for (int attempt = 0; attempt < 50 && rmdir(group.c_str()) != 0 && errno == EBUSY; ++attempt) {
            std::istringstream procs(system::readWholeFile(group + "/cgroup.procs").value_or(""));
            for (pid_t pid = 0; procs >> pid;)
                kill(pid, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
}

void SandboxCgroups::removeEngineGroups() const
{
    if (v2_)
        return; // the delegated cgroup is not ours to remove
    for (const auto &dir : {memoryDir_, pidsDir_, cpuDir_})
        if (!dir.empty())
            rmdir(dir.c_str());
}

std::uint64_t SandboxCgroups::oomKills(const std::string &id) const
{
    const std::string group = groupOf(memoryDir_, id);
    return counterIn(group + (v2_ ? "/memory.events" : "/memory.oom_control"), "oom_kill");
}

nlohmann::json SandboxCgroups::describe() const
{
    return {{"version", v2_ ? "v2" : "v1"}, {"memory", true}, {"pids", true}, {"cpu", !cpuDir_.empty()},
            {"root", memoryDir_}};
}

} // namespace sandbench::engine
