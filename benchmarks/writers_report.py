#!/usr/bin/env python3
"""The writer-scaling table for benchmarks/README.md, from the CSV files of
crm_writer_scaling (--csv=FILE): one Markdown row per backend, layout and
writer count, each figure the median over the rounds given (every row of the
files for that configuration), throughput with its spread ((largest -
smallest) / median). A run whose check failed is shown as FAILED and left out
of the medians. Standard library only.

    benchmarks/writers_report.py results-writers.csv [more.csv ...]
"""
import csv
import statistics
import sys

KINDS = ["create_1", "append_1", "create_20", "append_20", "update_shared"]


def spread(values):
    m = statistics.median(values)
    return (max(values) - min(values)) / m if m else 0.0


def main(paths):
    runs = {}
    failed = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (row["backend"], row["layout"], int(row["writers"]))
                if row["check"] != "ok":
                    failed.setdefault(key, row["check"])
                    continue
                runs.setdefault(key, []).append(row)
    print("| backend | layout | writers | rounds | calls/s | rows/s | spread |"
          + "".join(f" {k} p50 / p99 ms |" for k in KINDS)
          + " conflicts | busy | check |")
    print("|---" * (10 + len(KINDS)) + "|")
    for key in sorted(set(runs) | set(failed),
                      key=lambda k: (k[0], k[1] != "shared", k[2])):
        rows = runs.get(key, [])
        if not rows:
            print(f"| {key[0]} | {key[1]} | {key[2]} | - |" + " - |" * (6 + len(KINDS))
                  + f" FAILED: {failed[key]} |")
            continue

        def med(name):
            return statistics.median(float(r[name]) for r in rows)

        calls = [float(r["calls_per_s"]) for r in rows]
        cells = [key[0], key[1], str(key[2]), str(len(rows)),
                 f"{statistics.median(calls):.0f}", f"{med('rows_per_s'):.0f}",
                 f"{spread(calls):.0%}"]
        for k in KINDS:
            cells.append(f"{med(k + '_p50_us') / 1000:.2f} / "
                         f"{med(k + '_p99_us') / 1000:.1f}")
        cells.append(f"{med('conflicts'):.0f}")
        cells.append(f"{med('busy'):.0f}")
        cells.append("ok" if key not in failed else f"FAILED: {failed[key]}")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
