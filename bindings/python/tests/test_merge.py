"""Merging customers through the binding: merge with rules and its
receipt, reads by merged ids and external ids (Customer.merged_id), writes
refused with MergedError naming the survivor, unmerge with its conflicts,
merges() (crm.h, "Merging customers")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from decimal import Decimal
from typing import get_args

import crm

from .support import WorkspaceTestCase, pause


class MergeTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.db
        db.define_field("score", "integer")
        db.define_field("balance", "decimal", scale=2)
        db.define_field("last_seen", "datetime")
        db.define_field("manager", "reference")
        self.ada = db.create_customer(name="Ada Lovelace", external_id="ERP-1",
                                      phone="+4790000001", tags=["vip"], score=10,
                                      balance=Decimal("100.25"),
                                      last_seen=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
        pause()
        self.bob = db.create_customer(name="A. Lovelace", external_id="CRM-7",
                                      phone="+4790000002", tags=["north", "vip"], score=5,
                                      balance=Decimal("0.50"), city="Oslo",
                                      last_seen=dt.datetime(2024, 3, 1, 12, 30,
                                                            tzinfo=dt.timezone.utc))
        self.cy = db.create_customer(name="Cy", manager=self.bob)

    def merge(self) -> crm.MergeResult:
        return self.db.merge(
            self.ada, [self.bob],
            {"phone": "most_recent", "tags": "union", "score": "sum", "balance": "sum",
             "last_seen": "most_recent"},
            actor="steward", reason="same person")

    def test_merge_returns_the_receipt_and_the_survivor_takes_the_values(self) -> None:
        result = self.merge()
        self.assertIsInstance(result, crm.MergeResult)
        merged_event = [e for e in self.db.timeline(self.ada) if e.type == "crm.record.merged"
                        and e.customer_id == self.ada]
        self.assertEqual(len(merged_event), 1)
        self.assertEqual(
            dataclasses.replace(result, changed_fields=tuple(sorted(result.changed_fields))),
            crm.MergeResult(
                merge_id=merged_event[0].seq,  # the survivor's event's seq
                survivor_id=self.ada,
                merged_ids=(self.bob,),
                version=2,
                changed_fields=("balance", "city", "last_seen", "phone", "score", "tags"),
                references_moved=1,
            ),
        )
        with self.assertRaises(dataclasses.FrozenInstanceError):
            result.version = 3  # type: ignore[misc]
        self.assertEqual(merged_event[0].actor, "steward")
        self.assertEqual(merged_event[0].properties["reason"], "same person")

        ada = self.db.get_customer(self.ada)
        self.assertEqual((ada.id, ada.version, ada.merged_id), (self.ada, 2, None))
        self.assertEqual(ada.name, "Ada Lovelace")       # first_non_empty: the survivor's
        self.assertEqual(ada.external_id, "ERP-1")
        self.assertEqual(ada.phone, "+4790000002")        # most_recent: Bob's
        self.assertEqual(ada.tags, ["vip", "north"])      # union, the survivor's first
        self.assertEqual(ada.score, 15)                   # sum
        self.assertEqual(ada.balance, Decimal("100.75"))  # sum, exact
        self.assertEqual(ada.city, "Oslo")                # first_non_empty: Bob's
        self.assertEqual(self.db.get_customer(self.cy).manager, self.ada)
        self.assertEqual(self.db.count_customers(), 2)

    def test_reads_by_a_merged_id_or_external_id_return_the_survivor(self) -> None:
        self.merge()
        by_id = self.db.get_customer(self.bob)
        self.assertEqual((by_id.id, by_id.merged_id), (self.ada, self.bob))
        self.assertEqual(by_id.name, "Ada Lovelace")
        by_key = self.db.get_customer_by_external_id("CRM-7")
        self.assertEqual((by_key.id, by_key.merged_id), (self.ada, self.bob))
        self.assertEqual(by_key.external_id, "ERP-1")  # the survivor's own
        self.assertIsNone(self.db.get_customer_by_external_id("ERP-1").merged_id)
        self.assertIn(f"merged_id={self.bob}", repr(by_id))
        copy = pickle.loads(pickle.dumps(by_id))
        self.assertEqual((copy.id, copy.merged_id, dict(copy)), (self.ada, self.bob, dict(by_id)))

    def test_writes_naming_a_merged_id_raise_merged_error_with_the_survivor(self) -> None:
        self.merge()
        with self.assertRaises(crm.MergedError) as update:
            self.db.update_customer(self.bob, name="Bob")
        error = update.exception
        self.assertIsInstance(error, crm.CrmError)
        self.assertEqual((error.code, error.status_name, error.rule, error.field),
                         (18, "CRM_E_MERGED", "merge", "id"))
        self.assertEqual(error.survivor_id, self.ada)
        with self.assertRaises(crm.MergedError) as delete:
            self.db.delete_customer(self.bob)
        self.assertEqual(delete.exception.survivor_id, self.ada)
        with self.assertRaises(crm.MergedError) as event:
            self.db.append_event(self.bob, "call")
        self.assertEqual((event.exception.field, event.exception.survivor_id),
                         ("customer_id", self.ada))
        self.assertEqual(self.db.get_customer(self.ada).version, 2)  # nothing written

        # The survivor is where the chain of merges ends now.
        dan = self.db.create_customer(name="Dan")
        self.db.merge(dan, [self.ada])
        with self.assertRaises(crm.MergedError) as chained:
            self.db.update_customer(self.bob, name="Bob")
        self.assertEqual(chained.exception.survivor_id, dan)
        self.assertEqual(self.db.get_customer(self.bob).id, dan)

    def test_other_errors_carry_no_survivor(self) -> None:
        with self.assertRaises(crm.NotFoundError) as missing:
            self.db.update_customer(999, name="x")
        self.assertNotIsInstance(missing.exception, crm.MergedError)
        self.assertFalse(hasattr(missing.exception, "survivor_id"))
        self.assertIs(crm.errors.error_class(18), crm.MergedError)

    def test_merges_says_what_merges_say_of_an_id(self) -> None:
        untouched = self.db.merges(self.ada)
        self.assertEqual(untouched, crm.MergeInfo(id=self.ada, merged_into=None,
                                                  survivor_id=None, merge_id=None, merged=()))
        self.assertFalse(untouched.is_merged)
        result = self.merge()
        self.assertEqual(self.db.merges(self.bob),
                         crm.MergeInfo(id=self.bob, merged_into=self.ada, survivor_id=self.ada,
                                       merge_id=result.merge_id, merged=()))
        self.assertTrue(self.db.merges(self.bob).is_merged)
        self.assertEqual(self.db.merges(self.ada).merged,
                         (crm.MergeLink(id=self.bob, merge_id=result.merge_id, into=self.ada),))
        with self.assertRaises(crm.NotFoundError) as missing:
            self.db.merges(999)
        self.assertEqual(missing.exception.field, "id")

    def test_unmerge_restores_and_reports_conflicts_as_typed_values(self) -> None:
        result = self.merge()
        seen = dt.datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)
        self.db.update_customer(self.ada, phone="+4790000003", balance=Decimal("1.00"),
                                last_seen=seen)
        undone = self.db.unmerge(result.merge_id, actor="steward", reason="two people")
        self.assertIsInstance(undone, crm.UnmergeResult)
        self.assertEqual((undone.merge_id, undone.survivor_id, undone.restored_ids),
                         (result.merge_id, self.ada, (self.bob,)))
        self.assertEqual(undone.version, 4)
        self.assertEqual(sorted(undone.reverted_fields), ["city", "score", "tags"])
        self.assertEqual((undone.references_restored, undone.dropped_field_ids), (1, ()))
        conflicts = {c.field: c for c in undone.conflicts}
        self.assertEqual(sorted(conflicts), ["balance", "last_seen", "phone"])
        self.assertEqual(conflicts["phone"], crm.MergeConflict(
            field="phone", current="+4790000003", merged="+4790000002", before="+4790000001"))
        self.assertEqual(conflicts["balance"], crm.MergeConflict(
            field="balance", current=Decimal("1.00"), merged=Decimal("100.75"),
            before=Decimal("100.25")))
        self.assertEqual(conflicts["last_seen"], crm.MergeConflict(
            field="last_seen", current=seen,
            merged=dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.timezone.utc),
            before=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)))

        ada = self.db.get_customer(self.ada)
        self.assertEqual((ada.phone, ada.tags, ada.score, ada.city),
                         ("+4790000003", ["vip"], 10, None))  # conflicts kept, the rest reverted
        bob = self.db.get_customer(self.bob)
        # Its version counts the merge's deletion and the undo's creation.
        self.assertEqual((bob.id, bob.merged_id, bob.version), (self.bob, None, 3))
        self.assertEqual((bob.name, bob.phone, bob.external_id), ("A. Lovelace", "+4790000002", "CRM-7"))
        self.assertEqual(self.db.get_customer_by_external_id("CRM-7").merged_id, None)
        self.assertEqual(self.db.get_customer(self.cy).manager, self.bob)
        self.db.update_customer(self.bob, name="Bob")  # a customer again
        self.assertEqual(self.db.merges(self.bob).merged_into, None)
        unmerged = [e for e in self.db.timeline(self.bob) if e.type == "crm.record.unmerged"]
        self.assertEqual([(e.actor, e.properties["reason"]) for e in unmerged],
                         [("steward", "two people")])

        with self.assertRaises(crm.NotFoundError) as again:
            self.db.unmerge(result.merge_id)
        self.assertEqual(again.exception.rule, "merge")

    def test_an_unmerge_without_conflicts_reports_none(self) -> None:
        result = self.merge()
        undone = self.db.unmerge(result.merge_id)
        self.assertEqual(undone.conflicts, ())
        self.assertEqual(self.db.get_customer(self.ada).phone, "+4790000001")

    def test_value_rules_take_python_values(self) -> None:
        self.db.define_field("renewal", "date")
        self.db.define_field("vip", "boolean")
        seen = dt.datetime(2024, 6, 1, 8, 0, 0, 250, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        exact = Decimal("1234567890123456.78")  # no double holds it
        self.db.merge(self.ada, (self.bob,), {
            "score": {"value": 42},
            "tags": {"value": ("a", "b")},
            "phone": {"value": None},
            "last_seen": {"value": seen},
            "balance": {"value": exact},
            "renewal": {"value": dt.date(2025, 2, 28)},
            "name": {"value": "Ada K. Lovelace"},
            "vip": {"value": False},
        }, default="survivor")
        ada = self.db.get_customer(self.ada)
        self.assertEqual((ada.score, ada.tags, ada.phone, ada.city),
                         (42, ["a", "b"], None, None))  # city: the default rule, "survivor"
        self.assertEqual(ada.last_seen, seen.astimezone(dt.timezone.utc))
        self.assertEqual((ada.balance, ada.renewal, ada.name, ada.vip),
                         (exact, dt.date(2025, 2, 28), "Ada K. Lovelace", False))

    def test_every_merge_rule_name_is_libcrms(self) -> None:
        names = get_args(crm.MergeRule)
        self.assertEqual(len(names), 6)
        for name in names:
            with self.subTest(rule=name):
                survivor = self.db.create_customer(name="S")
                other = self.db.create_customer(name="O")
                self.db.merge(survivor, [other], default=name)
        with self.assertRaises(crm.ValidationError) as bad:
            self.db.merge(self.ada, [self.bob], default="newest")  # type: ignore[arg-type]
        self.assertEqual(bad.exception.rule, "merge")

    def test_bad_requests_raise_and_change_nothing(self) -> None:
        db = self.db
        cases = [
            (lambda: db.merge(self.ada, []), crm.InvalidArgumentError, "merged_ids"),
            (lambda: db.merge(self.ada, [self.ada]), crm.InvalidArgumentError, "merged_ids"),
            (lambda: db.merge(self.ada, [self.bob, self.bob]), crm.InvalidArgumentError,
             "merged_ids"),
            (lambda: db.merge(self.ada, [self.bob], {"score": "union"}), crm.ValidationError,
             "merge"),
            (lambda: db.merge(self.ada, [self.bob], {"nope": "survivor"}), crm.ValidationError,
             "merge"),
            (lambda: db.merge(self.ada, [self.bob], {"score": {"value": "x"}}),
             crm.ValidationError, "merge"),
            (lambda: db.merge(self.ada, [self.bob], reason="r" * 1001), crm.InvalidArgumentError,
             "reason"),
            (lambda: db.merge(self.ada, [2**63]), crm.IntegerRangeError, "merged_ids"),
            (lambda: db.merge(self.ada, [999]), crm.NotFoundError, None),
            (lambda: db.unmerge(999), crm.NotFoundError, "merge"),
        ]
        for call, error_class, rule in cases:
            with self.subTest(error=error_class.__name__, rule=rule):
                with self.assertRaises(error_class) as raised:
                    call()
                if rule is not None:
                    self.assertEqual(raised.exception.rule, rule)
        for call, type_error in [
            (lambda: db.merge(self.ada, "12"), TypeError),  # type: ignore[arg-type]
            (lambda: db.merge(self.ada, [True]), TypeError),
            (lambda: db.merge(self.ada, [self.bob], ["phone"]), TypeError),  # type: ignore[arg-type]
            (lambda: db.merge(self.ada, [self.bob], {"score": 3}), TypeError),  # type: ignore[dict-item]
            (lambda: db.merge(self.ada, [self.bob], {"score": {"value": 1.5}}), TypeError),
            (lambda: db.merge(self.ada, [self.bob], default=1), TypeError),  # type: ignore[arg-type]
        ]:
            with self.assertRaises(type_error):
                call()
        self.assertEqual(db.count_customers(), 3)
        self.assertEqual(db.get_customer(self.ada).version, 1)
        self.assertFalse(db.merges(self.bob).is_merged)
