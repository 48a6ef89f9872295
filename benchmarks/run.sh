#!/usr/bin/env bash
# Builds (if needed) and runs the benchmark suite, then prints the report.
#   benchmarks/run.sh [ci|default] [extra Google Benchmark flags]
#   benchmarks/run.sh postgres [ci|default] [extra flags]
#                      libcrm on SQLite, libcrm on PostgreSQL (libcrm_pg) and
#                      the same-work baseline, on a throwaway server
#   benchmarks/run.sh memory [ci|default]      memory.sh: peak RSS per engine
#   benchmarks/run.sh scale [customers...]     scale.sh: growth, memory, open
#   benchmarks/run.sh bindings [rows [batch]]  run_bindings.sh: Python, C#
#   benchmarks/run.sh plot [customers...]      plot.sh: read latency by size
#   benchmarks/run.sh writers [N...] [flags]   writers.sh: 1, 4, 16 writer
#                      processes on PostgreSQL (a throwaway server) and SQLite
#   benchmarks/run.sh erase [measure...] [flags]   erase.sh: what erasure
#                      costs (search rewrite by size, secure_delete, erase)
#   benchmarks/run.sh access [flags]   crm_access_costs: restricted handles
#                      against the unrestricted one (get, page, count,
#                      search on 10,000 customers)
#   benchmarks/run.sh import [rows] [flags]   crm_import_costs: crm_import
#                      of `rows` customers (default 20,000) from CSV against
#                      crm_customer_write_batch of the same rows; peak RSS
#   benchmarks/run.sh valid_time [flags]   crm_valid_time_costs: get_at
#                      against get, as-of count and a 12-instant series on
#                      100,000 customers with 10 changes each
#   benchmarks/run.sh merge [flags]   crm_merge_costs: a merge of 1,000
#                      customers with 100 events each and its undo; a
#                      survivor's timeline spanning 10 merged customers
#                      against an unmerged one with the same events
#   benchmarks/run.sh export [flags]   crm_export_costs: crm_export of every
#                      customer to CSV against a hand-written SELECT of the
#                      same columns written as CSV (--customers=N, default
#                      100,000; the issue's target is >= 0.5x at 1,000,000)
#   benchmarks/run.sh duplicates [people] [dir]   duplicates/run.sh: issue
#                      #24's crm_duplicates_find at 1,000,000 customers
#                      (time, peak RSS, precision, recall) and the cost of
#                      rules on single creates
# Build directory: $CRM_BENCH_BUILD_DIR, else build-bench/ (Release).
# Rounds: $CRM_BENCH_ROUNDS (default 3, ci 1) runs of the whole suite, one
# after the other; the report gives the median of each figure over them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
size="${1:-default}"
shift || true
postgres=0
if [ "$size" = postgres ]; then
  postgres=1
  size="${1:-default}"
  shift || true
  case "$size" in ci|default) ;; *) echo "usage: $0 postgres [ci|default] [flags]" >&2; exit 2 ;; esac
fi
case "$size" in
  ci) flags=(--size=ci --benchmark_min_time=0.01); rounds=1 ;;
  default) flags=(--size=default --read_repetitions=3); rounds=3 ;;
  memory) exec "$here/memory.sh" "$@" ;;
  scale) exec "$here/scale.sh" "$@" ;;
  bindings) exec "$here/run_bindings.sh" "$@" ;;
  plot) exec "$here/plot.sh" "$@" ;;
  writers) exec "$here/writers.sh" "$@" ;;
  erase) exec "$here/erase.sh" "$@" ;;
  duplicates) exec "$here/duplicates/run.sh" "$@" ;;
  access)
    source "$here/common.sh"
    bench_build crm_access_costs
    echo "load: $(uptime)"
    exec "$build/benchmarks/crm_access_costs" "$@" ;;
  merge)
    source "$here/common.sh"
    bench_build crm_merge_costs
    echo "load: $(uptime)"
    exec "$build/benchmarks/crm_merge_costs" "$@" ;;
  valid_time)
    source "$here/common.sh"
    bench_build crm_valid_time_costs
    echo "load: $(uptime)"
    exec "$build/benchmarks/crm_valid_time_costs" "$@" ;;
  import)
    source "$here/common.sh"
    bench_build crm_import_costs
    echo "load: $(uptime)"
    rows="${1:-20000}"
    shift || true
    exec "$build/benchmarks/crm_import_costs" "--rows=$rows" "$@" ;;
  export)
    source "$here/common.sh"
    bench_build crm_export_costs
    echo "load: $(uptime)"
    exec "$build/benchmarks/crm_export_costs" "$@" ;;
  *) echo "usage: $0 [ci|default|postgres|memory|scale|bindings|plot|writers|erase|access|valid_time|merge|import|export] [arguments]
esac
rounds="${CRM_BENCH_ROUNDS:-$rounds}"
source "$here/common.sh"
name="$size"
if [ "$postgres" = 1 ]; then
  bench_build crm_benchmarks crm_postgres
  bench_postgres crm-bench-pg  # stopped and removed however the run ends
  flags+=(--postgres_url="$url"
          "--benchmark_filter=/(libcrm|libcrm_pg|sqlite_same)/")
  name="postgres-$size"
else
  bench_build crm_benchmarks
fi
outs=()
for round in $(seq 1 "$rounds"); do
  out="$build/benchmarks/results-$name-$round.json"
  echo "== round $round of $rounds"
  "$build/benchmarks/crm_benchmarks" "${flags[@]}" \
    --benchmark_out="$out" --benchmark_out_format=json "$@"
  outs+=("$out")
done
echo "results: ${outs[*]}"
python3 "$here/report.py" "${outs[@]}"
