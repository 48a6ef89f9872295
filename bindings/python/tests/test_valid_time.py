"""Valid time (issue #21): late and corrective writes, reads as known at a
past instant, field timelines with durations and held sums, queries as of a
past instant and series over many instants."""

from __future__ import annotations

import datetime as dt
import pickle
import unittest

import crm

from .support import WorkspaceTestCase, pause

UTC = dt.timezone.utc


def day(month: int, dom: int, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, dom, tzinfo=UTC)


class ValidTimeCase(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.define_field("plan", "choice", options=["basic", "premium", "enterprise"])


class LateChangeTest(ValidTimeCase):
    def test_a_late_change_slots_in_before_a_later_one(self) -> None:
        # crm.h rule 2: basic from 1 March, when premium was recorded from
        # 15 March, gives basic on 1-15 March and premium after.
        jane = self.db.create_customer(name="Jane", plan="enterprise", created_at=day(1, 1))
        self.db.update_customer(jane, plan="premium", effective_at=day(3, 15))
        before_late = pause()
        late = self.db.update_customer(
            jane, plan="basic", effective_at=day(3, 1), return_result=True
        )
        self.assertIsInstance(late, crm.WriteResult)
        self.assertEqual(late.id, jane)
        self.assertFalse(late.created)
        self.assertEqual(late.effective_at, day(3, 1))
        self.assertFalse(late.changed_current)  # premium still holds now
        self.assertEqual(late.version, 3)
        self.assertEqual(self.db.get_customer(jane)["plan"], "premium")

        timeline = self.db.field_timeline(jane, "plan")
        self.assertIsInstance(timeline, crm.FieldTimeline)
        self.assertEqual(
            [(i.start, i.end, i.value) for i in timeline],
            [
                (day(1, 1), day(3, 1), "enterprise"),
                (day(3, 1), day(3, 15), "basic"),
                (day(3, 15), None, "premium"),
            ],
        )
        self.assertEqual(timeline[1].duration, dt.timedelta(days=14))
        self.assertGreater(timeline[1].recorded_at, before_late)
        self.assertLess(timeline[2].recorded_at, before_late)

        # By today's knowledge, and as libcrm knew it before the late change.
        self.assertEqual(self.db.get_customer_at(jane, day(3, 10))["plan"], "basic")
        then = self.db.get_customer_at(jane, day(3, 10), known_at=before_late)
        self.assertEqual(then["plan"], "enterprise")
        old = self.db.field_timeline(jane, "plan", known_at=before_late)
        self.assertEqual([i.value for i in old], ["enterprise", "premium"])
        self.assertEqual(old[0].end, day(3, 15))

    def test_a_created_customer_did_not_exist_before_its_created_at(self) -> None:
        result = self.db.create_customer(
            name="Old", plan="basic", created_at=day(1, 10), return_result=True
        )
        self.assertTrue(result.created)
        self.assertEqual(result.effective_at, day(1, 10))
        self.assertEqual(result.version, 1)
        self.assertEqual(self.db.get_customer_at(result.id, day(1, 10))["plan"], "basic")
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_at(result.id, day(1, 9))
        # effective_at gives the same start as created_at; without
        # return_result the writes return today's types.
        other = self.db.create_customer(name="Other", effective_at=day(2, 1))
        self.assertIsInstance(other, int)
        self.assertEqual(self.db.get_customer(other)["created_at"], day(2, 1))
        self.assertEqual(self.db.update_customer(other, plan="basic", effective_at=day(2, 2)), 2)
        self.assertEqual(
            self.db.upsert_customer(external_id="m-1", name="M", effective_at=day(3, 1)),
            (self.db.get_customer_by_external_id("m-1").id, True),
        )

    def test_a_live_write_changes_the_current_values(self) -> None:
        jane = self.db.create_customer(name="Jane", plan="basic")
        before = dt.datetime.now(UTC)
        result = self.db.update_customer(jane, plan="premium", return_result=True)
        self.assertTrue(result.changed_current)
        self.assertGreaterEqual(result.effective_at, before)
        self.assertEqual(result.version, 2)
        # Without the new arguments the return types are today's.
        self.assertEqual(self.db.update_customer(jane, plan="basic"), 3)
        self.assertEqual(self.db.upsert_customer(external_id="x-1", name="X")[1], True)


class CorrectionTest(ValidTimeCase):
    """A billing dispute: premium was recorded from 1 February, but the
    customer stayed on basic until 1 May."""

    def setUp(self) -> None:
        super().setUp()
        self.jane = self.db.create_customer(name="Jane", plan="basic", created_at=day(1, 1))
        self.db.update_customer(self.jane, plan="premium", effective_at=day(2, 1))
        self.billed = pause()
        self.correction = self.db.update_customer(
            self.jane,
            plan="basic",
            effective_at=day(2, 1),
            effective_until=day(5, 1),
            actor="billing-fix",
            return_result=True,
        )

    def test_a_bounded_correction_ends_where_the_earlier_value_resumes(self) -> None:
        timeline = self.db.field_timeline(self.jane, "plan")
        self.assertEqual(
            [(i.start, i.end, i.value) for i in timeline],
            [(day(1, 1), day(5, 1), "basic"), (day(5, 1), None, "premium")],
        )
        self.assertTrue(self.correction.effective_at == day(2, 1))
        self.assertFalse(self.correction.changed_current)
        self.assertEqual(self.db.get_customer(self.jane)["plan"], "premium")

    def test_held_sums_by_today_and_as_billed(self) -> None:
        today = self.db.field_timeline(self.jane, "plan")
        billed = self.db.field_timeline(self.jane, "plan", known_at=self.billed)
        first_half = (day(1, 1), day(7, 1))
        self.assertEqual(billed.held("premium", *first_half), dt.timedelta(days=150))
        self.assertEqual(today.held("premium", *first_half), dt.timedelta(days=61))
        self.assertEqual(today.held("basic", *first_half), dt.timedelta(days=120))
        self.assertEqual(today.held("enterprise", *first_half), dt.timedelta(0))
        with self.assertRaises(ValueError):
            today.held("basic", day(7, 1), day(1, 1))
        with self.assertRaises(ValueError):
            today.held("basic", dt.datetime(2025, 1, 1), day(7, 1))  # naive

    def test_the_history_event_keeps_the_correction_end(self) -> None:
        events = [e for e in self.db.timeline(self.jane) if e.type == "crm.record.updated"]
        correction = next(e for e in events if e.actor == "billing-fix")
        self.assertEqual(correction.occurred_at, day(2, 1))
        self.assertEqual(correction.valid_until, day(5, 1))
        self.assertGreater(correction.recorded_at, self.billed)
        others = [e for e in events if e.actor != "billing-fix"]
        self.assertTrue(others)
        self.assertTrue(all(e.valid_until is None for e in others))

    def test_queries_as_of_and_series(self) -> None:
        self.db.create_customer(name="Max", plan="premium", created_at=day(3, 1))
        filter = "plan = 'premium'"
        self.assertEqual(self.db.count(filter), 2)
        self.assertEqual(self.db.count(filter, as_of=day(3, 31)), 1)  # Max only
        self.assertEqual(self.db.count(filter, as_of=day(3, 31), known_at=self.billed), 1)
        self.assertEqual(self.db.count(filter, as_of=day(2, 15), known_at=self.billed), 1)
        self.assertEqual(self.db.count(filter, as_of=day(2, 15)), 0)
        names = [row["name"] for row in self.db.query(filter, as_of=day(5, 31))]
        self.assertEqual(sorted(names), ["Jane", "Max"])
        # Max was recorded after the billing run: unknown then.
        page, _ = self.db.query_page(filter, as_of=day(4, 1), known_at=self.billed)
        self.assertEqual([row["name"] for row in page], ["Jane"])
        groups = self.db.aggregate("", group_by=["plan"], as_of=day(2, 15))
        self.assertEqual({g["plan"]: g["count"] for g in groups}, {"basic": 1})

        month_ends = [day(1, 31), day(2, 28), day(3, 31), day(4, 30), day(5, 31)]
        series = self.db.aggregate_series(filter, instants=month_ends)
        self.assertEqual([row["valid_at"] for row in series], month_ends)
        self.assertEqual([row["count"] for row in series], [0, 0, 1, 1, 2])
        as_billed = self.db.aggregate_series(filter, instants=month_ends, known_at=self.billed)
        self.assertEqual([row["count"] for row in as_billed], [0, 1, 1, 1, 1])

    def test_series_and_event_queries_refuse_what_crm_h_refuses(self) -> None:
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.aggregate_series("", instants=[])
        self.assertEqual(caught.exception.rule, "instants")
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.count("", target="events", as_of=day(3, 1))
        self.assertEqual(caught.exception.rule, "target")
        with self.assertRaises(ValueError):
            self.db.count("", as_of=dt.datetime(2025, 3, 1))  # naive


class RefusedTimesTest(ValidTimeCase):
    def test_future_before_created_and_empty_range_are_refused(self) -> None:
        jane = self.db.create_customer(name="Jane", plan="basic", created_at=day(1, 1))
        future = dt.datetime.now(UTC) + dt.timedelta(days=1)
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.update_customer(jane, plan="premium", effective_at=future)
        self.assertEqual((caught.exception.field, caught.exception.rule), ("effective_at", "future"))
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.update_customer(jane, plan="premium", effective_at=day(12, 1, 2024))
        self.assertEqual(
            (caught.exception.field, caught.exception.rule), ("effective_at", "before_created")
        )
        with self.assertRaises(crm.CrmError) as caught:
            self.db.update_customer(
                jane, plan="premium", effective_at=day(3, 1), effective_until=day(3, 1)
            )
        self.assertEqual(
            (caught.exception.field, caught.exception.rule), ("effective_until", "range")
        )
        with self.assertRaises(crm.CrmError) as caught:
            self.db.create_customer(name="Max", effective_until=day(3, 1))
        self.assertEqual(caught.exception.rule, "effective_until")
        # Nothing of the refused writes was stored.
        self.assertEqual(self.db.get_customer(jane).version, 1)

    def test_naive_and_non_datetime_times_are_refused_before_libcrm(self) -> None:
        jane = self.db.create_customer(name="Jane")
        with self.assertRaises(ValueError) as caught:
            self.db.update_customer(jane, plan="basic", effective_at=dt.datetime(2025, 3, 1))
        self.assertIn("effective_at", str(caught.exception))
        with self.assertRaises(TypeError):
            self.db.update_customer(jane, plan="basic", effective_at=dt.date(2025, 3, 1))  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            self.db.get_customer_at(jane, day(3, 1), known_at=dt.datetime(2025, 3, 1))
        with self.assertRaises(TypeError):
            self.db.field_timeline(jane, "plan", known_at="2025-03-01")  # type: ignore[arg-type]


class BatchTest(ValidTimeCase):
    def test_upsert_many_applies_effective_at_to_every_row(self) -> None:
        ids = self.db.insert_many(
            [{"external_id": "a", "plan": "basic"}], effective_at=day(1, 1)
        ) + self.db.insert_many([{"external_id": "b", "plan": "basic", "created_at": day(2, 1)}])
        self.assertEqual(self.db.get_customer(ids[0])["created_at"], day(1, 1))
        self.assertEqual(self.db.get_customer(ids[1])["created_at"], day(2, 1))
        rows = self.db.upsert_many(
            [{"external_id": "a", "plan": "premium"}, {"external_id": "b", "plan": "premium"}],
            effective_at=day(3, 1),
            effective_until=day(4, 1),
        )
        self.assertEqual(rows, [(ids[0], False), (ids[1], False)])
        for id in ids:
            self.assertEqual(self.db.get_customer(id)["plan"], "basic")
            self.assertEqual(self.db.get_customer_at(id, day(3, 15))["plan"], "premium")
            self.assertEqual(self.db.get_customer_at(id, day(4, 1))["plan"], "basic")


class RestrictedTest(ValidTimeCase):
    """A restricted handle whose profile hides the plan: the new calls
    refuse it as the others do, and reads leave it out."""

    def test_a_hidden_field_stays_hidden_on_both_axes(self) -> None:
        jane = self.db.create_customer(name="Jane", plan="basic", created_at=day(1, 1))
        self.db.update_customer(jane, plan="premium", effective_at=day(2, 1))
        self.db.profiles.define(
            {"name": "desk", "groups": {"standard": "read_write"}, "fields": {"plan": "hidden"}}
        )
        with self.db.restrict("desk") as view:
            with self.assertRaises(crm.DeniedError) as caught:
                view.update_customer(jane, plan="basic", effective_at=day(3, 1))
            self.assertEqual(caught.exception.field, "plan")
            with self.assertRaises(crm.DeniedError) as caught:
                view.field_timeline(jane, "plan")
            self.assertEqual(caught.exception.field, "plan")
            with self.assertRaises(crm.DeniedError) as caught:
                view.aggregate_series("plan = 'premium'", instants=[day(3, 1)])
            self.assertEqual((caught.exception.field, caught.exception.rule), ("plan", "hidden"))
            then = view.get_customer_at(jane, day(3, 1), known_at=dt.datetime.now(UTC))
            self.assertEqual(then["name"], "Jane")
            self.assertNotIn("plan", then)
            # A late write of a field it may write works through the view.
            view.update_customer(jane, name="Jane D.", effective_at=day(3, 1))
            self.assertEqual(view.count("name = 'Jane D.'", as_of=day(3, 2)), 1)
            self.assertEqual(view.count("name = 'Jane D.'", as_of=day(2, 28)), 0)
        self.assertEqual(self.db.get_customer(jane)["plan"], "premium")


class FieldIntervalTest(unittest.TestCase):
    """The binding's own objects; no workspace needed."""

    def test_an_interval_is_still_a_three_tuple(self) -> None:
        interval = crm.FieldInterval(day(1, 1), day(1, 3), "basic", recorded_at=day(2, 1))
        start, end, value = interval
        self.assertEqual((start, end, value), (day(1, 1), day(1, 3), "basic"))
        self.assertEqual(interval.duration, dt.timedelta(days=2))
        self.assertEqual(interval.recorded_at, day(2, 1))
        with self.assertRaises(AttributeError):
            interval.recorded_at = None  # type: ignore[misc]
        copy = pickle.loads(pickle.dumps(interval))
        self.assertEqual((copy, copy.recorded_at, copy.duration), (interval, day(2, 1), interval.duration))

    def test_held_clips_to_the_window_and_counts_the_current_one_to_the_read(self) -> None:
        read_at = day(3, 1)
        timeline = crm.FieldTimeline(
            [
                crm.FieldInterval(day(1, 1), day(1, 11), "premium"),
                crm.FieldInterval(day(1, 11), day(2, 1), "basic"),
                crm.FieldInterval(
                    day(2, 1), None, "premium", duration=read_at - day(2, 1)
                ),
            ],
            read_at,
        )
        self.assertEqual(timeline.held("premium", day(1, 1), day(12, 31)), dt.timedelta(days=38))
        self.assertEqual(timeline.held("premium", day(1, 6), day(2, 2)), dt.timedelta(days=6))
        one_us = dt.timedelta(microseconds=1)
        self.assertEqual(timeline.held("basic", day(1, 11) - one_us, day(1, 11) + one_us), one_us)
        self.assertEqual(timeline.held("basic", day(2, 5), day(2, 5)), dt.timedelta(0))


if __name__ == "__main__":
    unittest.main()
