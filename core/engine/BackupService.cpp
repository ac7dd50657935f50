#include "engine/BackupService.h"

#include "engine/AgentLink.h"
#include "engine/InsideSandbox.h"
#include "protocol/BackupOptions.h"
#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/UniqueFd.h"
#include "system/WorkerThread.h"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <filesystem>
#include <regex>
#include <sstream>

namespace sandbench::engine {

using protocol::ApiError;
using http::bhttp::verb;
using namespace std::chrono_literals;

namespace {

constexpr auto kArchiveTimeout = std::chrono::seconds(3600); // 1 GiB and more, on a slow disk
constexpr std::size_t kMaxBackupsPerSandbox = 256;

// The archive's SHA-256 as hex, read in pieces (on a worker thread: a gigabyte takes seconds).
std::string sha256Of(const std::string &path)
{
    system::UniqueFd fd{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.get() < 0)
        throw std::system_error(errno, std::generic_category(), "open " + path);
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    std::vector<char> chunk(1 << 20);
    for (ssize_t n; (n = read(fd.get(), chunk.data(), chunk.size())) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            EVP_MD_CTX_free(context);
            throw std::system_error(errno, std::generic_category(), "read " + path);
        }
        EVP_DigestUpdate(context, chunk.data(), static_cast<std::size_t>(n));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, digest, &length);
    EVP_MD_CTX_free(context);
    return system::hexOf(digest, length);
}

asio::awaitable<std::string> sha256Later(std::string path)
{
    std::function<std::string()> hash = [path] { return sha256Of(path); };
    co_return co_await system::onWorkerThread(std::move(hash));
}

// What a helper in the sandbox said when it failed; when it said nothing, why it ended.
std::string whyEnded(const Sandbox &sandbox, const system::Completion &done, const std::string &helper)
{
    if (sandbox.status != "running")
        return "the sandbox stopped meanwhile";
    if (!done.output.empty())
        return done.output;
    if (done.exitCode < 0 || done.exitCode > 128)
        return helper + " was killed (perhaps at the sandbox's memory limit)";
    return helper + " failed with exit code " + std::to_string(done.exitCode);
}

long long nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "2026-12-01T09:30:00.000Z" -> seconds since the epoch.
long long secondsOfIso(const std::string &iso)
{
    std::tm parts{};
    std::istringstream in(iso);
    in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%S");
    return in.fail() ? 0 : static_cast<long long>(timegm(&parts));
}

std::string isoOfSeconds(long long seconds)
{
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &parts);
    return text;
}

// The commands of a backup and a restore, inside the sandbox (built outside coroutines:
// GCC 12 mishandles braced lists of string literals in them).
Json gitIgnoredRequest(const std::string &dir)
{
    std::string command;
    for (const std::string &word : protocol::gitIgnoredCommand(dir))
        command += (command.empty() ? "" : " ") + system::shellQuote(word);
    return {{"command", command}, {"sessionId", "__DISABLE_SESSION__"}, {"timeoutMs", 60000}};
}

std::vector<std::string> createCommand(pid_t agent, const BackupRequest &request, bool excluding)
{
    // Reading every file, whatever its mode, is all it may do beyond the sandbox's root.
    return insideSandbox(agent, "dac_read_search",
                         protocol::mksquashfsCommand(request, "/proc/self/fd/3", excluding ? "/proc/self/fd/4" : ""));
}

std::vector<std::string> restoreCommand(pid_t agent, const std::string &dir, const Sandbox &sandbox)
{
    // The agent's own restore (ArchiveService.h: unpack beside, swap in one step), with the
    // capabilities to give the files their owners, modes and times back, and each mounted
    // bucket's path and slot (they stay).
    std::vector<std::string> command = {"/.sandbench/sandbench-agent", "--restore-archive", "/proc/self/fd/3", dir};
    for (const auto &[mountPath, mount] : sandbox.mounts) {
        if (mount.state == "mounted" && mount.slot >= 0) {
            command.push_back(mountPath);
            command.push_back("/.sandbench/mounts/" + std::to_string(mount.slot)); // its slot (MountService)
        }
    }
    return insideSandbox(agent, "chown,fowner,dac_override", command);
}

