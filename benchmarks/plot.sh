#!/usr/bin/env bash
# The plot of read latency against workspace size in benchmarks/README.md:
# runs the read workloads (get_by_id, get_by_email, get_by_external_id,
# filter_user_field, latest_50_events) of libcrm and raw SQLite at several
# sizes, 5 events per customer, writes the medians to read_latency.csv and
# draws read_latency.png from it with gnuplot (read_latency.gp).
#   benchmarks/plot.sh [customers...]   (default: 10000 30000 100000 300000)
#   benchmarks/plot.sh --replot         only redraw the PNG from the CSV
# About 2 minutes at the default sizes on 2 cores. Needs gnuplot: the Debian
# package gnuplot-nox (scripts/setup.sh installs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "plot.sh: gnuplot is missing; install the Debian package gnuplot-nox" \
    "(apt-get install gnuplot-nox, or scripts/setup.sh)" >&2
  exit 1
fi
csv="$here/read_latency.csv"
png="$here/read_latency.png"
if [ "${1:-}" != --replot ]; then
  sizes=("$@")
  [ ${#sizes[@]} -gt 0 ] || sizes=(10000 30000 100000 300000)
  bench_build crm_benchmarks
  out="$build/benchmarks/sweep"
  rm -rf "$out"
  mkdir -p "$out"
  reads='get_by_id|get_by_email|get_by_external_id|filter_user_field|latest_50_events'
  for customers in "${sizes[@]}"; do
    echo "== $customers customers, $((customers * 5)) events"
    "$build/benchmarks/crm_benchmarks" --customers="$customers" \
      --events=$((customers * 5)) --batch=10000 --read_repetitions=3 \
      --benchmark_min_time=0.2 --benchmark_filter="^($reads)/(libcrm|sqlite)/" \
      --benchmark_out="$out/$customers.json" --benchmark_out_format=json \
      >/dev/null
  done
  python3 "$here/latency_csv.py" "$out"/*.json >"$csv"
  echo "data: $csv"
fi
gnuplot -e "csv='$csv'; png='$png'" "$here/read_latency.gp"
echo "plot: $png ($(stat -c %s "$png") bytes)"
