// The terminal page for browsers: GET /v1/sandboxes/{id}/terminal is xterm.js with the
// SDK's SandboxAddon (@cloudflare/sandbox/xterm) on the sandbox's PTY WebSocket, and
// GET /v1/terminal/{file} its scripts and styles. They come from share/sandbench/terminal
// beside bin/ (copied there at build time from resources/terminal and its npm packages),
// are read once, and are served without the token: they hold no secret, and the page
// asks for the token itself (docs/design.md, "Terminals"). A strict Content-Security-
// Policy keeps the page to its own scripts and its own engine.
#pragma once

#include "http/RouteTable.h"

#include <map>
#include <string>

namespace sandbench::engine {

namespace asio = boost::asio;

class TerminalPage {
public:
    // directory: where the page's files are; empty: beside the executable.
    explicit TerminalPage(std::string directory = {});
    void addRoutes(http::RouteTable &table);
    bool complete() const; // every file is there

private:
    struct File {
        std::string contentType;
        std::string bytes;
    };
    asio::awaitable<void> serve(http::Responder &responder, const std::string &name) const;

    std::string directory_;
    std::map<std::string, File> files_;
};

} // namespace sandbench::engine
