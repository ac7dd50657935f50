// Wakes every coroutine waiting on it; waiters re-check their condition after waking.
// The timer never expires on its own and is never re-armed, so waking is only by notify().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sandbench::system {

class Notifier {
public:
    explicit Notifier(boost::asio::any_io_executor executor)
        : timer_(std::move(executor), boost::asio::steady_timer::time_point::max()) {}

    // Returns after notify(); throws operation_aborted when the awaiting coroutine itself is
    // cancelled (a stream whose client left), so waiting loops end instead of waiting again.
    boost::asio::awaitable<void> wait()
    {
        boost::system::error_code ignored;
        co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
        const auto state = co_await boost::asio::this_coro::cancellation_state;
        if (state.cancelled() != boost::asio::cancellation_type::none)
            throw boost::system::system_error(boost::asio::error::operation_aborted);
    }

    void notify() { timer_.cancel(); }

private:
    boost::asio::steady_timer timer_;
};

} // namespace sandbench::system
