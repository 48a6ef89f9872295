"""crm erase, export-person, retention apply, holds, suppress and
checkpoint: what they print (goldens), what they leave in the workspace
(read back through the Python binding), that a dry run and a failed run
store nothing, and their usage errors."""

import json
import os
import re
import stat
import unittest

import crm as libcrm

from cli_support import CliTestCase, Result


class ErasureTestCase(CliTestCase):
    def assertGoldenMasked(self, name: str, args, result: Result, pattern: str,
                           mask: str) -> None:
        """golden() for output holding a value that varies between runs
        (matched by `pattern`), shown as `mask`."""
        masked = Result(result.code, re.sub(pattern, mask, result.stdout),
                        re.sub(pattern, mask, result.stderr))
        self.assertGolden(name, list(args), masked)


class EraseTest(ErasureTestCase):
    def test_erase_by_id_removes_the_person_and_prints_the_receipt(self) -> None:
        ids = self.seed()
        ada = ids["Ada Lovelace"]
        result = self.golden("erasure/erase_id", "erase", str(ada), "--reason", "ticket-1",
                             "--actor", "dpo")
        self.assertEqual(result.code, 0, result.stderr)
        db = self.open_db(create=False)
        try:
            with self.assertRaises(libcrm.NotFoundError):
                db.get_customer(ada)
            self.assertEqual(db.count_customers(), 4)
            events = list(db.timeline(ada))
            self.assertEqual([e.type for e in events], ["crm.record.erased"])
            self.assertEqual(events[0].actor, "dpo")
            self.assertEqual(dict(events[0].properties), {"reason": "ticket-1"})
            self.assertEqual(db.get_customer(ids["Bob Builder"]).name, "Bob Builder")
        finally:
            db.close()

    def test_erase_dry_run_reports_and_stores_nothing(self) -> None:
        ids = self.seed()
        before = self.checksum()
        result = self.golden("erasure/erase_dry_run", "erase", str(ids["Chloé Dubois"]),
                             "--reason", "ticket-2", "--dry-run")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.checksum(), before)

    def test_erase_where_erases_every_match_in_one_receipt(self) -> None:
        ids = self.seed()
        result = self.golden("erasure/erase_where_json", "erase", "--where",
                             "plan = 'premium'", "--reason", "purge", "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        receipt = json.loads(result.stdout)
        premium = sorted([ids["Ada Lovelace"], ids["Bob Builder"], ids["Chloé Dubois"]])
        self.assertEqual(receipt["erased_ids"], premium)
        db = self.open_db(create=False)
        try:
            self.assertEqual(sorted(row.id for row in db.query("id > 0")),
                             sorted([ids["Dan Ek"], ids["Eve Tan"]]))
        finally:
            db.close()

    # One dry run per workspace: on PostgreSQL a rolled-back write leaves a
    # hole among seqs, so a second one would print the next tombstone seq.
    def test_erase_receipt_as_csv(self) -> None:
        ids = self.seed()
        self.golden("erasure/erase_csv", "erase", str(ids["Dan Ek"]), "--reason", "r",
                    "--dry-run", "--format", "csv")

    def test_erase_receipt_as_jsonl(self) -> None:
        ids = self.seed()
        self.golden("erasure/erase_jsonl", "erase", str(ids["Dan Ek"]), "--reason", "r",
                    "--dry-run", "--format", "jsonl")

    def test_erase_with_a_bad_filter_fails_and_changes_nothing(self) -> None:
        self.seed()
        before = self.checksum()
        result = self.golden("erasure/erase_bad_filter", "erase", "--where", "plan = = 'x'",
                             "--reason", "r")
        self.assertEqual(result.code, 12)
        self.assertEqual(self.checksum(), before)

    def test_erase_an_unknown_id_exits_11(self) -> None:
        self.seed()
        result = self.golden("erasure/erase_unknown", "erase", "999", "--reason", "r")
        self.assertEqual(result.code, 11)

    def test_erase_usage_errors_exit_2(self) -> None:
        self.seed()
        before = self.checksum()
        self.golden("erasure/erase_no_reason", "erase", "1")
        self.golden("erasure/erase_no_target", "erase", "--reason", "r")
        self.assertEqual(self.crm("erase", "1", "--where", "id > 0", "--reason", "r").code, 2)
        self.assertEqual(self.crm("erase", "1", "--reason", "r", "--keep-held",
                                  "--override-hold").code, 2)
        self.assertEqual(self.crm("erase", "ada", "--reason", "r").code, 2)
        self.assertEqual(self.checksum(), before)

    def test_erase_with_suppress_keeps_the_email_out(self) -> None:
        ids = self.seed()
        result = self.crm("erase", str(ids["Ada Lovelace"]), "--reason", "r", "--suppress",
                          "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["suppressed"], 1)
        self.golden("erasure/suppressed_create", "create", "name=Ada", "email=ADA@example.com")
        db = self.open_db(create=False)
        try:
            self.assertTrue(db.is_suppressed(email="ada@example.com"))
            self.assertEqual(db.count_customers(), 4)
        finally:
            db.close()


class HoldTest(ErasureTestCase):
    def seed_held(self):
        ids = self.seed()
        db = self.open_db(create=False)
        try:
            db.define_field("tax_id", "text")
            db.update_customer(ids["Ada Lovelace"], {"tax_id": "NO-123"}, actor="seed")
        finally:
            db.close()
        return ids

    def test_place_list_and_lift_a_field_hold(self) -> None:
        self.seed_held()
        before = self.checksum()
        self.golden("erasure/holds_place_dry_run", "holds", "place", "tax_id", "--days", "10",
                    "--dry-run")
        self.assertEqual(self.checksum(), before)
        self.golden("erasure/holds_place", "holds", "place", "tax_id", "--days", "3650")
        self.golden("erasure/holds_list", "holds", "list")
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.describe_field("tax_id")["hold_days"], 3650)
        finally:
            db.close()
        self.golden("erasure/holds_lift_dry_run", "holds", "lift", "tax_id", "--dry-run")
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.describe_field("tax_id")["hold_days"], 3650)
        finally:
            db.close()
        self.assertEqual(self.crm("holds", "lift", "tax_id").code, 0)
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.describe_field("tax_id").get("hold_days", 0), 0)
        finally:
            db.close()
        self.golden("erasure/holds_list_empty", "holds", "list")

    def test_hold_usage_errors(self) -> None:
        self.seed_held()
        self.assertEqual(self.crm("holds", "place", "tax_id").code, 2)
        self.assertEqual(self.crm("holds", "place", "tax_id", "--days", "0").code, 2)
        self.assertEqual(self.crm("holds").code, 2)
        self.golden("erasure/holds_place_unknown_field", "holds", "place", "nosuch",
                    "--days", "10")

    def test_erase_of_held_data_must_choose_then_keeps_a_stub(self) -> None:
        ids = self.seed_held()
        ada = ids["Ada Lovelace"]
        self.assertEqual(self.crm("holds", "place", "tax_id", "--days", "3650").code, 0)
        before = self.checksum()
        args = ["erase", str(ada), "--reason", "r"]
        refused = self.crm(*args)
        self.assertGoldenMasked("erasure/erase_held_refused", args, refused,
                                r"until \d+ us", "until <erasure + 3650 days> us")
        self.assertEqual(refused.code, 14)
        self.assertEqual(self.checksum(), before)

        args = ["erase", str(ada), "--reason", "r", "--keep-held", "--format", "json"]
        kept = self.crm(*args)
        self.assertEqual(kept.code, 0, kept.stderr)
        receipt = json.loads(kept.stdout)
        self.assertEqual(len(receipt["kept"]), 1)
        stub = receipt["kept"][0]["stub_id"]
        self.assertRegex(receipt["kept"][0]["held_until"], r"^\d{4}-\d\d-\d\dT[0-9:.]+Z$")
        self.assertGoldenMasked("erasure/erase_keep_held", args, kept,
                                r'"(stub_id|held_until)": [^,\n]+', r'"\1": <varies>')

        shown = self.crm("holds", str(stub), "--format", "json")
        self.assertEqual(shown.code, 0, shown.stderr)
        self.assertEqual(json.loads(shown.stdout)["held_until"],
                         receipt["kept"][0]["held_until"])
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.get_customer(stub)["tax_id"], "NO-123")
            self.assertIsNotNone(db.held_until(stub))
            with self.assertRaises(libcrm.NotFoundError):
                db.get_customer(ada)
        finally:
            db.close()

    def test_erase_with_override_hold_erases_held_data_too(self) -> None:
        ids = self.seed_held()
        ada = ids["Ada Lovelace"]
        self.assertEqual(self.crm("holds", "place", "tax_id", "--days", "30").code, 0)
        result = self.golden("erasure/erase_override_hold", "erase", str(ada), "--reason",
                             "r", "--override-hold", "--format", "jsonl")
        self.assertEqual(result.code, 0, result.stderr)
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.count_customers(), 4)
            self.assertEqual(list(db.query("tax_id is not null")), [])
        finally:
            db.close()

    def test_holds_of_a_customer_that_is_no_stub_and_of_an_unknown_one(self) -> None:
        ids = self.seed()
        self.golden("erasure/holds_not_stub", "holds", str(ids["Bob Builder"]))
        self.assertEqual(self.golden("erasure/holds_unknown", "holds", "999").code, 11)


