#!/usr/bin/env python3
"""Checks what scripts/package.sh put in dist/, on this machine.

    tests/packaging/check_packages.py DIST_DIR

- The self-contained libcrm.so needs nothing but glibc, libstdc++ and libgcc
  (its dynamic section), exports only crm_ symbols, is stripped with its debug
  information beside it (.gnu_debuglink), loads, refuses to load a backend
  plugin (built against the system's shared libraries), and needs no glibc
  symbol newer than the wheel's manylinux tag says.
- Versions agree: the CMake project version, crm.h, the library's
  crm_version() and file name and SONAME, the wheel, the NuGet package
  and the Debian packages.
- The wheel and the NuGet package carry exactly that library; the NuGet
  package names its license, readme and repository and has a symbols package;
  the Debian packages hold what each is for, and libcrm-postgres declares
  libpq.

Prints one line per check and ``N passed, M failed``; exits 1 on a failure.
Standard library only, plus binutils' readelf and dpkg-deb.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, List

ROOT = Path(__file__).resolve().parents[2]
# What the self-contained library may need: glibc (libc, libm, the dynamic
# loader), libstdc++ and libgcc.
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libstdc++.so.6", "libgcc_s.so.1"}
DEB_PACKAGES = ["libcrm", "libcrm-dev", "libcrm-postgres", "crm-tools"]

results: List[bool] = []


def check(name: str, test: Callable[[], None]) -> None:
    try:
        test()
    except Exception as error:  # noqa: BLE001  (every failure is reported)
        print(f"FAIL {name}: {error}")
        results.append(False)
    else:
        print(f"ok   {name}")
        results.append(True)


def run(*command: str) -> str:
    # Not all output is text: readelf -p prints .gnu_debuglink's CRC bytes.
    return subprocess.run(command, check=True, capture_output=True, text=True, errors="replace").stdout


def one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    if len(found) != 1:
        raise AssertionError(f"{pattern}: expected one file in {dist}, found {[p.name for p in found]}")
    return found[0]


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    found = re.search(r"project\(libcrm VERSION (\d+\.\d+\.\d+)", text)
    assert found, "CMakeLists.txt has no project(libcrm VERSION x.y.z)"
    return found.group(1)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    dist = Path(sys.argv[1]).resolve()
    version = project_version()
    major = version.split(".")[0]
    native = dist / "native" / "linux-x64" / f"libcrm.so.{version}"
    print(f"project version {version}; packages in {dist}")

    def dynamic_section() -> None:
        text = run("readelf", "-d", str(native))
        needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", text))
        extra = needed - ALLOWED_NEEDED
        assert not extra, f"needs {sorted(extra)} beyond glibc, libstdc++ and libgcc"
        soname = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", text)
        assert soname and soname.group(1) == f"libcrm.so.{major}", f"SONAME {soname and soname.group(1)}"

    def only_crm_symbols() -> None:
        lines = run("nm", "-D", "--defined-only", str(native)).splitlines()
        names = [line.split()[-1] for line in lines if line.strip()]
        foreign = [name for name in names if not name.startswith("crm_")]
        assert names and not foreign, f"exports {foreign[:5]} besides crm_ symbols"

    def stripped_with_debug_beside() -> None:
        sections = run("readelf", "-S", "-W", str(native))
        assert ".debug_info" not in sections, "the packaged library carries debug information"
        assert ".gnu_debuglink" in sections, "no .gnu_debuglink to its debug file"
        link = run("readelf", "-p", ".gnu_debuglink", str(native))
        assert f"libcrm.so.{version}.debug" in link, link
        debug = run("readelf", "-S", "-W", str(native) + ".debug")
        assert ".debug_info" in debug or ".debug_line" in debug, "the .debug file has no debug sections"

    def loads_and_says_its_version() -> None:
        library = ctypes.CDLL(str(native))
        library.crm_version.restype = ctypes.c_char_p
        said = library.crm_version().decode()
        assert said == version, f"crm_version() is {said}"

    def loads_no_plugin() -> None:
        # The Debian package's plugin, where CRM_PLUGIN_DIR points: found, and
        # still refused, since it shares Abseil and SQLite objects with the
        # libcrm that loads it.
        with tempfile.TemporaryDirectory() as unpacked:
            run("dpkg-deb", "-x", str(one(dist, "libcrm-postgres_*.deb")), unpacked)
            plugin_dir = next(Path(unpacked).rglob(f"libcrm_postgres.so.{major}")).parent
            os.environ["CRM_PLUGIN_DIR"] = str(plugin_dir)
            library = ctypes.CDLL(str(native))
            library.crm_open_url.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_void_p]
            library.crm_last_error_rule.restype = ctypes.c_char_p
            library.crm_last_error_message.restype = ctypes.c_char_p
            handle = ctypes.c_void_p()
            status = library.crm_open_url(ctypes.byref(handle), b"postgresql:///crm?workspace=w", None)
            rule = library.crm_last_error_rule().decode()
            message = library.crm_last_error_message().decode()
        assert status != 0 and not handle.value, "the self-contained libcrm opened a PostgreSQL workspace"
        assert rule == "plugin" and "self-contained" in message, f"rule {rule}: {message}"

    def header_version() -> None:
        header = (ROOT / "include" / "crm" / "crm.h").read_text(encoding="utf-8")
        found = re.search(r'#define CRM_VERSION_STRING "([^"]+)"', header)
        assert found and found.group(1) == version, f"crm.h says {found and found.group(1)}"

    def wheel() -> None:
        path = one(dist, "crm-*.whl")
        name = path.name
        expected_prefix = f"crm-{version}-py3-none-manylinux_"
        assert name.startswith(expected_prefix) and name.endswith("_x86_64.whl"), name
        tag_glibc = tuple(int(part) for part in name[len(expected_prefix) :].split("_")[:2])
        with zipfile.ZipFile(path) as archive:
            metadata = archive.read(f"crm-{version}.dist-info/METADATA").decode()
            assert f"\nVersion: {version}\n" in metadata, "METADATA's Version differs"
            wheel_info = archive.read(f"crm-{version}.dist-info/WHEEL").decode()
            assert "Root-Is-Purelib: false" in wheel_info, "a wheel with native code must not be purelib"
            carried = archive.read(f"crm/_lib/libcrm.so.{major}")
        assert sha256(carried) == sha256(native.read_bytes()), "the wheel's libcrm.so is not the packaged one"
        # Honest tag: no glibc symbol version above the one the tag names.
        versions = re.findall(r"GLIBC_(\d+)\.(\d+)", run("objdump", "-T", str(native)))
        newest = max((int(a), int(b)) for a, b in versions)
        assert newest <= tag_glibc, f"needs GLIBC_{newest[0]}.{newest[1]}, tagged {tag_glibc}"

    def nuget() -> None:
        path = one(dist, "Crm.*.nupkg")
        assert path.name == f"Crm.{version}.nupkg", path.name
        one(dist, f"Crm.{version}.snupkg")
        with zipfile.ZipFile(path) as archive:
            nuspec = archive.read("Crm.nuspec").decode("utf-8-sig")
            carried = archive.read("runtimes/linux-x64/native/libcrm.so")
            names = archive.namelist()
        assert f"<version>{version}</version>" in nuspec, "nuspec version differs"
        assert '<license type="expression">Apache-2.0</license>' in nuspec, "no license"
        assert "<readme>README.md</readme>" in nuspec and "README.md" in names, "no readme"
        assert re.search(r'<repository type="git"[^>]* commit="[0-9a-f]{40}"', nuspec), "no repository"
        assert "lib/net10.0/Crm.dll" in names, "no assembly"
        assert sha256(carried) == sha256(native.read_bytes()), "the package's libcrm.so is not the packaged one"

    def debian_packages() -> None:
        for package in DEB_PACKAGES:
            path = one(dist, f"{package}_*_amd64.deb")
            fields = run("dpkg-deb", "-f", str(path), "Package", "Version")
            assert f"Package: {package}\n" in fields, fields
            assert re.search(rf"^Version: {re.escape(version)}(-\d+)?$", fields, re.MULTILINE), fields
            if package != "libcrm-dev":  # the only one with no binary
                one(dist, f"{package}-dbgsym_*_amd64.ddeb")

    def debian_contents() -> None:
        def files(package: str) -> str:
            return run("dpkg-deb", "-c", str(one(dist, f"{package}_*_amd64.deb")))

        runtime = files("libcrm")
        assert f"/libcrm.so.{version}" in runtime and f"libcrm.so.{major} -> " in runtime, runtime
        dev = files("libcrm-dev")
        for wanted in ["/usr/include/crm/crm.h", "/usr/include/crm/crm.proto", "/pkgconfig/crm.pc",
                       "/cmake/crm/crmConfig.cmake", "/libcrm.so -> "]:
            assert wanted in dev, f"libcrm-dev lacks {wanted}"
        assert f"/libcrm_postgres.so.{version}" in files("libcrm-postgres"), "libcrm-postgres lacks its plugin"
        assert "./usr/bin/crm" in files("crm-tools"), "crm-tools lacks usr/bin/crm"
        postgres = run("dpkg-deb", "-f", str(one(dist, "libcrm-postgres_*.deb")), "Depends")
        assert "libpq5" in postgres and f"libcrm (= {version}" in postgres, postgres
        library = run("dpkg-deb", "-f", str(one(dist, "libcrm_*.deb")), "Depends")
        assert "libpq" not in library, "libcrm itself must not depend on libpq"

    check("self-contained library: needs only glibc, libstdc++, libgcc; SONAME", dynamic_section)
    check("self-contained library: exports only crm_ symbols", only_crm_symbols)
    check("self-contained library: stripped, debug information beside it", stripped_with_debug_beside)
    check("self-contained library: loads, crm_version() is the project's", loads_and_says_its_version)
    check("self-contained library: refuses the Debian package's plugin, saying why", loads_no_plugin)
    check("crm.h's version is the project's", header_version)
    check("wheel: version, platform tag no older than the glibc it needs, the library", wheel)
    check("NuGet package: version, license, readme, repository, symbols, the library", nuget)
    check("Debian packages: names, versions, -dbgsym packages", debian_packages)
    check("Debian packages: contents; libcrm-postgres declares libpq", debian_contents)
    failed = results.count(False)
    print(f"{results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
