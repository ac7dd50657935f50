#include "engine/TerminalPage.h"

#include "protocol/Protocol.h"
#include "system/Files.h"

#include <boost/beast/http/field.hpp>

#include <array>

namespace sandbench::engine {

namespace {

namespace bhttp = boost::beast::http;
using protocol::ApiError;

struct PageFile {
    const char *name;
    const char *contentType;
};
// What the page is made of: ours (terminal.*) and the npm packages' (resources/terminal).
constexpr std::array kPageFiles = {
    PageFile{"terminal.html", "text/html; charset=utf-8"},
    PageFile{"terminal.js", "text/javascript; charset=utf-8"},
    PageFile{"terminal.css", "text/css; charset=utf-8"},
    PageFile{"xterm.mjs", "text/javascript; charset=utf-8"},
    PageFile{"xterm.css", "text/css; charset=utf-8"},
    PageFile{"addon-fit.mjs", "text/javascript; charset=utf-8"},
    PageFile{"sandbox-xterm.js", "text/javascript; charset=utf-8"},
};

// Scripts and styles from this engine only, connections to it only (the ticket fetch and
// the WebSocket), no framing, no plugins, no forms sent anywhere. xterm.js sets styles
// from script, hence 'unsafe-inline' for styles (never for scripts).
constexpr const char *kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "font-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

} // namespace

TerminalPage::TerminalPage(std::string directory)
    : directory_(directory.empty() ? system::besideExecutable("../share/sandbench/terminal") : std::move(directory))
{
    for (const PageFile &file : kPageFiles)
        if (auto bytes = system::readWholeFile(directory_ + "/" + file.name))
            files_[file.name] = File{file.contentType, std::move(*bytes)};
}

bool TerminalPage::complete() const
{
    return files_.size() == kPageFiles.size();
}

asio::awaitable<void> TerminalPage::serve(http::Responder &responder, const std::string &name) const
{
    if (!complete())
        throw ApiError("SERVICE_UNAVAILABLE",
                       "The terminal page was built without its scripts: run `npm ci` in resources/terminal "
                       "(scripts/setup.sh does), then build again",
                       {}, {}, 503);
    const auto found = files_.find(name);
    if (found == files_.end())
        throw ApiError("UNKNOWN_ERROR", "The requested endpoint was not found", {}, {}, 404);
    bhttp::response<bhttp::empty_body> header(bhttp::status::ok, 11);
    header.set(bhttp::field::content_type, found->second.contentType);
    header.set("Content-Security-Policy", kPolicy);
    header.set(bhttp::field::x_frame_options, "DENY");
    header.set("X-Content-Type-Options", "nosniff");
    header.set("Referrer-Policy", "no-referrer");
    header.set("Cross-Origin-Opener-Policy", "same-origin");
    header.set(bhttp::field::cache_control, "no-store"); // one engine's page, not another's after a restart
    header.content_length(found->second.bytes.size());
    // Sent from the one copy read at start: anyone may ask for these files, and a copy per
    // request let clients that never read pin hundreds of megabytes.
    if (co_await responder.beginStream(std::move(header)))
        co_await responder.writeChunk(found->second.bytes);
    co_await responder.endStream();
}

void TerminalPage::addRoutes(http::RouteTable &table)
{
    using bhttp::verb;
    table.add(verb::get, "/v1/sandboxes/{id}/terminal", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await serve(call.responder, "terminal.html"); // whether the sandbox exists is for the token to learn
    }, http::Access::Public);
    table.add(verb::get, "/v1/terminal/{file}", [this](http::RouteRequest &call) -> asio::awaitable<void> {
        co_await serve(call.responder, call.params[0]);
    }, http::Access::Public);
}

} // namespace sandbench::engine
