#!/usr/bin/env bash
# libcrm.so exports only crm_ symbols, every function of crm.h, and has a
# SONAME. Usage: check_exports.sh path/to/libcrm.so
set -euo pipefail
library="$1"
header="$(dirname "$0")/../../include/crm/crm.h"

exported=$(nm -D --defined-only "$library" | awk '$2 ~ /[TDBRW]/ {print $3}' | sort)
foreign=$(echo "$exported" | grep -v '^crm_' || true)
if [ -n "$foreign" ]; then
  echo "symbols other than crm_* are exported:"; echo "$foreign" | head -20
  exit 1
fi
declared=$(grep -oE '\bcrm_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
  echo "declared in crm.h but not exported:"; echo "$missing"; exit 1
fi
soname=$(objdump -p "$library" | awk '/SONAME/ {print $2}')
if [ "$soname" != "libcrm.so.0" ]; then
  echo "SONAME is '$soname', expected libcrm.so.0"; exit 1
fi
echo "exports: $(echo "$exported" | wc -l) crm_ symbols, SONAME $soname"
