#!/usr/bin/env bash
# libcrm's second CI stage, after scripts/test.sh: the reliability suite and
# the C/C++ tests under sanitizers, then fuzzing. Prints a PASS/FAIL line per
# stage and a summary with the numbers; exits non-zero on any failure.
#
#   1. asan:  the whole project built with -fsanitize=address,undefined
#             (gcc), every C/C++ CTest test run (tests that load libcrm into
#             Python or .NET, the crm tool's tests (cli_*, which seed their
#             workspaces through the Python binding), the install check, the README's C samples and
#             the benchmarks are left to stage one: an uninstrumented host
#             cannot load it).
#             The PostgreSQL tests among them (postgres.*: the C ABI suite,
#             the reliability suite's crash, concurrency and fault tests on
#             PostgreSQL) run against the server CTest's fixture starts.
#   2. tsan:  -fsanitize=thread build; the concurrency tests of tests/capi
#             and tests/reliability, on SQLite files and on PostgreSQL
#             workspaces (CTest's fixture starts the server).
#   3. fuzz:  the libFuzzer targets of fuzz/ (clang), each for
#             CRM_FUZZ_SECONDS (default 20) from the seeds in fuzz/corpus/,
#             CRM_FUZZ_JOBS (default 2) targets at a time, one process each.
#
# Each build builds only what its stage runs (the ASan build leaves out the
# crm tool, whose tests run in stage one only), with line tables for the
# sanitizers' stack traces (-g1: file, line and function of every frame;
# no variables, which a report does not print).
#
# Phases (CRM_RELIABILITY_PHASES, default "build test"): "build" builds the
# stages' build directories and runs nothing; "test" builds what is not
# built yet and runs the tests. A build directory is locked while it builds
# (flock on DIR.lock), so .ci/run can start the "build" phase early, in the
# background at low priority, and the "test" phase waits for each build it
# needs.
#
# Environment: CRM_RELIABILITY_DIR (build dirs; default build-reliability/),
# CRM_FUZZ_SECONDS, CRM_FUZZ_JOBS, CRM_CRASH_ITERATIONS, CRM_FAULT_MAX_POINTS,
# CRM_ALLOC_MAX_POINTS, CRM_STRESS_OPS (see tests/reliability/README.md),
# CRM_RELIABILITY_STAGES (default "asan tsan fuzz"), CRM_RELIABILITY_PHASES.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${CRM_RELIABILITY_DIR:-$root/build-reliability}"
stages="${CRM_RELIABILITY_STAGES:-asan tsan fuzz}"
phases="${CRM_RELIABILITY_PHASES:-build test}"
fuzz_seconds="${CRM_FUZZ_SECONDS:-20}"
fuzz_jobs="${CRM_FUZZ_JOBS:-2}"
[ "$fuzz_jobs" -ge 1 ] 2>/dev/null || fuzz_jobs=1
jobs=2
testing=false
[[ " $phases " == *" test "* ]] && testing=true
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
mkdir -p "$out"
$testing && rm -f "$out"/stats-*.txt
failures=0
summary=()

pass() { echo "PASS: $*"; summary+=("PASS  $*"); }
fail() { echo "FAIL: $*"; summary+=("FAIL  $*"); failures=$((failures + 1)); }
# stat FILE KEY: the sum of KEY=N lines the tests wrote to FILE.
stat() { awk -F= -v k="$2" '$1 == k {s += $2} END {print s + 0}' "$1" 2>/dev/null; }

"$root/scripts/setup.sh" || { echo "FAIL: setup"; exit 1; }

# configure_and_build DIR "FLAGS" [cmake args...] [-- targets...]: holds
# DIR.lock while it configures and builds (a build already under way in
# another process finishes first; then this one has nothing left to do).
configure_and_build() {
  if command -v flock >/dev/null; then
    (flock 9 && configure_and_build_unlocked "$@") 9>"$1.lock"
  else
    configure_and_build_unlocked "$@"
  fi
}

configure_and_build_unlocked() {
  local dir="$1" flags="$2"
  shift 2
  local args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=("$@")
  cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    -DCRM_BUILD_BENCHMARKS=OFF -DCRM_BUILD_EXAMPLES=OFF "${args[@]}" \
    >"$dir.configure.log" 2>&1 || { tail -20 "$dir.configure.log"; return 1; }
  local target_args=()
  for t in "${targets[@]}"; do target_args+=(--target "$t"); done
  cmake --build "$dir" --parallel "$jobs" "${target_args[@]}" >"$dir.build.log" 2>&1 ||
    { grep -E "error|FAILED" "$dir.build.log" | head -20; return 1; }
}

