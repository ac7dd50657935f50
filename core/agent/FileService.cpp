#include "agent/FileService.h"

#include "protocol/Protocol.h"
#include "system/Identifiers.h"
#include "system/WorkerThread.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <unordered_map>

namespace sandbench::agent {

using protocol::ApiError;

namespace {

// The protocol's code for an errno.
std::string codeForErrno(int error)
{
    switch (error) {
    case ENOENT: return "FILE_NOT_FOUND";
    case EEXIST: case ENOTEMPTY: return "FILE_EXISTS";
    case EACCES: case EPERM: return "PERMISSION_DENIED";
    case EISDIR: return "IS_DIRECTORY";
    case ENOTDIR: return "NOT_DIRECTORY";
    case ENAMETOOLONG: return "NAME_TOO_LONG";
    case EROFS: return "READ_ONLY";
    case EBUSY: return "RESOURCE_BUSY";
    case ENOSPC: case EDQUOT: case EFBIG: return "NO_SPACE";
    case EMFILE: case ENFILE: return "TOO_MANY_FILES";
    case EMLINK: case ELOOP: return "TOO_MANY_LINKS";
    default: return "FILESYSTEM_ERROR";
    }
}

[[noreturn]] void failErrno(int error, const std::string &what, const std::string &path, const char *operation)
{
    throw ApiError(codeForErrno(error), what + ": " + path + " (" + std::strerror(error) + ")",
                   {{"path", path}, {"operation", operation}, {"errno", error}}, operation);
}

std::string validatedPath(const Json &body, const char *field)
{
    auto invalid = [field](const std::string &message) {
        return ApiError("VALIDATION_FAILED", "Invalid " + std::string(field) + ": " + message,
                        {{"validationErrors", Json::array({{{"field", field}, {"message", message}, {"code", "INVALID_PATH"}}})}});
    };
    const auto it = body.find(field);
    if (it == body.end() || !it->is_string())
        throw invalid("a path string is required");
    const std::string path = it->get<std::string>();
    if (path.empty())
        throw invalid("path must not be empty");
    if (path.find('\0') != std::string::npos)
        throw invalid("path must not contain NUL");
    if (path.size() > 4096)
        throw invalid("path is longer than 4096 characters");
    return path;
}


std::string baseName(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parentOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// mkdir -p of a file's parent directory.
void makeParents(const std::string &parent)
{
    for (std::size_t slash = 1; slash != std::string::npos && slash <= parent.size();) {
        slash = parent.find('/', slash + 1);
        const std::string prefix = parent.substr(0, slash);
        if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
            failErrno(errno, "Cannot create directory", prefix, "file.write");
    }
}

std::string encodingOf(const Json &body)
{
    const std::string encoding = protocol::optionalString(body, "encoding");
    if (encoding.empty() || encoding == "utf-8" || encoding == "utf8")
        return encoding.empty() ? "" : "utf-8";
    if (encoding == "base64")
        return encoding;
    throw ApiError("VALIDATION_FAILED", "encoding must be 'utf-8', 'utf8' or 'base64'");
}

std::string modeString(mode_t mode)
{
    std::string text;
    for (int shift : {6, 3, 0}) {
        text += (mode >> shift) & 4 ? 'r' : '-';
        text += (mode >> shift) & 2 ? 'w' : '-';
        text += (mode >> shift) & 1 ? 'x' : '-';
    }
    return text;
}

// find -printf '%TY-%Tm-%TdT%TH:%TM:%TS': local time, seconds with 10 fractional digits.
std::string findTimestamp(const struct timespec &time)
{
    std::tm local{};
    localtime_r(&time.tv_sec, &local);
    char text[64];
    const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
    std::snprintf(text + n, sizeof text - n, ".%09ld0", time.tv_nsec);
    return text;
}

Json fileInfo(const std::string &absolute, const std::string &relative, const struct stat &info)
{
    const char *type = S_ISREG(info.st_mode) ? "file" : S_ISDIR(info.st_mode) ? "directory" : S_ISLNK(info.st_mode) ? "symlink" : "other";
    return {{"name", baseName(absolute)},
            {"absolutePath", absolute},
            {"relativePath", relative},
            {"type", type},
            {"size", static_cast<std::uint64_t>(info.st_size)},
            {"modifiedAt", findTimestamp(info.st_mtim)},
            {"mode", modeString(info.st_mode)},
            {"permissions", {{"readable", (info.st_mode & S_IRUSR) != 0}, {"writable", (info.st_mode & S_IWUSR) != 0},
                             {"executable", (info.st_mode & S_IXUSR) != 0}}},
            {"isSymlink", S_ISLNK(info.st_mode)}};
}

// Follows a chain of symlinks at the last component (dangling targets included), so an
// atomic write replaces the file the link points to instead of the link itself. Paths
// resolve in the sandbox's mount namespace, so no link can lead out of it.
std::string followFinalLinks(std::string path)
{
    for (int hop = 0; hop < 40; ++hop) {
        char target[4096];
        const ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
        if (n < 0)
            return path;
        const std::string link(target, static_cast<std::size_t>(n));
        path = normalisePath(link.front() == '/' ? link : parentOf(path) + "/" + link);
    }
    return path;
}

struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() { if (fd >= 0) close(fd); }
};

} // namespace

std::string normalisePath(const std::string &path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string::npos)
            slash = path.size();
        const std::string part = path.substr(start, slash - start);
        if (part == "..") {
            if (!parts.empty())
                parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = slash + 1;
    }
    std::string normal;
    for (const auto &part : parts)
        normal += "/" + part;
    return normal.empty() ? "/" : normal;
}

