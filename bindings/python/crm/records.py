"""Customer records, and moving field values in and out of ``crm_record``."""

from __future__ import annotations

import ctypes
from typing import Any, Dict, Iterator, Mapping, Optional

from . import _native
from .errors import check
from .values import Kind, decode_date, decode_datetime, decode_decimal, encode

__all__ = ["Customer", "build_record", "fill_record", "read_record", "read_values"]


class Customer(Mapping[str, Any]):
    """A customer as read from the workspace: a read-only mapping of field
    name to native value, with attribute access (``c.name``, ``c.email``).

    It is a copy: it stays usable after the workspace is closed and does not
    change when the customer is updated. Fields that hold no value are
    absent. Field names that clash with a mapping method (``keys``,
    ``values``, ``items``, ``get``) or with ``id``/``version`` are read with
    ``c["name"]``.
    """

    __slots__ = ("_id", "_version", "_values")

    def __init__(self, id: int, version: int, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_id", id)
        object.__setattr__(self, "_version", version)
        object.__setattr__(self, "_values", dict(values))

    @property
    def id(self) -> int:
        """The customer's id."""
        return self._id

    @property
    def version(self) -> int:
        """Starts at 1 and grows by one with every update."""
        return self._version

    def __getitem__(self, field: str) -> Any:
        return self._values[field]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, field: str) -> Any:
        if field.startswith("_"):
            raise AttributeError(field)
        try:
            return self._values[field]
        except KeyError:
            raise AttributeError(
                f"customer {self._id} holds no value for field '{field}'"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Customer is read-only; use Database.update_customer()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Customer is read-only; use Database.update_customer()")

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict copy of the values (lists copied too)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._values.items()}

    def __repr__(self) -> str:
        return f"Customer(id={self._id}, version={self._version}, {self._values!r})"

    def __reduce__(self) -> Any:
        return (Customer, (self._id, self._version, self._values))


def _set(cdll: ctypes.CDLL, record: Any, field: str, value: object) -> None:
    name = _native.to_c_string(field, "field name")
    kind, payload = encode(value, field)
    what = f"value of field '{field}'"
    if kind is Kind.NULL:
        status = cdll.crm_record_set_null(record, name)
    elif kind is Kind.TEXT:
        status = cdll.crm_record_set_text(record, name, _native.to_c_string(payload, what))
    elif kind is Kind.INTEGER:
        status = cdll.crm_record_set_integer(record, name, payload)
    elif kind is Kind.DECIMAL:
        status = cdll.crm_record_set_decimal(record, name, _native.to_c_string(payload, what))
    elif kind is Kind.BOOLEAN:
        status = cdll.crm_record_set_boolean(record, name, 1 if payload else 0)
    elif kind is Kind.DATE:
        status = cdll.crm_record_set_date(record, name, _native.to_c_string(payload, what))
    elif kind is Kind.DATETIME:
        status = cdll.crm_record_set_datetime(record, name, payload)
    else:
        assert isinstance(payload, list)
        encoded = [_native.to_c_string(item, f"item of field '{field}'") for item in payload]
        items = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
        status = cdll.crm_record_set_list(record, name, items, len(encoded))
    check(status)


def fill_record(record: Any, values: Mapping[str, object]) -> None:
    """Sets ``values`` on an existing ``crm_record`` (e.g. an event's
    borrowed properties record)."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping of field name to value, not {type(values).__name__}"
        )
    cdll = _native.lib()
    for field, value in values.items():
        _set(cdll, record, field, value)


def build_record(values: Mapping[str, object]) -> Any:
    """A new ``crm_record`` holding ``values``; the caller frees it with
    ``crm_record_free``. Freed here if a value is refused."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping of field name to value, not {type(values).__name__}"
        )
    cdll = _native.lib()
    record = _native.RecordPtr()
    check(cdll.crm_record_new(ctypes.byref(record)))
    try:
        for field, value in values.items():
            _set(cdll, record, field, value)
    except BaseException:
        cdll.crm_record_free(record)
        raise
    return record


def _get(cdll: ctypes.CDLL, record: Any, name: bytes, field: str) -> Any:
    kind = cdll.crm_record_kind(record, name)
    if kind == Kind.NULL:
        return None
    if kind in (Kind.TEXT, Kind.DECIMAL, Kind.DATE):
        getter = {
            Kind.TEXT: cdll.crm_record_get_text,
            Kind.DECIMAL: cdll.crm_record_get_decimal,
            Kind.DATE: cdll.crm_record_get_date,
        }[Kind(kind)]
        text = ctypes.c_char_p()
        check(getter(ctypes.byref(text), record, name))
        value = _native.text_or_empty(text.value)
        if kind == Kind.DECIMAL:
            return decode_decimal(value)
        if kind == Kind.DATE:
            return decode_date(value)
        return value
    if kind in (Kind.INTEGER, Kind.DATETIME):
        number = ctypes.c_int64()
        getter = (
            cdll.crm_record_get_integer if kind == Kind.INTEGER else cdll.crm_record_get_datetime
        )
        check(getter(ctypes.byref(number), record, name))
        return number.value if kind == Kind.INTEGER else decode_datetime(number.value)
    if kind == Kind.BOOLEAN:
        flag = ctypes.c_int()
        check(cdll.crm_record_get_boolean(ctypes.byref(flag), record, name))
        return bool(flag.value)
    if kind == Kind.LIST:
        size = ctypes.c_size_t()
        check(cdll.crm_record_get_list_size(ctypes.byref(size), record, name))
        items = []
        for index in range(size.value):
            item = ctypes.c_char_p()
            check(cdll.crm_record_get_list_item(ctypes.byref(item), record, name, index))
            items.append(_native.text_or_empty(item.value))
        return items
    raise ValueError(f"field '{field}' holds a value of unknown kind {kind}")


def read_values(record: Any) -> Dict[str, Any]:
    """The non-null values of a ``crm_record`` (owned or borrowed), copied
    into a dict of field name to native value."""
    cdll = _native.lib()
    values: Dict[str, Any] = {}
    if not record:
        return values
    for index in range(cdll.crm_record_field_count(record)):
        raw: Optional[bytes] = cdll.crm_record_field_name(record, index)
        if not raw:
            continue
        field = raw.decode("utf-8")
        value = _get(cdll, record, raw, field)
        if value is not None:
            values[field] = value
    return values


def read_record(record: Any) -> Customer:
    """A Customer copied out of a ``crm_record`` (which the caller frees)."""
    cdll = _native.lib()
    values = read_values(record)
    return Customer(cdll.crm_record_id(record), cdll.crm_record_version(record), values)
