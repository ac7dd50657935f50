#!/usr/bin/env bash
# Installs what is missing, builds, and starts the engine in the foreground.
# (Until the desktop window lands, the main program is sandbenchd; it prints its URL.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/bin/sandbenchd "$@"
