#include "agent/ArchiveService.h"

#include "protocol/BackupOptions.h"
#include "system/Files.h"
#include "system/MountTable.h"
#include "system/Subprocess.h"
#include "system/UniqueFd.h"
#include "system/WorkerThread.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>

namespace sandbench::agent {

using protocol::ApiError;

namespace {

constexpr const char *kArchiveDir = "/var/backups";
constexpr auto kArchiveTimeout = std::chrono::hours(1);

ApiError createFailed(const std::string &dir, const std::string &why)
{
    return ApiError("BACKUP_CREATE_FAILED", "Backup of " + dir + " failed: " + why, {{"dir", dir}}, {}, 500);
}

ApiError restoreFailed(const std::string &dir, const std::string &why)
{
    return ApiError("BACKUP_RESTORE_FAILED", "Restoring into " + dir + " failed: " + why + " (" + dir + " is as it was)",
                    {{"dir", dir}}, {}, 500);
}

// A helper run to its end off the event loop (an archive of a gigabyte takes seconds).
asio::awaitable<system::Completion> runHelper(std::vector<std::string> argv, std::vector<std::string> env,
                                              std::size_t maxOutput = 4000)
{
    system::SpawnOptions options;
    options.argv = std::move(argv);
    options.env = std::move(env);
    co_return co_await system::runToCompletionLater(std::move(options), kArchiveTimeout, maxOutput);
}

// A helper's output as the reason it failed (runToCompletion has trimmed it already).
std::string reasonIn(const std::string &output)
{
    return output.empty() ? std::string("no reason given") : output;
}

std::runtime_error failedTo(const std::string &what)
{
    return std::runtime_error(what + ": " + std::strerror(errno));
}

// Entries that are the agent's, never a backup's: its scratch directory (/tmp/.sandbench,
// FIFOs of running commands) and restores under way. They stay where they are.
bool agentsOwn(const std::string &name)
{
    return name == ".sandbench" || name.starts_with(".sandbench-restore-");
}

// Moves each entry of from (but the agent's own) into to; on a failure moves those moved
// back and throws.
void moveEntries(const std::string &from, const std::string &to)
{
    std::vector<std::string> moved;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(from, error)) {
        const std::string name = entry.path().filename().string();
        if (agentsOwn(name))
            continue;
        if (rename((from + "/" + name).c_str(), (to + "/" + name).c_str()) != 0) {
            const std::runtime_error failure = failedTo("cannot move " + from + "/" + name);
            for (const std::string &back : moved)
                rename((to + "/" + back).c_str(), (from + "/" + back).c_str());
            throw failure;
        }
        moved.push_back(name);
    }
    if (error)
        throw std::runtime_error("cannot list " + from + ": " + error.message());
}

// The bucket slots mounted now: /.sandbench/mounts/<n> as FUSE mounts in the mount table,
// which the sandbox cannot change (it holds no capability to mount).
std::set<std::string> mountedSlots()
{
    std::ifstream table("/proc/self/mountinfo");
    const std::string text((std::istreambuf_iterator<char>(table)), std::istreambuf_iterator<char>());
    static const std::regex slot(R"(/\.sandbench/mounts/\d+)");
    std::set<std::string> slots;
    for (const system::MountEntry &entry : system::parseMountTable(text))
        if ((entry.type == "fuse" || entry.type.starts_with("fuse.")) && std::regex_match(entry.point, slot))
            slots.insert(entry.point);
    return slots;
}

// Puts the link of the bucket mounted at old/relative (to its slot) into the unpacked tree
// at fresh/relative, with the folders on its way that the backup does not have, as they are
// now. Each step is taken from the descriptor of the one before and never follows a link:
// a link in the backup cannot steer these writes out of the tree.
void keepBucketLink(const std::string &old, const std::string &fresh, const std::filesystem::path &relative,
                    const std::string &slot)
{
    const std::string mountPath = old + "/" + relative.string();
    constexpr int kFolder = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    system::UniqueFd dir{open(fresh.c_str(), kFolder)};
    if (!dir.valid())
        throw failedTo("cannot open " + fresh);
    std::filesystem::path now = old;
    for (const std::filesystem::path &part : relative.parent_path()) {
        now /= part;
        int next = openat(dir.get(), part.c_str(), kFolder);
        if (next < 0 && errno == ENOENT) {
            struct stat was{};
            if (lstat(now.c_str(), &was) != 0 || !S_ISDIR(was.st_mode) ||
                mkdirat(dir.get(), part.c_str(), was.st_mode & 07777) != 0)
                throw failedTo("cannot make the folder " + now.string() + " for the bucket mounted at " + mountPath);
            fchownat(dir.get(), part.c_str(), was.st_uid, was.st_gid, AT_SYMLINK_NOFOLLOW);
            next = openat(dir.get(), part.c_str(), kFolder);
        }
        if (next < 0)
            throw std::runtime_error("the backup has " + now.string() + " as a link or a file, on the way to the bucket "
                                     "mounted at " + mountPath + ": unmount it first");
        dir.reset(next);
    }
    const std::string name = relative.filename().string();
    struct stat there{};
    if (fstatat(dir.get(), name.c_str(), &there, AT_SYMLINK_NOFOLLOW) == 0) {
        char target[4096];
        const ssize_t length = S_ISLNK(there.st_mode) ? readlinkat(dir.get(), name.c_str(), target, sizeof target) : -1;
        if (length > 0 && std::string_view(target, static_cast<std::size_t>(length)) == slot)
            return; // the backup has the link already
        throw std::runtime_error("the backup has " + mountPath + ", where a bucket is mounted now: unmount it first");
    }
    struct stat link{};
    lstat(mountPath.c_str(), &link);
    if (symlinkat(slot.c_str(), dir.get(), name.c_str()) != 0)
        throw failedTo("cannot keep the bucket mounted at " + mountPath);
    fchownat(dir.get(), name.c_str(), link.st_uid, link.st_gid, AT_SYMLINK_NOFOLLOW);
}

// How a walk of a tree treats what it cannot see: the old tree skips the agent's own entries
// at the top, unreadable folders and those deeper than a mount path can be (4096
// characters); the unpacked tree is walked whole, or the restore is refused.
struct Walk {
    bool whole = false;
};

// Calls found(folder, name, path, target) for each symbolic link below the folder open as
// dir (path relative to it). It follows no link, and throws when a folder cannot be read.
using LinkVisitor = std::function<void(int folder, const std::string &name, const std::string &path, const std::string &target)>;
void visitLinks(int dir, const std::string &relative, int depth, Walk walk, const LinkVisitor &found)
{
    std::vector<std::string> folders;
    {
        DIR *listing = fdopendir(dup(dir));
        if (!listing)
            throw failedTo("cannot list " + (relative.empty() ? std::string(".") : relative));
        const std::unique_ptr<DIR, int (*)(DIR *)> closing(listing, closedir);
        errno = 0;
        while (const dirent *entry = readdir(listing)) {
            const std::string name = entry->d_name;
            if (name == "." || name == ".." || (!walk.whole && depth == 0 && agentsOwn(name)))
                continue;
            unsigned char type = entry->d_type;
            struct stat info{};
            if (type == DT_UNKNOWN && fstatat(dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0)
                type = S_ISLNK(info.st_mode) ? DT_LNK : S_ISDIR(info.st_mode) ? DT_DIR : DT_REG;
            const std::string path = relative.empty() ? name : relative + "/" + name;
            if (type == DT_DIR) {
                folders.push_back(name);
            } else if (type == DT_LNK) {
                char target[4096];
                const ssize_t length = readlinkat(dir, name.c_str(), target, sizeof target);
                if (length > 0)
                    found(dir, name, path, std::string(target, static_cast<std::size_t>(length)));
            }
            errno = 0;
        }
        if (errno != 0)
            throw failedTo("cannot list " + (relative.empty() ? std::string(".") : relative));
    }
    for (const std::string &name : folders) {
        const std::string path = relative.empty() ? name : relative + "/" + name;
        if (!walk.whole && path.size() > 4096)
            continue; // deeper than any mount path
        if (depth >= 2048) // a walk's stack and descriptors grow with its depth
            throw std::runtime_error(path.substr(0, 200) + "... is deeper than 2048 folders: it cannot be checked");
        system::UniqueFd child{openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
        if (!child.valid() && errno == EACCES && !walk.whole)
            continue; // nothing the sandbox's user could mount a bucket in
        if (!child.valid())
            throw failedTo("cannot look into " + path);
        visitLinks(child.get(), path, depth + 1, walk, found);
    }
}

void visitLinks(const std::string &root, Walk walk, const LinkVisitor &found)
{
    system::UniqueFd dir{open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!dir.valid())
        throw failedTo("cannot open " + root);
    visitLinks(dir.get(), {}, 0, walk, found);
}

// Where a link at place (an absolute path) leads, by its text alone: "//x", "./", "..".
std::string resolvedTarget(const std::string &place, const std::string &target)
{
    const std::filesystem::path base = std::filesystem::path(place).parent_path();
    return (target.starts_with('/') ? std::filesystem::path(target) : base / target).lexically_normal().string();
}

// A link into the agent's own /.sandbench (a bucket's slot among them) means something only
// while that bucket is mounted there, and the engine keeps those links itself: the unpacked
// tree, which will be at target, loses every such link (an older backup or an imported one
// may have them), so a restore never reaches into a bucket by itself.
void dropSlotLinks(const std::string &fresh, const std::string &target)
{
    visitLinks(fresh, Walk{true}, [&](int folder, const std::string &name, const std::string &path, const std::string &to) {
        const std::string leads = resolvedTarget(target + "/" + path, to);
        if ((leads == "/.sandbench" || leads.starts_with("/.sandbench/")) && unlinkat(folder, name.c_str(), 0) != 0)
            throw failedTo("cannot leave out the link " + path);
    });
}

// Each bucket mounted below the target now has its link put into the unpacked tree where it
// is: the swap would otherwise take away those mounted after the backup was made. Where they
// are is the engine's list (path and slot) when it gives one; else any link in old to a
// slot that is mounted now.
void keepBucketLinks(const std::string &old, const std::string &fresh, const std::optional<BucketLinks> &links)
{
    std::vector<std::pair<std::string, std::string>> mounted; // path below old, slot
    if (links) {
        for (const auto &[path, slot] : *links)
            if (path.starts_with(old + "/"))
                mounted.emplace_back(path.substr(old.size() + 1), slot);
    } else {
        const std::set<std::string> slots = mountedSlots();
        if (slots.empty())
            return;
        visitLinks(old, Walk{}, [&](int, const std::string &, const std::string &path, const std::string &target) {
            if (slots.count(target) != 0)
                mounted.emplace_back(path, target);
        });
    }
    for (const auto &[path, slot] : mounted)
        keepBucketLink(old, fresh, path, slot);
}

// Work directories of restores whose process is gone (stopped with the sandbox, or killed
// at its memory limit) hold a copy of an archive: removed when the next restore starts there.
void clearStaleWork(const std::string &dir)
{
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(dir, error)) {
        const std::string name = entry.path().filename().string();
        const std::string prefix = ".sandbench-restore-";
        if (!name.starts_with(prefix))
            continue;
        const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
        if (owner > 0 && kill(owner, 0) != 0 && errno == ESRCH)
            system::removeTree(entry.path().string());
    }
}

// A directory that is a mount point (/workspace) or whose parent is read-only cannot be
// swapped whole: its entries are, once the archive has unpacked inside it.
std::string swapEntries(const std::string &work, const std::string &target)
{
    if (mkdir((work + "/old").c_str(), 0700) != 0)
        throw failedTo("cannot make " + work + "/old");
    moveEntries(target, work + "/old");
    try {
        moveEntries(work + "/new", target);
    } catch (...) {
        moveEntries(work + "/old", target); // as it was
        throw;
    }
    struct stat restored{};
    if (stat((work + "/new").c_str(), &restored) == 0)
        chmod(target.c_str(), restored.st_mode & 07777);
    return work;
}

} // namespace

std::string restoreArchive(const std::string &archive, const std::string &target, const std::vector<std::string> &env,
                           const std::optional<BucketLinks> &bucketLinks)
{
    std::string parent = std::filesystem::path(target).parent_path().string();
    system::makeDirectories(parent, 0755);
    struct stat here{};
    struct stat above{};
    const bool exists = lstat(target.c_str(), &here) == 0;
    if (exists && S_ISLNK(here.st_mode)) {
        // Swapping would put a folder where the link was: a bucket mount (a link to its
        // slot) would stop reaching the bucket while still listed as mounted.
        std::error_code ignored;
        const std::string to = std::filesystem::read_symlink(target, ignored).string();
        throw std::runtime_error(to.starts_with("/.sandbench/mounts/")
                                     ? target + " is where a bucket is mounted: unmount it first, or restore elsewhere"
                                     : target + " is a symbolic link to " + to + ": restore into the folder itself");
    }
    if (exists && !S_ISDIR(here.st_mode))
        throw std::runtime_error(target + " is a file, not a folder: restore into a folder");
    if (agentsOwn(std::filesystem::path(target).filename().string()))
        throw std::runtime_error(target + " is named like the agent's own folders: restore into another folder");
    const bool mountPoint = exists && S_ISDIR(here.st_mode) && stat(parent.c_str(), &above) == 0 &&
                            above.st_dev != here.st_dev;
    // Named after this process, so that what a killed restore left is known for what it is.
    const std::string workName = "/.sandbench-restore-" + std::to_string(getpid()) + "-XXXXXX";
    std::string work = (mountPoint ? target : parent) + workName;
    clearStaleWork(mountPoint ? target : parent);
    bool inside = mountPoint;
    if (!mkdtemp(work.data())) {
        // A read-only parent (the sandbox's root): unpack inside the directory instead.
        work = target + workName;
        inside = exists && S_ISDIR(here.st_mode);
        if (inside)
            clearStaleWork(target);
        if (!inside || !mkdtemp(work.data()))
            throw failedTo("cannot make a work directory beside " + target);
    }
    try {
        // Opened here, handed over as a descriptor: the file read is the one named now.
        system::UniqueFd in{open(archive.c_str(), O_RDONLY | O_CLOEXEC)};
        if (in.get() < 0)
            throw failedTo("cannot open " + archive);
        system::SpawnOptions options;
        options.argv = {"/usr/bin/unsquashfs", "-no-progress", "-no-xattrs", "-f", "-d", work + "/new", "/proc/self/fd/3"};
        options.env = env;
        options.fds = {{3, in.get()}};
        // Ends with its caller: killed (stopped by the sandbox, say), it leaves nothing behind.
        options.newSession = false;
        options.dieWithParent = true;
        const system::Completion unpacked = system::runToCompletion(options, kArchiveTimeout);
        if (unpacked.exitCode != 0)
            throw std::runtime_error(reasonIn(unpacked.output));
        dropSlotLinks(work + "/new", target);
        if (exists)
            keepBucketLinks(target, work + "/new", bucketLinks);
        if (inside)
            return swapEntries(work, target);
        const int moved = exists ? renameat2(AT_FDCWD, (work + "/new").c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE)
                                 : rename((work + "/new").c_str(), target.c_str());
        if (moved != 0)
            throw failedTo("cannot put the restored directory in place");
        return work;
    } catch (...) {
        system::removeTree(work);
        throw;
    }
}

std::string backupArchivePath(const Json &value)
{
    if (!value.is_string())
        throw protocol::invalidBackupConfig("archivePath must be a string: /var/backups/<name>.sqsh");
    const std::string path = value.get<std::string>();
    const std::string prefix = std::string(kArchiveDir) + "/";
    if (!path.starts_with(prefix) || path.size() == prefix.size() || path.size() > 4096)
        throw protocol::invalidBackupConfig("archivePath must be a file in /var/backups/: " + path);
    if (path.find('\0') != std::string::npos || path.find("..") != std::string::npos || path.back() == '/')
        throw protocol::invalidBackupConfig("archivePath must not contain '..' or NUL: " + path);
    return path;
}

asio::awaitable<Json> ArchiveService::create(Json body)
{
    const protocol::BackupOptions options = protocol::parseBackupOptions(body, protocol::BackupDirs::anyAbsolute);
    if (!body.contains("archivePath"))
        throw protocol::invalidBackupConfig("archivePath is required: where the archive goes, /var/backups/<name>.sqsh");
    const std::string archive = backupArchivePath(body["archivePath"]);
    const std::vector<std::string> env = sessions_.environmentFor({});
    struct stat info{};
    if (stat(options.dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        throw createFailed(options.dir, "it is not a directory");
    std::vector<std::string> ignored;
    if (options.gitignore) {
        const system::Completion listed = co_await runHelper(protocol::gitIgnoredCommand(options.dir), env, 16 << 20);
        if (listed.exitCode == 0)
            ignored = protocol::nulSeparated(listed.output);
    }
    try {
        system::makeDirectories(std::filesystem::path(archive).parent_path().string(), 0700);
    } catch (const std::exception &error) {
        throw createFailed(options.dir, error.what());
    }
    // The protocol's place for the exclude list: beside the archive, gone when it is made.
    const std::string excludes = protocol::excludeFile(options.excludes, ignored);
    const std::string excludesPath = excludes.empty() ? std::string() : archive + ".exclude";
    if (!excludes.empty())
        system::writeFileAtomic(excludesPath, excludes, 0600);
    const system::Completion made = co_await runHelper(protocol::mksquashfsCommand(options, archive, excludesPath), env);
    if (!excludesPath.empty())
        unlink(excludesPath.c_str());
    if (made.exitCode != 0 || stat(archive.c_str(), &info) != 0) {
        unlink(archive.c_str());
        throw createFailed(options.dir, reasonIn(made.output));
    }
    Json reply = {{"sizeBytes", static_cast<std::uint64_t>(info.st_size)}, {"archivePath", archive}};
    co_return reply;
}

asio::awaitable<Json> ArchiveService::restore(Json body)
{
    if (!body.is_object() || !body.contains("dir"))
        throw protocol::invalidBackupConfig("dir is required: the directory to restore into");
    const std::string dir = protocol::backupDirectory(body["dir"], protocol::BackupDirs::anyAbsolute);
    if (!body.contains("archivePath"))
        throw protocol::invalidBackupConfig("archivePath is required: the archive to restore, /var/backups/<name>.sqsh");
    const std::string archive = backupArchivePath(body["archivePath"]);
    if (dir == "/")
        throw restoreFailed(dir, "the root cannot be replaced");
    struct stat info{};
    if (stat(archive.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        throw restoreFailed(dir, "no archive at " + archive);
    std::function<std::string()> swap = [archive, dir, env = sessions_.environmentFor({})] {
        return restoreArchive(archive, dir, env);
    };
    std::string old;
    std::string failure;
    try {
        old = co_await system::onWorkerThread(std::move(swap));
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!failure.empty())
        throw restoreFailed(dir, failure);
    // The replaced tree goes afterwards; the answer need not wait for it.
    std::thread([old] { system::removeTree(old); }).detach();
    Json reply = {{"dir", dir}};
    co_return reply;
}

void ArchiveService::addRoutes(http::RouteTable &table)
{
    table.add(http::bhttp::verb::post, "/api/backup/create", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json reply = co_await create(protocol::parseBody(call.request.body()));
        co_await replySuccess(call.responder, std::move(reply));
    });
    table.add(http::bhttp::verb::post, "/api/backup/restore", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        Json reply = co_await restore(protocol::parseBody(call.request.body()));
        co_await replySuccess(call.responder, std::move(reply));
    });
}

} // namespace sandbench::agent
