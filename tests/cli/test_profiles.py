"""crm profiles (list, show, define, drop) and the global --profile option
restricting what another verb shows."""

import json
import unittest

import crm as libcrm

from cli_support import CliTestCase

FRONT_DESK = json.dumps({
    "fields": {"email": "masked", "revenue": "hidden"},
    "groups": {"standard": "read_only", "": "read_only"},
    "events": [{"channel": "phone", "access": "read"}],
})


class ProfilesTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ids = self.seed()

    def stored(self) -> list:
        db = self.open_db(create=False)
        try:
            return db.profiles.list()
        finally:
            db.close()

    def get(self, name: str) -> dict:
        db = self.open_db(create=False)
        try:
            return db.profiles.get(name)
        finally:
            db.close()

    def test_define_then_show_and_list(self) -> None:
        self.golden("profiles/define", "profiles", "define", "front_desk",
                    "--json", FRONT_DESK)
        stored = self.get("front_desk")
        self.assertEqual(stored["fields"], {"email": "masked", "revenue": "hidden"})
        self.assertEqual(stored["events"], [{"channel": "phone", "access": "read"}])
        self.golden("profiles/show", "profiles", "show", "front_desk")
        shown = json.loads(self.crm_ok("profiles", "show", "front_desk", "--format", "json"))
        self.assertEqual(shown, stored)
        self.crm_ok("profiles", "define", "auditor", "--json", '{"groups": {"standard": "read_only"}}')
        self.golden("profiles/list", "profiles", "list")
        self.golden("profiles/list_json", "profiles", "list", "--format", "json")

    def test_define_dry_run_stores_nothing(self) -> None:
        out = self.crm_ok("profiles", "define", "front_desk", "--json", FRONT_DESK,
                          "--dry-run", "--format", "json")
        self.assertEqual(json.loads(out)["dry_run"], True)
        self.assertEqual(self.stored(), [])

    def test_bad_definition_names_the_rule_and_stores_nothing(self) -> None:
        self.golden("profiles/define_bad", "profiles", "define", "front_desk",
                    "--json", '{"fields": {"email": "sometimes"}}')
        self.golden("profiles/define_unknown_field", "profiles", "define", "front_desk",
                    "--json", '{"fields": {"nope": "read_only"}}')
        self.assertEqual(self.stored(), [])

    def test_usage_errors_exit_2(self) -> None:
        for args in (("profiles",), ("profiles", "define", "x"),
                     ("profiles", "define", "x", "--json", "nope"),
                     ("profiles", "define", "x", "--json", '{"name": "y"}'),
                     ("profiles", "show"), ("profiles", "drop")):
            result = self.crm(*args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
        self.assertEqual(self.stored(), [])

    def test_drop(self) -> None:
        self.crm_ok("profiles", "define", "front_desk", "--json", FRONT_DESK)
        out = self.crm_ok("profiles", "drop", "front_desk", "--dry-run", "--format", "json")
        self.assertEqual(json.loads(out)["action"], "dropped")
        self.assertEqual(self.stored(), ["front_desk"])
        self.golden("profiles/drop", "profiles", "drop", "front_desk")
        self.assertEqual(self.stored(), [])

    def test_unknown_profiles_exit_11(self) -> None:
        self.golden("profiles/show_unknown", "profiles", "show", "nope")
        self.assertEqual(self.crm("profiles", "drop", "nope").code, 11)
        self.assertEqual(self.crm("--profile", "nope", "fields").code, 11)

    def test_profile_option_restricts_other_verbs(self) -> None:
        self.crm_ok("profiles", "define", "front_desk", "--json", FRONT_DESK)
        everything = json.loads(self.crm_ok("fields", "--format", "json"))
        self.assertIn("revenue", [f["name"] for f in everything])
        result = self.golden("profiles/fields_through_profile", "--profile",
                             "front_desk", "fields", "--format", "csv")
        self.assertNotIn("revenue", result.stdout)
        self.assertIn("email", result.stdout)
        self.assertEqual(self.crm("--profile", "front_desk", "fields", "describe",
                                  "revenue").code, 11)

    def test_profiles_are_managed_unrestricted_only(self) -> None:
        self.crm_ok("profiles", "define", "front_desk", "--json", FRONT_DESK)
        result = self.crm("--profile", "front_desk", "profiles", "define", "x",
                          "--json", "{}")
        self.assertEqual(result.code, 25, result.stderr)
        self.assertIn("rule operation", result.stderr)
        self.assertEqual(self.stored(), ["front_desk"])


if __name__ == "__main__":
    unittest.main()
