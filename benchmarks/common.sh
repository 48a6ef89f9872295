# Sourced by the benchmark scripts: where things are, and the Release build.
#   root   the repository
#   build  $CRM_BENCH_BUILD_DIR, else build-bench/ in the repository
#   bench_build TARGET...   configures (Release) and builds those targets,
#                           unless CRM_BENCH_NO_BUILD=1 (use what is built)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CRM_BENCH_BUILD_DIR:-$root/build-bench}"

bench_build() {
  [ "${CRM_BENCH_NO_BUILD:-0}" = 1 ] && return 0
  # Configured once: a configure run rewrites libcrm's private copy of the
  # wire format, which rebuilds most of the library; the build itself
  # configures again when a CMakeLists.txt changed.
  [ -f "$build/CMakeCache.txt" ] ||
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  # At most 2 jobs: the machines this runs on have 2 cores, often shared.
  cmake --build "$build" --parallel 2 --target "$@"
}
