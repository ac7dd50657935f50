#include "agent/WatchService.h"
#include "system/MountTable.h"

#include "agent/FileService.h"
#include "protocol/Protocol.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <list>
#include <optional>
#include <regex>
#include <set>

namespace sandbench::agent {

using protocol::ApiError;

namespace {

constexpr auto kCoalescing = std::chrono::milliseconds(75);
constexpr std::size_t kMaxPending = 1000;
constexpr auto kRetainedIdle = std::chrono::minutes(10);
const std::vector<std::string> kDefaultExcludes = {".git", "node_modules", ".DS_Store"};

std::vector<std::string> patternList(const Json &body, const char *field)
{
    std::vector<std::string> patterns;
    const auto it = body.find(field);
    if (it == body.end() || it->is_null())
        return patterns;
    if (!it->is_array())
        throw ApiError("VALIDATION_FAILED", std::string(field) + " must be an array of strings");
    for (const auto &item : *it) {
        if (!item.is_string())
            throw ApiError("VALIDATION_FAILED", std::string(field) + " must be an array of strings");
        const std::string pattern = item.get<std::string>();
        if (pattern.empty() || pattern.find('\0') != std::string::npos ||
            pattern.find_first_of("[]{}") != std::string::npos)
            throw ApiError("VALIDATION_FAILED", "Invalid " + std::string(field) + " pattern '" + pattern +
                                                    "': use *, **, ? and / only");
        patterns.push_back(pattern);
    }
    return patterns;
}

std::optional<std::regex> anyOf(const std::vector<std::string> &globs)
{
    if (globs.empty())
        return std::nullopt;
    std::string source;
    for (const auto &glob : globs)
        source += (source.empty() ? "" : "|") + globToRegex(glob);
    return std::regex(source, std::regex::ECMAScript | std::regex::optimize);
}

// The agent's FUSE mounts (bucket mounts), for the walks of every watch (one thread).
system::FuseMounts &fuseMounts()
{
    static system::FuseMounts mounts;
    return mounts;
}

Json watchEvent(const std::string &type, const std::string &path, bool isDirectory, std::uint32_t cookie)
{
    Json event = {{"type", "event"}, {"eventType", type}, {"path", path}, {"isDirectory", isDirectory},
                  {"timestamp", protocol::nowIso()}};
    if (cookie)
        event["cookie"] = cookie; // pairs a move_from with its move_to
    return event;
}

} // namespace

std::string WatchRequest::key() const
{
    Json key = {{"path", path}, {"recursive", recursive}, {"include", include}, {"exclude", exclude}};
    return key.dump();
}

std::string globToRegex(const std::string &glob)
{
    std::string body;
    for (std::size_t i = 0; i < glob.size(); ++i) {
        const char c = glob[i];
        if (c == '*' && i + 1 < glob.size() && glob[i + 1] == '*') {
            body += ".*";
            ++i;
        } else if (c == '*') {
            body += "[^/]*";
        } else if (c == '?') {
            body += "[^/]";
        } else if (std::strchr("\\^$.|+()[]{}", c)) {
            body += '\\';
            body += c;
        } else {
            body += c;
        }
    }
    return "(^|/)" + body + "(/|$)";
}

WatchRequest parseWatchRequest(const Json &body, const std::string &workspace)
{
    const auto it = body.find("path");
    if (it == body.end() || !it->is_string())
        throw ApiError("VALIDATION_FAILED", "path is required");
    std::string path = it->get<std::string>();
    path.erase(0, path.find_first_not_of(" \t\r\n"));
    path.erase(path.find_last_not_of(" \t\r\n") + 1);
    if (path.empty() || path.find('\0') != std::string::npos)
        throw ApiError("VALIDATION_FAILED", "path must be a non-empty path");
    WatchRequest request;
    request.recursive = protocol::optionalBool(body, "recursive", true);
    request.include = patternList(body, "include");
    request.exclude = patternList(body, "exclude");
    if (!request.include.empty() && !request.exclude.empty())
        throw ApiError("VALIDATION_FAILED", "include and exclude cannot both be given");
    if (request.include.empty() && request.exclude.empty() && !body.contains("exclude"))
        request.exclude = kDefaultExcludes;
    request.path = normalisePath(path.front() == '/' ? path : workspace + "/" + path);
    if (request.path != workspace && request.path.rfind(workspace + "/", 0) != 0)
        throw ApiError("PERMISSION_DENIED", "path must be inside " + workspace,
                       {{"path", path}, {"resolvedPath", request.path}, {"workspaceRoot", workspace}});
    struct stat info{};
    if (stat(request.path.c_str(), &info) != 0)
        throw ApiError("FILE_NOT_FOUND", "Path does not exist: " + request.path, {{"path", request.path}});
    return request;
}

// One inotify instance for one (path, options); shared by its subscribers.
class Watcher : public std::enable_shared_from_this<Watcher> {
public:
    struct Subscriber {
        explicit Subscriber(asio::any_io_executor executor) : wake(std::move(executor)) {}
        std::vector<Json> pending;
        std::set<std::string> keys; // (eventType, path, isDirectory) of pending events
        std::optional<std::string> rescan; // reason the client must rescan
        std::optional<std::string> stopped;
        system::Notifier wake;
    };

