"""Database.export_customer: everything held on one person as a dict, on
both backends; nothing of anyone else; deleted and unknown customers."""

from __future__ import annotations

import json
from decimal import Decimal

import crm

from .support import WorkspaceTestCase


class ExportTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.db
        db.define_field("budget", "decimal", scale=2, label="Budget", group="sales")
        db.define_field("referrer", "reference")
        db.define_field("legacy", "text")
        self.ada = db.create_customer(name="Ada PYMARK_A", email="ada.pymarka@example.com",
                                      budget=Decimal("12.50"), legacy="PYMARK_A_LEGACY")
        self.bob = db.create_customer(name="Bob PYMARK_B", referrer=self.ada)
        db.update_customer(self.ada, referrer=self.bob, actor="alice")
        self.order = db.append_event(self.ada, "order.placed", channel="web",
                                     idempotency_key="PYMARK_A_KEY", amount=Decimal("9.90")).seq
        db.append_event(self.bob, "ticket.opened", idempotency_key="PYMARK_B_KEY",
                        note="PYMARK_B_NOTE")
        db.save_segment("big", "budget > 10")
        db.save_segment("old", "legacy is not null")
        db.archive_field("legacy")

    def test_every_part_of_one_customer(self) -> None:
        doc = self.db.export_customer(self.ada)
        self.assertEqual(doc["format"], "libcrm.customer_export")
        self.assertEqual(doc["version"], 1)
        self.assertEqual(doc["customer_id"], self.ada)
        fields = {f["name"]: f for f in doc["record"]["fields"]}
        self.assertEqual(list(fields), sorted(fields))
        self.assertEqual(fields["budget"]["value"], "12.50")
        self.assertEqual(fields["budget"]["label"], "Budget")
        self.assertEqual(fields["budget"]["group"], "sales")
        self.assertEqual(fields["referrer"]["value"], self.bob)
        self.assertEqual(fields["legacy"]["status"], "archived")
        self.assertEqual(doc["record"]["version"], 2)
        self.assertEqual([h["type"] for h in doc["history"]],
                         ["crm.record.created", "crm.record.updated"])
        self.assertEqual(doc["history"][1]["actor"], "alice")
        self.assertEqual(doc["history"][1]["after"], {"referrer": self.bob})
        [order] = doc["events"]
        self.assertEqual(order["seq"], self.order)
        self.assertEqual(order["idempotency_key"], "PYMARK_A_KEY")
        self.assertEqual(order["properties"], {"amount": "9.90"})
        self.assertIsNone(order["actor"])
        self.assertEqual(doc["segments"], ["big"])
        self.assertEqual([(s["name"], s["rule"]) for s in doc["segments_failed"]],
                         [("old", "archived")])
        self.assertEqual(doc["markers"], {"deleted": False, "erased": None,
                                          "merged_into": None, "merged": []})

    def test_nothing_of_another_customer(self) -> None:
        text = json.dumps(self.db.export_customer(self.ada))
        self.assertIn("PYMARK_A", text)
        self.assertNotIn("PYMARK_B", text)
        text = json.dumps(self.db.export_customer(self.bob))
        self.assertNotIn("PYMARK_A", text)
        self.assertNotIn("pymarka", text)

    def test_same_document_every_time_but_the_time(self) -> None:
        first = self.db.export_customer(self.ada)
        again = self.db.export_customer(self.ada)
        self.assertGreaterEqual(again.pop("exported_at"), first.pop("exported_at"))
        self.assertEqual(first, again)

    def test_deleted_customer_keeps_history_and_events(self) -> None:
        carl = self.db.create_customer(name="Carl")
        self.db.append_event(carl, "visit")
        self.db.delete_customer(carl, actor="dpo")
        doc = self.db.export_customer(carl)
        self.assertIsNone(doc["record"])
        self.assertTrue(doc["markers"]["deleted"])
        self.assertEqual(doc["history"][-1]["type"], "crm.record.deleted")
        self.assertEqual(doc["history"][-1]["actor"], "dpo")
        self.assertEqual(len(doc["events"]), 1)

    def test_unknown_and_bad_ids(self) -> None:
        with self.assertRaises(crm.NotFoundError):
            self.db.export_customer(10**9)
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.export_customer(0)
        self.assertEqual(caught.exception.rule, "id")
        with self.assertRaises(TypeError):
            self.db.export_customer("1")  # type: ignore[arg-type]
        with self.assertRaises(crm.IntegerRangeError):
            self.db.export_customer(2**63)
