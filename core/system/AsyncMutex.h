// A FIFO mutex for coroutines on one executor: waiters are served in arrival order.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <memory>

namespace sandbench::system {

class AsyncMutex {
public:
    // Unlocks on destruction unless moved from.
    class Guard {
    public:
        explicit Guard(AsyncMutex *mutex) : mutex_(mutex) {}
        Guard(Guard &&other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
        Guard &operator=(Guard &&) = delete;
        ~Guard() { if (mutex_) mutex_->unlock(); }
    private:
        AsyncMutex *mutex_;
    };

    boost::asio::awaitable<Guard> lock()
    {
        if (!locked_) {
            locked_ = true;
            co_return Guard(this);
        }
        auto waiter = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                                   boost::asio::steady_timer::time_point::max());
        waiters_.push_back(waiter);
        boost::system::error_code ignored;
        co_await waiter->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
        co_return Guard(this); // ownership was handed over by unlock()
    }

    bool locked() const { return locked_; }

private:
    void unlock()
    {
        if (waiters_.empty()) {
            locked_ = false;
            return;
        }
        auto next = waiters_.front();
        waiters_.pop_front();
        next->cancel();
    }

    bool locked_ = false;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters_;
};

} // namespace sandbench::system
