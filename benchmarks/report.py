#!/usr/bin/env python3
"""Turns crm_benchmarks JSON output into one line per workload.

Usage: report.py results.json [more rounds' results.json ...]

Each figure is a time per operation (a latency, or for throughputs the time
per row), the median over the files given (rounds of the whole suite, which
run every engine of a workload one after the other). The ratios are libcrm's
time over a baseline's time: 1.00x is as fast, 2.00x twice as slow.

- "same": the same-work SQLite baseline (history and search rows on create,
  the event-customer check on append, whole records copied out on reads).
  Target: every workload <= 1.0x.
- "bare": raw SQLite doing less. Target for reads: <= 1.3x.

"spread" is (largest - smallest) / median of libcrm's time over the rounds,
a measure of the noise; with one file it is the repetitions' coefficient of
variation where the suite reports one.

Where the files hold engine libcrm_pg (libcrm on a PostgreSQL workspace),
four more columns follow: its time, "pg / libcrm" (its time over libcrm's
on SQLite in the same round, median of the rounds), that ratio's spread, and
"pg client CPU": the benchmark process's CPU time per operation (median of
the rounds; the server's own CPU time is not in it).
A workload it skipped as not offered yet ("n/a: ..." from the suite) shows
"n/a" with the issue its message names, and is not an error.
"""
import re
import json
import statistics
import sys

# workload: (kind, is a read)
WORKLOADS = {
    "create_customers": ("rate", False),
    "append_events": ("rate", False),
    "append_events_spread": ("rate", False),
    "get_by_id": ("time", True),
    "get_by_email": ("time", True),
    "get_by_external_id": ("time", True),
    "latest_50_events": ("time", True),
    "latest_events_few": ("time", True),
    "filter_user_field": ("time", True),
    "count_user_field": ("time", True),
    "events_by_type_month": ("time", True),
    "events_by_type_day": ("time", True),
    "avg_by_user_field": ("time", True),
    "fetch_customers": ("rate", True),
}
ENGINES = ("libcrm", "libcrm_pg", "sqlite", "sqlite_same", "sqlite_json")
NOT_YET = "n/a: "  # how the suite's message of a skipped workload starts
SAME_TARGET = 1.0
BARE_READ_TARGET = 1.3
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def load(path):
    """{workload: {engine: value}} (us per op, or items/s for rates), errors.

    The form the other scripts (scale_report.py, latency_csv.py,
    bindings/report_bindings.py) read."""
    context, values, _, errors = load_round(path)
    for workload, engines in values.items():
        if WORKLOADS.get(workload, ("time",))[0] == "rate":
            for engine, us in engines.items():
                engines[engine] = 1e6 / us
    return context, values, errors


def load_round(path):
    """{workload: {engine: us per op (per row for rates)}}, {(workload,
    engine): cv, "cpu": {workload: {engine: CPU us per op}}, "na":
    {workload: {engine: why}}}, errors."""
    with open(path) as f:
        data = json.load(f)
    values, cvs, errors, medians = {}, {}, [], set()
    for b in data["benchmarks"]:
        workload, engine = b["run_name"].split("/")[:2]
        if b.get("error_occurred"):
            message = b.get("error_message", "")
            if message.startswith(NOT_YET):
                na = cvs.setdefault("na", {}).setdefault(workload, {})
                na[engine] = message[len(NOT_YET):]
            else:
                errors.append(f'{b["name"]}: {message}')
            continue
        aggregate = b.get("aggregate_name")
        if aggregate == "cv":
            cvs[(workload, engine)] = b["real_time"]
            continue
        is_median = aggregate == "median"
        if b.get("run_type") == "aggregate" and not is_median:
            continue
        if (workload, engine) in medians:
            continue  # a median already stands for the repetitions
        if is_median:
            medians.add((workload, engine))
        if WORKLOADS.get(workload, ("time",))[0] == "rate":
            value = 1e6 / b["items_per_second"]
        else:
            value = b["real_time"] * TO_US[b["time_unit"]]
        values.setdefault(workload, {})[engine] = value
        cpu = value * b["cpu_time"] / b["real_time"] if b["real_time"] else 0
        cvs.setdefault("cpu", {}).setdefault(workload, {})[engine] = cpu
    return data.get("context", {}), values, cvs, errors


def show(kind_or_value, value=None):
    """show(us) for a time; show(kind, value) as the other scripts call it:
    kind "rate" formats items/s, "time" us."""
    if value is None and not isinstance(kind_or_value, str):
        return show_time(kind_or_value)
    if value is None:
        return "-"
    if kind_or_value == "rate":
        return f"{value / 1000:,.1f}k/s"
    return show_time(value)


def show_time(value):
    if value is None:
        return "-"
    if value >= 1e6:
        return f"{value / 1e6:,.2f} s"
    if value >= 1000:
        return f"{value / 1000:,.2f} ms"
    return f"{value:,.2f} us"


def show_mb(value):
    return "-" if value is None else f"{value:,.0f} MB"


def ratio(a, b):
    return None if a is None or b is None else a / b


def show_ratio(value):
    return "-" if value is None else f"{value:.2f}x"


def round_ratios(runs, workload, baseline, table=lambda run: run[1],
                 engine="libcrm"):
    """engine / baseline in each round where both ran."""
    out = []
    for run in runs:
        row = table(run).get(workload, {})
        if row.get(engine) and row.get(baseline):
            out.append(row[engine] / row[baseline])
    return out


