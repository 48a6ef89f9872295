"""Queries: result rows, and building ``crm_query`` objects from Python
arguments. :class:`crm.Database` has the public methods (``query``,
``count``, ``aggregate``, ...); this module holds what they share.
"""

from __future__ import annotations

import ctypes
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    Collection,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _native
from .errors import check_query
from .literals import BUCKETS, FUNCTIONS, TARGETS, AggregateFunction, Bucket, Target
from .records import fill_record, read_only, read_page, unknown_name
from .valid_time import known_at_us, valid_instant
from .wire import RowSet

__all__ = [
    "Row",
    "EventRow",
    "RowIterator",
    "GroupByArg",
    "AggregatesArg",
    "CQuery",
    "read_row_set",
    "target_code",
    "target_name",
    "group_keys",
    "aggregate_specs",
    "bucket_code",
    "bind_parameters",
    "rows_of",
    "dicts_of",
]

#: Largest page libcrm returns (crm_query_set_page_size).
MAX_PAGE_SIZE = 10000


class Row(Mapping[str, Any]):
    """One result row of a query: a read-only mapping of column name to
    native value, with attribute access (``row.name``) like
    :class:`crm.Customer`. As a mapping it holds the columns that have a
    value (null ones are absent); as attributes, a column of the result
    that is null in this row is None, and a name that is no column raises
    AttributeError naming the nearest column.

    ``id`` is the customer id (customer queries, search) or the event seq
    (event queries, where :class:`EventRow` also names it ``seq``). A copy:
    it stays usable after the workspace is closed. ``columns`` are the
    result's columns (by default the keys of ``values``).
    """

    __slots__ = ("_id", "_values", "_columns")

    def __init__(
        self, id: int, values: Mapping[str, Any], columns: Optional[Collection[str]] = None
    ) -> None:
        object.__setattr__(self, "_id", id)
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_columns", frozenset(values if columns is None else columns))

    @property
    def id(self) -> int:
        """The customer id (or, for an event row, the event seq)."""
        return self._id

    def __getitem__(self, column: str) -> Any:
        return self._values[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, column: str) -> Any:
        if column.startswith("_"):
            raise AttributeError(column)
        values = self._values
        if column in values:
            return values[column]
        if column in self._columns:
            return None  # a column of the result, null here
        raise unknown_name(f"row {self._id}", "column", column, self._columns)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a query row is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a query row is read-only")

    if not TYPE_CHECKING:  # so that type checkers still flag row["x"] = ...

        def __setitem__(self, column, value):
            read_only("query row")

        def __delitem__(self, column):
            read_only("query row")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return type(self) is type(other) and self._id == other._id and (
                self._values == other._values
            )
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # a mapping: not hashable

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict copy of the values (lists copied too)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._values.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self._id}, {self._values!r})"

    def __reduce__(self) -> Any:
        return (type(self), (self._id, self._values, self._columns))


class EventRow(Row):
    """A row of an event query: ``seq`` (also ``id``), and the columns
    customer_id, type, channel, actor, source, idempotency_key, occurred_at,
    recorded_at, and those selected as ``customer.<field>`` or
    ``properties.<name>`` (``row["properties.amount"]``), that hold a
    value."""

    __slots__ = ()

    @property
    def seq(self) -> int:
        """The event's sequence number."""
        return self._id


def target_code(target: object) -> int:
    if target not in TARGETS:
        raise ValueError(f"target must be 'customers' or 'events', not {target!r}")
    return TARGETS[target]  # type: ignore[index]


def target_name(code: object) -> object:
    """'customers'/'events' for a target code (other values unchanged)."""
    for name, value in TARGETS.items():
        if code == value:
            return name
    return code


def bucket_code(bucket: object) -> int:
    if bucket not in BUCKETS:
        raise ValueError(
            f"bucket must be one of 'day', 'week', 'month', 'quarter', 'year' or None, "
            f"not {bucket!r}"
        )
    return BUCKETS[bucket]  # type: ignore[index]


