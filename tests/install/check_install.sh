#!/usr/bin/env bash
# An integrator's view of libcrm: install it to a prefix, then build and run
# the examples against that prefix, once with find_package(crm) and once with
# pkg-config. Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
# lib, or lib/<multiarch> in a build configured for Debian's layout
# (scripts/package.sh).
libdir="$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")"

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
test -f "$prefix/include/crm/crm.h"
test -f "$prefix/include/crm/crm.proto"
test -f "$prefix/$libdir/cmake/crm/crmConfig.cmake"
test -f "$prefix/$libdir/pkgconfig/crm.pc"

# CMake package.
cmake -S "$source/examples" -B "$work/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
LD_LIBRARY_PATH="$prefix/$libdir" "$work/cmake-build/quickstart" \
  "$work/cmake.crm" | grep -q "Acme Corporation"

# pkg-config.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
cc -std=c99 -Wall -Wextra -Werror -pedantic \
  "$source/examples/c/quickstart.c" $(pkg-config --cflags --libs crm) \
  -o "$work/quickstart-pc"
LD_LIBRARY_PATH="$prefix/$libdir" "$work/quickstart-pc" "$work/pc.crm" |
  grep -q "Jane Doe"

# The crm tool, installed beside the library, runs without LD_LIBRARY_PATH
# and reads the workspace the quickstart wrote.
"$prefix/bin/crm" --version | grep -q "^crm "
"$prefix/bin/crm" --workspace "$work/pc.crm" --format jsonl count |
  grep -Eqx '\{"count":[1-9][0-9]*\}'
echo "installed libcrm builds and runs the examples (CMake and pkg-config) and the crm tool"
