#include "engine/MountService.h"

#include "engine/AgentLink.h"
#include "engine/InsideSandbox.h"
#include "http/RawConnection.h"
#include "protocol/Protocol.h"
#include "system/Background.h"
#include "system/Files.h"
#include "system/Identifiers.h"
#include "system/MountTable.h"
#include "system/ProcessTree.h"
#include "system/Subprocess.h"
#include "system/UniqueFd.h"
#include "system/WorkerThread.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace sandbench::engine {

using protocol::ApiError;
using http::bhttp::verb;
using namespace boost::asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMountsPerSandbox = 16;
constexpr std::size_t kRelayConnections = 64; // s3fs opens a handful (parallel_count 5)
constexpr auto kMountTimeout = 30s;            // s3fs's check of the bucket included
constexpr off_t kMountLogBytes = 1 << 20;      // s3fs's log, per mount

ApiError invalidConfig(const std::string &message)
{
    return ApiError("INVALID_MOUNT_CONFIG", message, {}, {}, 400);
}

// -o options a request may add: what only shapes s3fs's own behaviour. Not: passwd_file
// and url (ours), anything that loads code or reads credentials elsewhere (credlib,
// ahbe_conf, use_sse=custom:file, iam_role, ibm_iam_auth, ecs), curldbg (it logs the
// signed headers), logfile or dbglevel (logs that grow), nonempty (the slot is empty).
const std::set<std::string, std::less<>> &allowedOptions()
{
    static const std::set<std::string, std::less<>> options = {
        "allow_other", "compat_dir", "complement_stat", "connect_timeout", "default_acl",
        "enable_content_md5", "enable_noobj_cache", "endpoint", "ensure_diskfree", "gid", "list_object_max_keys",
        "max_dirty_data", "max_stat_cache_size", "mp_umask", "multipart_copy_size", "multipart_size",
        "multireq_max", "no_check_certificate", "nocopyapi", "nomixupload", "nomultipart",
        "norenameapi", "notsup_compat_dir", "noxmlns", "parallel_count", "public_bucket", "readwrite_timeout",
        "requester_pays", "retries", "sigv2", "sigv4", "singlepart_copy_limit", "ssl_verify_hostname",
        "stat_cache_expire", "stat_cache_interval_expire", "storage_class", "uid", "umask", "use_cache",
        "use_path_request_style", "use_xattr", "instance_name", "cipher_suites", "noua", "streamupload"};
    return options;
}

std::string optionName(std::string_view option)
{
    return std::string(option.substr(0, option.find('=')));
}

bool isBucketName(std::string_view name)
{
    static const std::regex pattern("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$");
    return name.size() >= 3 && std::regex_match(name.begin(), name.end(), pattern);
}

// A plain absolute path: no '.', '..', '//', NUL or control characters; no trailing '/'.
std::string plainMountPath(const std::string &path)
{
    std::string plain = path;
    while (plain.size() > 1 && plain.back() == '/')
        plain.pop_back();
    if (plain.empty() || plain.front() != '/' || plain == "/")
        throw invalidConfig("Invalid mount path: " + path + " (an absolute path below /, such as /mnt/data)");
    if (plain.size() > 4096)
        throw invalidConfig("Invalid mount path: longer than 4096 characters");
    for (const char c : plain)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw invalidConfig("Invalid mount path: control characters are not allowed");
    std::istringstream parts(plain.substr(1));
    for (std::string part; std::getline(parts, part, '/');)
        if (part.empty() || part == "." || part == "..")
            throw invalidConfig("Invalid mount path: " + path + " (no '.', '..' or '//' components)");
    return plain;
}

// Where nothing may be mounted: the system's and the sandbox's own machinery.
std::string reservedProblem(const std::string &path)
{
    for (const char *reserved : {"/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64",
                                 "/.sandbench", "/run", "/workspace"}) {
        const std::string_view root(reserved);
        if (path == root && root == "/workspace")
            return "Mount path cannot be /workspace itself: mount below it (/workspace/data)";
        if (path == root || (path.starts_with(root) && path[root.size()] == '/' && root != "/workspace"))
            return "Mount path cannot be in " + std::string(reserved);
    }
    return {};
}

// The request's fields: a wrong type is INVALID_MOUNT_CONFIG, as the SDK names it.
std::string stringField(const Json &body, const char *name)
{
    return protocol::optionalString(body, name, {}, "INVALID_MOUNT_CONFIG");
}

bool boolField(const Json &body, const char *name, bool fallback)
{
    return protocol::optionalBool(body, name, fallback, "INVALID_MOUNT_CONFIG");
}

bool credentialProblem(const std::string &text)
{
    return text.empty() || text.size() > 1024 ||
           text.find_first_of(std::string(":\n\r\0", 4)) != std::string::npos;
}

// Whether an s3fs FUSE mount stands at path in the process's mount namespace.
bool s3fsMountedAt(pid_t pid, const std::string &path)
{
    const auto table = system::readWholeFile("/proc/" + std::to_string(pid) + "/mountinfo");
    if (!table)
        return false;
    const auto entries = system::parseMountTable(*table);
    return std::any_of(entries.begin(), entries.end(), [&path](const system::MountEntry &entry) {
        return entry.point == path && entry.type == "fuse.s3fs";
    });
}

// What went wrong, from s3fs's log: its error lines without time stamps and source
// locations, an S3 error body as "Code: Message", each once; else the log's last lines.
std::string s3fsErrors(const std::string &log)
{
    static const std::regex prefix(R"(^\S+ \[(ERR|CRT)\] +\S+\(\d+\): )");
    static const std::regex xml(R"(<\?xml.*<Code>([^<]*)</Code>\s*<Message>([^<]*)</Message>.*)");
    std::vector<std::string> errors;
    std::istringstream lines(log);
    std::string pending; // an error line whose XML body continues on the next line
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (!pending.empty()) {
            line = pending + line;
            pending.clear();
        } else if (std::regex_search(line, match, prefix)) {
            line = match.suffix();
            if (line.find("<?xml") != std::string::npos && line.find("<Code>") == std::string::npos) {
                pending = line;
                continue;
            }
        } else if (!line.starts_with("s3fs:") && !line.starts_with("fuse:")) {
            continue;
        }
        // Noise, and the first of s3fs's two lines about one refused request.
        if (line.find("change debug level") != std::string::npos || line.find("so retry to connect") != std::string::npos ||
            line.starts_with("HTTP response code ") || line.starts_with("Exiting FUSE event loop"))
            continue;
        line = std::regex_replace(line, xml, "$1: $2");
        if (std::find(errors.begin(), errors.end(), line) == errors.end())
            errors.push_back(line);
    }
    std::string text;
    for (const std::string &error : errors)
        text += (text.empty() ? "" : "\n") + error;
    return text.empty() ? log : text;
}