def _str_list(value: object, what: str) -> List[str]:
    """A list of str from None, one str, or an iterable of str."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what} must be str, not {type(item).__name__}")
    return items


def _page_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"page_size must be an int, not {type(value).__name__}")
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE:,}")
    return value


def bind_parameters(
    positional: Sequence[object],
    named: Mapping[str, object],
    params: Optional[Mapping[str, object]],
) -> Dict[str, object]:
    """The query parameters by name: positional ones as "1", "2", ...,
    then ``params`` and keyword ones by their names."""
    bound: Dict[str, object] = {str(index + 1): value for index, value in enumerate(positional)}
    for source in (params or {}), named:
        if not isinstance(source, Mapping):
            raise TypeError(f"params must be a mapping, not {type(source).__name__}")
        for name, value in source.items():
            if not isinstance(name, str):
                raise TypeError(f"a parameter name must be a str, not {type(name).__name__}")
            if name in bound:
                raise TypeError(f"parameter '{name}' is given twice")
            bound[name] = value
    return bound


def group_keys(group_by: object) -> List[Tuple[str, int]]:
    keys: List[Tuple[str, int]] = []
    items = [group_by] if isinstance(group_by, (str, tuple)) else list(group_by or ())  # type: ignore[call-overload]
    for item in items:
        if isinstance(item, str):
            keys.append((item, _native.CRM_BUCKET_NONE))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            keys.append((item[0], bucket_code(item[1])))
        else:
            raise TypeError(
                f"group_by items must be a field name or a (field, bucket) pair, not {item!r}"
            )
    return keys


def aggregate_specs(aggregates: object) -> List[Tuple[int, Optional[str], Optional[str]]]:
    specs: List[Tuple[int, Optional[str], Optional[str]]] = []
    items = [aggregates] if isinstance(aggregates, (str, tuple)) else list(aggregates or ())  # type: ignore[call-overload]
    for item in items:
        parts = (item,) if isinstance(item, str) else item
        if not isinstance(parts, tuple) or not 1 <= len(parts) <= 3:
            raise TypeError(
                f"aggregates items must be a function name or a (function, field, alias) "
                f"tuple, not {item!r}"
            )
        function, field, alias = (tuple(parts) + (None, None))[:3]
        if function not in FUNCTIONS:
            raise ValueError(
                f"aggregate function must be one of {', '.join(FUNCTIONS)}, not {function!r}"
            )
        for what, value in (("field", field), ("alias", alias)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"aggregate {what} must be a str or None, not {value!r}")
        specs.append((FUNCTIONS[function], field, alias))
    return specs


class CQuery:
    """Owns one ``crm_query`` built from Python arguments; freed by
    :meth:`close` or when garbage collected. Use from one thread at a time."""

    def __init__(
        self,
        target: object = "customers",
        filter: object = "",
        params: Optional[Mapping[str, object]] = None,
        select: object = None,
        order_by: object = None,
        page_size: Optional[object] = None,
        include_archived: bool = False,
        group_by: object = None,
        aggregates: object = None,
        as_of: Optional[Tuple[int, int]] = None,
    ) -> None:
        """``as_of``: (valid_us, known_at_us) for crm_query_set_as_of(), or
        None for today (see as_of_times)."""
        code = target_code(target)
        self.target = target
        c_filter = _native.to_c_string(filter if filter is not None else "", "filter")
        c_select = [_native.to_c_string(f, "select") for f in _str_list(select, "select fields")]
        c_order = []
        for key in _str_list(order_by, "order_by keys"):
            descending = key.startswith("-")
            name = key[1:] if descending or key.startswith("+") else key
            c_order.append((_native.to_c_string(name, "order_by"), 1 if descending else 0))
        c_page_size = None if page_size is None else _page_size(page_size)
        groups = [(_native.to_c_string(f, "group_by"), b) for f, b in group_keys(group_by)]
        specs = [
            (fn, _native.optional_c_string(field, "aggregate field"),
             _native.optional_c_string(alias, "aggregate alias"))
            for fn, field, alias in aggregate_specs(aggregates)
        ]
        cdll = _native.lib()
        query = _native.QueryPtr()
        check_query(cdll.crm_query_new(ctypes.byref(query), code))
        self._query = query
        self._finalizer = weakref.finalize(self, cdll.crm_query_free, query)
        try:
            check_query(cdll.crm_query_set_filter(query, c_filter))
            if params:
                # Borrowed from the query: valid until it is freed.
                fill_record(cdll.crm_query_params(query), params)
            for field in c_select:
                check_query(cdll.crm_query_select(query, field))
            for field, descending in c_order:
                check_query(cdll.crm_query_order_by(query, field, descending))
            if c_page_size is not None:
                check_query(cdll.crm_query_set_page_size(query, c_page_size))
            if include_archived:
                check_query(cdll.crm_query_include_archived(query, 1))
            for field, bucket in groups:
                check_query(cdll.crm_query_group_by(query, field, bucket))
            for function, field, alias in specs:
                check_query(cdll.crm_query_aggregate(query, function, field, alias))
            if as_of is not None:
                check_query(cdll.crm_query_set_as_of(query, as_of[0], as_of[1]))
        except BaseException:
            self.close()
            raise

    @property
    def pointer(self) -> Any:
        if not self._finalizer.alive:
            raise ValueError("the query was closed")
        return self._query

    def set_cursor(self, cursor: Optional[str]) -> None:
        c_cursor = _native.optional_c_string(cursor, "cursor")
        check_query(_native.lib().crm_query_set_cursor(self.pointer, c_cursor))

    def close(self) -> None:
        self._finalizer()


def as_of_times(as_of: object, known_at: object) -> Optional[Tuple[int, int]]:
    """The (valid_us, known_at_us) of a query's ``as_of``/``known_at``
    arguments (aware datetimes; None: now, today's knowledge), or None when
    both are None (the query runs as it always has)."""
    if as_of is None and known_at is None:
        return None
    valid = _native.CRM_TIME_MAX if as_of is None else valid_instant(as_of, "as_of")
    return valid, known_at_us(known_at)


def read_row_set(rows: Any) -> RowSet:
    """A page of ``crm_rows`` decoded in one crossing (crm_rows_encode_json)."""
    return read_page(_native.lib().crm_rows_encode_json, rows)


# The slots of Row, set directly when a page's rows are made (Row's
# __setattr__ refuses, and __init__ copies what a page hands over).
_SET_ID = Row._id.__set__  # type: ignore[attr-defined]
_SET_VALUES = Row._values.__set__  # type: ignore[attr-defined]
_SET_COLUMNS = Row._columns.__set__  # type: ignore[attr-defined]


def rows_of(page: RowSet, row_class: type = Row) -> List[Row]:
    """The page's rows as Row objects (null columns left out)."""
    columns = page.columns
    names = frozenset(columns)  # shared by the page's rows
    ids = page.ids or [0] * len(page.rows)
    null_columns = page.null_columns
    new: Any = object.__new__
    out = []
    append = out.append
    for id, values in zip(ids, page.rows):
        row = new(row_class)
        _SET_ID(row, id)
        if null_columns is None:
            held = {column: value for column, value in zip(columns, values)
                    if value is not None}
        else:
            held = dict(zip(columns, values))
            for column in null_columns:  # only these can be null
                if held[column] is None:
                    del held[column]
        _SET_VALUES(row, held)
        _SET_COLUMNS(row, names)
        append(row)
    return out


def dicts_of(page: RowSet, keys: Iterable[str] = ()) -> List[Dict[str, Any]]:
    """The page's rows as plain dicts, nulls included as None, with every
    name in ``keys`` present (None when libcrm left the column out)."""
    out = []
    for values in page.rows:
        row = dict(zip(page.columns, values))
        for key in keys:
            row.setdefault(key, None)
        out.append(row)
    return out


class RowIterator(Iterator[Row]):
    """The rows of a query, read a page at a time as iteration advances
    (the first page is read when the query is made, so a bad filter raises
    there). Paging is by position: rows added or changed meanwhile never
    make it repeat or skip a row. :meth:`close` (or the end of iteration)
    frees the query early."""

    def __init__(self, fetch: Any, query: CQuery, row_class: type) -> None:
        self._fetch = fetch  # (query) -> RowSet
        self._query: Optional[CQuery] = query
        self._row_class = row_class
        self._rows: List[Row] = []
        self._index = 0
        self._cursor: Optional[str] = None
        self._load()

    def _load(self) -> None:
        assert self._query is not None
        self._query.set_cursor(self._cursor)
        page = self._fetch(self._query)
        self._rows = rows_of(page, self._row_class)
        self._index = 0
        self._cursor = page.next_cursor or None
        if self._cursor is None:
            self.close()

    def __iter__(self) -> "RowIterator":
        return self

    def __next__(self) -> Row:
        while self._index >= len(self._rows):
            if self._query is None:
                raise StopIteration
            self._load()
        row = self._rows[self._index]
        self._index += 1
        return row

    def close(self) -> None:
        """Stops reading; later iteration ends after the page in hand."""
        if self._query is not None:
            self._query.close()
            self._query = None

    def __enter__(self) -> "RowIterator":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


ParamsArg = Optional[Mapping[str, object]]
NamesArg = Union[None, str, Sequence[str]]
#: A ``group_by`` key: a field name, or a (date or datetime field, bucket) pair.
GroupByItem = Union[str, Tuple[str, Optional[Bucket]]]
GroupByArg = Union[None, GroupByItem, Iterable[GroupByItem]]
#: An aggregate: a function name, or a (function, field, alias) tuple whose
#: field and alias may be left out or None.
AggregateSpec = Union[
    AggregateFunction,
    Tuple[AggregateFunction],
    Tuple[AggregateFunction, Optional[str]],
    Tuple[AggregateFunction, Optional[str], Optional[str]],
]
AggregatesArg = Union[AggregateSpec, Iterable[AggregateSpec]]