// A finished archive is the engine's: a sandbox with a uid of its own may read it (a restore
// reopens its descriptor as /proc/self/fd/3) but never write it, not even by planting a
// link to that descriptor where unsquashfs writes. (With the engine's own uid, the sandbox's
// root owns the file: the SHA-256 then tells a changed archive at the next restore.)
void sealArchive(int fd, const Sandbox &sandbox)
{
    if (sandbox.hostUid && (fchown(fd, geteuid(), getegid()) != 0 || fchmod(fd, 0644) != 0))
        throw std::system_error(errno, std::generic_category(), "seal the archive");
}

// The sandbox's cgroup.procs descriptors, closed when done.
struct CgroupFds {
    explicit CgroupFds(std::vector<int> opened) : fds(std::move(opened)) {}
    ~CgroupFds()
    {
        for (const int fd : fds)
            close(fd);
    }
    CgroupFds(const CgroupFds &) = delete;
    CgroupFds &operator=(const CgroupFds &) = delete;
    std::vector<int> fds;
};

// Backup manifests are the engine's own files: a broken one is skipped.
std::optional<Json> readManifest(const std::string &path)
{
    const auto text = system::readWholeFile(path);
    const Json manifest = text ? Json::parse(*text, nullptr, false) : Json();
    if (!manifest.is_object() || !manifest.contains("id"))
        return std::nullopt;
    return manifest;
}

Json withExpiry(Json manifest)
{
    const long long expires = secondsOfIso(manifest.value("createdAt", std::string())) + manifest.value("ttl", 0LL);
    manifest["expiresAt"] = isoOfSeconds(expires);
    manifest["expired"] = expires < nowSeconds() + 60; // the SDK's rule: a minute's margin
    return manifest;
}

} // namespace

BackupService::BackupService(SandboxManager &sandboxes, EventBus &events) : sandboxes_(sandboxes), events_(events) {}

std::shared_ptr<system::AsyncMutex> BackupService::lockOf(const std::string &sandboxId)
{
    auto &lock = locks_[sandboxId];
    if (!lock)
        lock = std::make_shared<system::AsyncMutex>();
    return lock;
}

std::string BackupService::backupDir(const Sandbox &sandbox, const std::string &backupId) const
{
    return sandboxes_.sandboxDirOf(sandbox.id) + "/backups/" + backupId;
}

Json BackupService::manifest(const Sandbox &sandbox, const std::string &backupId) const
{
    if (!protocol::isBackupId(backupId))
        throw protocol::invalidBackupConfig("Invalid backup id: " + backupId + " (a UUID)");
    const auto found = readManifest(backupDir(sandbox, backupId) + "/meta.json");
    struct stat info{};
    if (!found || stat((backupDir(sandbox, backupId) + "/data.sqsh").c_str(), &info) != 0)
        throw ApiError("BACKUP_NOT_FOUND", "Backup not found: " + backupId, {{"backupId", backupId}}, {}, 404);
    return *found;
}

std::vector<Json> BackupService::manifests(const Sandbox &sandbox) const
{
    std::vector<Json> all;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(sandboxes_.sandboxDirOf(sandbox.id) + "/backups", error))
        if (protocol::isBackupId(entry.path().filename().string()))
            if (auto found = readManifest(entry.path().string() + "/meta.json"))
                all.push_back(withExpiry(std::move(*found)));
    std::sort(all.begin(), all.end(), [](const Json &a, const Json &b) {
        return a.value("createdAt", std::string()) > b.value("createdAt", std::string());
    });
    return all;
}

void BackupService::publish(const Sandbox &sandbox)
{
    Json list = Json::array();
    for (Json &manifest : manifests(sandbox))
        list.push_back(std::move(manifest));
    events_.publish({{"type", "sandbox.backups"}, {"id", sandbox.id}, {"backups", std::move(list)},
                     {"timestamp", protocol::nowIso()}});
}

