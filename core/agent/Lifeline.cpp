#include "agent/Lifeline.h"

#include "protocol/Protocol.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/stat.h>

namespace sandbench::agent {

using protocol::ApiError;

void applySettings(AgentConfig &config, const nlohmann::json &settings)
{
    if (!settings.is_object())
        throw ApiError("VALIDATION_FAILED", "settings must be an object");
    if (settings.contains("envVars") && !settings["envVars"].is_null())
        protocol::applyEnvChanges(config.baseEnv, settings["envVars"], "envVars");
    if (settings.contains("sleepAfter")) {
        const auto &sleepAfter = settings["sleepAfter"];
        if (sleepAfter.is_number_integer() && sleepAfter.get<long long>() > 0)
            config.sleepAfter = std::chrono::seconds(sleepAfter.get<long long>());
        else if (sleepAfter.is_null())
            config.sleepAfter.reset(); // keepAlive
        else
            throw ApiError("VALIDATION_FAILED", "sleepAfter must be a positive number of seconds or null");
    }
    if (settings.contains("interpreterPool") && settings["interpreterPool"].is_object()) {
        const auto &pool = settings["interpreterPool"];
        auto size = [&pool](const char *name, std::size_t &target) {
            if (pool.contains(name) && pool[name].is_number_integer() && pool[name].get<long long>() >= 0 &&
                pool[name].get<long long>() <= 8)
                target = static_cast<std::size_t>(pool[name].get<long long>());
        };
        size("python", config.pythonPool);
        size("javascript", config.nodePool);
    }
}

Lifeline::Lifeline(const AgentConfig &config, std::function<void(const std::string &)> end)
    : config_(config), end_(std::move(end))
{
}

void Lifeline::requestStarted()
{
    ++activeRequests_;
    lastActivity_ = std::chrono::steady_clock::now();
}

void Lifeline::requestEnded()
{
    --activeRequests_;
    lastActivity_ = std::chrono::steady_clock::now();
}

std::string Lifeline::reasonToEnd(std::chrono::steady_clock::time_point now) const
{
    // A deleted directory keeps existing for whoever has it bound, with no links left.
    struct stat workspace{};
    if (stat(config_.workspace.c_str(), &workspace) != 0 || workspace.st_nlink == 0)
        return "the sandbox's workspace was deleted on the host";
    // A workspace in a disk image keeps its links when the image is deleted: the marker tells.
    struct stat marker{};
    if (config_.lifelineFd >= 0 && fstat(config_.lifelineFd, &marker) == 0 && marker.st_nlink == 0)
        return "the sandbox's state directory was deleted on the host";
    if (config_.sleepAfter && activeRequests_ == 0 && now - lastActivity_ > *config_.sleepAfter + kGrace)
        return "no client for " + std::to_string((*config_.sleepAfter + kGrace).count()) +
               " s (sleepAfter, and no engine stopped the sandbox)";
    return {};
}

asio::awaitable<void> Lifeline::watch(std::chrono::milliseconds interval)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(interval);
        co_await timer.async_wait(asio::use_awaitable);
        if (const std::string why = reasonToEnd(std::chrono::steady_clock::now()); !why.empty()) {
            end_(why);
            co_return;
        }
    }
}

} // namespace sandbench::agent
