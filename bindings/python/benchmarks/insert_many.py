"""insert_many of 100,000 customers (4 standard + 10 user fields) through the
binding, against the same rows inserted with Python's sqlite3 module into an
equivalent table in one transaction. Run once:

    CRM_LIBRARY=build/libcrm.so python3 bindings/python/benchmarks/insert_many.py

Both write a file in a temporary directory with WAL and synchronous=NORMAL
(libcrm's sync="normal"). The binding's time includes encoding the batch in
Python; libcrm also validates every row and writes one crm.record.created
history event per customer, which the raw sqlite3 inserts do not.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import crm  # noqa: E402
from crm.wire import encode_customer_batch  # noqa: E402

ROWS = int(os.environ.get("ROWS", "100000"))
UTC = dt.timezone.utc
BASE = dt.date(2024, 1, 1)


def rows():
    for i in range(ROWS):
        yield {
            "name": f"Customer {i}",
            "email": f"customer{i}@example.com",
            "phone": f"+4930{i:08d}",
            "external_id": f"ext-{i}",
            "plan": ("basic", "premium")[i % 2],
            "contract_value": Decimal(i % 100000) / 100,
            "seats": i % 500,
            "score": i % 97,
            "active": i % 3 == 0,
            "renewal": BASE + dt.timedelta(days=i % 365),
            "industry": "manufacturing",
            "segment": f"seg-{i % 10}",
            "notes": "imported from the legacy CRM",
            "discount": Decimal("5.25"),
        }


def define(db: crm.Database) -> None:
    db.define_field("plan", "choice", options=["basic", "premium"])
    db.define_field("contract_value", "decimal", scale=2)
    db.define_field("seats", "integer")
    db.define_field("score", "integer")
    db.define_field("active", "boolean")
    db.define_field("renewal", "date")
    db.define_field("industry", "text")
    db.define_field("segment", "text")
    db.define_field("notes", "long_text")
    db.define_field("discount", "decimal", scale=2)


def through_binding(directory: str) -> float:
    data = list(rows())
    with crm.open(os.path.join(directory, "bench.crm")) as db:
        define(db)
        started = time.perf_counter()
        ids = db.insert_many(data)
        elapsed = time.perf_counter() - started
        assert len(ids) == ROWS and db.count_customers() == ROWS
    started = time.perf_counter()
    encode_customer_batch(data)
    print(f"  (of which encoding in Python: {time.perf_counter() - started:.2f} s)")
    return elapsed


def through_sqlite3(directory: str) -> float:
    data = list(rows())
    connection = sqlite3.connect(os.path.join(directory, "bench.sqlite"), isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(
        """CREATE TABLE customer (
            id INTEGER PRIMARY KEY, version INTEGER NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            name TEXT, email TEXT UNIQUE, phone TEXT, external_id TEXT UNIQUE,
            plan TEXT, contract_value TEXT, seats INTEGER, score INTEGER,
            active INTEGER, renewal TEXT, industry TEXT, segment TEXT,
            notes TEXT, discount TEXT)"""
    )
    started = time.perf_counter()
    now = int(time.time() * 1_000_000)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO customer (version, created_at, updated_at, name, email, phone, "
        "external_id, plan, contract_value, seats, score, active, renewal, industry, "
        "segment, notes, discount) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (now, now, r["name"], r["email"], r["phone"], r["external_id"], r["plan"],
             str(r["contract_value"]), r["seats"], r["score"], int(r["active"]),
             r["renewal"].isoformat(), r["industry"], r["segment"], r["notes"],
             str(r["discount"]))
            for r in data
        ),
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    assert connection.execute("SELECT count(*) FROM customer").fetchone()[0] == ROWS
    connection.close()
    return elapsed


def main() -> None:
    print(f"libcrm {crm.version()} from {crm.library_path()}, sqlite3 {sqlite3.sqlite_version}, "
          f"nproc {os.cpu_count()}, {ROWS} rows")
    with tempfile.TemporaryDirectory() as directory:
        binding = through_binding(directory)
        print(f"binding insert_many: {binding:.2f} s = {ROWS / binding:,.0f} rows/s")
        raw = through_sqlite3(directory)
        print(f"sqlite3 executemany: {raw:.2f} s = {ROWS / raw:,.0f} rows/s")


if __name__ == "__main__":
    main()
