#include "engine/Cgroups.h"

#include "system/Files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

std::string ownCgroupPath()
{
    std::ifstream file("/proc/self/cgroup");
    for (std::string line; std::getline(file, line);)
        if (line.rfind("0::", 0) == 0)
            return line.substr(3);
    return {};
}

std::string cgroup2MountPoint()
{
    std::ifstream file("/proc/self/mountinfo");
    for (std::string line; std::getline(file, line);) {
        const auto separator = line.find(" - ");
        if (separator == std::string::npos || line.compare(separator + 3, 8, "cgroup2 ") != 0)
            continue;
        std::istringstream fields(line);
        std::string field, mountPoint;
        for (int i = 0; i < 5 && fields >> field; ++i)
            mountPoint = field;
        return mountPoint;
    }
    return {};
}

} // namespace

std::optional<CgroupDelegation> CgroupDelegation::detect(std::string *reason)
{
    auto fail = [reason](const std::string &why) -> std::optional<CgroupDelegation> {
        if (reason)
            *reason = why;
        return std::nullopt;
    };
    const std::string mount = cgroup2MountPoint();
    const std::string own = ownCgroupPath();
    if (mount.empty() || own.empty())
        return fail("no cgroup v2 hierarchy");
    const std::string dir = mount + (own == "/" ? "" : own);
    const std::string controllers = system::readWholeFile(dir + "/cgroup.controllers").value_or("");
    if (controllers.find("memory") == std::string::npos || controllers.find("pids") == std::string::npos)
        return fail("the memory and pids controllers are not available in " + dir);
    if (access((dir + "/cgroup.subtree_control").c_str(), W_OK) != 0 || access(dir.c_str(), W_OK) != 0)
        return fail(dir + " is not delegated to this user");
    // No process may stay in a cgroup whose children get controllers: move into a leaf first.
    const std::string leaf = dir + "/sandbench-engine";
    if (mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST)
        return fail("mkdir " + leaf + ": " + std::strerror(errno));
    if (!writeText(leaf + "/cgroup.procs", "0"))
        return fail("cannot move the engine into " + leaf + ": " + std::strerror(errno));
    if (!writeText(dir + "/cgroup.subtree_control", "+memory +pids"))
        return fail("cannot enable memory and pids in " + dir + ": " + std::strerror(errno));
    return CgroupDelegation(dir);
}

int CgroupDelegation::prepareSandbox(const std::string &id, const CgroupLimits &limits) const
{
    const std::string dir = root_ + "/sandbox-" + id;
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        throw std::runtime_error("mkdir " + dir + ": " + std::strerror(errno));
    if (!writeText(dir + "/memory.max", std::to_string(limits.memoryBytes)) ||
        !writeText(dir + "/pids.max", std::to_string(limits.pids)))
        throw std::runtime_error("cannot set limits in " + dir + ": " + std::strerror(errno));
    const int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("open " + dir + "/cgroup.procs: " + std::strerror(errno));
    return fd;
}

void CgroupDelegation::removeSandbox(const std::string &id) const
{
    rmdir((root_ + "/sandbox-" + id).c_str());
}

} // namespace sandbench::engine
