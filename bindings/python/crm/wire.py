"""The one value path between Python and libcrm, both ways.

Out: a small encoder for the message shapes the binding sends
(``crm.wire.CustomerBatch`` and ``crm.wire.EventBatch`` of ``crm/crm.proto``);
a single record to write is a CustomerBatch of one row, which
``crm_record_decode`` turns into a ``crm_record`` (:func:`encode_record`).

In: a page of rows (``crm_rows_encode_json``) and a single record
(``crm_record_encode_json``) arrive in the same JSON page form, which
:func:`decode_page` reads with the standard library's C JSON parser and
converts column by column to native types. The protobuf RowSet decoder
(:func:`decode_row_set`) stays for messages in that form.

Only what those messages need is here: varints, zigzag ``sint64``,
length-delimited strings and sub-messages. Oneof members are always written,
even when they hold their default (0, false, ""), since their presence is
what says the value's kind; a null is a ``Value`` with no member set.
Decoding skips fields it does not know (as Protocol Buffers readers must),
so a RowSet that grows new members still reads.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
from itertools import repeat as _repeat
from collections.abc import Mapping as _AbcMapping
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ctypes import c_int64

from ._native import check_integer
from ._wire_fields import (  # field numbers and wire types of crm.proto
    CUSTOMER_BATCH_ACTOR,
    CUSTOMER_BATCH_COLUMNS,
    CUSTOMER_BATCH_ROWS,
    CUSTOMER_ROW_ABSENT,
    CUSTOMER_ROW_VALUES,
    EVENT_BATCH_EVENTS,
    EVENT_INPUT_ACTOR,
    EVENT_INPUT_CHANNEL,
    EVENT_INPUT_CUSTOMER_ID,
    EVENT_INPUT_CUSTOMER_ID_WIRE,
    EVENT_INPUT_IDEMPOTENCY_KEY,
    EVENT_INPUT_OCCURRED_AT_US,
    EVENT_INPUT_OCCURRED_AT_US_WIRE,
    EVENT_INPUT_PROPERTIES,
    EVENT_INPUT_SOURCE,
    EVENT_INPUT_TYPE,
    I32,
    I64,
    LEN,
    PROPERTY_NAME,
    PROPERTY_VALUE,
    ROW_SET_COLUMNS,
    ROW_SET_IDS,
    ROW_SET_IDS_WIRE,
    ROW_SET_NEXT_CURSOR,
    ROW_SET_ROWS,
    STRING_LIST_ITEMS,
    VALUE_BOOLEAN,
    VALUE_BOOLEAN_WIRE,
    VALUE_DATE,
    VALUE_DATE_WIRE,
    VALUE_DATETIME_US,
    VALUE_DATETIME_US_WIRE,
    VALUE_DECIMAL,
    VALUE_DECIMAL_WIRE,
    VALUE_INTEGER,
    VALUE_INTEGER_WIRE,
    VALUE_LIST,
    VALUE_LIST_WIRE,
    VALUE_TEXT,
    VALUE_TEXT_WIRE,
    VARINT,
)
from .values import (
    INT64_MAX,
    INT64_MIN,
    Kind,
    datetime_to_us,
    decode_date,
    decode_datetime,
    decode_decimal,
    encode,
)

__all__ = [
    "decode_page",
    "encode_customer_batch",
    "encode_record",
    "encode_event_batch",
    "columns_of",
    "decode_row_set",
    "RowSet",
    "WireError",
]

# The member of crm.wire.Value that carries each kind: (number, wire type).
_VALUE_FIELD = {
    Kind.TEXT: (VALUE_TEXT, VALUE_TEXT_WIRE),
    Kind.INTEGER: (VALUE_INTEGER, VALUE_INTEGER_WIRE),
    Kind.DECIMAL: (VALUE_DECIMAL, VALUE_DECIMAL_WIRE),
    Kind.BOOLEAN: (VALUE_BOOLEAN, VALUE_BOOLEAN_WIRE),
    Kind.DATE: (VALUE_DATE, VALUE_DATE_WIRE),
    Kind.DATETIME: (VALUE_DATETIME_US, VALUE_DATETIME_US_WIRE),
    Kind.LIST: (VALUE_LIST, VALUE_LIST_WIRE),
}


def varint(value: int) -> bytes:
    """Base-128 varint of an unsigned value below 2**64."""
    if value < 0:
        raise ValueError("varint of a negative number")
    if value < 0x80:
        return _ONE_BYTE[value]
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


# varint(n) for n < 128, the common length prefix.
_ONE_BYTE = [bytes((n,)) for n in range(0x80)]


def zigzag64(value: int) -> int:
    """ZigZag mapping of a signed 64-bit value (sint64)."""
    return ((value << 1) ^ (value >> 63)) & 0xFFFFFFFFFFFFFFFF


def _tag(number: int, wire_type: int) -> bytes:
    return varint((number << 3) | wire_type)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _tag(number, LEN) + varint(len(payload)) + payload


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"{what} is not encodable as UTF-8: {error}") from None


# Tags of the Value members (field number << 3 | wire type).
_TEXT_TAG = _tag(VALUE_TEXT, VALUE_TEXT_WIRE)
_INTEGER_TAG = _tag(VALUE_INTEGER, VALUE_INTEGER_WIRE)
_DECIMAL_TAG = _tag(VALUE_DECIMAL, VALUE_DECIMAL_WIRE)
_DATE_TAG = _tag(VALUE_DATE, VALUE_DATE_WIRE)
_DATETIME_TAG = _tag(VALUE_DATETIME_US, VALUE_DATETIME_US_WIRE)
_Decimal = decimal.Decimal
_Date = _dt.date
_DateTime = _dt.datetime
_BOOLEAN_VALUES = {
    True: _tag(VALUE_BOOLEAN, VALUE_BOOLEAN_WIRE) + b"\x01",
    False: _tag(VALUE_BOOLEAN, VALUE_BOOLEAN_WIRE) + b"\x00",
}


def encode_value(value: object, field: str) -> bytes:
    """One ``crm.wire.Value`` message (without its own tag)."""
    # Exact types first: the common cases skip the general dispatch.
    exact = _builtin_type(value)
    if exact is str:
        try:
            data = value.encode("utf-8")  # type: ignore[union-attr]
        except UnicodeEncodeError:
            data = _utf8(value, f"value of field '{field}'")  # type: ignore[arg-type]
        return _TEXT_TAG + varint(len(data)) + data
    if value is None:
        return b""
    if exact is bool:
        return _BOOLEAN_VALUES[value]  # type: ignore[index]
    if exact is int and INT64_MIN <= value <= INT64_MAX:  # type: ignore[operator]
        return _INTEGER_TAG + varint(zigzag64(value))  # type: ignore[arg-type]
    if exact is _Decimal and value.is_finite():  # type: ignore[union-attr]
        data = format(value, "f").encode("ascii")
        return _DECIMAL_TAG + varint(len(data)) + data
    if exact is _Date:
        # "YYYY-MM-DD": always ten bytes.
        return _DATE_TAG + varint(10) + value.isoformat().encode("ascii")  # type: ignore[union-attr]
    if exact is _DateTime:
        return _DATETIME_TAG + varint(zigzag64(datetime_to_us(value, field)))  # type: ignore[arg-type]
    kind, payload = encode(value, field)
    if kind is Kind.NULL:
        return b""
    number, wire_type = _VALUE_FIELD[kind]
    if kind in (Kind.TEXT, Kind.DECIMAL, Kind.DATE):
        assert isinstance(payload, str)
        return _length_delimited(number, _utf8(payload, f"value of field '{field}'"))
    if kind in (Kind.INTEGER, Kind.DATETIME):
        assert isinstance(payload, int)
        return _tag(number, wire_type) + varint(zigzag64(payload))
    if kind is Kind.BOOLEAN:
        return _tag(number, wire_type) + (b"\x01" if payload else b"\x00")
    assert isinstance(payload, list)
    items = b"".join(
        _length_delimited(STRING_LIST_ITEMS, _utf8(item, f"item of field '{field}'"))
        for item in payload
    )
    return _length_delimited(number, items)


def columns_of(rows: Sequence[Mapping[str, object]]) -> List[str]:
    """The union of the rows' keys, in first-seen order."""
    seen = {}
    for index, row in enumerate(rows):
        if _builtin_type(row) is not dict and not isinstance(row, _AbcMapping):
            raise TypeError(f"row {index} must be a mapping of field name to value, "
                            f"not {type(row).__name__}")
        for key in row:
            if key not in seen:
                if not isinstance(key, str):
                    raise TypeError(f"row {index} has a field name that is not a str: {key!r}")
                seen[key] = None
    return list(seen)


