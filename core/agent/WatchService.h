// File watching: /api/watch streams inotify events (recursive, glob filters,
// coalesced every 75 ms, rescan events instead of silent loss) and
// /api/watch/check answers from retained watchers with change versions.
#pragma once

#include "agent/AgentConfig.h"
#include "agent/Routes.h"
#include "system/Notifier.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sandbench::agent {

using Json = nlohmann::json;
namespace asio = boost::asio;

struct WatchRequest {
    std::string path; // absolute, inside the workspace, existing
    bool recursive = true;
    std::vector<std::string> include;
    std::vector<std::string> exclude;
    std::string key() const;
};

// Validates a /api/watch body (VALIDATION_FAILED, PERMISSION_DENIED, FILE_NOT_FOUND).
WatchRequest parseWatchRequest(const Json &body, const std::string &workspace);

// "(^|/)<glob>(/|$)" as a regular expression source: ** any, * within a segment, ? one char.
std::string globToRegex(const std::string &glob);

class Watcher;

class WatchService {
public:
    WatchService(asio::any_io_executor executor, AgentConfig &config);
    ~WatchService();

    // /api/watch (SSE) and /api/watch/check.
    void addRoutes(http::RouteTable &table);

    // Streams events until the client leaves (send returns false or the caller stops awaiting).
    asio::awaitable<void> watch(WatchRequest request, Emit send);
    // POST /api/watch/check.
    Json check(const Json &body);

    std::size_t activeWatchers() const { return watchers_.size(); }

private:
    std::shared_ptr<Watcher> acquire(const WatchRequest &request);
    void release(const std::shared_ptr<Watcher> &watcher);
    void expireIdleRetained();

    asio::any_io_executor executor_;
    AgentConfig &config_;
    std::map<std::string, std::shared_ptr<Watcher>> watchers_;
    std::uint64_t nextWatch_ = 1;
};

} // namespace sandbench::agent
