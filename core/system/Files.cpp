#include "system/Files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace sandbench::system {

namespace {
[[noreturn]] void fail(const std::string &call, const std::string &path)
{
    throw std::system_error(errno, std::generic_category(), call + " " + path);
}
} // namespace

void writeFileAtomic(const std::string &path, const std::string &content, mode_t mode)
{
    const std::string temp = path + ".tmp-" + std::to_string(getpid());
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        fail("open", temp);
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            close(fd);
            unlink(temp.c_str());
            errno = err;
            fail("write", temp);
        }
        written += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0) {
        const int err = errno;
        close(fd);
        unlink(temp.c_str());
        errno = err;
        fail("fsync", temp);
    }
    close(fd);
    if (rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        unlink(temp.c_str());
        errno = err;
        fail("rename", path);
    }
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const int dirFd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        fsync(dirFd);
        close(dirFd);
    }
}

std::optional<std::string> readWholeFile(const std::string &path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::nullopt;
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

std::optional<std::string> readFilePrefix(const std::string &path, std::size_t maxBytes, std::uint64_t *totalSize)
{
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file)
        return std::nullopt;
    const auto size = static_cast<std::uint64_t>(file.tellg());
    if (totalSize)
        *totalSize = size;
    file.seekg(0);
    std::string content(static_cast<std::size_t>(std::min<std::uint64_t>(size, maxBytes)), '\0');
    file.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(file.gcount()));
    return content;
}

void makeDirectories(const std::string &path, mode_t mode)
{
    std::string partial;
    std::stringstream parts(path);
    std::string part;
    if (!path.empty() && path[0] == '/')
        partial = "";
    while (std::getline(parts, part, '/')) {
        if (part.empty())
            continue;
        partial += "/" + part;
        if (mkdir(partial.c_str(), mode) != 0 && errno != EEXIST)
            fail("mkdir", partial);
    }
}

void removeTree(const std::string &path)
{
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored); // remove_all does not follow symlinks
}

std::string firstExecutable(std::initializer_list<const char *> candidates)
{
    for (const char *candidate : candidates)
        if (access(candidate, X_OK) == 0)
            return candidate;
    return {};
}

std::string findInPath(std::string_view name, std::string_view searchPath)
{
    if (name.find('/') != std::string_view::npos)
        return access(std::string(name).c_str(), X_OK) == 0 ? std::string(name) : std::string();
    while (!searchPath.empty()) {
        const auto colon = searchPath.find(':');
        const std::string_view dir = searchPath.substr(0, colon);
        searchPath = colon == std::string_view::npos ? std::string_view() : searchPath.substr(colon + 1);
        if (dir.empty())
            continue;
        const std::string candidate = std::string(dir) + "/" + std::string(name);
        struct stat info {};
        if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

std::string besideExecutable(const std::string &relative)
{
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string() : (self.parent_path() / relative).lexically_normal().string();
}

} // namespace sandbench::system
