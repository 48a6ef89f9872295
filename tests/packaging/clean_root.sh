#!/usr/bin/env bash
#
# The clean-machine test of libcrm's packages. Usage:
#
#   tests/packaging/clean_root.sh DIST_DIR
#
# DIST_DIR holds what scripts/package.sh makes, one file of each:
#   libcrm_<d>_amd64.deb, libcrm-dev_<d>_amd64.deb,
#   libcrm-postgres_<d>_amd64.deb, crm-tools_<d>_amd64.deb,
#   crm-<v>-py3-none-manylinux_2_36_x86_64.whl, Crm.<v>.nupkg
# where <d> is <v> or <v>-<Debian revision>; every file must name the same
# version.
#
# Contract: in a fresh Debian bookworm root (debootstrap --variant=minbase,
# from the mirror of this machine's own apt configuration) holding only what
# a user has before libcrm -- gcc, libc6-dev, pkg-config, python3,
# python3-venv, libssl3, and the host's .NET SDK bind-mounted read-only, run
# with invariant globalization so that no ICU is in the root --
#   1. the wheel, installed offline into a venv, and the NuGet package,
#      restored offline from a folder holding only it, each work on their
#      own: nothing of libcrm is installed on the system yet, the library
#      loaded comes from the package, and it needs nothing beyond glibc,
#      libstdc++ and libgcc_s;
#   2. then the four .debs install with apt-get (their Depends from the
#      archive) without pulling any -dev package but libcrm-dev; the C
#      quickstart builds with pkg-config and runs without LD_LIBRARY_PATH;
#      `crm --version` names the version; the PostgreSQL plugin's libraries
#      resolve and libcrm loads it.
# The .NET, Python and program runs are offline (a network namespace of
# their own) as an unprivileged user; only apt-get reaches the network.
#
# Prints each check (ok/FAIL, with the tail of its log on failure), each
# phase's wall time ("== clean-root: PHASE took N s"), and last
# "N passed, 0 failed" when every check passed; otherwise a line naming the
# failed checks, and exits 1. Exits 2 on a usage error.
#
# Needs root (debootstrap, chroot, mount), the network to the Debian
# archive, debootstrap (scripts/setup.sh installs it) and `dotnet` on PATH. All mounts are made in a private mount namespace and are
# undone on exit, failure or interrupt; the root (under $TMPDIR or /tmp) is
# removed at the end unless CRM_KEEP_CLEAN_ROOT=1.

set -euo pipefail

readonly RELEASE="bookworm"
readonly TEST_UID=1000
readonly TEST_USER="tester"
readonly TEST_HOME="/home/${TEST_USER}"
# What the root gets beyond minbase: a user's C toolchain, Python with venv
# (ensurepip), and libssl3, which the .NET runtime's cryptography loads.
readonly ROOT_PACKAGES="gcc,libc6-dev,pkg-config,python3,python3-venv,libssl3"
# The libraries a self-contained libcrm.so may need: glibc's, libstdc++
# and libgcc_s (cmake/bundled_library.cmake).
readonly SYSTEM_LIBRARIES='^(linux-vdso\.so\.1|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$'
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly SOURCE_DIR

# Set by main and the phases.
DIST=""
VERSION=""
DEB_VERSION=""
DEB_FILES=()
WHEEL=""
NUPKG=""
DOTNET_DIR=""
WORK=""
ROOT=""
CHECK_OK=0
PASSED=0
FAILED=()
USER_ENV=()

err() {
  echo "clean-root: $*" >&2
}

die() {
  err "$@"
  exit 2
}

# Runs "$@" and prints how long it took as "== clean-root: $1 took N s".
# Arguments: a phase name, then the command.
timed() {
  local phase="$1" start="${SECONDS}"
  shift
  "$@"
  echo "== clean-root: ${phase} took $((SECONDS - start)) s"
}

