#!/usr/bin/env bash
# Peak resident memory (VmHWM) of each engine alone: the whole suite run once
# per engine, each in its own process, so that no engine's memory is counted
# against another's. Prints the largest peak_rss_mb each process reported.
#   benchmarks/memory.sh [ci|default]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
size="${1:-default}"
source "$here/common.sh"
bench_build crm_benchmarks
for engine in libcrm sqlite_same sqlite; do
  out="$build/benchmarks/memory-$size-$engine.json"
  "$build/benchmarks/crm_benchmarks" --size="$size" \
    --benchmark_filter="/$engine/" --benchmark_min_time=0.05 \
    --benchmark_out="$out" --benchmark_out_format=json >/dev/null 2>"$out.log"
  python3 - "$out" "$engine" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
peak = max(b.get("peak_rss_mb", 0) for b in data["benchmarks"])
print(f"{sys.argv[2]}: peak RSS {peak:.0f} MB")
PY
done
