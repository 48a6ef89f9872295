#!/usr/bin/env python3
"""The binding rows of the benchmark table, for Python: insert ROWS customers
in batches and fetch them all back, through the binding (``bindings/python``)
and through Python's ``sqlite3`` module written by hand for the same load.

    CRM_LIBRARY=build-bench/libcrm.so PYTHONPATH=bindings/python \\
        python3 benchmarks/bindings/python_bench.py [--rows N] [--batch N]
                                                    [--repeat N] [--json FILE]

The load is the one ``crm_benchmarks`` times through the C ABI as
``create_customers`` and ``fetch_customers`` (same fields, same values, same
batches), so ``run_bindings.sh`` can divide one by the other:

- insert: ROWS customers (5 standard fields and 10 user fields: integer
  (indexed), 2 decimals, boolean, date, datetime, choice, tags, text,
  integer) in batches of BATCH, one ``insert_many`` per batch. The rows are
  made before the clock starts; encoding them is timed.
- fetch: every customer back with those 15 fields, ``page_size`` BATCH (at
  most 10,000), in id order, as native values (``Decimal``, ``date``,
  ``datetime``, ``list``), through ``Database.query``.

The ``sqlite3`` version writes an equivalent typed table (decimals as cents,
tags as JSON text, the same unique and plain indexes) in one transaction per
batch, and reads it back in keyset pages converted to the same native types.
libcrm does more (validation, history events, a full-text index), by design.

Every run checks its counts and a sample of the values it read back (a wrong
result exits 1); times are the median of --repeat runs, each on a new file.
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any, Callable, Dict, List, Tuple

import crm

UTC = dt.timezone.utc
EPOCH_2023 = dt.datetime(2023, 1, 1, tzinfo=UTC)
CITIES = ["Lisbon", "Porto", "Madrid", "Lyon", "Berlin", "Munich", "Milan",
          "Vienna", "Prague", "Krakow", "Ghent", "Utrecht"]
TAGS = ["vip", "newsletter", "b2b", "retail", "partner"]
PLANS = ["basic", "plus", "premium", "enterprise"]
COLUMNS = ["name", "email", "phone", "city", "external_id", "segment", "revenue",
           "active", "signup_date", "last_contact", "plan", "interests", "notes",
           "employees", "credit_limit"]
SAMPLE = 997  # every 997th row read is compared with the row written

Row = Dict[str, Any]


def make_customer(k: int, segments: int) -> Row:
    """Customer k, as benchmarks/dataset.cc MakeCustomer makes it."""
    return {
        "name": f"Customer {k}",
        "email": f"c{k}@example.com",
        "phone": f"+1 555 {k}",
        "city": CITIES[k % 12],
        "external_id": f"ERP-{k}",
        "segment": k % segments,
        "revenue": Decimal((k * 7919) % 10000000).scaleb(-2),
        "active": k % 3 != 0,
        "signup_date": dt.date(2015 + k % 10, 1 + k % 12, 1 + k % 28),
        "last_contact": EPOCH_2023 + dt.timedelta(seconds=k * 37),
        "plan": PLANS[k % 4],
        "interests": [TAGS[(k + t) % 5] for t in range(k % 3 + 1)],
        "notes": f"Prefers email; imported from the ERP, account {k}",
        "employees": k % 5000,
        "credit_limit": Decimal((k % 100) * 100000).scaleb(-2),
    }


def make_rows(count: int) -> List[Row]:
    segments = max(1, count // 200)
    return [make_customer(k, segments) for k in range(count)]


def check_read(rows: List[Row], read: List[Row]) -> None:
    if len(read) != len(rows):
        raise AssertionError(f"fetched {len(read)} rows, wrote {len(rows)}")
    for k in range(0, len(rows), SAMPLE):
        got = {column: read[k].get(column) for column in COLUMNS}
        if got != rows[k]:
            raise AssertionError(f"row {k} read back as {got}, written as {rows[k]}")


# -- through the binding --------------------------------------------------------

def binding_run(path: str, rows: List[Row], batch: int) -> Tuple[float, float]:
    with crm.open(path) as db:
        db.define_field("segment", "integer", indexed=True)
        db.define_field("revenue", "decimal", scale=2)
        db.define_field("active", "boolean")
        db.define_field("signup_date", "date")
        db.define_field("last_contact", "datetime")
        db.define_field("plan", "choice", options=PLANS)
        db.define_field("interests", "tags")
        db.define_field("notes", "text")
        db.define_field("employees", "integer", min=0)
        db.define_field("credit_limit", "decimal", scale=2)

        started = time.perf_counter()
        for at in range(0, len(rows), batch):
            db.insert_many(rows[at:at + batch])
        inserted = time.perf_counter()
        read = list(db.query(select=COLUMNS, page_size=min(batch, 10000)))
        fetched = time.perf_counter()

        if db.count_customers() != len(rows):
            raise AssertionError(f"{db.count_customers()} customers stored")
    check_read(rows, read)
    return inserted - started, fetched - inserted


# -- through Python's sqlite3 module ------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE customers(
  id INTEGER PRIMARY KEY, version INTEGER NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  name TEXT, email TEXT, phone TEXT, city TEXT, external_id TEXT,
  segment INTEGER, revenue INTEGER, active INTEGER, signup_date TEXT,
  last_contact INTEGER, plan TEXT, interests TEXT, notes TEXT,
  employees INTEGER, credit_limit INTEGER);
CREATE INDEX customers_segment ON customers(segment);
CREATE UNIQUE INDEX customers_email ON customers(email COLLATE NOCASE);
CREATE UNIQUE INDEX customers_external_id ON customers(external_id);
"""
SQLITE_INSERT = (
    "INSERT INTO customers(version, created_at, updated_at, name, email, phone, "
    "city, external_id, segment, revenue, active, signup_date, last_contact, "
    "plan, interests, notes, employees, credit_limit) "
    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
SQLITE_SELECT = (
    "SELECT id, name, email, phone, city, external_id, segment, revenue, active, "
    "signup_date, last_contact, plan, interests, notes, employees, credit_limit "
    "FROM customers WHERE id > ? ORDER BY id LIMIT ?")
MICROSECOND = dt.timedelta(microseconds=1)


def to_us(value: dt.datetime) -> int:
    return (value - EPOCH_2023) // MICROSECOND + 1672531200 * 1000000


def from_us(us: int) -> dt.datetime:
    return EPOCH_2023 + (us - 1672531200 * 1000000) * MICROSECOND


def sqlite3_run(path: str, rows: List[Row], batch: int) -> Tuple[float, float]:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(SQLITE_SCHEMA)

    started = time.perf_counter()
    for at in range(0, len(rows), batch):
        now = time.time_ns() // 1000
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(SQLITE_INSERT, [
            (now, now, r["name"], r["email"], r["phone"], r["city"], r["external_id"],
             r["segment"], int(r["revenue"].scaleb(2)), int(r["active"]),
             r["signup_date"].isoformat(), to_us(r["last_contact"]), r["plan"],
             json.dumps(r["interests"]), r["notes"], r["employees"],
             int(r["credit_limit"].scaleb(2)))
            for r in rows[at:at + batch]
        ])
        connection.execute("COMMIT")
    inserted = time.perf_counter()
    read: List[Row] = []
    after, page = 0, min(batch, 10000)
    while True:
        fetched_rows = connection.execute(SQLITE_SELECT, (after, page)).fetchall()
        for (id_, name, email, phone, city, external_id, segment, revenue, active,
             signup_date, last_contact, plan, interests, notes, employees,
             credit_limit) in fetched_rows:
            read.append({
                "id": id_, "name": name, "email": email, "phone": phone, "city": city,
                "external_id": external_id, "segment": segment,
                "revenue": Decimal(revenue).scaleb(-2), "active": bool(active),
                "signup_date": dt.date.fromisoformat(signup_date),
                "last_contact": from_us(last_contact), "plan": plan,
                "interests": json.loads(interests), "notes": notes,
                "employees": employees, "credit_limit": Decimal(credit_limit).scaleb(-2),
            })
        if len(fetched_rows) < page:
            break
        after = fetched_rows[-1][0]
    fetched = time.perf_counter()
    connection.close()
    check_read(rows, read)
    return inserted - started, fetched - inserted


def measure(run: Callable[[str, List[Row], int], Tuple[float, float]], name: str,
            rows: List[Row], batch: int, repeat: int) -> Dict[str, float]:
    inserts, fetches = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="crm-bindings-") as directory:
            insert_s, fetch_s = run(os.path.join(directory, name), rows, batch)
        inserts.append(insert_s)
        fetches.append(fetch_s)
    return {"insert_s": statistics.median(inserts), "fetch_s": statistics.median(fetches)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--batch", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if args.rows < 1 or args.batch < 1 or args.repeat < 1:
        parser.error("--rows, --batch and --repeat must be positive")

    rows = make_rows(args.rows)
    results = {
        "rows": args.rows, "batch": args.batch, "repeat": args.repeat,
        "libcrm": crm.version(), "sqlite": sqlite3.sqlite_version,
        "python": sys.version.split()[0],
        "binding": measure(binding_run, "bench.crm", rows, args.batch, args.repeat),
        "sqlite3": measure(sqlite3_run, "bench.sqlite", rows, args.batch, args.repeat),
    }
    for engine in ("binding", "sqlite3"):
        r = results[engine]
        print(f"python {engine}: insert {args.rows / r['insert_s']:,.0f} rows/s "
              f"({r['insert_s']:.2f} s), fetch {args.rows / r['fetch_s']:,.0f} rows/s "
              f"({r['fetch_s']:.2f} s)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
