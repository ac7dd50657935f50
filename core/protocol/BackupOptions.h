// Backup options shared by the engine's backups (BackupService: /v1/sandboxes/{id}/backups)
// and the agent's container-protocol routes (/api/backup/create|restore): the SDK's
// BackupOptions checked, and the mksquashfs arguments that honour them.
#pragma once

#include "protocol/Protocol.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbench::protocol {

// Where a backup's directory may be: below the SDK's roots (the engine's routes), or any
// absolute path (the agent's routes, as the reference server checks them).
enum class BackupDirs { allowedRoots, anyAbsolute };

// The SDK's BackupOptions, checked: INVALID_BACKUP_CONFIG (400) naming what is wrong.
struct BackupOptions {
    std::string dir;
    std::optional<std::string> name;
    long long ttlSeconds = 259200; // 3 days
    bool gitignore = false;
    std::vector<std::string> excludes;
    std::string format = "lz4"; // gzip, lz4, zstd
    int threads = 2;
};
BackupOptions parseBackupOptions(const Json &body, BackupDirs dirs = BackupDirs::allowedRoots);

// A directory a backup may be made of or restored into: absolute, at most 4096 bytes, no
// NUL or '..', (allowedRoots:) below /workspace, /home, /tmp, /var/tmp or /app; normalised.
std::string backupDirectory(const Json &value, BackupDirs dirs = BackupDirs::allowedRoots);
bool isBackupId(std::string_view id);
ApiError invalidBackupConfig(const std::string &message);

// mksquashfs's exclude file (-wildcards -ef): each pattern at any depth ("... pattern", with
// the SDK's normalisation of "**/", "/**/" and "/**"), and paths git ignores, exactly.
std::string excludeFile(const std::vector<std::string> &patterns, const std::vector<std::string> &ignoredPaths);

// `mksquashfs <dir> <archive> ...` for the options; with excludes read from excludesPath when
// it is not empty. Never into another file system (a bucket mounted below the directory).
std::vector<std::string> mksquashfsCommand(const BackupOptions &options, const std::string &archive,
                                           const std::string &excludesPath);

// `git -C <dir> ls-files` listing, NUL-separated, what git ignores in dir (for gitignore: true).
std::vector<std::string> gitIgnoredCommand(const std::string &dir);
// Its NUL-separated output as paths.
std::vector<std::string> nulSeparated(const std::string &output);

} // namespace sandbench::protocol