# --- 1. AddressSanitizer + UndefinedBehaviorSanitizer ---------------------
asan_stats="$out/stats-asan.txt"
if [[ " $stages " == *" asan "* ]]; then
  echo "== asan: building in $out/asan (at ${SECONDS} s)"
  $testing && rm -f "$asan_stats"
  # The crm tool is left out: its tests (cli_*) run in stage one only.
  if configure_and_build "$out/asan" \
      "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
      -DCRM_BUILD_EXAMPLES=ON -DCRM_BUILD_TOOLS=OFF; then
    if ! $testing; then
      pass "asan+ubsan: build"
    elif ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       CRM_RELIABILITY_STATS="$asan_stats" \
       ctest --test-dir "$out/asan" --output-on-failure --timeout 900 \
         --parallel "$jobs" \
         -E 'python|csharp|cli_|benchmarks_smoke|install_and_build_examples|readme_c_samples'; then
      pass "asan+ubsan: C/C++ test suite"
    else
      fail "asan+ubsan: C/C++ test suite (see the sanitizer report above)"
    fi
  else
    fail "asan+ubsan: build"
  fi
fi

# --- 2. ThreadSanitizer ------------------------------------------------------
tsan_stats="$out/stats-tsan.txt"
if [[ " $stages " == *" tsan "* ]]; then
  echo "== tsan: building in $out/tsan (at ${SECONDS} s)"
  $testing && rm -f "$tsan_stats"
  if configure_and_build "$out/tsan" "-fsanitize=thread -fno-omit-frame-pointer" \
      -- crm_capi_concurrency_tests crm_reliability_tests crm_crash_writer \
      crm_postgres; then
    if ! $testing; then
      pass "tsan: build"
    elif TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
       CRM_RELIABILITY_STATS="$tsan_stats" \
       ctest --test-dir "$out/tsan" --output-on-failure --timeout 900 \
         -R 'Concurrency'; then
      pass "tsan: concurrency tests"
    else
      fail "tsan: concurrency tests (see the data race report above)"
    fi
  else
    fail "tsan: build"
  fi
fi

# --- 3. libFuzzer --------------------------------------------------------------
# The clang that builds libcrm (C++20) and has the libFuzzer runtime.
find_fuzz_clang() {
  local probe="$out/fuzz-probe-$$.cc"
  cat >"$probe" <<'PROBE'
#include <cstddef>
#include <cstdint>
#include <utility>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t size) {
  auto [a, b] = std::pair<size_t, int>(size, 1);
  return [&] { return static_cast<int>(a) * 0 + b - 1; }();
}
PROBE
  for version in 16 15 14; do
    if command -v "clang++-$version" >/dev/null &&
        "clang++-$version" -std=c++20 -fsanitize=fuzzer,address "$probe" \
          -o "$out/fuzz-probe-$$" >/dev/null 2>&1; then
      rm -f "$probe" "$out/fuzz-probe-$$"
      echo "$version"
      return 0
    fi
  done
  rm -f "$probe" "$out/fuzz-probe-$$"
  return 1
}

# run_fuzzer TARGET: fuzzes TARGET for $fuzz_seconds (one process, one
# thread) into $out/fuzz-TARGET.log; its exit status goes to
# $out/fuzz-TARGET.status.
run_fuzzer() {
  local target="$1"
  local work="$out/fuzz-corpus/$target"
  mkdir -p "$work" "$out/fuzz-artifacts"
  "$out/fuzz/fuzz/${target}_fuzzer" -max_total_time="$fuzz_seconds" \
    -print_final_stats=1 -timeout=20 -rss_limit_mb=4096 \
    -max_len="${fuzz_max_len[$target]:-4096}" \
    -artifact_prefix="$out/fuzz-artifacts/$target-" \
    "$work" "$root/fuzz/corpus/$target" >"$out/fuzz-$target.log" 2>&1
  echo $? >"$out/fuzz-$target.status"
}

declare -A fuzz_execs fuzz_result
fuzz_targets=(field_definition record_values batch_decoder api_sequence filter
  workspace_file workspace_url stored_value event_body profile_definition
  import dump_loader duplicate_rule merge_options)
# Inputs are capped at 4,096 bytes, except where a target needs longer ones:
# a filter may be 64 KiB (plus the byte that picks its target), and deep or
# long filters are where SQLite's limits lie; a workspace URL seed is 7 KB
# (a 2,000-byte user and password, 500 hosts, 100 parameters); a dump of a
# small workspace is 2.5 to 3.5 KB.
declare -A fuzz_max_len=([filter]=66560 [workspace_url]=16384
  [dump_loader]=16384)