# Runs the check "$2 ..." with errexit in force, its output in a log.
# Must not itself run where errexit is ignored (under if, ||, &&, !): bash
# would then ignore it in the check too. Hence it returns 0 and tells the
# outcome in CHECK_OK.
# Arguments: the check's name, then the command.
# Outputs: "ok   NAME", or "FAIL NAME" and the tail of the log.
# Globals: CHECK_OK (set to 1 or 0), PASSED and FAILED (updated).
check() {
  local name="$1" status log
  shift
  log="${WORK}/logs/${name}.log"
  set +e
  ( set -e; "$@" ) >"${log}" 2>&1
  status=$?
  set -e
  if ((status == 0)); then
    CHECK_OK=1
    PASSED=$((PASSED + 1))
    echo "ok   ${name}"
  else
    CHECK_OK=0
    FAILED+=("${name}")
    echo "FAIL ${name} (status ${status}; log ${log}):"
    tail -n 60 "${log}" | sed 's/^/    /'
  fi
}

# Prints the first URI of this machine's apt sources (deb822 *.sources,
# then one-line sources.list and *.list) that serves Debian suite $1, or
# nothing.
apt_source_uri() {
  local suite="$1" file
  local -a sources=() lists=()
  shopt -s nullglob
  sources=(/etc/apt/sources.list.d/*.sources)
  lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  {
    for file in "${sources[@]}"; do
      # One stanza per paragraph; comment lines are skipped.
      awk -v suite="${suite}" '
        BEGIN { RS = ""; FS = "\n" }
        {
          types = ""; suites = ""; uris = ""; enabled = "yes"
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^[ \t]*#/ || index($i, ":") == 0) continue
            key = tolower(substr($i, 1, index($i, ":") - 1))
            value = substr($i, index($i, ":") + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", value)
            if (key == "types") types = value
            else if (key == "suites") suites = value
            else if (key == "uris") uris = value
            else if (key == "enabled") enabled = tolower(value)
          }
          if ((" " types " ") ~ /[ \t]deb[ \t]/ && enabled != "no" &&
              (" " suites " ") ~ ("[ \t]" suite "[ \t]") && uris != "") {
            split(uris, uri, /[ \t]+/)
            print uri[1]
            exit
          }
        }' "${file}"
    done
    for file in "${lists[@]}"; do
      [[ -f "${file}" ]] || continue
      # deb [options] URI SUITE COMPONENTS...
      awk -v suite="${suite}" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == suite) { print $i; exit }
        }' "${file}"
    done
  } | head -n 1
}

# Prints the one file of DIST that glob $1 matches; fails, saying how many
# it found, otherwise.
only_file() {
  local -a found
  shopt -s nullglob
  found=("${DIST}"/$1)
  shopt -u nullglob
  if ((${#found[@]} != 1)); then
    echo "want one $1 in ${DIST}, found ${#found[@]}" >&2
    return 1
  fi
  echo "${found[0]}"
}

# Finds the six files in DIST and their version.
# Globals: DIST (read); VERSION, DEB_VERSION and DEB_FILES, WHEEL, NUPKG
# (set).
find_dist_files() {
  local name file version
  local -A versions=()
  DEB_FILES=()
  for name in libcrm libcrm-dev libcrm-postgres crm-tools; do
    file="$(only_file "${name}_*_amd64.deb")" || return 1
    DEB_FILES+=("${file}")
    version="$(basename "${file}")"
    version="${version#"${name}_"}"
    versions[${version%_amd64.deb}]=1
  done
  WHEEL="$(only_file 'crm-*-py3-none-manylinux_2_36_x86_64.whl')" || return 1
  NUPKG="$(only_file 'Crm.*.nupkg')" || return 1

  if ((${#versions[@]} != 1)); then
    echo "the .debs name different versions: ${!versions[*]}"
    return 1
  fi
  DEB_VERSION="${!versions[*]}"
  VERSION="${DEB_VERSION%-*}"  # without a Debian revision
  file="$(basename "${WHEEL}")"
  version="${file#crm-}"
  version="${version%%-*}"
  if [[ "${version}" != "${VERSION}" ]]; then
    echo "the wheel is version ${version}, the .debs ${DEB_VERSION}"
    return 1
  fi
  file="$(basename "${NUPKG}")"
  version="${file#Crm.}"
  version="${version%.nupkg}"
  if [[ "${version}" != "${VERSION}" ]]; then
    echo "the NuGet package is version ${version}, the .debs ${DEB_VERSION}"
    return 1
  fi
  if [[ ! "${VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "version '${VERSION}' is not MAJOR.MINOR.PATCH"
    return 1
  fi
  echo "version ${VERSION} (.debs ${DEB_VERSION}):"
  printf '  %s\n' "${DEB_FILES[@]}" "${WHEEL}" "${NUPKG}"
}

# Prints the mount points at or under ROOT, deepest first.
mounts_under_root() {
  [[ -n "${ROOT}" ]] || return 0
  awk -v root="${ROOT}" '$5 == root || index($5, root "/") == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r
}

# EXIT trap: unmounts everything under ROOT, then removes WORK unless
# CRM_KEEP_CLEAN_ROOT=1. Never removes WORK while something is mounted
# under it.
cleanup() {
  local status=$? mount_point left start="${SECONDS}"
  trap - EXIT
  [[ -n "${WORK}" ]] || exit "${status}"
  for mount_point in $(mounts_under_root); do
    umount "${mount_point}" 2>/dev/null || umount --lazy "${mount_point}" \
      || err "could not unmount ${mount_point}"
  done
  left="$(mounts_under_root)"
  if [[ -n "${left}" ]]; then
    err "still mounted, so ${WORK} is left in place:" ${left}
    exit 1
  fi
  if [[ "${CRM_KEEP_CLEAN_ROOT:-0}" == "1" ]]; then
    echo "clean-root: kept the root in ${ROOT} (logs in ${WORK}/logs)"
  else
    rm -rf --one-file-system "${WORK}"
  fi
  echo "== clean-root: cleanup took $((SECONDS - start)) s"
  exit "${status}"
}

# Runs "$@" in the root as root, with the network, in a PID namespace of
# its own (nothing it starts outlives it).
as_root() {
  unshare --pid --fork --kill-child \
    chroot "${ROOT}" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# Runs "$@" in the root as the test user, in TEST_HOME, with USER_ENV only,
# without a network (a namespace whose loopback is down) and in a PID
# namespace of its own.
as_user() {
  unshare --net --pid --fork --kill-child \
    chroot --userspec="${TEST_UID}:${TEST_UID}" "${ROOT}" \
    /usr/bin/env -i "${USER_ENV[@]}" /bin/bash -c 'cd ~ && exec "$@"' _ "$@"
}

# Copies host file $1 to $2 in the root (a path at most one directory
# below TEST_HOME), owned by the test user.
put() {
  install -d -o "${TEST_UID}" -g "${TEST_UID}" "${ROOT}$(dirname "$2")"
  install -m 0644 -o "${TEST_UID}" -g "${TEST_UID}" "$1" "${ROOT}$2"
}

# Writes stdin to $1 in the root, owned by the test user.
put_text() {
  local file
  file="$(mktemp "${WORK}/text.XXXXXX")"
  cat >"${file}"
  put "${file}" "$1"
  rm -f "${file}"
}

# Checks that every library ELF file $1 (a path in the root) needs is found
# and is one of SYSTEM_LIBRARIES.
self_contained() {
  local output
  output="$(as_user ldd "$1")"
  echo "ldd $1:"
  echo "${output}"
  awk -v allowed="${SYSTEM_LIBRARIES}" '
    /not found/ { print "missing: " $1; bad = 1; next }
    /statically linked/ { next }
    {
      name = $1
      sub(/.*\//, "", name)
      if (name !~ allowed) { print "not a system library: " $0; bad = 1 }
    }
    END { exit bad }' <<<"${output}"
}

# Prints the names of the packages installed in the root.
installed_packages() {
  as_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' \
    | awk '$1 == "ii" { print $2 }' | sort
}

# Succeeds when the root holds no libcrm outside TEST_HOME and no ICU:
# nothing there can stand in for what the wheel or NuGet package must bring.
root_has_no_libcrm() {
  local found
  found="$(find "${ROOT}/usr" "${ROOT}/etc" "${ROOT}/opt" \
    -path "${ROOT}${DOTNET_DIR}" -prune -o -name '*libcrm*' -print)"
  if [[ -n "${found}" ]]; then
    echo "libcrm is already in the root: ${found}"
    return 1
  fi
  found="$(installed_packages | grep -E '^(libicu|libcrm|crm-tools)' || true)"
  if [[ -n "${found}" ]]; then
    echo "installed in the root:" ${found}
    return 1
  fi
  echo "no libcrm, no ICU in the root"
}

# --- phase: bootstrap ---------------------------------------------------------

bootstrap_root() {
  local mirror updates security
  mirror="$(apt_source_uri "${RELEASE}")"
  if [[ -z "${mirror}" ]]; then
    echo "no apt source for ${RELEASE} in /etc/apt/sources.list{,.d/*}"
    return 1
  fi
  echo "mirror ${mirror}"
  debootstrap --variant=minbase --include="${ROOT_PACKAGES}" \
    "${RELEASE}" "${ROOT}" "${mirror}"

  # The root's apt sources: the same archive, plus the machine's updates
  # and security sources when it has them, as on a user's bookworm.
  updates="$(apt_source_uri "${RELEASE}-updates")"
  security="$(apt_source_uri "${RELEASE}-security")"
  rm -f "${ROOT}/etc/apt/sources.list"
  {
    local uri suite
    for suite in "${RELEASE}" "${RELEASE}-updates" "${RELEASE}-security"; do
      case "${suite}" in
        *-updates) uri="${updates}" ;;
        *-security) uri="${security}" ;;
        *) uri="${mirror}" ;;
      esac
      [[ -n "${uri}" ]] || continue
      printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' \
        "${uri}" "${suite}"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n'
    done
  } >"${ROOT}/etc/apt/sources.list.d/debian.sources"
  cat "${ROOT}/etc/apt/sources.list.d/debian.sources"

  as_root useradd --create-home --shell /bin/bash --uid "${TEST_UID}" \
    --user-group "${TEST_USER}"
  mount -t proc proc "${ROOT}/proc"
  # A pty instance of the root's own, for dpkg's and apt's terminal log.
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts \
    "${ROOT}/dev/pts"
  mkdir -p "${ROOT}${DOTNET_DIR}"
  mount --bind "${DOTNET_DIR}" "${ROOT}${DOTNET_DIR}"
  mount -o remount,bind,ro "${ROOT}${DOTNET_DIR}"

  # The -dev packages the toolchain brought (libc6-dev's and gcc's).
  installed_packages | grep -e '-dev$' >"${WORK}/dev-packages.before"
  echo "dev packages of the toolchain:" $(cat "${WORK}/dev-packages.before")
  root_has_no_libcrm
}

# --- phase: python (the wheel, before any .deb) ------------------------------

python_venv() {
  as_user python3 -m venv "${TEST_HOME}/venv"
  put "${WHEEL}" "${TEST_HOME}/dist/$(basename "${WHEEL}")"
  as_user "${TEST_HOME}/venv/bin/pip" install --no-index \
    "${TEST_HOME}/dist/$(basename "${WHEEL}")"
}

python_quickstart() {
  put_text "${TEST_HOME}/wheel_check.py" <<'EOF'
"""Uses the crm wheel as its README does; argv: venv directory, version."""
import os
import sys
import sysconfig
import tempfile

import crm

venv, version = sys.argv[1], sys.argv[2]
assert os.path.realpath(sys.prefix) == os.path.realpath(venv), sys.prefix
assert "CRM_LIBRARY" not in os.environ

path = os.path.join(tempfile.mkdtemp(), "clean-root.crm")
with crm.open(path) as db:
    db.define_field("plan", "choice", options=["basic", "premium"])
    jane = db.create_customer(name="Jane Doe", email="jane@example.com",
                              plan="premium")
with crm.open(path) as db:
    customer = db.get_customer(jane)
    assert (customer.name, customer.email, customer.plan) == (
        "Jane Doe", "jane@example.com", "premium"), dict(customer)

library_path = getattr(crm, "library_path", None) or crm._native.library_path
loaded = os.path.realpath(library_path())
site = {os.path.realpath(sysconfig.get_path(key)) for key in ("purelib", "platlib")}
assert any(loaded.startswith(s + os.sep) for s in site), (
    f"libcrm was loaded from {loaded}, not from the wheel in {sorted(site)}")
with open("/proc/self/maps") as maps:
    mapped = {line.split()[-1] for line in maps
              if os.path.basename(line.split()[-1]).startswith("libcrm")}
assert mapped == {loaded}, f"libcrm files mapped: {sorted(mapped)}"
assert crm.version() == version, f"libcrm {crm.version()}, want {version}"
print(f"python: {customer.name} ({customer.plan}) read back; "
      f"libcrm {crm.version()} from {loaded}")
EOF
  as_user "${TEST_HOME}/venv/bin/python" "${TEST_HOME}/wheel_check.py" \
    "${TEST_HOME}/venv" "${VERSION}"
}

python_self_contained() {
  local lib found=0
  for lib in $(cd "${ROOT}" && find ".${TEST_HOME}/venv" -path '*/crm/_lib/libcrm.so*' -type f); do
    self_contained "${lib#.}"
    found=1
  done
  ((found)) || { echo "no crm/_lib/libcrm.so* in the venv"; return 1; }
}

phase_python() {
  check python-venv-install python_venv
  ((CHECK_OK)) || return 0
  check python-quickstart python_quickstart
  check python-self-contained python_self_contained
}

# --- phase: dotnet (the NuGet package, before any .deb) ----------------------

dotnet_runs() {
  as_user dotnet --version
}

dotnet_add_package() {
  local app="${TEST_HOME}/app"
  put "${NUPKG}" "${TEST_HOME}/feed/$(basename "${NUPKG}")"
  as_user mkdir -p "${app}"
  as_user bash -c "cd '${app}' && dotnet new console --no-restore"
  # Only the folder holding the package: nothing can come from elsewhere.
  put_text "${app}/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="dist" value="${TEST_HOME}/feed" />
  </packageSources>
</configuration>
EOF
  as_user bash -c "cd '${app}' && dotnet add package Crm --version '${VERSION}'"
}

dotnet_quickstart() {
  local app="${TEST_HOME}/app" output line
  put_text "${app}/Program.cs" <<'EOF'
// Uses the Crm package as its README does, and prints where libcrm was
// loaded from (/proc/self/maps).
using Crm;

string path = Path.Combine(Path.GetTempPath(), $"clean-root-{Guid.NewGuid():N}.crm");
long id;
using (var db = CrmDatabase.Open(path, new OpenOptions { Create = true }))
{
    db.DefineField(new FieldDefinition
    {
        Name = "plan", Type = FieldType.Choice, Options = ["basic", "premium"],
    });
    id = db.CreateCustomer(new Dictionary<string, object?>
    {
        ["name"] = "Jane Doe", ["email"] = "jane@example.com", ["plan"] = "premium",
    });
}
using (var db = CrmDatabase.Open(path, new OpenOptions()))
{
    Customer customer = db.GetCustomer(id);
    var loaded = File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libcrm"))
        .Select(fields => fields[5]).Distinct().ToList();
    Console.WriteLine($"csharp: {customer.GetString("name")} ({customer.GetString("plan")}) " +
        $"read back; libcrm {CrmLibrary.Version} from {string.Join(", ", loaded)}");
}
File.Delete(path);
EOF
  output="$(as_user bash -c "cd '${app}' && dotnet run")"
  echo "${output}"
  line="$(grep '^csharp: ' <<<"${output}")"
  local want="csharp: Jane Doe (premium) read back; libcrm ${VERSION} from "
  if [[ "${line}" != "${want}"* ]]; then
    echo "want a line starting '${want}'"
    return 1
  fi
  # One library, from the app's output or the NuGet package folder.
  if [[ ! "${line#"${want}"}" =~ ^(${app}/bin/|${TEST_HOME}/\.nuget/packages/crm/)[^,]*/runtimes/linux-x64/native/libcrm\.so[^,]*$ ]]; then
    echo "libcrm was not loaded from the package's runtimes/linux-x64/native"
    return 1
  fi
}

dotnet_self_contained() {
  local lib="${TEST_HOME}/.nuget/packages/crm/${VERSION}/runtimes/linux-x64/native/libcrm.so"
  if [[ ! -f "${ROOT}${lib}" ]]; then
    echo "the restored package has no ${lib}:"
    (cd "${ROOT}${TEST_HOME}/.nuget/packages" && find crm)
    return 1
  fi
  self_contained "${lib}"
}

phase_dotnet() {
  check dotnet-sdk-runs dotnet_runs
  ((CHECK_OK)) || return 0
  check dotnet-add-package dotnet_add_package
  ((CHECK_OK)) || return 0
  check dotnet-quickstart dotnet_quickstart
  check dotnet-self-contained dotnet_self_contained
}

# --- phase: debs (after the wheel and the NuGet package) ---------------------

debs_install() {
  local deb
  mkdir -m 0755 "${ROOT}/tmp/debs"
  for deb in "${DEB_FILES[@]}"; do
    install -m 0644 "${deb}" "${ROOT}/tmp/debs/"
  done
  as_root apt-get update
  as_root bash -c 'cd /tmp/debs && apt-get install -y ./*.deb'
}

debs_no_other_dev() {
  installed_packages | grep -e '-dev$' >"${WORK}/dev-packages.after"
  # The toolchain's, and libcrm-dev: nothing else.
  local extra
  extra="$(echo libcrm-dev | sort -u - "${WORK}/dev-packages.before" \
    | comm -13 - "${WORK}/dev-packages.after")"
  echo "dev packages now:" $(cat "${WORK}/dev-packages.after")
  if [[ -n "${extra}" ]]; then
    echo "installing the .debs pulled -dev packages:" ${extra}
    return 1
  fi
  grep -qx libcrm-dev "${WORK}/dev-packages.after"
}

pkg_config_crm() {
  local modversion includedir libdir
  modversion="$(as_user pkg-config --modversion crm)"
  includedir="$(as_user pkg-config --variable=includedir crm)"
  libdir="$(as_user pkg-config --variable=libdir crm)"
  echo "crm.pc: version ${modversion}, includedir ${includedir}, libdir ${libdir}"
  as_user pkg-config --cflags --libs crm
  [[ "${modversion}" == "${VERSION}" ]] || { echo "want ${VERSION}"; return 1; }
  [[ -f "${ROOT}${includedir}/crm/crm.h" ]] \
    || { echo "no crm/crm.h in includedir ${includedir}"; return 1; }
  [[ -e "${ROOT}${libdir}/libcrm.so" ]] \
    || { echo "no libcrm.so in libdir ${libdir}"; return 1; }
}

quickstart_c() {
  local output
  put "${SOURCE_DIR}/examples/c/quickstart.c" "${TEST_HOME}/c/quickstart.c"
  as_user bash -c 'cd c && gcc -o quickstart quickstart.c $(pkg-config --cflags --libs crm)'
  as_user ldd "${TEST_HOME}/c/quickstart"
  output="$(as_user bash -c 'cd c && ./quickstart quickstart.crm')"
  echo "${output}"
  grep -qxF "libcrm ${VERSION}, workspace quickstart.crm" <<<"${output}"
  grep -qF 'Acme Corporation' <<<"${output}"
  grep -qF 'refused as expected' <<<"${output}"
}

crm_tool_version() {
  local output
  output="$(as_user crm --version)"
  echo "${output}"
  grep -qwF -- "${VERSION}" <<<"${output}" \
    || { echo "crm --version does not name ${VERSION}"; return 1; }
}

# Prints the path in the root of the plugin library (not a symlink to it)
# that libcrm-postgres installed.
plugin_file() {
  local file
  for file in $(as_root dpkg -L libcrm-postgres \
    | grep -E '/libcrm_postgres\.so(\.[0-9]+)*$'); do
    if [[ -f "${ROOT}${file}" && ! -L "${ROOT}${file}" ]]; then
      echo "${file}"
      return 0
    fi
  done
}

plugin_resolves() {
  local plugin output
  plugin="$(plugin_file)"
  [[ -n "${plugin}" ]] || { echo "libcrm-postgres holds no libcrm_postgres.so"; return 1; }
  echo "plugin ${plugin}"
  output="$(as_user ldd "${plugin}")"
  echo "${output}"
  if grep -q 'not found' <<<"${output}"; then
    echo "a library the plugin needs is missing"
    return 1
  fi
  grep -q 'libpq\.so\.5 => /' <<<"${output}"
}

# libcrm finds and loads the plugin: opening a PostgreSQL URL fails for the
# connection (no server, no network), not for the plugin.
plugin_loads() {
  put_text "${TEST_HOME}/c/plugin_probe.c" <<'EOF'
#include <crm/crm.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  crm_db* db = NULL;
  int status = crm_open_url(
      &db, "postgresql://127.0.0.1:1/crm?workspace=probe", NULL);
  printf("%s, rule '%s': %s\n", crm_status_name(status),
         crm_last_error_rule(), crm_last_error_message());
  if (db != NULL) crm_close(db);
  return status == CRM_E_IO &&
                 strcmp(crm_last_error_rule(), CRM_RULE_CONNECTION) == 0
             ? 0
             : 1;
}
EOF
  as_user bash -c 'cd c && gcc -o plugin_probe plugin_probe.c $(pkg-config --cflags --libs crm) && ./plugin_probe'
}

