#!/usr/bin/env bash
# Scale mode (not in CI): the read workloads at 100,000 and 1,000,000
# customers with 10 events per customer, each engine (libcrm, the same-work
# and the bare SQLite baselines) in its own process so
# that the libcrm process's peak memory (VmHWM, loading included) is libcrm's
# alone; then the time to open the largest libcrm workspace, cold, in a fresh
# process (crm_open_workspace). Prints the growth of each latency across the
# sizes, the peak memory and the open time against their targets.
#   benchmarks/scale.sh [customers...]     (default: 100000 1000000)
# About 25 minutes on 2 cores (most of it loading 10,000,000 events into each
# engine) and up to 3 GB of disk at a time: workspaces go to a temporary
# directory under $CRM_BENCH_WORK_DIR (else $TMPDIR, else /tmp), each removed
# once measured. Results stay in build-bench/benchmarks/scale/, one set of
# files per size, so that "scale.sh 100000" alone redoes that size.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
bench_build crm_benchmarks crm_open_workspace
work="$(mktemp -d "${CRM_BENCH_WORK_DIR:-${TMPDIR:-/tmp}}/crm-scale-XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$build/benchmarks/scale"  # files of other sizes stay there, so that
mkdir -p "$out"                 # scale_report.py can report any sizes run
reads='get_by_id|get_by_email|get_by_external_id|filter_user_field|count_user_field|latest_50_events|latest_events_few'
for customers in "${sizes[@]}"; do
  events=$((customers * 10))
  rm -f "$out"/*-"$customers".*
  for engine in libcrm sqlite_same sqlite; do
    echo "== $engine: $customers customers, $events events"
    started=$(date +%s)
    "$build/benchmarks/crm_benchmarks" --customers="$customers" \
      --events="$events" --batch=10000 --read_repetitions=3 \
      --benchmark_filter="^($reads)/$engine/" \
      --workspace_dir="$work/$engine-$customers" \
      --benchmark_out="$out/$engine-$customers.json" \
      --benchmark_out_format=json
    echo "$(($(date +%s) - started))" >"$out/$engine-$customers.seconds"
    if [ "$engine" = libcrm ]; then
      "$build/benchmarks/crm_open_workspace" \
        "$work/$engine-$customers/libcrm-0.db" | tee "$out/open-$customers.json"
    fi
    rm -rf "${work:?}/$engine-$customers"
  done
done
echo "results: $out"
python3 "$here/scale_report.py" "$out" "${sizes[@]}"
