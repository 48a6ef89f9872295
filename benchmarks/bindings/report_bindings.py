#!/usr/bin/env python3
"""The binding rows of the benchmark table, from the files run_bindings.sh
writes in one directory, one set per round:

    c_abi-R.json    crm_benchmarks JSON: create_customers and fetch_customers
                    through the C ABI (libcrm)
    python-R.json   python_bench.py --json: the binding and the sqlite3 module
    csharp-R.json   the C# BindingBench --json (absent without dotnet)

Usage: report_bindings.py DIR

Each time is the median over the rounds. Prints one line per row: workload,
binding rows/s, reference rows/s, ratio (binding / reference), target.
"insert + fetch" counts both halves' rows over both halves' time.
"""
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import report  # noqa: E402  (benchmarks/report.py: reads crm_benchmarks JSON)

# (binding, engine it is held against): {workload: (minimum ratio, how the
# target reads)}, issue #15's: Python's insert against the C ABI's batch
# write of the same rows, its fetch (native types) against the sqlite3
# module's fetch converted to the same types; C#'s insert and fetch each
# against the C ABI doing the same work.
TARGETS = {
    ("python", "c_abi"): {"insert": (0.8, ">= 0.8x the C ABI")},
    ("python", "sqlite3"): {"fetch": (0.5, ">= 0.5x Python's sqlite3")},
    ("csharp", "c_abi"): {"insert": (0.9, ">= 0.9x the C ABI"),
                          "fetch": (0.9, ">= 0.9x the C ABI")},
}


def c_abi_times(path):
    """{"insert_s", "fetch_s"} and the row count of one crm_benchmarks run."""
    with open(path) as f:
        rows = int(json.load(f)["context"]["crm_customers"])
    _, values, errors = report.load(path)
    if errors:
        raise SystemExit(f"{path}: " + "; ".join(errors))
    rates = {w: values.get(w, {}).get("libcrm")
             for w in ("create_customers", "fetch_customers")}
    if None in rates.values():
        raise SystemExit(f"{path}: create_customers or fetch_customers missing")
    return rows, {"insert_s": rows / rates["create_customers"],
                  "fetch_s": rows / rates["fetch_customers"]}


def collect(directory):
    """{engine: {"insert_s": median, "fetch_s": median}} and the row count."""
    runs, rows = {}, None
    for path in sorted(glob.glob(os.path.join(directory, "c_abi-*.json"))):
        rows, times = c_abi_times(path)
        runs.setdefault("c_abi", []).append(times)
    for binding in ("python", "csharp"):
        for path in sorted(glob.glob(os.path.join(directory, f"{binding}-*.json"))):
            with open(path) as f:
                data = json.load(f)
            if rows is not None and data["rows"] != rows:
                raise SystemExit(f"{path}: {data['rows']} rows, the C ABI ran {rows}")
            runs.setdefault(binding, []).append(data["binding"])
            if "sqlite3" in data:
                runs.setdefault("sqlite3", []).append(data["sqlite3"])
    medians = {
        engine: {key: statistics.median(t[key] for t in times)
                 for key in ("insert_s", "fetch_s")}
        for engine, times in runs.items()
    }
    return medians, rows, {engine: len(times) for engine, times in runs.items()}


def rates(times, rows):
    return {
        "insert": rows / times["insert_s"],
        "fetch": rows / times["fetch_s"],
        "insert + fetch": 2 * rows / (times["insert_s"] + times["fetch_s"]),
    }


def main():
    medians, rows, rounds = collect(sys.argv[1])
    if rows is None:
        raise SystemExit("no c_abi-*.json: the C ABI reference did not run")
    print(f"rows={rows:,} rounds={rounds} (median of the rounds; rows/s)")
    print("| binding | workload | binding rows/s | reference | reference rows/s "
          "| ratio | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for (binding, against), targets in TARGETS.items():
        if binding not in medians or against not in medians:
            print(f"| {binding} | - | not run | {against} | - | - | - | not measured |")
            continue
        ours, theirs = rates(medians[binding], rows), rates(medians[against], rows)
        for workload in ours:
            ratio = ours[workload] / theirs[workload]
            minimum, stated = targets.get(workload, (None, ""))
            met = "" if minimum is None else "met" if ratio >= minimum else "NOT MET"
            print(f"| {binding} | {workload} | {report.show('rate', ours[workload])} "
                  f"| {against} | {report.show('rate', theirs[workload])} "
                  f"| {ratio:.2f}x | {stated} | {met} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
