"""Bulk writes: one protobuf CustomerBatch per call, all or nothing."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

import crm
from crm.wire import encode_customer_batch, varint, zigzag64

from .support import WorkspaceTestCase


class EncoderTest(unittest.TestCase):
    """Bytes checked by hand against crm.proto's field numbers."""

    def test_varint_and_zigzag(self) -> None:
        self.assertEqual(varint(0), b"\x00")
        self.assertEqual(varint(300), b"\xac\x02")
        self.assertEqual(zigzag64(0), 0)
        self.assertEqual(zigzag64(-1), 1)
        self.assertEqual(zigzag64(1), 2)
        self.assertEqual(zigzag64(-(2**63)), 2**64 - 1)
        self.assertEqual(varint(zigzag64(-(2**63))), b"\xff" * 9 + b"\x01")

    def test_batch_layout(self) -> None:
        payload, count = encode_customer_batch(
            [{"name": "A", "n": -1}, {"n": 0, "ok": False}], actor="etl"
        )
        self.assertEqual(count, 2)
        expected = (
            b"\x0a\x04name" b"\x0a\x01n" b"\x0a\x02ok"  # columns = 1
            # row 0: text "A" (1), sint64 -1 (2); "ok" absent (packed [2])
            b"\x12\x0c" b"\x0a\x03\x0a\x01A" b"\x0a\x02\x10\x01" b"\x12\x01\x02"
            # row 1: integer 0 written (oneof presence), boolean false;
            # "name" absent
            b"\x12\x0b" b"\x0a\x02\x10\x00" b"\x0a\x02\x20\x00" b"\x12\x01\x00"
            b"\x1a\x03etl"  # actor = 3
        )
        self.assertEqual(payload, expected)

    def test_a_missing_key_is_absent_and_none_is_null(self) -> None:
        payload, _ = encode_customer_batch(
            [{"a": None, "b": 1, "c": None}, {"b": 2}, {"c": "x", "a": None, "b": 3}]
        )
        columns = b"\x0a\x01a\x0a\x01b\x0a\x01c"
        rows = (
            b"\x12\x08" b"\x0a\x00" b"\x0a\x02\x10\x02" b"\x0a\x00"  # nulls
            b"\x12\x08" b"\x0a\x02\x10\x04" b"\x12\x02\x00\x02"  # a, c absent
            b"\x12\x0b" b"\x0a\x00" b"\x0a\x02\x10\x06" b"\x0a\x03\x0a\x01x"
        )
        self.assertEqual(payload, columns + rows)

    def test_every_kind(self) -> None:
        moment = dt.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=dt.timezone.utc)
        payload, _ = encode_customer_batch(
            [{"d": Decimal("1.50"), "day": dt.date(2024, 1, 2), "t": moment, "l": ["x", ""]}]
        )
        row = (
            b"\x0a\x06\x1a\x041.50"
            b"\x0a\x0c\x2a\x0a2024-01-02"
            b"\x0a\x02\x30\x02"
            b"\x0a\x07\x3a\x05\x0a\x01x\x0a\x00"
        )
        columns = b"\x0a\x01d\x0a\x03day\x0a\x01t\x0a\x01l"
        self.assertEqual(payload, columns + b"\x12" + bytes([len(row)]) + row)

    def test_long_values_and_refusals(self) -> None:
        big = Decimal("1E+130")  # 131 digits: a two-byte length
        text = "é" * 100  # 200 bytes of UTF-8
        payload, _ = encode_customer_batch([{"d": big, "t": text}])
        digits = b"1" + b"0" * 130
        row = (b"\x0a\x86\x01\x1a\x83\x01" + digits
               + b"\x0a\xcb\x01\x0a\xc8\x01" + text.encode("utf-8"))
        self.assertEqual(payload, b"\x0a\x01d\x0a\x01t\x12\xd7\x02" + row)
        with self.assertRaisesRegex(ValueError, "field 'name'.*UTF-8"):
            encode_customer_batch([{"name": "bad \ud800"}])
        with self.assertRaisesRegex(ValueError, "field 'seen'.*naive"):
            encode_customer_batch([{"seen": dt.datetime(2024, 1, 1)}])
        with self.assertRaisesRegex(ValueError, "field 'd'.*finite"):
            encode_customer_batch([{"d": Decimal("NaN")}])
        with self.assertRaisesRegex(OverflowError, "field 'n'"):
            encode_customer_batch([{"n": 2**63}])
        for too_big in (2**63, -(2**63) - 1, 2**64 + 1):
            with self.assertRaises(crm.IntegerRangeError) as caught:
                encode_customer_batch([{"n": too_big}])
            self.assertIsInstance(caught.exception, crm.InvalidArgumentError)
            self.assertEqual(caught.exception.field, "n")

    def test_rows_must_be_mappings(self) -> None:
        with self.assertRaises(TypeError):
            encode_customer_batch([["name", "A"]])  # type: ignore[list-item]


