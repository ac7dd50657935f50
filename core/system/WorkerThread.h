// Blocking work (helpers that may run for minutes: moving a workspace into a disk image)
// off an event loop's thread: the work runs on a thread of its own, and the awaiting
// coroutine resumes on its own executor with the result, or the work's exception.
// The work must not touch state the loop's thread owns.
#pragma once

#include "system/Subprocess.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <thread>

namespace sandbench::system {

template <typename T>
boost::asio::awaitable<T> onWorkerThread(std::function<T()> work)
{
    namespace asio = boost::asio;
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, T)>(
        [executor](auto handler, std::function<T()> job) {
            // Detached: a thread that ends with its job, so an exiting engine waits for none.
            std::thread([executor, handler = std::move(handler), job = std::move(job)]() mutable {
                std::exception_ptr failure;
                T result{};
                try {
                    result = job();
                } catch (...) {
                    failure = std::current_exception();
                }
                asio::post(executor, [handler = std::move(handler), failure, result = std::move(result)]() mutable {
                    std::move(handler)(failure, std::move(result));
                });
            }).detach();
        },
        asio::use_awaitable, std::move(work));
}

// runToCompletion off the event loop's thread: helpers that may run for minutes (an archive
// of a gigabyte) never hold the loop.
inline boost::asio::awaitable<Completion> runToCompletionLater(SpawnOptions options, std::chrono::milliseconds timeout,
                                                               std::size_t maxOutput = 4000)
{
    std::function<Completion()> run = [options = std::move(options), timeout, maxOutput] {
        return runToCompletion(options, timeout, {}, maxOutput);
    };
    co_return co_await onWorkerThread(std::move(run));
}

} // namespace sandbench::system