    Watcher(asio::any_io_executor executor, WatchRequest request, std::string watchId)
        : request_(std::move(request)), watchId_(std::move(watchId)), descriptor_(executor),
          include_(anyOf(request_.include)), exclude_(anyOf(request_.exclude)), executor_(executor)
    {
    }

    ~Watcher() { close(); }

    void start()
    {
        const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0)
            throw ApiError("WATCH_START_ERROR", std::string("inotify_init1: ") + std::strerror(errno));
        descriptor_.assign(fd);
        struct stat info{};
        stat(request_.path.c_str(), &info);
        if (S_ISDIR(info.st_mode))
            addTree(request_.path, false);
        else
            addWatch(request_.path);
        if (watches_.empty())
            throw ApiError("WATCH_START_ERROR", "Cannot watch " + request_.path + ": " + std::strerror(errno));
        asio::co_spawn(executor_, [self = shared_from_this()]() -> asio::awaitable<void> { co_await self->readLoop(); },
                       [](std::exception_ptr) {});
    }

    void close()
    {
        boost::system::error_code ignored;
        descriptor_.close(ignored);
    }

    std::shared_ptr<Subscriber> subscribe()
    {
        auto subscriber = std::make_shared<Subscriber>(executor_);
        subscribers_.push_back(subscriber);
        return subscriber;
    }

    void unsubscribe(const std::shared_ptr<Subscriber> &subscriber)
    {
        subscribers_.remove(subscriber);
        lastUsed = std::chrono::steady_clock::now();
    }

    std::size_t subscriberCount() const { return subscribers_.size(); }
    const std::string &watchId() const { return watchId_; }
    const WatchRequest &request() const { return request_; }
    std::uint64_t eventCount = 0;
    bool retained = false;
    bool ended = false;
    std::chrono::steady_clock::time_point lastUsed = std::chrono::steady_clock::now();

private:
    bool excluded(const std::string &path) const
    {
        return exclude_ && std::regex_search(path, *exclude_);
    }

    bool wanted(const std::string &path) const
    {
        if (excluded(path))
            return false;
        return !include_ || std::regex_search(path, *include_);
    }

    bool addWatch(const std::string &path)
    {
        const int wd = inotify_add_watch(descriptor_.native_handle(), path.c_str(),
                                         IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM |
                                             IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW);
        if (wd < 0) {
            if (errno == ENOSPC)
                broadcastRescan("watch-limit", "the inotify watch limit is exhausted; " + path + " is not watched");
            return false;
        }
        watches_[wd] = path;
        return true;
    }

