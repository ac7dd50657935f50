// Memory, process and CPU limits for sandboxes through cgroups, wherever the host
// allows: cgroup v2 when this process sits in a delegated subtree with the memory
// and pids controllers, else the cgroup v1 memory, pids (and cpu) hierarchies when
// they are writable (a root engine on a v1 or hybrid host). Without either, only
// rlimits apply, and /v1/health says so.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sandbench::engine {

struct CgroupLimits {
    std::uint64_t memoryBytes = 2048ull << 20;
    unsigned pids = 1024;
    double cpus = 0; // 0: no cap
};

class SandboxCgroups {
public:
    // Finds where sandbox groups can be made. tag keeps two engines' groups apart (one
    // engine per state directory). nullopt, with the reason, when nowhere.
    static std::optional<SandboxCgroups> detect(const std::string &tag, std::string *reason);

    // Creates (or updates) the sandbox's group(s) with the limits; returns open
    // cgroup.procs descriptors for the launched child to join. Throws with the file
    // that failed. Calling it for a running sandbox changes its limits at once.
    std::vector<int> prepareSandbox(const std::string &id, const CgroupLimits &limits) const;
    // Removes the sandbox's groups, killing what is still in them (best effort).
    void removeSandbox(const std::string &id) const;
    // Removes this engine's own v1 groups when no sandbox is left in them (best effort).
    void removeEngineGroups() const;
    // Processes killed by the out-of-memory killer in the sandbox's group so far.
    std::uint64_t oomKills(const std::string &id) const;

    // {"version": "v1"|"v2", "memory", "pids", "cpu": bool, "root": path}
    nlohmann::json describe() const;
    const std::string &root() const { return memoryDir_; }

private:
    SandboxCgroups() = default;
    std::string groupOf(const std::string &base, const std::string &id) const;

    bool v2_ = false;
    std::string tag_;
    std::string memoryDir_; // v2: the delegated cgroup; v1: our group in the memory hierarchy
    std::string pidsDir_;   // v1 only
    std::string cpuDir_;    // v1: empty when the cpu hierarchy is unusable; v2: memoryDir_ when cpu is enabled
};

} // namespace sandbench::engine
