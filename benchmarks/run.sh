#!/usr/bin/env bash
# Builds (if needed) and runs the benchmark suite, then prints the report.
#   benchmarks/run.sh [ci|default] [extra Google Benchmark flags]
#   benchmarks/run.sh scale [customers...]     scale.sh: growth, memory, open
#   benchmarks/run.sh bindings [rows [batch]]  run_bindings.sh: Python, C#
#   benchmarks/run.sh plot [customers...]      plot.sh: read latency by size
# Build directory: $CRM_BENCH_BUILD_DIR, else build-bench/ (Release).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
size="${1:-default}"
shift || true
case "$size" in
  ci) flags=(--size=ci --benchmark_min_time=0.01) ;;
  default) flags=(--size=default --read_repetitions=3) ;;
  scale) exec "$here/scale.sh" "$@" ;;
  bindings) exec "$here/run_bindings.sh" "$@" ;;
  plot) exec "$here/plot.sh" "$@" ;;
  *) echo "usage: $0 [ci|default|scale|bindings|plot] [arguments]" >&2; exit 2 ;;
esac
source "$here/common.sh"
bench_build crm_benchmarks
out="$build/benchmarks/results-$size.json"
"$build/benchmarks/crm_benchmarks" "${flags[@]}" \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "results: $out"
python3 "$here/report.py" "$out"
