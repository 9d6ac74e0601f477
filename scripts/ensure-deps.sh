#!/usr/bin/env bash
# Installs what `npm start` (mode "build") or `npm test` (mode "test") needs on
# a Debian machine and is missing, or says exactly what to install. Mode "node"
# only checks Node's version (.ci/run uses it before installing a newer one).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-build}"

# Vite 8 (and its bundler) need Node ^20.19.0 || >=22.12.0, playwright-core >=20; package.json
# "engines" says the same (tests/node/setup.test.mjs checks that they agree). Checked first: on an
# older Node the build would fail deep inside Vite with an unrelated-looking error.
NODE_RANGE="^20.19.0 || >=22.12.0"
node_version=$(node -p process.versions.node 2>/dev/null || true)
node_ok() {  # node_ok <major.minor.patch>
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major == 20 && minor >= 19)) || ((major == 22 && minor >= 12)) || ((major >= 23))
}
if ! node_ok "$node_version"; then
  where="Debian 12's own nodejs is 18: take nodejs.org's, NodeSource's or nvm's"
  if [ -z "$node_version" ]; then
    echo "ensure-deps: Node.js not found; install Node 22.12+ or 20.19+ ($where)." >&2
  else
    echo "ensure-deps: Node $node_version cannot run Vite 8 (it needs $NODE_RANGE); install Node 22.12+ or 20.19+ ($where)." >&2
  fi
  exit 1
fi
[ "$mode" = node ] && exit 0

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
  # The browser tests drive chromium-headless-shell (half the CPU of the full browser) and the
  # full chromium where the shell differs (a wasm trap in a worker); without the shell (a user
  # who cannot install packages) they all run in the full browser, slower.
  need /usr/bin/chromium chromium
  if [ "$(id -u)" = 0 ] || [ ! -e /usr/bin/chromium ]; then
    need /usr/bin/chromium-headless-shell chromium-headless-shell
  fi
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

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
