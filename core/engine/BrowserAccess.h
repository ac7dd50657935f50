// How a browser opens a sandbox's terminal without ever holding the engine's token (a
// token in an address stays in the browser's history, and a synced history leaves the
// machine):
//   1. a token holder (sandbenchctl terminal) asks for a page code: one use, 60 s, one
//      sandbox; it travels in the page address's fragment;
//   2. the page trades the code for a terminal key: good only for that sandbox's tickets,
//      kept in the tab's sessionStorage, forgotten when the engine restarts or the
//      sandbox is destroyed;
//   3. each WebSocket takes a ticket (one use, 30 s) made with the key, or with the token.
// A code seen later in the history is spent or expired.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace sandbench::engine {

class BrowserAccess {
public:
    static constexpr int kCodeSeconds = 60;
    static constexpr int kTicketSeconds = 30;

    std::string issueCode(const std::string &sandboxId);
    // A new key for a code of this sandbox, once; nullopt when spent, expired or another's.
    std::optional<std::string> redeemCode(std::string_view code, const std::string &sandboxId);
    bool keyOpens(std::string_view key, const std::string &sandboxId) const;
    std::string issueTicket(const std::string &sandboxId);
    bool redeemTicket(std::string_view ticket, const std::string &sandboxId);
    // A destroyed sandbox's codes, keys and tickets (an id used again starts afresh).
    void forget(const std::string &sandboxId);

private:
    struct Secret {
        std::string value;
        std::string sandboxId;
        std::chrono::steady_clock::time_point expires;
    };
    // Oldest first, at most 256, and 32 of one sandbox: a flood replaces the oldest (of
    // that sandbox first).
    using Secrets = std::deque<Secret>;
    static std::string issue(Secrets &secrets, const std::string &sandboxId, std::chrono::steady_clock::time_point expires);
    static bool redeem(Secrets &secrets, std::string_view value, const std::string &sandboxId);

    Secrets codes_;
    Secrets keys_;
    Secrets tickets_;
};

} // namespace sandbench::engine