if [[ " $stages " == *" fuzz "* ]]; then
  if $testing; then
    echo "== fuzz: $fuzz_seconds s per target, $fuzz_jobs at a time (at ${SECONDS} s)"
  else
    echo "== fuzz: building in $out/fuzz (at ${SECONDS} s)"
  fi
  if ! version=$(find_fuzz_clang); then
    # clang-14 lacks C++20 features libcrm uses (structured bindings
    # captured by lambdas); clang-16 and its sanitizer runtimes are Debian
    # packages.
    echo "fuzz: installing clang-16 and libclang-rt-16-dev (libFuzzer runtime)"
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
      --no-install-recommends clang-16 libclang-rt-16-dev >/dev/null ||
      { "${sudo_cmd[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y \
          -qq --no-install-recommends clang-16 libclang-rt-16-dev >/dev/null; }
    version=$(find_fuzz_clang) || version=""
  fi
  if [ -z "$version" ]; then
    fail "fuzz: no clang with a working libFuzzer runtime"
  elif CC="clang-$version" CXX="clang++-$version" configure_and_build \
      "$out/fuzz" "-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
      -DCRM_BUILD_TESTS=OFF -DCRM_BUILD_FUZZERS=ON -- \
      "${fuzz_targets[@]/%/_fuzzer}"; then
    if ! $testing; then
      pass "fuzz: build"
      fuzz_targets=()
    fi
    # Each target is one process on a core of its own: $fuzz_jobs at once
    # give each its $fuzz_seconds of a core, as one at a time does.
    for target in "${fuzz_targets[@]}"; do
      rm -f "$out/fuzz-$target.status"
      while [ "$(jobs -rp | wc -l)" -ge "$fuzz_jobs" ]; do wait -n; done
      run_fuzzer "$target" &
    done
    wait
    for target in "${fuzz_targets[@]}"; do
      log="$out/fuzz-$target.log"
      status=$(cat "$out/fuzz-$target.status" 2>/dev/null || echo 1)
      fuzz_execs[$target]=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
      if [ "$status" -eq 0 ]; then
        fuzz_result[$target]="no crash"
        pass "fuzz $target: ${fuzz_execs[$target]:-0} executions, no crash"
      else
        fuzz_result[$target]="CRASH"
        grep -E "ERROR|invariant broken|SUMMARY|Test unit written" "$log" | head -8
        fail "fuzz $target: crash found (log $log, input in $out/fuzz-artifacts/)"
      fi
    done
  else
    fail "fuzz: build with clang-$version"
  fi
fi

# --- summary ------------------------------------------------------------------
echo
echo "== reliability summary (at ${SECONDS} s)"
for line in "${summary[@]}"; do echo "$line"; done
if [ -f "$asan_stats" ]; then
  echo "crash safety (asan):  $(stat "$asan_stats" crash_iterations) iterations, $(stat "$asan_stats" crash_kills) SIGKILLs, $(stat "$asan_stats" crash_steps_committed) commits checked"
  echo "fault injection (asan): $(stat "$asan_stats" fault_points) fault points injected, $(stat "$asan_stats" fault_points_reported) made a call fail"
  echo "allocation failures (asan): $(stat "$asan_stats" alloc_points) points injected, $(stat "$asan_stats" alloc_points_reported) made a call fail"
  [ "$(stat "$asan_stats" cxx_alloc_points)" -gt 0 ] &&
    echo "operator new failures (asan): $(stat "$asan_stats" cxx_alloc_points) points injected, $(stat "$asan_stats" cxx_alloc_points_reported) made a call fail"
  echo "concurrency (asan):   $(stat "$asan_stats" concurrent_ops) operations"
  echo "PostgreSQL crash safety (asan): $(stat "$asan_stats" pg_crash_iterations) iterations, $(stat "$asan_stats" pg_crash_kills) SIGKILLs, $(stat "$asan_stats" pg_crash_steps_committed) commits checked"
  echo "PostgreSQL dropped connection (asan): $(stat "$asan_stats" pg_dropped_connection_points) fault points injected, $(stat "$asan_stats" pg_dropped_connection_reported) made a call fail"
  echo "PostgreSQL server restart (asan): $(stat "$asan_stats" pg_restart_points) restarts injected, $(stat "$asan_stats" pg_restart_reported) made a call fail"
  echo "erasure (asan): $(stat "$asan_stats" fault_erase_points) I/O fault points, $(stat "$asan_stats" alloc_erase_points) allocation failure points, $(stat "$asan_stats" crash_erase_kills) SIGKILLs during erase_where, $(stat "$asan_stats" pg_dropped_connection_erase_points) dropped PostgreSQL connections"
  echo "PostgreSQL concurrency (asan): $(stat "$asan_stats" pg_concurrent_ops) operations"
fi
if [ -f "$tsan_stats" ]; then
  echo "concurrency (tsan):   $(stat "$tsan_stats" concurrent_ops) operations"
  echo "PostgreSQL concurrency (tsan): $(stat "$tsan_stats" pg_concurrent_ops) operations"
fi
for target in "${fuzz_targets[@]}"; do
  [ -n "${fuzz_result[$target]:-}" ] &&
    echo "fuzz $target: ${fuzz_execs[$target]:-0} executions, ${fuzz_result[$target]}"
done
passed=$(printf '%s\n' "${summary[@]}" | grep -c '^PASS' || true)
echo "reliability: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
