#!/usr/bin/env bash
# Installs what is missing, builds, and starts the Sandbench window (with its
# embedded engine). Options go to the app: --state-dir DIR, --engine URL --token-file F.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/bin/sandbench "$@"