# -- a row's values, each wrapped as CustomerRow.values: tag, length, Value --
#
# The batch encoder spends its time here, so the common kinds take a
# precomputed prefix (CustomerRow.values tag, the Value's length, the
# member's tag and, for text, the text's length) and one concatenation.

_ROW_VALUE_TAG = _tag(CUSTOMER_ROW_VALUES, LEN)
_NULL_ROW_VALUE = _ROW_VALUE_TAG + b"\x00"  # a Value with no member: null
# Text of n bytes whose whole Value fits a one-byte length (n + 2 < 128).
_TEXT_PREFIXES = [
    _ROW_VALUE_TAG + bytes((len(_TEXT_TAG) + 1 + n,)) + _TEXT_TAG + bytes((n,))
    for n in range(128 - len(_TEXT_TAG) - 1)
]
_SHORT_TEXT = len(_TEXT_PREFIXES)
_DECIMAL_PREFIXES = [
    _ROW_VALUE_TAG + bytes((len(_DECIMAL_TAG) + 1 + n,)) + _DECIMAL_TAG + bytes((n,))
    for n in range(_SHORT_TEXT)
]
_LIST_TAG = _tag(VALUE_LIST, VALUE_LIST_WIRE)
_ITEM_TAG = _tag(STRING_LIST_ITEMS, LEN)
_ITEM_PREFIXES = [_ITEM_TAG + bytes((n,)) for n in range(128)]


