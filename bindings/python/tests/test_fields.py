"""Field definitions: define, describe, update, archive, restore, delete."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

import crm

from .support import WorkspaceTestCase


class FieldTest(WorkspaceTestCase):
    def test_define_and_describe(self) -> None:
        field_id = self.db.define_field(
            "plan",
            "choice",
            label="Plan",
            group="sales",
            options=["basic", "premium"],
            default_value="basic",
            indexed=True,
        )
        self.assertIsInstance(field_id, int)
        self.assertGreater(field_id, 0)
        plan = self.db.describe_field("plan")
        self.assertEqual(plan["id"], field_id)
        self.assertEqual(plan["type"], "choice")
        self.assertEqual(plan["label"], "Plan")
        self.assertEqual(plan["group"], "sales")
        self.assertEqual(plan["options"], ["basic", "premium"])
        self.assertEqual(plan["default_value"], "basic")
        self.assertIs(plan["indexed"], True)
        self.assertIs(plan["builtin"], False)
        self.assertEqual(plan["status"], "active")
        # the default applies on create
        cid = self.db.create_customer(name="A")
        self.assertEqual(self.db.get_customer(cid).plan, "basic")

    def test_native_defaults_and_bounds(self) -> None:
        self.db.define_field("amount", "decimal", scale=2, min=Decimal("0.50"), default_value=Decimal("1.00"))
        self.db.define_field("tier", "integer", min=1, max=3, default_value=2)
        self.db.define_field("since", "date", min=dt.date(2000, 1, 1))
        self.db.define_field(
            "seen", "datetime", min=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
        )
        self.assertEqual(self.db.describe_field("tier")["default_value"], 2)
        cid = self.db.create_customer(name="A")
        customer = self.db.get_customer(cid)
        self.assertEqual((customer.amount, customer.tier), (Decimal("1.00"), 2))
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.create_customer(name="B", amount=Decimal("0.10"))
        self.assertEqual((caught.exception.field, caught.exception.rule), ("amount", "min"))
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.create_customer(name="B", since=dt.date(1999, 12, 31))
        self.assertEqual(caught.exception.rule, "min")
        with self.assertRaises(crm.ValidationError):
            self.db.create_customer(
                name="B", seen=dt.datetime(1999, 12, 31, 23, 59, tzinfo=dt.timezone.utc)
            )

    def test_none_means_not_given(self) -> None:
        # options=None was iterated and raised TypeError.
        self.db.define_field("note", "text", options=None, label=None, min=None, max=None)
        note = self.db.describe_field("note")
        self.assertEqual((note["options"], note["label"]), ([], "note"))
        self.assertNotIn("min", note)
        # A choice field still needs options: libcrm says so, not a TypeError.
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.define_field("plan", "choice", options=None)
        self.assertEqual(caught.exception.rule, "options")
        self.db.define_field("plan", "choice", options=["basic"], default_value="basic")
        self.db.update_field("plan", add_options=None, label=None, min=None)
        plan = self.db.describe_field("plan")
        self.assertEqual((plan["options"], plan["label"]), (["basic"], "plan"))
        self.assertEqual(plan["default_value"], "basic")  # None clears only default_value

    def test_description_values_are_native(self) -> None:
        utc = dt.timezone.utc
        oslo = dt.timezone(dt.timedelta(hours=2))
        self.db.define_field("amount", "decimal", scale=2, min=Decimal("0.50"),
                             max=Decimal("1000"), default_value=Decimal("1.00"))
        self.db.define_field("tier", "integer", min=-3, max=3, default_value=2)
        self.db.define_field("since", "date", min=dt.date(2000, 1, 1), default_value=dt.date(2001, 2, 3))
        self.db.define_field("seen", "datetime", min=dt.datetime(2000, 1, 1, 2, 0, tzinfo=oslo),
                             max=dt.datetime(2030, 1, 1, 0, 0, 0, 250000, tzinfo=utc),
                             default_value=dt.datetime(2001, 1, 1, tzinfo=utc))
        self.db.define_field("vip", "boolean", default_value=False)
        self.db.define_field("labels", "tags", default_value=["a", "b"])
        self.db.define_field("owner_note", "text", default_value="")
        self.db.define_field("plain", "integer")

        def exactly(value: object, expected: object) -> None:
            # == alone would take 2 for Decimal("2.00") and True for 1
            self.assertEqual((type(value), value), (type(expected), expected))
            if isinstance(expected, Decimal):
                self.assertEqual(str(value), str(expected))  # the scale is kept

        amount = self.db.describe_field("amount")
        exactly(amount["default_value"], Decimal("1.00"))
        exactly(amount["min"], Decimal("0.50"))
        exactly(amount["max"], Decimal("1000"))
        tier = self.db.describe_field("tier")
        exactly(tier["default_value"], 2)
        exactly(tier["min"], -3)
        exactly(tier["max"], 3)
        since = self.db.describe_field("since")
        exactly(since["default_value"], dt.date(2001, 2, 3))
        exactly(since["min"], dt.date(2000, 1, 1))
        seen = self.db.describe_field("seen")
        exactly(seen["default_value"], dt.datetime(2001, 1, 1, tzinfo=utc))
        exactly(seen["min"], dt.datetime(2000, 1, 1, 0, 0, tzinfo=utc))
        exactly(seen["max"], dt.datetime(2030, 1, 1, 0, 0, 0, 250000, tzinfo=utc))
        self.assertEqual(seen["min"].utcoffset(), dt.timedelta(0))
        self.db.define_field("seen_text", "datetime", min="2000-01-01T02:00:00.5+02:00")
        exactly(self.db.describe_field("seen_text")["min"],
                dt.datetime(2000, 1, 1, 0, 0, 0, 500000, tzinfo=utc))
        exactly(self.db.describe_field("vip")["default_value"], False)
        exactly(self.db.describe_field("labels")["default_value"], ["a", "b"])
        exactly(self.db.describe_field("owner_note")["default_value"], "")
        self.assertNotIn("default_value", self.db.describe_field("plain"))
        # fields() describes them the same way
        listed = {f["name"]: f for f in self.db.fields()}
        self.assertEqual(listed["amount"], amount)
        self.assertEqual(listed["seen"], seen)
        # a description's values define a field again as they are
        self.db.define_field("amount_copy", "decimal", scale=2, min=amount["min"],
                             max=amount["max"], default_value=amount["default_value"])
        copy = self.db.describe_field("amount_copy")
        for key in ("min", "max", "default_value"):
            exactly(copy[key], amount[key])

    def test_bad_definitions(self) -> None:
        with self.assertRaises(crm.ValidationError):
            self.db.define_field("Bad Name", "text")
        with self.assertRaises(crm.CrmError):
            self.db.define_field("x", "no_such_type")
        with self.assertRaises(crm.CrmError):
            self.db.define_field("y", "text", no_such_key=True)
        with self.assertRaises(TypeError):
            self.db.define_field("z", "text", label=object())
        self.db.define_field("twice", "text")
        with self.assertRaises(crm.CrmError):
            self.db.define_field("twice", "text")

    def test_update_rename_and_add_options(self) -> None:
        self.db.define_field("plan", "choice", options=["basic"])
        cid = self.db.create_customer(name="A", plan="basic")
        self.db.update_field("plan", label="Subscription", add_options=["gold"])
        self.db.update_customer(cid, {"plan": "gold"})
        self.db.update_field("plan", name="subscription")
        self.assertEqual(self.db.get_customer(cid).subscription, "gold")
        described = self.db.describe_field("subscription")
        self.assertEqual(described["label"], "Subscription")
        self.assertEqual(described["options"], ["basic", "gold"])
        with self.assertRaises(crm.NotFoundError):
            self.db.describe_field("plan")

    def test_update_clears_default(self) -> None:
        self.db.define_field("note", "text", default_value="n/a")
        self.assertEqual(self.db.get_customer(self.db.create_customer(name="A")).note, "n/a")
        self.db.update_field("note", default_value=None)
        self.assertNotIn("default_value", self.db.describe_field("note"))
        self.assertNotIn("note", self.db.get_customer(self.db.create_customer(name="B")))

    def test_archive_restore_delete(self) -> None:
        self.db.define_field("score", "integer")
        cid = self.db.create_customer(name="A", score=7)
        self.db.archive_field("score")
        self.assertNotIn("score", self.db.get_customer(cid))
        self.assertNotIn("score", [f["name"] for f in self.db.fields()])
        archived = [f for f in self.db.fields(include_archived=True) if f["name"] == "score"]
        self.assertEqual(archived[0]["status"], "archived")
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.update_customer(cid, {"score": 8})
        self.assertEqual(caught.exception.rule, "archived")
        self.db.restore_field("score")
        self.assertEqual(self.db.get_customer(cid).score, 7)
        self.db.delete_field("score")
        with self.assertRaises(crm.NotFoundError):
            self.db.describe_field("score")
        self.assertNotIn("score", self.db.get_customer(cid))

    def test_fields_lists_standard_fields_first(self) -> None:
        self.db.define_field("zzz", "text")
        fields = self.db.fields()
        names = [f["name"] for f in fields]
        for standard in ("kind", "name", "email", "external_id", "created_at", "updated_at"):
            self.assertIn(standard, names)
        self.assertEqual(names[-1], "zzz")
        self.assertTrue(all(f["builtin"] for f in fields[:-1]))
        self.assertTrue(all(isinstance(f["id"], int) for f in fields))
        with self.assertRaises(crm.CrmError):
            self.db.delete_field("email")


if __name__ == "__main__":
    unittest.main()
