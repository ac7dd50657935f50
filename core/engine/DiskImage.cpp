#include "engine/DiskImage.h"

#include "system/Files.h"
#include "system/Subprocess.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace sandbench::engine {

namespace {

using system::firstExecutable;

std::string mkfsBinary() { return firstExecutable({"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"}); }
std::string fsckBinary() { return firstExecutable({"/usr/sbin/e2fsck", "/sbin/e2fsck"}); }
std::string resizeBinary() { return firstExecutable({"/usr/sbin/resize2fs", "/sbin/resize2fs"}); }
std::string mountBinary() { return firstExecutable({"/usr/bin/mount", "/bin/mount"}); }
std::string copyBinary() { return firstExecutable({"/usr/bin/cp", "/bin/cp"}); }

constexpr std::uint64_t kMiB = 1ull << 20;

[[noreturn]] void fail(const std::string &step, int error)
{
    throw std::runtime_error(step + ": " + std::strerror(error));
}

// Runs one of the helpers with a fixed environment, in the sandbox's cgroups (what it
// costs is the sandbox's), ending with the engine; its exit code and output.
system::Completion runHelper(std::vector<std::string> argv, std::chrono::seconds timeout,
                             const std::vector<int> &cgroupProcsFds = {})
{
    system::SpawnOptions options;
    options.argv = std::move(argv);
    options.env = bwrapEnvironment();
    options.joinCgroupFds = cgroupProcsFds;
    options.dieWithParent = true;
    return system::runToCompletion(options, timeout);
}

void runOrThrow(const std::string &step, std::vector<std::string> argv, std::chrono::seconds timeout)
{
    const system::Completion done = runHelper(std::move(argv), timeout);
    if (done.exitCode != 0)
        throw std::runtime_error(step + " failed" + (done.output.empty() ? std::string() : ": " + done.output));
}

std::uint64_t fileSize(const std::string &path)
{
    struct stat info{};
    return stat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
}

void resizeFile(const std::string &path, std::uint64_t bytes)
{
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        const int error = errno;
        if (fd >= 0)
            close(fd);
        fail("size the disk image " + path, error);
    }
    close(fd);
}

bool isEmptyDirectory(const std::string &path)
{
    std::error_code error;
    return std::filesystem::is_empty(path, error) || error;
}

// Removes what a directory holds (never following symlinks), keeping the directory.
void emptyDirectory(const std::string &path)
{
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(path, error))
        std::filesystem::remove_all(entry.path(), error);
}

// Copies a tree's content keeping owners, modes, times and links (symlinks are copied,
// never followed). As root: the sandbox may have made its own files unreadable to
// itself (mode 000), and it runs no process meanwhile (it is stopped), so nothing
// changes under the copy; every file in it is the sandbox's uid's.
void copyTree(const std::string &from, const std::string &to, const std::vector<int> &cgroupProcsFds,
              const std::string &what)
{
    if (isEmptyDirectory(from))
        return;
    const system::Completion done =
        runHelper({copyBinary(), "-a", "--", from + "/.", to + "/"}, std::chrono::seconds(600), cgroupProcsFds);
    if (done.exitCode == 0)
        return;
    if (done.output.find("No space left") != std::string::npos)
        throw std::runtime_error("no space left while moving " + what);
    throw std::runtime_error("moving " + what + " failed: " + done.output);
}