std::string detectMimeType(const std::string &path, std::string_view head)
{
    static const std::unordered_map<std::string, std::string> byExtension = {
        {"txt", "text/plain"}, {"md", "text/markdown"}, {"csv", "text/csv"}, {"html", "text/html"},
        {"htm", "text/html"}, {"css", "text/css"}, {"xml", "application/xml"}, {"js", "application/javascript"},
        {"mjs", "application/javascript"}, {"cjs", "application/javascript"}, {"ts", "application/typescript"},
        {"tsx", "application/typescript"}, {"jsx", "text/jsx"}, {"json", "application/json"},
        {"yaml", "application/yaml"}, {"yml", "application/yaml"}, {"toml", "application/toml"},
        {"sh", "application/x-sh"}, {"bash", "application/x-sh"}, {"py", "text/x-python"}, {"c", "text/x-c"},
        {"h", "text/x-c"}, {"cpp", "text/x-c++"}, {"hpp", "text/x-c++"}, {"cc", "text/x-c++"},
        {"rs", "text/x-rust"}, {"go", "text/x-go"}, {"java", "text/x-java"}, {"rb", "text/x-ruby"},
        {"sql", "application/sql"}, {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"webp", "image/webp"}, {"ico", "image/x-icon"},
        {"pdf", "application/pdf"}, {"zip", "application/zip"}, {"gz", "application/gzip"},
        {"tar", "application/x-tar"}, {"wasm", "application/wasm"}, {"mp3", "audio/mpeg"}, {"mp4", "video/mp4"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"log", "text/plain"}, {"ini", "text/plain"}, {"cfg", "text/plain"}, {"conf", "text/plain"},
    };
    const std::string name = baseName(path);
    if (const auto dot = name.rfind('.'); dot != std::string::npos && dot + 1 < name.size()) {
        std::string extension = name.substr(dot + 1);
        for (auto &c : extension)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (const auto it = byExtension.find(extension); it != byExtension.end())
            return it->second;
    }
    // No known extension: look at the bytes.
    if (head.empty())
        return "inode/x-empty";
    static const std::pair<std::string_view, const char *> magic[] = {
        {"\x89PNG", "image/png"}, {"\xFF\xD8\xFF", "image/jpeg"}, {"GIF8", "image/gif"},
        {"%PDF", "application/pdf"}, {"PK\x03\x04", "application/zip"}, {"\x1F\x8B", "application/gzip"},
        {"\x7F" "ELF", "application/x-executable"}};
    for (const auto &[prefix, type] : magic)
        if (head.substr(0, prefix.size()) == prefix)
            return type;
    if (head.find('\0') == std::string_view::npos && protocol::isValidUtf8(head))
        return "text/plain";
    return "application/octet-stream";
}

