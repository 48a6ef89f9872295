#!/usr/bin/env bash
# Configures and builds libcrm in build/ (or $CRM_BUILD_DIR).
#
# Environment: CRM_BUILD_TYPE (default RelWithDebInfo); CRM_DEBUG_INFO, the
# debug information of a RelWithDebInfo build (default -g; CI passes -g1,
# line tables only, which backtraces need and which compiles about a quarter
# faster). A new build directory uses Ninja when it is installed (it overlaps
# one target's link with the next one's compiles, which make does not); an
# existing one keeps the generator it was made with.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CRM_BUILD_DIR:-$root/build}"
generator=()
[ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null &&
  generator=(-G Ninja)
debug_info="${CRM_DEBUG_INFO:--g}"
cmake -S "$root" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE="${CRM_BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 $debug_info -DNDEBUG" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $debug_info -DNDEBUG"
cmake --build "$build" --parallel "$(nproc)"
