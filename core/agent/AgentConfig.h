// What the agent knows about the sandbox it runs in.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace sandbench::agent {

struct AgentConfig {
    std::string workspace = "/workspace";   // default cwd of sessions and sessionless commands
    std::string scratchDir = "/tmp/.sandbench"; // capture files and FIFOs (private /tmp in the sandbox)
    std::string home = "/root";
    std::map<std::string, std::string> baseEnv; // container env + sandbox envVars
    std::optional<std::chrono::seconds> sleepAfter; // the sandbox's idle limit; none with keepAlive
    std::size_t logLimitBytes = 4 * 1024 * 1024; // per stream of a background process
    std::size_t outputLimitBytes = 32 * 1024 * 1024; // per stream of a foreground command's result
    // The interpreter's runner programs (resources/interpreter), bound read-only by the engine.
    std::string runnersDir = "/.sandbench/runners";
    // Started runners kept ready per program (Python; Node for JavaScript and TypeScript).
    std::size_t pythonPool = 1, nodePool = 1;
    std::size_t cellOutputLimitBytes = 16 * 1024 * 1024; // stdout, stderr and results of one cell
    int lifelineFd = -1; // O_PATH of the engine's marker file for this sandbox (see Lifeline.h)
};

} // namespace sandbench::agent
