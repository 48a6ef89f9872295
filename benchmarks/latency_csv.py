#!/usr/bin/env python3
"""Read latencies by workspace size, as CSV, from crm_benchmarks JSON files
(one file per size, as plot.sh writes them).

Usage: latency_csv.py results.json... > read_latency.csv

One row per size (customers, events), then per read workload the median
latency in microseconds of libcrm and of raw SQLite (typed columns):
get_by_id_libcrm, get_by_id_sqlite, ... A first comment line says when and
with what the numbers were made.
"""
import json
import sys

import report

WORKLOADS = ("get_by_id", "get_by_email", "get_by_external_id",
             "filter_user_field", "latest_50_events")
ENGINES = ("libcrm", "sqlite")


def main():
    rows, context = [], {}
    for path in sys.argv[1:]:
        with open(path) as f:
            context = json.load(f)["context"]
        _, values, errors = report.load(path)
        if errors:
            raise SystemExit(f"{path}: " + "; ".join(errors))
        cells = [int(context["crm_customers"]), int(context["crm_events"])]
        for workload in WORKLOADS:
            for engine in ENGINES:
                value = values.get(workload, {}).get(engine)
                cells.append("" if value is None else f"{value:.2f}")
        rows.append(cells)
    rows.sort()
    print(f"# crm_benchmarks read latency in us (median of the repetitions); "
          f"{context.get('date', '')}, {context.get('num_cpus', '?')} cpus at "
          f"{context.get('mhz_per_cpu', '?')} MHz, libcrm queries "
          f"{context.get('crm_libcrm_queries', '?')}")
    print(",".join(["customers", "events"] +
                   [f"{w}_{e}" for w in WORKLOADS for e in ENGINES]))
    for cells in rows:
        print(",".join(str(c) for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