// The last lines of s3fs's log (at most 2 KiB), credentials blanked.
std::string logTail(const std::string &logPath, const BucketMount &mount)
{
    struct stat info{};
    const std::uint64_t size = stat(logPath.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
    std::ifstream file(logPath, std::ios::binary);
    const std::uint64_t keep = 2048;
    if (size > keep)
        file.seekg(static_cast<std::streamoff>(size - keep));
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (size > keep && text.find('\n') != std::string::npos)
        text.erase(0, text.find('\n') + 1);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return withoutCredentials(s3fsErrors(text), mount);
}

// Where s3fs mounts: a slot the sandbox started with, /.sandbench/mounts/<n>, in its
// read-only root: no symlink or rename of the sandbox's can move it, so the privileged
// mount and unmount act there and nowhere else. The mount path the user chose is a symlink
// to the slot, made and removed without any capability.
std::string slotPath(int slot)
{
    return "/.sandbench/mounts/" + std::to_string(slot);
}

// The commands a mount runs inside the sandbox (built outside coroutines: GCC 12 mishandles
// braced lists of string literals in them).
std::vector<std::string> prepareCommand(pid_t agent, const std::string &path, int slot)
{
    // As the sandbox's root without capabilities: the path is made the symlink to the slot
    // (an empty directory there gives way, and comes back at unmount; a symlink to the slot
    // is a mount of an earlier run).
    static const std::string script = R"sh([ -c /dev/fuse ] || exit 3
[ -d "$2" ] || exit 4
if [ -L "$1" ]; then
  if [ "$(readlink -- "$1")" = "$2" ]; then rm -f -- "$1" && echo created && exec ln -s -- "$2" "$1"; fi
  echo "$1 is a symbolic link"; exit 1
fi
if [ -e "$1" ]; then
  [ -d "$1" ] || { echo "$1 is not a directory"; exit 1; }
  [ -z "$(ls -A -- "$1")" ] || exit 5
  rmdir -- "$1" || exit 1
  echo existed
else
  mkdir -p -- "$(dirname -- "$1")" || exit 1
  echo created
fi
exec ln -s -- "$2" "$1")sh";
    return insideSandbox(agent, "", {"/bin/sh", "-c", script, "sh", path, slotPath(slot)});
}

// The symlink goes; a directory that was there comes back (empty, as it was).
std::vector<std::string> releasePathCommand(pid_t agent, const std::string &path, int slot, bool created)
{
    static const std::string script = R"sh(if [ -L "$1" ] && [ "$(readlink -- "$1")" = "$2" ]; then
  rm -f -- "$1" || exit 1
  [ "$3" = kept ] && mkdir -p -- "$1"
fi
exit 0)sh";
    return insideSandbox(agent, "", {"/bin/sh", "-c", script, "sh", path, slotPath(slot), created ? "created" : "kept"});
}

// Unmounting at the slot (a fixed path): lazily when a mount attempt is abandoned.
std::vector<std::string> umountCommand(pid_t agent, int slot, bool lazy)
{
    std::vector<std::string> command = {"/usr/bin/umount"};
    if (lazy)
        command.push_back("-l");
    command.insert(command.end(), {"--", slotPath(slot)});
    return insideSandbox(agent, "sys_admin", command);
}

system::SpawnOptions s3fsSpawn(pid_t init, const BucketMount &mount, unsigned relayPort)
{
    system::SpawnOptions options;
    const std::string remote = mount.bucket + (mount.prefix.empty() ? "" : ":" + mount.prefix);
    options.argv = insideSandbox(init, "sys_admin", {"/usr/bin/s3fs", remote, slotPath(mount.slot), "-f", "-o",
                                                     s3fsOptionList(mount, "/proc/self/fd/3")});
    // s3fs's proxy is the relay; nothing bypasses it (there is no other way out).
    const std::string proxy = "http://127.0.0.1:" + std::to_string(relayPort);
    options.env = helperEnvironment();
    for (const char *name : {"http_proxy", "https_proxy", "HTTPS_PROXY"})
        options.env.push_back(std::string(name) + "=" + proxy);
    options.env.push_back("no_proxy=");
    return options;
}

std::string mountLog(const SandboxPaths &paths, const std::string &mountPath)
{
    char name[40];
    std::snprintf(name, sizeof name, "/s3fs-%016llx.log", static_cast<unsigned long long>(system::stableHash(mountPath)));
    return paths.logs + name;
}

// The credentials as s3fs reads a password file (key:secret), for /proc/self/fd/3.
system::UniqueFd passwordDescriptor(const BucketMount &mount, std::optional<uid_t> owner)
{
    return sandboxReadable("sandbench-s3fs-passwd",
                           mount.credentials->accessKeyId + ":" + mount.credentials->secretAccessKey + "\n", owner);
}

Json mountsEvent(const Sandbox &sandbox)
{
    Json mounts = Json::array();
    for (const auto &[path, mount] : sandbox.mounts)
        mounts.push_back(MountService::view(mount));
    return {{"type", "sandbox.mounts"}, {"id", sandbox.id}, {"mounts", std::move(mounts)}, {"timestamp", protocol::nowIso()}};
}

} // namespace

