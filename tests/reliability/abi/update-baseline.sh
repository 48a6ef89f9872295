#!/usr/bin/env bash
# Records the current ABI of libcrm as the baseline check-abi.sh compares
# against: run it on purpose, after an intended change or an addition, and
# commit symbols.txt and api.txt. Usage: update-baseline.sh path/to/libcrm.so
set -euo pipefail
library="${1:?usage: update-baseline.sh path/to/libcrm.so}"
here="$(cd "$(dirname "$0")" && pwd)"
nm -D --defined-only "$library" | awk '$2 ~ /[TDBRWV]/ {print $3}' |
  sed 's/@.*//' | LC_ALL=C sort -u >"$here/symbols.txt"
"$here/extract-api.py" "$here/../../../include/crm/crm.h" | LC_ALL=C sort -u \
  >"$here/api.txt"
echo "baseline: $(wc -l <"$here/symbols.txt") symbols, $(wc -l <"$here/api.txt") declarations"
