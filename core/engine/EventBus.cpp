#include "engine/EventBus.h"

#include "protocol/Protocol.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sandbench::engine {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

EventBus::EventBus(asio::any_io_executor executor)
    : executor_(executor), signal_(executor, asio::steady_timer::time_point::max())
{
}

void EventBus::publish(Json event)
{
    events_.emplace_back(nextEvent_++, std::move(event));
    while (events_.size() > kBacklog)
        events_.pop_front();
    signal_.cancel();
}

asio::awaitable<void> EventBus::stream(http::Responder &responder, std::vector<Json> snapshot)
{
    if (!co_await responder.beginStream(http::sseHeader()))
        co_return;
    std::uint64_t seen = nextEvent_ - 1;
    for (const Json &event : snapshot)
        if (!co_await responder.writeChunk(protocol::sseEvent(event)))
            co_return;
    auto pump = [&]() -> asio::awaitable<void> {
        for (;;) {
            for (const auto &[sequence, event] : events_) {
                if (sequence <= seen)
                    continue;
                seen = sequence;
                if (!co_await responder.writeChunk(protocol::sseEvent(event)))
                    co_return;
            }
            if (!events_.empty() && events_.back().first > seen)
                continue; // published while we were sending: no wait, or it would be missed
            asio::steady_timer heartbeat(executor_, std::chrono::seconds(15));
            boost::system::error_code ignored;
            auto woke = co_await (signal_.async_wait(asio::redirect_error(asio::use_awaitable, ignored)) ||
                                  heartbeat.async_wait(asio::redirect_error(asio::use_awaitable, ignored)));
            if (woke.index() == 1 && !co_await responder.writeChunk(": keep-alive\n\n"))
                co_return;
        }
    };
    co_await (pump() || responder.waitForClientClose());
    co_await responder.endStream();
}

} // namespace sandbench::engine