def _list_value(items: List[object], field: str) -> bytes:
    """A ``Value`` holding a list of str, preceded by its length."""
    parts = []
    for item in items:
        if _builtin_type(item) is not str:
            inner = encode_value(items, field)  # refuses what is no list of str
            return varint(len(inner)) + inner
        try:
            data = item.encode("utf-8")  # type: ignore[union-attr]
        except UnicodeEncodeError:
            data = _utf8(item, f"item of field '{field}'")  # type: ignore[arg-type]
        parts.append(_ITEM_PREFIXES[len(data)] + data if len(data) < 128
                     else _ITEM_TAG + varint(len(data)) + data)
    body = b"".join(parts)
    inner = _LIST_TAG + varint(len(body)) + body
    return varint(len(inner)) + inner
_DATE_PREFIX = _ROW_VALUE_TAG + bytes((len(_DATE_TAG) + 1 + 10,)) + _DATE_TAG + b"\x0a"
_ROW_BOOLEANS = {
    flag: _ROW_VALUE_TAG + bytes((len(encoded),)) + encoded
    for flag, encoded in _BOOLEAN_VALUES.items()
}
_UTC = _dt.timezone.utc
_EPOCH = _DateTime(1970, 1, 1, tzinfo=_UTC)
_ONE_US = _dt.timedelta(microseconds=1)


