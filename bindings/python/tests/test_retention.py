"""Retention periods and legal hold: Database.apply_retention, held_until,
and the definition keys (event types: retention_days, hold_days,
held_properties; fields: hold_days). Runs on a file, and on PostgreSQL in
the conformance run."""

from __future__ import annotations

import datetime as _dt

import crm

from .support import WorkspaceTestCase

NOW = _dt.datetime(2025, 1, 1, tzinfo=_dt.timezone.utc)
DAY = _dt.timedelta(days=1)


class RetentionTest(WorkspaceTestCase):
    def test_apply_removes_expired_events_and_reports_them(self) -> None:
        db = self.db
        db.define_event_type("page.view", [{"name": "url", "type": "url"}], retention_days=30)
        db.define_event_type("order.placed", [])
        ada = db.create_customer(name="Ada")
        db.append_event(ada, "page.view", occurred_at=NOW - 40 * DAY, url="https://a.example")
        db.append_event(ada, "page.view", occurred_at=NOW - 20 * DAY, url="https://a.example")
        db.append_event(ada, "order.placed", occurred_at=NOW - 400 * DAY)
        report = db.apply_retention(NOW)
        self.assertIsInstance(report, crm.RetentionReport)
        self.assertEqual(report, crm.RetentionReport(1, {"page.view": 1}, 0, 0))
        types = [event.type for event in db.timeline(ada)]
        self.assertEqual(sorted(types), ["crm.record.created", "order.placed", "page.view"])
        self.assertEqual(db.apply_retention(NOW), crm.RetentionReport(0, {"page.view": 0}, 0, 0))

    def test_definitions_are_checked_and_shown(self) -> None:
        db = self.db
        with self.assertRaises(crm.ValidationError) as bad:
            db.define_event_type("page.view", [], retention_days=36501)
        self.assertEqual((bad.exception.field, bad.exception.rule), ("retention_days", "retention"))
        with self.assertRaises(crm.ValidationError) as bad:
            db.define_event_type("invoice.sent", [{"name": "amount", "type": "integer"}],
                                 hold_days=10, held_properties=["nope"])
        self.assertEqual((bad.exception.field, bad.exception.rule), ("held_properties", "hold"))
        db.define_event_type("invoice.sent", [{"name": "amount", "type": "integer"}],
                             hold_days=3650, held_properties=["amount"])
        with self.assertRaises(TypeError):
            db.define_event_type("x", [], held_properties="amount")
        db.define_field("vat_id", "text", hold_days=365)
        self.assertEqual(db.describe_field("vat_id")["hold_days"], 365)
        db.update_field("name", hold_days=3650)
        self.assertEqual(db.describe_field("name")["hold_days"], 3650)
        with self.assertRaises(crm.ValidationError) as bad:
            db.update_field("vat_id", hold_days=0 - 1)
        self.assertEqual((bad.exception.field, bad.exception.rule), ("vat_id", "hold"))

    def test_held_until_and_arguments(self) -> None:
        db = self.db
        ada = db.create_customer(name="Ada")
        self.assertIsNone(db.held_until(ada))
        with self.assertRaises(crm.NotFoundError):
            db.held_until(ada + 1000)
        with self.assertRaises(TypeError):
            db.apply_retention("2025-01-01")  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            db.apply_retention(_dt.datetime(2025, 1, 1))  # naive