asio::awaitable<Json> BackupService::create(std::shared_ptr<Sandbox> sandbox, BackupRequest request)
{
    auto lock = lockOf(sandbox->id);
    auto guard = co_await lock->lock();
    // A bucket's mount path is a link to its slot: a backup of it would keep that link alone.
    if (const auto mount = sandbox->mounts.find(request.dir);
        mount != sandbox->mounts.end() && mount->second.state != "unmounted" && mount->second.state != "failed")
        throw protocol::invalidBackupConfig(request.dir + " is where the bucket " + mount->second.bucket +
                                            " is mounted: its objects are kept in the bucket; back up a folder of the sandbox");
    if (manifests(*sandbox).size() >= kMaxBackupsPerSandbox)
        throw protocol::invalidBackupConfig("A sandbox keeps at most " + std::to_string(kMaxBackupsPerSandbox) + " backups: delete some");
    const pid_t agent = co_await agentProcessWhenUp(sandbox);
    Json warnings = Json::array();
    std::vector<std::string> ignored;
    if (request.gitignore) {
        // git reads the sandbox's own configuration (core.fsmonitor runs a program): so it
        // runs as any command of the sandbox does, through its agent, never as a helper.
        const Json listRequest = gitIgnoredRequest(request.dir);
        const std::pair<unsigned, Json> listed =
            co_await callAgent(sandboxes_.agentSocket(*sandbox), verb::post, "/api/execute", listRequest);
        if (listed.first == 200 && listed.second.value("exitCode", -1) == 0)
            ignored = protocol::nulSeparated(listed.second.value("stdout", std::string()));
        else
            warnings.push_back(request.dir + " is not in a git repository, so .gitignore left nothing out.");
    }
    // A bucket's link (to its slot) is no part of the folder: it means something only while
    // the bucket is mounted, and the engine keeps it (a restore keeps the mounted ones).
    for (const auto &[mountPath, mount] : sandbox->mounts)
        if (mount.state == "mounted" && mountPath.starts_with(request.dir == "/" ? "/" : request.dir + "/"))
            ignored.push_back(mountPath.substr(request.dir == "/" ? 1 : request.dir.size() + 1));
    const std::string id = system::randomUuid();
    const std::string dir = backupDir(*sandbox, id);
    system::makeDirectories(sandboxes_.sandboxDirOf(sandbox->id) + "/backups", 0700);
    system::makeDirectories(dir, 0700);
    const std::string archive = dir + "/data.sqsh";
    std::string failure;
    try {
        system::UniqueFd out{open(archive.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600)};
        if (out.get() < 0 || (sandbox->hostUid && fchown(out.get(), *sandbox->hostUid, *sandbox->hostUid) != 0))
            throw std::system_error(errno, std::generic_category(), "create " + archive);
        const std::string excludes = protocol::excludeFile(request.excludes, ignored);
        system::UniqueFd excludeFd;
        std::vector<std::pair<int, int>> fds = {{3, out.get()}};
        if (!excludes.empty()) {
            excludeFd = sandboxReadable("sandbench-backup-excludes", excludes, sandbox->hostUid);
            fds.emplace_back(4, excludeFd.get());
        }
        const CgroupFds cgroups(sandboxes_.cgroupProcsFds(*sandbox));
        const system::Completion made = co_await runInside(createCommand(agent, request, !excludes.empty()), fds,
                                                           kArchiveTimeout, 4000, cgroups.fds);
        if (made.exitCode != 0)
            throw std::runtime_error(whyEnded(*sandbox, made, "mksquashfs"));
        sealArchive(out.get(), *sandbox);
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!failure.empty()) {
        system::removeTree(dir);
        throw ApiError("BACKUP_CREATE_FAILED", "Backup of " + request.dir + " failed: " + failure,
                       {{"dir", request.dir}}, {}, 500);
    }
    struct stat info{};
    stat(archive.c_str(), &info);
    const std::string sha256 = co_await sha256Later(archive);
    Json manifest = {{"id", id},
                     {"dir", request.dir},
                     {"name", request.name ? Json(*request.name) : Json(nullptr)},
                     {"sizeBytes", static_cast<std::uint64_t>(info.st_size)},
                     {"ttl", request.ttlSeconds},
                     {"createdAt", protocol::nowIso()},
                     {"sha256", sha256},
                     {"compression", {{"format", request.format}, {"threads", request.threads}}},
                     {"excludes", request.excludes},
                     {"gitignore", request.gitignore}};
    system::writeFileAtomic(dir + "/meta.json", manifest.dump() + "\n", 0600);
    publish(*sandbox);
    Json reply = {{"id", id}, {"dir", request.dir}, {"backup", withExpiry(manifest)}, {"warnings", warnings}};
    co_return reply;
}