def row_value(value: object, field: str) -> bytes:
    """One ``CustomerRow.values`` entry: its tag, length and ``Value``."""
    exact = _builtin_type(value)
    if exact is str:
        try:
            data = value.encode("utf-8")  # type: ignore[union-attr]
        except UnicodeEncodeError:
            data = _utf8(value, f"value of field '{field}'")  # type: ignore[arg-type]
        if len(data) < _SHORT_TEXT:
            return _TEXT_PREFIXES[len(data)] + data
        inner = _TEXT_TAG + varint(len(data)) + data
        return _ROW_VALUE_TAG + varint(len(inner)) + inner
    if value is None:
        return _NULL_ROW_VALUE
    if exact is bool:
        return _ROW_BOOLEANS[value]  # type: ignore[index]
    if exact is int and INT64_MIN <= value <= INT64_MAX:  # type: ignore[operator]
        inner = _INTEGER_TAG + varint(zigzag64(value))  # type: ignore[arg-type]
        return _ROW_VALUE_TAG + bytes((len(inner),)) + inner
    if exact is _Decimal and value.is_finite():  # type: ignore[union-attr]
        data = format(value, "f").encode("ascii")
        if len(data) < _SHORT_TEXT:
            return _DECIMAL_PREFIXES[len(data)] + data
    elif exact is list:
        return _ROW_VALUE_TAG + _list_value(value, field)  # type: ignore[arg-type]
    if exact is _Date:
        return _DATE_PREFIX + value.isoformat().encode("ascii")  # type: ignore[union-attr]
    if exact is _DateTime and value.tzinfo is _UTC:  # type: ignore[union-attr]
        us = (value - _EPOCH) // _ONE_US  # type: ignore[operator]
        if INT64_MIN <= us <= INT64_MAX:
            inner = _DATETIME_TAG + varint(zigzag64(us))
            return _ROW_VALUE_TAG + bytes((len(inner),)) + inner
    inner = encode_value(value, field)
    return _ROW_VALUE_TAG + varint(len(inner)) + inner


def encode_customer_batch(
    rows: Iterable[Mapping[str, object]], actor: Optional[str] = None
) -> Tuple[bytes, int]:
    """Encodes rows as one ``crm.wire.CustomerBatch``; returns (bytes, row count).

    Columns are the union of the rows' keys in first-seen order. A row that
    lacks a column leaves it out (``CustomerRow.absent``: creating, the field
    takes its default; updating, it keeps its value), while a key whose value
    is None sends a null (creating, the default; updating, the field is
    cleared).
    """
    materialized = list(rows)
    columns = columns_of(materialized)
    out = bytearray()
    for column in columns:
        out += _length_delimited(CUSTOMER_BATCH_COLUMNS, _utf8(column, "field name"))
    row_tag = _tag(CUSTOMER_BATCH_ROWS, LEN)
    width = len(columns)
    encode = row_value
    join = b"".join
    for row in materialized:
        if len(row) == width:  # every column (a row's keys are among them)
            body = join([encode(row[column], column) for column in columns])
        else:
            absent = bytearray()
            values = []
            for index, column in enumerate(columns):
                if column in row:
                    values.append(encode(row[column], column))
                else:
                    absent += varint(index)
            body = join(values) + _length_delimited(CUSTOMER_ROW_ABSENT, bytes(absent))
        out += row_tag
        out += varint(len(body))
        out += body
    if actor:
        out += _length_delimited(CUSTOMER_BATCH_ACTOR, _utf8(actor, "actor"))
    return bytes(out), len(materialized)


