"""Finding and checking the native library."""

from __future__ import annotations

import os
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
