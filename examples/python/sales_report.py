#!/usr/bin/env python3
"""Imports the "CRM Sales Opportunities" sample data into a libcrm workspace
and answers three questions with libcrm's query and aggregate API:

  (a) won revenue per quarter per sector,
  (b) win rate per sales agent,
  (c) open deals per account (top 10),

then prints one account's timeline (first 5 events) and the field fill rates.

Run from the root of a clone, after building libcrm:

    CRM_LIBRARY=build/libcrm.so PYTHONPATH=bindings/python \\
        python3 examples/python/sales_report.py [workspace-path]

Without a path the workspace is a temporary file, deleted at the end. With
one, running again re-imports idempotently: accounts are upserted by
external_id and deals carry their opportunity_id as idempotency key.

The data (examples/data/crm-sales-opportunities, see its README) is imported
as it is, except for two normalisations this script makes explicitly and
reports: the sector "technolgy" is stored as "technology", and the product
"GTXPro" as "GTX Pro" (the name products.csv uses).

Exits with status 1 if a consistency check fails (e.g. the number of deal
events is not the number of pipeline rows).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Tuple

import crm

DATA = Path(__file__).resolve().parent.parent / "data" / "crm-sales-opportunities"
UTC = dt.timezone.utc
SECTOR_FIXES = {"technolgy": "technology"}
PRODUCT_FIXES = {"GTXPro": "GTX Pro"}
NO_ACCOUNT = "(no account)"  # the one customer deals without an account go to
DEAL_TYPES = {s: f"deal.{s.lower()}" for s in ("Won", "Lost", "Engaging", "Prospecting")}
BATCH = 1000  # events per append_events call (one ABI crossing each)

failures: List[str] = []


def check(condition: bool, what: str) -> None:
    """Records a failed consistency check; the script exits 1 at the end."""
    if not condition:
        failures.append(what)
        print(f"CHECK FAILED: {what}")


def read_csv(name: str) -> List[Dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day(text: str) -> dt.datetime:
    """A "YYYY-MM-DD" of the data as midnight UTC."""
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=UTC)


def quarter(at: dt.datetime) -> str:
    return f"{at.year}-Q{(at.month - 1) // 3 + 1}"


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


# -- import -------------------------------------------------------------------


def define_schema(db: crm.Database) -> None:
    existing = {field["name"] for field in db.fields(include_archived=True)}
    fields = [
        ("sector", "text", {"indexed": True}),
        ("year_established", "integer", {}),
        ("revenue", "decimal", {"scale": 2, "min": 0,
                                "description": "annual revenue, millions of USD"}),
        ("employees", "integer", {"min": 0}),
        ("office_location", "text", {}),
        ("subsidiary_of", "reference", {"description": "the parent account"}),
    ]
    for name, type, options in fields:
        if name not in existing:  # a re-run on the same workspace keeps them
            db.define_field(name, type, **options)
    common = [
        {"name": "opportunity_id", "type": "text", "required": True},
        {"name": "sales_agent", "type": "text", "required": True},
        {"name": "manager", "type": "text"},
        {"name": "regional_office", "type": "text"},
        {"name": "product", "type": "text", "required": True},
    ]
    closed = common + [{"name": "close_value", "type": "decimal", "scale": 2,
                        "required": True, "min": 0}]
    for stage, type in DEAL_TYPES.items():
        db.define_event_type(type, closed if stage in ("Won", "Lost") else common,
                             description=f"a deal whose stage is {stage}")


def import_accounts(db: crm.Database) -> Dict[str, int]:
    """Accounts as company customers (external_id = account name), then a
    second pass setting subsidiary_of to the parent's customer id."""
    accounts = read_csv("accounts.csv")
    fixed = collections.Counter(a["sector"] for a in accounts if a["sector"] in SECTOR_FIXES)
    for wrong, count in fixed.items():
        print(f"  normalised sector {wrong!r} -> {SECTOR_FIXES[wrong]!r} on {count} accounts")
    rows = []
    for a in accounts:
        row = {
            "kind": "company",
            "name": a["account"],
            "external_id": a["account"],
            "sector": SECTOR_FIXES.get(a["sector"], a["sector"]) or None,
            "year_established": int(a["year_established"]) if a["year_established"] else None,
            "revenue": Decimal(a["revenue"]).quantize(Decimal("0.01")) if a["revenue"] else None,
            "employees": int(a["employees"]) if a["employees"] else None,
            "office_location": a["office_location"] or None,
        }
        rows.append(row)
    rows.append({"kind": "company", "name": NO_ACCOUNT, "external_id": NO_ACCOUNT})
    ids = {row["external_id"]: id for row, (id, _) in
           zip(rows, db.upsert_many(rows, actor="sales_report"))}
    parents = [{"external_id": a["account"], "subsidiary_of": ids[a["subsidiary_of"]]}
               for a in accounts if a["subsidiary_of"]]
    db.upsert_many(parents, actor="sales_report")  # second pass: one batch
    print(f"  {len(accounts)} accounts imported ({len(parents)} subsidiaries linked), "
          f"plus the customer {NO_ACCOUNT!r}")
    return ids