bool isTextMimeType(const std::string &mimeType)
{
    static const std::vector<std::string> textual = {
        "application/ecmascript", "application/javascript", "application/json", "application/json-seq",
        "application/rtf", "application/sql", "application/toml", "application/typescript", "application/x-empty",
        "application/x-httpd-php", "application/x-javascript", "application/x-sh", "application/x-shellscript",
        "application/x-typescript", "application/x-yaml", "application/xml", "application/xml-dtd",
        "application/xml-external-parsed-entity", "application/yaml", "inode/x-empty"};
    if (mimeType.rfind("text/", 0) == 0)
        return true;
    if (std::find(textual.begin(), textual.end(), mimeType) != textual.end())
        return true;
    return mimeType.ends_with("+json") || mimeType.ends_with("+xml");
}

std::string base64Encode(std::string_view bytes)
{
    static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned value = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                               static_cast<unsigned char>(bytes[i + 2]);
        text += alphabet[(value >> 18) & 63];
        text += alphabet[(value >> 12) & 63];
        text += alphabet[(value >> 6) & 63];
        text += alphabet[value & 63];
    }
    if (i < bytes.size()) {
        unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size())
            value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        text += alphabet[(value >> 18) & 63];
        text += alphabet[(value >> 12) & 63];
        text += i + 1 < bytes.size() ? alphabet[(value >> 6) & 63] : '=';
        text += '=';
    }
    return text;
}

std::optional<std::string> base64Decode(std::string_view text)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string bytes;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (c == '=') {
            ++padding;
            continue;
        }
        const int v = value(c);
        if (v < 0 || padding > 0)
            return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (padding > 2)
        return std::nullopt;
    return bytes;
}

std::string atomicTempName(const std::string &name, bool replacing)
{
    return "." + name.substr(0, 180) + (replacing ? ".sandbench-replace-" : ".sandbench-new-") +
           system::randomText(16, "0123456789");
}

std::string atomicTempKind(std::string_view name)
{
    if (name.empty() || name.front() != '.')
        return {};
    for (const char *kind : {"new", "replace"}) {
        const std::string marker = std::string(".sandbench-") + kind + "-";
        const auto at = name.rfind(marker);
        if (at != std::string_view::npos && at + marker.size() < name.size() &&
            name.find_first_not_of("0123456789", at + marker.size()) == std::string_view::npos)
            return kind;
    }
    return {};
}

FileService::FileService(AgentConfig &config, SessionService &sessions) : config_(config), sessions_(sessions) {}

std::string FileService::resolve(const Json &body, const char *field) const
{
    const std::string path = validatedPath(body, field);
    if (path.front() == '/')
        return normalisePath(path);
    const std::string sessionId = protocol::optionalString(body, "sessionId", kDefaultSessionId);
    return normalisePath(sessions_.currentDirectory(sessionId) + "/" + path);
}

