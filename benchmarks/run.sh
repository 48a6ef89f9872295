#!/usr/bin/env bash
# Builds (if needed) and runs the benchmark suite, then prints the report.
#   benchmarks/run.sh [ci|default|scale] [extra Google Benchmark flags]
# Build directory: $CRM_BENCH_BUILD_DIR, else build-bench/ (Release).
set -euo pipefail
size="${1:-default}"
shift || true
case "$size" in
  ci) flags=(--size=ci --benchmark_min_time=0.01) ;;
  default) flags=(--size=default --read_repetitions=3) ;;
  scale) flags=(--size=scale --read_repetitions=3) ;;
  *) echo "usage: $0 [ci|default|scale] [benchmark flags]" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CRM_BENCH_BUILD_DIR:-$root/build-bench}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target crm_benchmarks
out="$build/benchmarks/results-$size.json"
"$build/benchmarks/crm_benchmarks" "${flags[@]}" \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "results: $out"
python3 "$root/benchmarks/report.py" "$out"
