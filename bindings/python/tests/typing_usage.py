"""Type-checked, never run: pyright (CTest ``python_pyright``) checks this
file with the package. The calls in ``well_typed`` must pass; each call in
``misspelt`` must be an error, which its ``pyright: ignore`` comment
expects: with reportUnnecessaryTypeIgnoreComment, an ignore that is not
needed (a parameter typed plain ``str`` instead of a Literal) fails the
check. Not a test module (unittest discovers ``test*.py`` only).
"""

# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import crm


def well_typed(db: crm.Database) -> None:
    db.define_field("plan", "choice", options=["basic", "premium"], default_value="basic")
    db.define_field("ltv", "decimal", scale=2, min=0, options=None)
    db.query("ltv > :min", target="events", min=Decimal("100"))
    db.query_page("", target="customers", page_size=10)
    db.count("", target="events")
    db.explain("ltv > 1", target="customers")
    db.aggregate(
        "",
        target="events",
        group_by=["customer.sector", ("occurred_at", "quarter"), ("occurred_at", None)],
        aggregates=[("count",), ("sum", "ltv", "total"), ("avg", "ltv"), "max"],
    )
    db.aggregate("", group_by=("created_at", "month"), aggregates=("count_distinct", "email"))
    db.save_segment("vip", "tags has 'vip'", target="customers")
    db.cohort("order.placed", "ticket.opened", within_days=60, bucket="month")
    db.cohort("order.placed", "ticket.opened", within_days=60, bucket=None)
    crm.open(":memory:", sync="full").close()
    field_type: crm.FieldType = "multi_choice"
    db.define_field("interests", field_type, options=["golf"])
    customer = db.get_customer(1)
    customer.get("plan")
    db.profiles.define({"name": "desk", "groups": {"contact": "read_write"}})
    names: list[str] = db.profiles.list()
    definition: dict[str, object] = db.profiles.get(names[0])
    with db.restrict("desk", actor=str(definition.get("name"))) as view:
        restricted: crm.Database = view
        profile: str = restricted.profile
        try:
            restricted.update_customer(1, city=profile)
        except crm.DeniedError as denied:
            print(denied.rule, denied.field)
    # Valid time: the return type follows return_result.
    march = datetime(2025, 3, 1, tzinfo=timezone.utc)
    version: int = db.update_customer(1, plan="basic", effective_at=march)
    result: crm.WriteResult = db.update_customer(1, plan="basic", return_result=True)
    created: crm.WriteResult = db.create_customer(name="Old", created_at=march, return_result=True)
    id_and_created: tuple[int, bool] = db.upsert_customer(external_id="a", effective_at=march)
    upserted: crm.WriteResult = db.upsert_customer(external_id="a", return_result=True)
    print(version, result.changed_current, created.effective_at, id_and_created, upserted.id)
    # Duplicates: save anyway; a warn rule's candidates on the result.
    saved: crm.WriteResult = db.create_customer(name="Twin", skip_duplicate_check=True,
                                                return_result=True)
    warned: list[dict[str, object]] = saved.candidates
    db.update_customer(1, phone="+4790000000", skip_duplicate_check=True)
    db.upsert_many([{"external_id": "a"}], skip_duplicate_check=True)
    db.import_file("k.csv", skip_duplicate_check=True)
    print(warned, db.insert_many([{"name": "Twin"}], skip_duplicate_check=True))
    timeline: crm.FieldTimeline = db.field_timeline(1, "plan", known_at=march)
    held: timedelta = timeline.held("premium", march, march + timedelta(days=30))
    print(held, [(i.start, i.end, i.duration, i.recorded_at) for i in timeline])
    db.count("plan = 'premium'", as_of=march, known_at=None)
    db.aggregate_series("plan = 'premium'", instants=[march], group_by=["plan"])
    # Data in and out.
    imported: crm.ImportReport = db.import_file(
        "k.csv", target="events", format="csv", mapping={"key": "email"}, dry_run=True,
        progress=lambda items, done, total: print(items, done, total or 0),
    )
    exported: int = db.export("c.jsonl", fields=["name"], since=march, progress=print)
    db.dump("w.crmdump", progress=None)
    db.load("w.crmdump")
    db.backup("w.backup")
    db.restore("w.backup")
    verified: crm.VerifyReport = db.verify()
    print(imported.rejects[0].rule, exported, verified.checks[0].checked)
    # Merging customers: rules by field, typed receipts, the merged id read.
    merged: crm.MergeResult = db.merge(
        1, [2, 3], {"phone": "most_recent", "tags": "union", "notes": {"value": "kept"}},
        default="survivor", actor="steward", reason="same person")
    undone: crm.UnmergeResult = db.unmerge(merged.merge_id, reason="two people")
    conflicts: tuple[crm.MergeConflict, ...] = undone.conflicts
    info: crm.MergeInfo = db.merges(2)
    merged_id: int | None = db.get_customer(2).merged_id
    try:
        db.update_customer(2, plan="basic")
    except crm.MergedError as refused:
        survivor_id: int = refused.survivor_id
        print(survivor_id)
    print(conflicts[0].current, info.merged_into, merged_id)


def misspelt(db: crm.Database) -> None:
    db.define_field("plan", "choise")  # pyright: ignore[reportArgumentType]
    db.query("", target="event")  # pyright: ignore[reportArgumentType]
    db.query_page("", target="customer")  # pyright: ignore[reportArgumentType]
    db.count("", target="Events")  # pyright: ignore[reportArgumentType]
    db.explain("", target="rows")  # pyright: ignore[reportArgumentType]
    db.aggregate("", target="event")  # pyright: ignore[reportArgumentType]
    db.aggregate("", group_by=[("created_at", "months")])  # pyright: ignore[reportArgumentType]
    db.aggregate("", aggregates=[("average", "ltv")])  # pyright: ignore[reportArgumentType]
    db.save_segment("vip", "", target="event")  # pyright: ignore[reportArgumentType]
    db.cohort("a", "b", within_days=1, bucket="months")  # pyright: ignore[reportArgumentType]
    crm.open(":memory:", sync="fast")  # pyright: ignore[reportArgumentType]
    customer = db.get_customer(1)
    customer["plan"] = "premium"  # pyright: ignore[reportIndexIssue]
    as_int: int = db.update_customer(1, plan="basic", return_result=True)  # pyright: ignore[reportAssignmentType]
    print(as_int)
    db.import_file("k.csv", target="event")  # pyright: ignore[reportArgumentType]
    db.export("k.csv", format="xlsx")  # pyright: ignore[reportArgumentType]
    db.export("k.csv", since="2025-03-01")  # pyright: ignore[reportArgumentType]
    db.merge(1, [2], {"phone": "newest"})  # pyright: ignore[reportArgumentType]
    db.merge(1, [2], default="sum_all")  # pyright: ignore[reportArgumentType]
