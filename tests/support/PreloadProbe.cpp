// A library that reports every process it is loaded into: the constructor appends
// "<pid> <comm>" to $SANDBENCH_PROBE_MARKER. The security suite uploads it into a
// sandbox and names it in LD_PRELOAD to prove it never loads on the host.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void reportLoad()
{
    const char *marker = getenv("SANDBENCH_PROBE_MARKER");
    if (!marker)
        return;
    char comm[64] = "?";
    const int commFd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    if (commFd >= 0) {
        const ssize_t n = read(commFd, comm, sizeof comm - 1);
        comm[n > 0 ? n : 0] = '\0';
        close(commFd);
    }
    char line[128];
    const int length = snprintf(line, sizeof line, "%d %s", static_cast<int>(getpid()), comm);
    const int fd = open(marker, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd >= 0) {
        if (write(fd, line, static_cast<size_t>(length)) < 0) {
        }
        close(fd);
    }
}
