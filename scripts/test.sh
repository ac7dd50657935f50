#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite through CTest:
# unit suites, integration suites with real bubblewrap sandboxes, and the
# conformance suite driving the engine with the published SDK client, and the
# GUI suites (on a virtual X server when no display is set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
scripts/build.sh
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error)
cd build
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure --timeout 900 "$@"
fi
exec ctest --output-on-failure --timeout 900 "$@"
