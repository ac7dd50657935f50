// A hard disk limit (limits.diskMiB) for engines that run as root: the sandbox's
// workspace and home live in an ext4 image of that size (<sandbox>/disk.img), so the
// kernel answers ENOSPC at the limit, for that sandbox alone. The image is loop-mounted
// on the host (<sandbox>/volume) only while bwrap binds from it, then detached: from
// then on the filesystem exists only in the sandbox's mount namespace and goes with its
// last process, and the sandbox's /proc/self/mountinfo names /dev/loopN, not a host path.
// Engines that cannot mount (not root, no loop devices, no e2fsprogs) watch usage instead.
#pragma once

#include "engine/Launcher.h"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <utility>
#include <string>
#include <vector>

namespace sandbench::engine {

// Why this engine cannot give sandboxes disk images; empty when it can.
std::string diskImageUnavailableReason();

struct MountedVolume {
    std::string workspace; // bind sources while bwrap starts
    std::string home;
    std::uint64_t sizeMiB = 0; // the image's size: the limit, or larger when shrinking failed
    std::string note;          // why the size differs from the limit
};

// Makes the image match limitMiB and mounts it at paths.volume, owned by owner (the
// sandbox's host uid):
//  - no image yet: creates one and moves the plain workspace and home into it (refused,
//    with nothing changed, when they do not fit);
//  - a different size: grows it, or shrinks it when the files fit (otherwise it keeps
//    its size and says so in note);
//  - an earlier instance still holding the image: waits for it to go, then refuses.
// A limit larger than the host disk's free space is refused. Helpers run in the
// sandbox's cgroups (cgroupProcsFds). Blocking (a large move takes minutes): not on
// the engine's thread. Throws std::runtime_error naming the step that failed.
MountedVolume mountDiskImage(const SandboxPaths &paths, std::uint64_t limitMiB, uid_t owner,
                             const std::vector<int> &cgroupProcsFds = {});

// Takes the volume off the host's mount table (the sandbox keeps its own mounts). No-op
// when it is not mounted.
void detachDiskImage(const SandboxPaths &paths);

// The limit was removed: moves the image's files back into the plain workspace and home
// and deletes the image. Throws (keeping the image) when that fails. Blocking, as above.
void releaseDiskImage(const SandboxPaths &paths, uid_t owner, const std::vector<int> &cgroupProcsFds = {});

// Whether the sandbox keeps its files in an image.
bool hasDiskImage(const SandboxPaths &paths);

// The loop devices (as st_dev of their filesystems) backed by this image: an instance
// still running on it has its /workspace on one of them.
std::vector<dev_t> loopDevicesOf(const std::string &imagePath);
// Every attached loop device, by its backing file's (device, inode): one pass for many images.
std::map<std::pair<dev_t, ino_t>, std::vector<dev_t>> attachedLoopDevices();

} // namespace sandbench::engine
