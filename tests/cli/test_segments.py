"""crm segments (list, save, count, delete): outputs, what is stored
afterwards, dry runs and errors."""

import json
import unittest

from cli_support import CliTestCase


class SegmentsTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ids = self.seed()

    def stored(self) -> list:
        db = self.open_db(create=False)
        try:
            return db.segments()
        finally:
            db.close()

    def test_save_list_count_delete(self) -> None:
        self.golden("segments/save", "segments", "save", "premium", "plan = 'premium'")
        self.golden("segments/save_events", "segments", "save", "calls",
                    "type = 'call'", "--target", "events")
        stored = {s["name"]: s for s in self.stored()}
        self.assertEqual(stored["premium"]["filter"], "plan = 'premium'")
        self.assertEqual(stored["premium"]["count"], 3)
        self.assertEqual(stored["calls"]["target"], "events")
        self.golden("segments/list", "segments", "list")
        self.golden("segments/count", "segments", "count", "premium")
        self.golden("segments/delete", "segments", "delete", "calls")
        self.assertEqual([s["name"] for s in self.stored()], ["premium"])

    def test_formats(self) -> None:
        self.crm_ok("segments", "save", "premium", "plan = 'premium'")
        self.golden("segments/list_csv", "segments", "list", "--format", "csv")
        self.golden("segments/list_jsonl", "segments", "list", "--format", "jsonl")
        out = self.crm_ok("segments", "count", "premium", "--format", "json")
        self.assertEqual(json.loads(out), [{"segment": "premium", "count": 3}])

    def test_save_replaces(self) -> None:
        self.crm_ok("segments", "save", "premium", "plan = 'premium'")
        self.crm_ok("segments", "save", "premium", "plan = 'basic'")
        self.assertEqual([(s["filter"], s["count"]) for s in self.stored()],
                         [("plan = 'basic'", 1)])

    def test_dry_runs_store_nothing(self) -> None:
        out = self.crm_ok("segments", "save", "premium", "plan = 'premium'",
                          "--dry-run", "--format", "json")
        self.assertEqual(json.loads(out)["count"], 3)
        self.assertEqual(self.stored(), [])
        self.crm_ok("segments", "save", "premium", "plan = 'premium'")
        self.crm_ok("segments", "delete", "premium", "--dry-run")
        self.assertEqual(len(self.stored()), 1)

    def test_bad_filters_name_the_problem_and_store_nothing(self) -> None:
        self.golden("segments/save_bad_syntax", "segments", "save", "x", "plan = ")
        self.golden("segments/save_unknown_field", "segments", "save", "x", "nope = 1")
        self.golden("segments/save_bad_value", "segments", "save", "x", "plan = 'gold'")
        self.assertEqual(self.stored(), [])

    def test_unknown_segments_exit_11(self) -> None:
        self.golden("segments/count_unknown", "segments", "count", "nope")
        self.assertEqual(self.crm("segments", "delete", "nope").code, 11)

    def test_usage_errors_exit_2(self) -> None:
        for args in (("segments",), ("segments", "save", "x"),
                     ("segments", "save", "x", "plan = 'basic'", "--target", "orders"),
                     ("segments", "count")):
            result = self.crm(*args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
            self.assertTrue(result.stderr.startswith("crm: "), result.stderr)
        self.assertIn("'orders' is not a target: customers or events",
                      self.crm("segments", "save", "x", "plan = 'basic'",
                               "--target", "orders").stderr)
        self.assertEqual(self.stored(), [])

    def test_a_field_a_segment_uses_cannot_be_deleted(self) -> None:
        self.crm_ok("segments", "save", "premium", "plan = 'premium'")
        self.golden("segments/field_in_use", "fields", "delete", "plan")
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.describe_field("plan")["status"], "active")
        finally:
            db.close()

    def test_saving_through_a_profile_needs_the_operation(self) -> None:
        self.crm_ok("profiles", "define", "desk", "--json", '{"groups": {"": "read_only"}}')
        result = self.crm("--profile", "desk", "segments", "save", "premium",
                          "plan = 'premium'")
        self.assertEqual(result.code, 25, result.stderr)
        self.assertIn("rule operation", result.stderr)
        self.assertEqual(self.stored(), [])

    def test_a_segment_that_cannot_run(self) -> None:
        self.crm_ok("segments", "save", "vips", "vip = true")
        db = self.open_db(create=False)
        db.archive_field("vip")
        db.close()
        self.golden("segments/list_broken", "segments", "list")
        result = self.crm("segments", "count", "vips")
        self.assertEqual(result.code, 13, result.stderr)
        self.assertIn("rule archived", result.stderr)


if __name__ == "__main__":
    unittest.main()