Json FileService::read(const Json &body)
{
    const std::string path = resolve(body, "path");
    const std::string encoding = encodingOf(body);
    FileDescriptor file{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0)
        failErrno(errno, errno == ENOENT ? "File not found" : "Cannot read file", path, "file.read");
    struct stat info{};
    fstat(file.fd, &info);
    if (S_ISDIR(info.st_mode))
        throw ApiError("IS_DIRECTORY", "Cannot read a directory: " + path, {{"path", path}, {"operation", "file.read"}}, "file.read");
    if (static_cast<std::uint64_t>(info.st_size) > kMaxReadBytes)
        throw ApiError("FILE_TOO_LARGE", "File too large to read at once (use readFileStream): " + path,
                       {{"path", path}, {"operation", "file.read"}, {"maxSize", kMaxReadBytes}, {"actualSize", info.st_size}},
                       "file.read");
    std::string content(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::read(file.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            failErrno(errno, "Cannot read file", path, "file.read");
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    content.resize(done);
    const std::string mimeType = detectMimeType(path, std::string_view(content).substr(0, 4096));
    const bool asBase64 = encoding == "base64" || (encoding.empty() && !isTextMimeType(mimeType));
    return {{"path", path},
            {"content", asBase64 ? base64Encode(content) : content},
            {"encoding", asBase64 ? "base64" : "utf-8"},
            {"isBinary", asBase64},
            {"mimeType", mimeType},
            {"size", done}};
}

Json FileService::write(const Json &body)
{
    const std::string requested = resolve(body, "path");
    const std::string path = followFinalLinks(requested);
    const std::string encoding = encodingOf(body);
    if (!body.contains("content") || !body["content"].is_string())
        throw ApiError("VALIDATION_FAILED", "content must be a string");
    std::string content = body["content"].get<std::string>();
    if (encoding == "base64") {
        auto decoded = base64Decode(content);
        if (!decoded)
            throw ApiError("VALIDATION_FAILED", "Invalid base64 content",
                           {{"validationErrors", Json::array({{{"field", "content"}, {"message", "Invalid base64"}, {"code", "INVALID_BASE64"}}})}});
        content = std::move(*decoded);
    }
    const std::string parent = parentOf(path);
    makeParents(parent); // missing parents are created, as `mkdir -p` would
    struct stat existing{};
    const bool replacing = stat(path.c_str(), &existing) == 0;
    if (replacing && S_ISDIR(existing.st_mode))
        throw ApiError("IS_DIRECTORY", "Cannot write a file over a directory: " + path,
                       {{"path", path}, {"operation", "file.write"}}, "file.write");
    // Write beside the target and rename over it: readers see the old or the new file, never half.
    const std::string temp = parent + "/" + atomicTempName(baseName(path), replacing);
    FileDescriptor file{open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, replacing ? existing.st_mode & 07777 : 0644)};
    if (file.fd < 0)
        failErrno(errno, "Cannot write file", path, "file.write");
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(file.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            unlink(temp.c_str());
            failErrno(error, "Cannot write file", path, "file.write");
        }
        done += static_cast<std::size_t>(n);
    }
    // Closed before the rename, so no close-write event is reported under the final name.
    const bool synced = fsync(file.fd) == 0 && close(std::exchange(file.fd, -1)) == 0;
    if (!synced || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        unlink(temp.c_str());
        failErrno(error, "Cannot write file", path, "file.write");
    }
    return {{"path", requested}};
}

AtomicUpload::~AtomicUpload()
{
    if (fd_ >= 0)
        close(fd_);
    if (!committed_)
        unlink(temp_.c_str());
}

void AtomicUpload::write(const char *data, std::size_t size)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd_, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            failErrno(errno, "Cannot write file", path_, "file.write");
        done += static_cast<std::size_t>(n);
    }
    written_ += size;
}

void AtomicUpload::commit()
{
    const bool synced = fsync(fd_) == 0 && close(std::exchange(fd_, -1)) == 0;
    if (!synced || ::rename(temp_.c_str(), path_.c_str()) != 0)
        failErrno(errno, "Cannot write file", path_, "file.write");
    committed_ = true;
}

Download::~Download()
{
    if (fd >= 0)
        close(fd);
}

std::unique_ptr<AtomicUpload> FileService::beginUpload(const std::string &requested)
{
    const std::string path = followFinalLinks(requested);
    const std::string parent = parentOf(path);
    makeParents(parent);
    struct stat existing{};
    const bool replacing = stat(path.c_str(), &existing) == 0;
    if (replacing && S_ISDIR(existing.st_mode))
        throw ApiError("IS_DIRECTORY", "Cannot write a file over a directory: " + path, {{"path", path}}, "file.write");
    const std::string temp = parent + "/" + atomicTempName(baseName(path), replacing);
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, replacing ? existing.st_mode & 07777 : 0644);
    if (fd < 0)
        failErrno(errno, "Cannot write file", path, "file.write");
    return std::make_unique<AtomicUpload>(path, temp, fd);
}

std::unique_ptr<Download> FileService::openDownload(const std::string &path)
{
    auto download = std::make_unique<Download>();
    download->path = path;
    download->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (download->fd < 0)
        failErrno(errno, errno == ENOENT ? "File not found" : "Cannot read file", path, "file.read");
    struct stat info{};
    fstat(download->fd, &info);
    if (S_ISDIR(info.st_mode))
        throw ApiError("IS_DIRECTORY", "Cannot download a directory: " + path, {{"path", path}}, "file.read");
    download->size = static_cast<std::uint64_t>(info.st_size);
    return download;
}

