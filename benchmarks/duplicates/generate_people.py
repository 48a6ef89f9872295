#!/usr/bin/env python3
"""Generates the duplicates test set of issue #24: customers as a Norwegian
CRM holds them, some of them duplicates of others, and the truth.

Usage: generate_people.py --people N --seed S --out DIR

Writes DIR/customers.csv (external_id,kind,name,email,phone,company) and
DIR/truth.csv (external_id,entity_id,role,variations,name_group,
company_group), and prints a summary to stderr. N is the number of distinct
people (entities); with their duplicates the file holds about 1.2 N rows.
The same N and seed give byte-identical files (one random.Random(seed), no
clock, no hash or set order); rows are streamed to shuffle buckets in DIR,
so memory stays small but for the set of emails taken.

What the set is and why: benchmarks/duplicates/README.md. Python 3.11
standard library only.
"""
import argparse
import bisect
import csv
import math
import os
import random
import sys
import time
import unicodedata

import name_lists

# Issue #24's proportions.
DUPLICATED_SHARE = 0.10          # entities with 1 to MAX_DUPLICATES duplicates
MAX_DUPLICATES = 3
P_NAME_EDIT = 0.50               # 1 or 2 character edits, even odds
P_SWAP = 0.10                    # "Family Given"
P_NICKNAME = 0.10                # where the given name has one
P_PHONE_FORMAT = 0.50            # the same number written another way
P_EMAIL_DOMAIN = 0.20            # the same local part at another provider
P_EMAIL_DROP = 0.20              # no email (exclusive with the domain change)
NAMESAKE_SHARE = 0.05            # entities in pairs sharing a full name
COLLEAGUE_SHARE = 0.20           # entities in companies with a switchboard
COLLEAGUE_GROUP = (2, 20)        # colleagues per company, uniform
SOLE_COMPANY_SHARE = 0.10        # other people with a company of their own
# Realistic noise on every row (not a duplicate variation, but recorded as
# "name_case" when a duplicate's differs from its original's).
P_NAME_LOWER = 0.02
P_NAME_UPPER = 0.02
P_EMAIL_CAPITALISED = 0.03
NAMESAKE_POOL = 40               # the "common" names: top ranks of each list

ROWS_PER_BUCKET = 100_000
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Letters NFKD does not decompose, as an email address writes them.
ASCII_LETTERS = {"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "ł": "l",
                 "đ": "d", "þ": "th", "ı": "i", "œ": "oe"}

MOBILE_PREFIXES = ("40", "41", "45", "46", "47", "48", "90", "91", "92",
                   "93", "94", "95", "96", "97", "98", "99")
LANDLINE_PREFIXES = ("21", "22", "23", "31", "32", "33", "35", "37", "38",
                     "51", "52", "53", "55", "56", "57", "61", "62", "63",
                     "64", "67", "69", "70", "71", "72", "73", "74", "75",
                     "77")
# Ways one number is written: digit groups (widths) after an optional
# prefix, by share. Mobile numbers group 3-2-3, landlines 2-2-2-2.
MOBILE_FORMATS = ((("+47 ", (3, 2, 3)), 30), (("", (8,)), 25),
                  (("", (3, 2, 3)), 20), (("+47", (8,)), 10),
                  (("0047 ", (3, 2, 3)), 5), (("+47 ", (2, 2, 2, 2)), 5),
                  (("", (2, 2, 2, 2)), 5))
LANDLINE_FORMATS = ((("+47 ", (2, 2, 2, 2)), 30), (("", (8,)), 20),
                    (("", (2, 2, 2, 2)), 30), (("+47", (8,)), 10),
                    (("0047 ", (2, 2, 2, 2)), 5), (("+47 ", (8,)), 5))
# Local parts of private addresses, by share: g given, f family, gi and fi
# their initials, yy two digits of a birth year.
PRIVATE_LOCALS = (("{g}.{f}", 40), ("{g}{f}", 12), ("{g}_{f}", 3),
                  ("{gi}.{f}", 6), ("{gi}{f}", 6), ("{g}.{f}{yy}", 10),
                  ("{g}{yy}", 6), ("{f}.{g}", 5), ("{g}{fi}{yy}", 4),
                  ("{g}.{f}.{yy}", 4), ("{g}", 4))
WORK_LOCALS = (("{g}.{f}", 60), ("{gi}{f}", 12), ("{g}", 10),
               ("{g}{fi}", 8), ("{gi}{fi}", 5), ("{f}", 5))
