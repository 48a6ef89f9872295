"""PEP 517 build backend of the libcrm Python binding, standard library only.

It needs nothing installed, so ``pip install bindings/python`` works offline
(pip's build isolation has nothing to fetch: ``requires = []``).

Two kinds of wheel:

- by default a pure-Python wheel (``py3-none-any``) that loads the libcrm
  the machine has (``CRM_LIBRARY``, or the system's libcrm.so.0);
- with ``--config-settings library=PATH`` (or the environment variable
  ``CRM_WHEEL_LIBRARY``), a platform wheel carrying that library as
  ``crm/_lib/libcrm.so.<major>``, tagged ``manylinux_<glibc>_<machine>`` for
  the glibc of the machine that builds it. scripts/package.sh passes the
  self-contained libcrm.so; tests/packaging checks that the library needs no
  glibc symbol newer than the tag says.

Metadata come from pyproject.toml's ``[project]`` table (read with tomllib,
so building needs Python 3.11; the wheel itself installs on 3.8). The
version is not written there: it is ``CRM_VERSION_STRING`` of
``crm/_declarations.py``, which codegen/generate.py generates from crm.h,
whose version CMake checks against the project's.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import platform
import re
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE = "crm"
# What a source distribution carries besides the package itself.
_SDIST_EXTRA = ["pyproject.toml", "README.md", "_build/backend.py", "tests"]


def _project() -> Dict[str, Any]:
    try:
        import tomllib
    except ImportError as error:  # Python < 3.11
        raise RuntimeError("building libcrm's Python package needs Python 3.11 or later (tomllib)") from error
    with open(_ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def _version() -> str:
    text = (_ROOT / _PACKAGE / "_declarations.py").read_text(encoding="utf-8")
    found = re.search(r'^CRM_VERSION_STRING\b.*?=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise RuntimeError("crm/_declarations.py has no CRM_VERSION_STRING: run codegen/generate.py")
    return found.group(1)


def _metadata_text(project: Dict[str, Any], version: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        f"License: {project['license']['text']}",
    ]
    lines += [f"Classifier: {classifier}" for classifier in project.get("classifiers", [])]
    readme = (_ROOT / project["readme"]).read_text(encoding="utf-8")
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + readme


def _package_files() -> Dict[str, bytes]:
    """The package's own files (no caches, no library copied in by hand)."""
    files: Dict[str, bytes] = {}
    for path in sorted((_ROOT / _PACKAGE).rglob("*")):
        relative = path.relative_to(_ROOT)
        if not path.is_file() or "__pycache__" in relative.parts or "_lib" in relative.parts:
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def _glibc_tag() -> str:
    """manylinux_X_Y_<machine> for the glibc this Python runs on."""
    name, version = platform.libc_ver()
    if name != "glibc" or not version:
        raise RuntimeError("a platform wheel is built on a glibc system only")
    major, minor = version.split(".")[:2]
    machine = platform.machine()
    return f"manylinux_{major}_{minor}_{machine}"


def _library(config_settings: Optional[Dict[str, Any]]) -> Optional[Path]:
    given = (config_settings or {}).get("library") or os.environ.get("CRM_WHEEL_LIBRARY")
    if not given:
        return None
    path = Path(given)
    if not path.is_file():
        raise RuntimeError(f"library={given}: no such file")
    return path


def _record_line(path: str, data: bytes) -> List[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [path, f"sha256={digest}", str(len(data))]


def _write_wheel(directory: str, files: Dict[str, bytes], tag: str, pure: bool) -> str:
    project = _project()
    version = _version()
    dist = f"{project['name'].replace('-', '_')}-{version}"
    wheel_name = f"{dist}-{tag}.whl"
    entries = dict(files)
    wheel = (
        "Wheel-Version: 1.0\nGenerator: libcrm _build/backend.py\n"
        f"Root-Is-Purelib: {'true' if pure else 'false'}\nTag: {tag}\n"
    )
    entries[f"{dist}.dist-info/METADATA"] = _metadata_text(project, version).encode("utf-8")
    entries[f"{dist}.dist-info/WHEEL"] = wheel.encode("utf-8")
    entries[f"{dist}.dist-info/LICENSE"] = _license().read_bytes()
    record_path = f"{dist}.dist-info/RECORD"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for path, data in entries.items():
        writer.writerow(_record_line(path, data))
    writer.writerow([record_path, "", ""])
    entries[record_path] = out.getvalue().encode("utf-8")
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries.items():
            info = zipfile.ZipInfo(path, date_time=time.gmtime(_source_date())[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            # The library keeps its execute bit; everything else is rw-r--r--.
            mode = 0o755 if path.startswith(f"{_PACKAGE}/_lib/") else 0o644
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, data)
    return wheel_name


def _license() -> Path:
    """libcrm's LICENSE: beside pyproject.toml in a source distribution, at
    the root of the repository in a checkout."""
    for path in (_ROOT / "LICENSE", _ROOT.parent.parent / "LICENSE"):
        if path.is_file():
            return path
    raise RuntimeError("libcrm's LICENSE file is missing")


def _source_date() -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else 1980-01-01."""
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)


# --- the PEP 517 hooks ---------------------------------------------------------


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    files = _package_files()
    library = _library(config_settings)
    if library is None:
        return _write_wheel(wheel_directory, files, "py3-none-any", pure=True)
    major = _version().split(".")[0]
    files[f"{_PACKAGE}/_lib/libcrm.so.{major}"] = library.read_bytes()
    return _write_wheel(wheel_directory, files, f"py3-none-{_glibc_tag()}", pure=False)


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    files = {f"__editable__.{_project()['name']}.pth": (str(_ROOT) + "\n").encode("utf-8")}
    return _write_wheel(wheel_directory, files, "py3-none-any", pure=True)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    project = _project()
    version = _version()
    base = f"{project['name']}-{version}"
    members: List[Tuple[str, Path]] = [(name, _ROOT / name) for name in _package_files()]
    for extra in _SDIST_EXTRA:
        path = _ROOT / extra
        paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        members += [
            (p.relative_to(_ROOT).as_posix(), p)
            for p in paths
            if "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
        ]
    members.append(("LICENSE", _license()))
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for relative, path in members:
            archive.add(path, arcname=f"{base}/{relative}", recursive=False)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata_text(project, version).encode("utf-8")
        info.size = len(data)
        info.mtime = _source_date()
        archive.addfile(info, io.BytesIO(data))
    return name
