#!/usr/bin/env bash
# Installs what `npm start` (mode "build") or `npm test` (mode "test") needs on
# a Debian machine and is missing, or says exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-build}"

missing=()
need() {  # need <command-or-path> <debian-package>
  if [[ "$1" == /* ]]; then [ -e "$1" ] || missing+=("$2"); else command -v "$1" >/dev/null 2>&1 || missing+=("$2"); fi
}
need cmake cmake
need g++ g++
need make make
need emcc emscripten
if [ "$mode" = test ]; then
  need /usr/include/gtest/gtest.h libgtest-dev
  need /usr/include/nlohmann/json.hpp nlohmann-json3-dev
  need clang-format clang-format
  need /usr/bin/chromium chromium
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-deps: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "ensure-deps: missing ${missing[*]}." >&2
    echo "ensure-deps: on Debian/Ubuntu run:  sudo apt-get install -y ${missing[*]}" >&2
    echo "ensure-deps: (Emscripten may also come from an activated emsdk; Chromium from your distribution.)" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "ensure-deps: Node $node_major is too old; install Node 18 or newer." >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
