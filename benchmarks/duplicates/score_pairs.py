#!/usr/bin/env python3
"""Scores duplicates a tool found against generate_people.py's truth.

Usage: score_pairs.py --truth DIR/truth.csv --pairs PAIRS.csv
                      [--examples K] [--customers DIR/customers.csv]
       score_pairs.py --truth DIR/truth.csv --clusters CLUSTERS.txt ...

--pairs: CSV with a header naming columns `a` and `b` (external ids, in
either order; other columns are ignored), one pair the tool calls duplicates
per row. --clusters: one cluster per line, its external ids separated by
commas (blank lines and lines starting with '#' skipped; a row in two
clusters is an error); a cluster of k rows claims its k (k - 1) / 2 pairs.

Truth pairs are all pairs of rows of one entity (an entity of 3 rows makes 3
pairs). Prints JSON to stdout: the counts, precision and recall, recall by
variation (of a true pair: the variations of its two rows together) and by
kind of pair, the false positives by kind of hard negative (colleagues: same
company and switchboard; namesakes: a full name given to two people), and a
few examples of misses and false positives (with --customers, each with
its two rows as customers.csv holds them). Exit status 2 on input it
cannot use (an id not in the truth, a missing column). Python 3.11 standard
library only.
"""
import argparse
import array
import csv
import json
import sys


class Truth:
    """truth.csv in arrays indexed by row number (its order in the file)."""

    def __init__(self, path):
        self.row_of = {}          # external id -> row
        self.ids = []             # row -> external id
        self.entity = array.array("l")
        self.duplicate = array.array("b")
        self.variations = array.array("l")   # row -> index in variation_sets
        self.variation_sets = []
        self.name_group = array.array("l")   # 0: none
        self.company_group = array.array("l")
        interned = {"": 0}
        entity_numbers, set_numbers = {}, {}
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            need = {"external_id", "entity_id", "variations", "name_group",
                    "company_group", "role"}
            missing = need - set(reader.fieldnames or ())
            if missing:
                fail(f"{path}: no column {', '.join(sorted(missing))}")
            for record in reader:
                external_id = record["external_id"]
                if external_id in self.row_of:
                    fail(f"{path} line {reader.line_num}: external_id "
                         f"{external_id} twice")
                self.row_of[external_id] = len(self.ids)
                self.ids.append(external_id)
                self.entity.append(entity_numbers.setdefault(
                    record["entity_id"], len(entity_numbers)))
                self.duplicate.append(record["role"] == "duplicate")
                text = record["variations"]
                if text not in set_numbers:
                    set_numbers[text] = len(self.variation_sets)
                    self.variation_sets.append(
                        frozenset(v for v in text.split(";") if v))
                self.variations.append(set_numbers[text])
                for column, target in (("name_group", self.name_group),
                                       ("company_group", self.company_group)):
                    target.append(interned.setdefault(record[column],
                                                      len(interned)))
        self.entities = len(entity_numbers)

    def rows_by_entity(self):
        """Rows of each entity with more than one, entities in the order of
        their first row."""
        counts = array.array("l", [0]) * self.entities
        for entity in self.entity:
            counts[entity] += 1
        rows = {}
        for row, entity in enumerate(self.entity):
            if counts[entity] > 1:
                rows.setdefault(entity, []).append(row)
        return list(rows.values())

    def hard_negative(self, x, y):
        """The kind of a pair of rows of two entities."""
        if self.company_group[x] and self.company_group[x] == self.company_group[y]:
            return "colleagues"
        if self.name_group[x] and self.name_group[x] == self.name_group[y]:
            return "namesakes"
        return "other"


class Pairs:
    """A tool's pairs, each pair of rows once."""

    def __init__(self, path, truth):
        self.keys = set()
        self.order = []          # (x, y) in file order, for examples
        self.self_pairs = self.repeated = 0
        size = len(truth.ids)
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not {"a", "b"} <= set(reader.fieldnames or ()):
                fail(f"{path}: the header must name columns a and b")
            for record in reader:
                x = row_or_fail(truth, record["a"], path, reader.line_num)
                y = row_or_fail(truth, record["b"], path, reader.line_num)
                if x == y:
                    self.self_pairs += 1
                    continue
                x, y = min(x, y), max(x, y)
                key = x * size + y
                if key in self.keys:
                    self.repeated += 1
                    continue
                self.keys.add(key)
                self.order.append((x, y))
        self.size = size

    def count(self):
        return len(self.keys)

    def contains(self, x, y):
        return min(x, y) * self.size + max(x, y) in self.keys

    def score(self, truth, examples):
        true_positives, by_kind, samples = 0, {}, []
        for x, y in self.order:
            if truth.entity[x] == truth.entity[y]:
                true_positives += 1
                continue
            kind = truth.hard_negative(x, y)
            by_kind[kind] = by_kind.get(kind, 0) + 1
            if len(samples) < examples:
                samples.append(example(truth, x, y, kind=kind))
        return true_positives, by_kind, samples

    def ignored(self):
        return {"self_pairs": self.self_pairs, "repeated_pairs": self.repeated}


