#!/usr/bin/env python3
"""A billing dispute answered with valid time (crm.h, "Valid time").

A telecom's billing system exports a year of plan changes
(billing_plan_changes.csv beside this file): per row the account, the plan,
from when it holds (``effective``), until when for a bounded correction
(``until``), and the day the billing system recorded it (``recorded``). Some
changes arrive late: a downgrade entered three weeks after it happened, and
two corrections, one of them the dispute of Ana Souza, who was billed
premium from 1 February although her upgrade only took effect on 1 May.

The example imports the rows in the order the billing system recorded them,
each with ``effective_at`` (and ``effective_until`` for the bounded
correction), noting after each day's rows the instant libcrm knew that day's
state (a "known at"). It then answers:

- for how long was Ana billed premium while she was on basic, and when did
  we learn it: her plan's timeline as known at the billing run of 1 April
  against today's, the time premium held in each (``held``), and the first
  day whose knowledge shows basic where premium was billed;
- how many customers were on premium at each month-end of 2025, by today's
  knowledge and as known at the billing run (``aggregate_series``).

CTest runs it through check_billing_dispute.py, which checks the figures.

    CRM_LIBRARY=build/libcrm.so PYTHONPATH=bindings/python \\
        python3 examples/python/billing_dispute.py [workspace-path]
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import crm

CSV_PATH = Path(__file__).resolve().parent / "billing_plan_changes.csv"
UTC = dt.timezone.utc
YEAR = (dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))
BILLING_RUN = dt.date(2025, 4, 1)  # the invoices Ana disputes were issued then
DISPUTED = "ACC-1001"


def instant(text: str) -> dt.datetime:
    """A CSV date as the instant it starts (UTC)."""
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=UTC)


def days(span: dt.timedelta) -> str:
    """'89 days', '136 days and 5 hours'."""
    hours = span.seconds // 3600
    text = f"{span.days} day{'s' if span.days != 1 else ''}"
    return text + (f" and {hours} hour{'s' if hours != 1 else ''}" if hours else "")


def import_changes(db: crm.Database) -> Dict[dt.date, dt.datetime]:
    """Writes every CSV row at its place in valid time, in the order the
    billing system recorded them; returns, per recorded day, the instant
    after libcrm had written that day's rows (what it knew by then)."""
    with open(CSV_PATH, newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    rows.sort(key=lambda row: row["recorded"])  # stable: file order within a day
    ids: Dict[str, int] = {}
    knowledge: Dict[dt.date, dt.datetime] = {}
    for recorded, day_rows in groupby(rows, key=lambda row: row["recorded"]):
        for row in day_rows:
            effective = instant(row["effective"])
            until = instant(row["until"]) if row["until"] else None
            actor = f"billing-import {recorded}"
            if row["account"] not in ids:
                ids[row["account"]] = db.create_customer(
                    external_id=row["account"], name=row["name"], plan=row["plan"],
                    created_at=effective, actor=actor,
                )
            else:
                db.update_customer(
                    ids[row["account"]], plan=row["plan"], effective_at=effective,
                    effective_until=until, actor=actor,
                )
        time.sleep(0.001)  # the next day's writes get later recorded times
        knowledge[dt.date.fromisoformat(recorded)] = dt.datetime.now(UTC)
        time.sleep(0.001)
    return knowledge


def known_on(knowledge: Dict[dt.date, dt.datetime], day: dt.date) -> dt.datetime:
    """What libcrm knew at the end of the billing system's ``day``."""
    return knowledge[max(d for d in knowledge if d <= day)]


def overlap(
    billed: List[crm.FieldInterval], truth: List[crm.FieldInterval], now: dt.datetime
) -> List[Tuple[dt.datetime, dt.datetime]]:
    """Stretches (within YEAR) billed premium while the customer was on basic."""
    out = []
    for b in billed:
        for t in truth:
            if b.value != "premium" or t.value != "basic":
                continue
            start = max(b.start, t.start, YEAR[0])
            end = min(b.end or now, t.end or now, YEAR[1])
            if start < end:
                out.append((start, end))
    return out


def print_timeline(title: str, timeline: crm.FieldTimeline) -> None:
    print(f"  {title}:")
    for interval in timeline:
        end = interval.end.date().isoformat() if interval.end else "now"
        print(f"    {interval.value:<10} {interval.start.date()} .. {end:<10} "
              f"({days(interval.duration)})")


def report(db: crm.Database, knowledge: Dict[dt.date, dt.datetime]) -> None:
    ana = db.get_customer_by_external_id(DISPUTED)
    billed_at = known_on(knowledge, BILLING_RUN)
    billed = db.field_timeline(ana.id, "plan", known_at=billed_at)
    today = db.field_timeline(ana.id, "plan")
    print(f"Dispute: {ana['name']} ({DISPUTED}), plan in 2025")
    print_timeline(f"as billed (known at the billing run of {BILLING_RUN})", billed)
    print_timeline("by today's knowledge", today)
    print(f"  premium in 2025 as billed: {days(billed.held('premium', *YEAR))}")
    print(f"  premium in 2025 by today:  {days(today.held('premium', *YEAR))}")
    wrong = overlap(billed, today, today.read_at)
    for start, end in wrong:
        print(f"  billed premium while on basic: {start.date()} .. {end.date()}")
    total = sum((end - start for start, end in wrong), dt.timedelta(0))
    print(f"  billed premium while on basic in total: {days(total)}")
    if wrong:
        learned = first_known_basic(db, ana.id, wrong[0][0], knowledge)
        print(f"  learned it on: {learned} (the billing system's record date)")

    month_ends = [dt.datetime(2025, month + 1, 1, tzinfo=UTC) - dt.timedelta(microseconds=1)
                  for month in range(1, 12)] + [YEAR[1] - dt.timedelta(microseconds=1)]
    now = db.aggregate_series("plan = 'premium'", instants=month_ends)
    then = db.aggregate_series("plan = 'premium'", instants=month_ends, known_at=billed_at)
    print(f"Customers on premium at each month-end (today / as known on {BILLING_RUN}):")
    for row, old in zip(now, then):
        print(f"  {row['valid_at'].date()}: {row['count']} / {old['count']}")


def first_known_basic(
    db: crm.Database, id: int, at: dt.datetime, knowledge: Dict[dt.date, dt.datetime]
) -> Optional[dt.date]:
    """The first billing-system day after the billing run by whose knowledge
    the customer was on basic at ``at`` (a read in valid time, as known at
    each day)."""
    for day in sorted(d for d in knowledge if d > BILLING_RUN):
        if db.get_customer_at(id, at, known_at=knowledge[day])["plan"] == "basic":
            return day
    return None


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="crm-billing-") as scratch:
        path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(scratch, "billing.crm")
        with crm.open(path) as db:
            db.define_field("plan", "choice", options=["basic", "premium", "enterprise"])
            knowledge = import_changes(db)
            report(db, knowledge)


if __name__ == "__main__":
    main()