COMPANY_TLDS = {"AB": ".se", "ApS": ".dk", "GmbH": ".de", "Ltd": ".co.uk",
                "Oy": ".fi"}


class Weighted:
    """Draws items by weight with one random() and a bisect."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative, total = [], 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cumulative,
                                              rng.random() * self.total)]


def zipf(items, offset):
    """Weights 1 / (rank + offset): the first items common, the tail rare."""
    return Weighted(items, [1.0 / (rank + offset) for rank in range(len(items))])


def family_names():
    """The common names in order, then farm names (prefix + suffix) not
    already there, in a fixed pseudo-random order as the rare tail."""
    names = list(dict.fromkeys(name_lists.COMMON_FAMILY_NAMES))
    known = set(names)
    farms = []
    for prefix in name_lists.FARM_PREFIXES:
        for suffix in name_lists.FARM_SUFFIXES:
            name = prefix + suffix
            head = prefix.lower()
            # Not "Engeng", "Lilien", "Sandd...": the parts must not echo.
            if (name not in known and head[-1] != suffix[0] and
                    not suffix.startswith(head) and not head.endswith(suffix) and
                    not suffix.startswith(head[-2:])):
                known.add(name)
                farms.append(name)
    random.Random(24).shuffle(farms)
    return names, farms


def ascii_fold(text):
    """Lower-case ASCII as an email address writes a name: "Bjørn Sæther" ->
    "bjørn" -> "bjorn", "O'Brien" -> "obrien"."""
    out = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if char in ASCII_LETTERS:
            out.append(ASCII_LETTERS[char])
        elif char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
    return "".join(out)


class Affine:
    """A permutation of 0..size-1, i -> (a i + b) mod size: distinct inputs
    give distinct numbers, so phones are unique by construction."""

    def __init__(self, rng, size):
        self.size = size
        while True:
            self.a = rng.randrange(size // 3, size)
            if math.gcd(self.a, size) == 1:
                break
        self.b = rng.randrange(size)

    def __call__(self, index):
        if index >= self.size:
            raise SystemExit(f"more than {self.size} numbers asked for")
        return (self.a * index + self.b) % self.size


def write_phone(digits, layout):
    prefix, widths = layout
    groups, at = [], 0
    for width in widths:
        groups.append(digits[at:at + width])
        at += width
    return prefix + " ".join(groups)


class Generator:
    """Makes entities and their rows in order, each row to a random shuffle
    bucket. Not thread-safe; one instance per run."""

    def __init__(self, people, seed, out_dir):
        self.rng = random.Random(seed)
        self.people = people
        self.out_dir = out_dir
        rng = self.rng
        self.given = zipf(name_lists.GIVEN_NAMES, 10)
        common, farms = family_names()
        # The tail (farm names) holds about a third of the weight.
        tail_weight = 1.5 / len(farms)
        self.family = Weighted(
            common + farms,
            [1.0 / (rank + 25) for rank in range(len(common))] +
            [tail_weight] * len(farms))
        self.common_given = name_lists.GIVEN_NAMES[:NAMESAKE_POOL]
        self.common_family = common[:NAMESAKE_POOL]
        self.company_words = tuple(name_lists.COMPANY_WORDS) + tuple(common + farms)
        self.private_domains = Weighted(
            [d for d, _ in name_lists.PRIVATE_DOMAINS],
            [w for _, w in name_lists.PRIVATE_DOMAINS])
        self.private_locals = Weighted([p for p, _ in PRIVATE_LOCALS],
                                       [w for _, w in PRIVATE_LOCALS])
        self.work_locals = Weighted([p for p, _ in WORK_LOCALS],
                                    [w for _, w in WORK_LOCALS])
        self.legal_forms = Weighted(
            [(form, spellings) for form, _, spellings in name_lists.LEGAL_FORMS],
            [w for _, w, _ in name_lists.LEGAL_FORMS])
        self.mobile_formats = Weighted([f for f, _ in MOBILE_FORMATS],
                                       [w for _, w in MOBILE_FORMATS])
        self.landline_formats = Weighted([f for f, _ in LANDLINE_FORMATS],
                                         [w for _, w in LANDLINE_FORMATS])
        self.mobile_of = Affine(rng, len(MOBILE_PREFIXES) * 1_000_000)
        self.switchboard_of = Affine(rng, len(LANDLINE_PREFIXES) * 10_000)
        self.slot_group, self.slot_pair = slot_probabilities()
        # Every email written, lower-cased: libcrm's email field is unique
        # (compared lower-cased), so no two rows may hold one address. And
        # every mailbox taken (mailbox()): two people never share one, as
        # "ola.nordmann@gmail.com" and "olanordmann@gmail.com" are one Gmail
        # mailbox.
        self.emails = set()
        self.mailboxes = set()
        self.company_names = set()
        self.company_domains = set()
        self.buckets = max(1, math.ceil(people * 1.2 / ROWS_PER_BUCKET))
        self.bucket_files = [
            open(self.bucket_path(b), "w", encoding="utf-8", newline="\n")
            for b in range(self.buckets)]
        self.stats = {
            "entities": 0, "rows": 0, "duplicate_rows": 0, "duplicated_entities": 0,
            "true_pairs": 0, "namesake_entities": 0, "namesake_pairs": 0,
            "colleague_entities": 0, "companies_with_switchboard": 0,
            "colleague_pairs": 0, "sole_companies": 0, "nickname_eligible": 0}
        self.variation_counts = {}

    def bucket_path(self, bucket):
        return os.path.join(self.out_dir, f".shuffle-{bucket:03d}.tmp")

    # --- entities --------------------------------------------------------

    def run(self):
        entity_id = 0
        people = self.people
        rng = self.rng
        while entity_id < people:
            left = people - entity_id
            draw = rng.random()
            if draw < self.slot_group and left >= 2:
                size = min(left, rng.randint(*COLLEAGUE_GROUP))
                self.company_group(entity_id, size)
                entity_id += size
            elif draw < self.slot_group + self.slot_pair and left >= 2:
                self.namesake_pair(entity_id)
                entity_id += 2
            else:
                self.single(entity_id)
                entity_id += 1
        for handle in self.bucket_files:
            handle.close()

    def single(self, index):
        given, family = self.given.pick(self.rng), self.family.pick(self.rng)
        company = ""
        if self.rng.random() < SOLE_COMPANY_SHARE:
            company = self.new_company()
            self.stats["sole_companies"] += 1
        self.emit_entity(index, given, family, self.private_email(given, family),
                         self.mobile(index), company, "", "")

    def namesake_pair(self, index):
        given = self.rng.choice(self.common_given)
        family = self.rng.choice(self.common_family)
        rows = []
        for member in (index, index + 1):
            rows.append(self.emit_entity(
                member, given, family, self.private_email(given, family),
                self.mobile(member), "", str(index + 1), ""))
        self.stats["namesake_entities"] += 2
        self.stats["namesake_pairs"] += rows[0] * rows[1]

    def company_group(self, index, size):
        company = self.new_company()
        group = str(index + 1)
        switchboard = ("landline",
                       self.landline_digits(self.stats["companies_with_switchboard"]))
        self.stats["companies_with_switchboard"] += 1
        names = set()
        row_counts = []
        for member in range(index, index + size):
            while True:
                given, family = self.given.pick(self.rng), self.family.pick(self.rng)
                if (given, family) not in names:
                    names.add((given, family))
                    break
            email = self.work_email(given, family, company[2])
            row_counts.append(self.emit_entity(member, given, family, email,
                                               switchboard, company, "", group))
        self.stats["colleague_entities"] += size
        total = sum(row_counts)
        self.stats["colleague_pairs"] += (
            total * total - sum(r * r for r in row_counts)) // 2

    def emit_entity(self, index, given, family, email, phone, company,
                    name_group, company_group):
        """Writes the entity's original row and its duplicates; returns how
        many rows it has."""
        rng = self.rng
        entity = str(index + 1)
        self.stats["entities"] += 1
        if given in name_lists.NICKNAMES:
            self.stats["nickname_eligible"] += 1
        name_case = self.name_case()
        company_text = self.company_text(company) if company else ""
        phone_layout = self.phone_formats(phone).pick(rng)
        phone_text = write_phone(phone[1], phone_layout)
        self.emit(apply_case(f"{given} {family}", name_case),
                  self.capitalise_sometimes(email), phone_text, company_text,
                  entity, "original", "", name_group, company_group)
        duplicates = 0
        if rng.random() < DUPLICATED_SHARE:
            duplicates = rng.randint(1, MAX_DUPLICATES)
            self.stats["duplicated_entities"] += 1
        for _ in range(duplicates):
            self.emit_duplicate(given, family, name_case, email, phone,
                                phone_layout, company_text, entity, name_group,
                                company_group)
        rows = 1 + duplicates
        self.stats["true_pairs"] += rows * (rows - 1) // 2
        return rows

    def emit_duplicate(self, given, family, name_case, email, phone,
                       phone_layout, company_text, entity, name_group,
                       company_group):
        """One duplicate: each variation an independent coin (issue #24)."""
        rng = self.rng
        variations = []
        if rng.random() < P_NICKNAME and given in name_lists.NICKNAMES:
            given = rng.choice(name_lists.NICKNAMES[given])
            variations.append("nickname")
        if rng.random() < P_SWAP:
            name = f"{family} {given}"
            variations.append("swap")
        else:
            name = f"{given} {family}"
        if rng.random() < P_NAME_EDIT:
            edits = rng.randint(1, 2)
            name = edit_name(rng, name, edits)
            variations.append(f"edit{edits}")
        case = self.name_case()
        if case != name_case:
            variations.append("name_case")
        name = apply_case(name, case)

        phone_text = write_phone(phone[1], phone_layout)
        if rng.random() < P_PHONE_FORMAT:
            formats = self.phone_formats(phone)
            while True:
                layout = formats.pick(rng)
                text = write_phone(phone[1], layout)
                if text != phone_text:
                    phone_text = text
                    break
            variations.append("phone_format")

        draw = rng.random()
        if draw < P_EMAIL_DROP:
            email_text = ""
            variations.append("email_dropped")
        elif draw < P_EMAIL_DROP + P_EMAIL_DOMAIN:
            email_text = self.other_domain(email)
            variations.append("email_domain" if email_text else "email_taken")
        else:
            email_text = self.alias(email)
            variations.append("email_alias" if email_text else "email_taken")
        if email_text:
            email_text = self.capitalise_sometimes(email_text)

        for variation in variations:
            self.variation_counts[variation] = (
                self.variation_counts.get(variation, 0) + 1)
        self.stats["duplicate_rows"] += 1
        self.emit(name, email_text, phone_text, company_text, entity,
                  "duplicate", ";".join(variations), name_group, company_group)

    def emit(self, *fields):
        self.stats["rows"] += 1
        handle = self.bucket_files[self.rng.randrange(self.buckets)]
        handle.write("\x1f".join(fields))
        handle.write("\n")

    # --- names, phones, companies, emails -------------------------------

    def name_case(self):
        draw = self.rng.random()
        if draw < P_NAME_LOWER:
            return "lower"
        if draw < P_NAME_LOWER + P_NAME_UPPER:
            return "upper"
        return "as_is"

    def mobile(self, index):
        number = self.mobile_of(index)
        return ("mobile",
                MOBILE_PREFIXES[number // 1_000_000] + f"{number % 1_000_000:06d}")

    def landline_digits(self, index):
        number = self.switchboard_of(index)
        return LANDLINE_PREFIXES[number // 10_000] + f"{number % 10_000:04d}00"

    def phone_formats(self, phone):
        return self.mobile_formats if phone[0] == "mobile" else self.landline_formats

    def new_company(self):
        """(core name, legal form, email domain, spellings of the form): the
        core is unique in the set, as is the domain."""
        rng = self.rng
        while True:
            word = rng.choice(self.company_words)
            draw = rng.random()
            if draw < 0.08:
                core = word
            elif draw < 0.11:
                core = f"{word} & Sønner"
            else:
                core = f"{word} {rng.choice(name_lists.COMPANY_TRADES)}"
            if core.lower() not in self.company_names:
                break
        self.company_names.add(core.lower())
        form, spellings = self.legal_forms.pick(rng)
        base = ascii_fold(core.replace("&", "og").replace(" ", "-"))
        if rng.random() < 0.8:
            base = base.replace("-", "")
        domain = base + COMPANY_TLDS.get(form, ".no")
        suffix = 2
        while domain in self.company_domains:
            domain = f"{base}{suffix}{COMPANY_TLDS.get(form, '.no')}"
            suffix += 1
        self.company_domains.add(domain)
        return (core, form, domain, spellings)

    def company_text(self, company):
        """How one row writes the company: mostly "Core AS", sometimes upper
        case, another spelling of the form, or no form."""
        core, form, _, spellings = company
        draw = self.rng.random()
        if draw < 0.70:
            spelling = form
        elif draw < 0.80:
            return f"{core} {form}".upper()
        else:
            spelling = self.rng.choice(spellings)
        return f"{core} {spelling}" if spelling else core

    def local_part(self, pattern, given, family):
        g, f = ascii_fold(given), ascii_fold(family)
        return pattern.format(g=g, f=f, gi=g[:1], fi=f[:1],
                              yy=f"{self.rng.randint(1945, 2006) % 100:02d}")

    def take(self, email, same_mailbox_as=None):
        """Claims the address if no row has it yet (compared lower-cased) and
        its mailbox is free or is that of `same_mailbox_as` (a duplicate's
        other spelling of its original's address)."""
        key = email.lower()
        if key in self.emails:
            return False
        box = mailbox(key)
        if box in self.mailboxes and (same_mailbox_as is None or
                                      box != mailbox(same_mailbox_as.lower())):
            return False
        self.emails.add(key)
        self.mailboxes.add(box)
        return True

    def private_email(self, given, family):
        domain = self.private_domains.pick(self.rng)
        return self.unique_email(self.private_locals, given, family, domain)

    def work_email(self, given, family, domain):
        return self.unique_email(self.work_locals, given, family, domain)

    def unique_email(self, patterns, given, family, domain):
        for _ in range(6):
            email = f"{self.local_part(patterns.pick(self.rng), given, family)}@{domain}"
            if self.take(email):
                return email
        base = self.local_part("{g}.{f}", given, family)
        while True:
            email = f"{base}{self.rng.randint(1, 9999)}@{domain}"
            if self.take(email):
                return email

    def other_domain(self, email):
        """The same local part at another private provider, or "" when every
        try is taken."""
        local, domain = email.rsplit("@", 1)
        for _ in range(6):
            other = self.private_domains.pick(self.rng)
            if other != domain and self.take(f"{local}@{other}"):
                return f"{local}@{other}"
        return ""

    def alias(self, email):
        """The same mailbox written another way, where the provider makes one:
        Gmail ignores dots, and the sub-address providers deliver local+tag to
        local. "" where none exists (the address itself is taken)."""
        local, domain = email.rsplit("@", 1)
        if domain not in name_lists.SUBADDRESS_DOMAINS:
            return ""
        for _ in range(6):
            if (domain in name_lists.DOT_INSENSITIVE_DOMAINS and
                self.rng.random() < 0.5):
                if "." in local:
                    variant = local.replace(".", "")
                else:
                    at = self.rng.randint(1, len(local) - 1) if len(local) > 1 else 1
                    variant = local[:at] + "." + local[at:]
            else:
                variant = f"{local}+{self.rng.choice(name_lists.SUBADDRESS_TAGS)}"
            if self.take(f"{variant}@{domain}", same_mailbox_as=email):
                return f"{variant}@{domain}"
        return ""

    def capitalise_sometimes(self, email):
        """A few people type "Ola.Nordmann@Gmail.com"."""
        if self.rng.random() >= P_EMAIL_CAPITALISED:
            return email
        local, domain = email.rsplit("@", 1)
        return ".".join(part.capitalize() for part in local.split(".")) + \
            "@" + domain.capitalize()

    # --- output ----------------------------------------------------------

    def write(self):
        """Shuffles each bucket, numbers the rows in that order (external ids
        say nothing about entities) and writes the two files."""
        rows = self.stats["rows"]
        width = max(7, len(str(rows)))
        number = 0
        customers_path = os.path.join(self.out_dir, "customers.csv")
        truth_path = os.path.join(self.out_dir, "truth.csv")
        with open(customers_path, "w", encoding="utf-8", newline="") as c_file, \
             open(truth_path, "w", encoding="utf-8", newline="") as t_file:
            customers = csv.writer(c_file, lineterminator="\n")
            truth = csv.writer(t_file, lineterminator="\n")
            customers.writerow(("external_id", "kind", "name", "email", "phone",
                                "company"))
            truth.writerow(("external_id", "entity_id", "role", "variations",
                            "name_group", "company_group"))
            for bucket in range(self.buckets):
                path = self.bucket_path(bucket)
                with open(path, encoding="utf-8", newline="\n") as handle:
                    lines = handle.read().split("\n")
                os.remove(path)
                lines.pop()  # after the last newline
                self.rng.shuffle(lines)
                for line in lines:
                    (name, email, phone, company, entity, role, variations, name_group,
                     company_group) = line.split("\x1f")
                    number += 1
                    external_id = f"P{number:0{width}d}"
                    customers.writerow((external_id, "person", name, email, phone,
                                        company))
                    truth.writerow((external_id, entity, role, variations, name_group,
                                    company_group))


def mailbox(address):
    """The mailbox a lower-cased address delivers to, as its provider reads
    it: Gmail ignores dots in the local part, and the sub-address providers
    deliver local+tag to local."""
    local, _, domain = address.rpartition("@")
    if domain in name_lists.SUBADDRESS_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in name_lists.DOT_INSENSITIVE_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def slot_probabilities():
    """Chances that a new slot of entities is a company group (mean size m)
    or a namesake pair, such that COLLEAGUE_SHARE and NAMESAKE_SHARE of the
    entities are in one: with g, p the chances, a slot holds
    e = 1 + (m - 1) g + p entities on average; m g = c e and 2 p = s e."""
    m = sum(COLLEAGUE_GROUP) / 2
    c, s = COLLEAGUE_SHARE, NAMESAKE_SHARE
    a11, a12, b1 = m - c * (m - 1), -c, c
    a21, a22, b2 = -s * (m - 1), 2 - s, s
    det = a11 * a22 - a12 * a21
    return (b1 * a22 - a12 * b2) / det, (a11 * b2 - b1 * a21) / det


def apply_case(name, case):
    if case == "lower":
        return name.lower()
    if case == "upper":
        return name.upper()
    return name


def with_case_of(char, model):
    return char.upper() if model.isupper() else char.lower()


def edit_name(rng, name, edits):
    """`edits` random edits on letters (substitution, insertion, deletion,
    adjacent transposition), the result differing from `name`; a letter
    that moves to or from the start of a word takes that place's case."""
    while True:
        text = name
        for _ in range(edits):
            text = edit_once(rng, text)
        if text != name:
            return text


def edit_once(rng, text):
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    while True:
        operation = rng.randrange(4)
        at = rng.choice(letters)
        if operation == 0:  # substitution
            old = text[at].lower()
            new = rng.choice(LETTERS)
            if new == old:
                continue
            return text[:at] + with_case_of(new, text[at]) + text[at + 1:]
        if operation == 1:  # insertion after a letter
            return text[:at + 1] + rng.choice(LETTERS) + text[at + 1:]
        word_start = at == 0 or not text[at - 1].isalpha()
        if operation == 2:  # deletion, leaving at least 2 letters in the word
            end = at
            while end < len(text) and text[end].isalpha():
                end += 1
            begin = at
            while begin > 0 and text[begin - 1].isalpha():
                begin -= 1
            if end - begin <= 2:
                continue
            rest = text[at + 1:]
            if word_start and rest:
                rest = with_case_of(rest[0], text[at]) + rest[1:]
            return text[:at] + rest
        # adjacent transposition of two different letters
        if (at + 1 >= len(text) or not text[at + 1].isalpha() or
            text[at].lower() == text[at + 1].lower()):
            continue
        first, second = text[at], text[at + 1]
        return (text[:at] + with_case_of(second, first) +
                with_case_of(first, second) + text[at + 2:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, required=True,
                        help="distinct people (entities); rows are about 1.2x")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True, help="directory (made if absent)")
    args = parser.parse_args()
    if args.people < 1:
        parser.error("--people must be at least 1")
    if args.people > 10_000_000:
        parser.error("--people must be at most 10000000 (unique phone numbers)")
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()
    generator = Generator(args.people, args.seed, args.out)
    generator.run()
    generator.write()
    stats = generator.stats
    eprint(f"rows {stats['rows']}, entities {stats['entities']}, "
           f"duplicate rows {stats['duplicate_rows']} "
           f"(of {stats['duplicated_entities']} entities), "
           f"true pairs {stats['true_pairs']}")
    eprint(f"hard-negative pairs: namesakes {stats['namesake_pairs']} "
           f"({stats['namesake_entities']} entities), colleagues "
           f"{stats['colleague_pairs']} ({stats['colleague_entities']} entities "
           f"in {stats['companies_with_switchboard']} companies); "
           f"{stats['sole_companies']} people with a company of their own; "
           f"{stats['nickname_eligible']} entities with a nickname-able name")
    variations = ", ".join(f"{k} {v}"
                           for k, v in sorted(generator.variation_counts.items()))
    eprint(f"variations of duplicates: {variations}")
    eprint(f"wrote {os.path.join(args.out, 'customers.csv')} and truth.csv in "
           f"{time.monotonic() - started:.1f} s")


def eprint(*parts):
    print(*parts, file=sys.stderr)


if __name__ == "__main__":
    main()
