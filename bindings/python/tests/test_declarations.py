"""The generated declarations (crm/_declarations.py from crm.h, and
crm/_wire_fields.py from crm.proto): they are current, they cover exactly
what libcrm exports, their option defaults are libcrm's, a function added to
crm.h is callable with its declared types once regenerated, and the check
fails on a hand edit, on a contract changed without regenerating and on a
declaration the generator cannot map.

The generator lives in the repository (codegen/); these tests skip where the
package is tested away from it.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import Any, Dict, List

import crm
from crm import _native

from .support import library_or_skip_message

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
CODEGEN = os.path.join(REPO, "codegen")
HEADER = os.path.join(REPO, "include", "crm", "crm.h")
DECLARATIONS = "bindings/python/crm/_declarations.py"
WIRE_FIELDS = "bindings/python/crm/_wire_fields.py"


def codegen() -> Any:
    """The generate.py module of this repository (skips without one)."""
    if not os.path.isfile(os.path.join(CODEGEN, "generate.py")):
        raise unittest.SkipTest("codegen/ is not beside this copy of the binding")
    if CODEGEN not in sys.path:
        sys.path.insert(0, CODEGEN)
    import generate  # type: ignore[import-not-found]

    return generate


def read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class Sandbox:
    """A copy of what the generator reads and writes (codegen/, include/crm/,
    every generated file and the Python package) in a temporary directory,
    so that a test can edit the contract or a generated file there and run
    the real codegen/generate.py on it."""

    def __init__(self, test: unittest.TestCase) -> None:
        generate = codegen()
        temp = tempfile.TemporaryDirectory(prefix="crm-codegen-test-")
        test.addCleanup(temp.cleanup)
        self.root = temp.name
        ignore = shutil.ignore_patterns("__pycache__", "*.so*")
        shutil.copytree(CODEGEN, os.path.join(self.root, "codegen"), ignore=ignore)
        shutil.copytree(os.path.join(REPO, "include", "crm"),
                        os.path.join(self.root, "include", "crm"))
        shutil.copytree(os.path.join(PACKAGE_ROOT, "crm"),
                        os.path.join(self.root, "bindings", "python", "crm"), ignore=ignore)
        for name in generate.all_outputs():
            target = os.path.join(self.root, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(os.path.join(REPO, name), target)

    def path(self, name: str) -> str:
        return os.path.join(self.root, name)

    def edit(self, name: str, old: str, new: str) -> None:
        text = read(self.path(name))
        if old not in text:
            raise AssertionError(f"{old!r} is not in {name}")
        write(self.path(name), text.replace(old, new, 1))

    def generate(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, self.path("codegen/generate.py"), *args],
            capture_output=True, text=True, timeout=120,
        )


class GeneratedFilesTest(unittest.TestCase):
    def test_checked_in_files_are_what_crm_h_and_crm_proto_generate(self) -> None:
        generate = codegen()
        files = generate.all_outputs()
        self.assertIn(DECLARATIONS, files)
        self.assertIn(WIRE_FIELDS, files)
        self.assertEqual(generate.differences(files, REPO), [])
        for name in (DECLARATIONS, WIRE_FIELDS):
            self.assertTrue(files[name].startswith(generate.notice("#")), name)

    def test_a_hand_edit_fails_the_check(self) -> None:
        sandbox = Sandbox(self)
        passed = sandbox.generate("--check")
        self.assertEqual(passed.returncode, 0, passed.stdout + passed.stderr)
        # A narrower id type would make libcrm read half an id.
        sandbox.edit(DECLARATIONS, '("db", DbPtr), ("id", c_int64)', '("db", DbPtr), ("id", c_int32)')
        failed = sandbox.generate("--check")
        self.assertEqual(failed.returncode, 1, failed.stdout)
        self.assertIn(f"+++ {DECLARATIONS} (generated)", failed.stdout)
        self.assertIn('-    "crm_customer_get": (c_int, [("out", POINTER(RecordPtr)), '
                      '("db", DbPtr), ("id", c_int32)]),', failed.stdout)
        self.assertIn("never edit a generated file by hand", failed.stdout)
        # Regenerating restores it; then a wire field number edited by hand fails too.
        self.assertEqual(sandbox.generate().returncode, 0)
        self.assertEqual(sandbox.generate("--check").returncode, 0)
        sandbox.edit(WIRE_FIELDS, "\nVALUE_TEXT = 1\n", "\nVALUE_TEXT = 8\n")
        failed = sandbox.generate("--check")
        self.assertEqual(failed.returncode, 1, failed.stdout)
        self.assertIn(WIRE_FIELDS, failed.stdout)

    def test_a_contract_changed_without_regenerating_fails_the_check(self) -> None:
        sandbox = Sandbox(self)
        sandbox.edit("include/crm/crm.h", "CRM_E_INTERNAL = 13", "CRM_E_INTERNAL = 13,\n  CRM_E_NEW = 14")
        failed = sandbox.generate("--check")
        self.assertEqual(failed.returncode, 1, failed.stdout)
        self.assertIn("+CRM_E_NEW = 14", failed.stdout)
        sandbox = Sandbox(self)
        sandbox.edit("include/crm/crm.proto", "string next_cursor = 4;",
                     "string next_cursor = 4;\n  int64 total = 5;")
        failed = sandbox.generate("--check")
        self.assertEqual(failed.returncode, 1, failed.stdout)
        self.assertIn("+ROW_SET_TOTAL = 5", failed.stdout)

    def test_a_declaration_it_cannot_map_fails_generation(self) -> None:
        sandbox = Sandbox(self)
        sandbox.edit("include/crm/crm.h", "CRM_API void crm_close(crm_db* db);",
                     "CRM_API void crm_close(crm_db* db);\n"
                     "CRM_API int crm_set_ratio(crm_db* db, float ratio);")
        before = read(sandbox.path(DECLARATIONS))
        failed = sandbox.generate()
        self.assertEqual(failed.returncode, 2, failed.stdout + failed.stderr)
        # Whichever binding's generator meets it first names the function,
        # the parameter and its C type.
        self.assertRegex(failed.stderr, r"crm_set_ratio.*ratio")
        self.assertIn("float", failed.stderr)
        self.assertEqual(read(sandbox.path(DECLARATIONS)), before)  # nothing written
        # The Python generator refuses it on its own too.
        codegen()
        import crm_header  # type: ignore[import-not-found]
        import gen_python  # type: ignore[import-not-found]

        header = crm_header.parse(read(sandbox.path("include/crm/crm.h")))
        with self.assertRaisesRegex(crm_header.HeaderError,
                                    r"crm_set_ratio\(\) ratio has the C type 'float'"):
            gen_python.outputs(header, None)

    def test_unmappable_members_and_defaults_are_refused(self) -> None:
        codegen()
        import crm_header  # type: ignore[import-not-found]
        import gen_python  # type: ignore[import-not-found]

        source = read(HEADER)
        cases = {
            "a member of an unknown type": (
                "  int sync;                /* CRM_SYNC_* */",
                "  int sync;\n  double ratio;",
                "crm_open_options.ratio has the C type 'double'"),
            "a default naming no constant": (
                "CRM_OPEN_CREATE, 5000, CRM_SYNC_NORMAL", "CRM_OPEN_CREATE, TIMEOUT, CRM_SYNC_NORMAL",
                "TIMEOUT is not an integer constant of crm.h"),
            "NULL for an integer": (
                "CRM_OPEN_CREATE, 5000, CRM_SYNC_NORMAL", "CRM_OPEN_CREATE, NULL, CRM_SYNC_NORMAL",
                "NULL for a c_int32"),
            "too many defaults": (
                "CRM_OPEN_CREATE, 5000, CRM_SYNC_NORMAL", "CRM_OPEN_CREATE, 5000, CRM_SYNC_NORMAL, 1",
                "more items than crm_open_options has members"),
            "an enumerator that makes no Python name": (
                "CRM_VALUE_LIST = 7", "CRM_VALUE_LIST = 7,\n  CRM_VALUE_2D = 8",
                "enumerator CRM_VALUE_2D of crm_value_kind makes no Python name"),
        }
        for what, (old, new, message) in cases.items():
            with self.subTest(what):
                self.assertIn(old, source)
                header = crm_header.parse(source.replace(old, new, 1))
                with self.assertRaises(crm_header.HeaderError) as caught:
                    gen_python.declarations(header)
                self.assertIn(message, str(caught.exception))


class AddedFunctionTest(unittest.TestCase):
    def test_a_function_added_to_crm_h_is_callable_with_its_types(self) -> None:
        """crm.h without crm_event_follow() generates no declaration of it;
        adding its prototype back (as a new release of crm.h would) and
        regenerating declares it with crm.h's types, range checks included,
        and the package calls it in the real libcrm."""
        library = library_or_skip_message()
        sandbox = Sandbox(self)
        header = read(sandbox.path("include/crm/crm.h"))
        prototype = re.search(r"CRM_API int crm_event_follow\([^;]*\);\n", header)
        assert prototype is not None
        write(sandbox.path("include/crm/crm.h"), header.replace(prototype.group(0), ""))
        self.assertEqual(sandbox.generate().returncode, 0)
        self.assertNotIn("crm_event_follow", read(sandbox.path(DECLARATIONS)))

        write(sandbox.path("include/crm/crm.h"), header)  # the function is added
        regenerated = sandbox.generate()
        self.assertEqual(regenerated.returncode, 0, regenerated.stderr)
        self.assertEqual(read(sandbox.path(DECLARATIONS)), read(os.path.join(REPO, DECLARATIONS)))
        program = """
