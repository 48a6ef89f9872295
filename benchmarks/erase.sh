#!/usr/bin/env bash
# What erasure costs (crm_erase_costs, issue #19): the search-index rewrite by
# index size, secure_delete ON against OFF, and erase of one person (10,000
# events in a 1,000,000-event workspace) and of 1,000 people.
#   benchmarks/run.sh erase [measure...] [crm_erase_costs flags]
# Measures: search_rewrite secure_delete dataset erase (default: all, which
# is search_rewrite secure_delete erase).
# Built workspaces are kept in $CRM_BENCH_ERASE_DIR (default
# /tmp/crm-erase-data) so that a second run does not build them again (up to
# about 2 GB); remove it when done. Flags go to every measure, e.g.
# --rounds=5 or --customers=10000,100000.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
measures=()
while [ $# -gt 0 ] && [[ "$1" != --* ]]; do
  measures+=("$1")
  shift
done
[ ${#measures[@]} -gt 0 ] || measures=(all)
dir="${CRM_BENCH_ERASE_DIR:-/tmp/crm-erase-data}"
bench_build crm_erase_costs
for measure in "${measures[@]}"; do
  echo "load: $(uptime)"
  "$build/benchmarks/crm_erase_costs" "$measure" --dir="$dir" "$@"
done
echo "load: $(uptime)"
