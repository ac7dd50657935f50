// Small file helpers; state files are replaced atomically (temp, fsync, rename).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sandbench::system {

// Writes content to path.tmp-<pid>, fsyncs, renames over path, fsyncs the directory.
void writeFileAtomic(const std::string &path, const std::string &content, mode_t mode = 0600);

// Whole file, or nullopt when it cannot be opened.
std::optional<std::string> readWholeFile(const std::string &path);

// A path relative to this executable's directory ("sandbench-agent",
// "../share/sandbench/terminal"): the build's layout and the installed one alike. Empty
// when /proc/self/exe cannot be read.
std::string besideExecutable(const std::string &relative);

// At most maxBytes from the start of a file; *totalSize gets the file's size.
std::optional<std::string> readFilePrefix(const std::string &path, std::size_t maxBytes, std::uint64_t *totalSize);

// mkdir -p with the given mode for created directories; throws on failure.
void makeDirectories(const std::string &path, mode_t mode = 0700);

// The first of candidates that is an executable file, or empty.
std::string firstExecutable(std::initializer_list<const char *> candidates);

// The program name as execvp would find it in searchPath (a PATH value); empty if none.
std::string findInPath(std::string_view name, std::string_view searchPath);

// rm -rf that never follows symlinks out of the tree.
void removeTree(const std::string &path);

} // namespace sandbench::system