def not_yet(runs, workload, engine):
    """"n/a (issue #N)" (or "n/a") if a round skipped `engine` there as
    not offered yet, else None."""
    for run in runs:
        why = run[2].get("na", {}).get(workload, {}).get(engine)
        if why is not None:
            issue = re.search(r"issue #\d+", why)
            return f"n/a ({issue.group(0)})" if issue else "n/a"
    return None


def spread_of(ratios):
    """(largest - smallest) / median, or None under two rounds."""
    if len(ratios) < 2:
        return None
    return (max(ratios) - min(ratios)) / statistics.median(ratios)


def show_spread(value):
    return "-" if value is None else f"{value * 100:.0f}%"


def has_engine(runs, engine):
    """Whether any round ran `engine`, or skipped it as not offered yet."""
    return any(engine in row for run in runs
               for table in (run[1], run[2].get("na", {}))
               for row in table.values())


def main():
    runs = [load_round(path) for path in sys.argv[1:]]
    context = runs[0][0]
    pg = has_engine(runs, "libcrm_pg")
    print(f'customers={context.get("crm_customers")} '
          f'events={context.get("crm_events")} '
          f'batch={context.get("crm_batch")} rounds={len(runs)} '
          f'date={context.get("date")} '
          f'libcrm_pg={context.get("crm_libcrm_pg", "-")}')
    print("time per operation (per row for writes and fetch_customers), "
          "median of the rounds; ratio = libcrm time / baseline time in the "
          "same round, median of the rounds; 1.00x = as fast, lower is "
          "better; spread = (largest - smallest) / median of the rounds' "
          "ratios to same work (one round: the repetitions' CV of libcrm); "
          "CPU = the same ratio of CPU times")
    header = ("| workload | libcrm | sqlite_same | sqlite (bare) | sqlite_json "
              "| vs same (<= 1.0x) | vs bare (reads <= 1.3x) | spread "
              "| vs same, CPU | met |")
    columns = 10
    if pg:
        print("libcrm_pg = libcrm on a PostgreSQL workspace; pg / libcrm = "
              "its time / libcrm's on SQLite in the same round, median of "
              "the rounds; pg spread = that ratio's (largest - smallest) / "
              "median (one round: the repetitions' CV of libcrm_pg); pg client "
              "CPU = the benchmark process's CPU time per operation (the "
              "server's is not in it)")
        header += " libcrm_pg | pg / libcrm | pg spread | pg client CPU |"
        columns += 4
    print(header)
    print("|---" * columns + "|")
    errors = [e for run in runs for e in run[3]]
    cpu_table = lambda run: run[2].get("cpu", {})  # noqa: E731
    for workload, (kind, is_read) in WORKLOADS.items():
        cells = {}
        for engine in ENGINES:
            seen = [run[1].get(workload, {}).get(engine) for run in runs]
            seen = [v for v in seen if v is not None]
            cells[engine] = statistics.median(seen) if seen else None
        if cells["libcrm"] is None:
            continue
        same = round_ratios(runs, workload, "sqlite_same")
        bare = round_ratios(runs, workload, "sqlite")
        cpu = round_ratios(runs, workload, "sqlite_same", cpu_table)
        vs_same = statistics.median(same) if same else None
        vs_bare = statistics.median(bare) if bare else None
        vs_cpu = statistics.median(cpu) if cpu else None
        spread = spread_of(same)
        if spread is None:
            spread = runs[0][2].get((workload, "libcrm"))
        ok = vs_same is not None and vs_same <= SAME_TARGET
        if is_read:
            ok = ok and vs_bare is not None and vs_bare <= BARE_READ_TARGET
        # A baseline the target needs did not run (run.sh postgres): no verdict.
        met = "met" if ok else "NOT MET"
        if vs_same is None or (is_read and vs_bare is None):
            met = "-"
        line = (f"| {workload} | {show(cells['libcrm'])} | "
                f"{show(cells['sqlite_same'])} | {show(cells['sqlite'])} | "
                f"{show(cells['sqlite_json'])} | {show_ratio(vs_same)} | "
                f"{show_ratio(vs_bare)} | {show_spread(spread)} | "
                f"{show_ratio(vs_cpu)} | {met} |")
        if pg:
            line += pg_cells(runs, workload, cells["libcrm_pg"])
        print(line)
    for error in errors:
        print("ERROR", error)
    return 1 if errors else 0


def pg_cells(runs, workload, median):
    """The libcrm_pg columns of `workload`'s line (after its "|")."""
    na = not_yet(runs, workload, "libcrm_pg")
    if median is None:
        return f" {na or '-'} | - | - | - |"
    ratios = round_ratios(runs, workload, "libcrm", engine="libcrm_pg")
    spread = spread_of(ratios)
    if spread is None:
        spread = runs[0][2].get((workload, "libcrm_pg"))
    vs = statistics.median(ratios) if ratios else None
    cpu = [run[2].get("cpu", {}).get(workload, {}).get("libcrm_pg")
           for run in runs]
    cpu = [v for v in cpu if v is not None]
    cpu = statistics.median(cpu) if cpu else None
    return (f" {show(median)} | {show_ratio(vs)} | {show_spread(spread)} | "
            f"{show(cpu)} |")


if __name__ == "__main__":
    sys.exit(main())