phase_debs() {
  check debs-install debs_install
  ((CHECK_OK)) || return 0
  check debs-no-other-dev debs_no_other_dev
  check debs-pkg-config pkg_config_crm
  check debs-quickstart-c quickstart_c
  check debs-crm-version crm_tool_version
  check debs-plugin-resolves plugin_resolves
  check debs-plugin-loads plugin_loads
}

# -----------------------------------------------------------------------------

finish() {
  if ((${#FAILED[@]} == 0)); then
    echo "${PASSED} passed, 0 failed"
    exit 0
  fi
  err "FAILED: ${#FAILED[@]} check(s) failed (${PASSED} passed):" \
    "${FAILED[*]}"
  exit 1
}

main() {
  (($# == 1)) || die "usage: $0 DIST_DIR"
  ((EUID == 0)) || die "must run as root (debootstrap, chroot, mount)"
  [[ -d "$1" ]] || die "no directory $1"
  DIST="$(cd "$1" && pwd)"

  # Every mount below is private to this process tree: none can outlive it.
  if [[ "${CRM_CLEAN_ROOT_NAMESPACE:-}" != "1" ]]; then
    CRM_CLEAN_ROOT_NAMESPACE=1 exec unshare --mount --propagation private \
      -- "${BASH}" "${BASH_SOURCE[0]}" "${DIST}"
  fi

  local dotnet
  dotnet="$(command -v dotnet)" || die "no dotnet on PATH"
  DOTNET_DIR="$(dirname "$(readlink -f "${dotnet}")")"

  WORK="$(mktemp -d "${TMPDIR:-/tmp}/crm-clean-root.XXXXXX")"
  ROOT="${WORK}/root"
  mkdir "${WORK}/logs"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  USER_ENV=(
    HOME="${TEST_HOME}" USER="${TEST_USER}" LOGNAME="${TEST_USER}"
    LANG=C.UTF-8 PATH="/usr/local/bin:/usr/bin:/bin:${DOTNET_DIR}"
    PIP_DISABLE_PIP_VERSION_CHECK=1
    DOTNET_ROOT="${DOTNET_DIR}"
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false
    # No build servers or reused MSBuild nodes: nothing stays running in
    # the root after a command.
    MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
    UseSharedCompilation=false
  )

  local start="${SECONDS}"
  # Not a check: without the six files of one version nothing can run.
  find_dist_files >"${WORK}/logs/dist-files.log" 2>&1 \
    || { cat "${WORK}/logs/dist-files.log"; err "FAILED: dist-files"; exit 1; }
  command -v debootstrap >/dev/null ||
    die "no debootstrap: scripts/setup.sh installs it"
  echo "== clean-root: libcrm ${VERSION}, root ${ROOT}"

  timed bootstrap check bootstrap bootstrap_root
  ((CHECK_OK)) || finish
  timed python phase_python
  timed dotnet phase_dotnet
  # What the wheel and the NuGet package loaded cannot have been a system
  # libcrm: none was there until now.
  check no-system-libcrm-before-debs root_has_no_libcrm
  timed debs phase_debs
  echo "== clean-root: everything took $((SECONDS - start)) s"
  finish
}

main "$@"
