// Directory backups (POST/GET /v1/sandboxes/{id}/backups, POST .../{backupId}/restore,
// GET/PUT .../{backupId}/archive, DELETE .../{backupId}): a directory of a sandbox as a
// squashfs image kept in the engine's state (sandboxes/<id>/backups/<backupId>/data.sqsh,
// with meta.json: id, dir, name, sizeBytes, ttl, createdAt, sha256, ...).
//
// mksquashfs and unsquashfs run inside the sandbox (InsideSandbox.h: its root, with only the
// capabilities they need, in its user namespace), reading the directory there and writing
// or reading the archive through a descriptor the engine opened: the engine never parses
// an archive (of an import, the header's magic and time only), it stores bytes and their SHA-256, and a hostile archive can only harm the
// sandbox it is restored into. A restore is the agent's (ArchiveService.h: unpack, then swap
// in one step), run with the capabilities to give files their owners and modes back; one
// that fails leaves the directory as it was.
#pragma once

#include "engine/EventBus.h"
#include "engine/SandboxManager.h"
#include "http/RouteTable.h"
#include "protocol/BackupOptions.h"

#include <optional>
#include <string>
#include <vector>

namespace sandbench::engine {

using BackupRequest = protocol::BackupOptions;

class BackupService {
public:
    BackupService(SandboxManager &sandboxes, EventBus &events);
    void addRoutes(http::RouteTable &table);

private:
    asio::awaitable<Json> create(std::shared_ptr<Sandbox> sandbox, BackupRequest request);
    asio::awaitable<Json> restore(std::shared_ptr<Sandbox> sandbox, std::string backupId, std::optional<std::string> dir);
    asio::awaitable<Json> import(std::shared_ptr<Sandbox> sandbox, std::string backupId, http::RouteRequest &call);
    // The manifest of a backup: BACKUP_NOT_FOUND when there is none.
    Json manifest(const Sandbox &sandbox, const std::string &backupId) const;
    std::string backupDir(const Sandbox &sandbox, const std::string &backupId) const;
    std::vector<Json> manifests(const Sandbox &sandbox) const;
    void publish(const Sandbox &sandbox);
    std::shared_ptr<system::AsyncMutex> lockOf(const std::string &sandboxId);

    SandboxManager &sandboxes_;
    EventBus &events_;
    std::map<std::string, std::shared_ptr<system::AsyncMutex>> locks_; // one backup or restore at a time
};

} // namespace sandbench::engine
