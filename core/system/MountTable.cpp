#include "system/MountTable.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace sandbench::system {

namespace {

// mountinfo writes a space as \040, a tab as \011, and so on.
std::string unescape(std::string_view field)
{
    std::string text;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() &&
            field.substr(i + 1, 3).find_first_not_of("01234567") == std::string_view::npos) {
            text += static_cast<char>(std::stoi(std::string(field.substr(i + 1, 3)), nullptr, 8));
            i += 3;
        } else {
            text += field[i];
        }
    }
    return text;
}

bool under(const std::string &path, const std::string &root)
{
    return path == root || (path.starts_with(root) && (root == "/" || path[root.size()] == '/'));
}

} // namespace

std::vector<MountEntry> parseMountTable(std::string_view mountinfo)
{
    std::vector<MountEntry> entries;
    std::istringstream lines{std::string(mountinfo)};
    for (std::string line; std::getline(lines, line);) {
        // id parent major:minor root mount-point options [optional fields] - type source super-options
        std::istringstream fields(line);
        std::string id, parent, device, root, point;
        if (!(fields >> id >> parent >> device >> root >> point))
            continue;
        const auto separator = line.find(" - ");
        if (separator == std::string::npos)
            continue;
        std::istringstream rest(line.substr(separator + 3));
        std::string type;
        rest >> type;
        entries.push_back({unescape(point), type});
    }
    return entries;
}

FuseMounts::FuseMounts() : fd_(open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) {}

FuseMounts::~FuseMounts()
{
    if (fd_ >= 0)
        close(fd_);
}

void FuseMounts::refresh()
{
    pollfd changed{fd_, POLLPRI, 0};
    if (loaded_ && (fd_ < 0 || poll(&changed, 1, 0) <= 0))
        return;
    // Reading the table anew from its start also clears the change report.
    std::string text;
    char chunk[8192];
    lseek(fd_, 0, SEEK_SET);
    for (ssize_t n; (n = read(fd_, chunk, sizeof chunk)) > 0;)
        text.append(chunk, static_cast<std::size_t>(n));
    points_.clear();
    for (const MountEntry &entry : parseMountTable(text))
        if (entry.type == "fuse" || entry.type.starts_with("fuse."))
            points_.push_back(entry.point);
    loaded_ = true;
}

bool FuseMounts::reaches(const std::string &path)
{
    const std::lock_guard lock(mutex_);
    refresh();
    auto touches = [this](const std::string &candidate) {
        return std::any_of(points_.begin(), points_.end(), [&candidate](const std::string &point) {
            return under(candidate, point) || under(point, candidate);
        });
    };
    if (points_.empty())
        return false;
    if (touches(path))
        return true;
    // A symlink on the way into a mount (bucket mounts are symlinks to their slots): read
    // with lstat and readlink, which never ask the FUSE server.
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        const std::string prefix = path.substr(0, slash);
        struct stat info{};
        if (lstat(prefix.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
            char target[4096];
            const ssize_t length = readlink(prefix.c_str(), target, sizeof target - 1);
            if (length > 0) {
                std::string resolved(target, static_cast<std::size_t>(length));
                if (resolved.front() != '/')
                    resolved = prefix.substr(0, prefix.rfind('/') + 1) + resolved;
                if (touches(std::filesystem::path(resolved).lexically_normal().string()))
                    return true;
            }
        }
        if (slash == std::string::npos)
            return false;
    }
}

bool FuseMounts::isMountPoint(const std::string &path)
{
    const std::lock_guard lock(mutex_);
    refresh();
    return std::find(points_.begin(), points_.end(), path) != points_.end();
}

bool FuseMounts::linksToMountPoint(const std::string &symlink)
{
    char target[4096];
    const ssize_t length = readlink(symlink.c_str(), target, sizeof target - 1);
    if (length <= 0)
        return false;
    std::string resolved(target, static_cast<std::size_t>(length));
    if (resolved.front() != '/')
        resolved = symlink.substr(0, symlink.rfind('/') + 1) + resolved;
    resolved = std::filesystem::path(resolved).lexically_normal().string();
    while (resolved.size() > 1 && resolved.back() == '/')
        resolved.pop_back();
    return isMountPoint(resolved);
}

} // namespace sandbench::system
