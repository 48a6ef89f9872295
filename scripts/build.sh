#!/usr/bin/env bash
# Configures and builds libcrm in build/ (or $CRM_BUILD_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CRM_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CRM_BUILD_TYPE:-RelWithDebInfo}"
cmake --build "$build" --parallel "$(nproc)"
