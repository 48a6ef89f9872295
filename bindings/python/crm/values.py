"""Conversion between native Python values and libcrm's typed values.

Writing, the Python type chooses the libcrm kind:

============================  ==========================================
Python                        libcrm
============================  ==========================================
``None``                      null (clears the field)
``str``                       text
``bool``                      boolean
``int``                       integer (64-bit signed)
``decimal.Decimal``           decimal (exact text, e.g. ``"12.50"``)
``datetime.datetime`` (aware) datetime (UTC microseconds)
``datetime.date``             date (``"YYYY-MM-DD"``)
``list``/``tuple`` of ``str`` list
============================  ==========================================

Reading, the libcrm kind chooses the Python type: datetimes come back as
aware datetimes in UTC, dates as dates, decimals as Decimal, lists as
``list[str]``.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import decimal
import re
from typing import Any, Callable, Dict, List, Tuple, Union

from . import _native

__all__ = [
    "Kind",
    "Value",
    "encode",
    "decode_date",
    "decode_datetime",
    "decode_decimal",
    "datetime_to_us",
    "decimal_text",
    "rule_text",
    "rule_value",
    "value_object",
    "value_of_object",
]

#: Any value the binding can write or read.
Value = Union[
    None, str, bool, int, decimal.Decimal, _dt.datetime, _dt.date, List[str], Tuple[str, ...]
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_ONE_US = _dt.timedelta(microseconds=1)


#: ``crm_value_kind`` of crm.h (NULL, TEXT, INTEGER, DECIMAL, BOOLEAN, DATE,
#: DATETIME, LIST), generated from it.
Kind = _native.ValueKind


#: What ``encode`` returns beside the kind: str for TEXT, DECIMAL and DATE,
#: int for INTEGER and DATETIME, bool for BOOLEAN, list[str] for LIST and
#: None for NULL.
Payload = Union[None, str, int, bool, List[str]]


def _check_int64(value: int, field: str) -> int:
    _native.check_integer(value, ctypes.c_int64, "value", f"field '{field}'", field)
    return value


def datetime_to_us(value: _dt.datetime, field: str = "value") -> int:
    """UTC microseconds since 1970 of an aware datetime (exact)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"value of field '{field}' is a naive datetime ({value.isoformat()}); "
            "libcrm stores instants, so give it a time zone, e.g. "
            "datetime(..., tzinfo=datetime.timezone.utc)"
        )
    return _check_int64((value - EPOCH) // _ONE_US, field)


def decimal_text(value: decimal.Decimal, field: str = "value") -> str:
    """Exact plain decimal text ("-12.50") of a finite Decimal."""
    if not value.is_finite():
        raise ValueError(f"value of field '{field}' is not a finite decimal: {value}")
    return format(value, "f")


def encode(value: object, field: str = "value") -> Tuple[Kind, Payload]:
    """The libcrm kind and payload for a native value.

    Raises TypeError for a type libcrm has no kind for (float included: use
    Decimal for exact amounts) and ValueError for a value it cannot hold
    (naive datetime, NaN decimal, ...).
    """
    if value is None:
        return Kind.NULL, None
    if isinstance(value, str):
        return Kind.TEXT, value
    if isinstance(value, bool):  # before int: bool is an int
        return Kind.BOOLEAN, value
    if isinstance(value, int):
        return Kind.INTEGER, _check_int64(int(value), field)
    if isinstance(value, decimal.Decimal):
        return Kind.DECIMAL, decimal_text(value, field)
    if isinstance(value, _dt.datetime):  # before date: datetime is a date
        return Kind.DATETIME, datetime_to_us(value, field)
    if isinstance(value, _dt.date):
        return Kind.DATE, value.isoformat()
    if isinstance(value, (list, tuple)):
        items = list(value)
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise TypeError(
                    f"value of field '{field}' must be a list of str; item "
                    f"{index} is a {type(item).__name__}"
                )
        return Kind.LIST, items
    if isinstance(value, float):
        raise TypeError(
            f"value of field '{field}' is a float; libcrm keeps numbers exact: "
            "use int, or decimal.Decimal for amounts"
        )
    raise TypeError(
        f"value of field '{field}' has type {type(value).__name__}, which libcrm "
        "cannot store (use str, bool, int, Decimal, aware datetime, date, "
        "list of str or None)"
    )


def decode_datetime(us: int) -> _dt.datetime:
    """An aware UTC datetime from microseconds since 1970."""
    try:
        return EPOCH + _dt.timedelta(microseconds=us)
    except OverflowError:
        raise ValueError(
            f"libcrm datetime {us} us is outside the range of datetime.datetime"
        ) from None


def decode_date(text: str) -> _dt.date:
    """A date from libcrm's "YYYY-MM-DD" text."""
    return _dt.date.fromisoformat(text)


def decode_decimal(text: str) -> decimal.Decimal:
    """An exact Decimal from libcrm's decimal text."""
    return decimal.Decimal(text)


def rule_text(value: object, field: str) -> str:
    """Text form of a bound such as a field's min or max ("10", "9.99",
    "2024-01-31", "2024-01-31T08:00:00Z")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"'{field}' cannot be a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return decimal_text(value, field)
    if isinstance(value, _dt.datetime):
        datetime_to_us(value, field)  # rejects naive datetimes
        utc = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds") + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(
        f"'{field}' has type {type(value).__name__}; use str, int, Decimal, date or datetime"
    )


def value_object(value: object, field: str) -> Dict[str, Any]:
    """The JSON value object of a field definition ({"text": ..}, ...)."""
    kind, payload = encode(value, field)
    if kind is Kind.NULL:
        return {}
    if kind is Kind.LIST:
        return {"list": {"items": payload}}
    key = {
        Kind.TEXT: "text",
        Kind.INTEGER: "integer",
        Kind.DECIMAL: "decimal",
        Kind.BOOLEAN: "boolean",
        Kind.DATE: "date",
        Kind.DATETIME: "datetime_us",
    }[kind]
    return {key: payload}


def _decoded(
    decoders: Dict[str, Callable[[Any], Any]], key: object, payload: Any, otherwise: Any
) -> Any:
    """``decoders[key](payload)``, or ``otherwise`` where there is no
    decoder for the key or the payload does not decode."""
    decoder = decoders.get(key) if isinstance(key, str) else None
    if decoder is None:
        return otherwise
    try:
        return decoder(payload)
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return otherwise


# The keys of a JSON value object (see value_object); 64-bit integers may
# come as JSON strings.
_OBJECT_DECODERS: Dict[str, Callable[[Any], Any]] = {
    "text": str,
    "boolean": bool,
    "integer": int,
    "decimal": decode_decimal,
    "date": decode_date,
    "datetime_us": lambda payload: decode_datetime(int(payload)),
    "list": lambda payload: [str(item) for item in payload.get("items", [])],
}


def value_of_object(value: object) -> Any:
    """The native value of a JSON value object (the inverse of
    :func:`value_object`): ``{"decimal": "0.00"}`` is ``Decimal("0.00")``,
    ``{}`` is None. An object of an unknown shape is returned as it is."""
    if not isinstance(value, dict) or len(value) > 1:
        return value
    if not value:
        return None
    ((key, payload),) = value.items()
    return _decoded(_OBJECT_DECODERS, key, payload, value)


# RFC 3339 as libcrm reads it: "2024-01-31T08:00:00Z", "...+02:00",
# fractional seconds to the microsecond.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
    r"(?:[Zz]|([+-])(\d{2}):(\d{2}))"
)


def _parse_rfc3339(text: str) -> _dt.datetime:
    """An aware UTC datetime from RFC 3339 text."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 datetime: {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    micro = int((match.group(7) or "0").ljust(6, "0"))
    offset = _dt.timedelta(0)
    if match.group(8):
        offset = _dt.timedelta(hours=int(match.group(9)), minutes=int(match.group(10)))
        if match.group(8) == "-":
            offset = -offset
    local = _dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=_dt.timezone(offset))
    return local.astimezone(_dt.timezone.utc)


def _integral(text: str) -> Union[int, decimal.Decimal]:
    number = decimal.Decimal(text)
    return int(number) if number == number.to_integral_value() else number


# Field types that take min/max, with the form of their bounds (rule_text).
_BOUND_DECODERS: Dict[str, Callable[[Any], Any]] = {
    "integer": _integral,
    "reference": _integral,
    "decimal": decode_decimal,
    "date": decode_date,
    "datetime": _parse_rfc3339,
}


def rule_value(text: object, field_type: object) -> Any:
    """The native value of a bound (min/max) in a field definition, for the
    field's type: int, Decimal, date or aware UTC datetime (the inverse of
    :func:`rule_text`). Text that does not read as that type is returned
    as it is."""
    return _decoded(_BOUND_DECODERS, field_type, text, text)