    // Watches dir and (recursively) its subdirectories; announces what already exists when asked,
    // so files created in a new directory before its watch existed are not lost.
    void addTree(const std::string &dir, bool announce)
    {
        if (!addWatch(dir))
            return;
        DIR *handle = opendir(dir.c_str());
        if (!handle)
            return;
        std::vector<std::string> subdirectories;
        while (dirent *entry = readdir(handle)) {
            const std::string name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            const std::string path = dir + "/" + name;
            const bool isDirectory = entry->d_type == DT_DIR;
            if (announce && wanted(path))
                publish("create", path, isDirectory, 0);
            // Not into a FUSE mount (a bucket): its endpoint may hang, and the agent with it.
            if (isDirectory && request_.recursive && !excluded(path) && !fuseMounts().isMountPoint(path))
                subdirectories.push_back(path);
        }
        closedir(handle);
        for (const auto &path : subdirectories)
            addTree(path, announce);
    }

    void publish(const std::string &type, const std::string &path, bool isDirectory, std::uint32_t cookie)
    {
        ++eventCount;
        const std::string key = type + '\n' + path + '\n' + (isDirectory ? "d" : "f");
        for (auto &subscriber : subscribers_) {
            if (subscriber->keys.count(key))
                continue; // coalesced with an event already waiting in this batch
            if (subscriber->pending.size() >= kMaxPending) {
                subscriber->rescan = "overflow";
            } else {
                subscriber->keys.insert(key);
                subscriber->pending.push_back(watchEvent(type, path, isDirectory, cookie));
            }
            subscriber->wake.notify();
        }
    }

    void broadcastRescan(const std::string &reason, const std::string &)
    {
        ++eventCount;
        for (auto &subscriber : subscribers_) {
            subscriber->rescan = reason;
            subscriber->wake.notify();
        }
    }

    void end(const std::string &reason)
    {
        ended = true;
        for (auto &subscriber : subscribers_) {
            subscriber->stopped = reason;
            subscriber->wake.notify();
        }
        close();
    }

    asio::awaitable<void> readLoop()
    {
        alignas(inotify_event) char buffer[64 * 1024];
        while (descriptor_.is_open()) {
            boost::system::error_code error;
            co_await descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                                            asio::redirect_error(asio::use_awaitable, error));
            if (error || !descriptor_.is_open())
                co_return;
            for (;;) {
                const ssize_t n = ::read(descriptor_.native_handle(), buffer, sizeof buffer);
                if (n <= 0)
                    break;
                for (char *at = buffer; at < buffer + n;) {
                    const auto *event = reinterpret_cast<const inotify_event *>(at);
                    at += sizeof(inotify_event) + event->len;
                    handle(*event);
                    if (ended)
                        co_return;
                }
            }
        }
    }

    void handle(const inotify_event &event)
    {
        if (event.mask & IN_Q_OVERFLOW) {
            broadcastRescan("overflow", "the kernel event queue overflowed");
            return;
        }
        const auto watch = watches_.find(event.wd);
        if (watch == watches_.end())
            return;
        const std::string dir = watch->second;
        if (event.mask & IN_IGNORED) {
            watches_.erase(watch);
            if (dir == request_.path)
                end("Watched path was removed");
            return;
        }
        if (event.len == 0) {
            if ((event.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) && dir == request_.path)
                end(event.mask & IN_DELETE_SELF ? "Watched path was removed" : "Watched path was moved");
            else if (event.mask & (IN_MODIFY | IN_CLOSE_WRITE))
                publish("modify", dir, false, 0); // a watched single file
            return;
        }
        const std::string path = dir + "/" + event.name;
        const bool isDirectory = event.mask & IN_ISDIR;
        // The agent's own atomic writes: report the rename as the create or modify it stands for.
        if (const std::string kind = atomicTempKind(event.name); !kind.empty()) {
            if (event.mask & IN_MOVED_FROM) {
                if (atomicRenames_.size() > 1000)
                    atomicRenames_.clear(); // renames whose other half left the watched tree
                atomicRenames_[event.cookie] = kind;
            }
            return;
        }
        if ((event.mask & IN_MOVED_TO) && atomicRenames_.count(event.cookie)) {
            const std::string kind = atomicRenames_[event.cookie];
            atomicRenames_.erase(event.cookie);
            if (wanted(path))
                publish(kind == "new" ? "create" : "modify", path, false, 0);
            return;
        }
        if (isDirectory && request_.recursive && (event.mask & (IN_CREATE | IN_MOVED_TO)) && !excluded(path))
            addTree(path, true);
        if (!wanted(path))
            return;
        if (event.mask & IN_CREATE)
            publish("create", path, isDirectory, 0);
        if (event.mask & (IN_MODIFY | IN_CLOSE_WRITE))
            publish("modify", path, isDirectory, 0);
        if (event.mask & IN_DELETE)
            publish("delete", path, isDirectory, 0);
        if (event.mask & IN_MOVED_FROM)
            publish("move_from", path, isDirectory, event.cookie);
        if (event.mask & IN_MOVED_TO)
            publish("move_to", path, isDirectory, event.cookie);
    }

    WatchRequest request_;
    std::string watchId_;
    asio::posix::stream_descriptor descriptor_;
    std::map<int, std::string> watches_;
    std::map<std::uint32_t, std::string> atomicRenames_; // rename cookie -> "new" or "replace"
    std::optional<std::regex> include_;
    std::optional<std::regex> exclude_;
    std::list<std::shared_ptr<Subscriber>> subscribers_;
    asio::any_io_executor executor_;
};