// An earlier instance's filesystem lives until its last process is gone: wait for it,
// so that one image is never mounted twice (two ext4 mounts of one image corrupt it).
void waitUntilReleased(const std::string &image)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!loopDevicesOf(image).empty()) {
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("its disk image is still in use by an earlier instance; try again shortly");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void mountImage(const std::string &image, const std::string &volume)
{
    system::makeDirectories(volume, 0700);
    // nosuid, nodev: nothing in the image is more than a file to the host. discard: what
    // the sandbox deletes is given back to the host's disk.
    runOrThrow("mounting the disk image",
               {mountBinary(), "-t", "ext4", "-o", "loop,nosuid,nodev,discard", "--", image, volume},
               std::chrono::seconds(30));
}

void makeOwnedDirectory(const std::string &path, uid_t owner)
{
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        fail("mkdir " + path, errno);
    if (chown(path.c_str(), owner, static_cast<gid_t>(owner)) != 0)
        fail("chown " + path, errno);
}

// e2fsck before a resize, as resize2fs requires; 0 and 1 (errors corrected) are fine.
void checkImage(const std::string &image)
{
    const system::Completion checked = runHelper({fsckBinary(), "-f", "-p", image}, std::chrono::seconds(300));
    if (checked.exitCode != 0 && checked.exitCode != 1)
        throw std::runtime_error("the disk image needs repair (e2fsck -f " + image + "): " + checked.output);
}

// An image is sparse: it takes host disk as it fills. A limit the host disk cannot hold
// would let the sandbox fill that disk (every sandbox's and the engine's) before its own.
void requireHostSpace(const std::string &dir, std::uint64_t limitMiB, std::uint64_t alreadyHeldMiB)
{
    struct statvfs disk{};
    if (statvfs(dir.c_str(), &disk) != 0)
        return;
    const std::uint64_t freeMiB = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize / kMiB;
    if (limitMiB > freeMiB + alreadyHeldMiB)
        throw std::runtime_error("the disk limit of " + std::to_string(limitMiB) + " MiB (limits.diskMiB) is more than the " +
                                 std::to_string(freeMiB + alreadyHeldMiB) +
                                 " MiB the host's disk has free for it: lower the limit or free space");
}

// What the image's blocks take on the host disk now.
std::uint64_t allocatedMiB(const std::string &path)
{
    struct stat info{};
    return stat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_blocks) * 512 / kMiB : 0;
}

} // namespace

std::string diskImageUnavailableReason()
{
    if (geteuid() != 0)
        return "disk images need an engine running as root (loop devices and mount); "
               "limits.diskMiB is a usage watch instead";
    if (access("/dev/loop-control", R_OK | W_OK) != 0)
        return "/dev/loop-control is not usable (" + std::string(std::strerror(errno)) +
               "); limits.diskMiB is a usage watch instead";
    if (mkfsBinary().empty() || fsckBinary().empty() || resizeBinary().empty())
        return "e2fsprogs is not installed (apt-get install e2fsprogs); limits.diskMiB is a usage watch instead";
    if (mountBinary().empty())
        return "mount is not installed (apt-get install mount); limits.diskMiB is a usage watch instead";
    return {};
}

bool hasDiskImage(const SandboxPaths &paths)
{
    struct stat info{};
    return lstat(paths.image.c_str(), &info) == 0;
}

std::vector<dev_t> loopDevicesOf(const std::string &imagePath)
{
    struct stat image{};
    if (stat(imagePath.c_str(), &image) != 0)
        return {};
    const auto attached = attachedLoopDevices();
    const auto found = attached.find({image.st_dev, image.st_ino});
    return found == attached.end() ? std::vector<dev_t>{} : found->second;
}

std::map<std::pair<dev_t, ino_t>, std::vector<dev_t>> attachedLoopDevices()
{
    std::map<std::pair<dev_t, ino_t>, std::vector<dev_t>> devices;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator("/sys/block", error)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("loop", 0) != 0 || !std::filesystem::exists(entry.path() / "loop", error))
            continue; // loop/ exists only while a file is attached
        const int fd = open(("/dev/" + name).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        loop_info64 info{};
        const bool attached = ioctl(fd, LOOP_GET_STATUS64, &info) == 0;
        struct stat device{};
        const bool known = fstat(fd, &device) == 0;
        close(fd);
        if (attached && known)
            devices[{static_cast<dev_t>(info.lo_device), static_cast<ino_t>(info.lo_inode)}].push_back(device.st_rdev);
    }
    return devices;
}

