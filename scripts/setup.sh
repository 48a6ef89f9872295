#!/usr/bin/env bash
# Installs what building and testing libcrm needs: Debian packages, and the
# pinned pyright that checks the Python binding (from the npm registry, into
# bindings/python/pyright/node_modules, which git ignores).
# Safe to run again: it installs only what is missing. Needs root (or sudo)
# when a Debian package is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
  build-essential cmake pkg-config git
  libsqlite3-dev libprotobuf-dev protobuf-compiler libabsl-dev libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 binutils gnuplot-nox
  libpq-dev postgresql-15 libssl-dev libcsv-dev libicu-dev libphonenumber-dev
  libcli11-dev nlohmann-json3-dev
  # scripts/package.sh and tests/packaging: Debian's packaging tools, RE2's
  # Unicode tables, pip and venv for the wheel, a clean root for the
  # clean-machine test.
  dpkg-dev zlib1g-dev unicode-data python3-pip python3-venv debootstrap
)
# Node.js runs pyright. A node or npm already on PATH will do (e.g. one
# installed from elsewhere); else Debian's.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: every package libcrm needs is installed"
else
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# pyright for CTest's python_pyright: the version in package.json, locked
# with its checksum in package-lock.json; npm ci installs exactly that.
typecheck="$root/bindings/python/pyright"
wanted="$(node -p 'require(process.argv[1]).devDependencies.pyright' \
  "$typecheck/package.json")"
installed="$(node -p 'try { require(process.argv[1]).version } catch (e) { "" }' \
  "$typecheck/node_modules/pyright/package.json")"
if [ "$installed" = "$wanted" ]; then
  echo "setup: pyright $wanted is installed"
else
  echo "setup: installing pyright $wanted into $typecheck/node_modules"
  npm ci --prefix "$typecheck" --no-audit --no-fund --loglevel=error
fi
