#include "EmbeddedEngine.h"

#include "engine/Engine.h"
#include "system/Files.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <filesystem>
#include <future>
#include <thread>

namespace sandbench::app {

struct EmbeddedEngine::Runtime {
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
    engine::Engine engine;
    std::thread thread;
    Runtime(engine::EngineOptions options) : engine(io, std::move(options)) {}
};

EmbeddedEngine::EmbeddedEngine(std::string stateDir, std::string runtimeDir)
{
    engine::EngineOptions options;
    options.stateDir = std::move(stateDir);
    options.runtimeDir = std::move(runtimeDir);
    runtime_ = std::make_unique<Runtime>(std::move(options));
}

EmbeddedEngine::~EmbeddedEngine()
{
    if (!runtime_->thread.joinable())
        return;
    // Shut down on the engine's own thread, then let its loop finish.
    std::promise<void> done;
    boost::asio::post(runtime_->io, [&] {
        runtime_->engine.shutdown(stopSandboxesOnExit_);
        done.set_value();
    });
    done.get_future().wait();
    runtime_->work.reset();
    runtime_->io.stop();
    runtime_->thread.join();
}

void EmbeddedEngine::start()
{
    runtime_->engine.start(); // before the thread runs: nothing else touches the engine yet
    url_ = runtime_->engine.url();
    token_ = runtime_->engine.token();
    runtime_->thread = std::thread([io = &runtime_->io] { io->run(); });
}

} // namespace sandbench::app
