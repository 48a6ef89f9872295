"""The event log: append (one and in batches), read, timelines, follow, types."""

from __future__ import annotations

import datetime as dt
import pickle
import unittest
from decimal import Decimal

import crm
from crm.wire import encode_event_batch

from .support import WorkspaceTestCase

UTC = dt.timezone.utc
BASE = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def at(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


class EventEncoderTest(unittest.TestCase):
    """EventBatch bytes checked by hand against crm.proto's field numbers."""

    def test_event_layout(self) -> None:
        payload, count = encode_event_batch(
            [
                {
                    "customer_id": 300,
                    "type": "call",
                    "channel": "phone",
                    "occurred_at": dt.datetime(1970, 1, 1, tzinfo=UTC),  # 0 is still written
                    "idempotency_key": "k",
                    "properties": {"n": -1, "x": None},
                }
            ]
        )
        self.assertEqual(count, 1)
        event = (
            b"\x08\xac\x02"  # customer_id = 1, varint 300
            b"\x12\x04call"  # type = 2
            b"\x1a\x05phone"  # channel = 3
            b"\x30\x00"  # occurred_at_us = 6, sint64 0, present
            b"\x3a\x01k"  # idempotency_key = 7
            b"\x42\x07" b"\x0a\x01n" b"\x12\x02\x10\x01"  # property n: Value{integer=-1}
            b"\x42\x05" b"\x0a\x01x" b"\x12\x00"  # property x: null Value
        )
        self.assertEqual(payload, b"\x0a" + bytes([len(event)]) + event)

    def test_negative_occurred_at_is_zigzag_and_absent_fields_are_left_out(self) -> None:
        moment = dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)  # -1 us
        payload, _ = encode_event_batch(
            [{"customer_id": 1, "type": "t", "actor": None, "occurred_at": moment}]
        )
        self.assertEqual(payload, b"\x0a\x07" b"\x08\x01" b"\x12\x01t" b"\x30\x01")

    def test_refuses_naive_datetime_and_bad_types(self) -> None:
        with self.assertRaises(ValueError):
            encode_event_batch([{"customer_id": 1, "type": "t",
                                 "occurred_at": dt.datetime(2024, 1, 1)}])
        with self.assertRaises(TypeError):
            encode_event_batch([{"customer_id": "1", "type": "t"}])
        with self.assertRaises(TypeError):
            encode_event_batch([{"customer_id": 1, "type": "t", "properties": {"f": 1.5}}])


class AppendAndGetTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.customer = self.db.create_customer(name="Jane Doe", email="jane@example.com")

    def test_round_trip_of_every_property_type(self) -> None:
        properties = {
            "subject": "Renewal — ünïcode",
            "empty_text": "",
            "minutes": 42,
            "negative": -(2**63),
            "largest": 2**63 - 1,
            "amount": Decimal("-1234.50"),
            "answered": True,
            "voicemail": False,
            "callback_on": dt.date(2024, 3, 4),
            "callback_at": dt.datetime(2024, 3, 4, 9, 30, 0, 123456, tzinfo=UTC),
            "topics": ["pricing", "", "support"],
        }
        occurred = dt.datetime(2024, 3, 1, 14, 0, 0, 7, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        result = self.db.append_event(
            self.customer,
            "call",
            channel="phone",
            actor="agent-7",
            source="pbx",
            occurred_at=occurred,
            idempotency_key="call-1",
            properties=properties,
        )
        self.assertIsInstance(result, crm.AppendResult)
        self.assertFalse(result.duplicate)
        event = self.db.get_event(result.seq)
        self.assertEqual(event.seq, result.seq)
        self.assertEqual(event.customer_id, self.customer)
        self.assertEqual(event.type, "call")
        self.assertEqual(event.channel, "phone")
        self.assertEqual(event.actor, "agent-7")
        self.assertEqual(event.source, "pbx")
        self.assertEqual(event.idempotency_key, "call-1")
        self.assertEqual(event.occurred_at, occurred)
        self.assertEqual(event.occurred_at.tzinfo, UTC)
        self.assertEqual(event.recorded_at.tzinfo, UTC)
        self.assertLess(abs(event.recorded_at - dt.datetime.now(UTC)), dt.timedelta(minutes=5))
        self.assertEqual(dict(event.properties), properties)
        for name, value in properties.items():
            self.assertIs(type(event.properties[name]), type(value), name)
        self.assertEqual(event.properties["amount"].as_tuple(), Decimal("-1234.50").as_tuple())
        self.assertEqual(dict(event.before), {})
        self.assertEqual(dict(event.after), {})
        self.assertFalse(event.is_history)

    def test_keyword_properties_and_defaults(self) -> None:
        before = dt.datetime.now(UTC) - dt.timedelta(seconds=1)
        seq = self.db.append_event(self.customer, "note", properties={"a": 1}, text="hi").seq
        event = self.db.get_event(seq)
        self.assertEqual(dict(event.properties), {"a": 1, "text": "hi"})
        self.assertIsNone(event.channel)
        self.assertIsNone(event.source)
        self.assertIsNone(event.idempotency_key)
        self.assertGreaterEqual(event.occurred_at, before)  # unset: the time of the append
        with self.assertRaises(TypeError):
            self.db.append_event(self.customer, "note", properties={"a": 1}, a=2)

    def test_refuses_naive_datetime_and_float(self) -> None:
        with self.assertRaises(ValueError):
            self.db.append_event(self.customer, "call", occurred_at=dt.datetime(2024, 1, 1))
        with self.assertRaises(TypeError):
            self.db.append_event(self.customer, "call", score=0.5)
        self.assertEqual(self.db.follow(after_seq=1), [])

    def test_event_is_read_only_copy(self) -> None:
        seq = self.db.append_event(self.customer, "call", n=1).seq
        event = self.db.get_event(seq)
        with self.assertRaises(AttributeError):
            event.type = "other"  # type: ignore[misc]
        with self.assertRaises(TypeError):
            event.properties["n"] = 2  # type: ignore[index]
        self.db.close()
        self.assertEqual(event.properties["n"], 1)  # a copy: usable after close
        self.assertEqual(pickle.loads(pickle.dumps(event)), event)

    def test_errors(self) -> None:
        with self.assertRaises(crm.NotFoundError):
            self.db.get_event(10_000)
        with self.assertRaises(crm.NotFoundError):
            self.db.append_event(self.customer + 100, "call")
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.append_event(self.customer, "no spaces allowed")
        self.assertEqual((caught.exception.field, caught.exception.rule), ("type", "format"))
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.append_event(self.customer, "crm.record.created")  # libcrm's own
        self.assertEqual(caught.exception.rule, "reserved")
        with self.assertRaises(crm.InvalidArgumentError):
            self.db.append_event(self.customer, "call", idempotency_key="k" * 256)
        self.db.close()
        with self.assertRaises(crm.MisuseError):
            self.db.append_event(self.customer, "call")

    def test_idempotent_retry_stores_one_event(self) -> None:
        first = self.db.append_event(self.customer, "order.placed", idempotency_key="order-17",
                                     properties={"n": 1})
        retry = self.db.append_event(self.customer, "order.placed", idempotency_key="order-17",
                                     properties={"n": 2})
        self.assertEqual(retry, crm.AppendResult(first.seq, True))
        self.assertFalse(first.duplicate)
        stored = list(self.db.timeline(self.customer, types="order.placed"))
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0].properties["n"], 1)
        self.assertEqual([e.seq for e in self.db.follow() if e.type == "order.placed"],
                         [first.seq])
        # In a batch as well: the report gives the first event's seq.
        seqs = self.db.append_events(
            [{"customer_id": self.customer, "type": "order.placed",
              "idempotency_key": "order-17"}]
        )
        self.assertEqual(seqs, [first.seq])
        self.assertEqual(len(list(self.db.timeline(self.customer, types="order.placed"))), 1)


class TimelineTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.customer = self.db.create_customer(name="Jane Doe")
        self.other = self.db.create_customer(name="John Roe")

    def user_events(self, **options: object) -> list:
        return [e for e in self.db.timeline(self.customer, **options)  # type: ignore[arg-type]
                if not e.is_history]

    def test_out_of_order_occurred_at_comes_back_ordered(self) -> None:
        for minutes in (30, 10, 20, 0, 40):
            self.db.append_event(self.customer, "call", occurred_at=at(minutes), minute=minutes)
        newest = [e.properties["minute"] for e in self.user_events()]
        self.assertEqual(newest, [40, 30, 20, 10, 0])
        oldest = [e.properties["minute"] for e in self.user_events(oldest_first=True)]
        self.assertEqual(oldest, [0, 10, 20, 30, 40])
        # since is inclusive, until exclusive
        window = self.user_events(since=at(10), until=at(30), oldest_first=True)
        self.assertEqual([e.properties["minute"] for e in window], [10, 20])

    def test_iterator_pages_each_event_once_while_events_are_appended(self) -> None:
        seqs = [
            self.db.append_event(self.customer, "call", occurred_at=at(i), i=i).seq
            for i in range(120)
        ]
        pages = []
        first, cursor = self.db.timeline_page(self.customer, types="call", page_size=25)
        pages.append(len(first))
        while cursor is not None:
            page, cursor = self.db.timeline_page(self.customer, types="call", page_size=25,
                                                 cursor=cursor)
            pages.append(len(page))
        self.assertEqual(pages, [25, 25, 25, 25, 20])

        seen = []
        added = []
        for event in self.db.timeline(self.customer, types="call", page_size=25):
            seen.append(event)
            self.assertLess(len(seen), 500, "the iterator does not end")
            if len(seen) % 10 == 0:
                # Newer than everything (before the position, newest first),
                # and older than everything (ahead of it): an offset-paging
                # iterator would repeat events.
                added.append(self.db.append_event(self.customer, "call",
                                                  occurred_at=at(1000 + len(seen))).seq)
                added.append(self.db.append_event(self.customer, "call",
                                                  occurred_at=at(-1000 - len(seen))).seq)
        seen_seqs = [e.seq for e in seen]
        self.assertEqual(len(seen_seqs), len(set(seen_seqs)), "an event came back twice")
        original = [s for s in seen_seqs if s in set(seqs)]
        self.assertEqual(sorted(original), sorted(seqs))  # each exactly once
        self.assertTrue(set(seen_seqs) <= set(seqs) | set(added))
        times = [e.occurred_at for e in seen]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_iterator_is_lazy_and_checks_arguments_at_once(self) -> None:
        with self.assertRaises(ValueError):
            self.db.timeline(self.customer, page_size=0)
        with self.assertRaises(ValueError):
            self.db.timeline(self.customer, since=dt.datetime(2024, 1, 1))
        iterator = self.db.timeline(self.customer, oldest_first=True)
        self.db.append_event(self.customer, "call")
        self.assertEqual([e.type for e in iterator], ["crm.record.created", "call"])

    def test_types_and_channels_filters(self) -> None:
        rows = [("call", "phone"), ("email.sent", "email"), ("call", "web"),
                ("meeting", "phone"), ("email.sent", "web")]
        for minute, (type_, channel) in enumerate(rows):
            self.db.append_event(self.customer, type_, channel=channel, occurred_at=at(minute))
        self.db.append_event(self.other, "call", channel="phone")

        def picked(**options: object) -> list:
            return [(e.type, e.channel) for e in
                    self.db.timeline(self.customer, oldest_first=True, **options)]  # type: ignore

        self.assertEqual(picked(types="call"), [("call", "phone"), ("call", "web")])
        self.assertEqual(picked(types=["call", "meeting"]),
                         [("call", "phone"), ("call", "web"), ("meeting", "phone")])
        self.assertEqual(picked(channels="phone"), [("call", "phone"), ("meeting", "phone")])
        self.assertEqual(picked(channels=("web", "email")),
                         [("email.sent", "email"), ("call", "web"), ("email.sent", "web")])
        self.assertEqual(picked(types=["email.sent"], channels=["web"]), [("email.sent", "web")])
        self.assertEqual(picked(types=iter(["meeting"])), [("meeting", "phone")])
        self.assertEqual(picked(types="nothing"), [])

    def test_follow(self) -> None:
        a = self.db.append_event(self.customer, "call").seq
        b = self.db.append_event(self.other, "call").seq
        everything = self.db.follow()
        self.assertEqual([e.seq for e in everything], sorted(e.seq for e in everything))
        self.assertEqual([e.seq for e in self.db.follow(after_seq=a)], [b])
        self.assertEqual(len(self.db.follow(limit=1)), 1)
        self.assertEqual(self.db.follow(after_seq=b), [])
        with self.assertRaises(ValueError):
            self.db.follow(limit=0)

    def test_event_high_water(self) -> None:
        before = self.db.event_high_water()
        seq = self.db.append_event(self.customer, "call").seq
        self.assertGreater(seq, before)
        # One writer, nothing open: the mark is the newest committed seq.
        self.assertEqual(self.db.event_high_water(), seq)
        self.assertEqual(self.db.follow()[-1].seq, seq)
        # A rolled-back append adds no event; on PostgreSQL its seq is a hole
        # the mark passes, on a file it is handed out again.
        with self.assertRaises(RuntimeError):
            with self.db.transaction():
                self.db.append_event(self.customer, "call")
                raise RuntimeError("roll back")
        self.assertGreaterEqual(self.db.event_high_water(), seq)
        self.assertEqual(self.db.follow()[-1].seq, seq)


class AppendEventsTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.customer = self.db.create_customer(name="Jane Doe")

    def test_thousand_events_in_one_batch(self) -> None:
        start = self.db.follow()[-1].seq
        events = [
            {"customer_id": self.customer, "type": "page.view", "channel": "web",
             "occurred_at": at(i), "properties": {"i": i, "path": f"/p/{i}"}}
            for i in range(1000)
        ]
        seqs = self.db.append_events(events)
        self.assertEqual(len(seqs), 1000)
        self.assertEqual(len(set(seqs)), 1000)
        self.assertTrue(all(seq > start for seq in seqs))
        self.assertEqual(seqs, sorted(seqs))
        for i in (0, 517, 999):
            event = self.db.get_event(seqs[i])
            self.assertEqual(event.properties["i"], i)
            self.assertEqual(event.properties["path"], f"/p/{i}")
            self.assertEqual(event.occurred_at, at(i))
            self.assertEqual(event.channel, "web")
        followed = self.db.follow(after_seq=start, limit=10000)
        self.assertEqual([e.seq for e in followed], seqs)

    def test_event_input_objects_and_generators(self) -> None:
        seqs = self.db.append_events(
            crm.EventInput(self.customer, "call", channel="phone", actor="bot", source="s",
                           idempotency_key=f"k{i}", properties={"i": i})
            for i in range(3)
        )
        events = [self.db.get_event(seq) for seq in seqs]
        self.assertEqual([e.properties["i"] for e in events], [0, 1, 2])
        self.assertEqual({(e.channel, e.actor, e.source) for e in events},
                         {("phone", "bot", "s")})
        self.assertEqual([e.idempotency_key for e in events], ["k0", "k1", "k2"])
        self.assertEqual(self.db.append_events([]), [])
        with self.assertRaises(TypeError):  # a typo is not turned into a property
            self.db.append_events([{"customer_id": self.customer, "type": "call",
                                    "ocurred_at": at(0)}])

    def test_batch_with_unknown_customer_stores_nothing(self) -> None:
        last = self.db.follow()[-1].seq
        events = [{"customer_id": self.customer, "type": "call"} for _ in range(5)]
        events[3] = {"customer_id": self.customer + 999, "type": "call"}
        with self.assertRaises(crm.BatchError) as caught:
            self.db.append_events(events)
        error = caught.exception
        self.assertIsInstance(error, crm.NotFoundError)
        self.assertEqual(error.size, 5)
        self.assertEqual([row.index for row in error.rejected], [3])
        self.assertEqual(error.rejected[0].status_name, "CRM_E_NOT_FOUND")
        self.assertEqual(error.rejected[0].field, "customer_id")
        self.assertEqual(self.db.follow(after_seq=last), [])


class EventTypeTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.customer = self.db.create_customer(name="Jane Doe")
        self.db.define_event_type(
            "order.placed",
            [
                {"name": "amount", "type": "decimal", "scale": 2, "required": True, "min": 0},
                {"name": "currency", "type": "choice", "options": ["EUR", "USD"]},
            ],
            description="An order was placed",
        )

    def test_missing_required_property(self) -> None:
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.append_event(self.customer, "order.placed", currency="EUR")
        self.assertEqual(caught.exception.field, "amount")
        self.assertEqual(caught.exception.rule, "required")
        seq = self.db.append_event(self.customer, "order.placed",
                                   amount=Decimal("10.00"), currency="EUR").seq
        self.assertEqual(self.db.get_event(seq).properties["amount"], Decimal("10.00"))

    def test_rules_apply_in_batches(self) -> None:
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.append_events([
                {"customer_id": self.customer, "type": "order.placed",
                 "properties": {"amount": Decimal("1.00")}},
                {"customer_id": self.customer, "type": "order.placed",
                 "properties": {"amount": Decimal("-1.00")}},
            ])
        self.assertIsInstance(caught.exception, crm.BatchError)
        self.assertEqual([(r.index, r.field, r.rule) for r in caught.exception.rejected],
                         [(1, "amount", "min")])
        with self.assertRaises(crm.ValidationError) as caught2:
            self.db.append_event(self.customer, "order.placed", amount=Decimal("1"),
                                 currency="GBP")
        self.assertEqual(caught2.exception.rule, "options")

    def test_unregistered_types_are_free(self) -> None:
        self.db.append_event(self.customer, "order.cancelled", anything="goes")


if __name__ == "__main__":
    unittest.main()
