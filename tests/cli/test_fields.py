"""crm fields (list, describe, define, update, archive, restore, delete) and
crm event-types define: outputs, what is stored afterwards (read back
through the Python binding), dry runs, and errors."""

import decimal
import json
import unittest

import crm as libcrm

from cli_support import CliTestCase, utc


class FieldsTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ids = self.seed()

    def describe(self, name: str) -> dict:
        db = self.open_db(create=False)
        try:
            return db.describe_field(name)
        finally:
            db.close()

    def field_names(self, include_archived: bool = False) -> list:
        db = self.open_db(create=False)
        try:
            return [f["name"] for f in db.fields(include_archived=include_archived)]
        finally:
            db.close()

    def assertNoField(self, name: str) -> None:
        self.assertNotIn(name, self.field_names(include_archived=True))

    # --- list and describe ----------------------------------------------------

    def test_list(self) -> None:
        self.golden("fields/list", "fields", "list")

    def test_bare_fields_lists_too(self) -> None:
        self.assertEqual(self.crm_ok("fields"), self.crm_ok("fields", "list"))

    def test_list_formats(self) -> None:
        self.golden("fields/list_csv", "fields", "list", "--format", "csv")
        self.golden("fields/list_jsonl", "--format", "jsonl", "fields")
        result = self.golden("fields/list_json", "fields", "--format", "json")
        listed = json.loads(result.stdout)
        self.assertEqual([f["name"] for f in listed], self.field_names())

    def test_archived_fields_only_with_archived(self) -> None:
        db = self.open_db(create=False)
        db.archive_field("vip")
        db.close()
        self.assertNotIn("vip", self.crm_ok("fields", "--format", "csv"))
        for args in (("fields", "--archived"), ("fields", "list", "--archived")):
            rows = json.loads(self.crm_ok(*args, "--format", "json"))
            vip = [row for row in rows if row["name"] == "vip"]
            self.assertEqual(len(vip), 1, args)
            self.assertEqual(vip[0]["status"], "archived")

    def test_describe(self) -> None:
        self.golden("fields/describe", "fields", "describe", "plan")
        result = self.crm("fields", "describe", "revenue", "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), self.describe("revenue"))

    def test_describe_unknown_field_exits_11(self) -> None:
        self.golden("fields/describe_unknown", "fields", "describe", "nope")

    def test_describe_needs_a_name(self) -> None:
        result = self.crm("fields", "describe")
        self.assertEqual(result.code, 2)
        self.assertIn("name", result.stderr)

    # --- define ---------------------------------------------------------------

    def test_define_with_options(self) -> None:
        self.golden("fields/define", "fields", "define", "tier", "choice",
                    "--options", "bronze,silver,gold", "--label", "Tier",
                    "--group", "loyalty", "--indexed", "--default", "bronze",
                    "--description", "Loyalty tier")
        tier = self.describe("tier")
        self.assertEqual(tier["type"], "choice")
        self.assertEqual(tier["options"], ["bronze", "silver", "gold"])
        self.assertEqual(tier["label"], "Tier")
        self.assertEqual(tier["group"], "loyalty")
        self.assertEqual(tier["description"], "Loyalty tier")
        self.assertTrue(tier["indexed"])
        self.assertEqual(tier["default_value"], "bronze")

    def test_define_numbers_and_flags(self) -> None:
        self.crm_ok("fields", "define", "score", "decimal", "--scale", "1",
                    "--min", "0", "--max", "10", "--required", "--default", "5.0")
        score = self.describe("score")
        self.assertEqual((score["scale"], score["min"], score["max"]), (1, decimal.Decimal("0"), decimal.Decimal("10")))
        self.assertTrue(score["required"])
        self.assertEqual(score["default_value"], decimal.Decimal("5.0"))
        self.crm_ok("fields", "define", "badge", "text", "--unique")
        self.assertTrue(self.describe("badge")["unique"])

    def test_define_options_before_name_and_repeated(self) -> None:
        self.crm_ok("fields", "define", "--options", "a,b", "tier", "choice")
        self.assertEqual(self.describe("tier")["options"], ["a", "b"])
        self.crm_ok("fields", "define", "--options", "x", "--options", "y", "t2", "choice")
        self.assertEqual(self.describe("t2")["options"], ["x", "y"])

    def test_define_defaults_by_type(self) -> None:
        self.crm_ok("fields", "define", "opted_in", "boolean", "--default", "true")
        self.assertIs(self.describe("opted_in")["default_value"], True)
        self.crm_ok("fields", "define", "since", "datetime",
                    "--default", "2024-05-01T12:00:00Z")
        self.assertEqual(self.describe("since")["default_value"], utc(2024, 5, 1, 12))
        self.crm_ok("fields", "define", "labels", "tags", "--default", "a,b")
        self.assertEqual(self.describe("labels")["default_value"], ["a", "b"])

    def test_define_from_json(self) -> None:
        self.golden("fields/define_json", "fields", "define", "code", "--json",
                    '{"type": "text", "pattern": "[A-Z]{3}", "max_length": 3}')
        code = self.describe("code")
        self.assertEqual((code["type"], code["pattern"]), ("text", "[A-Z]{3}"))
        self.crm_ok("fields", "define", "--json", '{"name": "size", "type": "integer"}')
        self.assertEqual(self.describe("size")["type"], "integer")

    def test_define_dry_run_stores_nothing(self) -> None:
        result = self.golden("fields/define_dry_run", "fields", "define", "tier",
                             "choice", "--options", "a,b", "--dry-run")
        self.assertRegex(result.stdout, r"\ndry_run +true\n")
        self.assertNoField("tier")

    def test_define_breaking_a_rule_names_field_and_rule(self) -> None:
        self.golden("fields/define_bad_scale", "fields", "define", "price",
                    "decimal", "--scale", "12")
        self.assertNoField("price")
        result = self.golden("fields/define_bad_default", "fields", "define",
                             "tier", "choice", "--options", "a,b", "--default", "c")
        self.assertNotEqual(result.code, 0)
        self.assertNoField("tier")
        result = self.crm("fields", "define", "Bad-Name", "text")
        self.assertIn(result.code, (12, 13), result.stderr)
        self.assertIn("rule", result.stderr)
        self.assertNoField("Bad-Name")

    def test_define_a_taken_name(self) -> None:
        self.golden("fields/define_taken", "fields", "define", "plan", "text")
        self.assertEqual(self.describe("plan")["type"], "choice")

    def test_define_usage_errors_exit_2(self) -> None:
        cases = [
            ("fields", "define"),
            ("fields", "define", "tier"),
            ("fields", "define", "tier", "text", "--json", "[1"),
            ("fields", "define", "tier", "text", "--json", '{"name": "other"}'),
            ("fields", "define", "ok", "boolean", "--default", "yes"),
            ("fields", "define", "at", "datetime", "--default", "yesterday"),
            ("fields", "define", "n", "decimal", "--scale", "two"),
        ]
        for args in cases:
            result = self.crm(*args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
            self.assertTrue(result.stderr.startswith("crm: "), result.stderr)
        self.assertEqual(self.field_names(), [f["name"] for f in json.loads(
            self.crm_ok("fields", "--format", "json"))])
        for name in ("tier", "other", "ok", "at", "n"):
            self.assertNoField(name)

    # --- update, archive, restore, delete --------------------------------------

    def test_update(self) -> None:
        self.golden("fields/update", "fields", "update", "plan", "--json",
                    '{"add_options": ["gold"], "label": "Plan"}')
        plan = self.describe("plan")
        self.assertEqual(plan["options"], ["basic", "premium", "gold"])
        self.assertEqual(plan["label"], "Plan")

    def test_update_rename_describes_the_new_name(self) -> None:
        out = self.crm_ok("fields", "update", "renewal", "--json",
                          '{"name": "renews_on"}', "--format", "json")
        self.assertEqual(json.loads(out)["name"], "renews_on")
        self.assertEqual(self.describe("renews_on")["type"], "date")

    def test_update_dry_run_stores_nothing(self) -> None:
        out = self.crm_ok("fields", "update", "plan", "--json",
                          '{"add_options": ["gold"]}', "--dry-run", "--format", "json")
        self.assertEqual(json.loads(out)["options"], ["basic", "premium", "gold"])
        self.assertEqual(self.describe("plan")["options"], ["basic", "premium"])

    def test_update_errors(self) -> None:
        self.golden("fields/update_unknown", "fields", "update", "nope",
                    "--json", '{"label": "x"}')
        self.golden("fields/update_lossy_type", "fields", "update", "revenue",
                    "--json", '{"type": "integer"}')
        self.assertEqual(self.describe("revenue")["type"], "decimal")
        self.assertEqual(self.crm("fields", "update", "plan").code, 2)

    def test_archive_restore_delete(self) -> None:
        self.golden("fields/archive", "fields", "archive", "vip")
        self.assertEqual(self.describe("vip")["status"], "archived")
        self.golden("fields/restore", "fields", "restore", "vip")
        self.assertEqual(self.describe("vip")["status"], "active")
        self.golden("fields/delete", "fields", "delete", "vip")
        self.assertNoField("vip")

    def test_archive_restore_delete_dry_runs_store_nothing(self) -> None:
        out = self.crm_ok("fields", "archive", "vip", "--dry-run", "--format", "json")
        self.assertEqual(json.loads(out)["status"], "archived")
        self.assertEqual(self.describe("vip")["status"], "active")
        self.crm_ok("fields", "delete", "vip", "--dry-run")
        self.assertEqual(self.describe("vip")["status"], "active")
        db = self.open_db(create=False)
        db.archive_field("vip")
        db.close()
        self.crm_ok("fields", "restore", "vip", "--dry-run")
        self.assertEqual(self.describe("vip")["status"], "archived")

    def test_unknown_fields_exit_11(self) -> None:
        for verb in ("archive", "restore", "delete"):
            result = self.crm("fields", verb, "nope")
            self.assertEqual(result.code, 11, f"{verb}: {result.stderr}")
            self.assertIn("nope", result.stderr)

    def test_delete_a_standard_field_is_refused(self) -> None:
        self.golden("fields/delete_builtin", "fields", "delete", "email")
        self.assertIn("email", self.field_names())

    def test_help_has_an_example(self) -> None:
        out = self.crm_ok("fields", "define", "--help", workspace=False)
        self.assertIn("Example:", out)
        self.assertIn("--options", out)
        self.assertIn("Exit codes:", out)


class EventTypesTest(CliTestCase):
    DEFINITION = ('{"description": "An order", "properties": [{"name": "amount", '
                  '"type": "decimal", "scale": 2, "required": true}]}')

    def setUp(self) -> None:
        super().setUp()
        self.ids = self.seed()

    def append_without_amount(self) -> None:
        db = self.open_db(create=False)
        try:
            db.append_event(self.ids["Ada Lovelace"], "order.placed", channel="web")
        finally:
            db.close()

    def test_define(self) -> None:
        self.golden("fields/event_type_define", "event-types", "define",
                    "order.placed", "--json", self.DEFINITION)
        with self.assertRaises(libcrm.ValidationError):
            self.append_without_amount()

    def test_define_dry_run_stores_nothing(self) -> None:
        self.crm_ok("event-types", "define", "order.placed", "--json",
                    self.DEFINITION, "--dry-run")
        self.append_without_amount()  # not registered: no rule to break

    def test_bad_definition(self) -> None:
        self.golden("fields/event_type_bad", "event-types", "define", "order.placed",
                    "--json", '{"properties": [{"name": "amount", "type": "money"}]}')
        self.append_without_amount()
        self.assertEqual(self.crm("event-types", "define").code, 2)


if __name__ == "__main__":
    unittest.main()
