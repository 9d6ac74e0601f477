#!/usr/bin/env bash
# Builds the WebAssembly module build/wasm/batchnorm_lab.js from the same
# CMakeLists.txt as the native build, with emcmake. `build-wasm.sh wasm-safe`
# builds build/wasm-safe/batchnorm_lab.js (-sASSERTIONS=1 -sSAFE_HEAP=1).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v emcmake >/dev/null 2>&1; then
  echo "build-wasm: emcmake not found. Install Emscripten: 'apt-get install -y emscripten' (Debian)" >&2
  echo "            or activate an emsdk (https://emscripten.org/docs/getting_started/)." >&2
  exit 1
fi
# Debian's emscripten needs its acorn, which lives where a non-Debian Node does not look.
if [ -d /usr/share/nodejs ]; then
  export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
fi
# emcmake's default emulator flag (--experimental-wasm-threads) is refused by Node 20.
preset="${1:-wasm}"
emcmake cmake --preset "$preset" -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)" >/dev/null
cmake --build --preset "$preset" --parallel
echo "build-wasm: wrote build/$preset/batchnorm_lab.js ($(wc -c <"build/$preset/batchnorm_lab.js") bytes)"
