// Small file helpers; state files are replaced atomically (temp, fsync, rename).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace sandbench::system {

// Writes content to path.tmp-<pid>, fsyncs, renames over path, fsyncs the directory.
void writeFileAtomic(const std::string &path, const std::string &content, mode_t mode = 0600);

// Whole file, or nullopt when it cannot be opened.
std::optional<std::string> readWholeFile(const std::string &path);

// mkdir -p with the given mode for created directories; throws on failure.
void makeDirectories(const std::string &path, mode_t mode = 0700);

// rm -rf that never follows symlinks out of the tree.
void removeTree(const std::string &path);

} // namespace sandbench::system
