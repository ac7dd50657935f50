// sandbench-agent: the control plane inside one sandbox. Serves the container
// protocol on a unix socket: either a listening socket inherited from the
// engine (SANDBENCH_LISTEN_FD) or one it binds itself (--socket PATH).
#include "agent/AgentRouter.h"
#include "system/Files.h"
#include "system/Subprocess.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

using namespace sandbench;

int main(int argc, char **argv)
{
    // The engine's backups restore with this (BackupService: inside the sandbox, with the
    // capabilities to give files their owners and modes back): one way to restore for both.
    // After ARCHIVE DIR: the path and slot of each bucket mounted now (they stay mounted).
    if (argc >= 4 && argc % 2 == 0 && std::string(argv[1]) == "--restore-archive") {
        try {
            agent::BucketLinks links;
            for (int i = 4; i + 1 < argc; i += 2)
                links.emplace_back(argv[i], argv[i + 1]);
            system::removeTree(agent::restoreArchive(argv[2], argv[3], system::currentEnvironment(), links));
            return 0;
        } catch (const std::exception &error) {
            std::cerr << error.what() << "\n";
            return 1;
        }
    }
    std::string socketPath;
    agent::AgentConfig config;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--socket" && i + 1 < argc)
            socketPath = argv[++i];
        else if (arg == "--workspace" && i + 1 < argc)
            config.workspace = argv[++i];
        else if (arg == "--scratch" && i + 1 < argc)
            config.scratchDir = argv[++i];
        else if (arg == "--runners" && i + 1 < argc)
            config.runnersDir = argv[++i];
        else {
            std::cerr << "usage: sandbench-agent [--socket PATH] [--workspace DIR] [--scratch DIR] [--runners DIR]\n";
            return 2;
        }
    }
    // The sandbox's environment (minus our own settings) is what commands see.
    for (const auto &entry : system::currentEnvironment()) {
        const auto equals = entry.find('=');
        if (equals == std::string::npos || entry.rfind("SANDBENCH_", 0) == 0)
            continue;
        config.baseEnv[entry.substr(0, equals)] = entry.substr(equals + 1);
    }
    // The sandbox's settings (envVars, sleepAfter) arrive on a descriptor, never in our own
    // environment: the variables are for the commands, and LD_PRELOAD and the like must
    // not load into the agent.
    if (const char *fdText = std::getenv("SANDBENCH_SETTINGS_FD")) {
        const int fd = std::atoi(fdText);
        std::string text;
        char chunk[4096];
        for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;)
            text.append(chunk, static_cast<std::size_t>(n));
        close(fd);
        unsetenv("SANDBENCH_SETTINGS_FD");
        try {
            agent::applySettings(config, nlohmann::json::parse(text));
        } catch (const std::exception &error) {
            std::cerr << "sandbench-agent: bad settings from the engine: " << error.what() << "\n";
            return 2;
        }
    }
    if (const char *fdText = std::getenv("SANDBENCH_LIFELINE_FD")) {
        config.lifelineFd = std::atoi(fdText);
        fcntl(config.lifelineFd, F_SETFD, FD_CLOEXEC); // ours, not the commands'
        unsetenv("SANDBENCH_LIFELINE_FD");
    }
    if (const char *home = std::getenv("HOME"))
        config.home = home;
    signal(SIGPIPE, SIG_IGN);
    // Commands run as the same uid: not dumpable keeps them out of our memory, environment
    // and descriptors (/proc/<agent>/mem, pidfd_getfd). exec resets it for the commands.
    prctl(PR_SET_DUMPABLE, 0);

    boost::asio::io_context io(1);
    boost::asio::local::stream_protocol::acceptor acceptor(io);
    try {
        if (const char *fdText = std::getenv("SANDBENCH_LISTEN_FD")) {
            const int fd = std::atoi(fdText);
            fcntl(fd, F_SETFD, FD_CLOEXEC); // never leak the control socket into commands
            acceptor.assign(boost::asio::local::stream_protocol(), fd);
        } else if (!socketPath.empty()) {
            unlink(socketPath.c_str());
            acceptor.open();
            acceptor.bind(socketPath);
            acceptor.listen();
        } else {
            std::cerr << "sandbench-agent: no socket (set SANDBENCH_LISTEN_FD or pass --socket)\n";
            return 2;
        }
    } catch (const std::exception &error) {
        std::cerr << "sandbench-agent: cannot listen: " << error.what() << "\n";
        return 1;
    }
    unsetenv("SANDBENCH_LISTEN_FD");

    agent::AgentRouter router(io.get_executor(), config, [&io](const std::string &why) {
        std::cerr << "sandbench-agent: ending the sandbox: " << why << "\n";
        io.stop();
    });
    boost::asio::co_spawn(io, router.lifeline().watch(std::chrono::seconds(5)), boost::asio::detached);
    http::ServerOptions serverOptions;
    serverOptions.streamsBody = [](const http::bhttp::request_header<> &header) {
        return header.method() == http::bhttp::verb::put && header.target().starts_with("/internal/files");
    };
    // The engine's preview relay: connections to a port inside the sandbox.
    serverOptions.claimsTunnel = &agent::PortService::claimsTunnel;
    serverOptions.tunnel = [&router](http::bhttp::request_header<> header, std::unique_ptr<http::RawConnection> engine) {
        return router.ports().tunnel(std::move(header), std::move(engine));
    };
    http::serve(acceptor, [&router](http::Request &request, http::Responder &responder) {
        return router.handle(request, responder);
    }, serverOptions);
    boost::asio::signal_set stop(io, SIGTERM, SIGINT);
    stop.async_wait([&](auto, int) { io.stop(); });
    io.run();
    return 0;
}
