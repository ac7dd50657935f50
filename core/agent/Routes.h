// What the agent's services share to serve their routes. Each service adds its own to the
// agent's table (addRoutes); AgentRouter only builds the table and dispatches.
#pragma once

#include "http/RouteTable.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace sandbench::agent {

namespace asio = boost::asio;

using Json = nlohmann::json;

// Sends one event of a stream; false once the client has gone.
using Emit = std::function<asio::awaitable<bool>(const Json &)>;

using http::replySuccess;

// An SSE stream fed by produce; a client that goes away ends it at once, even when quiet.
asio::awaitable<void> streamEvents(http::Responder &responder, std::function<asio::awaitable<void>(Emit)> produce);

// Session id of /api/execute*: Authorization bearer, X-Session-Id, ?session=, ?sessionId=
// (the body's sessionId, read by parseCommandRequest, comes first).
std::string requestSessionId(const http::Request &request, const std::string &query);

// Body-only session id (process start, files, watch): empty or whitespace is an error.
void rejectBlankSessionId(const Json &body);

} // namespace sandbench::agent
