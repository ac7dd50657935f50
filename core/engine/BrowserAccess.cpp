#include "engine/BrowserAccess.h"

#include "system/Identifiers.h"

#include <algorithm>

namespace sandbench::engine {

namespace {

constexpr std::size_t kMaxEach = 256;
constexpr std::size_t kMaxPerSandbox = 32; // one sandbox's flood cannot push out another's
using Clock = std::chrono::steady_clock;

} // namespace

std::string BrowserAccess::issue(Secrets &secrets, const std::string &sandboxId, Clock::time_point expires)
{
    const auto now = Clock::now();
    while (!secrets.empty() && (secrets.front().expires <= now || secrets.size() >= kMaxEach))
        secrets.pop_front();
    const auto ofSandbox = [&](const Secret &secret) { return secret.sandboxId == sandboxId; };
    if (static_cast<std::size_t>(std::count_if(secrets.begin(), secrets.end(), ofSandbox)) >= kMaxPerSandbox)
        secrets.erase(std::find_if(secrets.begin(), secrets.end(), ofSandbox)); // its oldest
    secrets.push_back({system::randomSecret("a browser's credential"), sandboxId, expires});
    return secrets.back().value;
}

bool BrowserAccess::redeem(Secrets &secrets, std::string_view value, const std::string &sandboxId)
{
    for (auto it = secrets.begin(); it != secrets.end(); ++it) {
        if (!system::secretsEqual(value, it->value))
            continue;
        const bool valid = it->sandboxId == sandboxId && it->expires > Clock::now();
        secrets.erase(it); // used once, whatever for
        return valid;
    }
    return false;
}

std::string BrowserAccess::issueCode(const std::string &sandboxId)
{
    return issue(codes_, sandboxId, Clock::now() + std::chrono::seconds(kCodeSeconds));
}

std::optional<std::string> BrowserAccess::redeemCode(std::string_view code, const std::string &sandboxId)
{
    if (!redeem(codes_, code, sandboxId))
        return std::nullopt;
    return issue(keys_, sandboxId, Clock::time_point::max());
}

bool BrowserAccess::keyOpens(std::string_view key, const std::string &sandboxId) const
{
    return std::any_of(keys_.begin(), keys_.end(), [&](const Secret &secret) {
        return system::secretsEqual(key, secret.value) && secret.sandboxId == sandboxId;
    });
}

std::string BrowserAccess::issueTicket(const std::string &sandboxId)
{
    return issue(tickets_, sandboxId, Clock::now() + std::chrono::seconds(kTicketSeconds));
}

bool BrowserAccess::redeemTicket(std::string_view ticket, const std::string &sandboxId)
{
    return redeem(tickets_, ticket, sandboxId);
}

void BrowserAccess::forget(const std::string &sandboxId)
{
    for (Secrets *secrets : {&codes_, &keys_, &tickets_})
        std::erase_if(*secrets, [&](const Secret &secret) { return secret.sandboxId == sandboxId; });
}

} // namespace sandbench::engine