std::optional<Endpoint> parseEndpoint(std::string_view url)
{
    Endpoint endpoint;
    if (url.starts_with("https://")) {
        endpoint.tls = true;
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    if (url.ends_with('/'))
        url.remove_suffix(1);
    if (url.empty() || url.find_first_of("/?#@ \t\r\n\\") != std::string_view::npos)
        return std::nullopt; // no path, query, user info or spaces: s3fs takes scheme://host[:port]
    std::string_view port;
    if (url.front() == '[') {
        const auto close = url.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        endpoint.host = std::string(url.substr(1, close - 1));
        const std::string_view rest = url.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            return std::nullopt;
        if (!rest.empty())
            port = rest.substr(1);
    } else {
        const auto colon = url.find(':');
        endpoint.host = std::string(url.substr(0, colon));
        if (colon != std::string_view::npos)
            port = url.substr(colon + 1);
    }
    if (endpoint.host.empty() || endpoint.host.size() > 253)
        return std::nullopt;
    for (const char c : endpoint.host)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != ':')
            return std::nullopt;
    endpoint.port = endpoint.tls ? 443 : 80;
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        endpoint.port = static_cast<unsigned>(std::stoul(std::string(port)));
        if (endpoint.port == 0 || endpoint.port > 65535)
            return std::nullopt;
    }
    return endpoint;
}

std::string detectProvider(std::string_view host)
{
    if (host.ends_with(".r2.cloudflarestorage.com"))
        return "r2";
    if (host == "s3.amazonaws.com" || host.ends_with(".amazonaws.com"))
        return "s3";
    if (host == "storage.googleapis.com")
        return "gcs";
    return {};
}

BucketMount parseMountRequest(const Json &body, const std::map<std::string, std::string> &sandboxEnv)
{
    if (!body.is_object())
        throw invalidConfig("The body must be a JSON object: {bucket, mountPath, options: {endpoint, ...}}");
    BucketMount mount;
    mount.bucket = stringField(body, "bucket");
    if (mount.bucket.find(':') != std::string::npos)
        throw invalidConfig("Invalid bucket name: " + mount.bucket + ". A ':' is not allowed; use options.prefix "
                            "to mount part of a bucket");
    if (!isBucketName(mount.bucket))
        throw invalidConfig("Invalid bucket name: '" + mount.bucket + "'. Bucket names are 3-63 characters of "
                            "a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
    mount.mountPath = plainMountPath(stringField(body, "mountPath"));
    if (const std::string problem = reservedProblem(mount.mountPath); !problem.empty())
        throw invalidConfig(problem);
    const Json options = body.contains("options") && !body["options"].is_null() ? body["options"] : Json::object();
    if (!options.is_object())
        throw invalidConfig("options must be an object");
    if (boolField(options, "localBucket", false))
        throw invalidConfig("localBucket (a Worker's bucket binding) is not available here: give options.endpoint");
    mount.endpoint = stringField(options, "endpoint");
    if (mount.endpoint.empty())
        throw invalidConfig("options.endpoint is required: the bucket's S3 endpoint, such as "
                            "https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000");
    const auto endpoint = parseEndpoint(mount.endpoint);
    if (!endpoint)
        throw invalidConfig("Invalid endpoint URL: " + mount.endpoint + " (http:// or https://, a host and "
                            "an optional port, no path)");
    mount.endpoint = (endpoint->tls ? "https://" : "http://") +
                     (endpoint->host.find(':') != std::string::npos ? "[" + endpoint->host + "]" : endpoint->host) + ":" +
                     std::to_string(endpoint->port);
    mount.provider = stringField(options, "provider");
    if (mount.provider.empty())
        mount.provider = detectProvider(endpoint->host);
    else if (mount.provider != "r2" && mount.provider != "s3" && mount.provider != "gcs")
        throw invalidConfig("Invalid provider: " + mount.provider + " (r2, s3 or gcs)");
    mount.readOnly = boolField(options, "readOnly", false);
    mount.prefix = stringField(options, "prefix");
    if (!mount.prefix.empty()) {
        if (mount.prefix.front() != '/')
            throw invalidConfig("Invalid prefix: " + mount.prefix + " (it must start with '/')");
        if (mount.prefix.size() > 1024 || mount.prefix.find_first_of(std::string(",\n\r\0", 4)) != std::string::npos)
            throw invalidConfig("Invalid prefix: no commas or line breaks, at most 1024 characters");
    }
    if (options.contains("s3fsOptions") && !options["s3fsOptions"].is_null()) {
        if (!options["s3fsOptions"].is_array() || options["s3fsOptions"].size() > 32)
            throw invalidConfig("s3fsOptions must be a list of at most 32 strings");
        for (const Json &option : options["s3fsOptions"]) {
            if (!option.is_string())
                throw invalidConfig("s3fsOptions must be a list of strings");
            const std::string text = option.get<std::string>();
            const std::string name = optionName(text);
            if (name == "passwd_file" || name == "url")
                throw invalidConfig("s3fsOptions cannot set " + name + ": the mount sets it");
            if (!allowedOptions().contains(name))
                throw invalidConfig("s3fsOptions: " + name + " is not allowed here");
            for (const char c : text)
                if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("_=.-/:+").find(c) == std::string_view::npos)
                    throw invalidConfig("s3fsOptions: " + text + " has a character not allowed in an option");
            mount.s3fsOptions.push_back(text);
        }
    }
    if (options.contains("credentialProxy") && boolField(options, "credentialProxy", false))
        throw invalidConfig("credentialProxy is not available here: s3fs gets the credentials in a memfd");
    mount.rememberCredentials = boolField(options, "rememberCredentials", true);
    if (options.contains("credentials") && !options["credentials"].is_null()) {
        const Json &given = options["credentials"];
        if (!given.is_object())
            throw invalidConfig("credentials must be {accessKeyId, secretAccessKey}");
        mount.credentials = BucketCredentials{stringField(given, "accessKeyId"), stringField(given, "secretAccessKey")};
    } else {
        for (const char *kind : {"AWS", "R2"}) {
            const auto key = sandboxEnv.find(std::string(kind) + "_ACCESS_KEY_ID");
            const auto secret = sandboxEnv.find(std::string(kind) + "_SECRET_ACCESS_KEY");
            if (key != sandboxEnv.end() && secret != sandboxEnv.end()) {
                mount.credentials = BucketCredentials{key->second, secret->second};
                break;
            }
        }
    }
    if (!mount.credentials || mount.credentials->accessKeyId.empty() || mount.credentials->secretAccessKey.empty())
        throw ApiError("MISSING_CREDENTIALS",
                       "No credentials for bucket " + mount.bucket + ": give an access key ID and secret "
                       "(options.credentials), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or R2_ACCESS_KEY_ID "
                       "and R2_SECRET_ACCESS_KEY) in the sandbox's environment", {}, {}, 400);
    if (credentialProblem(mount.credentials->accessKeyId) || credentialProblem(mount.credentials->secretAccessKey))
        throw invalidConfig("credentials: at most 1024 characters each, without ':' or line breaks");
    return mount;
}