WatchService::WatchService(asio::any_io_executor executor, AgentConfig &config)
    : executor_(std::move(executor)), config_(config)
{
}

WatchService::~WatchService() = default;

std::shared_ptr<Watcher> WatchService::acquire(const WatchRequest &request)
{
    expireIdleRetained();
    const std::string key = request.key();
    if (auto it = watchers_.find(key); it != watchers_.end() && !it->second->ended)
        return it->second;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    auto watcher = std::make_shared<Watcher>(executor_, request,
                                             "watch-" + std::to_string(nextWatch_++) + "-" + std::to_string(now));
    watcher->start();
    watchers_[key] = watcher;
    return watcher;
}

void WatchService::release(const std::shared_ptr<Watcher> &watcher)
{
    if (watcher->subscriberCount() > 0 || watcher->retained)
        return;
    watcher->close(); // the last subscriber left: free the inotify watches now
    const auto it = watchers_.find(watcher->request().key());
    if (it != watchers_.end() && it->second == watcher)
        watchers_.erase(it);
}

void WatchService::expireIdleRetained()
{
    const auto now = std::chrono::steady_clock::now();
    for (auto it = watchers_.begin(); it != watchers_.end();) {
        auto &watcher = it->second;
        if (watcher->ended || (watcher->retained && watcher->subscriberCount() == 0 && now - watcher->lastUsed > kRetainedIdle)) {
            watcher->close();
            it = watchers_.erase(it);
        } else {
            ++it;
        }
    }
}

namespace {
Json watchingEvent(const WatchRequest &request, const std::string &watchId)
{
    return {{"type", "watching"}, {"path", request.path}, {"watchId", watchId}};
}
Json rescanEvent(const std::string &path, const std::string &reason)
{
    return {{"type", "rescan"}, {"path", path}, {"reason", reason}, {"timestamp", protocol::nowIso()}};
}
Json errorEvent(const std::string &message)
{
    return {{"type", "error"}, {"error", message}};
}
Json stoppedEvent(const std::string &reason)
{
    return {{"type", "stopped"}, {"reason", reason}};
}
} // namespace

