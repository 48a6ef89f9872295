#!/usr/bin/env python3
"""Runs billing_dispute.py and checks its figures (the CTest test
python_billing_example): the dispute's timelines as billed and today, the
held sums, the overlap and when it was learned, and the premium count at
each month-end of 2025 today and as known at the billing run. Same
environment as the example: CRM_LIBRARY and PYTHONPATH=bindings/python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent / "billing_dispute.py"

# Lines the report must print, in this order (other lines may come between).
EXPECTED = [
    "Dispute: Ana Souza (ACC-1001), plan in 2025",
    "  as billed (known at the billing run of 2025-04-01):",
    "    basic      2025-01-01 .. 2025-02-01 (31 days)",
    "  by today's knowledge:",
    "    basic      2025-01-01 .. 2025-05-01 (120 days)",
    "  premium in 2025 as billed: 334 days",
    "  premium in 2025 by today:  245 days",
    "  billed premium while on basic: 2025-02-01 .. 2025-05-01",
    "  billed premium while on basic in total: 89 days",
    "  learned it on: 2025-04-10 (the billing system's record date)",
    "Customers on premium at each month-end (today / as known on 2025-04-01):",
]
SERIES_TODAY = [1, 2, 2, 2, 3, 2, 2, 2, 3, 2, 2, 2]
SERIES_BILLED = [1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
MONTH_ENDS = ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31",
              "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31",
              "2025-11-30", "2025-12-31"]


def main() -> int:
    run = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        print(f"FAIL: billing_dispute.py exited with {run.returncode}")
        return 1
    lines = run.stdout.splitlines()
    expected = EXPECTED + [
        f"  {day}: {today} / {billed}"
        for day, today, billed in zip(MONTH_ENDS, SERIES_TODAY, SERIES_BILLED)
    ]
    position = 0
    for line in expected:
        try:
            position = lines.index(line, position) + 1
        except ValueError:
            print(f"FAIL: missing (or out of order): {line!r}")
            return 1
    print("OK: billing_dispute.py printed every expected figure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