def encode_record(values: Mapping[str, object]) -> bytes:
    """A ``crm.wire.CustomerBatch`` of one row holding ``values`` (None: a
    null), for ``crm_record_decode``: the batch encoder, row of one."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping of field name to value, not {type(values).__name__}"
        )
    return encode_customer_batch([values])[0]


def int64_varint(value: int) -> bytes:
    """Varint of a plain ``int64`` (negative values take ten bytes)."""
    return varint(value & 0xFFFFFFFFFFFFFFFF)


def _optional_text_field(number: int, value: object, what: str) -> bytes:
    if value is None:
        return b""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str or None, not {type(value).__name__}")
    return _length_delimited(number, _utf8(value, what)) if value else b""


def encode_event(
    customer_id: object,
    type: object,
    channel: object = None,
    actor: object = None,
    source: object = None,
    occurred_at: object = None,
    idempotency_key: object = None,
    properties: Optional[Mapping[str, Any]] = None,
    what: str = "event",
) -> bytes:
    """One ``crm.wire.EventInput`` message (without its own tag)."""
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise TypeError(f"{what}: customer_id must be an int, not {type_name(customer_id)}")
    check_integer(customer_id, c_int64, "customer_id", what)
    if not isinstance(type, str):
        raise TypeError(f"{what}: type must be a str, not {type_name(type)}")
    out = bytearray()
    if customer_id:
        out += _tag(EVENT_INPUT_CUSTOMER_ID, EVENT_INPUT_CUSTOMER_ID_WIRE)
        out += int64_varint(customer_id)
    out += _optional_text_field(EVENT_INPUT_TYPE, type, f"{what}: type")
    out += _optional_text_field(EVENT_INPUT_CHANNEL, channel, f"{what}: channel")
    out += _optional_text_field(EVENT_INPUT_ACTOR, actor, f"{what}: actor")
    out += _optional_text_field(EVENT_INPUT_SOURCE, source, f"{what}: source")
    if occurred_at is not None:
        if not isinstance(occurred_at, _dt.datetime):
            raise TypeError(
                f"{what}: occurred_at must be an aware datetime, not {type_name(occurred_at)}"
            )
        # optional sint64: written even when 0, its presence is what counts.
        out += _tag(EVENT_INPUT_OCCURRED_AT_US, EVENT_INPUT_OCCURRED_AT_US_WIRE) + varint(
            zigzag64(datetime_to_us(occurred_at, "occurred_at"))
        )
    out += _optional_text_field(EVENT_INPUT_IDEMPOTENCY_KEY, idempotency_key,
                                f"{what}: idempotency_key")
    if properties is not None:
        if not isinstance(properties, Mapping):
            raise TypeError(
                f"{what}: properties must be a mapping, not {type_name(properties)}"
            )
        for name, value in properties.items():
            if not isinstance(name, str):
                raise TypeError(f"{what}: a property name is not a str: {name!r}")
            body = _length_delimited(PROPERTY_NAME, _utf8(name, "property name"))
            body += _length_delimited(PROPERTY_VALUE, encode_value(value, name))
            out += _length_delimited(EVENT_INPUT_PROPERTIES, body)
    return bytes(out)


def type_name(value: object) -> str:
    return _builtin_type(value).__name__


_builtin_type = type


def encode_event_batch(events: Iterable[Mapping[str, Any]]) -> Tuple[bytes, int]:
    """Encodes events, each a dict with the keys of encode_event's
    parameters, as one ``crm.wire.EventBatch``; returns (bytes, count)."""
    out = bytearray()
    count = 0
    for index, event in enumerate(events):
        out += _length_delimited(
            EVENT_BATCH_EVENTS, encode_event(**event, what=f"event {index}")
        )
        count += 1
    return bytes(out), count


# -- decoding: crm.wire.RowSet ----------------------------------------------


class WireError(ValueError):
    """A message from libcrm could not be decoded (a libcrm or binding bug)."""


class RowSet(NamedTuple):
    """A decoded page of rows (or one record): columns, rows, ids.

    ``null_columns`` are the columns that are null in some row (None when
    not known): a row's values hold no None outside them."""

    columns: List[str]
    rows: List[Sequence[Any]]  #: per row, native values aligned with columns (None: null)
    ids: List[int]  #: per row: customer id or event seq
    next_cursor: str  #: "" on the last page
    versions: Sequence[int] = ()  #: per row, for a record: its version
    null_columns: Optional[List[str]] = None


# The kinds whose plain JSON form is not already the native value, and how
# a whole column of them (no null among them) is converted: with map() over
# C-implemented constructors, so that no Python code runs per value.
_FROM_PLAIN = {
    int(Kind.DECIMAL): decimal.Decimal,
    int(Kind.DATE): _Date.fromisoformat,
    int(Kind.DATETIME): decode_datetime,
}
_KINDS = frozenset(int(kind) for kind in Kind if kind is not Kind.NULL)
_UTC_EPOCH = _DateTime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def _datetimes(column: List[Any]) -> List[Any]:
    """UTC datetimes of a column of microseconds (no null among them)."""
    return list(map(_UTC_EPOCH.__add__,
                    map(_dt.timedelta, _repeat(0), _repeat(0), column)))


