#!/usr/bin/env bash
# Fails when libcrm's ABI lost or changed something of the committed
# baseline: an exported symbol of libcrm.so (symbols.txt) or a declaration of
# crm.h (api.txt: prototypes, public structs, enumerator values). Additions
# are compatible: they are listed, and pass. Record them on purpose with
# update-baseline.sh. Usage: check-abi.sh path/to/libcrm.so path/to/crm.h
set -euo pipefail
library="$1"
header="$2"
here="$(cd "$(dirname "$0")" && pwd)"

symbols=$(nm -D --defined-only "$library" | awk '$2 ~ /[TDBRWV]/ {print $3}' |
  sed 's/@.*//' | LC_ALL=C sort -u)
api=$("$here/extract-api.py" "$header" | LC_ALL=C sort -u)

status=0
compare() {  # compare NAME BASELINE_FILE CURRENT_TEXT
  local name="$1" baseline="$2" current="$3" gone added
  gone=$(LC_ALL=C comm -23 "$baseline" <(echo "$current"))
  added=$(LC_ALL=C comm -13 "$baseline" <(echo "$current"))
  if [ -n "$gone" ]; then
    echo "FAIL: $name of the baseline removed or changed (an incompatible change):"
    echo "$gone" | sed 's/^/  - /'
    status=1
  fi
  if [ -n "$added" ]; then
    echo "note: new $name not in the baseline (compatible):"
    echo "$added" | sed 's/^/  + /'
  fi
  echo "$name: $(wc -l <"$baseline") in the baseline, $(echo "$current" | grep -c .) now"
}
compare "exported symbols" "$here/symbols.txt" "$symbols"
compare "declarations of crm.h" "$here/api.txt" "$api"

if [ "$status" -ne 0 ]; then
  echo "If this change is intended (it breaks hosts built against the old"
  echo "library: consider a _v2 function instead), record the new baseline:"
  echo "  tests/reliability/abi/update-baseline.sh path/to/libcrm.so"
  echo "and say why in the commit message."
fi
exit "$status"
