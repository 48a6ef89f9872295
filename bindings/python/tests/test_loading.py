"""Finding and checking the native library."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import crm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, **env)
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True
    )


class LoadingTest(unittest.TestCase):
    def test_loaded_library_and_versions(self) -> None:
        expected = os.environ.get("CRM_LIBRARY")
        if expected:
            self.assertEqual(crm.library_path(), expected)
        self.assertEqual(crm.version_number() // 10000, 0)
        self.assertRegex(crm.version(), r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(crm.schema_version(), 1)

    def test_version_mismatch_is_a_clear_error(self) -> None:
        from crm import _native

        class FakeFunction:
            def __init__(self, number: int) -> None:
                self.number = number

            def __call__(self) -> int:
                return self.number

        class FakeLibrary:
            def __init__(self, number: int) -> None:
                self.crm_version_number = FakeFunction(number)

        with self.assertRaisesRegex(crm.LibraryLoadError, r"libcrm 1\.0\.0.*needs libcrm 0\.x"):
            _native._check_version(FakeLibrary(10000), "libcrm-next.so")  # type: ignore[arg-type]
        _native._check_version(FakeLibrary(_native.EXPECTED_VERSION_NUMBER), "ok.so")  # type: ignore[arg-type]

    def test_bad_crm_library_path_is_a_clear_error(self) -> None:
        result = run_python(
            "import crm; crm.open(':memory:')",
            CRM_LIBRARY="/nonexistent/libcrm.so",
            PYTHONPATH=ROOT,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LibraryLoadError", result.stderr)
        self.assertIn("CRM_LIBRARY", result.stderr)

    def test_declaration_table_matches_crm_h(self) -> None:
        """Every prototype names its parameters as crm.h does and gives each
        integer the width and signedness of its C type: the range checks
        that keep ids from wrapping around rely on it."""
        from crm import _native

        header = os.path.join(ROOT, "..", "..", "include", "crm", "crm.h")
        if not os.path.isfile(header):
            self.skipTest("crm.h is not beside this copy of the binding")
        with open(header, encoding="utf-8") as handle:
            source = re.sub(r"/\*.*?\*/", " ", handle.read(), flags=re.S)
        source = re.sub(r"^\s*#.*?(?<!\\)$", " ", source, flags=re.M | re.S)
        integers = {
            "int": ctypes.c_int,
            "int32_t": ctypes.c_int32,
            "int64_t": ctypes.c_int64,
            "uint32_t": ctypes.c_uint32,
            "size_t": ctypes.c_size_t,
            "crm_value_kind": ctypes.c_int,
        }
        declared = {}
        for match in re.finditer(r"\bCRM_API\s+([^;(]*?)\b(\w+)\s*\(([^)]*)\)\s*;", source):
            result, name, params = match.groups()
            params = params.strip()
            declared[name] = (
                result.strip(),
                [] if params in ("", "void") else [p.strip() for p in params.split(",")],
            )
        for name, (restype, parameters) in _native._PROTOTYPES.items():
            with self.subTest(function=name):
                self.assertIn(name, declared)
                c_result, c_parameters = declared[name]
                self.assertEqual(
                    _native.integer_range(restype),
                    _native.integer_range(integers.get(c_result)),
                    f"result {c_result}",
                )
                self.assertEqual(len(parameters), len(c_parameters))
                for (parameter, ctype), c_parameter in zip(parameters, c_parameters):
                    c_type, c_name = re.match(r"(.*?)\s*(\w+)$", c_parameter).groups()
                    self.assertEqual(parameter, c_name)
                    self.assertEqual(
                        _native.integer_range(ctype),
                        _native.integer_range(integers.get(c_type)),
                        f"{c_name}: {c_type}",
                    )

    def test_copy_shipped_in_the_package_is_found(self) -> None:
        source = os.environ.get("CRM_LIBRARY") or crm.library_path()
        if not os.path.isfile(source):
            self.skipTest("the loaded libcrm is not a file that can be copied")
        with tempfile.TemporaryDirectory() as temp:
            package = os.path.join(temp, "crm")
            shutil.copytree(
                os.path.join(ROOT, "crm"), package, ignore=shutil.ignore_patterns("__pycache__", "*.so*")
            )
            os.makedirs(os.path.join(package, "_lib"), exist_ok=True)
            shutil.copy(source, os.path.join(package, "_lib", "libcrm.so"))
            environment = {key: value for key, value in os.environ.items() if key != "CRM_LIBRARY"}
            environment["PYTHONPATH"] = temp
            result = subprocess.run(
                [sys.executable, "-c", "import crm; db = crm.open(':memory:'); print(crm.library_path())"],
                env=environment,
                cwd=temp,  # not the source tree, whose crm/ has no copy
                capture_output=True,
                text=True,
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.strip(), os.path.join(os.path.realpath(package), "_lib", "libcrm.so"))


if __name__ == "__main__":
    unittest.main()