class ExportPersonTest(ErasureTestCase):
    # exported_at is the time of the run; recorded_at and updated_at of the
    # seed's writes too: microseconds, which normalise() does not see.
    TIMES = r'"(exported_at|recorded_at|updated_at)": ?\d+'

    def test_export_person_prints_libcrms_document(self) -> None:
        ids = self.seed()
        args = ["export-person", str(ids["Ada Lovelace"]), "--format", "json"]
        result = self.crm(*args)
        self.assertEqual(result.code, 0, result.stderr)
        document = json.loads(result.stdout)
        self.assertEqual(document["format"], "libcrm.customer_export")
        self.assertEqual(document["customer_id"], ids["Ada Lovelace"])
        self.assertGoldenMasked("erasure/export_person_json", args, result, self.TIMES,
                                r'"\1": <time>')

    def test_export_person_to_a_private_file(self) -> None:
        ids = self.seed()
        path = os.path.join(self.tmp, "ada.json")
        result = self.golden("erasure/export_person_output", "export-person",
                             str(ids["Ada Lovelace"]), "--output", path)
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, encoding="utf-8") as text:
            written = json.load(text)
        db = self.open_db(create=False)
        try:
            expected = db.export_customer(ids["Ada Lovelace"])
        finally:
            db.close()
        written.pop("exported_at")
        expected.pop("exported_at")
        self.assertEqual(written, expected)

    def test_export_person_to_a_folder_that_does_not_exist_exits_17(self) -> None:
        ids = self.seed()
        path = os.path.join(self.tmp, "no-such-folder", "ada.json")
        result = self.golden("erasure/export_person_bad_output", "export-person",
                             str(ids["Ada Lovelace"]), "--output", path)
        self.assertEqual(result.code, 17)
        self.assertFalse(os.path.exists(os.path.dirname(path)))
        self.assertFalse([name for name in os.listdir(self.tmp) if "ada" in name])

    def test_export_person_of_an_erased_customer_and_an_unknown_one(self) -> None:
        ids = self.seed()
        self.assertEqual(self.crm("erase", str(ids["Eve Tan"]), "--reason", "t-9",
                                  "--actor", "dpo").code, 0)
        args = ["export-person", str(ids["Eve Tan"]), "--format", "jsonl"]
        result = self.crm(*args)
        self.assertEqual(result.code, 0, result.stderr)
        erased = json.loads(result.stdout)["markers"]["erased"]
        self.assertEqual((erased["actor"], erased["reason"]), ("dpo", "t-9"))
        self.assertGoldenMasked("erasure/export_person_erased", args, result,
                                r'"(exported_at|erased_at)":\d+', r'"\1":<time>')
        self.assertEqual(self.golden("erasure/export_person_unknown", "export-person",
                                     "999").code, 11)
        self.assertEqual(self.crm("export-person").code, 2)


