"""The Literal types of fixed name sets: they match the tables that map
them to crm.h's codes, crm.h's list of field types, and the public
signatures use them. (pyright checks them in use: tests/typing_usage.py.)"""

from __future__ import annotations

import pathlib
import re
import typing
import unittest
from typing import Optional, get_args

import crm
from crm import literals

from .support import WorkspaceTestCase

HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "crm" / "crm.h"


def header_field_types() -> set:
    """The names crm.h lists under "Field types": the quoted words that
    begin its lines (several on a line: "email", "phone", "url")."""
    text = HEADER.read_text(encoding="utf-8")
    start = text.index("Field types, by the name")
    block = text[start:text.index("A definition is a JSON object", start)]
    names = set()
    for line in block.splitlines()[1:]:
        leading = re.match(r'\s*\*\s+((?:"\w+",?\s*)+)', line)
        if leading:
            names.update(re.findall(r'"(\w+)"', leading.group(1)))
    return names


class LiteralTablesTest(unittest.TestCase):
    def test_each_table_holds_exactly_its_literal(self) -> None:
        self.assertEqual(set(get_args(crm.Target)), set(literals.TARGETS))
        self.assertEqual(set(get_args(crm.Bucket)) | {None}, set(literals.BUCKETS))
        self.assertEqual(set(get_args(crm.AggregateFunction)), set(literals.FUNCTIONS))
        self.assertEqual(set(get_args(crm.SyncMode)), set(literals.SYNC_MODES))

    def test_field_types_are_those_of_crm_h(self) -> None:
        listed = header_field_types()
        self.assertIn("multi_choice", listed)  # the header was read
        self.assertEqual(set(get_args(crm.FieldType)), listed)

    def test_public_signatures_use_them(self) -> None:
        db = crm.Database
        hints = typing.get_type_hints
        for method in (db.query, db.query_page, db.count, db.explain, db.aggregate,
                       db.save_segment):
            with self.subTest(method=method.__name__):
                self.assertEqual(hints(method)["target"], crm.Target)
        self.assertEqual(hints(db.define_field)["type"], crm.FieldType)
        self.assertEqual(hints(db.cohort)["bucket"], Optional[crm.Bucket])
        self.assertEqual(hints(db.merge)["default"], Optional[crm.MergeRule])
        self.assertEqual(crm.open.__annotations__["sync"], "SyncMode")
        group_by = str(hints(db.aggregate)["group_by"])
        aggregates = str(hints(db.aggregate)["aggregates"])
        self.assertIn("'quarter'", group_by)
        self.assertIn("'count_distinct'", aggregates)


class FieldTypeTest(WorkspaceTestCase):
    def test_libcrm_takes_every_field_type_of_the_literal(self) -> None:
        for index, field_type in enumerate(get_args(crm.FieldType)):
            with self.subTest(field_type=field_type):
                options = ["a"] if field_type in ("choice", "multi_choice") else None
                self.db.define_field(f"f{index}", field_type, options=options)
                self.assertEqual(self.db.describe_field(f"f{index}")["type"], field_type)


if __name__ == "__main__":
    unittest.main()
