#!/usr/bin/env bash
# Format checks, first in `npm test` because they take seconds and need no
# build: prettier on the JavaScript, JSON, CSS and HTML, clang-format on every
# C++ file of the repository (the repository's .prettierrc and .clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."

npx prettier --check --log-level warn .

if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format not found; install it (Debian: apt-get install -y clang-format)." >&2
  exit 1
fi
mapfile -t sources < <(find . \( -path ./.git -o -path ./node_modules -o -path './build*' -o -path ./dist \) -prune \
  -o -type f \( -name '*.cpp' -o -name '*.h' \) -print | sort)
clang-format --dry-run --Werror "${sources[@]}"
echo "format: prettier and clang-format clean (${#sources[@]} C++ files)"