import ctypes, crm
from crm import _native
cdll = _native.lib()
follow = cdll.crm_event_follow
assert follow.__wrapped__.argtypes == [
    ctypes.POINTER(_native.EventPagePtr), _native.DbPtr, ctypes.c_int64, ctypes.c_uint32]
assert follow.__wrapped__.restype is ctypes.c_int
db = _native.DbPtr()
assert cdll.crm_open(ctypes.byref(db), b":memory:", None) == _native.CRM_OK
page = _native.EventPagePtr()
assert follow(ctypes.byref(page), db, 0, 10) == _native.CRM_OK
assert cdll.crm_event_page_size(page) == 0
cdll.crm_event_page_free(page)
try:
    follow(ctypes.byref(page), db, 0, 2**32)
except crm.IntegerRangeError as error:
    print("refused", error.rule)
cdll.crm_close(db)
print(crm.__file__)
"""
        environment = dict(os.environ, CRM_LIBRARY=library,
                           PYTHONPATH=sandbox.path("bindings/python"))
        result = subprocess.run([sys.executable, "-c", program], env=environment,
                                cwd=sandbox.root, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "refused limit")
        self.assertTrue(lines[1].startswith(sandbox.root), lines[1])  # the sandbox's package


class LibraryCoverageTest(unittest.TestCase):
    def exported(self) -> List[str]:
        path = library_or_skip_message()
        nm = shutil.which("nm")
        if nm is None or not os.path.isfile(path):
            self.skipTest("needs nm and libcrm as a file")
        listing = subprocess.run([nm, "-D", "--defined-only", path], capture_output=True,
                                 text=True, check=True).stdout
        return sorted(re.findall(r"^\S+ T (crm_\w+)$", listing, re.M))

    def test_every_exported_function_is_declared_and_every_declaration_resolves(self) -> None:
        exported = self.exported()
        self.assertIn("crm_open", exported)
        self.assertEqual(exported, sorted(_native.PROTOTYPES))
        cdll = ctypes.CDLL(crm.library_path())
        for name in _native.PROTOTYPES:
            self.assertTrue(hasattr(cdll, name), name)

    def test_every_declared_function_is_declared_in_the_loaded_library(self) -> None:
        cdll = _native.lib()
        for name, (restype, parameters) in _native.PROTOTYPES.items():
            with self.subTest(function=name):
                function = getattr(cdll, name)
                function = getattr(function, "__wrapped__", function)
                self.assertEqual(function.argtypes, [ctype for _, ctype in parameters])
                self.assertIs(function.restype, restype)

    def test_owned_and_borrowed_text_keep_distinct_types(self) -> None:
        prototypes = _native.PROTOTYPES
        self.assertEqual(prototypes["crm_field_list"][1][0],
                         ("out_json", ctypes.POINTER(_native.OwnedString)))
        self.assertEqual(prototypes["crm_string_free"][1], [("s", _native.OwnedString)])
        self.assertEqual(prototypes["crm_record_get_text"][1][0],
                         ("out", ctypes.POINTER(ctypes.c_char_p)))
        self.assertIs(prototypes["crm_last_error_message"][0], ctypes.c_char_p)
        # A borrowed pointer cannot be handed to crm_string_free by mistake.
        with self.assertRaises(ctypes.ArgumentError):
            _native.lib().crm_string_free(ctypes.c_void_p())


class OptionDefaultsTest(unittest.TestCase):
    def fields(self, options: ctypes.Structure) -> Dict[str, Any]:
        values = {}
        for name, ctype in options._fields_:  # type: ignore[attr-defined]
            value = getattr(options, name)
            if not isinstance(value, (int, bytes, type(None))):
                value = bool(value)  # a pointer: NULL or not
            values[name] = value
        return values

    def test_generated_defaults_are_what_libcrm_fills_in(self) -> None:
        library_or_skip_message()
        cdll = _native.lib()
        for struct, defaults, init in (
            (_native.OpenOptions, _native.open_options, cdll.crm_open_options_init),
            (_native.TimelineOptions, _native.timeline_options, cdll.crm_timeline_options_init),
        ):
            with self.subTest(struct=struct._c_name_):
                filled = struct()
                self.assertEqual(init(ctypes.byref(filled), ctypes.sizeof(struct)), _native.CRM_OK)
                self.assertEqual(self.fields(defaults()), self.fields(filled))
                self.assertEqual(defaults().struct_size, ctypes.sizeof(struct))
        self.assertEqual(_native.timeline_options().from_us, -(2**63))  # CRM_TIME_MIN


if __name__ == "__main__":
    unittest.main()