_COLUMN_FROM_PLAIN = {
    int(Kind.DECIMAL): lambda column: list(map(decimal.Decimal, column)),
    int(Kind.DATE): lambda column: list(map(_Date.fromisoformat, column)),
    int(Kind.DATETIME): _datetimes,
}


def _from_tagged(value: Any) -> Any:
    """The native value of a [kind, plain value] pair (a mixed column)."""
    if not isinstance(value, list) or len(value) != 2 or value[0] not in _KINDS:
        raise WireError(f"malformed mixed-kind value from libcrm: {value!r}")
    convert = _FROM_PLAIN.get(value[0])
    return convert(value[1]) if convert is not None else value[1]


def _convert_column(column: List[Any], kind: int, nulls: int) -> List[Any]:
    """A column's plain values (crm.h, crm_rows_encode_json) as native ones;
    ``nulls`` of them are null."""
    if kind == 0:
        return [None if value is None else _from_tagged(value) for value in column]
    convert = _FROM_PLAIN.get(kind)
    if convert is None:
        return column  # text, integer, boolean, list: already native
    if not nulls:
        try:
            return _COLUMN_FROM_PLAIN[kind](column)
        except OverflowError:
            pass  # a datetime out of range: the per-value path says which
    return [None if value is None else convert(value) for value in column]


def decode_page(data: bytes) -> RowSet:
    """Decodes the JSON page form of ``crm_rows_encode_json`` and
    ``crm_record_encode_json`` (crm.h documents it): ``json.loads``, then
    each column whose kind needs it converted as a whole (``Decimal``,
    ``date``, aware UTC ``datetime``), then the columns zipped into rows
    (tuples aligned with the columns)."""
    try:
        page = json.loads(data)
        columns: List[str] = page["columns"]
        kinds: List[int] = page["kinds"]
        nulls: List[int] = page["nulls"]
        values: List[List[Any]] = page["values"]
        ids: List[int] = page["ids"]
        next_cursor: str = page["next_cursor"]
        versions: Sequence[int] = page.get("versions", ())
    except (ValueError, KeyError, TypeError) as error:
        raise WireError(f"malformed page from libcrm: {error}") from None
    count = len(ids)
    width = len(columns)
    if len(kinds) != width or len(nulls) != width or len(values) != width or any(
        len(column) != count for column in values
    ):
        raise WireError("page from libcrm: its columns, kinds, nulls, values and ids "
                        "do not match")
    try:
        converted = [
            _convert_column(column, kind, null_count)
            for column, kind, null_count in zip(values, kinds, nulls)
        ]
    except (ValueError, TypeError, decimal.InvalidOperation) as error:
        raise WireError(f"page from libcrm: {error}") from None
    rows: List[Any] = list(zip(*converted)) if columns else [()] * count
    null_columns = [column for column, null_count in zip(columns, nulls) if null_count]
    return RowSet(columns, rows, ids, next_cursor, versions, null_columns)


def _read_varint(data: bytes, pos: int) -> Tuple[int, int]:
    """(value, new position) of the varint at ``pos``."""
    byte = data[pos]
    if byte < 0x80:  # the common one-byte case
        return byte, pos + 1
    result = byte & 0x7F
    shift = 7
    pos += 1
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
        if shift >= 70:
            raise WireError("varint longer than ten bytes")


