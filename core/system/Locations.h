// Where an engine keeps its state and runtime files when none are given (ARCHITECTURE.md):
// one rule for the engine, the desktop app and the CLI.
#pragma once

#include <string>

namespace sandbench::system {

// $XDG_DATA_HOME/sandbench (~/.local/share/sandbench); /var/lib/sandbench for root.
std::string defaultStateDir();
// $XDG_RUNTIME_DIR/sandbench, else /tmp/sandbench-UID.
std::string defaultRuntimeDir();

} // namespace sandbench::system
