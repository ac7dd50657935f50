// Interactive terminals (container protocol §7, /ws/pty): one PTY per session,
// created on the first connection with the session's environment and working
// directory, shared by every socket attached to it, its output kept in a
// 256 KiB ring that a new socket receives first (so a reconnect looks unchanged).
// Closing a socket leaves the PTY running; deleting the session ends it.
#pragma once

#include "agent/Routes.h"
#include "agent/SessionService.h"
#include "agent/Shell.h"
#include "http/HttpServer.h"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <map>
#include <memory>
#include <string>

namespace sandbench::agent {

struct PtyOptions {
    int cols = 80;
    int rows = 24;
    std::string shell = "bash";
};

class PtyService {
public:
    static constexpr std::size_t kReplayBytes = 256 * 1024;

    PtyService(asio::any_io_executor executor, SessionService &sessions);
    ~PtyService();

    // /ws/pty: a session's terminal over WebSocket (protocol §7).
    void addRoutes(http::RouteTable &table);

    // Serves one accepted WebSocket until it closes (or the PTY's shell ends).
    asio::awaitable<void> attach(std::string sessionId, PtyOptions options, http::WebSocket &socket);
    // Ends the session's PTY, if it has one.
    void destroy(const std::string &sessionId);

private:
    struct Terminal;
    asio::awaitable<std::shared_ptr<Terminal>> terminalFor(const std::string &sessionId, const PtyOptions &options);
    asio::awaitable<void> pumpOutput(std::shared_ptr<Terminal> terminal);

    asio::any_io_executor executor_;
    SessionService &sessions_;
    std::map<std::string, std::shared_ptr<Terminal>> terminals_;
};

} // namespace sandbench::agent