std::string s3fsOptionList(const BucketMount &mount, const std::string &passwordFile)
{
    // Ours first, then the provider's defaults, then the user's (later wins in s3fs), then ro.
    std::vector<std::string> options = {"passwd_file=" + passwordFile, "url=" + mount.endpoint,
                                        "connect_timeout=10", "retries=2", "dbglevel=warn"};
    if (mount.provider == "r2")
        options.emplace_back("nomixupload");
    else if (mount.provider.empty())
        options.emplace_back("use_path_request_style");
    options.insert(options.end(), mount.s3fsOptions.begin(), mount.s3fsOptions.end());
    if (mount.readOnly)
        options.emplace_back("ro");
    std::string list;
    for (const std::string &option : options)
        list += (list.empty() ? "" : ",") + option;
    return list;
}

std::string withoutCredentials(std::string text, const BucketMount &mount)
{
    if (!mount.credentials)
        return text;
    // A short credential ("A", "S3") is also part of ordinary words ("S3FS", "AccessKeyId"):
    // it is blanked only where it stands alone; a longer one wherever it is.
    auto alphanumeric = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    for (const std::string &secret : {mount.credentials->secretAccessKey, mount.credentials->accessKeyId}) {
        if (secret.empty())
            continue;
        for (std::size_t at = 0; (at = text.find(secret, at)) != std::string::npos;) {
            const std::size_t end = at + secret.size();
            const bool alone = (at == 0 || !alphanumeric(text[at - 1])) && (end == text.size() || !alphanumeric(text[end]));
            if (secret.size() >= 8 || alone) {
                text.replace(at, secret.size(), "***");
                at += 3;
            } else {
                at = end;
            }
        }
    }
    return text;
}

// One mount's relay: a socket listening on the sandbox's loopback (s3fs's proxy), each
// connection joined to the endpoint. HTTPS comes as CONNECT host:port, answered once the
// endpoint is reached; plain HTTP passes as it comes (absolute-form requests).
struct MountService::Relay : std::enable_shared_from_this<MountService::Relay> {
    Relay(asio::io_context &io, Endpoint to, std::uint16_t engine) : acceptor(io), endpoint(std::move(to)), enginePort(engine) {}

