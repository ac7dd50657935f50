// sandbenchd: the headless engine. Prints its URL on stdout once it serves.
#include "engine/Engine.h"

#include <boost/asio/signal_set.hpp>

#include <signal.h>

#include <iostream>

using namespace sandbench;

namespace {
void usage()
{
    std::cerr << "usage: sandbenchd [--listen 127.0.0.1:PORT] [--state-dir DIR] [--runtime-dir DIR]\n"
                 "                  [--agent PATH] [--stop-sandboxes-on-exit] [--no-disk-images]\n"
                 "Serves the Sandbench engine API on loopback; writes RUNTIME_DIR/engine.json.\n"
                 "--no-disk-images: as root, keep workspaces as plain directories and enforce\n"
                 "limits.diskMiB by a usage watch (stops the sandbox) instead of a disk image.\n";
}
} // namespace

int main(int argc, char **argv)
{
    engine::EngineOptions options;
    bool stopOnExit = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--listen")
            options.listen = value();
        else if (arg == "--state-dir")
            options.stateDir = value();
        else if (arg == "--runtime-dir")
            options.runtimeDir = value();
        else if (arg == "--agent")
            options.agentBinary = value();
        else if (arg == "--stop-sandboxes-on-exit")
            stopOnExit = true;
        else if (arg == "--no-disk-images")
            options.diskImages = false;
        else if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        } else {
            std::cerr << "sandbenchd: unknown option " << arg << "\n";
            usage();
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    boost::asio::io_context io(1);
    try {
        engine::Engine engine(io, options);
        engine.start();
        std::cout << engine.url() << std::endl;
        std::cerr << "sandbenchd: serving " << engine.url() << ", token in " << engine.engineFile() << std::endl;
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, int) {
            engine.shutdown(stopOnExit);
            io.stop();
        });
        io.run();
    } catch (const std::exception &error) {
        std::cerr << "sandbenchd: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
