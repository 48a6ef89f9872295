#!/usr/bin/env bash
# Writer scaling (crm_writer_scaling): 1, 4 and 16 writer processes, or the
# counts given, on libcrm over PostgreSQL (a throwaway server, as
# `run.sh postgres` starts one) and over SQLite files, each on one shared
# workspace and each writer on a workspace of its own.
#   benchmarks/run.sh writers [N...] [crm_writer_scaling flags]
# e.g. benchmarks/run.sh writers 1 4 16 --iterations=128 --rounds=2
# Writes results-writers.json and .csv beside the binary and prints the table
# (writers_report.py: the medians over --rounds, as benchmarks/README.md shows).
# The exit status fails when a writer met an error other than CRM_E_CONFLICT
# or CRM_E_BUSY, or a workspace did not hold what its writers reported.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
counts=()
while [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; do
  counts+=("$1")
  shift
done
[ ${#counts[@]} -gt 0 ] || counts=(1 4 16)
writers="$(IFS=,; echo "${counts[*]}")"
bench_build crm_writer_scaling crm_postgres
bench_postgres crm-writers-pg  # stopped and removed however the run ends
echo "load: $(uptime)"
out="$build/benchmarks/results-writers"
"$build/benchmarks/crm_writer_scaling" --writers="$writers" \
  --backends=postgres,sqlite --postgres_url="$url" \
  --json="$out.json" --csv="$out.csv" "$@"
echo "load: $(uptime)"
echo "results: $out.json $out.csv"
python3 "$here/writers_report.py" "$out.csv"