asio::awaitable<Json> BackupService::restore(std::shared_ptr<Sandbox> sandbox, std::string backupId,
                                             std::optional<std::string> dir)
{
    auto lock = lockOf(sandbox->id);
    auto guard = co_await lock->lock();
    const Json found = withExpiry(manifest(*sandbox, backupId));
    if (found.value("expired", false))
        throw ApiError("BACKUP_EXPIRED", "Backup " + backupId + " expired at " + found.value("expiresAt", std::string()),
                       {{"backupId", backupId}, {"expiredAt", found.value("expiresAt", std::string())}}, {}, 400);
    const std::string target = dir ? *dir : found.value("dir", std::string());
    const std::string archive = backupDir(*sandbox, backupId) + "/data.sqsh";
    // The archive is what was made (or imported), bit for bit, before anything is touched.
    if (co_await sha256Later(archive) != found.value("sha256", std::string()))
        throw ApiError("BACKUP_RESTORE_FAILED", "Backup " + backupId + " is damaged: its archive does not match the "
                                                "SHA-256 of its manifest; " + target + " was not touched",
                       {{"backupId", backupId}, {"dir", target}}, {}, 500);
    const pid_t agent = co_await agentProcessWhenUp(sandbox);
    system::UniqueFd in{open(archive.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (in.get() < 0)
        throw ApiError("BACKUP_NOT_FOUND", "Backup not found: " + backupId, {{"backupId", backupId}}, {}, 404);
    std::vector<std::pair<int, int>> fds = {{3, in.get()}};
    const CgroupFds cgroups(sandboxes_.cgroupProcsFds(*sandbox));
    // No mount comes or goes meanwhile: the restore keeps the links of those there now.
    auto mountsLock = sandbox->mountsLock;
    auto mountsGuard = co_await mountsLock->lock();
    const system::Completion restored =
        co_await runInside(restoreCommand(agent, target, *sandbox), fds, kArchiveTimeout, 4000, cgroups.fds);
    if (restored.exitCode != 0)
        throw ApiError("BACKUP_RESTORE_FAILED", "Restoring the backup of " + found.value("dir", std::string()) + " into " +
                                                    target + " failed: " + whyEnded(*sandbox, restored, "the restore") +
                                                    " (" + target + " is as it was)",
                       {{"backupId", backupId}, {"dir", target}}, {}, 500);
    Json reply = {{"dir", target}, {"id", backupId}};
    co_return reply;
}

asio::awaitable<Json> BackupService::import(std::shared_ptr<Sandbox> sandbox, std::string backupId,
                                            http::RouteRequest &call)
{
    if (!protocol::isBackupId(backupId))
        throw protocol::invalidBackupConfig("Invalid backup id: " + backupId + " (a UUID)");
    BackupRequest request;
    request.dir = protocol::backupDirectory(Json(http::percentDecode(http::queryValue(call.query, "dir"))));
    const std::string name = http::percentDecode(http::queryValue(call.query, "name"));
    if (!name.empty())
        request = protocol::parseBackupOptions(Json{{"dir", request.dir}, {"name", name}});
    auto lock = lockOf(sandbox->id);
    auto guard = co_await lock->lock();
    const std::string dir = backupDir(*sandbox, backupId);
    if (std::filesystem::exists(dir))
        throw protocol::invalidBackupConfig("Backup " + backupId + " exists already");
    if (manifests(*sandbox).size() >= kMaxBackupsPerSandbox)
        throw protocol::invalidBackupConfig("A sandbox keeps at most " + std::to_string(kMaxBackupsPerSandbox) + " backups: delete some");
    system::makeDirectories(sandboxes_.sandboxDirOf(sandbox->id) + "/backups", 0700);
    const std::string partial = dir + ".part";
    system::removeTree(partial);
    system::makeDirectories(partial, 0700);
    std::uint64_t size = 0;
    std::string failure;
    unsigned char head[12] = {}; // squashfs: "hsqs", inode count, mkfs_time (little-endian)
    try {
        system::UniqueFd out{open((partial + "/data.sqsh").c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)};
        if (out.get() < 0)
            throw std::system_error(errno, std::generic_category(), "create the archive");
        sealArchive(out.get(), *sandbox);
        std::vector<char> chunk(1 << 20);
        for (std::size_t n; (n = co_await call.responder.readBody(chunk.data(), chunk.size())) > 0;) {
            if (size < sizeof head)
                std::copy_n(chunk.data(), std::min<std::size_t>(n, sizeof head - size), head + size);
            for (std::size_t done = 0; done < n;) {
                const ssize_t written = write(out.get(), chunk.data() + done, n - done);
                if (written < 0 && errno == EINTR)
                    continue;
                if (written < 0)
                    throw std::system_error(errno, std::generic_category(), "write the archive");
                done += static_cast<std::size_t>(written);
            }
            size += n;
        }
        if (fsync(out.get()) != 0)
            throw std::system_error(errno, std::generic_category(), "write the archive");
        if (size < 96 || std::string_view(reinterpret_cast<const char *>(head), 4) != "hsqs")
            throw std::runtime_error("the body is not a squashfs archive");
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!failure.empty()) {
        system::removeTree(partial);
        throw protocol::invalidBackupConfig("Cannot import backup " + backupId + ": " + failure);
    }
    const std::string sha256 = co_await sha256Later(partial + "/data.sqsh");
    Json manifest = {{"id", backupId},
                     {"dir", request.dir},
                     {"name", request.name ? Json(*request.name) : Json(nullptr)},
                     {"sizeBytes", size},
                     {"ttl", request.ttlSeconds},
                     {"createdAt", protocol::nowIso()},
                     {"sha256", sha256},
                     {"imported", true}};
    // When the archive was made (mksquashfs's time in its header), for "as it was on ..."; a
    // time before 2000 or in the future says nothing true, so it is left out.
    const long long made = head[8] | head[9] << 8 | head[10] << 16 | static_cast<long long>(head[11]) << 24;
    if (made >= 946684800 && made <= nowSeconds() + 86400)
        manifest["madeAt"] = isoOfSeconds(made);
    system::writeFileAtomic(partial + "/meta.json", manifest.dump() + "\n", 0600);
    if (rename(partial.c_str(), dir.c_str()) != 0) {
        system::removeTree(partial);
        throw ApiError("FILESYSTEM_ERROR", "Cannot import backup " + backupId + ": " + std::strerror(errno));
    }
    publish(*sandbox);
    co_return withExpiry(manifest);
}

void BackupService::addRoutes(http::RouteTable &table)
{
    table.add(verb::post, "/v1/sandboxes/{id}/backups", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        BackupRequest request = protocol::parseBackupOptions(protocol::parseBody(call.request.body()));
        co_await sandboxes_.ensureRunning(sandbox);
        Json reply = co_await create(sandbox, std::move(request));
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::get, "/v1/sandboxes/{id}/backups", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        Json list = Json::array();
        for (Json &manifest : manifests(*sandbox))
            list.push_back(std::move(manifest));
        Json reply = {{"backups", std::move(list)}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::post, "/v1/sandboxes/{id}/backups/{backup}/restore",
              [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        const Json body = call.request.body().empty() ? Json::object() : protocol::parseBody(call.request.body());
        std::optional<std::string> dir;
        if (body.is_object() && body.contains("dir") && !body["dir"].is_null())
            dir = protocol::backupDirectory(body["dir"]);
        manifest(*sandbox, call.params[1]); // 400/404 before the sandbox starts
        co_await sandboxes_.ensureRunning(sandbox);
        Json reply = co_await restore(sandbox, call.params[1], dir);
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::delete_, "/v1/sandboxes/{id}/backups/{backup}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        auto lock = lockOf(sandbox->id);
        auto guard = co_await lock->lock();
        manifest(*sandbox, call.params[1]);
        system::removeTree(backupDir(*sandbox, call.params[1]));
        publish(*sandbox);
        Json reply = {{"id", call.params[1]}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::get, "/v1/sandboxes/{id}/backups/{backup}/archive",
              [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        const Json found = manifest(*sandbox, call.params[1]);
        system::UniqueFd in{open((backupDir(*sandbox, call.params[1]) + "/data.sqsh").c_str(), O_RDONLY | O_CLOEXEC)};
        struct stat info{};
        if (in.get() < 0 || fstat(in.get(), &info) != 0)
            throw ApiError("BACKUP_NOT_FOUND", "Backup not found: " + call.params[1], {}, {}, 404);
        http::bhttp::response<http::bhttp::empty_body> header{http::bhttp::status::ok, 11};
        header.set(http::bhttp::field::content_type, "application/vnd.squashfs");
        header.set(http::bhttp::field::content_disposition, "attachment; filename=\"" + call.params[1] + ".sqsh\"");
        header.set("X-Backup-Sha256", found.value("sha256", std::string()));
        header.content_length(static_cast<std::uint64_t>(info.st_size));
        if (co_await call.responder.beginStream(std::move(header)))
            co_await call.responder.writeFile(in.get(), static_cast<std::uint64_t>(info.st_size));
        co_await call.responder.endStream();
    });
    table.add(verb::put, "/v1/sandboxes/{id}/backups/{backup}/archive",
              [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        Json imported = co_await import(sandbox, call.params[1], call);
        Json reply = {{"backup", std::move(imported)}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
}

} // namespace sandbench::engine
