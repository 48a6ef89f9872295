#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/ (field definitions, wire
batches, tampered workspace files, and filters at and past libcrm's limits).
Run from anywhere; it writes beside itself. The seeds of record_values and
api_sequence are small inputs kept from fuzzing runs, and filter/seed1 to
seed5 were written by hand."""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def field(number, payload):  # length-delimited
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def vint(number, value):
    return varint(number << 3) + varint(value)


def text(s):
    return field(1, s.encode())  # Value.text


def customer_batch(columns, rows, actor=""):
    """A CustomerBatch; a row is its values, or (values, absent columns)."""
    out = b"".join(field(1, c.encode()) for c in columns)
    for row in rows:
        values, absent = row if isinstance(row, tuple) else (row, ())
        body = b"".join(field(1, value) for value in values)
        if absent:  # CustomerRow.absent: packed uint32 column positions
            body += field(2, b"".join(varint(column) for column in absent))
        out += field(2, body)
    return out + (field(3, actor.encode()) if actor else b"")


def event(customer, type_, key="", integer_property=None):
    out = vint(1, customer) + field(2, type_.encode()) + field(3, b"web")
    if key:
        out += field(7, key.encode())
    if integer_property is not None:
        value = vint(2, zigzag(integer_property))  # Value.integer (sint64)
        out += field(8, field(1, b"amount") + field(2, value))
    return out


def write(target, name, data):
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


definitions = {
    "integer": ('{"name": "seats", "type": "integer", "min": "0"}', "seats",
                '{"max": "10", "label": "Seats"}'),
    "choice": ('{"name": "plan", "type": "choice", "options": ["a", "b"], '
               '"default_value": {"text": "a"}}', "plan",
               '{"add_options": ["c"]}'),
    "decimal": ('{"name": "budget", "type": "decimal", "scale": 2}', "budget",
                '{"type": "decimal", "scale": 4}'),
    "text": ('{"name": "code", "type": "text", "pattern": "[A-Z]+", '
             '"max_length": "8", "unique": true, "indexed": true}', "code",
             '{"name": "renamed", "pattern": ""}'),
    "retype": ('{"name": "n", "type": "text"}', "seats",
               '{"type": "text"}'),
    "tags": ('{"name": "labels", "type": "tags", "default_value": '
             '{"list": {"items": ["x"]}}}', "labels", '{"default_value": {}}'),
    # Legal hold: a held field, a standard field taking a hold, and bounds.
    "hold": ('{"name": "vat_id", "type": "text", "hold_days": 3650}', "vat_id",
             '{"hold_days": 0}'),
    "hold_standard": ('{"name": "n", "type": "text", "hold_days": 36501}',
                      "name", '{"hold_days": 36500, "label": "Name"}'),
}
for name, (definition, target, patch) in definitions.items():
    write("field_definition", name,
          (definition + "\\x" + target + "\\x" + patch).encode())

# batch_decoder: first byte is the mode (1 create, 2 upsert).
write("batch_decoder", "create", b"\x01" + customer_batch(
    ["name", "seats", "email"],
    [[text("Ada"), vint(2, zigzag(3)), text("ada@example.com")],
     [text("Bob"), b"", text("bob@example.com")]], "importer"))
write("batch_decoder", "upsert", b"\x02" + customer_batch(
    ["external_id", "name"], [[text("E-1"), text("One")],
                              [text("E-2"), text("Two")]]))
write("batch_decoder", "bad_row", b"\x01" + customer_batch(
    ["name", "seats"], [[text("Ok"), vint(2, 2)], [text("Neg"), vint(2, 1)],
                        [text("Short")]]))
# Rows that leave columns out (absent), and ones whose absent list is wrong:
# out of range, repeated, or not matching the values given.
write("batch_decoder", "upsert_absent", b"\x02" + customer_batch(
    ["external_id", "name", "city", "seats"],
    [[text("E-1"), text("One"), text("Oslo"), vint(2, zigzag(4))],
     ([text("E-1"), b""], [3, 2]),
     ([text("E-2"), text("Two"), text("Bergen")], [3])]))
write("batch_decoder", "bad_absent", b"\x01" + customer_batch(
    ["name", "city"], [([text("Ok")], [1]), ([text("Out")], [2]),
                       ([text("Twice")], [1, 1]), ([text("Both"), b""], [1])]))
# Text with a NUL byte, which libcrm refuses wherever it appears.
write("batch_decoder", "nul_text", b"\x01" + customer_batch(
    ["name", "tags"], [[text("Mallory\0Admin"), field(7, text("vip"))],
                       [text("Eve"), field(7, text("a\0b"))]], "imp\0orter"))
# One-row batches, which crm_record_decode() also takes (the fuzzer decodes
# every input as a record too): a plain row, nulls and absent columns, a
# column named twice.
write("batch_decoder", "record", b"\x01" + customer_batch(
    ["name", "seats", "tags"],
    [[text("Ada"), vint(2, zigzag(-3)), field(7, text("vip"))]]))
write("batch_decoder", "record_absent", b"\x01" + customer_batch(
    ["name", "email", "seats"], [([text("Ada"), b""], [2])]))
write("batch_decoder", "record_twice", b"\x01" + customer_batch(
    ["name", "name"], [[text("A"), text("B")]]))
write("batch_decoder", "events", b"\x01" + b"".join(
    field(1, event(1 + i % 2, "order.placed", "k%d" % i, i))
    for i in range(3)))
# One event, which crm_event_decode() also takes and the fuzzer appends.
write("batch_decoder", "event_one", b"\x01" + field(1, event(1, "call", "k-one", 5)))
write("batch_decoder", "event_unknown_customer",
      b"\x01" + field(1, event(99, "call")))

# api_sequence and record_values: a few plain byte strings to start from.
write("api_sequence", "zeros", bytes(32))
write("api_sequence", "counting", bytes(range(64)))
write("record_values", "zeros", bytes(24))
write("record_values", "counting", bytes(range(48)))

# workspace_file: 'S' + SQL run on a copy of the fuzzer's base workspace
# (user fields plan=17, badge=18, balance=19, gone=20 deleted, labels=21,
# account=22), or byte patches [offset/4: 2 bytes][length][bytes].
tamperings = {
    "trigger": "CREATE TRIGGER t AFTER INSERT ON crm_customers "
               "BEGIN SELECT 1; END;",
    "negative_version": "PRAGMA user_version = -1;",
    "lowered_version": "PRAGMA user_version = 2;",
    "column_name": "UPDATE crm_fields SET column_name = 'x\"y' "
                   "WHERE name = 'plan';",
    "schema_row": "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET "
                  "sql = replace(sql, 'version INTEGER NOT NULL', "
                  "'version TEXT') WHERE name = 'crm_customers';",
    "definition": "UPDATE crm_fields SET definition = "
                  "'{\"type\": \"choice\"}' WHERE name = 'plan';",
    "event_rows": "UPDATE crm_events SET body = x'0a0b0c', type_id = 999, "
                  "channel_id = -5, occurred_at = 9223372036854775807;",
    "event_properties": "UPDATE crm_events SET properties = "
                        "'{\"amount\": \"x\"}';",
    "strings": "DELETE FROM crm_strings WHERE id > 3;",
    "customer_values": "UPDATE crm_customers SET f_17 = x'00ff', "
                       "f_19 = 'abc', f_21 = '[1,2', f_22 = -1, "
                       "created_at = 'x', tags = '[1,2', version = 'x';",
    "segment": "UPDATE crm_segments SET filter = 'not not not (', "
               "target = 'x';",
    "meta": "UPDATE crm_meta SET value = -5 WHERE key = 'schema_generation';",
    "event_type": "UPDATE crm_event_types SET definition = '{';",
    "counter": "UPDATE crm_meta SET value = 9223372036854775807 "
               "WHERE key = 'last_customer_id';",
}
for name, sql in tamperings.items():
    write("workspace_file", "sql_" + name, b"S" + sql.encode())
patches = {
    "user_version": (60, b"\xff\xff\xff\xff"),
    "page_count": (28, b"\x00\x00\x00\x02"),
    "schema_page": (100, b"\x0d\x00\x00\x00\xff\x00"),
    "second_page": (512, b"\x05\x00\x00\x00\x01\x01\xf0\x00"),
}
for name, (offset, data) in patches.items():
    write("workspace_file", "patch_" + name,
          b"P" + bytes([offset // 4 >> 8, offset // 4 & 0xFF, len(data)]) +
          data)

# filter: first byte 0 for customers, 1 for events (the fields and events of
# filter_fuzzer.cc). Filters deep, long or wide enough to reach SQLite's
# limits, which random mutation rarely builds: 10 levels of parentheses or
# "not", 500 comparisons and 10,000 values are libcrm's limits (one past
# them is a named error); SQLite overflowed its parser stack from 14 levels
# of "or" over "and" or 40 of "not", and its expression depth from 991
# comparisons. Several are longer than 4,096 bytes, the cap of the other
# targets (see scripts/reliability.sh).
def nested(levels, comparison):
    text = comparison
    for _ in range(levels):
        text = "(" + comparison + " or " + comparison + " and " + text + ")"
    return text


filters = {
    "not_45": (0, "not " * 45 + "seats = 1"),
    "not_at_limit": (0, "not " * 10 + "plan not in ('a')"),
    "not_past_limit_events": (1, "not " * 11 + "customer.labels has all ('x', 'y')"),
    "nested_at_limit": (0, nested(10, "labels has all ('x', 'y')")),
    "nested_14_events": (1, nested(14, "type not in ('call')")),
    "and_500": (0, " and ".join(["seats = 1"] * 500)),
    "and_999": (0, " and ".join(["seats = 1"] * 999)),
    "or_999_events": (1, " or ".join(["channel != 'x'"] * 999)),
    "in_10001": (0, "seats in (" + ", ".join(["1"] * 10001) + ")"),
    "in_32000": (0, "seats in (" + ",".join(["1"] * 32000) + ")"),
    "icontains_30000": (0, "name icontains '" + "%" * 30000 + "'"),
    "property_lists": (1, "properties.note has 'x' or properties.skus has all "
                          "('a', 'b') or not properties.amount has any (3)"),
}
for name, (target, text) in filters.items():
    write("filter", name, bytes([target]) + text.encode())

# workspace_url: first byte even, the rest a URL as is; odd, parts split at
# 0x01 (user, user-info password, hosts, path, `password` parameter, more
# parameters) with workspace=acme placed by bits 3-5 (bit 6: none).
urls = {
    "plain": "postgresql://crm@db.example.com:5432/crm?workspace=acme",
    "short_scheme": "postgres://localhost/crm?sslmode=require&workspace=a_1",
    "socket": "postgresql:///crm_test?host=/tmp/pg&workspace=acme",
    "escapes": "postgresql://us%40er:p%40ss%2Fword@h%6Fst/d%62?workspace=acme",
    "bad_escape": "postgresql://user:secr%zzet@host/db?workspace=acme",
    "nul_escape": "postgresql://h/db?application_name=a%00b&workspace=acme",
    "ipv6": "postgresql://[2001:db8::1]:5432,[::1]/crm?workspace=acme",
    "ipv6_open": "postgresql://user:hunter22@[::1/crm?workspace=acme",
    "ipv6_empty": "postgresql://user:hunter22@[]/crm?workspace=acme",
    "ipv6_junk": "postgresql://user:hunter22@[::1]x/crm?workspace=acme",
    "multi_host": "postgresql://a:1,b:2,c/crm?target_session_attrs=any&"
                  "workspace=acme",
    "many_params": "postgresql://h/db?" + "&".join(
        ["connect_timeout=5", "sslmode=verify-full", "application_name=x",
         "keepalives=1", "options=-c%20search_path%3Dpublic",
         "workspace=acme", "sslrootcert=/a/b", "ssl=true"]),
    "empty_parts": "postgresql://:@/?&&workspace=acme&",
    "empty_workspace": "postgresql://h/db?workspace=",
    "two_workspaces": "postgresql://h/db?workspace=a&workspace=b",
    "bad_name": "postgresql://h/db?workspace=Acme-1",
    "long_name": "postgresql://h/db?workspace=a" + "b" * 63,
    "unknown_param": "postgresql://u:sw0rdfish@h/db?colour=blue&workspace=acme",
    "password_param": "postgresql://u@h/db?password=sw0rdfish&workspace=acme",
    "password_both": "postgresql://u:userpass1@h/db?password=parampass2&"
                     "workspace=acme&port=x%zz",
    "password_question": "postgresql://u:se?cret1@[::1/db?workspace=acme",
    "password_at": "postgresql://u:sec@ret1@[::1/db?workspace=acme",
    "password_at_escape": "postgresql://u:ab%zz@efgh@host/db?workspace=acme",
    "password_key_escaped": "postgresql://h/db?pass%77ord=secr%zzet&"
                            "workspace=acme",
    "password_equals": "postgresql://h/db?password=a=b=secret&workspace=acme",
    "no_scheme": "host=localhost dbname=crm workspace=acme",
    "long": "postgresql://" + "u" * 2000 + ":" + "p" * 2000 + "@" +
            "h," * 500 + "/db?" + "&".join(["application_name=x"] * 100) +
            "&workspace=acme",
}
for name, url in urls.items():
    write("workspace_url", name, b"\x00" + url.encode())
parts = {
    # mode 0x01: postgresql://, password key plain, workspace first.
    "parts_plain": (0x01, ["crm", "hunter22", "db.example.com", "crm",
                           "", "sslmode=require"]),
    # plain parts and no other parameter: ParseWorkspaceUrl must accept it.
    "parts_valid": (0x01, ["crm", "hunter22", "db.example.com", "crm",
                           "sw0rdfish"]),
    # workspace third (bits 3-5 = 2), password in both places.
    "parts_both": (0x11, ["u", "userpass1", "[::1]:5432", "db",
                          "parampass2", "connect_timeout=3"]),
    # a password holding '?' and '&', a host list that libpq refuses.
    "parts_question": (0x09, ["u", "pa?ss&wo", "[::1", "db", "", ""]),
    # the key spelled pass%77ord, a value libpq cannot decode.
    "parts_escaped_key": (0x05, ["u", "", "h", "db", "secr%zzet"]),
    # no workspace parameter (bit 6), no user-info password (bit 7).
    "parts_none": (0xC1, ["u", "", "h", "db", "", "workspace=acme"]),
}
for name, (mode, fields) in parts.items():
    write("workspace_url", name, bytes([mode]) + b"\x01".join(
        f.encode() for f in fields))

# stored_value: first byte below 0x80 reads (bit 0 absent, bits 1-3 the
# type: string, number, boolean, null, object, array, number, or the rest up
# to '\n'); 0x80 and up writes (0x80 int64, 0x81 double from 8 bytes, 0x82
# text, 0x83 NULL).
reads = {
    "string": (0x00, "Ada Lovelace"),
    "absent": (0x01, ""),
    "integer": (0x02, "-9223372036854775808"),
    "integer_over": (0x02, "9223372036854775808"),
    "double": (0x02, "0.1000000000000000055511151231257827"),
    "double_exponent": (0x02, "1e308"),
    "double_over": (0x02, "1" + "0" * 400 + ".0"),
    "double_tiny": (0x02, "0." + "0" * 400 + "1"),
    "negative_zero": (0x02, "-0.0"),
    "not_number": (0x02, "nan"),
    "boolean": (0x04, "true"),
    "null": (0x06, ""),
    "object": (0x08, '{"a": 1}'),
    "array": (0x0A, "[1, 2]"),
    "custom_type": (0x0E, "strin\n5"),
}
for name, (mode, text) in reads.items():
    write("stored_value", "read_" + name, bytes([mode]) + text.encode())
writes = {
    "integer_min": b"\x80" + struct.pack("<q", -2**63),
    "double_max": b"\x81" + struct.pack("<d", 1.7976931348623157e308),
    "double_subnormal": b"\x81" + struct.pack("<d", 5e-324),
    "double_negative_zero": b"\x81" + struct.pack("<d", -0.0),
    "double_nan": b"\x81" + struct.pack("<d", float("nan")),
    "text_controls": b"\x82" + b'a"b\\c\x01\x1f\x7f\xff',
    "text_nul": b"\x82" + b"a\x00b",
    "null": b"\x83",
}
for name, data in writes.items():
    write("stored_value", "write_" + name, data)

# event_body: the first byte is the length of the key looked up, its bytes
# follow, the rest is an encoded EventBody (properties = 1: name = 1,
# value = 2; changes = 2).
def prop(name, value):
    return field(1, field(1, name.encode()) + field(2, value))


every_kind = (prop("text", field(1, 'a"b\\\n\u00fc'.encode())) +
              prop("integer", vint(2, zigzag(-42))) +
              prop("money", field(3, b"-12.50")) +
              prop("yes", vint(4, 1)) + prop("day", field(5, b"2024-02-29")) +
              prop("at", vint(6, zigzag(-1))) +
              prop("skus", field(7, field(1, b"A-1") + field(1, b"B"))) +
              prop("null", b""))
bodies = {
    "every_kind": (b"skus", every_kind),
    "text": (b"text", every_kind),
    "missing": (b"nothing", every_kind),
    "merged_list": (b"k", field(1, field(1, b"k") + field(2, field(7, field(
        1, b"a"))) + field(2, field(7, field(1, b"b"))))),
    "history": (b"k", field(2, field(1, b"city"))),
    "truncated": (b"text", every_kind[:17]),
    "group": (b"k", b"\x0b\x0c"),
    "bad_utf8": (b"k", prop("k", field(1, b"\xff"))),
}
for name, (key, body) in bodies.items():
    os.makedirs(os.path.join(HERE, "event_body"), exist_ok=True)
    write("event_body", name, bytes([len(key)]) + key + body)

# profile_definition: the actor (ended by a backslash and another byte, as
# FuzzedDataProvider reads a random-length string), then the definition.
profiles = {
    "full": '{"name": "front_desk", "fields": {"phone": "masked", '
            '"balance": "hidden"}, "groups": {"standard": "read_write", '
            '"": "read_only"}, "events": [{"type": "appointment", '
            '"access": "append"}, {"channel": "phone", "access": "read"}], '
            '"scope": "owner = :actor", "operations": ["bulk_export"]}',
    "minimal": '{"name": "x"}',
    "masked_match": '{"name": "m", "fields": {"email": "masked_match", '
                    '"name": "masked"}, "groups": {"finance": "read_only"}}',
    "every_operation": '{"name": "all", "operations": ["delete", "erase", '
                       '"define_fields", "define_event_types", "retention", '
                       '"suppression", "segments", "bulk_export", "import", '
                       '"dump", "backup", "merge"]}',
    "scope_on_hidden": '{"name": "s", "fields": {"owner": "hidden"}, '
                       '"scope": "owner = :actor and balance > 10"}',
    "unknown_mode": '{"name": "x", "fields": {"phone": "rw"}}',
    "unknown_key": '{"name": "x", "colour": "red"}',
    "duplicate_event_rule": '{"name": "x", "events": [{"type": "a", '
                            '"access": "read"}, {"type": "a", '
                            '"access": "append"}]}',
    "rule_without_type": '{"name": "x", "events": [{"access": "read"}]}',
    "bad_scope": '{"name": "x", "scope": "owner = "}',
    "unknown_field": '{"name": "x", "fields": {"nothing": "hidden"}}',
    "bad_name": '{"name": "Front Desk"}',
    "not_an_object": '["name"]',
    "truncated": '{"name": "x", "fields": {"phone": "mas',
}
os.makedirs(os.path.join(HERE, "profile_definition"), exist_ok=True)
for name, definition in profiles.items():
    write("profile_definition", name, b"alice\\x" + definition.encode())

# duplicate_rule: definitions as they are (the schema is fixed).
duplicate_rules = {
    "example": '{"name": "same_phone_similar_name", "applies_to": "person", '
               '"compare": [{"key": "phone"}, {"key": "name", '
               '"min_similarity": 0.8}, {"field": "city"}], "action": "warn", '
               '"actions": {"import": "block", "update": "allow"}}',
    "minimal": '{"name": "e", "compare": [{"key": "email"}]}',
    "company": '{"name": "c", "applies_to": "company", "compare": '
               '[{"key": "name"}, {"field": "seats"}], "action": "block"}',
    "fuzzy_only": '{"name": "f", "compare": [{"key": "name", '
                  '"min_similarity": 0.5}]}',
    "unknown_field": '{"name": "x", "compare": [{"key": "email"}, '
                     '{"field": "nothing"}]}',
    "fields_only": '{"name": "x", "compare": [{"field": "city"}]}',
    "bad_similarity": '{"name": "x", "compare": [{"key": "phone", '
                      '"min_similarity": 0.9}]}',
    "unknown_operation": '{"name": "x", "compare": [{"key": "email"}], '
                         '"actions": {"delete": "block"}}',
    "truncated": '{"name": "x", "compare": [{"key": "ema',
}
os.makedirs(os.path.join(HERE, "duplicate_rule"), exist_ok=True)
for name, definition in duplicate_rules.items():
    write("duplicate_rule", name, definition.encode())

# merge_options: options_json of crm_customer_merge as they are (the schema
# is fixed).
merge_options = {
    "example": '{"default": "first_non_empty", "fields": {"phone": '
               '"most_recent", "tags": "union", "seats": "sum", "name": '
               '"longest", "city": {"value": "Oslo"}, "company": "survivor"}}',
    "empty": '{}',
    "explicit_null": '{"fields": {"email": {"value": null}}}',
    "explicit_list": '{"fields": {"tags": {"value": ["a", "b"]}}}',
    "sum_default": '{"default": "sum"}',
    "wrong_type": '{"fields": {"name": "sum"}}',
    "read_only": '{"fields": {"created_at": "survivor"}}',
    "unknown_key": '{"rules": {}}',
    "truncated": '{"fields": {"phone": "most_rec',
}
os.makedirs(os.path.join(HERE, "merge_options"), exist_ok=True)
for name, definition in merge_options.items():
    write("merge_options", name, definition.encode())

# dump_loader: dumps (crm_dump) of small workspaces, made through libcrm
# itself when CRM_LIBRARY names the libcrm.so to use (e.g.
# CRM_LIBRARY=build/libcrm.so python3 fuzz/make_seeds.py), and hand-made
# ones: the magic alone, and a header of a newer format version.
os.makedirs(os.path.join(HERE, "dump_loader"), exist_ok=True)
MAGIC = b"CRMDUMP\n"


def delimited(item):
    return varint(len(item)) + item


write("dump_loader", "magic_only", MAGIC)
for version in (2, 3):  # the current format's header alone; a newer one's
    header = field(1, field(1, b"libcrm.dump") + vint(2, version))
    write("dump_loader", f"version_{version}", MAGIC + delimited(header))


def dump_seeds(library):
    import ctypes
    import tempfile

    crm = ctypes.CDLL(library)
    crm.crm_last_error_message.restype = ctypes.c_char_p
    c_int64 = ctypes.c_int64

    def ok(rc):
        if rc != 0:
            raise RuntimeError(crm.crm_last_error_message().decode())

    def workspace(fill):
        db = ctypes.c_void_p()
        ok(crm.crm_open(ctypes.byref(db), b":memory:", None))
        fill(db)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "seed.crmdump").encode()
            ok(crm.crm_dump(db, path, None))
            with open(path, "rb") as f:
                data = f.read()
        crm.crm_close(db)
        return data

    def create(db, name, extra=None):
        record = ctypes.c_void_p()
        ok(crm.crm_record_new(ctypes.byref(record)))
        ok(crm.crm_record_set_text(record, b"name", name))
        if extra:
            ok(crm.crm_record_set_integer(record, extra[0], c_int64(extra[1])))
        new_id = c_int64()
        ok(crm.crm_customer_create(ctypes.byref(new_id), db, record, b"seed"))
        crm.crm_record_free(record)
        return new_id.value

    def small(db):
        field_id = c_int64()
        ok(crm.crm_field_define(ctypes.byref(field_id), db,
                                b'{"name": "seats", "type": "integer"}'))
        first = create(db, "Zoë".encode(), (b"seats", 3))
        gone = create(db, b"Gone")
        ok(crm.crm_customer_delete(db, c_int64(gone), c_int64(0), b"seed"))
        event = ctypes.c_void_p()
        ok(crm.crm_event_new(ctypes.byref(event)))
        crm.crm_event_set_customer(event, c_int64(first))
        crm.crm_event_set_type(event, b"call")
        crm.crm_event_set_channel(event, b"phone")
        crm.crm_event_set_idempotency_key(event, b"k1")
        seq = c_int64()
        ok(crm.crm_event_append(ctypes.byref(seq), None, db, event))
        crm.crm_event_free(event)
        ok(crm.crm_event_type_define(
            db, b'{"name": "order", "properties": '
                b'[{"name": "amount", "type": "integer"}]}'))
        ok(crm.crm_segment_save(db, b"big", 1, b"seats > 2"))
        ok(crm.crm_profile_define(db, b'{"name": "desk"}'))
        ok(crm.crm_suppression_add(db, b"x@example.org", None))
        ok(crm.crm_duplicate_settings_set(db, b'{"default_region": "NO"}'))
        ok(crm.crm_duplicate_rule_define(
            db, b'{"name": "same_name_seats", "compare": '
                b'[{"key": "name", "min_similarity": 0.8}, {"field": "seats"}]}'))
        # A merge: a merge item with its snapshot (dump format 3).
        twin = create(db, "Zoe".encode(), (b"seats", 4))
        merged = (c_int64 * 1)(twin)
        receipt = ctypes.c_char_p()
        ok(crm.crm_customer_merge(ctypes.byref(receipt), db, c_int64(first),
                                  merged, ctypes.c_size_t(1),
                                  b'{"fields": {"seats": "sum"}}', b"seed",
                                  b"same person"))

    write("dump_loader", "empty_workspace", workspace(lambda db: None))
    write("dump_loader", "small_workspace", workspace(small))


if os.environ.get("CRM_LIBRARY"):
    dump_seeds(os.environ["CRM_LIBRARY"])
