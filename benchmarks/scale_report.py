#!/usr/bin/env python3
"""The scale targets, from the files scale.sh writes in one directory:
ENGINE-N.json (crm_benchmarks output of one engine at N customers),
ENGINE-N.seconds (that process's wall time, loading included) and open-N.json
(crm_open_workspace on libcrm's workspace of N customers).

Usage: scale_report.py DIR N... (the sizes, smallest first)

Targets: each read latency of libcrm grows at most 2x from the smallest size
to the largest; libcrm's process peaks under 256 MB of resident memory
whatever the size; opening a workspace of 1 GB or more takes under 50 ms.
"""
import json
import os
import sys

import report

READS = ("get_by_id", "get_by_email", "get_by_external_id",
         "filter_user_field", "count_user_field", "latest_50_events",
         "latest_events_few")
ENGINES = ("libcrm", "sqlite_same", "sqlite")
MAX_GROWTH, MAX_RSS_MB, MAX_OPEN_MS = 2.0, 256, 50


def peak_rss_mb(path):
    with open(path) as f:
        return max((b.get("peak_rss_mb", 0) for b in json.load(f)["benchmarks"]),
                   default=0)


def read_text(path, default=None):
    return open(path).read().strip() if os.path.exists(path) else default


def main():
    directory, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
    latency, rss, failed = {}, {}, False
    for engine in ENGINES:
        for n in sizes:
            path = os.path.join(directory, f"{engine}-{n}.json")
            if not os.path.exists(path):
                continue
            _, values, errors = report.load(path)
            for error in errors:
                print("ERROR", error)
                failed = True
            for workload in READS:
                latency[engine, n, workload] = values.get(workload, {}).get(engine)
            rss[engine, n] = peak_rss_mb(path)
    small, large = sizes[0], sizes[-1]
    names = [f"{n:,}" for n in sizes]
    print(f"scale: {' and '.join(names)} customers, 10 events each; read latency "
          f"(median of 3), each engine in its own process")
    print("| workload | " + " | ".join(f"libcrm {n}" for n in names) +
          " | growth | " + " | ".join(f"sqlite_same {n}" for n in names) +
          " | " + " | ".join(f"sqlite {n}" for n in names) +
          f" | sqlite growth | vs same at {names[-1]} | vs bare at {names[-1]} "
          "| target | met |")
    print("|---" * (3 * len(sizes) + 7) + "|")
    show = lambda x: "-" if x is None else f"{x:.2f}x"  # noqa: E731
    for workload in READS:
        cells, growth = [], {}
        for engine in ENGINES:
            values = [latency.get((engine, n, workload)) for n in sizes]
            cells.append(" | ".join(report.show(v) for v in values))
            a, b = values[0], values[-1]
            growth[engine] = b / a if a and b else None
        g = growth["libcrm"]
        met = "not measured" if g is None else "met" if g <= MAX_GROWTH else "NOT MET"
        last = {e: latency.get((e, large, workload)) for e in ENGINES}
        vs_same = report.ratio(last["libcrm"], last["sqlite_same"])
        vs_bare = report.ratio(last["libcrm"], last["sqlite"])
        print(f"| {workload} | {cells[0]} | {show(g)} | {cells[1]} | "
              f"{cells[2]} | {show(growth['sqlite'])} | {show(vs_same)} | "
              f"{show(vs_bare)} | growth <= {MAX_GROWTH:.0f}x | {met} |")

    print()
    peak = [rss.get(("libcrm", n)) for n in sizes]
    measured = [p for p in peak if p]
    met = ("not measured" if not measured else
           "met" if max(measured) < MAX_RSS_MB else "NOT MET")
    print("peak resident memory of the libcrm process (VmHWM, loading and "
          "reads): " + ", ".join(f"{n}: {report.show_mb(p)}" for n, p in zip(names, peak)) +
          "; sqlite_same process: " +
          ", ".join(f"{n}: {report.show_mb(rss.get(('sqlite_same', s)))}"
                    for n, s in zip(names, sizes)) +
          "; sqlite process: " +
          ", ".join(f"{n}: {report.show_mb(rss.get(('sqlite', s)))}"
                    for n, s in zip(names, sizes)) +
          f" | target < {MAX_RSS_MB} MB | {met}")
    for engine in ENGINES:
        seconds = [read_text(os.path.join(directory, f"{engine}-{n}.seconds"))
                   for n in sizes]
        print(f"{engine} process wall time (loading, then the reads): " +
              ", ".join(f"{n}: {s or '-'} s" for n, s in zip(names, seconds)))

    opened = read_text(os.path.join(directory, f"open-{large}.json"))
    if opened is None:
        print("open: not measured")
    else:
        o = json.loads(opened)
        gb = o["bytes"] / 1e9
        met = ("met" if o["cold_open_ms"] < MAX_OPEN_MS else "NOT MET") + (
            "" if gb >= 1 else f" (but the file is under 1 GB)")
        print(f"open of the {large:,}-customer libcrm workspace ({gb:.2f} GB), "
              f"fresh process: cold {o['cold_open_ms']:.1f} ms (then first read "
              f"{o['cold_first_read_ms']:.1f} ms), warm {o['warm_open_ms']:.1f} ms, "
              f"peak {report.show_mb(o['peak_rss_mb'])} | target < {MAX_OPEN_MS} ms "
              f"for 1 GB | {met}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
