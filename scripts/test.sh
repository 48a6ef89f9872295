#!/usr/bin/env bash
# One command from a fresh clone: install, build, and run every test (C, C++,
# the installed-package check, Python and C#) through CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${CRM_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" \
  --timeout 900 "$@"
