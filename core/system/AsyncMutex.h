// FIFO semaphores and mutexes for coroutines on one executor: waiters are served in
// arrival order; a waiter whose coroutine is cancelled leaves the queue (operation_aborted)
// and never holds the slot.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <memory>

namespace sandbench::system {

class AsyncSemaphore {
public:
    explicit AsyncSemaphore(std::size_t slots) : free_(slots) {}

    // Gives the slot back on destruction unless moved from.
    class Guard {
    public:
        explicit Guard(AsyncSemaphore *semaphore) : semaphore_(semaphore) {}
        Guard(Guard &&other) noexcept : semaphore_(std::exchange(other.semaphore_, nullptr)) {}
        Guard &operator=(Guard &&) = delete;
        ~Guard() { if (semaphore_) semaphore_->release(); }
    private:
        AsyncSemaphore *semaphore_;
    };

    boost::asio::awaitable<Guard> acquire()
    {
        if (free_ > 0) {
            --free_;
            co_return Guard(this);
        }
        auto waiter = std::make_shared<Waiter>(co_await boost::asio::this_coro::executor);
        waiters_.push_back(waiter);
        boost::system::error_code ignored;
        co_await waiter->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
        const auto state = co_await boost::asio::this_coro::cancellation_state;
        const bool cancelled = state.cancelled() != boost::asio::cancellation_type::none;
        if (!waiter->granted) {
            // The waiting coroutine was cancelled (its client left): it never held the slot.
            std::erase(waiters_, waiter);
            throw boost::system::system_error(boost::asio::error::operation_aborted);
        }
        if (cancelled) {
            release(); // handed over, but nobody wants it any more: to the next one
            throw boost::system::system_error(boost::asio::error::operation_aborted);
        }
        co_return Guard(this); // the slot was handed over by release()
    }

    std::size_t available() const { return free_; }

private:
    void release()
    {
        if (waiters_.empty()) {
            ++free_;
            return;
        }
        auto next = waiters_.front();
        waiters_.pop_front();
        next->granted = true;
        next->timer.cancel();
    }

    struct Waiter {
        explicit Waiter(boost::asio::any_io_executor executor)
            : timer(std::move(executor), boost::asio::steady_timer::time_point::max()) {}
        boost::asio::steady_timer timer;
        bool granted = false;
    };

    std::size_t free_;
    std::deque<std::shared_ptr<Waiter>> waiters_;
};

class AsyncMutex {
public:
    using Guard = AsyncSemaphore::Guard;
    boost::asio::awaitable<Guard> lock() { return slot_.acquire(); }
    bool locked() const { return slot_.available() == 0; }

private:
    AsyncSemaphore slot_{1};
};

} // namespace sandbench::system