class BatchTest(WorkspaceTestCase):
    def test_thousand_rows_in_one_batch(self) -> None:
        self.db.define_field("score", "integer")
        rows = ({"name": f"Customer {i}", "score": i} for i in range(1000))
        ids = self.db.insert_many(rows, actor="import")
        self.assertEqual(len(ids), 1000)
        self.assertEqual(len(set(ids)), 1000)
        self.assertTrue(all(isinstance(i, int) and i > 0 for i in ids))
        self.assertEqual(self.db.count_customers(), 1000)
        last = self.db.get_customer(ids[999])
        self.assertEqual((last.name, last.score), ("Customer 999", 999))

    def test_values_of_every_type_and_missing_keys(self) -> None:
        self.define_sample_fields()
        seen = dt.datetime(2024, 5, 6, 7, 8, 9, 654321, tzinfo=dt.timezone.utc)
        rows = [
            {"name": "A", "contract_value": Decimal("10.25"), "active": True, "last_seen": seen},
            {"support_tier": 2, "renewal": dt.date(2026, 12, 31), "tags": ["x", "y"], "name": "B"},
            {"name": "C", "active": False, "plan": None},
        ]
        a, b, c = self.db.insert_many(rows)
        first, second, third = (self.db.get_customer(i) for i in (a, b, c))
        self.assertEqual(first.contract_value, Decimal("10.25"))
        self.assertIs(first.active, True)
        self.assertEqual(first.last_seen, seen)
        self.assertNotIn("support_tier", first)
        self.assertEqual(second.support_tier, 2)
        self.assertEqual(second.renewal, dt.date(2026, 12, 31))
        self.assertEqual(second.tags, ["x", "y"])
        self.assertIs(third.active, False)
        # A key missing from a row is absent, and on create takes the
        # field's default; so does a null.
        self.assertEqual(first.plan, "basic")
        self.assertEqual(third.plan, "basic")
        (only,) = self.db.insert_many([{"name": "D"}])
        self.assertEqual(self.db.get_customer(only).plan, "basic")

    def test_one_bad_row_stores_nothing_and_names_the_row(self) -> None:
        self.db.define_field("plan", "choice", options=["basic", "premium"])
        self.db.create_customer(name="Existing")
        rows = [{"name": f"R{i}", "plan": "basic"} for i in range(10)]
        rows[7] = {"name": "R7", "plan": "gold"}
        with self.assertRaises(crm.BatchError) as caught:
            self.db.insert_many(rows)
        error = caught.exception
        self.assertIsInstance(error, crm.ValidationError)
        self.assertEqual(error.size, 10)
        self.assertEqual([row.index for row in error.rejected], [7])
        row = error.rejected[0]
        self.assertEqual((row.field, row.rule, row.status_name), ("plan", "options", "CRM_E_VALIDATION"))
        self.assertIn("gold", row.message)
        self.assertEqual(self.db.count_customers(), 1)

    def test_several_bad_rows_and_unique_inside_the_batch(self) -> None:
        rows = [
            {"name": "A", "email": "same@example.com"},
            {"name": "B", "email": "not an email"},
            {"name": "C", "email": "same@example.com"},
        ]
        with self.assertRaises(crm.BatchError) as caught:
            self.db.insert_many(rows)
        indexes = [row.index for row in caught.exception.rejected]
        self.assertIn(1, indexes)
        self.assertNotIn(0, indexes)
        self.assertEqual(self.db.count_customers(), 0)

    def test_upsert_many(self) -> None:
        first = self.db.upsert_many(
            [{"external_id": "E1", "name": "One"}, {"external_id": "E2", "name": "Two"}]
        )
        self.assertEqual([created for _, created in first], [True, True])
        second = self.db.upsert_many(
            [{"external_id": "E2", "name": "Two v2"}, {"external_id": "E3", "name": "Three"}]
        )
        self.assertEqual(second[0], (first[1][0], False))
        self.assertTrue(second[1][1])
        self.assertEqual(self.db.get_customer_by_external_id("E2").name, "Two v2")
        self.assertEqual(self.db.count_customers(), 3)
        with self.assertRaises(crm.BatchError) as caught:
            self.db.upsert_many([{"name": "no key"}])
        self.assertEqual(caught.exception.rejected[0].field, "external_id")

    def test_upsert_keeps_what_a_row_leaves_out_and_clears_what_is_none(self) -> None:
        self.db.define_field("plan", "choice", options=["basic", "premium"], default_value="basic")
        self.db.define_field("seats", "integer")
        ((acme, _),) = self.db.upsert_many(
            [{"external_id": "E1", "name": "Acme", "city": "Oslo", "plan": "premium", "seats": 5}]
        )
        before = self.db.follow()[-1].seq
        # A CSV with optional columns: Acme's row has no city or plan column
        # and an empty seats cell; Beta is new and has no plan.
        result = self.db.upsert_many(
            [
                {"external_id": "E1", "name": "Acme AS", "seats": None},
                {"external_id": "E2", "name": "Beta", "city": "Bergen"},
            ]
        )
        self.assertEqual(result[0], (acme, False))
        customer = self.db.get_customer(acme)
        self.assertEqual(customer.name, "Acme AS")
        self.assertEqual(customer.city, "Oslo")
        self.assertEqual(customer.plan, "premium")
        self.assertNotIn("seats", customer)
        self.assertEqual(customer.version, 2)
        self.assertEqual(self.db.get_customer(result[1][0]).plan, "basic")
        update = self.db.follow(before)[0]
        self.assertEqual(update.type, "crm.record.updated")
        self.assertEqual(dict(update.after), {"name": "Acme AS"})
        self.assertEqual(dict(update.before), {"name": "Acme", "seats": 5})
        self.assertEqual(len(self.db.field_timeline(acme, "city")), 1)

    def test_text_with_a_nul_character_is_refused_and_nothing_stored(self) -> None:
        with self.assertRaises(crm.BatchError) as caught:
            self.db.insert_many([{"name": "Alice"}, {"name": "Mallory\0Admin"}])
        error = caught.exception
        self.assertIsInstance(error, crm.InvalidArgumentError)
        self.assertEqual([row.index for row in error.rejected], [1])
        self.assertEqual((error.rejected[0].field, error.rejected[0].rule), ("name", "utf8"))
        self.assertIn("NUL", error.rejected[0].message)
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.upsert_many([{"external_id": "M", "name": "M", "tags": ["vip\0"]}])
        self.assertEqual(caught.exception.field, "tags")
        self.assertEqual(self.db.count_customers(), 0)
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.append_events([{"customer_id": 1, "type": "call", "actor": "a\0b"}])
        self.assertEqual((caught.exception.field, caught.exception.rule), ("actor", "utf8"))

    def test_single_upsert(self) -> None:
        cid, created = self.db.upsert_customer({"external_id": "ERP-1", "name": "A"})
        self.assertTrue(created)
        again, created = self.db.upsert_customer({"external_id": "ERP-1", "name": "B"}, actor="erp")
        self.assertEqual((again, created), (cid, False))
        self.assertEqual(self.db.get_customer(cid).name, "B")

    def test_empty_batch_and_bad_input(self) -> None:
        self.assertEqual(self.db.insert_many([]), [])
        with self.assertRaises(TypeError):
            self.db.insert_many([{"name": 1.0}])
        with self.assertRaises(TypeError):
            self.db.insert_many([{"name": "A"}], actor=5)  # type: ignore[arg-type]
        self.assertEqual(self.db.count_customers(), 0)


if __name__ == "__main__":
    unittest.main()
