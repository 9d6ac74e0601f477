#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz, CMake preset fuzz: clang with
# ASan + UBSan) and runs each for a given time on a copy of its committed seed
# corpus (tests/fuzz/corpus/<harness>). Seconds per harness: the first argument,
# else BNLAB_FUZZ_SECONDS, else 60. A finding stops the run with its input
# written to build/fuzz/findings/. Usage: npm run fuzz [-- SECONDS [HARNESS...]]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-${BNLAB_FUZZ_SECONDS:-60}}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(config cli shapes)

# libFuzzer ships with clang's runtime libraries (Debian: clang, libclang-rt-dev).
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang and libclang-rt-dev (libFuzzer) with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends clang libclang-rt-dev >/dev/null
  else
    echo "fuzz: clang with libFuzzer is missing; on Debian run: sudo apt-get install -y clang libclang-rt-dev" >&2
    exit 1
  fi
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --parallel >/dev/null
mkdir -p build/fuzz/findings
for harness in "${harnesses[@]}"; do
  work="build/fuzz/corpus-$harness"
  mkdir -p "$work"
  cp tests/fuzz/corpus/"$harness"/* "$work"/
  echo "fuzz: $harness for ${seconds}s"
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: 2 GiB like the page's heap.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/fuzz_$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=1024 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$harness-" \
    "$work" >"build/fuzz/$harness.log" 2>&1; then
    tail -n 40 "build/fuzz/$harness.log" >&2
    echo "fuzz: $harness found a failing input (build/fuzz/findings/)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "build/fuzz/$harness.log" | tail -n 2
done
echo "fuzz: no findings in ${#harnesses[@]} harness(es), ${seconds}s each"
