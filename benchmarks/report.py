#!/usr/bin/env python3
"""Turns crm_benchmarks JSON output into one line per workload.

Usage: report.py results.json

"speed" is how fast libcrm is next to the hand-written SQLite baseline with
typed columns: baseline time / libcrm time for latencies, libcrm rate /
baseline rate for throughputs. Higher is better; 1.00x means as fast.
"""
import json
import sys

# workload: (kind, minimum speed vs sqlite or None, how the target was stated)
TARGETS = {
    "create_customers": ("rate", 0.8, ">= 0.8x the rows/s"),
    "append_events": ("rate", 1.0, ">= 1.0x the events/s"),
    "get_by_id": ("time", 1 / 1.3, "latency <= 1.3x"),
    "get_by_email": ("time", 1 / 1.3, "latency <= 1.3x"),
    "get_by_external_id": ("time", 1 / 1.3, "latency <= 1.3x"),
    "filter_user_field": ("time", 1 / 1.5, "latency <= 1.5x, >= 2x JSON"),
    "latest_50_events": ("time", 1 / 1.3, "latency <= 1.3x"),
    "events_by_type_month": ("time", 1 / 1.2, "latency <= 1.2x"),
    "avg_by_user_field": ("time", 1 / 1.2, "latency <= 1.2x"),
    "fetch_customers": ("rate", None, "none (the bindings' reference)"),
}
ENGINES = ("libcrm", "sqlite", "sqlite_json")
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def load(path):
    """{workload: {engine: value}} (us per op, or items/s) and errors."""
    with open(path) as f:
        data = json.load(f)
    values, errors, medians = {}, [], set()
    for b in data["benchmarks"]:
        workload, engine = b["run_name"].split("/")[:2]
        if b.get("error_occurred"):
            errors.append(f'{b["name"]}: {b.get("error_message", "")}')
            continue
        is_median = b.get("aggregate_name") == "median"
        if b.get("run_type") == "aggregate" and not is_median:
            continue
        if (workload, engine) in medians:
            continue  # a median already stands for the repetitions
        if is_median:
            medians.add((workload, engine))
        if TARGETS.get(workload, ("time",))[0] == "rate":
            value = b["items_per_second"]
        else:
            value = b["real_time"] * TO_US[b["time_unit"]]
        values.setdefault(workload, {})[engine] = value
    return data.get("context", {}), values, errors


def show(kind, value):
    if value is None:
        return "-"
    if kind == "rate":
        return f"{value / 1000:,.1f}k/s"
    return f"{value / 1000:,.2f} ms" if value >= 1000 else f"{value:,.1f} us"


def show_mb(value):
    return "-" if value is None else f"{value:,.0f} MB"


def speed(kind, libcrm, base):
    if libcrm is None or base is None:
        return None
    return libcrm / base if kind == "rate" else base / libcrm


def main():
    context, values, errors = load(sys.argv[1])
    print(f'customers={context.get("crm_customers")} '
          f'events={context.get("crm_events")} '
          f'batch={context.get("crm_batch")} '
          f'date={context.get("date")}')
    print("speed: libcrm is X.XXx the speed of raw SQLite (typed columns); "
          "higher is better, 1.00x = as fast")
    print("| workload | libcrm | sqlite | sqlite_json | speed "
          "| target | met |")
    print("|---|---|---|---|---|---|---|")
    for workload, (kind, minimum, stated) in TARGETS.items():
        row = values.get(workload, {})
        libcrm, base, js = (row.get(e) for e in ENGINES)
        s = speed(kind, libcrm, base)
        if libcrm is None:
            cell, met = "n/a (no query API yet)", "not measured"
            if base is not None and js is not None:
                met += f"; typed column is {js / base:.2f}x the speed of JSON"
            libcrm_cell = "n/a"
        else:
            cell = f"{s:.2f}x" if s is not None else "-"
            ok = s is not None and (minimum is None or s >= minimum)
            if workload == "filter_user_field" and js is not None:
                ok = ok and js / libcrm >= 2.0
            met = "-" if minimum is None else "met" if ok else "NOT MET"
            libcrm_cell = show(kind, libcrm)
        print(f"| {workload} | {libcrm_cell} | {show(kind, base)} | "
              f"{show(kind, js)} | {cell} | {stated} | {met} |")
    for error in errors:
        print("ERROR", error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
