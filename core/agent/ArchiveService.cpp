#include "agent/ArchiveService.h"

#include "protocol/BackupOptions.h"
#include "system/Files.h"
#include "system/Subprocess.h"
#include "system/UniqueFd.h"
#include "system/WorkerThread.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

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

// Bucket mounts below the target (links to their slots, /.sandbench/mounts/<n>) stay where
// they are: each link is put into the restored tree before the swap, which would otherwise
// take away those mounted after the backup was made. The tree is walked without following
// links, so no bucket is listed.
void keepBucketLinks(const std::string &old, const std::string &fresh)
{
    namespace fs = std::filesystem;
    std::error_code error;
    fs::recursive_directory_iterator walk(old, fs::directory_options::skip_permission_denied, error);
    for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
        const fs::directory_entry &entry = *walk;
        if (walk.depth() == 0 && agentsOwn(entry.path().filename().string())) {
            walk.disable_recursion_pending();
            continue;
        }
        std::error_code ignored;
        if (!entry.is_symlink(ignored))
            continue;
        const std::string to = fs::read_symlink(entry.path(), ignored).string();
        if (!to.starts_with("/.sandbench/mounts/"))
            continue;
        const fs::path relative = entry.path().lexically_relative(old);
        const std::string place = fresh + "/" + relative.string();
        struct stat there{};
        if (lstat(place.c_str(), &there) == 0) {
            if (S_ISLNK(there.st_mode) && fs::read_symlink(place, ignored).string() == to)
                continue;
            throw std::runtime_error("the backup has " + entry.path().string() +
                                     ", where a bucket is mounted now: unmount it first");
        }
        // Folders the backup does not have on the way to it come back as they are now.
        fs::path made = fresh;
        for (const fs::path &part : relative.parent_path()) {
            made /= part;
            const fs::path now = old / made.lexically_relative(fresh);
            struct stat was{};
            if (lstat(made.c_str(), &there) == 0)
                continue;
            if (lstat(now.c_str(), &was) != 0 || mkdir(made.c_str(), was.st_mode & 07777) != 0)
                throw failedTo("cannot make " + made.string() + " for the bucket mounted below it");
            lchown(made.c_str(), was.st_uid, was.st_gid);
        }
        struct stat link{};
        lstat(entry.path().c_str(), &link);
        if (symlink(to.c_str(), place.c_str()) != 0)
            throw failedTo("cannot keep the bucket mounted at " + entry.path().string());
        lchown(place.c_str(), link.st_uid, link.st_gid);
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

std::string restoreArchive(const std::string &archive, const std::string &target, const std::vector<std::string> &env)
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
    const bool mountPoint = exists && S_ISDIR(here.st_mode) && stat(parent.c_str(), &above) == 0 &&
                            above.st_dev != here.st_dev;
    std::string work = (mountPoint ? target : parent) + "/.sandbench-restore-XXXXXX";
    bool inside = mountPoint;
    if (!mkdtemp(work.data())) {
        // A read-only parent (the sandbox's root): unpack inside the directory instead.
        work = target + "/.sandbench-restore-XXXXXX";
        inside = exists && S_ISDIR(here.st_mode);
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
        if (exists)
            keepBucketLinks(target, work + "/new");
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
