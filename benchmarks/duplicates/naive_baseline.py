#!/usr/bin/env python3
"""A naive duplicate finder, as a baseline figure for the test set and a
check of score_pairs.py: not libcrm's method, and not tuned to the set.

Usage: naive_baseline.py DIR/customers.csv > pairs.csv

Rows whose phones have the same last 8 digits form a block; within a block a
pair is a duplicate when the names, folded (case, accents) with their words
sorted, are similar by difflib's ratio (>= 0.8), or when the emails are the
same lower-cased. Writes CSV a,b. Python 3.11 standard library only.
"""
import csv
import difflib
import sys
import unicodedata

THRESHOLD = 0.8


def fold_name(name):
    text = unicodedata.normalize("NFKD", name.lower().replace("ø", "o")
                                 .replace("æ", "ae"))
    text = "".join(c if c.isalnum() else " " for c in text
                   if not unicodedata.combining(c))
    return " ".join(sorted(text.split()))


def main():
    blocks = {}
    with open(sys.argv[1], encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            digits = "".join(c for c in record["phone"] if c.isdigit())[-8:]
            blocks.setdefault(digits, []).append(
                (record["external_id"], fold_name(record["name"]),
                 record["email"].lower()))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("a", "b"))
    for rows in blocks.values():
        for i, (a, name_a, email_a) in enumerate(rows):
            for b, name_b, email_b in rows[i + 1:]:
                same_email = email_a and email_a == email_b
                if same_email or difflib.SequenceMatcher(
                        None, name_a, name_b).ratio() >= THRESHOLD:
                    out.writerow((a, b))


if __name__ == "__main__":
    main()
