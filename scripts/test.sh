#!/usr/bin/env bash
# One command from a fresh clone: install, build, and run every test (C, C++,
# the installed-package check, Python and C#) through CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${CRM_BUILD_DIR:-$root/build}"
# The PostgreSQL fault and crash workloads make a workspace per point: here
# they run with smaller budgets; CI's second stage (scripts/reliability.sh)
# runs them in full under AddressSanitizer. Set a variable to run more.
export CRM_PG_FAULT_MAX_POINTS="${CRM_PG_FAULT_MAX_POINTS:-15}"
export CRM_PG_ERASE_POINTS="${CRM_PG_ERASE_POINTS:-15}"
export CRM_PG_RESTART_POINTS="${CRM_PG_RESTART_POINTS:-3}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" \
  --timeout 900 "$@"
