"""crm create, update, upsert and delete: values typed by the fields'
definitions, what is stored (read back through the Python binding), dry
runs and refused writes that store nothing, and errors naming the field and
the rule."""

import datetime as _dt
import decimal
import json
import unittest

import crm as libcrm

from cli_support import CliTestCase, utc


class WritesTestCase(CliTestCase):
    def customer(self, id: int):
        db = self.open_db(create=False)
        try:
            return db.get_customer(id)
        finally:
            db.close()


class CreateTest(WritesTestCase):
    def test_create_types_each_value_by_its_field(self) -> None:
        self.seed()
        result = self.golden(
            "writes/create", "create", "name=Zed Zane", "email=zed@example.com",
            "plan=basic", "revenue=10.50", "renewal=2025-12-31", "vip=yes",
            "interests=golf, chess", "external_id=ERP-9",
            "--effective-at", "2024-05-01T08:00:00Z")
        self.assertEqual(result.code, 0, result.stderr)
        db = self.open_db(create=False)
        try:
            zed = db.get_customer_by_external_id("ERP-9")
        finally:
            db.close()
        self.assertEqual(zed.name, "Zed Zane")
        self.assertEqual(zed.email, "zed@example.com")
        self.assertEqual(zed.plan, "basic")
        self.assertEqual(zed.revenue, decimal.Decimal("10.50"))
        self.assertEqual(zed.renewal, _dt.date(2025, 12, 31))
        self.assertIs(zed.vip, True)
        self.assertEqual(sorted(zed.interests), ["chess", "golf"])
        self.assertEqual(zed.created_at, utc(2024, 5, 1, 8, 0))

    def test_create_with_json_values(self) -> None:
        self.seed()
        result = self.crm("create", 'name:="Json Jones"', "vip:=false",
                          'interests:=["tennis"]', "revenue:=12.5", "external_id=ERP-10",
                          "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        created = json.loads(result.stdout)
        self.assertTrue(created["created"])
        zed = self.customer(created["id"])
        self.assertEqual(zed.name, "Json Jones")
        self.assertIs(zed.vip, False)
        self.assertEqual(list(zed.interests), ["tennis"])
        self.assertEqual(zed.revenue, decimal.Decimal("12.50"))

    def test_create_dry_run_stores_nothing(self) -> None:
        self.seed()
        before = self.checksum()
        self.golden("writes/create_dry_run_csv", "create", "name=Dry", "--dry-run",
                    "--effective-at", "2024-05-01", "--format", "csv")
        self.assertEqual(self.checksum(), before)

    def test_create_refused_by_a_field_exits_13_and_stores_nothing(self) -> None:
        self.seed()
        before = self.checksum()
        self.assertEqual(self.golden("writes/create_bad_choice", "create", "name=X",
                                     "plan=gold").code, 13)
        self.assertEqual(self.golden("writes/create_bad_decimal", "create", "name=X",
                                     "revenue=lots").code, 13)
        self.assertEqual(self.golden("writes/create_bad_boolean", "create", "name=X",
                                     "vip=maybe").code, 13)
        self.assertEqual(self.golden("writes/create_bad_date", "create", "name=X",
                                     "renewal=31/12/2025").code, 13)
        self.golden("writes/create_unknown_field", "create", "name=X", "nosuch=1")
        self.assertEqual(self.checksum(), before)

    def test_create_of_a_taken_email_exits_14(self) -> None:
        self.seed()
        before = self.checksum()
        self.assertEqual(self.golden("writes/create_taken_email", "create", "name=X",
                                     "email=ada@example.com").code, 14)
        self.assertEqual(self.checksum(), before)

    def test_usage_errors_exit_2(self) -> None:
        self.seed()
        before = self.checksum()
        self.golden("writes/create_nothing", "create")
        self.golden("writes/create_not_an_assignment", "create", "name")
        self.golden("writes/create_twice", "create", "name=A", "name=B")
        self.golden("writes/create_bad_json", "create", "vip:=maybe")
        self.assertEqual(self.crm("create", "=x").code, 2)
        self.assertEqual(self.crm("create", "tags:={}").code, 2)
        self.assertEqual(self.crm("create", "name=A", "revenue:=18446744073709551615").code, 2)
        self.golden("writes/create_bad_time", "create", "name=A", "--effective-at", "soon")
        self.assertEqual(self.checksum(), before)


class UpdateTest(WritesTestCase):
    def test_update_changes_only_the_given_fields(self) -> None:
        ids = self.seed()
        ada = ids["Ada Lovelace"]
        result = self.golden("writes/update", "update", str(ada), "plan=basic", "email:=null",
                             "--expected-version", "1", "--actor", "ops")
        self.assertEqual(result.code, 0, result.stderr)
        record = self.customer(ada)
        self.assertEqual(record.plan, "basic")
        self.assertNotIn("email", record)
        self.assertEqual(record.name, "Ada Lovelace")
        self.assertEqual(record.version, 2)
        db = self.open_db(create=False)
        try:
            last = next(iter(db.timeline(ada)))
            self.assertEqual((last.type, last.actor), ("crm.record.updated", "ops"))
        finally:
            db.close()

    def test_update_in_the_past_corrects_history_only(self) -> None:
        ids = self.seed()
        ada = ids["Ada Lovelace"]
        result = self.golden("writes/update_past", "update", str(ada), "plan=basic",
                             "--effective-at", "2024-03-01", "--effective-until",
                             "2024-04-01", "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertFalse(json.loads(result.stdout)["changed_current"])
        now = self.customer(ada)
        self.assertEqual((now.plan, now.version), ("premium", 2))
        db = self.open_db(create=False)
        try:
            self.assertEqual(db.get_customer_at(ada, utc(2024, 3, 15)).plan, "basic")
            self.assertEqual(db.get_customer_at(ada, utc(2024, 4, 15)).plan, "premium")
        finally:
            db.close()

    def test_update_failures_change_nothing(self) -> None:
        ids = self.seed()
        ada = str(ids["Ada Lovelace"])
        before = self.checksum()
        self.assertEqual(self.golden("writes/update_conflict", "update", ada, "plan=basic",
                                     "--expected-version", "7").code, 15)
        self.assertEqual(self.golden("writes/update_bad_value", "update", ada,
                                     "interests=golf,darts").code, 13)
        self.assertEqual(self.golden("writes/update_unknown", "update", "999",
                                     "plan=basic").code, 11)
        self.assertEqual(self.golden("writes/update_no_values", "update", ada).code, 2)
        self.assertEqual(self.crm("update", ada, "plan=basic", "--effective-at",
                                  "2024-13-01").code, 2)
        self.assertEqual(self.checksum(), before)

    def test_update_dry_run_stores_nothing(self) -> None:
        ids = self.seed()
        before = self.checksum()
        result = self.golden("writes/update_dry_run", "update", str(ids["Eve Tan"]),
                             "vip=false", "--dry-run", "--format", "jsonl")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.checksum(), before)


class UpsertTest(WritesTestCase):
    def test_upsert_updates_then_creates(self) -> None:
        ids = self.seed()
        result = self.golden("writes/upsert_update", "upsert", "external_id=ERP-4",
                             "city=Oslo")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.customer(ids["Dan Ek"]).city, "Oslo")
        args = ["upsert", "external_id=ERP-77", "name=New Person", "--format", "json"]
        created = self.crm(*args)
        self.assertEqual(created.code, 0, created.stderr)
        document = json.loads(created.stdout)
        self.assertTrue(document["created"])
        self.assertEqual(self.customer(document["id"]).name, "New Person")

    def test_upsert_dry_run_and_effective_at(self) -> None:
        ids = self.seed()
        before = self.checksum()
        result = self.golden("writes/upsert_dry_run", "upsert", "external_id=ERP-4",
                             "city=Bergen", "--effective-at", "2024-07-01", "--dry-run")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(self.checksum(), before)
        self.assertEqual(self.crm("upsert", "external_id=ERP-4", "city=Bergen",
                                  "--effective-at", "2024-07-01").code, 0)
        db = self.open_db(create=False)
        try:
            self.assertNotIn("city", db.get_customer_at(ids["Dan Ek"], utc(2024, 6, 30)))
            self.assertEqual(db.get_customer_at(ids["Dan Ek"], utc(2024, 7, 2)).city, "Bergen")
        finally:
            db.close()

    def test_upsert_without_external_id_fails(self) -> None:
        self.seed()
        before = self.checksum()
        result = self.golden("writes/upsert_no_external_id", "upsert", "name=Nobody")
        self.assertNotEqual(result.code, 0)
        self.assertEqual(self.checksum(), before)


class DeleteTest(WritesTestCase):
    def test_delete_ends_the_record_and_keeps_its_history(self) -> None:
        ids = self.seed()
        eve = ids["Eve Tan"]
        before = self.checksum()
        self.golden("writes/delete_dry_run", "delete", str(eve), "--dry-run")
        self.assertEqual(self.checksum(), before)
        self.assertEqual(self.golden("writes/delete_conflict", "delete", str(eve),
                                     "--expected-version", "5").code, 15)
        self.assertEqual(self.checksum(), before)
        self.golden("writes/delete", "delete", str(eve), "--expected-version", "1")
        db = self.open_db(create=False)
        try:
            with self.assertRaises(libcrm.NotFoundError):
                db.get_customer(eve)
            types = [e.type for e in db.timeline(eve)]
            self.assertEqual(types, ["crm.record.deleted", "crm.record.created"])
        finally:
            db.close()
        self.assertEqual(self.golden("writes/delete_unknown", "delete", "999").code, 11)
        self.assertEqual(self.crm("delete").code, 2)


if __name__ == "__main__":
    unittest.main()
