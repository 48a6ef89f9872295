#!/usr/bin/env python3
"""A clinic's CRM with one restricted handle per department (crm.h, "Access
profiles and restricted handles").

The practice software holds the unrestricted handle: it defines the fields
(contact, finance, medical, and the lab a patient is referred to), the
profiles, and gives each department a handle restricted to its profile:

- front_desk: contact details read_write, books appointments (append);
- finance: balance and payments read_write, records payments;
- clinician: medical notes read_write, contact details read_only;
- lab (one per laboratory, acting as that laboratory): only the patients
  referred to it (scope ``referred_lab = :actor``), only their diagnosis.

Each handle prints the patients it sees, what it is refused, and the same
report (appointments per month), which each department may run and which
counts only what its profile lets it see. CTest runs it through
check_clinic_profiles.py, which asserts that no value a profile hides shows
up in that profile's part of the output.

    CRM_LIBRARY=build/libcrm.so PYTHONPATH=bindings/python \\
        python3 examples/python/clinic_profiles.py [workspace-path]
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any, Dict, List

import crm

# Fields by group; every value of a patient below is distinct, so that the
# checker can look for it in the output of each profile.
FIELDS = [
    ("emergency_contact", "text", "contact"),
    ("balance", "decimal", "finance"),
    ("payments", "decimal", "finance"),
    ("diagnosis", "text", "medical"),
    ("allergies", "text", "medical"),
    ("referred_lab", "text", "referral"),
]

PATIENTS: List[Dict[str, Any]] = [
    {"name": "Ingrid Haugen", "city": "Tromso", "emergency_contact": "Ola Haugen",
     "balance": Decimal("120.50"), "payments": Decimal("300.00"),
     "diagnosis": "Asthma", "allergies": "Penicillin", "referred_lab": "lab-north"},
    {"name": "Kari Nilsen", "city": "Bodo", "emergency_contact": "Per Nilsen",
     "balance": Decimal("0.00"), "payments": Decimal("80.00"),
     "diagnosis": "Migraine", "allergies": "Latex", "referred_lab": "lab-north"},
    {"name": "Lars Berg", "city": "Bergen", "emergency_contact": "Siri Berg",
     "balance": Decimal("455.25"), "payments": Decimal("45.00"),
     "diagnosis": "Hypertension", "allergies": "Pollen", "referred_lab": "lab-south"},
    {"name": "Maja Dahl", "city": "Stavanger", "emergency_contact": "Eirik Dahl",
     "balance": Decimal("75.10"), "payments": Decimal("150.00"),
     "diagnosis": "Eczema", "allergies": "Peanuts"},
]

# Appointments per patient (by index above), month of 2026 and day.
APPOINTMENTS = [(0, 1, 12), (0, 2, 3), (1, 1, 20), (2, 2, 14), (2, 3, 2), (3, 3, 9)]

PROFILES: List[Dict[str, Any]] = [
    {"name": "front_desk",
     "groups": {"contact": "read_write", "standard": "read_write"},
     "events": [{"type": "appointment", "access": "append"}]},
    {"name": "finance",
     "groups": {"finance": "read_write", "standard": "read_only"},
     "events": [{"type": "payment", "access": "append"},
                {"type": "appointment", "access": "read"}]},
    {"name": "clinician",
     "groups": {"medical": "read_write", "contact": "read_only", "standard": "read_only"},
     "events": [{"type": "appointment", "access": "read"}]},
    {"name": "lab",
     "scope": "referred_lab = :actor",
     "fields": {"diagnosis": "read_only"},
     "events": [{"type": "appointment", "access": "read"}]},
]

# Standard fields with no value here, left out of the listing.
QUIET = {"created_at", "updated_at"}


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 30, tzinfo=dt.timezone.utc)


def set_up(db: crm.Database) -> List[int]:
    """The fields, event types, profiles and patients, as the admin."""
    # Standard fields are in group "standard": the city is contact data here.
    db.update_field("city", group="contact")
    for name, type, group in FIELDS:
        options: Dict[str, Any] = {"group": group}
        if type == "decimal":
            options["scale"] = 2
        db.define_field(name, type, **options)  # type: ignore[arg-type]
    db.define_event_type("appointment", [{"name": "room", "type": "text"}])
    db.define_event_type("payment", [{"name": "amount", "type": "decimal", "scale": 2,
                                      "required": True}])
    for profile in PROFILES:
        db.profiles.define(profile)
    ids = [db.create_customer(**patient) for patient in PATIENTS]
    for index, month, day in APPOINTMENTS:
        db.append_event(ids[index], "appointment", occurred_at=at(month, day), room="A1")
    return ids


def show_patients(view: crm.Database) -> None:
    rows = list(view.query("", order_by="id"))
    print(f"  patients visible: {len(rows)}")
    for row in rows:
        values = ", ".join(f"{name}={row[name]}" for name in sorted(row) if name not in QUIET)
        print(f"    #{row.id}: {values}")


def show_report(view: crm.Database) -> None:
    """The report every department runs: appointments per month."""
    groups = view.aggregate("type = 'appointment'", target="events",
                            group_by=[("occurred_at", "month")], aggregates=["count"])
    months = ", ".join(f"{group['occurred_at']}: {group['count']}" for group in groups)
    print(f"  appointments per month: {months or 'none'}")


def refused(what: str, call: Any) -> None:
    try:
        call()
    except crm.DeniedError as denied:
        print(f"  refused {what}: {denied.rule} {denied.field}".rstrip())
    except crm.NotFoundError:
        print(f"  refused {what}: not found")
    else:
        print(f"  ALLOWED {what}")


def front_desk(view: crm.Database, ids: List[int]) -> None:
    view.update_customer(ids[3], city="Sandnes")
    booked = view.append_event(ids[3], "appointment", occurred_at=at(3, 23), room="B2")
    event = view.get_event(booked.seq)
    print(f"  booked appointment #{booked.seq}: actor={event.actor} source={event.source}")
    refused("writing balance", lambda: view.update_customer(ids[0], balance=Decimal("1")))
    refused("filtering on diagnosis", lambda: view.count("diagnosis = 'Asthma'"))
    refused("recording a payment", lambda: view.append_event(ids[0], "payment", amount=Decimal("5")))


def finance(view: crm.Database, ids: List[int]) -> None:
    view.append_event(ids[2], "payment", amount=Decimal("55.25"))
    view.update_customer(ids[2], balance=Decimal("400.00"), payments=Decimal("100.00"))
    print(f"  patients owing more than 100: {view.count('balance > 100')}")
    refused("sorting by city", lambda: list(view.query("", order_by="city")))
    refused("writing a name", lambda: view.update_customer(ids[2], name="L. Berg"))


def clinician(view: crm.Database, ids: List[int]) -> None:
    view.update_customer(ids[1], allergies="Latex, Aspirin")
    print(f"  patients with asthma: {view.count('diagnosis = :d', d='Asthma')}")
    refused("writing a city", lambda: view.update_customer(ids[1], city="Oslo"))
    refused("reading balances", lambda: view.aggregate("", aggregates=[("sum", "balance")]))


def lab(view: crm.Database, ids: List[int]) -> None:
    refused("reading a patient referred elsewhere", lambda: view.get_customer(ids[2]))
    refused("filtering by name", lambda: view.count("name = 'Kari Nilsen'"))
    refused("writing a diagnosis", lambda: view.update_customer(ids[0], diagnosis="Flu"))


def main(argv: List[str]) -> int:
    path = argv[1] if len(argv) > 1 else ":memory:"
    with crm.open(path) as db:
        ids = set_up(db)
        print(f"clinic: {len(ids)} patients, profiles {', '.join(db.profiles.list())}")
        handles = [("front_desk", "desk-1", front_desk), ("finance", "billing", finance),
                   ("clinician", "dr-moe", clinician), ("lab", "lab-north", lab)]
        for profile, actor, work in handles:
            with db.restrict(profile, actor=actor) as view:
                print(f"== {profile} (actor {actor}) ==")
                work(view, ids)
                show_patients(view)
                show_report(view)
        print("== admin ==")
        show_report(db)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
