#!/usr/bin/env python3
"""Driver of the duplicates benchmark (issue #24): libcrm through ctypes.

  find_duplicates.py load WORKSPACE CUSTOMERS_CSV
      a fresh workspace file: default region NO, customers.csv imported,
      the recommended rule set (RULES below) defined.
  find_duplicates.py find WORKSPACE PAIRS_CSV [--page N]
      crm_duplicates_find over the whole workspace (one call, or pages of N
      customers), the pairs written as external ids (columns a,b,score,rule);
      prints JSON: seconds, peak RSS of this process, pairs, skipped keys.
  find_duplicates.py creates DIR N [--rules] [--base WORKSPACE]
      N single crm_customer_create calls into a fresh workspace under DIR
      (with --base, a copy of WORKSPACE: creates at its scale),
      with the rule set acting (warn) or with none; prints JSON: seconds.

LIBCRM: the path of libcrm.so (default: build/libcrm.so of this checkout).
"""
import csv
import ctypes
import json
import os
import resource
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# The recommended rule set: what the benchmark measures and the README
# recommends. Every duplicate of the set shares its phone with its original;
# colleagues share a switchboard, so a shared phone needs a similar name.
RULES = [
    {"name": "same_email", "compare": [{"key": "email"}]},
    {"name": "same_phone_similar_name", "applies_to": "person",
     "compare": [{"key": "phone"}, {"key": "name", "min_similarity": 0.7}]},
    {"name": "same_company_name_phone", "applies_to": "company",
     "compare": [{"key": "phone"}, {"key": "name"}]},
]
# Not in the set: email_local with a similar name. Measured at 20,000
# people it paired namesakes whose mailboxes are both given.family@ at
# different providers (precision 0.73); phone and name alone gave 0.98.
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int64,
                            ctypes.c_int64, ctypes.c_int64)


class FindOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_uint32), ("rules", ctypes.c_char_p),
                ("after_id", ctypes.c_int64),
                ("page_customers", ctypes.c_int64), ("progress", PROGRESS),
                ("progress_context", ctypes.c_void_p)]


def library():
    path = os.environ.get("LIBCRM") or os.path.join(
        HERE, "..", "..", "build", "libcrm.so")
    lib = ctypes.CDLL(path)
    lib.crm_last_error_message.restype = ctypes.c_char_p
    lib.crm_duplicates_find.argtypes = [
        ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p,
        ctypes.POINTER(FindOptions)]
    lib.crm_string_free.argtypes = [ctypes.c_void_p]
    return lib


def check(lib, status, what):
    if status != 0:
        sys.exit(f"{what}: status {status}: "
                 f"{lib.crm_last_error_message().decode()}")


def open_db(lib, path):
    db = ctypes.c_void_p()
    check(lib, lib.crm_open(ctypes.byref(db), path.encode(), None), "crm_open")
    return db


def take_text(lib, pointer):
    text = ctypes.string_at(pointer).decode()
    lib.crm_string_free(pointer)
    return text


def define_rules(lib, db, action):
    check(lib, lib.crm_duplicate_settings_set(
        db, b'{"default_region": "NO"}'), "crm_duplicate_settings_set")
    for rule in RULES:
        rule = dict(rule, action=action)
        check(lib, lib.crm_duplicate_rule_define(db, json.dumps(rule).encode()),
              "crm_duplicate_rule_define " + rule["name"])


def load(workspace, customers):
    lib = library()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(workspace + suffix):
            os.remove(workspace + suffix)
    db = open_db(lib, workspace)
    check(lib, lib.crm_duplicate_settings_set(
        db, b'{"default_region": "NO"}'), "crm_duplicate_settings_set")
    report = ctypes.c_void_p()
    started = time.monotonic()
    check(lib, lib.crm_import(ctypes.byref(report), db, customers.encode(),
                              None), "crm_import")
    seconds = time.monotonic() - started
    text = take_text(lib, report)
    define_rules(lib, db, "warn")
    lib.crm_close(db)
    print(json.dumps({"import_seconds": round(seconds, 1),
                      "import": json.loads(text)}))


