#!/usr/bin/env bash
# The binding rows of the benchmark table (not in CI's timing): Python and C#
# insert ROWS customers in batches of BATCH and fetch them all back, next to
# the C ABI doing the same (crm_benchmarks create_customers and
# fetch_customers at that size) and, for Python, the same load written with
# the sqlite3 module. Rounds alternate the engines, so that a busy spell of a
# shared machine falls on all of them; each figure is the median of the rounds.
#   benchmarks/run_bindings.sh [rows [batch]]   (default: 100000 10000)
# CRM_BENCH_ROUNDS (default 3) sets the rounds. Without dotnet, or with
# CRM_BENCH_NO_CSHARP=1, the C# rows say "not run". Prints one line per row: workload, binding rows/s,
# reference rows/s, ratio, target.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
rows="${1:-100000}"
batch="${2:-10000}"
rounds="${CRM_BENCH_ROUNDS:-3}"
bench_build crm crm_benchmarks
library="$build/libcrm.so"
out="$build/benchmarks/bindings"
rm -rf "$out"
mkdir -p "$out"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
csharp="$here/bindings/csharp/BindingBench.csproj"
if [ "${CRM_BENCH_NO_CSHARP:-0}" = 1 ]; then
  echo "CRM_BENCH_NO_CSHARP=1: the C# rows are not measured" >&2
  csharp=""
elif command -v dotnet >/dev/null 2>&1; then
  dotnet build -c Release "$csharp" --nologo -v quiet >"$out/csharp-build.log" ||
    { cat "$out/csharp-build.log"; exit 1; }
else
  echo "dotnet is not on PATH: the C# rows are not measured" >&2
  csharp=""
fi

for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds"
  "$build/benchmarks/crm_benchmarks" --customers="$rows" --events=1000 \
    --batch="$batch" --benchmark_filter='^(create_customers|fetch_customers)/libcrm/' \
    --benchmark_out="$out/c_abi-$round.json" --benchmark_out_format=json >/dev/null
  echo "C ABI: done"
  CRM_LIBRARY="$library" PYTHONPATH="$root/bindings/python" \
    python3 "$here/bindings/python_bench.py" --rows "$rows" --batch "$batch" \
    --json "$out/python-$round.json"
  if [ -n "$csharp" ]; then
    CRM_LIBRARY="$library" dotnet run -c Release --no-build --project "$csharp" \
      -- --rows "$rows" --batch "$batch" --json "$out/csharp-$round.json"
  fi
done
echo "results: $out"
python3 "$here/bindings/report_bindings.py" "$out"
