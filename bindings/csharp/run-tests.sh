#!/bin/sh
# Runs the libcrm C# binding tests against one libcrm build.
#   run-tests.sh /path/to/libcrm.so [dotnet test arguments, e.g. --filter ...]
set -eu

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK (dotnet) is required for the C# binding tests, and it is not on PATH." >&2
  exit 1
fi
if [ "$#" -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 /path/to/libcrm.so" >&2
  exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
library=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift

export CRM_LIBRARY="$library"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cd "$here"
dotnet restore Crm.Tests/Crm.Tests.csproj --configfile nuget.config --nologo -v quiet
exec dotnet test Crm.Tests/Crm.Tests.csproj --no-restore --nologo -v quiet \
  --logger "console;verbosity=minimal" "$@"
