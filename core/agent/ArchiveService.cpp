#include "agent/ArchiveService.h"

#include "protocol/BackupOptions.h"
#include "system/Files.h"
#include "system/Subprocess.h"
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
    std::function<system::Completion()> run = [argv = std::move(argv), env = std::move(env), maxOutput] {
        system::SpawnOptions options;
        options.argv = argv;
        options.env = env;
        return system::runToCompletion(options, kArchiveTimeout, {}, maxOutput);
    };
    co_return co_await system::onWorkerThread(std::move(run));
}

std::string lastLines(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text.empty() ? std::string("no reason given") : text;
}

// Unpacks beside target and swaps it in: target ends as the archive's tree, or untouched.
// Returns the directory the old tree is in (to be removed), or throws the reason.
std::string extractAndSwap(const std::string &archive, const std::string &target, const std::vector<std::string> &env)
{
    const std::string parent = std::filesystem::path(target).parent_path().string();
    system::makeDirectories(parent, 0755);
    std::string work = parent + "/.sandbench-restore-XXXXXX";
    if (!mkdtemp(work.data()))
        throw std::runtime_error("cannot make a work directory beside it: " + std::string(std::strerror(errno)));
    system::SpawnOptions options;
    options.argv = {"/usr/bin/unsquashfs", "-no-progress", "-no-xattrs", "-f", "-d", work + "/new", archive};
    options.env = env;
    const system::Completion unpacked = system::runToCompletion(options, kArchiveTimeout);
    if (unpacked.exitCode != 0) {
        system::removeTree(work);
        throw std::runtime_error(lastLines(unpacked.output));
    }
    struct stat info{};
    const bool exists = lstat(target.c_str(), &info) == 0;
    const int moved = exists ? renameat2(AT_FDCWD, (work + "/new").c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE)
                             : rename((work + "/new").c_str(), target.c_str());
    if (moved != 0) {
        const std::string why = std::strerror(errno);
        system::removeTree(work);
        throw std::runtime_error("cannot put the restored directory in place: " + why);
    }
    return work;
}

} // namespace

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
        throw createFailed(options.dir, lastLines(made.output));
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
        return extractAndSwap(archive, dir, env);
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
