"""Customer records, and moving field values in and out of ``crm_record``."""

from __future__ import annotations

import ctypes
import difflib
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    Mapping,
    NoReturn,
    Optional,
)

from . import _native
from .errors import check
from .values import Kind, encode
from .wire import RowSet, decode_page, encode_record

__all__ = [
    "Customer",
    "FieldNames",
    "build_record",
    "fill_record",
    "read_page",
    "read_record",
    "read_values",
    "unknown_name",
]

# What a dict has and a read-only mapping has not: asked for on a Customer
# or Row, the error says it is read-only instead of "no such field".
_MUTATORS = frozenset({"update", "pop", "popitem", "setdefault", "clear"})


def unknown_name(owner: str, kind: str, name: str, known: Iterable[str]) -> AttributeError:
    """The AttributeError for a name that is not one of ``known``: it names
    the nearest known one, or says why a dict method is missing."""
    message = f"{owner} has no {kind} '{name}'"
    if name in _MUTATORS:
        return AttributeError(
            f"{message}: it is a read-only copy (change a customer with "
            "Database.update_customer())"
        )
    names = sorted(known)
    nearest = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if nearest:
        return AttributeError(f"{message}; did you mean '{nearest[0]}'?")
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return AttributeError(f"{message} (its {kind}s: {shown})" if names else message)


def read_only(owner: str) -> NoReturn:
    """Raised by item assignment and deletion on a Customer or Row."""
    raise TypeError(
        f"a {owner} is a read-only copy of what was read; change a customer "
        "with Database.update_customer(id, {field: value})"
    )


class FieldNames(Collection[str]):
    """The names of a workspace's active fields, shared by the customers a
    Database reads, so that ``customer.plan`` can be None for an empty
    field and an AttributeError for a misspelt one.

    ``load`` returns the names, or None once the workspace is closed (then
    the names last read stay). They are read at the first use, again after
    :meth:`forget` (the Database changed a field) and, while the workspace
    is open, when asked about a name they do not hold (another handle or
    process may have defined it since).
    """

    def __init__(self, load: Callable[[], Optional[Iterable[str]]]) -> None:
        self._load = load
        self._names: FrozenSet[str] = frozenset()
        self._stale = True

    def _read(self) -> FrozenSet[str]:
        loaded = self._load()
        if loaded is not None:
            self._names = frozenset(loaded)
            self._stale = False
        return self._names

    def current(self) -> FrozenSet[str]:
        """The names, read now if they were never read or are stale."""
        return self._read() if self._stale else self._names

    def forget(self) -> None:
        """Marks the names stale: read again at the next use."""
        self._stale = True

    def __contains__(self, name: object) -> bool:
        return name in self.current() or (isinstance(name, str) and name in self._read())

    def __iter__(self) -> Iterator[str]:
        return iter(self.current())

    def __len__(self) -> int:
        return len(self.current())


