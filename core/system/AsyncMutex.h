// FIFO semaphores and mutexes for coroutines on one executor: waiters are served in
// arrival order.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

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
        auto waiter = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                                   boost::asio::steady_timer::time_point::max());
        waiters_.push_back(waiter);
        boost::system::error_code ignored;
        co_await waiter->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
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
        next->cancel();
    }

    std::size_t free_;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters_;
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
