#!/usr/bin/env bash
# The CTest fixture that fails a run whose sandboxes outlive it. "record FILE" notes the
# sandbox agents running before the run (the user's own); "check FILE" fails when any
# other agent still runs after every suite ended (waiting a few seconds for stops).
set -euo pipefail

agents() {
  # Every sandbox's agent runs as /.sandbench/sandbench-agent inside its namespaces.
  for cmdline in /proc/[0-9]*/cmdline; do
    if [ "$(tr '\0' ' ' < "$cmdline" 2>/dev/null)" = "/.sandbench/sandbench-agent " ]; then
      pid=${cmdline#/proc/}
      echo "${pid%/cmdline}"
    fi
  done | sort -n
}

describe() {
  local pid=$1
  # The sandbox's id (its host name) tells which suite left it behind.
  echo "agent $pid: sandbox $(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^HOSTNAME=//p')"
}

case "${1:-}" in
  record)
    agents > "$2"
    echo "sandbox census: $(wc -l < "$2") agent(s) running before the run"
    ;;
  check)
    for _ in $(seq 50); do
      left=$(comm -13 "$2" <(agents))
      [ -z "$left" ] && { echo "sandbox census: no sandbox of this run is left running"; exit 0; }
      sleep 0.1
    done
    echo "sandbox census: sandboxes of this run are still running:" >&2
    for pid in $left; do describe "$pid" >&2; done
    exit 1
    ;;
  *)
    echo "usage: $0 record|check FILE" >&2
    exit 2
    ;;
esac
