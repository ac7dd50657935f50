// The seccomp filter every sandbox runs under: allow by default, deny with
// EPERM what container runtimes deny by default (kernel tampering, tracing,
// keyrings, BPF, namespace and mount changes, terminal injection).
#pragma once

#include <string>
#include <vector>

namespace sandbench::engine {

// The syscall names the filter denies (for docs and tests).
const std::vector<std::string> &deniedSyscalls();

// Compiles the filter to BPF in a sealed memfd positioned at offset 0, ready
// for `bwrap --seccomp FD`. Throws std::runtime_error naming the failing call.
int compileSeccompFilter();

} // namespace sandbench::engine
