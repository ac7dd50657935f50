// Ends the sandbox when nothing should keep it alive: its state directory was
// deleted (the workspace bind, or the engine's marker file for it, has no links left:
// a workspace in a disk image keeps its own), or no client has talked to it for
// longer than its sleepAfter while no engine enforces that (the engine crashed or
// was killed). The engine stops idle sandboxes itself first; this is the backstop.
#pragma once

#include "agent/AgentConfig.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace sandbench::agent {

namespace asio = boost::asio;

// Applies {envVars?: {NAME: value|null}, sleepAfter?: seconds|null} from the engine
// (at launch, through the settings descriptor, and on PATCH). Throws ApiError on bad input.
void applySettings(AgentConfig &config, const nlohmann::json &settings);

class Lifeline {
public:
    // The engine's own idle sleep gets this long to act before the agent ends itself.
    static constexpr std::chrono::seconds kGrace{60};

    Lifeline(const AgentConfig &config, std::function<void(const std::string &why)> end);

    // Counts a request as activity for its whole length (a stream keeps the sandbox awake).
    void requestStarted();
    void requestEnded();

    // The reason to end now, or empty. Called by watch() every few seconds.
    std::string reasonToEnd(std::chrono::steady_clock::time_point now) const;
    asio::awaitable<void> watch(std::chrono::milliseconds interval);

private:
    const AgentConfig &config_;
    std::function<void(const std::string &)> end_;
    int activeRequests_ = 0;
    std::chrono::steady_clock::time_point lastActivity_ = std::chrono::steady_clock::now();
};

} // namespace sandbench::agent
