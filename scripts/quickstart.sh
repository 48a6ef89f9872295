#!/usr/bin/env bash
# One command from a fresh clone: install, build, and run the quickstart on
# a workspace file in build/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build="${CRM_BUILD_DIR:-$root/build}"
"$build/examples/quickstart" "$build/quickstart.crm"
