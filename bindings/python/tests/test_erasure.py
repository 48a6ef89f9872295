"""Erasure through the binding: receipts as EraseReceipt, erase_where,
checkpoint, and the errors of each (crm.h, "Erasure")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import crm

from .support import WorkspaceTestCase, file_only

MARKER = "zqxmarkerq"


class ErasureTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.define_field("manager", "reference")

    def person(self) -> int:
        """A customer with history, events (two with keys) and search words
        carrying MARKER."""
        ada = self.db.create_customer(name=f"Ada {MARKER}", email=f"{MARKER}@example.org")
        self.db.update_customer(ada, city=f"{MARKER}ville")
        for i in range(3):
            key = f"key-{i}-{MARKER}" if i < 2 else None
            self.db.append_event(ada, "call", idempotency_key=key, said=f"hi {MARKER}")
        return ada

    def test_erase_returns_the_receipt_and_leaves_only_the_tombstone(self) -> None:
        ada = self.person()
        bob = self.db.create_customer(name="Bob", manager=ada)
        before = dt.datetime.now(dt.timezone.utc)
        receipt = self.db.erase(ada, actor="dpo", reason="ticket 17")
        self.assertIsInstance(receipt, crm.EraseReceipt)
        tombstone = self.db.follow(0, 1000)[-1]
        self.assertEqual(
            receipt,
            crm.EraseReceipt(
                erased_ids=(ada,),
                tombstones=(tombstone.seq,),
                customers=1,
                events=3,
                history_events=2,
                idempotency_keys=2,
                search_entries=1,
                references_cleared=1,
                kept=(),
                suppressed=0,
            ),
        )
        with self.assertRaises(dataclasses.FrozenInstanceError):
            receipt.customers = 2  # type: ignore[misc]
        self.assertEqual(tombstone.type, "crm.record.erased")
        self.assertEqual(tombstone.customer_id, ada)
        self.assertEqual(tombstone.actor, "dpo")
        self.assertEqual(dict(tombstone.properties), {"reason": "ticket 17"})
        self.assertEqual([e.seq for e in self.db.timeline(ada)], [tombstone.seq])
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer(ada)
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_at(ada, before)
        with self.assertRaises(crm.NotFoundError):
            self.db.field_timeline(ada, "name")
        self.assertEqual(self.db.search(MARKER), [])
        self.assertEqual(
            self.db.count(f"idempotency_key contains '{MARKER}'", target="events"), 0
        )
        for event in self.db.follow(0, 1000):
            self.assertNotIn(MARKER, repr(event))
        self.assertIsNone(self.db.get_customer(bob).get("manager"))
        with self.assertRaises(crm.NotFoundError):
            self.db.erase(ada)

    def test_erase_where_erases_every_match_in_one_receipt(self) -> None:
        ids = [self.db.create_customer(name=n, city="Oldtown") for n in ("Ann", "Ben")]
        keep = self.db.create_customer(name="Kim", city="Newtown")
        receipt = self.db.erase_where("city = ?", ["Oldtown"], reason="cleanup")
        self.assertEqual(receipt.erased_ids, tuple(ids))
        self.assertEqual(len(receipt.tombstones), 2)
        self.assertEqual((receipt.customers, receipt.history_events), (2, 2))
        self.assertEqual(self.db.count_customers(), 1)
        self.assertEqual(self.db.get_customer(keep).name, "Kim")
        named = self.db.erase_where("city = :city", {"city": "Newtown"})
        self.assertEqual(named.erased_ids, (keep,))
        none = self.db.erase_where("city = :city", {"city": "Nowhere"})
        self.assertEqual((none.erased_ids, none.customers), ((), 0))

    def test_suppress_keeps_the_email_and_a_hold_keeps_its_field(self) -> None:
        ada = self.person()
        receipt = self.db.erase(ada, suppress=True)
        self.assertEqual(receipt.suppressed, 1)
        self.assertTrue(self.db.is_suppressed(email=f"{MARKER}@EXAMPLE.org"))
        with self.assertRaises(crm.ConstraintError) as raised:
            self.db.create_customer(email=f"{MARKER}@example.org")
        self.assertEqual(raised.exception.rule, "suppressed")

        self.db.update_field("city", hold_days=30)
        kim = self.db.create_customer(name="Kim", city="Holdtown")
        with self.assertRaises(crm.ConstraintError) as raised:
            self.db.erase(kim)
        self.assertEqual((raised.exception.rule, raised.exception.field), ("hold", "city"))
        kept = self.db.erase(kim, keep_held=True).kept
        self.assertEqual(len(kept), 1)
        self.assertEqual((kept[0]["customer_id"], kept[0]["fields"]), (kim, ["city"]))
        stub = self.db.get_customer(kept[0]["stub_id"])
        self.assertEqual((stub.get("city"), stub.get("name")), ("Holdtown", None))

    def test_bad_arguments_raise_and_change_nothing(self) -> None:
        ada = self.person()
        with self.assertRaises(crm.InvalidArgumentError) as raised:
            self.db.erase(ada, reason="r" * 1001)
        self.assertEqual(raised.exception.rule, "reason")
        with self.assertRaises(crm.InvalidArgumentError) as raised:
            self.db.erase(ada, keep_held=True, override_hold=True)
        self.assertEqual(raised.exception.rule, "flags")
        with self.assertRaises(crm.InvalidArgumentError) as raised:
            self.db.erase(0)
        self.assertEqual(raised.exception.rule, "id")
        with self.assertRaises(TypeError):
            self.db.erase("1")  # type: ignore[arg-type]
        with self.assertRaises(crm.InvalidArgumentError) as raised:
            self.db.erase_where("")
        self.assertEqual(raised.exception.rule, "filter")
        with self.assertRaises(crm.QueryError):
            self.db.erase_where("name = ")
        self.assertEqual(self.db.get_customer(ada).city, f"{MARKER}ville")

    def test_checkpoint_is_refused_inside_a_transaction(self) -> None:
        self.db.checkpoint()
        with self.db.transaction():
            with self.assertRaises(crm.MisuseError):
                self.db.checkpoint()

    @file_only("a file's bytes")
    def test_checkpoint_leaves_no_byte_of_the_person(self) -> None:
        ada = self.person()
        self.db.erase(ada)
        self.db.checkpoint()
        self.assertEqual(os.path.getsize(self.path + "-wal"), 0)
        with open(self.path, "rb") as file:
            self.assertNotIn(MARKER.encode(), file.read())
