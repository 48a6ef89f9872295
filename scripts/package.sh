#!/usr/bin/env bash
# Builds every package of libcrm into dist/ (docs/packaging.md):
#
#   libcrm_<v>_amd64.deb, libcrm-dev_..., libcrm-postgres_..., crm-tools_...
#                     Debian packages (cpack), linked to Debian's shared
#                     libraries, with -dbgsym packages of debug information
#   crm-<v>-py3-none-manylinux_<glibc>_x86_64.whl
#                     the Python package with the self-contained libcrm.so
#   Crm.<v>.nupkg, Crm.<v>.snupkg
#                     the .NET package with the self-contained libcrm.so under
#                     runtimes/linux-x64/native/, and its symbols
#   native/linux-x64/libcrm.so.<v>, libcrm.so.<v>.debug
#                     the self-contained library itself, stripped, and its
#                     debug information (found through .gnu_debuglink)
#   SHA256SUMS
#
# Environment: CRM_PACKAGE_BUILD_DIR, the build directory (default
# build-package/, configured here for /usr without tests; CI points it at
# the test stage's build/ to reuse its objects); CRM_DIST_DIR (default
# dist/); CRM_REPOSITORY_URL, the repository URL the NuGet package names
# (default: the origin remote's URL, when it is one).
#
# Network: only apt, for Debian packages (scripts/setup.sh) and the Debian
# source packages of the four libraries built position-independent
# (scripts/packaging/pic_dependencies.sh); the wheel and the NuGet package
# build offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CRM_PACKAGE_BUILD_DIR:-$root/build-package}"
dist="${CRM_DIST_DIR:-$root/dist}"
start=$SECONDS
step() { echo "== package: $* (at $((SECONDS - start)) s)"; }

step "setup"
"$root/scripts/setup.sh"

step "position-independent Abseil, Protocol Buffers, RE2, libphonenumber, ICU"
"$root/scripts/packaging/pic_dependencies.sh" "$build/pic-dependencies"

step "configure and build in $build"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
configure=(-DCMAKE_INSTALL_PREFIX=/usr
  -DCMAKE_INSTALL_LIBDIR="lib/$multiarch"
  -DCRM_PIC_DEPENDENCIES="$build/pic-dependencies")
if [ ! -f "$build/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  configure+=("${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCRM_BUILD_TESTS=OFF -DCRM_BUILD_BENCHMARKS=OFF -DCRM_BUILD_EXAMPLES=OFF)
fi
cmake -S "$root" -B "$build" "${configure[@]}" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target crm crm_postgres crm_tool \
  crm_bundled
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"

rm -rf "$dist"
mkdir -p "$dist/native/linux-x64"

step "self-contained libcrm.so $version"
native="$dist/native/linux-x64/libcrm.so.$version"
objcopy --only-keep-debug "$build/bundled/libcrm.so.$version" "$native.debug"
objcopy --strip-debug --strip-unneeded \
  --add-gnu-debuglink="$native.debug" \
  "$build/bundled/libcrm.so.$version" "$native"

step "Debian packages"
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
cp "$build"/packages/*.deb "$dist/"
# The -dbgsym packages, where CPack made them (.ddeb).
find "$build/packages" -maxdepth 1 -name '*.ddeb' -exec cp {} "$dist/" \;

step "Python wheel"
python3 -m pip wheel --quiet --no-index --no-deps --wheel-dir "$dist" \
  --config-settings "library=$native" "$root/bindings/python"

step ".NET package"
repository_url="${CRM_REPOSITORY_URL:-$(git -C "$root" remote get-url origin 2>/dev/null || true)}"
case "$repository_url" in
  *://* | *@*:*) ;;
  *) repository_url="" ;; # a local path names no repository a user can reach
esac
# NuGet takes a package path as a folder unless its extension is the file's:
# the library goes in as libcrm.so.
mkdir -p "$build/nuget-native"
cp "$native" "$build/nuget-native/libcrm.so"
dotnet pack "$root/bindings/csharp/Crm/Crm.csproj" --nologo -c Release \
  --configfile "$root/bindings/csharp/nuget.config" -o "$dist" \
  -p:CrmNativeLibrary="$build/nuget-native/libcrm.so" \
  -p:RepositoryCommit="$(git -C "$root" rev-parse HEAD)" \
  ${repository_url:+-p:RepositoryUrl="$repository_url"} >/dev/null

(cd "$dist" && find . -type f ! -name SHA256SUMS | sort | sed 's|^\./||' |
  xargs sha256sum >SHA256SUMS)
step "done"
ls -l "$dist" "$dist/native/linux-x64"
