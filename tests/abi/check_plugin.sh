#!/usr/bin/env bash
# The PostgreSQL backend's plugin exports its entry point only, and the
# database client is its dependency, never libcrm.so's.
# Usage: check_plugin.sh path/to/libcrm.so path/to/libcrm_postgres.so
set -euo pipefail
library="$1"
plugin="$2"

exported=$(nm -D --defined-only "$plugin" | awk '$2 ~ /[TDBRW]/ {print $3}' | sort)
if [ "$exported" != "crm_backend_plugin_v1" ]; then
  echo "the plugin exports more or less than crm_backend_plugin_v1:"
  echo "$exported" | head -20
  exit 1
fi
if objdump -p "$library" | awk '/NEEDED/ {print $2}' | grep -q '^libpq'; then
  echo "libcrm.so links libpq: the embedded default must carry no database client"
  exit 1
fi
if ! objdump -p "$plugin" | awk '/NEEDED/ {print $2}' | grep -q '^libpq\.so'; then
  echo "the plugin does not declare libpq"
  exit 1
fi
soname=$(objdump -p "$plugin" | awk '/SONAME/ {print $2}')
if [ "$soname" != "libcrm_postgres.so.0" ]; then
  echo "SONAME is '$soname', expected libcrm_postgres.so.0"; exit 1
fi
echo "plugin: exports crm_backend_plugin_v1 only, needs libpq; libcrm.so does not"
