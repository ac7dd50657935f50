#include "protocol/BackupOptions.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>

namespace sandbench::protocol {

ApiError invalidBackupConfig(const std::string &message)
{
    return ApiError("INVALID_BACKUP_CONFIG", message, {}, {}, 400);
}

std::string backupDirectory(const Json &value, BackupDirs dirs)
{
    if (!value.is_string())
        throw invalidBackupConfig("dir must be a string: an absolute path such as /workspace/app");
    std::string dir = value.get<std::string>();
    if (dir.empty() || dir.front() != '/')
        throw invalidBackupConfig("dir must be an absolute path: " + dir);
    if (dir.size() > 4096)
        throw invalidBackupConfig("dir is longer than 4096 characters");
    if (dir.find('\0') != std::string::npos)
        throw invalidBackupConfig("dir must not contain NUL");
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    std::istringstream parts(dir.substr(1));
    for (std::string part; std::getline(parts, part, '/');)
        if (part == "..")
            throw invalidBackupConfig("dir must not contain '..': " + dir);
    dir = std::filesystem::path(dir).lexically_normal().string();
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    if (dirs == BackupDirs::anyAbsolute)
        return dir;
    for (const char *root : {"/workspace", "/home", "/tmp", "/var/tmp", "/app"}) {
        const std::string_view base(root);
        if (dir == base || (dir.starts_with(base) && dir[base.size()] == '/'))
            return dir;
    }
    throw invalidBackupConfig("dir must be in /workspace, /home, /tmp, /var/tmp or /app: " + dir);
}

bool isBackupId(std::string_view id)
{
    static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    return std::regex_match(id.begin(), id.end(), uuid);
}

BackupOptions parseBackupOptions(const Json &body, BackupDirs dirs)
{
    if (!body.is_object())
        throw invalidBackupConfig("The body must be a JSON object: {dir, name?, ttl?, gitignore?, excludes?, compression?}");
    BackupOptions request;
    if (!body.contains("dir"))
        throw invalidBackupConfig("dir is required: the directory to back up");
    request.dir = backupDirectory(body["dir"], dirs);
    if (body.contains("name") && !body["name"].is_null()) {
        if (!body["name"].is_string())
            throw invalidBackupConfig("name must be a string");
        const std::string name = body["name"];
        if (name.size() > 256)
            throw invalidBackupConfig("name is longer than 256 characters");
        if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
            throw invalidBackupConfig("name must not contain control characters");
        request.name = name;
    }
    if (body.contains("ttl") && !body["ttl"].is_null()) {
        if (!body["ttl"].is_number() || !(body["ttl"].get<double>() > 0) || body["ttl"].get<double>() > 1e10)
            throw invalidBackupConfig("ttl must be a positive number of seconds");
        request.ttlSeconds = static_cast<long long>(std::ceil(body["ttl"].get<double>()));
    }
    if (body.contains("gitignore") && !body["gitignore"].is_null()) {
        if (!body["gitignore"].is_boolean())
            throw invalidBackupConfig("gitignore must be true or false");
        request.gitignore = body["gitignore"];
    }
    if (body.contains("excludes") && !body["excludes"].is_null()) {
        if (!body["excludes"].is_array() || body["excludes"].size() > 256)
            throw invalidBackupConfig("excludes must be a list of at most 256 patterns");
        for (const Json &pattern : body["excludes"]) {
            if (!pattern.is_string() || pattern.get<std::string>().empty() || pattern.get<std::string>().size() > 1024)
                throw invalidBackupConfig("excludes must be patterns of 1 to 1024 characters");
            const std::string text = pattern;
            if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20; }))
                throw invalidBackupConfig("an exclude pattern must not contain control characters");
            request.excludes.push_back(text);
        }
    }
    if (body.contains("compression") && !body["compression"].is_null()) {
        const Json &compression = body["compression"];
        if (!compression.is_object())
            throw invalidBackupConfig("compression must be {format?, threads?}");
        if (compression.contains("format") && !compression["format"].is_null()) {
            const Json &format = compression["format"];
            if (!format.is_string() || (format != "gzip" && format != "lz4" && format != "zstd"))
                throw invalidBackupConfig("compression.format must be gzip, lz4 or zstd");
            request.format = format;
        }
        if (compression.contains("threads") && !compression["threads"].is_null()) {
            const Json &threads = compression["threads"];
            if (!threads.is_number_integer() || threads.get<long long>() < 1 || threads.get<long long>() > 64)
                throw invalidBackupConfig("compression.threads must be a whole number from 1 to 64");
            request.threads = threads.get<int>();
        }
    }
    return request;
}

std::string excludeFile(const std::vector<std::string> &patterns, const std::vector<std::string> &ignoredPaths)
{
    std::string lines;
    for (std::string pattern : patterns) {
        while (pattern.starts_with("**/"))
            pattern.erase(0, 3);
        for (std::size_t at; (at = pattern.find("/**/")) != std::string::npos;)
            pattern.replace(at, 4, "/");
        while (pattern.ends_with("/**"))
            pattern.resize(pattern.size() - 3);
        while (pattern.size() > 1 && pattern.back() == '/')
            pattern.pop_back();
        if (pattern.starts_with('/'))
            pattern.erase(0, 1);
        if (!pattern.empty())
            lines += "... " + pattern + "\n";
    }
    for (std::string path : ignoredPaths) {
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        if (path.find('\n') != std::string::npos)
            continue; // a line of the list cannot hold it: the file is kept, never more left out
        // Exact names: mksquashfs's wildcards are fnmatch's, extended ones too ("!(x)").
        std::string escaped;
        for (const char c : path) {
            if (std::string_view("*?[]\\ ()|").find(c) != std::string_view::npos)
                escaped += '\\';
            escaped += c;
        }
        if (!escaped.empty()) {
            lines += escaped;
            lines.push_back('\n');
        }
    }
    return lines;
}

std::vector<std::string> mksquashfsCommand(const BackupOptions &options, const std::string &archive,
                                           const std::string &excludesPath)
{
    std::vector<std::string> command = {"/usr/bin/mksquashfs", options.dir, archive, "-comp", options.format,
                                        "-processors", std::to_string(options.threads), "-no-progress", "-noappend",
                                        "-no-xattrs", "-one-file-system"};
    if (!excludesPath.empty())
        command.insert(command.end(), {"-wildcards", "-ef", excludesPath});
    return command;
}

std::vector<std::string> gitIgnoredCommand(const std::string &dir)
{
    return {"/usr/bin/git", "-C", dir, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"};
}

std::vector<std::string> nulSeparated(const std::string &output)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t end; (end = output.find('\0', start)) != std::string::npos; start = end + 1)
        parts.push_back(output.substr(start, end - start));
    return parts;
}

} // namespace sandbench::protocol
