// Mount tables (/proc/<pid>/mountinfo): the engine looks for a sandbox's bucket mounts in
// its PID 1's table; the agent keeps its own to keep off FUSE mounts (FuseMounts): a hung
// bucket must not hang the agent.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sandbench::system {

struct MountEntry {
    std::string point; // as the reading process sees it, escapes undone
    std::string type;  // "ext4", "fuse.s3fs", ...
};
std::vector<MountEntry> parseMountTable(std::string_view mountinfo);

// The FUSE mount points of the calling process's mount namespace, read again only when
// the kernel reports a change of the table (poll(2) on /proc/self/mountinfo). Thread-safe.
class FuseMounts {
public:
    FuseMounts();
    ~FuseMounts();
    FuseMounts(const FuseMounts &) = delete;
    FuseMounts &operator=(const FuseMounts &) = delete;

    // path (absolute, normalised) is at or under a FUSE mount, or one is under it.
    bool reaches(const std::string &path);
    bool isMountPoint(const std::string &path);
    // symlink (an absolute path) is a symlink to a FUSE mount point (how bucket mounts
    // appear): read with readlink, never through the mount.
    bool linksToMountPoint(const std::string &symlink);

private:
    void refresh(); // with mutex_ held
    std::mutex mutex_;
    int fd_ = -1;
    bool loaded_ = false;
    std::vector<std::string> points_;
};

} // namespace sandbench::system
