"""crm duplicates (find, check, keys, rules, settings) and
--skip-duplicate-check on create, update, upsert and import: warnings on
stderr, a block exits 27 naming the candidates."""

import json
import os
import unittest

from cli_support import CliTestCase

SAME_PHONE = json.dumps({
    "applies_to": "person",
    "compare": [{"key": "phone"}, {"key": "name", "min_similarity": 0.8}],
    "action": "warn",
    "actions": {"import": "block"},
})
SAME_MAILBOX = json.dumps({"compare": [{"key": "email_local"}], "action": "block"})


class DuplicatesTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.open_db()
        try:
            db.duplicates.settings.set(default_region="NO")
            db.duplicates.rules.define({"name": "same_phone", **json.loads(SAME_PHONE)})
            self.jane = db.create_customer(name="Jane Doe", email="jane.doe@example.com",
                                           phone="900 00 001", company="Acme AS")
            self.per = db.create_customer(name="Per Hansen", phone="900 00 002")
            self.jane2 = db.create_customer(name="Doe, Jane", phone="+47 900 00 001")
            self.lone = db.create_customer(name="Kari Nordmann", phone="900 00 009")
            self.jane3 = db.create_customer(name="Jnae Doe", phone="0047 90000001")
        finally:
            db.close()

    def rule_names(self) -> list:
        db = self.open_db(create=False)
        try:
            return [rule["name"] for rule in db.duplicates.rules.list()]
        finally:
            db.close()

    # --- rules and settings -------------------------------------------------

    def test_rules_define_show_list_drop(self) -> None:
        self.golden("duplicates/rules_define", "duplicates", "rules", "define", "same_mailbox",
                    "--json", SAME_MAILBOX)
        self.assertEqual(self.rule_names(), ["same_mailbox", "same_phone"])
        self.golden("duplicates/rules_show", "duplicates", "rules", "show", "same_phone")
        self.golden("duplicates/rules_list", "duplicates", "rules", "list")
        shown = json.loads(self.crm_ok("duplicates", "rules", "show", "same_mailbox",
                                       "--format", "json"))
        self.assertEqual(shown["actions"]["create"], "block")
        self.crm_ok("duplicates", "rules", "drop", "same_mailbox", "--dry-run")
        self.assertEqual(self.rule_names(), ["same_mailbox", "same_phone"])
        self.golden("duplicates/rules_drop", "duplicates", "rules", "drop", "same_mailbox")
        self.assertEqual(self.rule_names(), ["same_phone"])
        self.golden("duplicates/rules_show_missing", "duplicates", "rules", "show", "same_mailbox")

    def test_bad_rules_exit_13_or_11_and_store_nothing(self) -> None:
        self.golden("duplicates/rules_define_bad", "duplicates", "rules", "define", "x",
                    "--json", '{"compare": [{"key": "shoe_size"}]}')
        self.golden("duplicates/rules_define_unknown_field", "duplicates", "rules", "define",
                    "x", "--json", '{"compare": [{"key": "phone"}, {"field": "nope"}]}')
        self.assertEqual(self.rule_names(), ["same_phone"])
        for args in (("duplicates",), ("duplicates", "rules"),
                     ("duplicates", "rules", "define", "x", "--json", "nope"),
                     ("duplicates", "keys"), ("duplicates", "check"),
                     ("duplicates", "find", "--page-customers", "-1")):
            result = self.crm(*args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")

    def test_settings(self) -> None:
        self.golden("duplicates/settings", "duplicates", "settings")
        self.golden("duplicates/settings_bad", "duplicates", "settings",
                    "--default-region", "XX")
        out = self.crm_ok("duplicates", "settings", "--default-region", "SE",
                          "--format", "json")
        self.assertEqual(json.loads(out)["default_region"], "SE")
        keys = json.loads(self.crm_ok("duplicates", "keys", str(self.jane), "--format", "json"))
        self.assertIn({"kind": "phone", "key": "+4690000001"}, keys)

    # --- keys, check, find --------------------------------------------------

    def test_keys(self) -> None:
        self.golden("duplicates/keys", "duplicates", "keys", str(self.jane))
        self.golden("duplicates/keys_missing", "duplicates", "keys", "999")

    def test_check_lists_candidates_and_writes_nothing(self) -> None:
        before = self.checksum()
        self.golden("duplicates/check", "duplicates", "check", "name=Jane Doe",
                    "phone=+4790000001")
        out = self.crm_ok("duplicates", "check", "name=Jane Doe", "phone=+4790000001",
                          "--format", "json")
        self.assertEqual([c["id"] for c in json.loads(out)][:1], [self.jane])
        self.assertEqual({c["id"] for c in json.loads(out)},
                         {self.jane, self.jane2, self.jane3})
        none = json.loads(self.crm_ok("duplicates", "check", "name=Ola", "phone=+4799999999",
                                      "--format", "json"))
        self.assertEqual(none, [])
        self.assertEqual(self.checksum(), before)

    def test_find_pairs_and_clusters(self) -> None:
        self.golden("duplicates/find", "duplicates", "find")
        self.golden("duplicates/find_clusters", "duplicates", "find", "--clusters")
        pairs = json.loads(self.crm_ok("duplicates", "find", "--format", "json"))
        self.assertEqual({(p["a"], p["b"]) for p in pairs},
                         {(self.jane, self.jane2), (self.jane, self.jane3),
                          (self.jane2, self.jane3)})
        clusters = json.loads(self.crm_ok("duplicates", "find", "--clusters", "--format", "json"))
        self.assertEqual(clusters[0]["ids"], [self.jane, self.jane2, self.jane3])
        self.golden("duplicates/find_unknown_rule", "duplicates", "find", "--rules", "nope")

    def test_find_in_pages_with_the_cursor(self) -> None:
        first = self.crm("duplicates", "find", "--page-customers", "3", "--format", "csv")
        self.assertEqual(first.code, 0, first.stderr)
        self.assertIn(f"next page: --after-id {self.jane2}", first.stderr)
        self.golden("duplicates/find_page", "duplicates", "find", "--page-customers", "3",
                    "--after-id", str(self.jane2))
        rest = json.loads(self.crm_ok("duplicates", "find", "--after-id", str(self.jane2),
                                      "--format", "json"))
        self.assertEqual([(p["a"], p["b"]) for p in rest],
                         [(self.jane, self.jane3), (self.jane2, self.jane3)])

    # --- the check on writes ------------------------------------------------

    def test_create_warns_on_stderr(self) -> None:
        result = self.golden("duplicates/create_warn", "create", "name=Jane Doe",
                             "phone=90000001", "--format", "json")
        self.assertEqual(result.code, 0)
        self.assertEqual(self.count_customers(), 6)

    def test_block_exits_27_and_skip_saves_anyway(self) -> None:
        self.crm_ok("duplicates", "rules", "define", "same_mailbox", "--json", SAME_MAILBOX)
        self.golden("duplicates/create_block", "create", "name=Janet",
                    "email=jane_doe@gmail.com")
        self.assertEqual(self.count_customers(), 5)
        out = self.crm_ok("create", "name=Janet", "email=jane_doe@gmail.com",
                          "--skip-duplicate-check", "--format", "json")
        self.assertTrue(json.loads(out)["created"])
        self.assertEqual(self.count_customers(), 6)
        blocked = self.crm("update", str(self.per), "email=jane-doe@outlook.com")
        self.assertEqual(blocked.code, 27, blocked.stderr)
        self.assertIn(f"candidates: {self.jane} ", blocked.stderr)
        self.crm_ok("update", str(self.per), "email=jane-doe@outlook.com",
                    "--skip-duplicate-check")

    def test_import_blocks_rows_unless_skipped(self) -> None:
        path = os.path.join(self.tmp, "people.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("name,phone\nJane Doe,90000001\nNew Person,91234567\n")
        # No key column: every row creates (a key of null).
        mapping = '{"key": null}'
        result = self.crm("import", path, "--mapping", mapping, "--format", "json")
        self.assertEqual(result.code, 1, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(report["rejected"], 1)
        self.assertEqual(self.count_customers(), 6)
        skipped = self.crm("import", path, "--mapping", mapping,
                           "--skip-duplicate-check", "--format", "json")
        self.assertEqual(skipped.code, 0, skipped.stderr)
        self.assertEqual(self.count_customers(), 8)

    def test_import_lists_warned_rows(self) -> None:
        # The same rule, warning on imports too: the row is written, listed in
        # the report with its candidates and named on stderr.
        warn_on_import = {**json.loads(SAME_PHONE), "actions": {"import": "warn"}}
        self.crm_ok("duplicates", "rules", "define", "same_phone", "--json",
                    json.dumps(warn_on_import))
        path = os.path.join(self.tmp, "people.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("name,phone\nNew Person,91234567\nJane Doe,90000001\n")
        result = self.crm("import", path, "--mapping", '{"key": null}', "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual((report["created"], report["rejected"], report["warned"]), (2, 0, 1))
        [warning] = report["warnings"]
        self.assertEqual((warning["row"], warning["line"]), (2, 3))
        self.assertIn(self.jane, [candidate["id"] for candidate in warning["candidates"]])
        self.assertIn(f"possible duplicates (row 2): {self.jane} ", result.stderr)
        self.assertEqual(self.count_customers(), 7)


if __name__ == "__main__":
    unittest.main()
