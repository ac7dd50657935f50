// Starting child processes from (possibly multi-threaded) programs: the
// argument vector and environment are prepared before fork, the child only
// makes async-signal-safe calls, and exec failures come back as errno.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sandbench::system {

struct SpawnOptions {
    std::vector<std::string> argv;
    std::vector<std::string> env;                // KEY=VALUE; the child's whole environment
    std::string cwd;                             // empty: inherit
    std::vector<std::pair<int, int>> fds;        // {child fd, parent fd}; all others are closed
    bool newSession = true;                      // setsid(): own session and process group
    std::optional<uid_t> uid;                    // drop to this uid/gid (engine running as root)
    std::optional<gid_t> gid;
    std::vector<std::pair<int, rlim_t>> rlimits; // {RLIMIT_*, soft=hard value}
    std::vector<int> joinCgroupFds;              // cgroup.procs files to join before exec
    bool preferredByOomKiller = false;           // raise oom_score_adj (see markForOomKiller)
    bool dieWithParent = false;                  // SIGKILL when the spawning thread's process dies
};

// Returns the child's pid; throws std::system_error naming the call that failed.
pid_t spawnProcess(const SpawnOptions &options);

// Makes the calling process the out-of-memory killer's first choice over its parent
// (oom_score_adj 500; raising needs no privilege). Async-signal-safe: for children
// between fork and exec, so that a sandbox's agent outlives the commands it runs.
void markForOomKiller();

// pidfd_open(2): a descriptor that becomes readable when the process exits.
int openPidfd(pid_t pid);

// What runToCompletion saw: the exit code (-1: killed, or past its deadline) and the
// tail of what the child wrote to stdout and stderr together.
struct Completion {
    int exitCode = -1;
    std::string output;
};

// Runs a short-lived helper (mkfs, nft, mount...) and waits for it, reading its output
// meanwhile so that it never blocks on a full pipe. input goes to its stdin (small: it
// is written before the child runs), /dev/null when empty. A child past its deadline is
// killed with its process group (options.newSession, the default). Its fds 0-2 are set
// here; options.fds may add more. Throws when it cannot start.
Completion runToCompletion(SpawnOptions options, std::chrono::milliseconds timeout, const std::string &input = {},
                           std::size_t maxOutput = 4000);

// text as one bash word: as it is when it has only characters that need no quoting,
// else in single quotes (embedded ones escaped).
std::string shellQuote(std::string_view text);

// A pipe whose both ends are close-on-exec. Throws on failure.
std::pair<int, int> makePipe();

// The current environment as KEY=VALUE strings.
std::vector<std::string> currentEnvironment();

} // namespace sandbench::system