def _unzigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def _signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _fields(data: bytes, start: int = 0, end: Optional[int] = None) -> Iterable[Tuple[int, int, Any]]:
    """(field number, wire type, value) of each field of the message in
    ``data[start:end]``: an int for varints and fixed-size fields, a
    (start, end) pair of offsets for length-delimited ones."""
    pos = start
    end = len(data) if end is None else end
    while pos < end:
        key, pos = _read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == VARINT:
            value, pos = _read_varint(data, pos)
        elif wire_type == LEN:
            length, pos = _read_varint(data, pos)
            if pos + length > end:
                raise WireError("length-delimited field runs past its message")
            value = (pos, pos + length)
            pos += length
        elif wire_type == I64:
            if pos + 8 > end:
                raise WireError("truncated 64-bit field")
            value = int.from_bytes(data[pos:pos + 8], "little")
            pos += 8
        elif wire_type == I32:
            if pos + 4 > end:
                raise WireError("truncated 32-bit field")
            value = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        else:
            raise WireError(f"unsupported wire type {wire_type}")
        yield number, wire_type, value
    if pos != end:
        raise WireError("message runs past its end")


def _text(data: bytes, span: Tuple[int, int]) -> str:
    return data[span[0]:span[1]].decode("utf-8")


def decode_value(data: bytes, start: int, end: int) -> Any:
    """The native value of one ``crm.wire.Value`` in ``data[start:end]``
    (None when no member is set). The last member wins, as for a oneof."""
    value: Any = None
    for number, wire_type, raw in _fields(data, start, end):
        if number == VALUE_TEXT and wire_type == VALUE_TEXT_WIRE:
            value = _text(data, raw)
        elif number == VALUE_INTEGER and wire_type == VALUE_INTEGER_WIRE:
            value = _unzigzag(raw)
        elif number == VALUE_DECIMAL and wire_type == VALUE_DECIMAL_WIRE:
            value = decode_decimal(_text(data, raw))
        elif number == VALUE_BOOLEAN and wire_type == VALUE_BOOLEAN_WIRE:
            value = bool(raw)
        elif number == VALUE_DATE and wire_type == VALUE_DATE_WIRE:
            value = decode_date(_text(data, raw))
        elif number == VALUE_DATETIME_US and wire_type == VALUE_DATETIME_US_WIRE:
            value = decode_datetime(_unzigzag(raw))
        elif number == VALUE_LIST and wire_type == VALUE_LIST_WIRE:
            value = [
                _text(data, item)
                for item_number, item_type, item in _fields(data, raw[0], raw[1])
                if item_number == STRING_LIST_ITEMS and item_type == LEN
            ]
    return value


def decode_row_set(data: bytes) -> RowSet:
    """Decodes a ``crm.wire.RowSet`` (``ids`` packed or not)."""
    columns: List[str] = []
    rows: List[List[Any]] = []
    ids: List[int] = []
    next_cursor = ""
    try:
        for number, wire_type, raw in _fields(data):
            if number == ROW_SET_COLUMNS and wire_type == LEN:
                columns.append(_text(data, raw))
            elif number == ROW_SET_ROWS and wire_type == LEN:
                rows.append([
                    decode_value(data, value[0], value[1])
                    for value_number, value_type, value in _fields(data, raw[0], raw[1])
                    if value_number == CUSTOMER_ROW_VALUES and value_type == LEN
                ])
            elif number == ROW_SET_IDS and wire_type == LEN:  # packed (proto3 default)
                pos, end = raw
                while pos < end:
                    item, pos = _read_varint(data, pos)
                    ids.append(_signed64(item))
                if pos != end:
                    raise WireError("packed ids run past their field")
            elif number == ROW_SET_IDS and wire_type == ROW_SET_IDS_WIRE:
                ids.append(_signed64(raw))
            elif number == ROW_SET_NEXT_CURSOR and wire_type == LEN:
                next_cursor = _text(data, raw)
    except (IndexError, UnicodeDecodeError) as error:
        raise WireError(f"malformed RowSet from libcrm: {error}") from None
    if ids and len(ids) != len(rows):
        raise WireError(f"RowSet has {len(rows)} rows but {len(ids)} ids")
    for index, row in enumerate(rows):
        if len(row) < len(columns):  # trailing nulls may be left out
            row.extend([None] * (len(columns) - len(row)))
        elif len(row) > len(columns):
            raise WireError(f"RowSet row {index} has more values than columns")
    return RowSet(columns, list(rows), ids, next_cursor)
