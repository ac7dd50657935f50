#include "engine/Network.h"

#include "engine/Launcher.h"
#include "system/Files.h"
#include "system/Subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace sandbench::engine {

namespace {

// An address as 16 bytes (IPv4 in the first 4) with its family and prefix length.
struct Cidr {
    int family = AF_INET;
    std::array<unsigned char, 16> bytes{};
    unsigned prefix = 0;

    unsigned bits() const { return family == AF_INET ? 32 : 128; }
    void clearHostBits()
    {
        for (unsigned bit = prefix; bit < bits(); ++bit)
            bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    }
    std::string text() const
    {
        char buffer[INET6_ADDRSTRLEN];
        inet_ntop(family, bytes.data(), buffer, sizeof buffer);
        return std::string(buffer) + "/" + std::to_string(prefix);
    }
    // Whether every address of this range lies in other.
    bool inside(const Cidr &other) const
    {
        if (family != other.family || prefix < other.prefix)
            return false;
        Cidr widened = *this;
        widened.prefix = other.prefix;
        widened.clearHostBits();
        return widened.bytes == other.bytes;
    }
};

std::optional<Cidr> parseCidr(std::string_view text)
{
    if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF:./") != std::string_view::npos)
        return std::nullopt; // also no NUL, which would cut the text short for inet_pton
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    Cidr cidr;
    if (inet_pton(AF_INET, address.c_str(), cidr.bytes.data()) == 1) {
        cidr.family = AF_INET;
    } else if (inet_pton(AF_INET6, address.c_str(), cidr.bytes.data()) == 1) {
        cidr.family = AF_INET6;
    } else {
        return std::nullopt;
    }
    cidr.prefix = cidr.bits();
    if (slash != std::string_view::npos) {
        const std::string_view length = text.substr(slash + 1);
        if (length.empty() || length.size() > 3 || length.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        cidr.prefix = static_cast<unsigned>(std::stoul(std::string(length)));
        if (cidr.prefix > cidr.bits())
            return std::nullopt;
    }
    cidr.clearHostBits();
    return cidr;
}

unsigned prefixOfMask(const sockaddr *mask)
{
    const auto *bytes = mask->sa_family == AF_INET
                            ? reinterpret_cast<const unsigned char *>(&reinterpret_cast<const sockaddr_in *>(mask)->sin_addr)
                            : reinterpret_cast<const unsigned char *>(&reinterpret_cast<const sockaddr_in6 *>(mask)->sin6_addr);
    const unsigned size = mask->sa_family == AF_INET ? 4 : 16;
    unsigned prefix = 0;
    for (unsigned i = 0; i < size; ++i)
        prefix += static_cast<unsigned>(__builtin_popcount(bytes[i]));
    return prefix;
}

using system::firstExecutable;

std::string slirpBinary() { return firstExecutable({"/usr/bin/slirp4netns", "/usr/local/bin/slirp4netns"}); }
std::string nftBinary() { return firstExecutable({"/usr/sbin/nft", "/sbin/nft", "/usr/local/sbin/nft"}); }
std::string nsenterBinary() { return firstExecutable({"/usr/bin/nsenter", "/bin/nsenter"}); }

// The sandbox's network (and user) namespace as descriptors that surely belong to its
// init: a pidfd opened first and checked against the start time, the namespaces opened,
// then the pidfd asked whether the process still lives. A pid reused meanwhile by a host
// process can never hand over the host's namespaces (where the filter would land).
struct SandboxNamespaces {
    int net = -1;
    int user = -1;
    SandboxNamespaces(const SandboxProcess &sandbox, bool withUser)
    {
        const int pidfd = system::openPidfd(sandbox.initPid);
        const std::string proc = "/proc/" + std::to_string(sandbox.initPid) + "/ns/";
        const bool sameProcess = processStartTime(sandbox.initPid) == sandbox.startTime;
        net = open((proc + "net").c_str(), O_RDONLY | O_CLOEXEC);
        user = withUser ? open((proc + "user").c_str(), O_RDONLY | O_CLOEXEC) : -1;
        const bool alive = syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0;
        close(pidfd);
        if (!sameProcess || !alive || net < 0 || (withUser && user < 0)) {
            closeAll();
            throw std::runtime_error("the sandbox ended before its network was set up");
        }
    }
    ~SandboxNamespaces() { closeAll(); }
    void closeAll()
    {
        for (int fd : {net, user})
            if (fd >= 0)
                close(fd);
        net = user = -1;
    }
    SandboxNamespaces(const SandboxNamespaces &) = delete;
    SandboxNamespaces &operator=(const SandboxNamespaces &) = delete;
};

// Child descriptors 3 and 4 hold the namespaces (see SandboxNamespaces).
constexpr int kNetFd = 3, kUserFd = 4;

std::vector<std::string> enterNamespaces(bool enterUserNamespace)
{
    std::vector<std::string> argv = {nsenterBinary(), "--net=/proc/self/fd/" + std::to_string(kNetFd)};
    if (enterUserNamespace)
        argv.insert(argv.end(), {"--user=/proc/self/fd/" + std::to_string(kUserFd), "--preserve-credentials"});
    argv.emplace_back("--");
    return argv;
}

} // namespace

std::optional<std::string> normalizeCidr(std::string_view text)
{
    const auto cidr = parseCidr(text);
    return cidr ? std::optional<std::string>(cidr->text()) : std::nullopt;
}

bool touchesLoopback(const std::string &text)
{
    const auto cidr = parseCidr(text);
    return cidr && (cidr->inside(*parseCidr("127.0.0.0/8")) || cidr->inside(*parseCidr("::1/128")));
}

std::string allowEntryProblem(const std::string &cidr)
{
    const auto parsed = parseCidr(cidr);
    if (!parsed)
        return "is not an IP address or CIDR";
    if (parsed->prefix < 8)
        return "is broader than /8; egress already reaches the internet, so list only the private or local networks "
               "to open";
    if (touchesLoopback(cidr))
        return "is loopback; the host's loopback is never reachable from a sandbox (serve on another address and "
               "allow that)";
    if (parsed->inside(*parseCidr("::ffff:0.0.0.0/96")))
        return "is an IPv4-mapped IPv6 address; write the IPv4 address";
    for (const auto &never : neverReachable())
        if (parsed->inside(*parseCidr(never)))
            return "is in " + never + ", which a sandbox never reaches";
    return {};
}

const std::vector<std::string> &neverReachable()
{
    // This host, "this network", and slirp4netns's own network (its gateway is the host).
    static const std::vector<std::string> ranges = {"127.0.0.0/8", "0.0.0.0/8", "10.0.2.0/24", "::1/128", "::/128"};
    return ranges;
}

const std::vector<std::string> &reservedRanges()
{
    static const std::vector<std::string> ranges = {
        "0.0.0.0/8",     "10.0.0.0/8",    "100.64.0.0/10", "127.0.0.0/8",     "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24",  "192.168.0.0/16", "198.18.0.0/15",  "224.0.0.0/4",
        "240.0.0.0/4",   "::/128",        "::1/128",       "::ffff:0.0.0.0/96", "64:ff9b::/96",
        "fc00::/7",      "fe80::/10",     "ff00::/8"};
    return ranges;
}

std::vector<std::string> hostSubnets()
{
    std::vector<std::string> subnets;
    ifaddrs *interfaces = nullptr;
    if (getifaddrs(&interfaces) != 0)
        return subnets;
    for (const ifaddrs *entry = interfaces; entry; entry = entry->ifa_next) {
        // Loopback interfaces count too: they may carry other addresses (service VIPs).
        if (!entry->ifa_addr || !entry->ifa_netmask)
            continue;
        const int family = entry->ifa_addr->sa_family;
        if (family != AF_INET && family != AF_INET6)
            continue;
        Cidr cidr;
        cidr.family = family;
        if (family == AF_INET)
            std::memcpy(cidr.bytes.data(), &reinterpret_cast<const sockaddr_in *>(entry->ifa_addr)->sin_addr, 4);
        else
            std::memcpy(cidr.bytes.data(), &reinterpret_cast<const sockaddr_in6 *>(entry->ifa_addr)->sin6_addr, 16);
        cidr.prefix = prefixOfMask(entry->ifa_netmask);
        cidr.clearHostBits();
        const std::string text = cidr.text();
        if (touchesLoopback(text))
            continue; // refused anyway, before any allowed range
        if (std::find(subnets.begin(), subnets.end(), text) == subnets.end())
            subnets.push_back(text);
    }
    freeifaddrs(interfaces);
    return subnets;
}

std::string buildFilterRules(const std::vector<std::string> &allow, const std::vector<std::string> &hostSubnets,
                             std::optional<std::uint16_t> enginePort)
{
    const auto match = [](const std::string &cidr) {
        return std::string(cidr.find(':') == std::string::npos ? "ip" : "ip6") + " daddr " + cidr;
    };
    // Declaring, deleting and redefining the table in one file replaces the filter atomically.
    std::string rules = "table inet sandbench\ndelete table inet sandbench\ntable inet sandbench {\n"
                        "\tchain output {\n\t\ttype filter hook output priority 0; policy accept;\n"
                        "\t\toifname \"lo\" accept\n"
                        // slirp4netns's DNS forwarder, the one address of its network a sandbox needs.
                        "\t\tip daddr 10.0.2.3 udp dport 53 accept\n"
                        "\t\tip daddr 10.0.2.3 tcp dport 53 accept\n";
    // Never, whatever is allowed: a socket bound to tap0 would take 127.x to slirp4netns,
    // which connects to the host's own loopback.
    for (const auto &cidr : neverReachable())
        rules += "\t\t" + match(cidr) + " reject with icmpx type admin-prohibited\n";
    if (enginePort)
        for (const auto &subnet : hostSubnets)
            rules += "\t\t" + match(subnet) + " tcp dport " + std::to_string(*enginePort) + " reject with tcp reset\n";
    for (const auto &cidr : allow)
        rules += "\t\t" + match(cidr) + " accept\n";
    for (const auto &ranges : {reservedRanges(), hostSubnets})
        for (const auto &cidr : ranges)
            rules += "\t\t" + match(cidr) + " reject with icmpx type admin-prohibited\n";
    rules += "\t}\n}\n";
    return rules;
}

std::string denyAllRules()
{
    return "table inet sandbench\ndelete table inet sandbench\ntable inet sandbench {\n"
           "\tchain output {\n\t\ttype filter hook output priority 0; policy accept;\n"
           "\t\toifname \"lo\" accept\n\t\treject with icmpx type admin-prohibited\n\t}\n}\n";
}

std::string egressUnavailableReason()
{
    if (slirpBinary().empty())
        return "slirp4netns is not installed (apt-get install slirp4netns)";
    if (nftBinary().empty())
        return "nft is not installed (apt-get install nftables)";
    if (nsenterBinary().empty())
        return "nsenter is not installed (apt-get install util-linux)";
    const int tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (tun < 0)
        return "/dev/net/tun is not usable by uid " + std::to_string(geteuid()) + " (" + std::strerror(errno) +
               "); slirp4netns needs it (on most desktops it is mode 0666; run the engine as root otherwise)";
    close(tun);
    return {};
}

void loadFilterRules(const SandboxProcess &sandbox, bool enterUserNamespace, const std::string &rules)
{
    const SandboxNamespaces namespaces(sandbox, enterUserNamespace);
    system::SpawnOptions nft;
    nft.argv = enterNamespaces(enterUserNamespace);
    nft.argv.insert(nft.argv.end(), {nftBinary(), "-f", "-"});
    nft.env = bwrapEnvironment();
    nft.fds = {{kNetFd, namespaces.net}};
    if (enterUserNamespace)
        nft.fds.emplace_back(kUserFd, namespaces.user);
    system::Completion loaded;
    try {
        // The rules (a few KiB) travel on its stdin.
        loaded = system::runToCompletion(nft, std::chrono::seconds(5), rules);
    } catch (const std::exception &error) {
        throw std::runtime_error(std::string("network filter: ") + error.what());
    }
    if (loaded.exitCode != 0)
        throw std::runtime_error("network filter: nft failed in the sandbox's namespace" +
                                 (loaded.output.empty() ? std::string() : ": " + loaded.output));
}

pid_t attachEgress(const EgressRequest &request)
{
    // The filter first: there is no route out before it is in place.
    loadFilterRules(request.sandbox, request.enterUserNamespace, request.rules);
    // slirp4netns joins the namespaces by path: descriptors checked as for the filter.
    const SandboxNamespaces namespaces(request.sandbox, true);

    auto [readyRead, readyWrite] = system::makePipe();
    // Its messages go to a log of this run (a pipe nobody reads would fill, or SIGPIPE it).
    const int log = open(request.logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    system::SpawnOptions slirp;
    // --disable-host-loopback: 10.0.2.2 never reaches the host's 127.0.0.1 (the engine).
    // --enable-sandbox/--enable-seccomp: slirp4netns parses the sandbox's packets, so it
    // confines itself (own mount namespace, no capabilities, a syscall filter).
    // A desktop engine owns the sandbox's user namespace and is root in it: slirp4netns
    // runs inside it (nsenter) and joins the network namespace from there (its own
    // --userns-path fails without root). A root engine is not root in that namespace (its
    // root is the sandbox's uid) and needs none: slirp4netns names it with --userns-path.
    const std::vector<std::string> slirpOptions = {
        "--configure", "--mtu=65520", "--disable-host-loopback", "--enable-sandbox", "--enable-seccomp",
        "--exit-fd=5", "--ready-fd=6", "--netns-type=path"};
    if (request.enterUserNamespace) {
        slirp.argv = {nsenterBinary(), "--user=/proc/self/fd/" + std::to_string(kUserFd), "--preserve-credentials",
                      "--", slirpBinary()};
    } else {
        slirp.argv = {slirpBinary(), "--userns-path=/proc/self/fd/" + std::to_string(kUserFd)};
    }
    slirp.argv.insert(slirp.argv.end(), slirpOptions.begin(), slirpOptions.end());
    slirp.argv.insert(slirp.argv.end(), {"/proc/self/fd/" + std::to_string(kNetFd), "tap0"});
    slirp.env = bwrapEnvironment();
    slirp.fds = {{0, devNull}, {1, log >= 0 ? log : devNull}, {2, log >= 0 ? log : devNull},
                 {kNetFd, namespaces.net}, {kUserFd, namespaces.user}, {5, request.exitFd}, {6, readyWrite}};
    slirp.joinCgroupFds = request.cgroupProcsFds;
    // Each flow of the sandbox is a host socket of slirp4netns: a bound, so that no sandbox
    // can take the host's ephemeral ports (a UDP flood held one socket per source port).
    slirp.rlimits = {{RLIMIT_NOFILE, 1024}};
    pid_t pid = 0;
    try {
        pid = system::spawnProcess(slirp);
    } catch (const std::exception &error) {
        for (int fd : {readyRead, readyWrite, log, devNull})
            if (fd >= 0)
                close(fd);
        throw std::runtime_error(std::string("slirp4netns: ") + error.what());
    }
    for (int fd : {readyWrite, log, devNull})
        if (fd >= 0)
            close(fd);
    // It writes "1" on the ready descriptor once tap0 is up with its address and route.
    pollfd poller{readyRead, POLLIN, 0};
    char ready = 0;
    const bool isReady = poll(&poller, 1, 5000) > 0 && read(readyRead, &ready, 1) == 1 && ready == '1';
    close(readyRead);
    if (!isReady) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        std::string output = system::readWholeFile(request.logPath).value_or("");
        while (!output.empty() && output.back() == '\n')
            output.pop_back();
        if (output.size() > 2000)
            output.erase(0, output.size() - 2000);
        throw std::runtime_error("slirp4netns did not configure the sandbox's network" +
                                 (output.empty() ? std::string() : ": " + output));
    }
    return pid;
}

} // namespace sandbench::engine