class Customer(Mapping[str, Any]):
    """A customer as read from the workspace: a read-only mapping of field
    name to native value, with attribute access (``c.name``, ``c.email``).

    It is a copy: it stays usable after the workspace is closed and does not
    change when the customer is updated; change the customer with
    :meth:`Database.update_customer` (item assignment raises TypeError,
    attribute assignment AttributeError). As a mapping it holds the fields
    that have a value (``"plan" in c``, ``c["plan"]``, ``c.get("plan")``).
    As attributes, a defined field that holds no value is None, and a name
    that is no field raises AttributeError naming the nearest field. Field
    names that clash with a mapping method (``keys``, ``values``,
    ``items``, ``get``) or with ``id``/``version``/``merged_id`` are read with
    ``c["name"]``.

    ``fields`` are the names of the fields the customer could hold (by
    default the keys of ``values``). ``merged_id`` is the merged id it was
    read by (see :attr:`merged_id`), None otherwise.
    """

    __slots__ = ("_id", "_version", "_values", "_fields", "_merged_id")

    def __init__(
        self,
        id: int,
        version: int,
        values: Mapping[str, Any],
        fields: Optional[Collection[str]] = None,
        merged_id: Optional[int] = None,
    ) -> None:
        object.__setattr__(self, "_id", id)
        object.__setattr__(self, "_version", version)
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_fields", frozenset(values) if fields is None else fields)
        object.__setattr__(self, "_merged_id", merged_id or None)

    @property
    def id(self) -> int:
        """The customer's id."""
        return self._id

    @property
    def version(self) -> int:
        """Starts at 1 and grows by one with every update."""
        return self._version

    @property
    def merged_id(self) -> Optional[int]:
        """For a customer read by an id (or external id) that was merged
        into it (see :meth:`Database.merge`): the id asked for (for an
        external id, the merged customer's that held it), while
        :attr:`id` is the survivor's. None for a customer read by its own
        id or external id."""
        return self._merged_id

    def __getitem__(self, field: str) -> Any:
        return self._values[field]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, field: str) -> Any:
        if field.startswith("_"):
            raise AttributeError(field)
        values = self._values
        if field in values:
            return values[field]
        if field in self._fields:
            return None  # defined, empty
        raise unknown_name(f"customer {self._id}", "field", field, self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"a Customer is read-only; set '{name}' with Database.update_customer()"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(
            f"a Customer is read-only; clear '{name}' with Database.update_customer()"
        )

    if not TYPE_CHECKING:  # so that type checkers still flag c["x"] = ...

        def __setitem__(self, field, value):
            read_only("Customer")

        def __delitem__(self, field):
            read_only("Customer")

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict copy of the values (lists copied too)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._values.items()}

    def __repr__(self) -> str:
        merged = "" if self._merged_id is None else f", merged_id={self._merged_id}"
        return f"Customer(id={self._id}, version={self._version}{merged}, {self._values!r})"

    def __reduce__(self) -> Any:
        return (Customer, (self._id, self._version, self._values, frozenset(self._fields),
                           self._merged_id))


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
    """A new ``crm_record`` holding ``values``, in one crossing: the values
    are encoded as a one-row ``CustomerBatch`` (the batch encoder) and
    ``crm_record_decode`` builds the record. The caller frees it with
    ``crm_record_free``."""
    data = encode_record(values)
    cdll = _native.lib()
    record = _native.RecordPtr()
    check(cdll.crm_record_decode(ctypes.byref(record), data, len(data)))
    return record


def read_page(call: Any, owner: Any) -> RowSet:
    """The page that ``call(byref(pointer), byref(size), owner)`` (one of
    ``crm_rows_encode_json`` and ``crm_record_encode_json``) encodes,
    decoded (:func:`crm.wire.decode_page`)."""
    text = ctypes.c_char_p()
    size = ctypes.c_size_t()
    check(call(ctypes.byref(text), ctypes.byref(size), owner))
    # Borrowed until the owner changes or is freed: copied out here.
    return decode_page(ctypes.string_at(text, size.value))


def read_values(record: Any) -> Dict[str, Any]:
    """The non-null values of a ``crm_record`` (owned or borrowed), copied
    into a dict of field name to native value, in one crossing."""
    if not record:
        return {}
    page = read_page(_native.lib().crm_record_encode_json, record)
    return {column: value for column, value in zip(page.columns, page.rows[0])
            if value is not None}


def read_record(record: Any, fields: Optional[Collection[str]] = None) -> Customer:
    """A Customer copied out of a ``crm_record`` (which the caller frees),
    in one crossing (and crm_record_merged_id, a scalar); ``fields`` as for
    Customer."""
    cdll = _native.lib()
    page = read_page(cdll.crm_record_encode_json, record)
    values = {column: value for column, value in zip(page.columns, page.rows[0])
              if value is not None}
    merged_id = cdll.crm_record_merged_id(record)
    return Customer(page.ids[0], page.versions[0], values, fields, merged_id or None)