asio::awaitable<void> WatchService::watch(WatchRequest request, Emit send)
{
    std::shared_ptr<Watcher> watcher;
    std::string failure;
    try {
        watcher = acquire(request);
    } catch (const std::exception &error) {
        failure = error.what();
    }
    if (!watcher) {
        co_await send(errorEvent(failure));
        co_return;
    }
    auto subscriber = watcher->subscribe();
    // Leaving by any path (client gone, cancellation, stop) releases the subscription.
    struct Leave {
        WatchService *service;
        std::shared_ptr<Watcher> watcher;
        std::shared_ptr<Watcher::Subscriber> subscriber;
        ~Leave()
        {
            watcher->unsubscribe(subscriber);
            service->release(watcher);
        }
    } leave{this, watcher, subscriber};

    if (!co_await send(watchingEvent(request, watcher->watchId())))
        co_return;
    asio::steady_timer window(co_await asio::this_coro::executor);
    auto lastDelivery = std::chrono::steady_clock::time_point{};
    for (;;) {
        if (subscriber->pending.empty() && !subscriber->rescan && !subscriber->stopped)
            co_await subscriber->wake.wait();
        // An event after a quiet spell goes out at once; within 75 ms of the last batch,
        // events gather so a burst of writes to one file becomes one event.
        if (const auto due = lastDelivery + kCoalescing; std::chrono::steady_clock::now() < due) {
            window.expires_at(due);
            co_await window.async_wait(asio::use_awaitable);
        }
        lastDelivery = std::chrono::steady_clock::now();
        std::vector<Json> batch = std::exchange(subscriber->pending, {});
        subscriber->keys.clear();
        for (const auto &event : batch)
            if (!co_await send(event))
                co_return;
        if (subscriber->rescan) {
            const std::string reason = *std::exchange(subscriber->rescan, std::nullopt);
            if (!co_await send(rescanEvent(request.path, reason)))
                co_return;
        }
        if (subscriber->stopped) {
            co_await send(stoppedEvent(*subscriber->stopped));
            co_return;
        }
    }
}

Json WatchService::check(const Json &body)
{
    const WatchRequest request = parseWatchRequest(body, config_.workspace);
    std::optional<std::pair<std::string, std::uint64_t>> since;
    if (body.contains("since") && !body["since"].is_null()) {
        const std::string text = body["since"].is_string() ? body["since"].get<std::string>() : "";
        const auto colon = text.rfind(':');
        if (text.find_first_not_of(" \t\r\n") == std::string::npos || colon == std::string::npos ||
            text.find('\0') != std::string::npos || colon + 1 >= text.size() ||
            text.find_first_not_of("0123456789", colon + 1) != std::string::npos)
            throw ApiError("VALIDATION_FAILED", "since must be a version returned by an earlier check");
        since = std::make_pair(text.substr(0, colon), std::stoull(text.substr(colon + 1)));
    }
    const bool existed = watchers_.count(request.key()) && !watchers_[request.key()]->ended;
    std::shared_ptr<Watcher> watcher;
    try {
        watcher = acquire(request);
    } catch (const ApiError &error) {
        throw ApiError("WATCH_START_ERROR", error.what(), {{"path", request.path}});
    }
    watcher->retained = true;
    watcher->lastUsed = std::chrono::steady_clock::now();
    const std::string version = watcher->watchId() + ":" + std::to_string(watcher->eventCount);
    if (!since)
        return {{"status", "unchanged"}, {"version", version}};
    if (since->first != watcher->watchId())
        return {{"status", "resync"}, {"reason", existed ? "restarted" : "expired"}, {"version", version}};
    if (since->second > watcher->eventCount)
        throw ApiError("VALIDATION_FAILED", "since is ahead of the current version");
    return {{"status", since->second == watcher->eventCount ? "unchanged" : "changed"}, {"version", version}};
}

void WatchService::addRoutes(http::RouteTable &table)
{
    using http::bhttp::verb;
    table.add(verb::post, "/api/watch", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        const Json body = protocol::parseBody(call.request.body());
        rejectBlankSessionId(body);
        WatchRequest request = parseWatchRequest(body, config_.workspace);
        co_await streamEvents(call.responder, [&](Emit send) { return watch(request, send); });
    });
    table.add(verb::post, "/api/watch/check", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await replySuccess(call.responder, check(protocol::parseBody(call.request.body())));
    });
}

} // namespace sandbench::agent
