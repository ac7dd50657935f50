// The engine running inside the GUI process, on a thread of its own, so that
// nothing else needs starting. The GUI still talks to it over HTTP like any
// other client; this is the one place in the program that includes core/engine.
#pragma once

#include <memory>
#include <string>

namespace sandbench::engine {
struct EngineOptions;
}

namespace sandbench::app {

class EmbeddedEngine {
public:
    // stateDir/runtimeDir empty: the XDG defaults.
    EmbeddedEngine(std::string stateDir, std::string runtimeDir);
    // Stops serving; running sandboxes keep running and are re-adopted next time, unless
    // stopSandboxesOnExit was set.
    ~EmbeddedEngine();
    EmbeddedEngine(const EmbeddedEngine &) = delete;
    EmbeddedEngine &operator=(const EmbeddedEngine &) = delete;

    // Binds and starts serving. Throws std::runtime_error with the reason.
    void start();
    std::string url() const { return url_; }
    std::string token() const { return token_; }
    void setStopSandboxesOnExit(bool stop) { stopSandboxesOnExit_ = stop; }

private:
    struct Runtime;
    std::unique_ptr<Runtime> runtime_;
    std::string url_;
    std::string token_;
    bool stopSandboxesOnExit_ = false;
};

} // namespace sandbench::app