def external_ids(lib, db, workspace):
    """customer id -> external_id, through crm_export."""
    path = workspace + ".ids.csv"
    rows = ctypes.c_int64()
    check(lib, lib.crm_export(ctypes.byref(rows), db, path.encode(), None),
          "crm_export")
    with open(path, newline="", encoding="utf-8") as file:
        ids = {int(row["id"]): row["external_id"]
               for row in csv.DictReader(file)}
    os.remove(path)
    return ids


def find(workspace, pairs_csv, page):
    lib = library()
    db = open_db(lib, workspace)
    options = FindOptions()
    check(lib, lib.crm_duplicate_find_options_init(
        ctypes.byref(options), ctypes.sizeof(FindOptions)),
        "crm_duplicate_find_options_init")
    options.page_customers = page
    pairs, skipped, pages = [], 0, 0
    started = time.monotonic()
    while True:
        out = ctypes.c_char_p()
        check(lib, lib.crm_duplicates_find(ctypes.byref(out), db,
                                           ctypes.byref(options)),
              "crm_duplicates_find")
        result = json.loads(out.value)
        lib.crm_string_free(ctypes.cast(out, ctypes.c_void_p))
        pages += 1
        pairs.extend((p["a"], p["b"], p["score"], p["rule"])
                     for p in result["pairs"])
        skipped += result["skipped_keys"]
        options.after_id = result["next_after_id"]
        if options.after_id == 0:
            break
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    names = external_ids(lib, db, workspace)
    lib.crm_close(db)
    with open(pairs_csv, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["a", "b", "score", "rule"])
        for a, b, score, rule in pairs:
            writer.writerow([names[a], names[b], score, rule])
    print(json.dumps({"find_seconds": round(seconds, 1), "pages": pages,
                      "peak_rss_mb": round(peak_mb), "pairs": len(pairs),
                      "skipped_keys": skipped}))


def creates(directory, count, with_rules, base=None):
    lib = library()
    lib.crm_record_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.crm_record_set_text.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                        ctypes.c_char_p]
    lib.crm_customer_create.argtypes = [
        ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p, ctypes.c_void_p,
        ctypes.c_char_p]
    workspace = os.path.join(directory,
                             "creates-rules.crm" if with_rules else
                             "creates-none.crm")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(workspace + suffix):
            os.remove(workspace + suffix)
    if base:
        # At scale: a copy of a loaded workspace (closed, so its WAL is
        # checkpointed into the file).
        shutil.copyfile(base, workspace)
    db = open_db(lib, workspace)
    if with_rules:
        define_rules(lib, db, "warn")
    else:
        check(lib, lib.crm_duplicate_settings_set(
            db, b'{"default_region": "NO"}'), "crm_duplicate_settings_set")
        for rule in RULES:  # the same keys are kept; no rule reads them
            lib.crm_duplicate_rule_drop(db, rule["name"].encode())
    record = ctypes.c_void_p()
    check(lib, lib.crm_record_new(ctypes.byref(record)), "crm_record_new")
    created = ctypes.c_int64()
    started = time.monotonic()
    for i in range(count):
        # Shared phones (in tens) and names alike, so the rules find
        # candidates as in a real register.
        for field, value in (("name", f"Person {i % 997} Hansen"),
                             ("email", f"p{i}@example.com"),
                             ("phone", f"9{(i // 10):07d}")):
            check(lib, lib.crm_record_set_text(record, field.encode(),
                                               value.encode()),
                  "crm_record_set_text")
        check(lib, lib.crm_customer_create(ctypes.byref(created), db, record,
                                           None), "crm_customer_create")
    seconds = time.monotonic() - started
    lib.crm_record_free(record)
    lib.crm_close(db)
    print(json.dumps({"creates": count, "rules": with_rules,
                      "base": base or "",
                      "seconds": round(seconds, 2)}))


def main(argv):
    if len(argv) >= 4 and argv[1] == "load":
        load(argv[2], argv[3])
    elif len(argv) >= 4 and argv[1] == "find":
        page = int(argv[5]) if len(argv) >= 6 and argv[4] == "--page" else 0
        find(argv[2], argv[3], page)
    elif len(argv) >= 4 and argv[1] == "creates":
        base = argv[argv.index("--base") + 1] if "--base" in argv[4:-1] else None
        creates(argv[2], int(argv[3]), "--rules" in argv[4:], base)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
