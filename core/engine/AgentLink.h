// The engine's side of the agent socket: forwarding a client's request with
// the response streamed back unbuffered, and small internal calls.
#pragma once

#include "http/HttpServer.h"

#include <chrono>
#include <stdexcept>

namespace sandbench::engine {

// The agent socket refused or dropped the connection before answering.
struct AgentUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Sends request (its target already rewritten to /api/...) and relays the
// response. Throws AgentUnavailable when nothing was relayed yet.
http::asio::awaitable<void> forwardToAgent(const std::string &socketPath, http::Request &request,
                                           http::Responder &responder);

// Relays a client's WebSocket upgrade (/ws/pty) to the agent's route at target, frames both
// ways, until either side closes. When the agent refuses the upgrade its error envelope is
// thrown as ApiError before the client's upgrade is accepted.
http::asio::awaitable<void> relayWebSocketToAgent(const std::string &socketPath, const http::Request &request,
                                                  http::Responder &responder, std::string target);

// Sends request's header (target already rewritten) and then the client's body piece by
// piece as it is read, never holding it whole; relays the agent's answer. A client that
// breaks off mid-body makes the agent discard the partial upload.
http::asio::awaitable<void> forwardUploadToAgent(const std::string &socketPath, http::Request &request,
                                                 http::Responder &responder);

// A socket the agent made inside the sandbox and handed over with its answer (GET
// /internal/tunnel or /internal/listen, SCM_RIGHTS): the answer's head ("HTTP/1.1 200 ..."),
// and the descriptor, close-on-exec, -1 when none came. Empty when the agent is not there
// or does not answer within timeout. The caller checks what the descriptor is.
struct HandedSocket {
    std::string head;
    int descriptor = -1;
};
http::asio::awaitable<HandedSocket> socketFromAgent(const std::string &socketPath, const std::string &target,
                                                    std::chrono::seconds timeout);

// One request with a JSON body; returns {status, parsed body}.
http::asio::awaitable<std::pair<unsigned, nlohmann::json>>
callAgent(const std::string &socketPath, http::bhttp::verb method, const std::string &target,
          const nlohmann::json &body);

} // namespace sandbench::engine
