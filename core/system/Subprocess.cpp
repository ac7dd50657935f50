#include "system/Subprocess.h"

#include "system/ProcessTree.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

extern char **environ;

namespace sandbench::system {

namespace {

[[noreturn]] void childFail(int errorPipe, int stage)
{
    const int payload[2] = {stage, errno};
    [[maybe_unused]] auto ignored = write(errorPipe, payload, sizeof payload);
    _exit(127);
}

const char *stageName(int stage)
{
    switch (stage) {
    case 1: return "dup2";
    case 2: return "chdir";
    case 3: return "setsid";
    case 4: return "setrlimit";
    case 5: return "setgid";
    case 6: return "setuid";
    case 8: return "join cgroup";
    default: return "execve";
    }
}

} // namespace

std::pair<int, int> makePipe()
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    return {fds[0], fds[1]};
}

int openPidfd(pid_t pid)
{
    const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "pidfd_open");
    return fd;
}

std::vector<std::string> currentEnvironment()
{
    std::vector<std::string> env;
    for (char **entry = environ; entry && *entry; ++entry)
        env.emplace_back(*entry);
    return env;
}

void markForOomKiller()
{
    const int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        [[maybe_unused]] const ssize_t written = write(fd, "500", 3);
        close(fd);
    }
}

pid_t spawnProcess(const SpawnOptions &options)
{
    if (options.argv.empty())
        throw std::system_error(EINVAL, std::generic_category(), "spawn: empty argv");
    std::vector<char *> argv;
    for (const auto &arg : options.argv)
        argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const auto &entry : options.env)
        envp.push_back(const_cast<char *>(entry.c_str()));
    envp.push_back(nullptr);
    int highest = 2;
    for (const auto &[target, source] : options.fds)
        highest = std::max({highest, target, source});

    auto [errorRead, errorWrite] = makePipe();
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        const int err = errno;
        close(errorRead);
        close(errorWrite);
        throw std::system_error(err, std::generic_category(), "fork");
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig = 1; sig < NSIG; ++sig)
            signal(sig, SIG_DFL);
        // A helper that outlives a crashed engine would work on for nobody (and hold what it holds).
        if (options.dieWithParent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
            _exit(127);
        for (const int cgroup : options.joinCgroupFds)
            if (write(cgroup, "0", 1) != 1)
                childFail(errorWrite, 8);
        // Move every source above all targets first so dup2 never clobbers a source.
        const int base = highest + 1;
        const int errorFd = fcntl(errorWrite, F_DUPFD_CLOEXEC, base);
        int moved[64];
        const size_t count = std::min<size_t>(options.fds.size(), 64);
        for (size_t i = 0; i < count; ++i) {
            moved[i] = fcntl(options.fds[i].second, F_DUPFD_CLOEXEC, base);
            if (moved[i] < 0)
                childFail(errorFd, 1);
        }
        for (size_t i = 0; i < count; ++i) {
            if (dup2(moved[i], options.fds[i].first) < 0) // dup2 clears close-on-exec on the target
                childFail(errorFd, 1);
        }
        // Everything below base that is not a target goes; everything above is close-on-exec or closed.
        for (int fd = 0; fd < base; ++fd) {
            bool keep = false;
            for (size_t i = 0; i < count; ++i)
                keep = keep || options.fds[i].first == fd;
            if (!keep)
                close(fd);
        }
        for (size_t i = 0; i < count; ++i)
            close(moved[i]);
        syscall(SYS_close_range, base, errorFd - 1, 0);
        syscall(SYS_close_range, errorFd + 1, ~0U, 0);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0)
            childFail(errorFd, 2);
        if (options.newSession && setsid() < 0)
            childFail(errorFd, 3);
        for (const auto &[resource, value] : options.rlimits) {
            const rlimit limit{value, value};
            if (setrlimit(resource, &limit) != 0)
                childFail(errorFd, 4);
        }
        if (options.gid) {
            if (setgroups(0, nullptr) != 0 || setresgid(*options.gid, *options.gid, *options.gid) != 0)
                childFail(errorFd, 5);
        }
        if (options.uid && setresuid(*options.uid, *options.uid, *options.uid) != 0)
            childFail(errorFd, 6);
        if (options.preferredByOomKiller)
            markForOomKiller();
        execve(argv[0], argv.data(), envp.data());
        childFail(errorFd, 7);
    }
    close(errorWrite);
    int payload[2] = {0, 0};
    ssize_t got;
    do {
        got = read(errorRead, payload, sizeof payload);
    } while (got < 0 && errno == EINTR);
    close(errorRead);
    if (got == sizeof payload) {
        int status = 0;
        waitpid(pid, &status, 0);
        // Named by what failed: the directory for chdir, the program otherwise.
        throw std::system_error(payload[1], std::generic_category(),
                                std::string(stageName(payload[0])) + " " + (payload[0] == 2 ? options.cwd : options.argv[0]));
    }
    return pid;
}


