"""Tests of codegen/gen_csharp.py, the C# binding's generator.

What a change to crm.h or crm.proto makes of the C# declarations, that the
generator refuses what it cannot map instead of guessing, and that a hand
edit of a generated C# file fails `codegen/generate.py --check`.
Run: python3 -m unittest -v test_gen_csharp (in codegen/), or CTest's
csharp_codegen.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import crm_header  # noqa: E402
import crm_proto  # noqa: E402
import gen_csharp  # noqa: E402
import generate  # noqa: E402

with open(generate.HEADER, encoding="utf-8") as _file:
    HEADER = _file.read()
with open(generate.PROTO, encoding="utf-8") as _file:
    PROTO = _file.read()

NATIVE = gen_csharp.OUT + "Native.g.cs"
HANDLES = gen_csharp.OUT + "Handles.g.cs"
CONSTANTS = gen_csharp.OUT + "Constants.g.cs"
WIRE = gen_csharp.OUT + "Wire.g.cs"


def with_declarations(text: str) -> str:
    """crm.h with `text` added at the end of its declarations."""
    end = HEADER.rindex("#ifdef __cplusplus")
    return HEADER[:end] + text + "\n\n" + HEADER[end:]


def generated(header_text: str = HEADER, proto_text: str = PROTO):
    return gen_csharp.outputs(crm_header.parse(header_text),
                              crm_proto.parse(proto_text))


class GeneratedFromTheContract(unittest.TestCase):
    def test_the_checked_in_files_are_what_crm_h_and_crm_proto_generate(self):
        for path, text in generated().items():
            with open(os.path.join(ROOT, path), encoding="utf-8") as file:
                self.assertEqual(text, file.read(),
                                 f"{path} is stale: run codegen/generate.py")

    def test_every_function_of_crm_h_is_declared(self):
        header = crm_header.parse(HEADER)
        native = generated()[NATIVE]
        self.assertEqual(len(header.functions),
                         native.count("internal static partial "))
        for function in header.functions:
            self.assertIn(f" {function.name}(", native)

    def test_every_generated_file_says_so_at_the_top(self):
        for path, text in generated().items():
            self.assertTrue(text.startswith(generate.notice("//")), path)

    def test_a_function_added_to_crm_h_is_declared_with_its_types(self):
        native = generated(with_declarations(
            "/* Touches a customer. */\n"
            "CRM_API int crm_customer_touch(int64_t* out_version, crm_db* db,\n"
            "                               int64_t id, const char* actor,\n"
            "                               uint32_t flags, char** out_json);"
        ))[NATIVE]
        self.assertIn(
            "internal static partial int crm_customer_touch(out long "
            "outVersion, DbHandle db, long id, string? actor, uint flags, "
            "out StringHandle outJson);", native)
        self.assertIn("/// Touches a customer.", native)

    def test_a_new_opaque_type_gets_a_safe_handle_released_by_its_free(self):
        files = generated(with_declarations(
            "typedef struct crm_widget crm_widget;\n"
            "CRM_API int crm_widget_new(crm_widget** out, crm_db* db);\n"
            "CRM_API void crm_widget_free(crm_widget* widget);\n"
            "CRM_API size_t crm_widget_size(const crm_widget* widget);\n"
            "CRM_API crm_record* crm_widget_at(crm_widget* widget, "
            "size_t index);"))
        self.assertIn("internal sealed partial class WidgetHandle : CrmHandle",
                      files[HANDLES])
        self.assertIn("Native.crm_widget_free(pointer);", files[HANDLES])
        native = files[NATIVE]
        self.assertIn("partial int crm_widget_new(out WidgetHandle @out, "
                      "DbHandle db);", native)
        self.assertIn("partial void crm_widget_free(nint widget);", native)
        self.assertIn("partial nuint crm_widget_size(WidgetHandle widget);",
                      native)
        # Returned object pointers are borrowed.
        self.assertIn("partial nint crm_widget_at(WidgetHandle widget, "
                      "nuint index);", native)

    def test_a_new_status_code_is_a_member_of_status_code(self):
        old = ("CRM_E_MERGED = 18           "
               "/* the id was merged into another customer */")
        self.assertIn(old, HEADER)
        constants = generated(HEADER.replace(
            old, old.replace("18", "18,") +
            "\n  CRM_E_QUOTA = 19 /* the workspace is full */"
        ))[CONSTANTS]
        self.assertIn("internal const int CRM_E_QUOTA = 19;", constants)
        self.assertIn("/// <summary>CRM_E_QUOTA: the workspace is full."
                      "</summary>\n    Quota = 19,", constants)

    def test_option_struct_defaults_come_from_the_initializer(self):
        native = generated(with_declarations(
            "typedef struct crm_export_options {\n"
            "  uint32_t struct_size;\n  int64_t since_us;\n"
            "  const char* actor;\n  int flags;\n} crm_export_options;\n"
            "#define CRM_EXPORT_OPTIONS_INIT \\\n"
            "  { sizeof(crm_export_options), CRM_TIME_MIN, NULL, "
            "CRM_LIST_INCLUDE_ARCHIVED }\n"
            "CRM_API int crm_export(crm_db* db, "
            "const crm_export_options* options);"))[NATIVE]
        self.assertIn("    internal struct ExportOptions\n    {\n"
                      "        public uint StructSize; // uint32_t struct_size\n"
                      "        public long SinceUs; // int64_t since_us\n"
                      "        public byte* Actor; // const char* actor\n"
                      "        public int Flags; // int flags\n", native)
        self.assertIn("            StructSize = (uint)sizeof(ExportOptions),\n"
                      "            SinceUs = CRM_TIME_MIN,\n"
                      "            Actor = null,\n"
                      "            Flags = CRM_LIST_INCLUDE_ARCHIVED,\n", native)
        self.assertIn("partial int crm_export(DbHandle db, ExportOptions* "
                      "options);", native)

    def test_a_field_added_to_crm_proto_gets_its_number(self):
        proto = PROTO.replace("  string next_cursor = 4;\n",
                              "  string next_cursor = 4;\n"
                              "  repeated string warnings = 5;\n")
        self.assertNotEqual(proto, PROTO)
        wire = generated(proto_text=proto)[WIRE]
        self.assertIn("/// <summary>repeated string warnings = 5.</summary>\n"
                      "        internal const int Warnings = 5;", wire)


class RefusesWhatItCannotMap(unittest.TestCase):
    def assertRefused(self, declarations: str, *words: str):
        with self.assertRaises(gen_csharp.MappingError) as refused:
            generated(with_declarations(declarations))
        for word in words:
            self.assertIn(word, str(refused.exception))

    def test_a_parameter_type_without_a_mapping(self):
        self.assertRefused("CRM_API int crm_ratio(double* out, crm_db* db);",
                           "crm_ratio", "double* out")
        self.assertRefused("CRM_API int crm_ids(crm_db* db, "
                           "const int32_t* ids, size_t count);",
                           "crm_ids", "const int32_t* ids")
        self.assertRefused("CRM_API int crm_fill(char* buffer, size_t size);",
                           "crm_fill", "char* buffer")

    def test_a_return_type_without_a_mapping(self):
        self.assertRefused("CRM_API double crm_ratio(crm_db* db);",
                           "crm_ratio", "double")

    def test_an_owned_type_that_nothing_frees(self):
        self.assertRefused("typedef struct crm_gadget crm_gadget;\n"
                           "CRM_API int crm_gadget_new(crm_gadget** out);",
                           "crm_gadget", "frees", "crm_gadget_free")
        self.assertRefused("typedef struct crm_gadget crm_gadget;\n"
                           "CRM_API int crm_gadget_new(crm_gadget** out);\n"
                           "CRM_API int crm_gadget_free(crm_gadget* g);",
                           "crm_gadget_free", "does not free")

    def test_a_void_function_on_a_handle_is_not_taken_for_its_free(self):
        native = generated(with_declarations(
            "CRM_API void crm_interrupt(crm_db* db);"))[NATIVE]
        self.assertIn("partial void crm_interrupt(DbHandle db);", native)
        self.assertIn("partial void crm_close(nint db);", native)

    def test_an_option_struct_member_without_a_mapping(self):
        self.assertRefused("typedef struct crm_x_options {\n"
                           "  uint32_t struct_size;\n  double weight;\n"
                           "} crm_x_options;", "crm_x_options.weight",
                           "double")

    def test_an_initializer_that_does_not_fit_its_struct(self):
        struct = ("typedef struct crm_x_options {\n  uint32_t struct_size;\n"
                  "  int flags;\n} crm_x_options;\n")
        self.assertRefused(struct + "#define CRM_X_OPTIONS_INIT "
                           "{ sizeof(crm_x_options) }", "CRM_X_OPTIONS_INIT")
        self.assertRefused(struct + "#define CRM_X_OPTIONS_INIT "
                           "{ sizeof(crm_x_options), CRM_NO_SUCH_FLAG }",
                           "CRM_NO_SUCH_FLAG")
        self.assertRefused(struct + "#define CRM_X_OPTIONS_INIT "
                           "{ sizeof(crm_x_options), NULL }", "NULL")

    def test_a_define_that_is_not_a_constant(self):
        self.assertRefused("#define CRM_MAGIC crm_magic(1)", "CRM_MAGIC")
        self.assertRefused("#define CRM_LIMIT (CRM_NOWHERE + 1)", "CRM_LIMIT",
                           "CRM_NOWHERE")

    def test_a_proto_field_named_like_its_message(self):
        proto = PROTO.replace("message StringList {\n",
                              "message StringList {\n"
                              "  string string_list = 9;\n")
        with self.assertRaises(gen_csharp.MappingError) as refused:
            generated(proto_text=proto)
        self.assertIn("StringList.string_list", str(refused.exception))


class CheckFailsOnAHandEdit(unittest.TestCase):
    """codegen/generate.py --check on a copy of the repository's contract,
    generator and generated files (the repository itself is not touched)."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="crm-codegen-")
        self.addCleanup(shutil.rmtree, self.root)
        names = [os.path.relpath(path, ROOT)
                 for path in (generate.HEADER, generate.PROTO)]
        names += [os.path.join("codegen", name)
                  for name in os.listdir(HERE) if name.endswith(".py")]
        names += list(generate.all_outputs())  # every generator's files
        for name in names:
            os.makedirs(os.path.join(self.root, os.path.dirname(name)),
                        exist_ok=True)
            shutil.copyfile(os.path.join(ROOT, name),
                            os.path.join(self.root, name))

    def check(self):
        return subprocess.run(
            [sys.executable, os.path.join(self.root, "codegen", "generate.py"),
             "--check"], capture_output=True, text=True, check=False)

    def edit(self, path: str, old: str, new: str):
        path = os.path.join(self.root, path)
        with open(path, encoding="utf-8") as file:
            text = file.read()
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text.replace(old, new, 1))

    def test_the_copy_checks_clean(self):
        result = self.check()
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)

    def test_a_wrong_type_in_a_declaration_fails(self):
        self.edit(NATIVE,
                  "internal static partial int crm_begin(DbHandle db);",
                  "internal static partial long crm_begin(DbHandle db);")
        result = self.check()
        self.assertEqual(1, result.returncode, result.stdout)
        self.assertIn("Native.g.cs", result.stdout)
        self.assertIn("-    internal static partial long crm_begin(",
                      result.stdout)

    def test_a_wrong_wire_number_fails(self):
        self.edit(WIRE, "internal const int Absent = 2;",
                  "internal const int Absent = 3;")
        result = self.check()
        self.assertEqual(1, result.returncode, result.stdout)
        self.assertIn("Wire.g.cs", result.stdout)

    def test_any_edit_of_any_generated_csharp_file_fails(self):
        for path in generated():
            with self.subTest(path=path):
                self.edit(path, "namespace Crm;", "namespace Crm; // tuned")
                result = self.check()
                self.assertEqual(1, result.returncode, result.stdout)
                self.assertIn(path, result.stdout)
                self.edit(path, "namespace Crm; // tuned", "namespace Crm;")

    def test_a_deleted_generated_file_fails(self):
        os.remove(os.path.join(self.root, HANDLES))
        result = self.check()
        self.assertEqual(1, result.returncode, result.stdout)
        self.assertIn("Handles.g.cs", result.stdout)


if __name__ == "__main__":
    unittest.main()