Json FileService::remove(const Json &body)
{
    const std::string path = resolve(body, "path");
    struct stat info{};
    if (lstat(path.c_str(), &info) != 0)
        failErrno(errno, errno == ENOENT ? "File not found" : "Cannot delete", path, "file.delete");
    if (S_ISDIR(info.st_mode))
        throw ApiError("IS_DIRECTORY",
                       "Cannot delete directory with deleteFile() at '" + path + "'. Use exec('rm -rf " + path + "') instead.",
                       {{"path", path}, {"operation", "file.delete"}}, "file.delete");
    if (unlink(path.c_str()) != 0)
        failErrno(errno, "Cannot delete", path, "file.delete");
    return {{"path", path}};
}

Json FileService::rename(const Json &body, const char *fromField, const char *toField)
{
    const std::string from = resolve(body, fromField);
    const std::string to = resolve(body, toField);
    const char *operation = std::string_view(fromField) == "oldPath" ? "file.rename" : "file.move";
    struct stat info{};
    if (lstat(from.c_str(), &info) != 0) {
        if (errno == ENOENT)
            throw ApiError("FILE_NOT_FOUND", "Source file not found: " + from, {{"path", from}, {"operation", operation}}, operation);
        failErrno(errno, "Cannot access", from, operation);
    }
    // Like mv: moving onto an existing directory puts the source inside it.
    std::string target = to;
    struct stat destination{};
    if (stat(to.c_str(), &destination) == 0 && S_ISDIR(destination.st_mode) && !S_ISDIR(info.st_mode))
        target = to + "/" + baseName(from);
    if (::rename(from.c_str(), target.c_str()) != 0)
        failErrno(errno, "Cannot move " + from + " to", target, operation);
    return {{"path", from}, {"newPath", to}};
}

