"""The history of records: crm.record.* events, point-in-time reads and
field timelines."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

import crm

from .support import WorkspaceTestCase, pause

UTC = dt.timezone.utc


class HistoryEventsTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.define_field("plan", "choice", options=["basic", "premium"], default_value="basic")
        self.db.define_field("contract_value", "decimal", scale=2)

    def test_create_update_delete_write_history_events(self) -> None:
        start = self.db.follow()[-1].seq if self.db.follow() else 0
        jane = self.db.create_customer(name="Jane Doe", email="jane@example.com",
                                       contract_value=Decimal("10.00"), actor="sales")
        self.db.update_customer(jane, {"plan": "premium", "contract_value": None,
                                       "name": "Jane Roe"}, actor="ops")
        self.db.delete_customer(jane, actor="gdpr-bot")
        history = [e for e in self.db.follow(after_seq=start) if e.customer_id == jane]
        self.assertEqual([e.type for e in history],
                         ["crm.record.created", "crm.record.updated", "crm.record.deleted"])
        self.assertTrue(all(e.is_history for e in history))
        self.assertEqual([e.actor for e in history], ["sales", "ops", "gdpr-bot"])
        self.assertEqual({e.channel for e in history}, {"crm"})
        created, updated, deleted = history

        self.assertEqual(dict(created.before), {})
        self.assertEqual(created.after["name"], "Jane Doe")
        self.assertEqual(created.after["email"], "jane@example.com")
        self.assertEqual(created.after["contract_value"], Decimal("10.00"))
        self.assertEqual(created.after["plan"], "basic")  # the default, as stored

        self.assertEqual(dict(updated.before),
                         {"plan": "basic", "contract_value": Decimal("10.00"),
                          "name": "Jane Doe"})
        # contract_value was cleared: absent from after
        self.assertEqual(dict(updated.after), {"plan": "premium", "name": "Jane Roe"})
        self.assertNotIn("email", updated.before)  # unchanged fields are left out

        self.assertEqual(deleted.before["name"], "Jane Roe")
        self.assertEqual(deleted.before["plan"], "premium")
        self.assertEqual(dict(deleted.after), {})
        self.assertEqual(dict(deleted.properties), {})
        self.assertEqual(self.db.get_event(updated.seq), updated)

    def test_history_events_are_in_the_timeline(self) -> None:
        jane = self.db.create_customer(name="Jane")
        self.db.append_event(jane, "call")
        self.db.update_customer(jane, {"plan": "premium"})
        types = [e.type for e in self.db.timeline(jane, oldest_first=True)]
        self.assertEqual(types, ["crm.record.created", "call", "crm.record.updated"])
        only_history = list(self.db.timeline(jane, channels="crm"))
        self.assertEqual([e.type for e in only_history],
                         ["crm.record.updated", "crm.record.created"])


class PointInTimeTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.define_field("plan", "choice", options=["basic", "premium"], default_value="basic")

    def test_get_customer_at(self) -> None:
        before_creation = pause()
        jane = self.db.create_customer(name="Jane Doe", plan="basic")
        after_creation = pause()
        self.db.update_customer(jane, {"plan": "premium", "name": "Jane Roe"})
        after_update = pause()

        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_at(jane, before_creation)
        then = self.db.get_customer_at(jane, after_creation)
        self.assertIsInstance(then, crm.Customer)
        self.assertEqual(then.id, jane)
        self.assertEqual(then.version, 1)
        self.assertEqual(then["plan"], "basic")
        self.assertEqual(then.name, "Jane Doe")
        now = self.db.get_customer_at(jane, after_update)
        self.assertEqual((now.version, now["plan"], now.name), (2, "premium", "Jane Roe"))
        self.assertEqual(now["plan"], self.db.get_customer(jane)["plan"])
        # Another zone, same instant.
        self.assertEqual(
            self.db.get_customer_at(jane, after_creation.astimezone(
                dt.timezone(dt.timedelta(hours=-5))))["plan"],
            "basic",
        )

    def test_deleted_customer_is_found_in_the_past_only(self) -> None:
        jane = self.db.create_customer(name="Jane Doe")
        alive = pause()
        self.db.delete_customer(jane)
        gone = pause()
        self.assertEqual(self.db.get_customer_at(jane, alive).name, "Jane Doe")
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_at(jane, gone)

    def test_arguments(self) -> None:
        jane = self.db.create_customer(name="Jane Doe")
        with self.assertRaises(ValueError):
            self.db.get_customer_at(jane, dt.datetime(2024, 1, 1))  # naive
        with self.assertRaises(TypeError):
            self.db.get_customer_at(jane, dt.date(2024, 1, 1))  # type: ignore[arg-type]
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_at(jane + 1, dt.datetime.now(UTC))


class FieldTimelineTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.define_field("plan", "choice", options=["basic", "premium"])
        self.db.define_field("seats", "integer")

    def test_intervals(self) -> None:
        jane = self.db.create_customer(name="Jane Doe", plan="basic")
        pause()
        self.db.update_customer(jane, {"plan": "premium"})
        pause()
        self.db.update_customer(jane, {"plan": None})  # empty: left out
        pause()
        self.db.update_customer(jane, {"plan": "basic", "seats": 5})
        timeline = self.db.field_timeline(jane, "plan")
        self.assertEqual([i.value for i in timeline], ["basic", "premium", "basic"])
        self.assertTrue(all(isinstance(i, crm.FieldInterval) for i in timeline))
        first, second, third = timeline
        self.assertEqual(first.end, second.start)
        self.assertIsNotNone(second.end)
        self.assertLess(second.end, third.start)  # the empty stretch is a gap
        self.assertIsNone(third.end)  # current value
        for interval in timeline:
            self.assertEqual(interval.start.tzinfo, UTC)
            if interval.end is not None:
                self.assertLess(interval.start, interval.end)
        # The point-in-time read agrees with the intervals.
        self.assertEqual(self.db.get_customer_at(jane, second.start)["plan"], "premium")
        self.assertNotIn("plan", self.db.get_customer_at(jane, second.end))

        seats = self.db.field_timeline(jane, "seats")
        self.assertEqual([(i.value, i.end) for i in seats], [(5, None)])
        self.assertEqual(seats[0].start, third.start)  # same write

    def test_never_set_and_unknown(self) -> None:
        jane = self.db.create_customer(name="Jane Doe")
        self.assertEqual(self.db.field_timeline(jane, "seats"), [])
        with self.assertRaises(crm.NotFoundError):
            self.db.field_timeline(jane, "no_such_field")


if __name__ == "__main__":
    unittest.main()
