// A sandbox's network: "none" (its own loopback only, the default) or "egress", where
// slirp4netns gives its network namespace a user-mode route out through the host's
// sockets, and an nftables filter loaded into that namespace (where sandbox code has no
// capability to change it) refuses the host's own addresses and subnets and the private,
// link-local and special ranges, except the CIDRs listed in networkAllow. The host's
// loopback is never reachable: slirp4netns runs with --disable-host-loopback.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbench::engine {

struct NetworkPolicy {
    bool egress = false;
    std::vector<std::string> allow; // normalized CIDRs (see normalizeCidr)
    bool operator==(const NetworkPolicy &) const = default;
};

// "192.0.2.7" → "192.0.2.7/32", "10.1.2.3/8" → "10.0.0.0/8", "fd00::1/8" → "fd00::/8";
// nullopt when the text is not an IPv4 or IPv6 address with an optional prefix length.
std::optional<std::string> normalizeCidr(std::string_view text);

// Whether a normalized CIDR lies in the loopback ranges (127.0.0.0/8, ::1).
bool touchesLoopback(const std::string &cidr);

// Ranges refused before any allowed one: the host's loopback, "this network" and
// slirp4netns's own 10.0.2.0/24 (but its DNS forwarder 10.0.2.3:53).
const std::vector<std::string> &neverReachable();

// Why a normalized CIDR cannot be in networkAllow (broader than /8, loopback, IPv4-mapped,
// never reachable); empty when it can.
std::string allowEntryProblem(const std::string &cidr);

// The ranges refused unless allowed: private (RFC 1918, fc00::/7), shared (100.64.0.0/10),
// loopback, link-local (169.254.0.0/16 with cloud metadata, fe80::/10), multicast, reserved.
const std::vector<std::string> &reservedRanges();

// The host's own addresses and the subnets they are on (its LAN), loopback excluded.
std::vector<std::string> hostSubnets();

// The nftables ruleset for a sandbox's namespace. Order: loopback, slirp's DNS forwarder,
// the never-reachable ranges, the engine's port on host subnets (refused even when the
// subnet is allowed), allowed CIDRs, then refused ranges and host subnets. Pure: unit tested.
std::string buildFilterRules(const std::vector<std::string> &allow, const std::vector<std::string> &hostSubnets,
                             std::optional<std::uint16_t> enginePort);

// A filter that refuses everything but loopback: egress taken away from a running sandbox.
std::string denyAllRules();

// Why this host cannot give sandboxes egress (slirp4netns, nft or /dev/net/tun missing or
// unusable by this user); empty when it can.
std::string egressUnavailableReason();

// A sandbox's PID 1 and its start time (field 22 of /proc/PID/stat), so that a reused pid
// is never mistaken for it.
struct SandboxProcess {
    pid_t initPid = 0;
    unsigned long long startTime = 0;
};

struct EgressRequest {
    SandboxProcess sandbox;              // its namespaces are joined
    bool enterUserNamespace = false;     // unprivileged engine: join the sandbox's user namespace too
    int exitFd = -1;                     // read end of a pipe the sandbox holds: slirp4netns exits at EOF
    std::string rules;                   // from buildFilterRules
    std::vector<int> cgroupProcsFds;     // slirp4netns counts toward the sandbox's limits
    std::string logPath;                 // slirp4netns's messages (logs/network.log)
};

// Loads the filter, then starts slirp4netns and waits until the interface is configured.
// Returns slirp4netns's pid (a child of ours). Throws std::runtime_error saying what failed.
pid_t attachEgress(const EgressRequest &request);

// Replaces the filter of a running sandbox (a new networkAllow). Throws like attachEgress.
void loadFilterRules(const SandboxProcess &sandbox, bool enterUserNamespace, const std::string &rules);

} // namespace sandbench::engine
