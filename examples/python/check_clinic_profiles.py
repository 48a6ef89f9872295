#!/usr/bin/env python3
"""Runs clinic_profiles.py and checks what each restricted handle printed
(the CTest test python_clinic_example): the lines it must print, and that no
value a profile hides appears anywhere in that profile's part of the output.
Same environment as the example: CRM_LIBRARY and PYTHONPATH=bindings/python."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

EXAMPLE = Path(__file__).resolve().parent / "clinic_profiles.py"

NAMES = ["Ingrid Haugen", "Kari Nilsen", "Lars Berg", "Maja Dahl"]
CONTACT = ["Tromso", "Bodo", "Bergen", "Stavanger", "Sandnes",
           "Ola Haugen", "Per Nilsen", "Siri Berg", "Eirik Dahl"]
FINANCE = ["120.50", "455.25", "75.10", "300.00", "80.00", "45.00", "150.00", "400.00",
           "100.00"]
MEDICAL = ["Asthma", "Migraine", "Hypertension", "Eczema",
           "Penicillin", "Latex", "Pollen", "Peanuts", "Aspirin"]
LABS = ["lab-north", "lab-south"]

# What must never appear in the section of each profile.
HIDDEN: Dict[str, List[str]] = {
    "front_desk": FINANCE + MEDICAL + LABS,
    "finance": CONTACT + MEDICAL + LABS,
    "clinician": FINANCE + LABS,
    # lab-north: only the diagnosis of the patients referred to it (Ingrid
    # and Kari); "lab-north" itself is its actor, named in its header.
    "lab": NAMES + CONTACT + FINANCE + ["Hypertension", "Eczema", "Penicillin", "Latex",
                                        "Pollen", "Peanuts", "Aspirin", "lab-south"],
}

# Lines (regular expressions) each section must print.
EXPECTED: Dict[str, List[str]] = {
    "front_desk": [
        r"^  booked appointment #\d+: actor=desk-1 source=profile:front_desk$",
        r"^  refused writing balance: not_writable balance$",
        r"^  refused filtering on diagnosis: hidden diagnosis$",
        r"^  refused recording a payment: \S",
        r"^  patients visible: 4$",
        r"^    #\d+: .*city=Sandnes",
    ],
    "finance": [
        r"^  patients owing more than 100: 2$",
        r"^  refused sorting by city: hidden city$",
        r"^  refused writing a name: not_writable name$",
        r"^  patients visible: 4$",
        r"^    #\d+: .*balance=400\.00.*name=Lars Berg",
    ],
    "clinician": [
        r"^  patients with asthma: 1$",
        r"^  refused writing a city: not_writable city$",
        r"^  refused reading balances: hidden balance$",
        r"^    #\d+: .*allergies=Latex, Aspirin",
    ],
    "lab": [
        r"^  refused reading a patient referred elsewhere: not found$",
        r"^  refused filtering by name: hidden name$",
        r"^  refused writing a diagnosis: not_writable diagnosis$",
        r"^  patients visible: 2$",
        r"^    #\d+: diagnosis=Asthma$",
        r"^    #\d+: diagnosis=Migraine$",
        r"^  appointments per month: 2026-01: 2, 2026-02: 1$",
    ],
    "admin": [r"^  appointments per month: 2026-01: 2, 2026-02: 2, 2026-03: 3$"],
}


def sections(output: str) -> Dict[str, str]:
    parts: Dict[str, str] = {}
    name = ""
    for line in output.splitlines(keepends=True):
        header = re.match(r"^== (\w+)", line)
        if header:
            name = header.group(1)
        parts[name] = parts.get(name, "") + line
    return parts


def main() -> int:
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        print(f"FAIL: clinic_profiles.py exited with {result.returncode}", file=sys.stderr)
        return 1
    parts = sections(result.stdout)
    failures = []
    for profile, patterns in EXPECTED.items():
        text = parts.get(profile, "")
        failures += [f"{profile}: no line matches {p!r}" for p in patterns
                     if not re.search(p, text, re.MULTILINE)]
    for profile, values in HIDDEN.items():
        text = parts.get(profile, "")
        failures += [f"{profile}: shows {value!r}, which its profile hides" for value in values
                     if value in text]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print("OK: every handle printed what it may see, and nothing its profile hides")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
