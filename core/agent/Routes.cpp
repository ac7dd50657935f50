#include "agent/Routes.h"

#include "agent/SessionService.h"
#include "protocol/Protocol.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace sandbench::agent {

using namespace boost::asio::experimental::awaitable_operators;
using protocol::ApiError;

asio::awaitable<void> streamEvents(http::Responder &responder, std::function<asio::awaitable<void>(Emit)> produce)
{
    if (!co_await responder.beginStream(http::sseHeader()))
        co_return;
    auto send = [&responder](const Json &event) -> asio::awaitable<bool> {
        co_return co_await responder.writeChunk(protocol::sseEvent(event));
    };
    co_await (produce(send) || responder.waitForClientClose());
    co_await responder.endStream();
}

std::string requestSessionId(const http::Request &request, const std::string &query)
{
    if (auto auth = request[http::bhttp::field::authorization]; auth.starts_with("Bearer ") && auth.size() > 7)
        return std::string(auth.substr(7));
    if (auto header = request["X-Session-Id"]; !header.empty())
        return std::string(header);
    if (auto value = http::queryValue(query, "session"); !value.empty())
        return value;
    if (auto value = http::queryValue(query, "sessionId"); !value.empty())
        return value;
    return kDefaultSessionId;
}

void rejectBlankSessionId(const Json &body)
{
    if (body.contains("sessionId") && body["sessionId"].is_string()) {
        const auto id = body["sessionId"].get<std::string>();
        if (id.find_first_not_of(" \t\r\n") == std::string::npos)
            throw ApiError("VALIDATION_FAILED", "sessionId must not be empty or whitespace");
    }
}

} // namespace sandbench::agent
