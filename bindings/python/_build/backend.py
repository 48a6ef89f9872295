"""PEP 517 build backend of the libcrm Python binding: setuptools, plus a
fallback for offline machines whose Python lacks the ``wheel`` package.

setuptools (before 70.1) needs ``wheel`` to build a wheel. Without network
access ``pip install --no-build-isolation --no-index`` cannot fetch it, so
when it is missing this backend lets setuptools do what it can without it
(``egg_info`` for the metadata, ``build_py`` for the package files, as
configured in pyproject.toml) and zips the result into a pure-Python wheel
with the standard library. With ``wheel`` present, setuptools does it all.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from setuptools import build_meta as _setuptools

_ROOT = Path(__file__).resolve().parent.parent
_TAG = "py3-none-any"

get_requires_for_build_sdist = _setuptools.get_requires_for_build_sdist
build_sdist = _setuptools.build_sdist


def _setuptools_can_build_wheels() -> bool:
    try:
        import setuptools.command.bdist_wheel  # noqa: F401  (setuptools >= 70.1)
        return True
    except ImportError:
        pass
    try:
        import wheel.bdist_wheel  # noqa: F401
        return True
    except ImportError:
        return False


def _setup(*arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", *arguments],
        cwd=_ROOT,
        check=True,
        stdout=sys.stderr,
    )


def _metadata(work: Path) -> tuple:
    """(name, version, METADATA text) from setuptools' egg_info."""
    _setup("egg_info", "--egg-base", str(work))
    egg_info = next(work.glob("*.egg-info"))
    text = (egg_info / "PKG-INFO").read_text(encoding="utf-8")
    fields = dict(
        line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith(" ")
    )
    return fields["Name"], fields["Version"], text


def _dist_info_files(name: str, version: str, metadata: str) -> Dict[str, bytes]:
    wheel = f"Wheel-Version: 1.0\nGenerator: crm-backend\nRoot-Is-Purelib: true\nTag: {_TAG}\n"
    return {"METADATA": metadata.encode("utf-8"), "WHEEL": wheel.encode("utf-8")}


def _record_line(path: str, data: bytes) -> List[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [path, f"sha256={digest}", str(len(data))]


def _write_wheel(directory: str, name: str, version: str, files: Dict[str, bytes], metadata: str) -> str:
    dist = f"{name.replace('-', '_')}-{version}"
    wheel_name = f"{dist}-{_TAG}.whl"
    entries = dict(files)
    for member, data in _dist_info_files(name, version, metadata).items():
        entries[f"{dist}.dist-info/{member}"] = data
    record_path = f"{dist}.dist-info/RECORD"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for path, data in entries.items():
        writer.writerow(_record_line(path, data))
    writer.writerow([record_path, "", ""])
    entries[record_path] = out.getvalue().encode("utf-8")
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries.items():
            archive.writestr(path, data)
    return wheel_name


def _build(directory: str, editable: bool) -> str:
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        name, version, metadata = _metadata(work)
        files: Dict[str, bytes] = {}
        if editable:
            files[f"__editable__.{name}.pth"] = (str(_ROOT) + "\n").encode("utf-8")
        else:
            lib = work / "lib"
            _setup("build_py", "--build-lib", str(lib))
            for path in sorted(lib.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[path.relative_to(lib).as_posix()] = path.read_bytes()
        shutil.rmtree(_ROOT / "build", ignore_errors=True)
        return _write_wheel(directory, name, version, files, metadata)


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _setuptools_can_build_wheels():
        return _setuptools.get_requires_for_build_wheel(config_settings)
    return []


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    if _setuptools_can_build_wheels():
        return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    return _build(wheel_directory, editable=False)


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _setuptools_can_build_wheels():
        return _setuptools.get_requires_for_build_editable(config_settings)
    return []


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    if _setuptools_can_build_wheels():
        return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    return _build(wheel_directory, editable=True)
