#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/ (field definitions and wire
batches). Run from anywhere; it writes beside itself. The seeds of
record_values and api_sequence are small inputs kept from fuzzing runs."""
import os

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
write("batch_decoder", "events", b"\x01" + b"".join(
    field(1, event(1 + i % 2, "order.placed", "k%d" % i, i))
    for i in range(3)))
write("batch_decoder", "event_unknown_customer",
      b"\x01" + field(1, event(99, "call")))

# api_sequence and record_values: a few plain byte strings to start from.
write("api_sequence", "zeros", bytes(32))
write("api_sequence", "counting", bytes(range(64)))
write("record_values", "zeros", bytes(24))
write("record_values", "counting", bytes(range(48)))
