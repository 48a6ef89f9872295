#!/usr/bin/env python3
"""Runs sales_report.py and checks that it succeeds and prints the three
answers with the values the sample data gives (the CTest test
python_sales_example). Same environment as the report: CRM_LIBRARY and
PYTHONPATH=bindings/python."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPORT = Path(__file__).resolve().parent / "sales_report.py"

# Lines (as regular expressions) the report must print.
EXPECTED = [
    r"^  8,800 deal events in ",
    r"^  1,425 deals without an account attached to the customer '\(no account\)'",
    r"^\(a\) Won revenue per quarter per sector",
    r"^  technology +135,309\.00 +473,893\.00 +474,737\.00 +431,548\.00 +1,515,487\.00$",
    r"^  all sectors +1,134,672\.00 +3,086,111\.00 +2,982,255\.00 +2,802,496\.00 +10,005,534\.00$",
    r"^\(b\) Win rate per sales agent",
    r"^  Hayden Neloms +107 +45 +70\.4%$",
    r"^  30 agents with closed deals; 6,711 closed deals$",
    r"^\(c\) Open deals .* top 10",
    r"^   1\. Betasoloin +14$",
    r"^  10\. \S",
    r"^Timeline of Betasoloin ",
    r"^Field fill rates",
    r"^  subsidiary_of +15 / 86 ",
]


def main() -> int:
    result = subprocess.run([sys.executable, str(REPORT)], capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        print(f"FAIL: sales_report.py exited with {result.returncode}", file=sys.stderr)
        return 1
    missing = [p for p in EXPECTED if not re.search(p, result.stdout, re.MULTILINE)]
    for pattern in missing:
        print(f"FAIL: no line matches {pattern!r}", file=sys.stderr)
    if not missing:
        print(f"OK: sales_report.py printed all {len(EXPECTED)} expected lines")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
