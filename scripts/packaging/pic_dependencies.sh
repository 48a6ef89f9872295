#!/usr/bin/env bash
# Builds position-independent static archives of Abseil, Protocol Buffers,
# RE2, libphonenumber and ICU from Debian's own source packages (the versions installed here),
# for the self-contained libcrm.so (cmake/bundled_library.cmake).
#
#   scripts/packaging/pic_dependencies.sh PREFIX
#
# Why not Debian's archives: libabsl-dev, libprotobuf-dev, libre2-dev,
# libphonenumber-dev and libicu-dev ship static archives compiled for
# executables (local-exec thread-local variables, relocation R_X86_64_TPOFF32;
# PC-relative references to libstdc++ and glibc data), which a shared library
# cannot contain; the linker refuses them. The other libraries libcrm bundles
# (SQLite, libcrypto, libcsv, ICU's data, zlib) link from Debian's archives as
# they are.
#
# The sources are the exact Debian versions of the installed -dev packages,
# patches applied (Abseil's inline namespace is Debian's), so the archives
# have the ABI of the headers libcrm was compiled against; a check at the end
# compares Abseil's options.h with the installed one. The source index is
# read from the machine's own apt sources into a private apt state under
# PREFIX; the system's apt configuration is not changed.
#
# PREFIX receives lib/*.a and include/; PREFIX/.complete marks a finished
# run, PREFIX/.lock is held while one runs (CI starts one in the background
# and its packaging stage waits for it). Nothing is kept between runs beyond
# PREFIX itself.
set -euo pipefail
prefix="$(mkdir -p "$1" && cd "$1" && pwd)"
jobs="$(nproc)"
work="$prefix/work"
exec 9>"$prefix/.lock"
flock 9
if [ -f "$prefix/.complete" ]; then
  echo "pic-dependencies: $prefix is complete"
  exit 0
fi
rm -rf "$work" && mkdir -p "$work/apt/lists/partial" "$work/apt/parts"

# deb-src twins of the machine's deb sources (deb822 and one-line formats).
for file in /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  sed 's/^Types: deb$/Types: deb-src/' "$file" >"$work/apt/parts/$(basename "$file")"
done
if [ -f /etc/apt/sources.list ]; then
  sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$work/apt/parts/main.list"
fi
apt_private=(-q -o Dir::Etc::SourceList=/dev/null
  -o "Dir::Etc::SourceParts=$work/apt/parts"
  -o "Dir::State::Lists=$work/apt/lists"
  -o APT::Sandbox::User=root)
apt-get "${apt_private[@]}" update >/dev/null

installed_version() { dpkg-query -W -f='${source:Version}' "$1"; }
fetch_source() { # source-package binary-package -> extracted directory
  local source="$1" version
  version="$(installed_version "$2")"
  (cd "$work" && apt-get "${apt_private[@]}" source --download-only \
    "$source=$version" >/dev/null)
  local dsc
  dsc="$(ls "$work/${source}_"*.dsc)"
  (cd "$work" && dpkg-source --no-check -x "$dsc" "$work/$source" >/dev/null)
  echo "$work/$source"
}

cmake_build() { # source-dir build-name cmake-arguments...
  local source="$1" name="$2"
  shift 2
  cmake -S "$source" -B "$work/build-$name" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_INSTALL_LIBDIR=lib "$@" >/dev/null
  cmake --build "$work/build-$name" --parallel "$jobs" >/dev/null
  cmake --install "$work/build-$name" >/dev/null
}

begin=$SECONDS
absl="$(fetch_source abseil libabsl-dev)"
cmake_build "$absl" abseil -DBUILD_TESTING=OFF -DABSL_PROPAGATE_CXX_STD=ON \
  -DCMAKE_CXX_STANDARD=17
if ! cmp -s "$prefix/include/absl/base/options.h" /usr/include/absl/base/options.h; then
  echo "pic-dependencies: Abseil's options.h differs from libabsl-dev's" >&2
  exit 1
fi
echo "pic-dependencies: abseil took $((SECONDS - begin)) s"

begin=$SECONDS
protobuf="$(fetch_source protobuf libprotobuf-dev)"
cmake_build "$protobuf" protobuf -Dprotobuf_BUILD_TESTS=OFF \
  -Dprotobuf_BUILD_PROTOC_BINARIES=OFF -Dprotobuf_WITH_ZLIB=ON \
  -Dprotobuf_BUILD_LIBPROTOC=OFF
echo "pic-dependencies: protobuf took $((SECONDS - begin)) s"

begin=$SECONDS
re2="$(fetch_source re2 libre2-dev)"
# Debian's source leaves out RE2's generated Unicode tables; they are made
# again from the unicode-data package, as Debian's own build does.
make -C "$re2" REBUILD_TABLES=1 re2/perl_groups.cc re2/unicode_groups.cc \
  re2/unicode_casefold.cc >/dev/null
cmake_build "$re2" re2 -DRE2_BUILD_TESTING=OFF
echo "pic-dependencies: re2 took $((SECONDS - begin)) s"

begin=$SECONDS
phonenumber="$(fetch_source libphonenumber libphonenumber-dev)"
# Debian's options (no Boost), with the metadata the source carries (Debian
# regenerates the same files with Java tools) and no geocoder; only the
# library itself, whose headers libphonenumber-dev installed.
cmake -S "$phonenumber/cpp" -B "$work/build-phonenumber" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DUSE_BOOST=OFF -DREGENERATE_METADATA=OFF -DBUILD_GEOCODER=OFF \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$work/build-phonenumber" --target phonenumber \
  --parallel "$jobs" >/dev/null
cp "$work/build-phonenumber/libphonenumber.a" "$prefix/lib/"
echo "pic-dependencies: libphonenumber took $((SECONDS - begin)) s"

begin=$SECONDS
icu="$(fetch_source icu libicu-dev)"
# The common (uc) and i18n libraries only: ICU's data archive carries no code
# and links from Debian's libicudata.a of the same version.
(
  cd "$icu/source"
  CFLAGS="-O2 -fPIC" CXXFLAGS="-O2 -fPIC" ./configure --enable-static \
    --disable-shared --disable-layoutex --disable-icu-config --disable-tests \
    --disable-samples --disable-extras --disable-tools --disable-icuio \
    >/dev/null
  mkdir -p lib
  make -j"$jobs" -C common >/dev/null
  make -j"$jobs" -C i18n >/dev/null
)
cp "$icu/source/lib/libicuuc.a" "$icu/source/lib/libicui18n.a" "$prefix/lib/"
echo "pic-dependencies: icu took $((SECONDS - begin)) s"

rm -rf "$work"
touch "$prefix/.complete"
