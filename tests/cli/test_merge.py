"""crm merge, unmerge and merges, and what a merge changes for the other
verbs: get by a merged id or external id finds the survivor (stderr says
so), a write naming a merged id exits 28 naming the survivor."""

import json
import os
import unittest

from cli_support import CliTestCase


class MergeTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.open_db()
        try:
            db.define_field("plan", "choice", options=["basic", "premium"])
            db.define_field("score", "integer")
            db.define_field("manager", "reference")
            self.ada = db.create_customer(name="Ada Lovelace", email="ada@example.com",
                                          external_id="ERP-1", plan="basic", score=10,
                                          tags=["vip"], actor="seed")
            self.ada2 = db.create_customer(name="Ada L.", phone="+4790000001",
                                           external_id="CRM-2", score=5, tags=["golf"],
                                           actor="seed")
            self.ada3 = db.create_customer(name="A. Lovelace", email="ada.l@example.org",
                                           phone="+4790000002", external_id="CRM-3",
                                           plan="premium", actor="seed")
            self.charles = db.create_customer(name="Charles Babbage", external_id="ERP-4",
                                              manager=self.ada2, actor="seed")
        finally:
            db.close()

    def merge(self, *args: str) -> dict:
        """Runs crm merge ARGS --format json, which must succeed."""
        return json.loads(self.crm_ok("merge", *args, "--format", "json"))

    # --- merge and what it changes ------------------------------------------

    def test_merge_prints_the_receipt(self) -> None:
        result = self.golden("merge/merge", "merge", str(self.ada), str(self.ada2),
                             str(self.ada3), "--rule", "score=sum", "--rule", "tags=union",
                             "--reason", "ticket-1", "--actor", "steward")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.count_customers(), 2)
        ada = json.loads(self.crm_ok("get", str(self.ada), "-f", "json"))
        self.assertEqual((ada["score"], ada["tags"], ada["phone"], ada["external_id"]),
                         (15, ["vip", "golf"], "+4790000001", "ERP-1"))
        charles = json.loads(self.crm_ok("get", str(self.charles), "-f", "json"))
        self.assertEqual(charles["manager"], self.ada)

    def test_merge_json_receipt(self) -> None:
        receipt = self.merge(str(self.ada), str(self.ada3), str(self.ada2))
        self.assertEqual(receipt["survivor_id"], self.ada)
        self.assertEqual(receipt["merged_ids"], [self.ada3, self.ada2])
        self.assertEqual(receipt["changed_fields"], ["phone"])
        self.assertEqual(receipt["references_moved"], 1)
        self.assertIs(receipt["dry_run"], False)
        # first_non_empty in the order given: ada3's phone, not ada2's.
        ada = json.loads(self.crm_ok("get", str(self.ada), "-f", "json"))
        self.assertEqual(ada["phone"], "+4790000002")

    def test_merges_of_a_survivor_and_of_a_merged_id(self) -> None:
        self.merge(str(self.ada), str(self.ada2), "--reason", "ticket-1")
        self.merge(str(self.ada3), str(self.ada), "--reason", "ticket-2")
        self.golden("merge/merges_survivor", "merges", str(self.ada3))
        self.golden("merge/merges_merged", "merges", str(self.ada2))
        self.golden("merge/merges_merged_json", "merges", str(self.ada2), "-f", "json")
        self.golden("merge/merges_customer", "merges", str(self.charles))
        self.golden("merge/merges_unknown", "merges", "99")

    def test_get_by_a_merged_id_finds_the_survivor(self) -> None:
        self.merge(str(self.ada), str(self.ada2), str(self.ada3))
        self.golden("merge/get_merged", "get", str(self.ada2))
        self.golden("merge/get_merged_external_id", "get", "--external-id", "CRM-3",
                    "-f", "jsonl")
        own = self.crm("get", str(self.ada), "-f", "jsonl")
        self.assertEqual((own.code, own.stderr), (0, ""))

    def test_writes_naming_a_merged_id_exit_28(self) -> None:
        receipt = self.merge(str(self.ada), str(self.ada2))
        self.golden("merge/update_refused", "update", str(self.ada2), "plan=premium")
        for args in (("delete", str(self.ada2)),
                     ("erase", str(self.ada2), "--reason", "r"),
                     ("merge", str(self.ada3), str(self.ada2))):
            result = self.crm(*args)
            self.assertEqual(result.code, 28, f"{args}: {result.stderr}")
            self.assertIn(f"; survivor: {self.ada} (CRM_E_MERGED)", result.stderr)
        self.assertEqual(self.count_customers(), 3)
        self.assertEqual(json.loads(self.crm_ok("merges", str(self.ada2), "-f", "json"))
                         ["merge_id"], receipt["merge_id"])

    def test_help_lists_exit_28(self) -> None:
        result = self.crm("help", workspace=False)
        self.assertIn("28 the id was merged into another customer", result.stdout)
        merge_help = self.crm("help", "merge", workspace=False)
        self.assertEqual(merge_help.code, 0, merge_help.stderr)
        self.assertIn("--rule", merge_help.stdout)

    # --- rules and options --------------------------------------------------

    def test_options_json_from_a_file_with_overrides(self) -> None:
        path = os.path.join(self.tmp, "policy.json")
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"default": "survivor",
                       "fields": {"plan": "first_non_empty", "score": "sum"}}, out)
        receipt = self.merge(str(self.ada), str(self.ada3), "--options-json", "@" + path,
                             "--value", 'plan="premium"', "--value", "score=42")
        self.assertEqual(receipt["changed_fields"], ["plan", "score"])
        ada = json.loads(self.crm_ok("get", str(self.ada), "-f", "json"))
        self.assertEqual((ada["plan"], ada["score"], ada.get("phone")), ("premium", 42, None))

    def test_default_rule_and_value_null(self) -> None:
        receipt = self.merge(str(self.ada2), str(self.ada), "--default", "survivor",
                             "--value", "score=null", "--options-json",
                             '{"fields": {"email": "first_non_empty"}}')
        self.assertEqual(receipt["changed_fields"], ["email", "score"])
        ada2 = json.loads(self.crm_ok("get", str(self.ada2), "-f", "json"))
        self.assertEqual((ada2["email"], ada2.get("score"), ada2["name"]),
                         ("ada@example.com", None, "Ada L."))

    def test_bad_options_store_nothing(self) -> None:
        before = self.checksum()
        self.golden("merge/bad_rule", "merge", str(self.ada), str(self.ada2), "--rule",
                    "name=sum")
        self.golden("merge/survivor_among_merged", "merge", str(self.ada), str(self.ada2),
                    str(self.ada))
        self.golden("merge/unknown_id", "merge", str(self.ada), "99")
        for args in (("merge", str(self.ada)),
                     ("merge", str(self.ada), str(self.ada2), "--value", "plan=premium"),
                     ("merge", str(self.ada), str(self.ada2), "--rule", "plan"),
                     ("merge", str(self.ada), str(self.ada2), "--rule", "score=sum",
                      "--value", "score=1"),
                     ("merge", str(self.ada), str(self.ada2), "--options-json", "[1]"),
                     ("merge", str(self.ada), str(self.ada2), "--options-json",
                      "@" + os.path.join(self.tmp, "missing.json")),
                     ("unmerge",), ("merges",)):
            result = self.crm(*args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
            self.assertEqual(result.stdout, "")
        self.assertEqual(self.checksum(), before)

    def test_dry_runs_store_nothing(self) -> None:
        before = self.checksum()
        receipt = self.merge(str(self.ada), str(self.ada2), "--dry-run")
        self.assertIs(receipt["dry_run"], True)
        self.assertEqual(self.checksum(), before)
        merged = self.merge(str(self.ada), str(self.ada2))
        after_merge = self.checksum()
        undo = json.loads(self.crm_ok("unmerge", str(merged["merge_id"]), "--dry-run",
                                      "-f", "json"))
        self.assertEqual((undo["restored_ids"], undo["dry_run"]), ([self.ada2], True))
        self.assertEqual(self.checksum(), after_merge)

    # --- unmerge --------------------------------------------------------------

    def test_unmerge_reports_conflicts(self) -> None:
        receipt = self.merge(str(self.ada), str(self.ada2), str(self.ada3), "--rule",
                             "score=sum", "--rule", "tags=union")
        self.assertEqual(receipt["changed_fields"], ["phone", "tags", "score"])
        # A later change of a field the merge set: kept by the undo.
        self.crm_ok("update", str(self.ada), "phone=+4790000009", "--actor", "clerk")
        merge_id = str(receipt["merge_id"])
        result = self.golden("merge/unmerge_conflict", "unmerge", merge_id, "--reason",
                             "two people", "--actor", "steward")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.count_customers(), 4)
        ada = json.loads(self.crm_ok("get", str(self.ada), "-f", "json"))
        self.assertEqual((ada["phone"], ada["score"], ada["tags"]),
                         ("+4790000009", 10, ["vip"]))
        ada2 = json.loads(self.crm_ok("get", str(self.ada2), "-f", "json"))
        self.assertEqual((ada2["external_id"], ada2["tags"]), ("CRM-2", ["golf"]))
        charles = json.loads(self.crm_ok("get", str(self.charles), "-f", "json"))
        self.assertEqual(charles["manager"], self.ada2)
        self.golden("merge/merges_after_unmerge", "merges", str(self.ada))
        self.golden("merge/unmerge_again", "unmerge", merge_id)

    def test_unmerge_json_lists_conflicts(self) -> None:
        receipt = self.merge(str(self.ada), str(self.ada2))
        self.crm_ok("update", str(self.ada), "phone:=null")
        undo = json.loads(self.crm_ok("unmerge", str(receipt["merge_id"]), "-f", "json"))
        self.assertEqual(undo["conflicts"], [{"field": "phone", "current": None,
                                              "merged": "+4790000001", "before": None}])
        self.assertEqual((undo["restored_ids"], undo["reverted_fields"]), ([self.ada2], []))

    def test_unmerge_of_a_survivor_merged_since_exits_15(self) -> None:
        first = self.merge(str(self.ada), str(self.ada2))
        self.merge(str(self.ada3), str(self.ada))
        self.golden("merge/unmerge_chained", "unmerge", str(first["merge_id"]))


if __name__ == "__main__":
    unittest.main()
