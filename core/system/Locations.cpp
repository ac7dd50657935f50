#include "system/Locations.h"

#include <unistd.h>

#include <cstdlib>

namespace sandbench::system {

namespace {

std::string homeDir()
{
    const char *home = std::getenv("HOME");
    return home && *home ? home : "/root";
}

} // namespace

std::string defaultStateDir()
{
    const char *data = std::getenv("XDG_DATA_HOME");
    if (geteuid() == 0 && !(data && *data))
        return "/var/lib/sandbench"; // root's home is closed to the unprivileged sandbox uids
    return (data && *data ? std::string(data) : homeDir() + "/.local/share") + "/sandbench";
}

std::string defaultRuntimeDir()
{
    const char *runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime && *runtime)
        return std::string(runtime) + "/sandbench";
    return "/tmp/sandbench-" + std::to_string(getuid());
}

} // namespace sandbench::system