def import_deals(db: crm.Database, ids: Dict[str, int]) -> Tuple[int, dt.datetime]:
    """Deals as events on their account's customer, in batches."""
    teams = {t["sales_agent"]: t for t in read_csv("sales_teams.csv")}
    products = {p["product"] for p in read_csv("products.csv")}
    deals = read_csv("sales_pipeline.csv")
    # Prospecting deals carry no date at all: they are dated at the export's
    # last date (the latest date in the file), so they sort at its end.
    snapshot = max(max(d["engage_date"], d["close_date"]) for d in deals)
    fixed_products = collections.Counter()
    no_account = 0
    events = []
    for d in deals:
        product = PRODUCT_FIXES.get(d["product"], d["product"])
        if product != d["product"]:
            fixed_products[d["product"]] += 1
        check(product in products, f"product {product!r} is in products.csv")
        team = teams.get(d["sales_agent"], {})
        stage = d["deal_stage"]
        properties = {
            "opportunity_id": d["opportunity_id"],
            "sales_agent": d["sales_agent"],
            "manager": team.get("manager"),
            "regional_office": team.get("regional_office"),
            "product": product,
        }
        if stage in ("Won", "Lost"):
            properties["close_value"] = Decimal(d["close_value"]).quantize(Decimal("0.01"))
            occurred = day(d["close_date"])
        else:
            occurred = day(d["engage_date"] or snapshot)
        if not d["account"]:
            no_account += 1
        events.append({
            "customer_id": ids[d["account"] or NO_ACCOUNT],
            "type": DEAL_TYPES[stage],
            "channel": "sales",
            "actor": d["sales_agent"],  # so libcrm can group deals by agent
            "source": "sales_pipeline.csv",
            "occurred_at": occurred,
            "idempotency_key": d["opportunity_id"],
            "properties": properties,
        })
    for wrong, count in fixed_products.items():
        print(f"  normalised product {wrong!r} -> {PRODUCT_FIXES[wrong]!r} on {count} deals")
    print(f"  {no_account:,} deals without an account attached to the customer "
          f"{NO_ACCOUNT!r} (none skipped)")
    print(f"  prospecting deals have no date: dated at the export's last date, {snapshot}")
    for start in range(0, len(events), BATCH):
        db.append_events(events[start:start + BATCH])
    return len(deals), day(snapshot)


# -- answers ------------------------------------------------------------------


def won_revenue_per_quarter_per_sector(db: crm.Database, sectors: Dict[int, str]) -> None:
    print("\n(a) Won revenue per quarter per sector (USD)")
    # libcrm computes it: an aggregate over won-deal events grouped by the
    # account's sector (customer.sector) and quarter buckets of occurred_at,
    # summing the close_value property exactly (a Decimal, no float drift).
    revenue: Dict[Tuple[str, str], Decimal] = {}
    counts: Dict[Tuple[str, str], int] = {}
    for row in db.aggregate("type = 'deal.won'", target="events",
                            group_by=["customer.sector", ("occurred_at", "quarter")],
                            aggregates=["count", ("sum", "properties.close_value", "won")]):
        key = (row["customer.sector"], row["occurred_at"])
        revenue[key] = row["won"]
        counts[key] = row["count"]
    # Cross-check one sector against the events themselves, read through
    # each of its accounts' timelines and added up here.
    sector = max((s for s, _ in counts if s), key=lambda s: sum(
        n for (t, _), n in counts.items() if t == s))
    read: Dict[str, Decimal] = collections.defaultdict(Decimal)
    for customer_id, customer_sector in sectors.items():
        if customer_sector != sector:
            continue
        for event in db.timeline(customer_id, types="deal.won", page_size=1000):
            read[quarter(event.occurred_at)] += event.properties["close_value"]
    check(dict(read) == {q: v for (s, q), v in revenue.items() if s == sector},
          f"libcrm's sums for {sector} equal the events read one by one")
    quarters = sorted({q for _, q in counts})
    print(f"  {'sector':<20}" + "".join(f"{q:>15}" for q in quarters) + f"{'total':>16}")
    totals = collections.defaultdict(Decimal)
    for sector in sorted({s for s, _ in counts}, key=lambda s: (s is None, s)):
        cells = [revenue.get((sector, q), Decimal(0)) for q in quarters]
        for q, cell in zip(quarters, cells):
            totals[q] += cell
        print(f"  {sector or '(none)':<20}" + "".join(f"{money(c):>15}" for c in cells)
              + f"{money(sum(cells, Decimal(0))):>16}")
    grand = sum(totals.values(), Decimal(0))
    print(f"  {'all sectors':<20}" + "".join(f"{money(totals[q]):>15}" for q in quarters)
          + f"{money(grand):>16}")
    expected = sum((Decimal(d["close_value"]) for d in read_csv("sales_pipeline.csv")
                    if d["deal_stage"] == "Won"), Decimal(0))
    check(grand == expected, f"won revenue {grand} equals the CSV's {expected}")


