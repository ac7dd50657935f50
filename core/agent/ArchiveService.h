// The container protocol's backup archives (POST /api/backup/create, /api/backup/restore):
// a directory as a squashfs archive at /var/backups/<id>.sqsh inside the sandbox, made
// with mksquashfs as the sandbox's user, and restored by extraction: unsquashfs beside the
// directory, then the two swapped in one step (renameat2 RENAME_EXCHANGE), so a restore
// that fails leaves the directory as it was. The reference mounts the archive with
// squashfuse under fuse-overlayfs instead; the sandbox holds no capability to mount, and an
// extracted directory is an ordinary one that later backups and watches see whole.
// (The engine's own backups, kept outside the sandbox, are BackupService's.)
#pragma once

#include "agent/Routes.h"
#include "agent/SessionService.h"

namespace sandbench::agent {

// archivePath of a request: below /var/backups/, no '..' or NUL (INVALID_BACKUP_CONFIG).
std::string backupArchivePath(const Json &value);

// Unpacks archive (unsquashfs) beside target and swaps it in whole (renameat2
// RENAME_EXCHANGE), or, for a mount point such as /workspace or below a read-only parent,
// unpacks inside it and swaps its entries (put back if one cannot move). Returns the
// directory that holds the old tree, to be removed; throws the reason, target as it was.
// Also run by the engine's backups (sandbench-agent --restore-archive, with capabilities).
// Buckets mounted below target stay mounted: those of bucketLinks (the engine's list of
// mount paths and their slots), or, without it, wherever a link in target reaches a slot
// mounted now (the container protocol's restore).
using BucketLinks = std::vector<std::pair<std::string, std::string>>;
std::string restoreArchive(const std::string &archive, const std::string &target, const std::vector<std::string> &env,
                           const std::optional<BucketLinks> &bucketLinks = std::nullopt);

class ArchiveService {
public:
    explicit ArchiveService(SessionService &sessions) : sessions_(sessions) {}
    void addRoutes(http::RouteTable &table);

private:
    asio::awaitable<Json> create(Json body);
    asio::awaitable<Json> restore(Json body);

    SessionService &sessions_;
};

} // namespace sandbench::agent