Completion runToCompletion(SpawnOptions options, std::chrono::milliseconds timeout, const std::string &input,
                           std::size_t maxOutput)
{
    struct Fds {
        std::vector<int> open;
        ~Fds() { for (int fd : open) close(fd); }
        int keep(int fd) { open.push_back(fd); return fd; }
        void release(int fd)
        {
            close(fd);
            open.erase(std::find(open.begin(), open.end(), fd));
        }
    } fds;
    const auto [outputRead, outputWrite] = makePipe();
    fds.keep(outputRead);
    fds.keep(outputWrite);
    int stdinFd = -1;
    if (input.empty()) {
        stdinFd = fds.keep(open("/dev/null", O_RDONLY | O_CLOEXEC));
    } else {
        const auto [inputRead, inputWrite] = makePipe();
        fds.keep(inputRead);
        fds.keep(inputWrite);
        // Written whole before the child exists: input must fit the pipe's buffer.
        if (input.size() > 60000 || write(inputWrite, input.data(), input.size()) != static_cast<ssize_t>(input.size()))
            throw std::system_error(EMSGSIZE, std::generic_category(), "runToCompletion: input");
        fds.release(inputWrite);
        stdinFd = inputRead;
    }
    options.fds.insert(options.fds.begin(), {{0, stdinFd}, {1, outputWrite}, {2, outputWrite}});
    const pid_t pid = spawnProcess(options);
    fds.release(outputWrite);
    const auto killAll = [&options, pid] { kill(options.newSession ? -pid : pid, SIGKILL); };
    int pidfd = -1;
    try {
        pidfd = fds.keep(openPidfd(pid));
    } catch (...) {
        killAll();
        waitpid(pid, nullptr, 0);
        throw;
    }

    Completion completion;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool outputOpen = true, exited = false, killed = false;
    // A helper never stops of itself: one stopped (SIGSTOP from the sandbox it works in,
    // which nsenter passes on to itself) would hold its caller until the deadline.
    std::optional<std::chrono::steady_clock::time_point> stoppedSince;
    while (outputOpen || !exited) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            // Past the deadline; an exited child's stray grandchild may hold the pipe.
            if (!exited) {
                killAll();
                killed = true;
            }
            break;
        }
        std::vector<pollfd> waits;
        if (!exited)
            waits.push_back({pidfd, POLLIN, 0});
        if (outputOpen)
            waits.push_back({outputRead, POLLIN, 0});
        if (poll(waits.data(), waits.size(), static_cast<int>(std::min<long long>(left.count(), 500))) < 0 && errno != EINTR)
            break;
        if (!exited && isStopped(pid)) {
            if (!stoppedSince)
                stoppedSince = std::chrono::steady_clock::now();
            else if (std::chrono::steady_clock::now() - *stoppedSince > std::chrono::seconds(3)) {
                killAll();
                killed = true;
                completion.output += "\n(stopped by a signal for 3 s, and so ended)";
                break;
            }
        } else {
            stoppedSince.reset();
        }
        for (const pollfd &ready : waits) {
            if (!ready.revents)
                continue;
            if (ready.fd == pidfd) {
                exited = true;
                continue;
            }
            char chunk[4096];
            const ssize_t n = read(outputRead, chunk, sizeof chunk);
            if (n <= 0) {
                outputOpen = false;
                continue;
            }
            completion.output.append(chunk, static_cast<std::size_t>(n));
            if (completion.output.size() > 2 * maxOutput)
                completion.output.erase(0, completion.output.size() - maxOutput);
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!killed && WIFEXITED(status))
        completion.exitCode = WEXITSTATUS(status);
    if (completion.output.size() > maxOutput)
        completion.output.erase(0, completion.output.size() - maxOutput);
    while (!completion.output.empty() && (completion.output.back() == '\n' || completion.output.back() == ' '))
        completion.output.pop_back();
    return completion;
}

std::string shellQuote(std::string_view text)
{
    // No '=' (a first word NAME=value would be an assignment) and no '%' (a job spec).
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,@+") ==
                             std::string_view::npos)
        return std::string(text);
    std::string quoted = "'";
    for (const char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace sandbench::system