    asio::awaitable<void> acceptAll()
    {
        auto self = shared_from_this();
        for (;;) {
            boost::system::error_code error;
            asio::ip::tcp::socket client = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
            if (error == asio::error::operation_aborted || !acceptor.is_open())
                co_return;
            if (error) {
                asio::steady_timer pause(acceptor.get_executor(), 100ms); // out of descriptors: try again soon
                co_await pause.async_wait(asio::use_awaitable);
                continue;
            }
            if (open.size() >= kRelayConnections)
                continue; // closed by going out of scope
            // The listener came from inside the sandbox: an inherited linger would make
            // close() block the engine's thread.
            const linger noLinger{0, 0};
            setsockopt(client.native_handle(), SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
            asio::co_spawn(acceptor.get_executor(), serve(http::rawConnection(std::move(client))),
                           system::inBackground("bucket relay"));
        }
    }

    asio::awaitable<void> serve(std::unique_ptr<http::RawConnection> client)
    {
        auto self = shared_from_this();
        // Each connection is in `open` (closed when the relay goes) while this runs.
        struct Held {
            Relay &relay;
            std::vector<http::RawConnection *> connections;
            void add(http::RawConnection *connection)
            {
                relay.open.insert(connection);
                connections.push_back(connection);
            }
            ~Held()
            {
                for (http::RawConnection *connection : connections)
                    relay.open.erase(connection);
            }
        } held{*this, {}};
        held.add(client.get());
        std::string early; // bytes after a CONNECT request's head
        if (endpoint.tls) {
            std::string head;
            asio::steady_timer deadline(acceptor.get_executor(), 10s);
            auto readHead = [&]() -> asio::awaitable<void> {
                char chunk[2048];
                while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
                    const std::size_t got = co_await client->readSome(asio::buffer(chunk));
                    if (got == 0)
                        co_return;
                    head.append(chunk, got);
                }
            };
            co_await (readHead() || deadline.async_wait(asio::use_awaitable));
            const auto end = head.find("\r\n\r\n");
            const std::string wanted = "CONNECT " + hostPort() + " ";
            std::string line = head.substr(0, head.find("\r\n"));
            std::transform(line.begin(), line.end(), line.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string expected = wanted;
            std::transform(expected.begin(), expected.end(), expected.begin(), [](unsigned char c) { return std::tolower(c); });
            if (end == std::string::npos || !line.starts_with(expected)) {
                co_await client->writeAll(asio::buffer(std::string_view(
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")));
                co_return client->close();
            }
            early = head.substr(end + 4);
        }
        auto upstream = co_await connectEndpoint();
        if (!upstream) {
            co_await client->writeAll(asio::buffer(std::string_view(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")));
            co_return client->close();
        }
        held.add(upstream.get());
        if (endpoint.tls &&
            !co_await client->writeAll(asio::buffer(std::string_view("HTTP/1.1 200 Connection established\r\n\r\n"))))
            co_return;
        if (!early.empty() && !co_await upstream->writeAll(asio::buffer(early)))
            co_return;
        http::SpliceLimits limits;
        limits.idle = 10min;
        limits.halfClosedIdle = 60s;
        co_await http::splice(*client, *upstream, limits);
    }

    std::string hostPort() const
    {
        return (endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host) + ":" +
               std::to_string(endpoint.port);
    }

    // The endpoint, resolved on the host; never the engine's own port on loopback.
    asio::awaitable<std::unique_ptr<http::RawConnection>> connectEndpoint()
    {
        auto executor = acceptor.get_executor();
        asio::ip::tcp::resolver resolver(executor);
        boost::system::error_code error;
        asio::steady_timer deadline(executor, 10s);
        auto resolved = co_await (resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                                                         asio::redirect_error(asio::use_awaitable, error)) ||
                                  deadline.async_wait(asio::use_awaitable));
        if (resolved.index() != 0 || error) {
            lastFailure = "cannot resolve " + endpoint.host + (error ? ": " + error.message() : std::string());
            co_return nullptr;
        }
        for (const auto &entry : std::get<0>(resolved)) {
            // Never the engine: by any name of this machine's loopback (0.0.0.0, ::ffff:127.0.0.1).
            auto address = entry.endpoint().address();
            if (address.is_v6() && (address.to_v6().is_v4_mapped()))
                address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
            if ((address.is_loopback() || address.is_unspecified()) && entry.endpoint().port() == enginePort)
                continue;
            asio::ip::tcp::socket socket(executor);
            deadline.expires_after(10s);
            auto attempt = co_await (socket.async_connect(entry.endpoint(), asio::redirect_error(asio::use_awaitable, error)) ||
                                     deadline.async_wait(asio::use_awaitable));
            if (attempt.index() == 0 && !error) {
                socket.set_option(asio::ip::tcp::no_delay(true), error);
                co_return http::rawConnection(std::move(socket));
            }
            lastFailure = "cannot connect to " + entry.endpoint().address().to_string() + " port " +
                          std::to_string(endpoint.port) + ": " + (attempt.index() == 0 ? error.message() : "no answer in 10 s");
        }
        if (lastFailure.empty())
            lastFailure = "the engine's own port is not an endpoint";
        co_return nullptr;
    }

    void close()
    {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        for (http::RawConnection *connection : std::set<http::RawConnection *>(open))
            connection->close();
    }

    asio::ip::tcp::acceptor acceptor;
    Endpoint endpoint;
    std::uint16_t enginePort;
    std::set<http::RawConnection *> open;
    std::string lastFailure; // why the endpoint was last out of reach, for a mount's error
    unsigned port = 0;       // where it listens in the sandbox
};

MountService::MountService(SandboxManager &sandboxes, EventBus &events, std::function<std::uint16_t()> enginePort)
    : sandboxes_(sandboxes), events_(events), enginePort_(std::move(enginePort))
{
    sandboxes_.onRunning([this](std::shared_ptr<Sandbox> sandbox) {
        if (!sandbox->mounts.empty())
            asio::co_spawn(sandboxes_.io(), restore(std::move(sandbox)), system::inBackground("bucket mounts"));
    });
    sandboxes_.onRunEnded([this](Sandbox &sandbox) { runEnded(sandbox); });
    // s3fs's logs are bounded: the sandbox can raise s3fs's log level (SIGUSR2, its own uid).
    sandboxes_.everySecond([this] {
        for (const auto &[id, sandbox] : sandboxes_.all())
            for (const auto &[path, mount] : sandbox->mounts) {
                const std::string log = mountLog(SandboxPaths(sandboxes_.sandboxDirOf(id)), path);
                struct stat info{};
                if (mount.state != "unmounted" && stat(log.c_str(), &info) == 0 && info.st_size > kMountLogBytes)
                    truncate(log.c_str(), 0); // s3fs appends (O_APPEND): it goes on at the start
            }
    });
}

MountService::~MountService()
{
    for (auto &[id, relays] : relays_)
        for (auto &[path, relay] : relays)
            relay->close();
}

Json MountService::view(const BucketMount &mount)
{
    Json view = {{"bucket", mount.bucket},       {"mountPath", mount.mountPath}, {"endpoint", mount.endpoint},
                 {"provider", mount.provider.empty() ? Json(nullptr) : Json(mount.provider)},
                 {"prefix", mount.prefix.empty() ? Json(nullptr) : Json(mount.prefix)},
                 {"readOnly", mount.readOnly},   {"s3fsOptions", mount.s3fsOptions},
                 {"state", mount.state},         {"credentialsRemembered", mount.credentials && mount.rememberCredentials},
                 {"mountedAt", mount.mountedAt.empty() ? Json(nullptr) : Json(mount.mountedAt)}};
    if (!mount.lastError.empty())
        view["lastError"] = mount.lastError;
    return view;
}

void MountService::publish(const Sandbox &sandbox)
{
    events_.publish(mountsEvent(sandbox));
}

void MountService::addRoutes(http::RouteTable &table)
{
    table.add(verb::post, "/v1/sandboxes/{id}/mounts", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        BucketMount wanted = parseMountRequest(protocol::parseBody(call.request.body()), sandbox->options.envVars);
        co_await sandboxes_.ensureRunning(sandbox);
        const std::string path = wanted.mountPath;
        co_await mount(sandbox, std::move(wanted));
        Json reply = {{"mount", view(sandbox->mounts.at(path))}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::get, "/v1/sandboxes/{id}/mounts", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        Json mounts = Json::array();
        for (const auto &[path, mount] : sandbox->mounts)
            mounts.push_back(view(mount));
        Json reply = {{"mounts", std::move(mounts)}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
    table.add(verb::delete_, "/v1/sandboxes/{id}/mounts", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        auto sandbox = sandboxes_.require(call.params[0]);
        std::string path = http::percentDecode(http::queryValue(call.query, "path"));
        if (path.empty())
            throw invalidConfig("The path query parameter is required: ?path=/mnt/data");
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        co_await unmount(sandbox, path);
        Json reply = {{"mountPath", path}};
        co_await http::replySuccess(call.responder, std::move(reply));
    });
}

asio::awaitable<unsigned> MountService::openRelay(std::shared_ptr<Sandbox> sandbox, const BucketMount &mount, unsigned port)
{
    const HandedSocket handed = co_await socketFromAgent(sandboxes_.agentSocket(*sandbox),
                                                         "/internal/listen?port=" + std::to_string(port), 10s);
    system::UniqueFd descriptor{handed.descriptor};
    // What the agent hands over is checked, not trusted: a TCP socket listening on the
    // sandbox's IPv4 loopback.
    int accepting = 0, protocol = 0, domain = 0;
    socklen_t size = sizeof accepting;
    sockaddr_in local{};
    socklen_t localSize = sizeof local;
    const bool listening = descriptor.get() >= 0 &&
                           getsockopt(descriptor.get(), SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) == 0 && accepting &&
                           (size = sizeof protocol, getsockopt(descriptor.get(), SOL_SOCKET, SO_PROTOCOL, &protocol, &size) == 0) &&
                           protocol == IPPROTO_TCP &&
                           (size = sizeof domain, getsockopt(descriptor.get(), SOL_SOCKET, SO_DOMAIN, &domain, &size) == 0) &&
                           domain == AF_INET &&
                           getsockname(descriptor.get(), reinterpret_cast<sockaddr *>(&local), &localSize) == 0 &&
                           ntohl(local.sin_addr.s_addr) == INADDR_LOOPBACK;
    if (!handed.head.starts_with("HTTP/1.1 200") || !listening) {
        const auto body = handed.head.find("\r\n\r\n");
        throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: the sandbox could not listen for the endpoint's relay" +
                                               (body == std::string::npos ? std::string() : ": " + handed.head.substr(body + 4)),
                       {}, {}, 500);
    }
    auto relay = std::make_shared<Relay>(sandboxes_.io(), *parseEndpoint(mount.endpoint), enginePort_());
    relay->port = ntohs(local.sin_port);
    boost::system::error_code error;
    relay->acceptor.assign(asio::ip::tcp::v4(), descriptor.release(), error);
    if (error)
        throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: relay: " + error.message(), {}, {}, 500);
    closeRelay(sandbox->id, mount.mountPath, false);
    relays_[sandbox->id][mount.mountPath] = relay;
    asio::co_spawn(sandboxes_.io(), relay->acceptAll(), system::inBackground("bucket relay"));
    co_return ntohs(local.sin_port);
}

std::string MountService::failureReason(const std::string &log, const BucketMount &mount, const std::string &sandboxId,
                                        const std::string &mountPath) const
{
    const std::string said = logTail(log, mount);
    std::string unreached;
    if (const auto sandbox = relays_.find(sandboxId); sandbox != relays_.end())
        if (const auto relay = sandbox->second.find(mountPath); relay != sandbox->second.end())
            unreached = relay->second->lastFailure;
    if (unreached.empty())
        return said;
    // The endpoint was not reached: that is the reason; s3fs's own lines (curl's codes) follow.
    return "the endpoint cannot be reached: " + unreached + (said.empty() ? "" : "\n(s3fs: " + said + ")");
}

void MountService::closeRelay(const std::string &sandboxId, const std::string &mountPath, bool releasePort)
{
    const auto sandbox = relays_.find(sandboxId);
    if (sandbox == relays_.end())
        return;
    if (const auto relay = sandbox->second.find(mountPath); relay != sandbox->second.end()) {
        relay->second->close();
        // The agent keeps the port's listener until told: a mount that goes lets it go.
        if (releasePort && relay->second->port > 0) {
            if (const auto owner = sandboxes_.all().find(sandboxId); owner != sandboxes_.all().end())
                asio::co_spawn(sandboxes_.io(),
                               [socket = sandboxes_.agentSocket(*owner->second), port = relay->second->port]()
                                   -> asio::awaitable<void> {
                                   co_await socketFromAgent(socket, "/internal/listen?close=1&port=" + std::to_string(port), 5s);
                               },
                               system::inBackground("relay release"));
        }
        sandbox->second.erase(relay);
    }
    if (sandbox->second.empty())
        relays_.erase(sandbox);
}

asio::awaitable<void> MountService::mount(std::shared_ptr<Sandbox> sandbox, BucketMount wanted)
{
    auto lock = sandbox->mountsLock;
    auto guard = co_await lock->lock();
    const std::string path = wanted.mountPath;
    if (const auto existing = sandbox->mounts.find(path);
        existing != sandbox->mounts.end() && existing->second.state != "unmounted" && existing->second.state != "failed")
        throw invalidConfig("Mount path " + path + " is already in use by bucket " + existing->second.bucket);
    if (!sandbox->mounts.contains(path) && sandbox->mounts.size() >= kMountsPerSandbox)
        throw invalidConfig("A sandbox holds at most " + std::to_string(kMountsPerSandbox) + " mounts");
    if (nsenterBinary().empty())
        throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: nsenter (util-linux) is not installed", {}, {}, 500);
    if (system::firstExecutable({"/usr/bin/s3fs"}).empty())
        throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: s3fs is not installed (apt-get install s3fs)", {}, {}, 500);
    const pid_t init = co_await agentProcessWhenUp(sandbox); // the namespaces' way in
    const std::uint64_t attempt = ++attempts_;
    wanted.state = "mounting";
    wanted.lastError.clear();
    wanted.attempt = attempt;
    if (wanted.slot < 0 || wanted.slot >= static_cast<int>(kMountsPerSandbox)) {
        std::set<int> taken;
        for (const auto &[other, mount] : sandbox->mounts)
            if (other != path)
                taken.insert(mount.slot);
        wanted.slot = 0;
        while (taken.contains(wanted.slot))
            ++wanted.slot;
    }
    sandbox->mounts[path] = wanted;
    publish(*sandbox);
    BucketMount *current = &sandbox->mounts[path];
    const SandboxPaths paths(sandboxes_.sandboxDirOf(sandbox->id));
    const std::string log = mountLog(paths, path);
    const int slot = wanted.slot;
    std::string failure;
    std::exception_ptr refused;
    try {
        const std::vector<std::string> prepare = prepareCommand(init, path, slot);
        const system::Completion prepared = co_await runInside(prepare);
        if (prepared.exitCode == 3 || prepared.exitCode == 4)
            throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: this sandbox started before this engine offered "
                                               "bucket mounts (or the host has no /dev/fuse): stop and start it",
                           {}, {}, 500);
        if (prepared.exitCode == 5)
            throw invalidConfig("Mount path " + path + " is not empty: a mount would hide its files. Choose an "
                                "empty or new folder");
        if (prepared.exitCode != 0)
            throw invalidConfig("Cannot use mount path " + path + ": " +
                                (prepared.output.empty() ? std::string("no answer within 10 s") : prepared.output));
        current = &sandbox->mounts.at(path);
        // Made by this mount, or by this mount's first run (a restart finds its symlink there).
        current->createdDir = wanted.createdDir || prepared.output.starts_with("created");

        const unsigned relayPort = co_await openRelay(sandbox, *current, 0);
        current = &sandbox->mounts.at(path);
        current->relayPort = relayPort;

        system::UniqueFd password = passwordDescriptor(*current, sandbox->hostUid);
        system::UniqueFd logFd{open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600)};
        system::UniqueFd nullFd{open("/dev/null", O_RDONLY | O_CLOEXEC)};
        if (logFd.get() < 0 || nullFd.get() < 0)
            throw std::system_error(errno, std::generic_category(), "open " + log);
        system::SpawnOptions options = s3fsSpawn(init, *current, relayPort);
        options.fds = {{0, nullFd.get()}, {1, logFd.get()}, {2, logFd.get()}, {3, password.get()}};
        std::vector<system::UniqueFd> cgroups;
        for (const int fd : sandboxes_.cgroupProcsFds(*sandbox)) {
            cgroups.emplace_back(fd);
            options.joinCgroupFds.push_back(fd);
        }
        const pid_t helper = system::spawnProcess(options);
        current->helperPid = helper;
        asio::co_spawn(sandboxes_.io(), followHelper(sandbox, path, attempt, helper), system::inBackground("s3fs"));

        // Mounted once the mount table shows it and a name looked up under it gets an answer
        // from the bucket (s3fs checks the bucket first and gives up on refusal).
        const auto deadline = std::chrono::steady_clock::now() + kMountTimeout;
        asio::steady_timer tick(sandboxes_.io());
        bool seen = false;
        while (!seen && std::chrono::steady_clock::now() < deadline) {
            if (system::isGone(helper) || sandbox->mounts.count(path) == 0 || sandbox->mounts.at(path).attempt != attempt)
                break;
            seen = s3fsMountedAt(init, slotPath(slot));
            if (!seen) {
                tick.expires_after(20ms);
                co_await tick.async_wait(asio::use_awaitable);
            }
        }
        if (!seen)
            throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: " + failureReason(log, wanted, sandbox->id, path),
                           {}, {}, 500);
        asio::steady_timer checkDeadline(sandboxes_.io(), std::max<std::chrono::steady_clock::duration>(
                                                              deadline - std::chrono::steady_clock::now(), 1s));
        std::pair<unsigned, Json> checked{0, Json()};
        auto check = [&]() -> asio::awaitable<void> {
            checked = co_await callAgent(sandboxes_.agentSocket(*sandbox), verb::get,
                                         "/internal/mount-check?path=" + slotPath(slot) /* letters, digits, / and . */, Json());
        };
        co_await (check() || checkDeadline.async_wait(asio::use_awaitable));
        const int error = checked.second.is_object() ? checked.second.value("errno", -1) : -1;
        if (checked.first != 200 || (error != 0 && error != ENOENT)) {
            // s3fs gives up by itself; its log is complete once it has exited.
            co_await system::waitForProcessExit(helper, 2s);
            std::string why = failureReason(log, wanted, sandbox->id, path);
            if (why.empty())
                why = checked.first == 0 ? "no answer from the bucket within 30 s"
                                          : "the bucket refused: " + checked.second.value("message", std::string());
            throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: " + why, {}, {}, 500);
        }
        // s3fs checks the bucket when the mount starts and, refused, ends its loop; a lookup
        // already queued may still be answered meanwhile. One that is still there half a
        // second later has passed its check.
        if (co_await system::waitForProcessExit(helper, 500ms))
            throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: " + failureReason(log, wanted, sandbox->id, path),
                           {}, {}, 500);
    } catch (const ApiError &error) {
        if (error.code == "S3FS_MOUNT_ERROR")
            failure = error.what();
        else
            refused = std::current_exception();
    } catch (const std::exception &error) {
        failure = std::string("S3FS mount failed: ") + error.what();
    }
    if (refused) { // a bad request: nothing was mounted and nothing stays
        co_await abandon(sandbox, path, attempt, init);
        std::rethrow_exception(refused);
    }
    if (!failure.empty()) {
        unlink(log.c_str()); // its lines are in the answer
        co_await abandon(sandbox, path, attempt, init);
        throw ApiError("S3FS_MOUNT_ERROR", withoutCredentials(failure, wanted), {{"mountPath", path}, {"bucket", wanted.bucket}},
                       {}, 500);
    }
    const auto found = sandbox->mounts.find(path);
    if (found == sandbox->mounts.end() || found->second.attempt != attempt)
        throw ApiError("S3FS_MOUNT_ERROR", "S3FS mount failed: the sandbox stopped meanwhile", {}, {}, 500);
    BucketMount &result = found->second;
    result.state = "mounted";
    result.mountedAt = protocol::nowIso();
    try {
        sandboxes_.persist(*sandbox);
    } catch (const std::exception &error) {
        result.lastError = std::string("Mounted, but not remembered for the next start: ") + error.what();
    }
    publish(*sandbox);
}

asio::awaitable<void> MountService::abandon(std::shared_ptr<Sandbox> sandbox, std::string path, std::uint64_t attempt,
                                            pid_t init)
{
    const auto left = sandbox->mounts.find(path);
    if (left == sandbox->mounts.end() || left->second.attempt != attempt)
        co_return; // the sandbox stopped meanwhile, which took everything with it
    if (left->second.helperPid > 0)
        kill(-left->second.helperPid, SIGKILL); // s3fs's process group, and its mount with it
    const int slot = left->second.slot;
    const bool created = left->second.createdDir;
    sandbox->mounts.erase(left);
    closeRelay(sandbox->id, path);
    if (sandbox->status == "running") {
        co_await runInside(umountCommand(init, slot, true)); // nothing there: it says so, harmlessly
        co_await runInside(releasePathCommand(init, path, slot, created));
    }
    publish(*sandbox);
}

asio::awaitable<void> MountService::followHelper(std::shared_ptr<Sandbox> sandbox, std::string path,
                                                 std::uint64_t attempt, pid_t pid)
{
    co_await system::waitForProcessExit(pid);
    waitpid(pid, nullptr, 0);
    const auto found = sandbox->mounts.find(path);
    if (found == sandbox->mounts.end() || found->second.attempt != attempt)
        co_return;
    found->second.helperPid = 0;
    if (found->second.state != "mounted")
        co_return; // mounting (the mount reports it) or unmounting
    found->second.state = "failed";
    const std::string tail = logTail(mountLog(SandboxPaths(sandboxes_.sandboxDirOf(sandbox->id)), path), found->second);
    found->second.lastError = "s3fs exited" + (tail.empty() ? std::string() : ": " + tail);
    closeRelay(sandbox->id, path);
    publish(*sandbox);
}

asio::awaitable<void> MountService::unmount(std::shared_ptr<Sandbox> sandbox, std::string path)
{
    auto lock = sandbox->mountsLock;
    auto guard = co_await lock->lock();
    const auto found = sandbox->mounts.find(path);
    if (found == sandbox->mounts.end())
        throw invalidConfig("No active mount found at path: " + path);
    BucketMount &mount = found->second;
    const pid_t agent = sandbox->status == "running" && sandbox->initPid > 0 ? agentProcessOf(*sandbox) : 0;
    const int slot = mount.slot;
    if (agent > 0 && s3fsMountedAt(agent, slotPath(slot))) {
        mount.state = "unmounting";
        const std::uint64_t attempt = mount.attempt;
        const system::Completion done =
            co_await runInside(umountCommand(agent, slot, false));
        const auto still = sandbox->mounts.find(path);
        if (done.exitCode != 0) {
            if (still != sandbox->mounts.end() && still->second.attempt == attempt)
                still->second.state = "mounted";
            throw ApiError("BUCKET_UNMOUNT_ERROR", "Failed to unmount " + path + ": " + done.output +
                               (done.output.find("busy") != std::string::npos
                                    ? " (a program in the sandbox, or a shell whose current folder is in it, uses it)"
                                    : ""),
                           {{"mountPath", path}}, {}, 500);
        }
        // s3fs ends with its mount; a stuck one is ended.
        if (still != sandbox->mounts.end() && still->second.helperPid > 0 &&
            !co_await system::waitForProcessExit(still->second.helperPid, 5s)) {
            const auto again = sandbox->mounts.find(path);
            if (again != sandbox->mounts.end() && again->second.helperPid > 0)
                kill(-again->second.helperPid, SIGKILL);
        }
    } else if (mount.helperPid > 0) {
        kill(-mount.helperPid, SIGKILL);
    }
    const auto gone = sandbox->mounts.find(path);
    if (gone == sandbox->mounts.end())
        co_return;
    const bool created = gone->second.createdDir;
    sandbox->mounts.erase(gone);
    closeRelay(sandbox->id, path);
    if (agent > 0 && sandbox->status == "running") {
        co_await runInside(releasePathCommand(agent, path, slot, created));
    }
    unlink(mountLog(SandboxPaths(sandboxes_.sandboxDirOf(sandbox->id)), path).c_str());
    publish(*sandbox);
    sandboxes_.persist(*sandbox); // a full disk: unmounted all the same, the answer says it was not saved
}

void MountService::runEnded(Sandbox &sandbox)
{
    // s3fs ended with the sandbox's processes, its mounts with its mount namespace.
    for (auto &[path, mount] : sandbox.mounts) {
        mount.state = "unmounted";
        mount.helperPid = 0;
        ++mount.attempt;
        if (!mount.rememberCredentials)
            mount.credentials.reset(); // "do not remember": they lasted as long as the run
    }
    if (const auto relays = relays_.find(sandbox.id); relays != relays_.end()) {
        for (auto &[path, relay] : relays->second)
            relay->close();
        relays_.erase(relays);
    }
    if (!sandbox.mounts.empty())
        publish(sandbox);
}

asio::awaitable<void> MountService::restore(std::shared_ptr<Sandbox> sandbox)
{
    std::vector<std::string> paths;
    for (const auto &[path, mount] : sandbox->mounts)
        paths.push_back(path);
    for (const std::string &path : paths) {
        const auto found = sandbox->mounts.find(path);
        if (found == sandbox->mounts.end() || sandbox->status != "running")
            continue;
        const BucketMount remembered = found->second;
        pid_t agent = 0;
        try {
            agent = co_await agentProcessWhenUp(sandbox);
        } catch (const std::exception &) {
            co_return; // stopped again, or never came up: nothing to restore into
        }
        if (s3fsMountedAt(agent, slotPath(remembered.slot))) {
            // An engine restart: s3fs still runs, and the agent still holds its relay's port.
            std::string failure;
            try {
                co_await openRelay(sandbox, remembered, remembered.relayPort);
            } catch (const std::exception &error) {
                failure = error.what();
            }
            if (failure.empty()) {
                if (const auto again = sandbox->mounts.find(path); again != sandbox->mounts.end())
                    again->second.state = "mounted";
                publish(*sandbox);
                continue;
            }
            // Without its relay, s3fs goes (its proxy port is not the engine's any more) and
            // the mount is made anew below.
            co_await runInside(umountCommand(agent, remembered.slot, true));
        }
        if (!remembered.credentials) {
            found->second.state = "unmounted";
            found->second.lastError = "The credentials were not remembered: mount it again to use it";
            publish(*sandbox);
            continue;
        }
        try {
            co_await mount(sandbox, remembered);
        } catch (const std::exception &error) {
            // It stays listed with why it is not there, to be mounted again by hand.
            BucketMount kept = remembered;
            kept.state = "failed";
            kept.lastError = error.what();
            if (!sandbox->mounts.contains(path))
                sandbox->mounts[path] = kept;
            publish(*sandbox);
        }
    }
}

} // namespace sandbench::engine
