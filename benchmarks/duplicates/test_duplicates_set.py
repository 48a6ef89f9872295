#!/usr/bin/env python3
"""CTest benchmarks_duplicates_smoke: generate_people.py at a small size,
twice, and score_pairs.py on answers whose score is known.

Checks that one seed gives byte-identical files and another seed other
files; that the stated proportions hold within 4 standard deviations of a
binomial count (a coin at the wrong probability fails); that every duplicate
is what its variations say (the same phone number, company and mailbox, the
name edited by at most the stated number of edits); the hard negatives; the
shuffle; and the scorer's counts, kinds and refusals. Times nothing.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import generate_people  # noqa: E402
import name_lists  # noqa: E402

PEOPLE = 20000
SEED = 11


def run(*args, check=True):
    return subprocess.run([sys.executable, "-B", *args], capture_output=True,
                          text=True, check=check)


def generate(out, seed=SEED, people=PEOPLE):
    run(os.path.join(HERE, "generate_people.py"), "--people", str(people),
        "--seed", str(seed), "--out", out)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def phone_number(text):
    """The national number of a Norwegian phone as written in the set."""
    digits = "".join(c for c in text if c.isdigit())
    if digits.startswith("0047"):
        digits = digits[4:]
    elif text.lstrip().startswith("+47"):
        digits = digits[2:]
    return digits


def mailbox(email):
    """The mailbox an address delivers to, as the generator's providers
    treat it (Gmail ignores dots; the sub-address providers drop +tags)."""
    local, domain = email.lower().rsplit("@", 1)
    if domain in name_lists.SUBADDRESS_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in name_lists.DOT_INSENSITIVE_DOMAINS:
        local = local.replace(".", "")
    return local, domain


def edit_distance(a, b):
    """Damerau-Levenshtein distance (unrestricted: a transposed pair may be
    edited again), Lowrance and Wagner's algorithm."""
    infinity = len(a) + len(b)
    last_row = {}
    d = [[infinity] * (len(b) + 2)]
    d += [[infinity] + list(range(len(b) + 1))]
    d += [[infinity, i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        last_column = 0
        for j in range(1, len(b) + 1):
            k, l = last_row.get(b[j - 1], 0), last_column
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost, last_column = 0, j
            d[i + 1][j + 1] = min(d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1,
                                  d[k][l] + (i - k - 1) + 1 + (j - l - 1))
        last_row[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


class GeneratedSet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="duplicates-smoke-")
        cls.dir = os.path.join(cls.tmp.name, "a")
        generate(cls.dir)
        cls.customers = read_csv(os.path.join(cls.dir, "customers.csv"))
        cls.truth = read_csv(os.path.join(cls.dir, "truth.csv"))
        cls.rows = [dict(c, **t) for c, t in zip(cls.customers, cls.truth)]
        cls.entities = {}
        for row in cls.rows:
            cls.entities.setdefault(row["entity_id"], []).append(row)
        cls.originals = {e: [r for r in rows if r["role"] == "original"]
                         for e, rows in cls.entities.items()}
        cls.duplicates = [r for r in cls.rows if r["role"] == "duplicate"]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assertNear(self, count, trials, p, what):
        """count of trials is a binomial draw of probability p (4 sigma)."""
        margin = 4 * math.sqrt(trials * p * (1 - p)) + 1
        self.assertLessEqual(abs(count - trials * p), margin,
                             f"{what}: {count} of {trials}, expected "
                             f"{trials * p:.0f} +- {margin:.0f}")

    def original(self, row):
        return self.originals[row["entity_id"]][0]

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        again = os.path.join(self.tmp.name, "again")
        other = os.path.join(self.tmp.name, "other")
        generate(again)
        generate(other, seed=SEED + 1)
        for name in ("customers.csv", "truth.csv"):
            with open(os.path.join(self.dir, name), "rb") as first, \
                    open(os.path.join(again, name), "rb") as second, \
                    open(os.path.join(other, name), "rb") as third:
                data = first.read()
                self.assertEqual(data, second.read(), f"{name} differs")
                self.assertNotEqual(data, third.read(), f"{name} ignores the seed")
        self.assertEqual(sorted(os.listdir(again)), ["customers.csv", "truth.csv"],
                         "shuffle buckets left behind")

    def test_files_line_up(self):
        self.assertEqual(len(self.customers), len(self.truth))
        self.assertEqual(list(self.customers[0]), ["external_id", "kind", "name",
                                                   "email", "phone", "company"])
        self.assertEqual(list(self.truth[0]), ["external_id", "entity_id", "role",
                                               "variations", "name_group",
                                               "company_group"])
        for c, t in zip(self.customers, self.truth):
            self.assertEqual(c["external_id"], t["external_id"])
            self.assertEqual(c["kind"], "person")
            self.assertTrue(c["name"] and c["phone"], c)
        ids = [c["external_id"] for c in self.customers]
        self.assertEqual(len(set(ids)), len(ids))
        self.assertEqual(len(self.entities), PEOPLE)
        for entity, originals in self.originals.items():
            self.assertEqual(len(originals), 1, entity)

    def test_emails_unique_as_libcrm_compares_them(self):
        emails = [c["email"].lower() for c in self.customers if c["email"]]
        self.assertEqual(len(set(emails)), len(emails))
        for email in emails:
            self.assertEqual(email.count("@"), 1, email)
            self.assertTrue(email.isascii(), email)

    def test_no_two_people_share_a_mailbox(self):
        owner = {}
        for c, t in zip(self.customers, self.truth):
            if not c["email"]:
                continue
            box = mailbox(c["email"])
            self.assertEqual(owner.setdefault(box, t["entity_id"]), t["entity_id"],
                             f"{c['email']}: another person's mailbox")

    def test_duplicate_counts(self):
        duplicated = [rows for rows in self.entities.values() if len(rows) > 1]
        self.assertNear(len(duplicated), PEOPLE, 0.10, "entities with duplicates")
        sizes = [len(rows) - 1 for rows in duplicated]
        self.assertEqual(set(sizes), {1, 2, 3})
        for size in (1, 2, 3):
            self.assertNear(sizes.count(size), len(sizes), 1 / 3,
                            f"entities with {size} duplicates")

    def test_variation_proportions(self):
        dups = self.duplicates
        n = len(dups)
        has = lambda v: sum(v in r["variations"].split(";") for r in dups)
        edits = has("edit1") + has("edit2")
        self.assertNear(edits, n, 0.5, "name edits")
        self.assertNear(has("edit1"), edits, 0.5, "one edit of the edits")
        self.assertNear(has("swap"), n, 0.1, "swaps")
        self.assertNear(has("phone_format"), n, 0.5, "phone reformats")
        self.assertNear(has("email_dropped"), n, 0.2, "emails dropped")
        # A domain change whose every try is taken is rare; it is "taken".
        self.assertNear(has("email_domain"), n, 0.2, "domain changes")
        eligible = [r for r in dups
                    if self.original(r)["name"].split()[0].title() in
                    {g.title() for g in name_lists.NICKNAMES}]
        self.assertGreater(len(eligible), 100, "too few nickname-able names")
        nicknamed = sum("nickname" in r["variations"].split(";") for r in eligible)
        self.assertNear(nicknamed, len(eligible), 0.1, "nicknames")
        self.assertEqual(has("nickname"), nicknamed)
        for row in dups:
            emails = [v for v in row["variations"].split(";") if v.startswith("email_")]
            self.assertEqual(len(emails), 1, row)

    def test_duplicates_are_what_variations_say(self):
        for dup in self.duplicates:
            original = self.original(dup)
            variations = set(dup["variations"].split(";"))
            # The same number and company always; the text as stated.
            self.assertEqual(phone_number(dup["phone"]),
                             phone_number(original["phone"]), dup)
            self.assertEqual(len(phone_number(dup["phone"])), 8, dup)
            self.assertEqual(dup["phone"] != original["phone"],
                             "phone_format" in variations, dup)
            self.assertEqual(dup["company"], original["company"], dup)
            if variations & {"email_dropped", "email_taken"}:
                self.assertEqual(dup["email"], "", dup)
            elif "email_domain" in variations:
                self.assertEqual(dup["email"].lower().split("@")[0],
                                 original["email"].lower().split("@")[0], dup)
                self.assertNotEqual(dup["email"].lower().split("@")[1],
                                    original["email"].lower().split("@")[1], dup)
            else:
                self.assertIn("email_alias", variations)
                self.assertEqual(mailbox(dup["email"]), mailbox(original["email"]),
                                 dup)
                self.assertNotEqual(dup["email"].lower(), original["email"].lower())
            name, base = dup["name"].lower(), original["name"].lower()
            if not variations & {"edit1", "edit2", "swap", "nickname", "name_case"}:
                self.assertEqual(dup["name"], original["name"], dup)
            if not variations & {"edit1", "edit2", "nickname"}:
                given, family = base.split(" ", 1)
                self.assertEqual(name, f"{family} {given}" if "swap" in variations
                                 else base, dup)
            for edits in (1, 2):
                if variations & {f"edit{edits}"} and not variations & {"swap",
                                                                       "nickname"}:
                    self.assertIn(edit_distance(name, base), range(1, edits + 1), dup)

    def test_namesakes(self):
        groups = {}
        for entity, (row,) in self.originals.items():
            if row["name_group"]:
                groups.setdefault(row["name_group"], []).append(row)
        self.assertNear(2 * len(groups), PEOPLE, 0.05, "namesake entities")
        for rows in groups.values():
            self.assertEqual(len(rows), 2, rows)
            a, b = rows
            self.assertEqual(a["name"].lower(), b["name"].lower())
            self.assertNotEqual(phone_number(a["phone"]), phone_number(b["phone"]))
            self.assertNotEqual(a["email"].lower(), b["email"].lower())
            self.assertFalse(a["company_group"] or b["company_group"])
        names = {row["name"].lower() for (row,) in self.originals.values()}
        self.assertLess(len(names), 0.95 * PEOPLE, "names should repeat")
        self.assertGreater(len(names), 0.5 * PEOPLE, "names too alike")

    def test_colleagues_share_company_and_switchboard(self):
        groups = {}
        for entity, (row,) in self.originals.items():
            if row["company_group"]:
                groups.setdefault(row["company_group"], []).append(row)
        colleagues = sum(len(rows) for rows in groups.values())
        self.assertNear(colleagues, PEOPLE, 0.20, "colleague entities")
        phones_of_groups = {}
        for rows in groups.values():
            self.assertTrue(2 <= len(rows) <= 20, len(rows))
            numbers = {phone_number(r["phone"]) for r in rows}
            self.assertEqual(len(numbers), 1, rows)
            cores = {r["company"].split()[0].lower() for r in rows}
            self.assertEqual(len(cores), 1, rows)
            self.assertEqual(len({r["name"].lower() for r in rows}), len(rows))
            phones_of_groups[numbers.pop()] = rows
        # Everyone else has a number of their own.
        others = [phone_number(row["phone"]) for (row,) in self.originals.values()
                  if not row["company_group"]]
        self.assertEqual(len(set(others)), len(others))
        self.assertFalse(set(others) & set(phones_of_groups))

    def test_rows_are_shuffled(self):
        adjacent = sum(a["entity_id"] == b["entity_id"]
                       for a, b in zip(self.rows, self.rows[1:]))
        self.assertLess(adjacent, 10)
        first_half = [int(r["entity_id"]) for r in self.rows[:len(self.rows) // 2]]
        self.assertNear(sum(e <= PEOPLE // 2 for e in first_half), len(first_half),
                        0.5, "entities of the first half in the first half")


class Scorer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="duplicates-score-")
        generate(cls.tmp.name, people=3000)
        cls.truth_path = os.path.join(cls.tmp.name, "truth.csv")
        cls.truth = read_csv(cls.truth_path)
        cls.clusters = {}
        for row in cls.truth:
            cls.clusters.setdefault(row["entity_id"], []).append(row["external_id"])
        cls.entity_of = {r["external_id"]: r["entity_id"] for r in cls.truth}
        cls.true_pairs = [(a, b) for ids in cls.clusters.values()
                          for i, a in enumerate(ids) for b in ids[i + 1:]]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def score(self, *args, check=True):
        result = run(os.path.join(HERE, "score_pairs.py"), "--truth",
                     self.truth_path, *args, check=check)
        return json.loads(result.stdout) if check else result

    def pairs_file(self, name, pairs, header="a,b"):
        return self.write(name, header + "\n" +
                          "".join(f"{a},{b}\n" for a, b in pairs))

    def cross_pair(self, column):
        """Two rows of different entities sharing `column` (a group)."""
        by_group = {}
        for row in self.truth:
            if row[column]:
                by_group.setdefault(row[column], {}).setdefault(
                    row["entity_id"], row["external_id"])
        for entities in by_group.values():
            if len(entities) >= 2:
                return tuple(list(entities.values())[:2])
        self.fail(f"no two entities share a {column}")

    def test_truth_itself_scores_one(self):
        result = self.score("--pairs", self.pairs_file("all.csv", self.true_pairs))
        self.assertEqual(result["true_pairs"], len(self.true_pairs))
        self.assertEqual(result["true_positives"], len(self.true_pairs))
        self.assertEqual((result["precision"], result["recall"]), (1.0, 1.0))
        for kind, counts in result["recall_by_variation"].items():
            self.assertEqual(counts["recall"], 1.0, kind)
        self.assertIn("edit1", result["recall_by_variation"])
        clusters = self.write("all.txt", "".join(",".join(ids) + "\n"
                                                 for ids in self.clusters.values()))
        self.assertEqual(self.score("--clusters", clusters)["true_positives"],
                         len(self.true_pairs))

    def test_misses_and_false_positives_counted_by_kind(self):
        kept = self.true_pairs[: len(self.true_pairs) // 2]
        colleague = self.cross_pair("company_group")
        namesake = self.cross_pair("name_group")
        loners = [r["external_id"] for r in self.truth
                  if not r["company_group"] and not r["name_group"]]
        other = (loners[0], next(x for x in loners
                                 if self.entity_of[x] != self.entity_of[loners[0]]))
        # Reversed and repeated pairs count once; a self pair is ignored.
        answer = (kept + [(b, a) for a, b in kept[:5]] +
                  [colleague, namesake, other, (other[0], other[0])])
        result = self.score("--pairs", self.pairs_file("half.csv", answer,
                                                       header="a,b,score"))
        self.assertEqual(result["found_pairs"], len(kept) + 3)
        self.assertEqual(result["true_positives"], len(kept))
        self.assertEqual(result["false_negatives"],
                         len(self.true_pairs) - len(kept))
        self.assertEqual(result["ignored"], {"self_pairs": 1, "repeated_pairs": 5})
        self.assertEqual(result["false_positives_by_kind"]["colleagues"], 1)
        self.assertEqual(result["false_positives_by_kind"]["namesakes"], 1)
        self.assertEqual(result["false_positives_by_kind"]["other"], 1)
        self.assertAlmostEqual(result["recall"], len(kept) / len(self.true_pairs),
                               places=5)
        missed = result["recall_by_variation"]
        self.assertLess(min(v["recall"] for v in missed.values()), 1.0)

    def test_clusters_score_as_their_pairs(self):
        # Merge two colleagues' entities and a namesake pair's entities.
        groups = list(self.clusters.values())
        colleague = self.cross_pair("company_group")
        namesake = self.cross_pair("name_group")
        entity_of = self.entity_of
        merged = []
        for a, b in (colleague, namesake):
            merged.append(self.clusters[entity_of[a]] + self.clusters[entity_of[b]])
        skip = {entity_of[x] for pair in (colleague, namesake) for x in pair}
        clusters = merged + [ids for e, ids in self.clusters.items() if e not in skip]
        clusters_path = self.write("merged.txt",
                                   "".join(",".join(c) + "\n" for c in clusters))
        pairs = [(a, b) for ids in clusters for i, a in enumerate(ids)
                 for b in ids[i + 1:]]
        by_clusters = self.score("--clusters", clusters_path)
        by_pairs = self.score("--pairs", self.pairs_file("merged.csv", pairs))
        for key in ("found_pairs", "true_positives", "false_positives_by_kind",
                    "recall_by_variation", "precision", "recall"):
            self.assertEqual(by_clusters[key], by_pairs[key], key)
        self.assertEqual(by_clusters["recall"], 1.0)
        self.assertGreater(by_clusters["false_positives_by_kind"]["colleagues"], 0)
        self.assertGreater(by_clusters["false_positives_by_kind"]["namesakes"], 0)
        self.assertEqual(by_clusters["false_positives_by_kind"]["other"], 0)
        self.assertEqual(len(groups), len(clusters) + 2)

    def test_unknown_id_and_missing_column_refused(self):
        bad = self.score("--pairs", self.pairs_file("bad.csv", [("P0000001", "nobody")]),
                         check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("nobody", bad.stderr)
        no_b = self.score("--pairs", self.write("no_b.csv", "a,c\nP0000001,P0000002\n"),
                          check=False)
        self.assertEqual(no_b.returncode, 2)
        twice = self.write("twice.txt", "P0000001,P0000002\nP0000002,P0000003\n")
        self.assertEqual(self.score("--clusters", twice, check=False).returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
