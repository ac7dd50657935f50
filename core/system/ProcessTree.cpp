#include "system/ProcessTree.h"

#include "system/Subprocess.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>

namespace sandbench::system {

using namespace boost::asio::experimental::awaitable_operators;

namespace {

struct ProcStat {
    pid_t parent = 0;
    char state = '?';
};

bool readStat(pid_t pid, ProcStat &out)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text))
        return false;
    // The command name may contain spaces and parentheses: parse after the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos || close + 4 > text.size())
        return false;
    out.state = text[close + 2];
    out.parent = static_cast<pid_t>(std::strtol(text.c_str() + close + 4, nullptr, 10));
    return true;
}

std::multimap<pid_t, pid_t> childrenByParent()
{
    std::multimap<pid_t, pid_t> children;
    DIR *proc = opendir("/proc");
    if (!proc)
        return children;
    while (dirent *entry = readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        ProcStat stat;
        if (readStat(static_cast<pid_t>(pid), stat))
            children.emplace(stat.parent, static_cast<pid_t>(pid));
    }
    closedir(proc);
    return children;
}

} // namespace

std::vector<pid_t> descendantsDeepestFirst(pid_t root)
{
    const auto children = childrenByParent();
    std::vector<std::pair<int, pid_t>> found; // {depth, pid}
    std::vector<std::pair<int, pid_t>> pending = {{0, root}};
    while (!pending.empty()) {
        const auto [depth, pid] = pending.back();
        pending.pop_back();
        const auto [begin, end] = children.equal_range(pid);
        for (auto it = begin; it != end; ++it) {
            found.emplace_back(depth + 1, it->second);
            pending.emplace_back(depth + 1, it->second);
        }
    }
    std::stable_sort(found.begin(), found.end(), [](auto a, auto b) { return a.first > b.first; });
    std::vector<pid_t> result;
    for (const auto &[depth, pid] : found)
        result.push_back(pid);
    return result;
}

bool isStopped(pid_t pid)
{
    ProcStat stat;
    return readStat(pid, stat) && (stat.state == 'T' || stat.state == 't');
}

bool isGone(pid_t pid)
{
    ProcStat stat;
    return !readStat(pid, stat) || stat.state == 'Z' || stat.state == 'X';
}

void killTreeNow(pid_t root)
{
    kill(root, SIGSTOP); // freeze the root so it cannot fork while we walk its tree
    for (pid_t pid : descendantsDeepestFirst(root))
        kill(pid, SIGKILL);
    kill(root, SIGKILL);
}

boost::asio::awaitable<TreeKill> terminateTree(pid_t root, std::chrono::milliseconds grace)
{
    namespace asio = boost::asio;
    if (isGone(root))
        co_return TreeKill::AlreadyGone;
    std::vector<pid_t> tree = descendantsDeepestFirst(root);
    tree.push_back(root);
    for (pid_t pid : tree)
        kill(pid, SIGTERM);

    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto waitAllGone = [&](const std::vector<pid_t> &pids) -> asio::awaitable<bool> {
        const auto deadline = std::chrono::steady_clock::now() + grace;
        while (std::chrono::steady_clock::now() < deadline) {
            if (std::all_of(pids.begin(), pids.end(), isGone))
                co_return true;
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(asio::use_awaitable);
        }
        co_return std::all_of(pids.begin(), pids.end(), isGone);
    };
    if (co_await waitAllGone(tree))
        co_return TreeKill::Terminated;

    // Survivors and anything they spawned meanwhile.
    for (pid_t pid : descendantsDeepestFirst(root))
        if (std::find(tree.begin(), tree.end(), pid) == tree.end())
            tree.insert(tree.begin(), pid);
    for (pid_t pid : tree)
        if (!isGone(pid))
            kill(pid, SIGKILL);
    co_await waitAllGone(tree);
    co_return TreeKill::Escalated;
}

boost::asio::awaitable<void> waitForProcessExit(pid_t pid)
{
    int fd = -1;
    try {
        fd = openPidfd(pid);
    } catch (const std::system_error &) {
        co_return; // already gone
    }
    boost::asio::posix::stream_descriptor pidfd(co_await boost::asio::this_coro::executor, fd);
    boost::system::error_code ignored;
    co_await pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                              boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
}

boost::asio::awaitable<bool> waitForProcessExit(pid_t pid, std::chrono::milliseconds timeout)
{
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, timeout);
    auto outcome = co_await (waitForProcessExit(pid) || timer.async_wait(boost::asio::use_awaitable));
    co_return outcome.index() == 0;
}

} // namespace sandbench::system
