#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite through CTest:
# unit suites, integration suites with real bubblewrap sandboxes, and the
# conformance suite driving the engine with the published SDK client.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error)
cd build
ctest --output-on-failure --timeout 900 "$@"