Json FileService::mkdir(const Json &body)
{
    const std::string path = resolve(body, "path");
    const bool recursive = protocol::optionalBool(body, "recursive", false);
    if (recursive) {
        for (std::size_t slash = 1; slash != std::string::npos;) {
            slash = path.find('/', slash + 1);
            const std::string prefix = path.substr(0, slash);
            if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
                failErrno(errno, "Cannot create directory", prefix, "directory.create");
        }
        struct stat info{};
        if (stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
            throw ApiError("FILESYSTEM_ERROR", "Not a directory: " + path, {{"path", path}}, "directory.create");
    } else if (::mkdir(path.c_str(), 0755) != 0) {
        failErrno(errno, "Cannot create directory", path, "directory.create");
    }
    return {{"path", path}, {"recursive", recursive}};
}

Json FileService::list(const Json &body)
{
    const std::string root = resolve(body, "path");
    const Json options = body.value("options", Json::object());
    const bool recursive = options.is_object() && protocol::optionalBool(options, "recursive", false);
    const bool includeHidden = options.is_object() && protocol::optionalBool(options, "includeHidden", false);
    struct stat info{};
    if (stat(root.c_str(), &info) != 0) {
        if (errno == ENOENT)
            throw ApiError("FILE_NOT_FOUND", "Directory not found: " + root, {{"path", root}, {"operation", "directory.list"}}, "directory.list");
        failErrno(errno, "Cannot list", root, "directory.list");
    }
    if (!S_ISDIR(info.st_mode))
        throw ApiError("NOT_DIRECTORY", "Path is not a directory: " + root, {{"path", root}, {"operation", "directory.list"}}, "directory.list");
    Json files = Json::array();
    std::vector<std::string> pending = {""};
    while (!pending.empty()) {
        const std::string relativeDir = pending.back();
        pending.pop_back();
        const std::string dirPath = relativeDir.empty() ? root : root + "/" + relativeDir;
        DIR *dir = opendir(dirPath.c_str());
        if (!dir) {
            if (relativeDir.empty())
                failErrno(errno, "Cannot list", root, "directory.list");
            continue; // an unreadable subdirectory is skipped, as find does
        }
        while (dirent *entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            const std::string relative = relativeDir.empty() ? name : relativeDir + "/" + name;
            const std::string absolute = (root == "/" ? "" : root) + "/" + relative;
            struct stat entryInfo{};
            if (lstat(absolute.c_str(), &entryInfo) != 0)
                continue;
            if (includeHidden || name.front() != '.') {
                files.push_back(fileInfo(absolute, relative, entryInfo));
                // A bucket mount (a symlink to its FUSE slot) lists as the folder it is, known
                // without asking s3fs.
                if (S_ISLNK(entryInfo.st_mode) && fuseMounts_.linksToMountPoint(absolute)) {
                    files.back()["type"] = "directory";
                    files.back()["mount"] = true;
                }
            }
            if (recursive && S_ISDIR(entryInfo.st_mode))
                pending.push_back(relative);
        }
        closedir(dir);
    }
    const auto count = files.size();
    return {{"path", root}, {"files", std::move(files)}, {"count", count}};
}

Json FileService::exists(const Json &body)
{
    const std::string path = resolve(body, "path");
    struct stat info{};
    const bool exists = stat(path.c_str(), &info) == 0;
    // isDirectory is ours (the SDK ignores it): the desktop app asks before replacing.
    return {{"path", path}, {"exists", exists}, {"isDirectory", exists && S_ISDIR(info.st_mode)}};
}

namespace {
Json streamError(const std::string &message)
{
    return {{"type", "error"}, {"error", message}};
}
Json streamMetadata(const std::string &mimeType, std::uint64_t size, bool binary)
{
    return {{"type", "metadata"}, {"mimeType", mimeType}, {"size", size}, {"isBinary", binary},
            {"encoding", binary ? "base64" : "utf-8"}};
}
Json streamChunk(std::string data)
{
    return {{"type", "chunk"}, {"data", std::move(data)}};
}
Json streamComplete(std::uint64_t bytes)
{
    return {{"type", "complete"}, {"bytesRead", bytes}};
}
} // namespace

asio::awaitable<void> FileService::readStream(Json body, Emit send)
{
    std::string path;
    FileDescriptor file;
    std::string failure;
    try {
        path = resolve(body, "path");
        file.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (file.fd < 0)
            failErrno(errno, errno == ENOENT ? "File not found" : "Cannot read file", path, "file.read");
    } catch (const ApiError &error) {
        failure = error.what();
    }
    if (!failure.empty()) {
        co_await send(streamError(failure));
        co_return;
    }
    struct stat info{};
    fstat(file.fd, &info);
    std::string chunk(kStreamChunkBytes, '\0');
    ssize_t first = pread(file.fd, chunk.data(), chunk.size(), 0);
    const std::string mimeType = detectMimeType(path, std::string_view(chunk.data(), first > 0 ? first : 0));
    const bool binary = !isTextMimeType(mimeType);
    if (!co_await send(streamMetadata(mimeType, static_cast<std::uint64_t>(info.st_size), binary)))
        co_return;
    std::uint64_t bytesRead = 0;
    std::string carry; // a UTF-8 sequence cut by the chunk boundary
    for (;;) {
        const ssize_t n = ::read(file.fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            co_await send(streamError(std::string("Read failed: ") + std::strerror(errno)));
            co_return;
        }
        if (n == 0)
            break;
        bytesRead += static_cast<std::uint64_t>(n);
        std::string data;
        if (binary) {
            data = base64Encode(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
        } else {
            data = carry + std::string(chunk.data(), static_cast<std::size_t>(n));
            const std::size_t complete = protocol::completeUtf8Prefix(data);
            carry = data.substr(complete);
            data.resize(complete);
        }
        if (!data.empty() && !co_await send(streamChunk(std::move(data))))
            co_return;
    }
    if (!carry.empty() && !co_await send(streamChunk(std::move(carry))))
        co_return;
    co_await send(streamComplete(bytesRead));
}

asio::awaitable<Json> FileService::perform(Json body, std::vector<const char *> pathFields,
                                           std::function<Json(const Json &)> operation)
{
    bool reachesMount = false;
    for (const char *field : pathFields) {
        if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty())
            continue; // the operation reports it
        const std::string absolute = resolve(body, field);
        body[field] = absolute;
        reachesMount = reachesMount || fuseMounts_.reaches(absolute);
    }
    if (!reachesMount)
        co_return operation(body);
    if (mountOperations_ >= kMountOperations)
        throw ApiError("RESOURCE_BUSY", "Too many file operations are waiting on a bucket mount; try again later",
                       {}, {}, 503);
    ++mountOperations_;
    struct Done {
        int &count;
        ~Done() { --count; }
    } done{mountOperations_};
    // Absolute paths only from here: the operation touches no session state on its thread.
    std::function<Json()> work = [operation, body] { return operation(body); };
    co_return co_await system::onWorkerThread(std::move(work));
}

void FileService::addRoutes(http::RouteTable &table)
{
    using http::bhttp::verb;
    // The JSON routes: a body with sessionId (optional) and paths, an answer of fields.
    const auto jsonRoute = [this, &table](const char *pattern, std::vector<const char *> pathFields,
                                          std::function<Json(const Json &)> serve) {
        table.add(verb::post, pattern, [this, pathFields, serve](http::RouteRequest &call) -> asio::awaitable<void> {
            const Json body = protocol::parseBody(call.request.body());
            rejectBlankSessionId(body);
            Json reply = co_await perform(body, pathFields, serve);
            co_await replySuccess(call.responder, std::move(reply));
        });
    };
    jsonRoute("/api/read", {"path"}, [this](const Json &body) { return read(body); });
    jsonRoute("/api/write", {"path"}, [this](const Json &body) { return write(body); });
    jsonRoute("/api/delete", {"path"}, [this](const Json &body) { return remove(body); });
    jsonRoute("/api/mkdir", {"path"}, [this](const Json &body) { return mkdir(body); });
    jsonRoute("/api/list-files", {"path"}, [this](const Json &body) { return list(body); });
    jsonRoute("/api/exists", {"path"}, [this](const Json &body) { return exists(body); });
    jsonRoute("/api/rename", {"oldPath", "newPath"},
              [this](const Json &body) { return rename(body, "oldPath", "newPath"); });
    jsonRoute("/api/move", {"sourcePath", "destinationPath"},
              [this](const Json &body) { return rename(body, "sourcePath", "destinationPath"); });
    table.add(verb::post, "/api/read/stream", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        rejectBlankSessionId(body);
        co_await streamEvents(call.responder, [&](Emit send) { return readStream(body, send); });
    });

    // Engine-only: raw transfers behind the engine's /v1/sandboxes/{id}/files (relative
    // paths are against the workspace).
    const auto rawPath = [this](const http::RouteRequest &call) {
        return resolve({{"path", http::percentDecode(http::queryValue(call.query, "path"))}, {"sessionId", kSessionlessId}},
                       "path");
    };
    table.add(verb::get, "/internal/files", [this, rawPath](http::RouteRequest &call) -> asio::awaitable<void> {
        auto download = openDownload(rawPath(call));
        http::bhttp::response<http::bhttp::empty_body> header{http::bhttp::status::ok, 11};
        header.set(http::bhttp::field::content_type, "application/octet-stream");
        header.set("X-File-Size", std::to_string(download->size));
        header.content_length(download->size);
        if (co_await call.responder.beginStream(std::move(header)))
            co_await call.responder.writeFile(download->fd, download->size);
        co_await call.responder.endStream(); // a file that shrank meanwhile ends short: the client sees it
    });
    table.add(verb::put, "/internal/files", [this, rawPath](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string path = rawPath(call);
        auto upload = beginUpload(path);
        std::vector<char> chunk(1024 * 1024);
        for (std::size_t n; (n = co_await call.responder.readBody(chunk.data(), chunk.size())) > 0;)
            upload->write(chunk.data(), n);
        upload->commit();
        Json uploaded = {{"path", path}, {"size", upload->written()}}; // GCC 12: no braced list in co_await
        co_await replySuccess(call.responder, std::move(uploaded));
    });
    // Engine-only: whether a new bucket mount answers. A name looked up under it waits for
    // s3fs's own check of the bucket and asks the bucket itself: ENOENT (or 0) is a working
    // mount, anything else (EPERM for refused credentials, ENOTCONN once s3fs gave up) is
    // not. On a thread of its own: a hung mount must not hang the agent.
    table.add(verb::get, "/internal/mount-check", [](http::RouteRequest &call) -> asio::awaitable<void> {
        const std::string path = http::percentDecode(http::queryValue(call.query, "path"));
        if (path.empty() || path.front() != '/')
            throw ApiError("VALIDATION_FAILED", "path must be absolute");
        std::function<int()> look = [probe = path + "/.sandbench-mount-check"] {
            struct stat info{};
            return lstat(probe.c_str(), &info) == 0 ? 0 : errno;
        };
        const int error = co_await system::onWorkerThread(std::move(look));
        Json reply = {{"errno", error}, {"message", error ? std::strerror(error) : ""}};
        co_await replySuccess(call.responder, std::move(reply));
    });
}

} // namespace sandbench::agent
