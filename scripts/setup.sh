#!/usr/bin/env bash
# Installs what Sandbench needs on Debian 12 (only what is missing), as root or through sudo.
# --tests: also what only the tests use (chromium, for the terminal page in a real browser).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libboost1.81-dev nlohmann-json3-dev libseccomp-dev
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev qt6-websockets-dev
  qt6-translations-l10n libqscintilla2-qt6-dev
  xvfb xauth
  bubblewrap procps python3
  python3-ipython python3-matplotlib python3-pandas qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev
  qt6-webengine-dev libvterm-dev
  slirp4netns nftables util-linux mount e2fsprogs
  s3fs squashfs-tools libssl-dev
)
if [ "${1:-}" = "--tests" ]; then packages+=(chromium openssl curl); fi
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# What the interpreter's Node runner loads inside the sandbox (a parser and the TypeScript
# transpiler), pinned by its package-lock.json; the sandbox has no network to fetch them.
runners="$(cd "$(dirname "$0")/../resources/interpreter" && pwd)"
if [ ! -d "$runners/node_modules/sucrase" ] || [ ! -d "$runners/node_modules/acorn" ]; then
  (cd "$runners" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
fi

# The terminal page's browser scripts (xterm.js and the SDK's SandboxAddon), pinned by its
# package-lock.json; the build copies them beside the engine.
page="$(cd "$(dirname "$0")/../resources/terminal" && pwd)"
if [ ! -d "$page/node_modules/@xterm/xterm" ] || [ ! -d "$page/node_modules/@cloudflare/sandbox" ]; then
  (cd "$page" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
fi
