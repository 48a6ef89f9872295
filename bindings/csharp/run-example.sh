#!/bin/sh
# Builds and runs the C# example (examples/csharp/InteractionLog) against one
# libcrm build, and checks that it printed its timeline and its aggregates.
#   run-example.sh /path/to/libcrm.so
set -eu

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK (dotnet) is required for the C# example, and it is not on PATH." >&2
  exit 1
fi
if [ "$#" -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 /path/to/libcrm.so" >&2
  exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
project="$here/../../examples/csharp/InteractionLog/InteractionLog.csproj"
library=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

export CRM_LIBRARY="$library"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

output=$(mktemp)
trap 'rm -f "$output"' EXIT

dotnet restore "$project" --configfile "$here/nuget.config" --nologo -v quiet
if ! dotnet run --project "$project" --no-restore >"$output" 2>&1; then
  cat "$output"
  echo "The C# example failed." >&2
  exit 1
fi
cat "$output"

status=0
for heading in "== Timeline of Acme Corporation" "== Interactions per channel per month ==" \
               "== Open tickets per customer stage =="; do
  if ! grep -qF -- "$heading" "$output"; then
    echo "The C# example's output lacks \"$heading\"." >&2
    status=1
  fi
done
exit "$status"