def win_rate_per_agent(db: crm.Database) -> None:
    print("\n(b) Win rate per sales agent (won / (won + lost))")
    # libcrm computes the counts: an aggregate over won and lost deal events
    # grouped by actor (the sales agent) and type. The script divides.
    tally: Dict[str, Dict[str, int]] = collections.defaultdict(lambda: {"won": 0, "lost": 0})
    for row in db.aggregate("type in ('deal.won', 'deal.lost')", target="events",
                            group_by=["actor", "type"]):
        tally[row["actor"]][row["type"].split(".")[1]] = row["count"]
    ranked = sorted(tally.items(), key=lambda item: (
        -item[1]["won"] / (item[1]["won"] + item[1]["lost"]), item[0]))
    print(f"  {'agent':<22}{'won':>6}{'lost':>6}{'win rate':>10}")
    for agent, t in ranked:
        rate = t["won"] / (t["won"] + t["lost"])
        print(f"  {agent:<22}{t['won']:>6}{t['lost']:>6}{rate:>10.1%}")
    closed = db.count("type in ('deal.won', 'deal.lost')", target="events")
    check(sum(t["won"] + t["lost"] for t in tally.values()) == closed,
          "won + lost per agent adds up to the closed deals")
    print(f"  {len(ranked)} agents with closed deals; {closed:,} closed deals")


def open_deals_per_account(db: crm.Database) -> str:
    print("\n(c) Open deals (prospecting or engaging) per account, top 10")
    # libcrm computes it all: an aggregate over open deal events grouped by
    # the event's customer; the script sorts by count and keeps ten.
    rows = db.aggregate("type in (?, ?)", "deal.prospecting", "deal.engaging",
                        target="events", group_by=["customer.external_id"],
                        aggregates=[("count", None, "open_deals")])
    pseudo = next((r["open_deals"] for r in rows
                   if r["customer.external_id"] == NO_ACCOUNT), 0)
    ranked = sorted((r for r in rows if r["customer.external_id"] != NO_ACCOUNT),
                    key=lambda r: (-r["open_deals"], r["customer.external_id"]))
    for rank, row in enumerate(ranked[:10], 1):
        print(f"  {rank:>2}. {row['customer.external_id']:<28}{row['open_deals']:>4}")
    print(f"  (and {pseudo:,} open deals with no account, on {NO_ACCOUNT!r})")
    total = db.count("type in ('deal.prospecting', 'deal.engaging')", target="events")
    check(sum(r["open_deals"] for r in rows) == total, "open deals per account add up")
    check(bool(ranked), "some account has open deals")
    return ranked[0]["customer.external_id"] if ranked else ""


def timeline(db: crm.Database, account: str) -> None:
    customer = db.get_customer_by_external_id(account)
    print(f"\nTimeline of {customer.name} ({customer.get('sector')}, "
          f"{customer.get('office_location')}), first 5 events")
    for event in list(db.timeline(customer.id, oldest_first=True, page_size=5))[:5]:
        p = event.properties
        value = f"  {money(p['close_value'])}" if "close_value" in p else ""
        print(f"  {event.occurred_at:%Y-%m-%d}  {event.type:<17}{p.get('opportunity_id', ''):<10}"
              f"{p.get('product', ''):<16}{p.get('sales_agent', '')}{value}")


def fill_rates(db: crm.Database) -> None:
    print("\nField fill rates (customers with a value)")
    for row in db.fill_rates():
        rate = row["filled"] / row["total"] if row["total"] else 0.0
        print(f"  {row['field']:<18}{row['filled']:>4} / {row['total']:<4}{rate:>7.0%}")


def main(argv: List[str]) -> int:
    if len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="crm-sales-") as temp:
        path = argv[1] if len(argv) == 2 else os.path.join(temp, "sales.crm")
        print(f"libcrm {crm.version()} from {crm.library_path()}; workspace {path}")
        with crm.open(path) as db:
            started = time.perf_counter()
            print("Importing", DATA)
            with db.transaction():  # the whole import, all or nothing
                define_schema(db)
                ids = import_accounts(db)
                deals, _ = import_deals(db, ids)
            seconds = time.perf_counter() - started
            imported = db.count("type starts with 'deal.'", target="events")
            print(f"  {imported:,} deal events in {seconds:.1f} s")
            check(imported == deals, f"deal events ({imported}) == pipeline rows ({deals})")
            check(db.count_customers() == len(ids), "one customer per account + (no account)")
            check(db.count("subsidiary_of is not null") == 15, "15 subsidiaries linked")

            sectors = {row.id: row["sector"] for row in
                       db.query("sector is not null", select=["sector"], page_size=1000)}
            won_revenue_per_quarter_per_sector(db, sectors)
            win_rate_per_agent(db)
            busiest = open_deals_per_account(db)
            if busiest:
                timeline(db, busiest)
            fill_rates(db)
            print(f"\nDone in {time.perf_counter() - started:.1f} s")
    if failures:
        print(f"{len(failures)} consistency check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
