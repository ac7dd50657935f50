// The agent's HTTP layer: matches a route, parses the body, calls the
// service for that area, and encodes the result or the error envelope.
#pragma once

#include "agent/FileService.h"
#include "agent/Lifeline.h"
#include "agent/ProcessService.h"
#include "agent/PtyService.h"
#include "agent/WatchService.h"
#include "agent/SessionService.h"
#include "http/HttpServer.h"

namespace sandbench::agent {

class AgentRouter {
public:
    // onEnd: called when the Lifeline decides the sandbox should end (see Lifeline.h).
    AgentRouter(asio::any_io_executor executor, AgentConfig config,
                std::function<void(const std::string &why)> onEnd = [](const std::string &) {});
    asio::awaitable<void> handle(http::Request &request, http::Responder &responder);

    Lifeline &lifeline() { return lifeline_; }
    SessionService &sessions() { return sessions_; }
    ProcessService &processes() { return processes_; }

private:
    asio::awaitable<void> route(http::Request &request, http::Responder &responder, const std::string &path,
                                const std::string &query);
    asio::awaitable<void> streamEvents(http::Responder &responder,
                                       std::function<asio::awaitable<void>(ProcessService::Emit)> produce);

    AgentConfig config_;
    Lifeline lifeline_;
    SessionService sessions_;
    ProcessService processes_;
    FileService files_;
    WatchService watches_;
    PtyService ptys_;
};

} // namespace sandbench::agent
