#include "engine/Seccomp.h"

#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sched.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace sandbench::engine {

const std::vector<std::string> &deniedSyscalls()
{
    static const std::vector<std::string> names = {
        // Tracing and reading other processes' memory.
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
        // Kernel keyrings, BPF, perf, userfaultfd.
        "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
        // Kernel and module loading, reboot, swap, accounting, time.
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
        "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "syslog", "iopl", "ioperm", "quotactl", "lookup_dcookie", "vhangup", "uselib", "personality",
        // Mounts and namespaces from inside.
        "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsconfig", "fsmount",
        "fspick", "move_mount", "open_tree", "mount_setattr", "open_by_handle_at", "name_to_handle_at",
        "fanotify_init",
    };
    return names;
}

namespace {

struct FilterContext {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    ~FilterContext() { seccomp_release(ctx); }
};

void check(int rc, const std::string &what)
{
    if (rc < 0)
        throw std::runtime_error("seccomp: " + what + ": " + std::strerror(-rc));
}

} // namespace

int compileSeccompFilter()
{
    FilterContext filter;
    if (!filter.ctx)
        throw std::runtime_error("seccomp_init failed");
    // Cover the 32-bit ABIs too, so int 0x80 and x32 calls cannot slip past the rules.
    for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
        const int rc = seccomp_arch_add(filter.ctx, arch);
        if (rc < 0 && rc != -EEXIST && rc != -EDOM)
            check(rc, "seccomp_arch_add");
    }
    const auto deny = SCMP_ACT_ERRNO(EPERM);
    for (const auto &name : deniedSyscalls()) {
        const int number = seccomp_syscall_resolve_name(name.c_str());
        if (number == __NR_SCMP_ERROR)
            continue; // not on this architecture
        check(seccomp_rule_add(filter.ctx, deny, number, 0), "rule " + name);
    }
    // Terminal input injection into the controlling terminal.
    for (unsigned long request : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)})
        check(seccomp_rule_add(filter.ctx, deny, SCMP_SYS(ioctl), 1,
                               SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, request)),
              "rule ioctl");
    // New user namespaces through clone (clone3 cannot be inspected: make it fall back to clone).
    check(seccomp_rule_add(filter.ctx, deny, SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)),
          "rule clone");
    check(seccomp_rule_add(filter.ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "rule clone3");
    // io_uring does its work in kernel threads that syscall rules never see. ENOSYS makes
    // libuv (Node) and others fall back to epoll and plain calls.
    for (const char *name : {"io_uring_setup", "io_uring_enter", "io_uring_register"}) {
        const int number = seccomp_syscall_resolve_name(name);
        if (number != __NR_SCMP_ERROR)
            check(seccomp_rule_add(filter.ctx, SCMP_ACT_ERRNO(ENOSYS), number, 0), std::string("rule ") + name);
    }
    // On a VM, vsock reaches the hypervisor's host past the network namespace. The family
    // looks absent, as on a machine without it.
    check(seccomp_rule_add(filter.ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                           SCMP_A0(SCMP_CMP_EQ, AF_VSOCK)),
          "rule socket(AF_VSOCK)");

    const int fd = memfd_create("sandbench-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        throw std::runtime_error(std::string("memfd_create: ") + std::strerror(errno));
    const int rc = seccomp_export_bpf(filter.ctx, fd);
    if (rc < 0) {
        close(fd);
        check(rc, "seccomp_export_bpf");
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

} // namespace sandbench::engine
