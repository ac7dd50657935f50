// Engine events (sandbox created, status, oom, deleted) for GET /v1/events: a bounded
// backlog with sequence numbers, streamed to every listener as server-sent events.
#pragma once

#include "http/HttpServer.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <vector>

namespace sandbench::engine {

class EventBus {
public:
    using Json = nlohmann::json;
    explicit EventBus(boost::asio::any_io_executor executor);

    void publish(Json event);

    // Streams the snapshot (what a new client needs to know at once), then every event
    // published until the client goes, with a keep-alive comment every 15 s.
    boost::asio::awaitable<void> stream(http::Responder &responder, std::vector<Json> snapshot);

private:
    static constexpr std::size_t kBacklog = 256;
    boost::asio::any_io_executor executor_;
    std::deque<std::pair<std::uint64_t, Json>> events_;
    std::uint64_t nextEvent_ = 1;
    boost::asio::steady_timer signal_; // cancelled on publish: wakes every stream
};

} // namespace sandbench::engine
