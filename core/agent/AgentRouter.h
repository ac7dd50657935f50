// The agent's HTTP layer: a table of routes, to which each service adds its own
// (addRoutes), and the dispatch of a request to the one it names. Errors become the
// protocol's envelope in core/http.
#pragma once

#include "agent/ArchiveService.h"
#include "agent/FileService.h"
#include "agent/GitService.h"
#include "agent/InterpreterService.h"
#include "agent/PortService.h"
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
    PortService &ports() { return ports_; }

    const http::RouteTable &routes() const { return routes_; }

private:

    AgentConfig config_;
    Lifeline lifeline_;
    SessionService sessions_;
    ProcessService processes_;
    FileService files_;
    WatchService watches_;
    PtyService ptys_;
    InterpreterService interpreter_;
    PortService ports_;
    GitService git_;
    ArchiveService archives_;
    http::RouteTable routes_;
};

} // namespace sandbench::agent
