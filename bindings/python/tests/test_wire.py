"""The value path's own encoder and decoder: the batch encoder's fast paths
write what the general one writes, and the JSON page decoder reads every
kind, mixed columns, and refuses malformed pages."""

from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

from crm.wire import (
    WireError,
    _ROW_VALUE_TAG,
    decode_page,
    encode_record,
    encode_value,
    row_value,
    varint,
)

UTC = dt.timezone.utc


class RowValueTest(unittest.TestCase):
    def test_fast_paths_write_what_the_general_encoder_writes(self) -> None:
        values = [
            "", "a", "é" * 62, "x" * 125, "x" * 126, "x" * 5000, None, True, False,
            0, 1, -1, 63, 64, 2**63 - 1, -(2**63), Decimal("0"), Decimal("-12.50"),
            Decimal("1E+3"), Decimal("1" * 130), dt.date(2024, 2, 29),
            dt.datetime(1969, 12, 31, 23, 59, tzinfo=UTC),
            dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            [], ["a", "b" * 200], ["é"],
        ]
        for value in values:
            with self.subTest(value=value):
                inner = encode_value(value, "f")
                self.assertEqual(row_value(value, "f"), _ROW_VALUE_TAG + varint(len(inner)) + inner)

    def test_refusals_are_the_general_encoders(self) -> None:
        for value in (2**63, Decimal("NaN"), dt.datetime(2024, 1, 1), ["a", 1], 1.5):
            with self.subTest(value=value):
                with self.assertRaises((TypeError, ValueError)):
                    row_value(value, "f")

    def test_a_record_is_a_batch_of_one_row(self) -> None:
        with self.assertRaises(TypeError):
            encode_record([("name", "x")])  # type: ignore[arg-type]
        self.assertIn(b"Ada", encode_record({"name": "Ada"}))


class DecodePageTest(unittest.TestCase):
    def test_every_kind_and_mixed_columns(self) -> None:
        page = decode_page(
            b'{"columns":["t","i","d","b","day","at","l","m","n"],'
            b'"kinds":[1,2,3,4,5,6,7,0,0],"nulls":[0,1,1,0,0,0,0,0,2],"ids":[7,8],"versions":[3,4],'
            b'"values":[["x","y"],[-5,null],["12.50",null],[true,false],'
            b'["2024-02-29","1970-01-01"],[1000001,-1],[["a"],[]],[[3,"1.5"],[6,0]],'
            b'[null,null]],"next_cursor":"c"}'
        )
        self.assertEqual(page.columns, ["t", "i", "d", "b", "day", "at", "l", "m", "n"])
        self.assertEqual(page.rows, [
            ("x", -5, Decimal("12.50"), True, dt.date(2024, 2, 29),
             dt.datetime(1970, 1, 1, 0, 0, 1, 1, tzinfo=UTC), ["a"], Decimal("1.5"), None),
            ("y", None, None, False, dt.date(1970, 1, 1),
             dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), [],
             dt.datetime(1970, 1, 1, tzinfo=UTC), None),
        ])
        self.assertEqual((page.ids, list(page.versions), page.next_cursor), ([7, 8], [3, 4], "c"))
        empty = decode_page(b'{"columns":[],"kinds":[],"nulls":[],"ids":[5],"values":[],'
                             b'"next_cursor":""}')
        self.assertEqual(empty.rows, [()])

    def test_a_datetime_out_of_range_names_itself(self) -> None:
        with self.assertRaisesRegex(WireError, "outside the range"):
            decode_page(b'{"columns":["at"],"kinds":[6],"nulls":[0],"ids":[1],'
                        b'"values":[[9223372036854775807]],"next_cursor":""}')

    def test_malformed_pages_raise_wire_error(self) -> None:
        for data in (
            b"not json",
            b'{"columns":["a"],"kinds":[1],"nulls":[0],"ids":[1],"values":[["x","y"]],"next_cursor":""}',
            b'{"columns":["a"],"kinds":[1],"nulls":[0],"ids":[],"values":[["x"]],"next_cursor":""}',
            b'{"columns":["a"],"kinds":[0],"nulls":[0],"ids":[1],"values":[[[99,"x"]]],"next_cursor":""}',
            b'{"columns":["a"],"kinds":[3],"nulls":[0],"ids":[1],"values":[["1.2.3"]],"next_cursor":""}',
            b'{"columns":["a"],"kinds":[1],"nulls":[0],"ids":[1]}',
            b'{"columns":["a"],"kinds":[1],"nulls":[],"ids":[1],"values":[["x"]],"next_cursor":""}',
        ):
            with self.subTest(data=data):
                with self.assertRaises(WireError):
                    decode_page(data)


if __name__ == "__main__":
    unittest.main()