class RetentionTest(ErasureTestCase):
    def seed_retention(self):
        ids = self.seed()
        db = self.open_db(create=False)
        try:
            db.define_event_type("call", [{"name": "minutes", "type": "integer"}],
                                 retention_days=30)
        finally:
            db.close()
        return ids

    def test_retention_apply_removes_expired_events(self) -> None:
        ids = self.seed_retention()
        before = self.checksum()
        self.golden("erasure/retention_dry_run", "retention", "apply", "--now",
                    "2024-03-05T00:00:00Z", "--dry-run")
        self.assertEqual(self.checksum(), before)
        self.golden("erasure/retention_not_yet", "retention", "apply", "--now", "2024-02-15")
        self.assertEqual(self.checksum(), before)
        self.golden("erasure/retention_apply", "retention", "apply", "--now", "2024-03-05",
                    "--format", "json")
        db = self.open_db(create=False)
        try:
            types = [e.type for e in db.timeline(ids["Ada Lovelace"])]
            self.assertNotIn("call", types)
            self.assertIn("email_sent", types)
            self.assertIn("crm.record.created", types)
        finally:
            db.close()

    def test_retention_apply_now_and_bad_time(self) -> None:
        self.seed_retention()
        result = self.crm("retention", "apply", "--dry-run", "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["events_removed"], 1)
        self.golden("erasure/retention_bad_time", "retention", "apply", "--now", "yesterday")
        self.assertEqual(self.crm("retention").code, 2)


class SuppressionTest(ErasureTestCase):
    def test_suppression_round_trip(self) -> None:
        self.seed()
        self.golden("erasure/suppress_add_dry_run", "suppress", "add", "zoe@example.com",
                    "--dry-run")
        self.golden("erasure/suppress_count_0", "suppress", "count")
        self.golden("erasure/suppress_add", "suppress", "add", "Zoe@Example.com",
                    "--phone", "+47 22 33 44 55")
        self.golden("erasure/suppress_count_2", "suppress", "count")
        self.golden("erasure/suppress_check_true", "suppress", "check", "zoe@example.com")
        self.golden("erasure/suppress_check_phone", "suppress", "check", "--phone",
                    "+4722334455", "--format", "csv")
        self.assertEqual(self.crm("create", "name=Zoe", "email=zoe@example.com").code, 14)
        db = self.open_db(create=False)
        try:
            self.assertTrue(db.is_suppressed(email="zoe@example.com"))
            self.assertTrue(db.is_suppressed(phone="+47 22 33 44 55"))
            self.assertEqual(db.count_suppressed(), 2)
        finally:
            db.close()
        before = self.checksum()
        self.golden("erasure/suppress_remove_dry_run", "suppress", "remove",
                    "zoe@example.com", "--dry-run")
        self.assertEqual(self.checksum(), before)
        self.golden("erasure/suppress_remove", "suppress", "remove", "zoe@example.com")
        self.golden("erasure/suppress_check_false", "suppress", "check", "zoe@example.com")
        self.assertEqual(
            self.golden("erasure/suppress_remove_again", "suppress", "remove",
                        "zoe@example.com").code, 11)
        self.assertEqual(self.crm("create", "name=Zoe", "email=zoe@example.com").code, 0)

    def test_suppress_needs_a_value(self) -> None:
        self.seed()
        self.golden("erasure/suppress_add_nothing", "suppress", "add")
        self.assertEqual(self.crm("suppress").code, 2)
        self.assertEqual(self.crm("suppress", "check").code, 2)


class CheckpointTest(ErasureTestCase):
    def test_checkpoint_after_an_erase(self) -> None:
        ids = self.seed()
        self.assertEqual(self.crm("erase", str(ids["Ada Lovelace"]), "--reason", "r").code, 0)
        self.golden("erasure/checkpoint", "checkpoint")

    def test_checkpoint_of_a_missing_workspace_fails(self) -> None:
        result = self.crm("checkpoint")
        self.assertNotEqual(result.code, 0)
        self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
