#include "engine/InsideSandbox.h"

#include "engine/Launcher.h"
#include "protocol/Protocol.h"
#include "system/Files.h"
#include "system/WorkerThread.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <system_error>

namespace sandbench::engine {

namespace asio = boost::asio;
using protocol::ApiError;

std::string nsenterBinary()
{
    return system::firstExecutable({"/usr/bin/nsenter", "/bin/nsenter"});
}

std::vector<std::string> insideSandbox(pid_t target, const std::string &keepCapabilities,
                                       std::vector<std::string> command)
{
    std::string bounding = "--bounding-set=-all";
    std::size_t start = 0;
    while (start < keepCapabilities.size()) {
        const std::size_t comma = keepCapabilities.find(',', start);
        bounding += ",+" + keepCapabilities.substr(start, comma - start);
        start = comma == std::string::npos ? keepCapabilities.size() : comma + 1;
    }
    std::vector<std::string> argv = {nsenterBinary(), "--target", std::to_string(target), "--user", "--mount",
                                     "--net", "--pid", "--wdns=/", "--", "/usr/bin/setpriv", bounding,
                                     "--inh-caps=-all", "--no-new-privs", "--"};
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
}

const std::vector<std::string> &helperEnvironment()
{
    // No HOME of the sandbox's: nothing there (~/.local, dot files) configures a helper.
    static const std::vector<std::string> environment = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                                                         "HOME=/nonexistent"};
    return environment;
}

asio::awaitable<system::Completion> runInside(std::vector<std::string> argv, std::vector<std::pair<int, int>> fds,
                                              std::chrono::seconds timeout, std::size_t maxOutput,
                                              std::vector<int> joinCgroups)
{
    system::SpawnOptions options;
    options.argv = std::move(argv);
    options.env = helperEnvironment();
    options.fds = std::move(fds);
    options.joinCgroupFds = std::move(joinCgroups);
    co_return co_await system::runToCompletionLater(std::move(options), timeout, maxOutput);
}

pid_t agentProcessOf(const Sandbox &sandbox)
{
    if (sandbox.status != "running" || sandbox.initPid <= 0 || processStartTime(sandbox.initPid) != sandbox.initStartTime)
        throw ApiError("SANDBOX_NOT_RUNNING", "Sandbox '" + sandbox.id + "' is not running",
                       {{"sandboxId", sandbox.id}});
    return agentOf(sandbox.initPid);
}

asio::awaitable<pid_t> agentProcessWhenUp(std::shared_ptr<Sandbox> sandbox)
{
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (int i = 0; i < 500; ++i) {
        if (const pid_t agent = agentProcessOf(*sandbox); agent > 0)
            co_return agent;
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(asio::use_awaitable);
    }
    throw ApiError("SANDBOX_NOT_RUNNING", "Sandbox '" + sandbox->id + "': its agent did not start",
                   {{"sandboxId", sandbox->id}});
}

system::UniqueFd sandboxReadable(const std::string &name, const std::string &text, std::optional<uid_t> owner)
{
    system::UniqueFd fd{memfd_create(name.c_str(), MFD_CLOEXEC)};
    if (fd.get() < 0)
        throw std::system_error(errno, std::generic_category(), "memfd_create " + name);
    if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || fchmod(fd.get(), 0600) != 0 ||
        (owner && fchown(fd.get(), *owner, static_cast<gid_t>(*owner)) != 0))
        throw std::system_error(errno, std::generic_category(), "memfd " + name);
    lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

} // namespace sandbench::engine