MountedVolume mountDiskImage(const SandboxPaths &paths, std::uint64_t limitMiB, uid_t owner,
                             const std::vector<int> &cgroupProcsFds)
{
    MountedVolume volume{paths.volume + "/workspace", paths.volume + "/home", limitMiB, {}};
    detachDiskImage(paths); // left mounted by an engine that died while starting it
    system::makeDirectories(paths.root, 0700);

    if (!hasDiskImage(paths)) {
        // A new image is filled under another name and takes its place only when the
        // files are in: a failure (or a crash) leaves the plain directories as they were.
        const std::string fresh = paths.image + ".new";
        unlink(fresh.c_str());
        requireHostSpace(paths.root, limitMiB, 0);
        const int fd = open(fresh.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            fail("create the disk image " + fresh, errno);
        const bool sized = ftruncate(fd, static_cast<off_t>(limitMiB * kMiB)) == 0; // sparse
        const int error = errno;
        close(fd);
        try {
            if (!sized)
                fail("size the disk image " + fresh, error);
            // One inode per 8 KiB (the default is 16): a node_modules of small files fits.
            std::vector<std::string> mkfs = {mkfsBinary(), "-q", "-F", "-m", "0", "-i", "8192", "-L", "sandbench", "-E",
                                             "root_owner=" + std::to_string(owner) + ":" + std::to_string(owner)};
            if (limitMiB >= 4096)
                mkfs.insert(mkfs.end(), {"-J", "size=64"}); // not the default's 1 GiB on a terabyte
            mkfs.push_back(fresh);
            runOrThrow("mkfs.ext4", mkfs, std::chrono::seconds(120));
            mountImage(fresh, paths.volume);
            makeOwnedDirectory(volume.workspace, owner);
            makeOwnedDirectory(volume.home, owner);
            copyTree(paths.workspace, volume.workspace, cgroupProcsFds, "the workspace into its disk image");
            copyTree(paths.home, volume.home, cgroupProcsFds, "the home directory into its disk image");
        } catch (const std::exception &failure) {
            detachDiskImage(paths);
            unlink(fresh.c_str());
            const std::string what = failure.what();
            if (what.rfind("no space left", 0) == 0)
                throw std::runtime_error("the workspace and home do not fit in the disk limit of " +
                                         std::to_string(limitMiB) +
                                         " MiB (limits.diskMiB; by their size or their number of files): "
                                         "raise it or delete files");
            throw;
        }
        if (rename(fresh.c_str(), paths.image.c_str()) != 0) {
            const int renameError = errno;
            detachDiskImage(paths);
            unlink(fresh.c_str());
            fail("rename the disk image", renameError);
        }
    } else {
        waitUntilReleased(paths.image);
        const std::uint64_t currentMiB = fileSize(paths.image) / kMiB;
        volume.sizeMiB = currentMiB;
        if (currentMiB != limitMiB) {
            checkImage(paths.image);
            if (limitMiB > currentMiB) {
                requireHostSpace(paths.root, limitMiB, allocatedMiB(paths.image));
                resizeFile(paths.image, limitMiB * kMiB);
                runOrThrow("growing the disk image", {resizeBinary(), paths.image, std::to_string(limitMiB) + "M"},
                           std::chrono::seconds(300));
                volume.sizeMiB = limitMiB;
            } else if (runHelper({resizeBinary(), paths.image, std::to_string(limitMiB) + "M"}, std::chrono::seconds(300))
                           .exitCode == 0) {
                resizeFile(paths.image, limitMiB * kMiB);
                volume.sizeMiB = limitMiB;
            } else {
                volume.note = "the disk stays at " + std::to_string(currentMiB) + " MiB: its files do not fit in " +
                              std::to_string(limitMiB) + " MiB (limits.diskMiB); delete files and start it again";
            }
        }
        mountImage(paths.image, paths.volume);
        makeOwnedDirectory(volume.workspace, owner);
        makeOwnedDirectory(volume.home, owner);
    }
    // The image holds the files; what the plain directories hold is stale (a move that a
    // crash interrupted).
    emptyDirectory(paths.workspace);
    emptyDirectory(paths.home);
    return volume;
}

void detachDiskImage(const SandboxPaths &paths)
{
    // Repeated: mounts may be stacked (a detach only takes the top one).
    for (int i = 0; i < 8 && umount2(paths.volume.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0; ++i) {
    }
}

void releaseDiskImage(const SandboxPaths &paths, uid_t owner, const std::vector<int> &cgroupProcsFds)
{
    detachDiskImage(paths); // left mounted by an engine that died while moving the files
    waitUntilReleased(paths.image);
    mountImage(paths.image, paths.volume);
    try {
        for (const auto &dir : {paths.workspace, paths.home}) {
            system::makeDirectories(dir, 0700);
            emptyDirectory(dir);
            if (chown(dir.c_str(), owner, static_cast<gid_t>(owner)) != 0)
                fail("chown " + dir, errno);
        }
        copyTree(paths.volume + "/workspace", paths.workspace, cgroupProcsFds, "the workspace out of its disk image");
        copyTree(paths.volume + "/home", paths.home, cgroupProcsFds, "the home directory out of its disk image");
    } catch (...) {
        detachDiskImage(paths);
        throw;
    }
    detachDiskImage(paths);
    unlink(paths.image.c_str());
}

} // namespace sandbench::engine