class Clusters:
    """A tool's clusters: every pair within one is claimed."""

    def __init__(self, path, truth):
        self.cluster_of = array.array("l", [-1]) * len(truth.ids)
        self.members = []
        with open(path, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                rows = []
                for external_id in line.split(","):
                    row = row_or_fail(truth, external_id.strip(), path,
                                      line_number)
                    if self.cluster_of[row] != -1:
                        fail(f"{path} line {line_number}: {external_id.strip()} "
                             f"is in an earlier cluster too")
                    self.cluster_of[row] = len(self.members)
                    rows.append(row)
                self.members.append(rows)

    def count(self):
        return sum(len(rows) * (len(rows) - 1) // 2 for rows in self.members)

    def contains(self, x, y):
        return self.cluster_of[x] != -1 and self.cluster_of[x] == self.cluster_of[y]

    def score(self, truth, examples):
        """Counts by grouping each cluster's rows: pairs within an entity are
        true; pairs within a company or name group but across entities are
        that kind of false positive (an entity lies within its groups)."""
        true_positives, by_kind, samples = 0, {}, []
        for rows in self.members:
            pairs = len(rows) * (len(rows) - 1) // 2
            within_entity = pairs_within(rows, truth.entity)
            colleagues = pairs_within(rows, truth.company_group, skip_zero=True)
            namesakes = pairs_within(rows, truth.name_group, skip_zero=True)
            # Pairs of one entity inside a group are not hard negatives.
            entity_in_company = pairs_within(
                [r for r in rows if truth.company_group[r]], truth.entity)
            entity_in_names = pairs_within(
                [r for r in rows if truth.name_group[r]], truth.entity)
            true_positives += within_entity
            counts = {"colleagues": colleagues - entity_in_company,
                      "namesakes": namesakes - entity_in_names}
            counts["other"] = (pairs - within_entity - counts["colleagues"] -
                               counts["namesakes"])
            for kind, count in counts.items():
                if count:
                    by_kind[kind] = by_kind.get(kind, 0) + count
            for i, x in enumerate(rows):
                if len(samples) >= examples:
                    break
                for y in rows[i + 1:]:
                    if truth.entity[x] != truth.entity[y] and len(samples) < examples:
                        samples.append(example(truth, x, y,
                                               kind=truth.hard_negative(x, y)))
        return true_positives, by_kind, samples

    def ignored(self):
        return {}


def pairs_within(rows, labels, skip_zero=False):
    counts = {}
    for row in rows:
        label = labels[row]
        if skip_zero and not label:
            continue
        counts[label] = counts.get(label, 0) + 1
    return sum(n * (n - 1) // 2 for n in counts.values())


def row_or_fail(truth, external_id, path, line):
    row = truth.row_of.get(external_id)
    if row is None:
        fail(f"{path} line {line}: external id {external_id!r} is not in the truth")
    return row


def example(truth, x, y, **extra):
    return {"a": truth.ids[x], "b": truth.ids[y],
            "variations": ";".join(sorted(truth.variation_sets[truth.variations[x]] |
                                          truth.variation_sets[truth.variations[y]])),
            **extra}


def ratio(part, whole):
    return round(part / whole, 6) if whole else None


def score(truth, prediction, examples):
    true_pairs = 0
    by_variation, by_pair = {}, {}
    missed = []
    for rows in truth.rows_by_entity():
        for i, x in enumerate(rows):
            for y in rows[i + 1:]:
                true_pairs += 1
                found = prediction.contains(x, y)
                pair_kind = ("duplicate-duplicate"
                             if truth.duplicate[x] and truth.duplicate[y]
                             else "original-duplicate")
                tally(by_pair, pair_kind, found)
                variations = (truth.variation_sets[truth.variations[x]] |
                              truth.variation_sets[truth.variations[y]])
                for variation in variations:
                    tally(by_variation, variation, found)
                if not found and len(missed) < examples:
                    missed.append(example(truth, x, y))
    found_pairs = prediction.count()
    true_positives, false_by_kind, false_examples = prediction.score(truth, examples)
    precision = ratio(true_positives, found_pairs)
    recall = ratio(true_positives, true_pairs)
    f1 = (round(2 * precision * recall / (precision + recall), 6)
          if precision and recall else None)
    return {
        "rows": len(truth.ids),
        "entities": truth.entities,
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
        "true_positives": true_positives,
        "false_positives": found_pairs - true_positives,
        "false_negatives": true_pairs - true_positives,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_by_variation": finish(by_variation),
        "recall_by_pair": finish(by_pair),
        "false_positives_by_kind": {k: false_by_kind.get(k, 0)
                                    for k in ("colleagues", "namesakes", "other")},
        "ignored": prediction.ignored(),
        "missed_examples": missed,
        "false_positive_examples": false_examples,
    }


def tally(table, key, found):
    counts = table.setdefault(key, [0, 0])
    counts[0] += 1
    counts[1] += found


def finish(table):
    return {key: {"pairs": pairs, "found": found, "recall": ratio(found, pairs)}
            for key, (pairs, found) in sorted(table.items())}


def add_rows(examples, customers_path):
    """Gives each example its two rows (name, email, phone, company)."""
    wanted = {e[side] for e in examples for side in ("a", "b")}
    rows = {}
    with open(customers_path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["external_id"] in wanted:
                rows[record["external_id"]] = {
                    key: record.get(key, "")
                    for key in ("name", "email", "phone", "company")}
    for e in examples:
        e["rows"] = [rows.get(e["a"]), rows.get(e["b"])]


def fail(message):
    print(f"score_pairs.py: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", required=True, help="truth.csv of the set")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--pairs", help="CSV with columns a,b")
    source.add_argument("--clusters", help="one cluster per line, ids by commas")
    parser.add_argument("--examples", type=int, default=10,
                        help="misses and false positives to list (default 10)")
    parser.add_argument("--customers",
                        help="customers.csv of the set: show the examples' rows")
    args = parser.parse_args()
    truth = Truth(args.truth)
    if args.pairs:
        prediction = Pairs(args.pairs, truth)
    else:
        prediction = Clusters(args.clusters, truth)
    result = score(truth, prediction, max(0, args.examples))
    if args.customers:
        add_rows(result["missed_examples"] + result["false_positive_examples"],
                 args.customers)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
