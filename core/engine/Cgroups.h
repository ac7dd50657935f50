// cgroup v2 limits for sandboxes, used when this process sits in a cgroup
// subtree it may manage (a delegated cgroup with the memory and pids
// controllers). Without one, only rlimits apply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sandbench::engine {

struct CgroupLimits {
    std::uint64_t memoryBytes = 4ull << 30;
    unsigned pids = 1024;
};

class CgroupDelegation {
public:
    // Finds and prepares a delegated cgroup: moves this process into a leaf
    // ("sandbench-engine") and enables memory and pids for siblings.
    // nullopt, with the reason, when there is none.
    static std::optional<CgroupDelegation> detect(std::string *reason);

    // Creates sandbox-<id> with the limits; returns an open descriptor of its
    // cgroup.procs for the launched child to join (write "0" to it). Throws.
    int prepareSandbox(const std::string &id, const CgroupLimits &limits) const;
    // Removes sandbox-<id> once it is empty (best effort).
    void removeSandbox(const std::string &id) const;

    const std::string &root() const { return root_; }

private:
    explicit CgroupDelegation(std::string root) : root_(std::move(root)) {}
    std::string root_;
};

} // namespace sandbench::engine
