# Sourced by the benchmark scripts: where things are, and the Release build.
#   root   the repository
#   build  $CRM_BENCH_BUILD_DIR, else build-bench/ in the repository
#   bench_build TARGET...   configures (Release) and builds those targets,
#                           unless CRM_BENCH_NO_BUILD=1 (use what is built)
#   bench_postgres NAME     starts a throwaway server in /tmp/NAME-<pid>,
#                           stopped and removed when the script exits, and
#                           sets `url` to its database's libpq URL
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

bench_postgres() {
  # A short path: the socket's must fit in 107 bytes.
  server="/tmp/$1-$$"
  [ ! -e "$server" ] || { echo "$0: $server exists" >&2; exit 1; }
  trap '"$root/scripts/postgres.sh" stop "$server"' EXIT
  url="$("$root/scripts/postgres.sh" start "$server" | tail -n 1)"
  "/usr/lib/postgresql/15/bin/postgres" --version
}
