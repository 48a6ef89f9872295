"""Database: queries, aggregates, search, segments and cohorts."""

from __future__ import annotations

import ctypes
import datetime as _dt
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _native
from .errors import check, check_query
from .literals import Bucket, Target
from .queries import (
    AggregatesArg,
    CQuery,
    EventRow,
    GroupByArg,
    aggregate_specs,
    bucket_code,
    group_keys,
    NamesArg,
    ParamsArg,
    Row,
    RowIterator,
    as_of_times,
    bind_parameters,
    dicts_of,
    rows_of,
    target_code,
    target_name,
)
from .wire import RowSet, type_name
from .valid_time import valid_instant
from ._db_core import DatabaseCore

#: ``as_of`` / ``known_at`` arguments: aware datetimes or None.
When = Optional[_dt.datetime]


def _aggregate_query(
    target: object,
    filter: str,
    params: Any,
    include_archived: bool,
    group_by: GroupByArg,
    aggregates: AggregatesArg,
    as_of: Optional[Tuple[int, int]],
) -> Tuple[CQuery, List[str]]:
    """The CQuery of an aggregate, and the keys every result dict gets (the
    group fields, then the aggregates' aliases)."""
    query = CQuery(
        target,
        filter,
        params,
        include_archived=include_archived,
        group_by=group_by,
        aggregates=aggregates,
        as_of=as_of,
    )
    keys = [name for name, _ in group_keys(group_by)] + [
        alias for _, _, alias in aggregate_specs(aggregates) if alias
    ]
    return query, keys


class QueriesMixin(DatabaseCore):
    """Queries: filters, pages, counts, aggregates, search, segments,
    cohorts.

    Every query method takes the filter (positional only, so that a named
    parameter may be called "filter"), positional parameters bound as "1",
    "2", ... (for ?), and named parameters (for :name) as keyword
    arguments, or in ``params=`` for names that clash with an option."""

    def _run_page(self, query: CQuery) -> RowSet:
        cdll = _native.lib()
        pointer = query.pointer
        return self._rows_call(lambda out, handle: cdll.crm_query_run(out, handle, pointer))

    @staticmethod
    def _row_class(target: object) -> type:
        return EventRow if target == "events" else Row

    def query(
        self,
        filter: str = "",
        /,
        *params: object,
        target: Target = "customers",
        select: NamesArg = None,
        order_by: NamesArg = None,
        page_size: int = 100,
        include_archived: bool = False,
        as_of: When = None,
        known_at: When = None,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> RowIterator:
        """The rows matching ``filter`` (libcrm's filter language, e.g.
        ``"stage = 'customer' and ltv >= :min"``), read ``page_size`` (1 to
        10,000) at a time as the iterator advances.

        ``target`` is ``"customers"`` (rows are :class:`crm.Row`, ``row.id``
        the customer id) or ``"events"`` (:class:`crm.EventRow`, ``row.seq``).
        ``select`` names the fields to return (default: all active ones);
        ``order_by`` the sort keys, a leading ``"-"`` meaning descending
        (ties go by id or seq). ``?`` parameters take ``params`` in order,
        ``:name`` ones the keyword arguments (or ``params_by_name``).

        ``as_of`` (aware datetime) evaluates the filter and rows on each
        customer as it was then (valid time, late changes included), and
        only on customers that existed then; ``known_at`` by what libcrm had
        recorded up to that instant (None: today's knowledge). The same two
        arguments apply to :meth:`query_page`, :meth:`count` and
        :meth:`aggregate`; events queries refuse them (events never change).

        The first page is read at the call, so a bad filter raises a
        :class:`crm.QueryError` (with ``.position``) here; paging is by
        position, so rows written meanwhile never make it repeat or skip one.
        """
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            select=select,
            order_by=order_by,
            page_size=page_size,
            include_archived=include_archived,
            as_of=as_of_times(as_of, known_at),
        )
        return RowIterator(self._run_page, query, self._row_class(target))

    def query_page(
        self,
        filter: str = "",
        /,
        *params: object,
        target: Target = "customers",
        select: NamesArg = None,
        order_by: NamesArg = None,
        page_size: int = 100,
        cursor: Optional[str] = None,
        include_archived: bool = False,
        as_of: When = None,
        known_at: When = None,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> Tuple[List[Row], Optional[str]]:
        """One page of :meth:`query` and the cursor of the next page (None
        after the last), for hosts that page themselves: pass the same
        arguments with each ``cursor``."""
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            select=select,
            order_by=order_by,
            page_size=page_size,
            include_archived=include_archived,
            as_of=as_of_times(as_of, known_at),
        )
        try:
            query.set_cursor(cursor)
            page = self._run_page(query)
        finally:
            query.close()
        return rows_of(page, self._row_class(target)), page.next_cursor or None

    def count(
        self,
        filter: str = "",
        /,
        *params: object,
        target: Target = "customers",
        include_archived: bool = False,
        as_of: When = None,
        known_at: When = None,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> int:
        """How many rows match ``filter``, without fetching them."""
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            include_archived=include_archived,
            as_of=as_of_times(as_of, known_at),
        )
        out = ctypes.c_int64()
        try:
            with self._use() as handle:
                check_query(
                    _native.lib().crm_query_count(ctypes.byref(out), handle, query.pointer)
                )
        finally:
            query.close()
        return out.value

    def explain(
        self,
        filter: str = "",
        /,
        *params: object,
        target: Target = "customers",
        select: NamesArg = None,
        order_by: NamesArg = None,
        include_archived: bool = False,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> str:
        """How SQLite runs the query, one step per line (e.g. "SEARCH c
        USING INDEX ..."): to check that an index is used."""
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            select=select,
            order_by=order_by,
            include_archived=include_archived,
        )
        cdll = _native.lib()
        out = _native.OwnedString()
        try:
            with self._use() as handle:
                check_query(cdll.crm_query_explain(ctypes.byref(out), handle, query.pointer))
        finally:
            query.close()
        try:
            return ctypes.string_at(out.value).decode("utf-8") if out.value else ""
        finally:
            cdll.crm_string_free(out)

    def aggregate(
        self,
        filter: str = "",
        /,
        *params: object,
        target: Target = "customers",
        group_by: GroupByArg = None,
        aggregates: AggregatesArg = ("count",),
        include_archived: bool = False,
        as_of: When = None,
        known_at: When = None,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> List[Dict[str, Any]]:
        """One dict per group of the rows matching ``filter``: the group
        keys, then each aggregate by its alias.

        ``group_by`` items are a field name (``"stage"``,
        ``"customer.sector"`` for events) or a pair ``(field, bucket)``
        grouping a date or datetime field by ``"day"``, ``"week"`` (the
        Monday), ``"month"`` ("2024-03"), ``"quarter"`` ("2024-Q1") or
        ``"year"``. ``aggregates`` items are ``(function, field, alias)``
        tuples (field and alias may be left out or None) with function
        ``"count"`` (field None counts rows), ``"count_distinct"``,
        ``"sum"`` (exact: decimals sum as Decimal), ``"avg"`` (a Decimal with
        two more places than the field), ``"min"`` or ``"max"``; the default
        alias is libcrm's ("count", "sum_<field>", ...). A group whose key
        is empty has None there.
        """
        query, keys = _aggregate_query(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            include_archived,
            group_by,
            aggregates,
            as_of_times(as_of, known_at),
        )
        cdll = _native.lib()
        out: List[Dict[str, Any]] = []
        cursor: Optional[str] = None
        try:
            while True:
                query.set_cursor(cursor)
                pointer = query.pointer
                page = self._rows_call(
                    lambda rows, handle: cdll.crm_query_run_aggregate(rows, handle, pointer)
                )
                out.extend(dicts_of(page, keys))
                cursor = page.next_cursor or None
                if cursor is None:
                    return out
        finally:
            query.close()

    def aggregate_series(
        self,
        filter: str = "",
        /,
        *params: object,
        instants: Iterable[_dt.datetime],
        group_by: GroupByArg = None,
        aggregates: AggregatesArg = ("count",),
        include_archived: bool = False,
        known_at: When = None,
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> List[Dict[str, Any]]:
        """:meth:`aggregate` of customers as of each of ``instants`` (aware
        datetimes, valid time; 1 to 1,000), in one pass over the history:
        e.g. the customers on the premium plan at each month-end. One dict
        per instant (and group), in the order of ``instants``: ``valid_at``
        (the instant), then the group keys and aggregates. ``known_at`` as
        for :meth:`query`."""
        c_instants = [valid_instant(at, "instants") for at in instants]
        query, keys = _aggregate_query(
            "customers",
            filter,
            bind_parameters(params, named_params, params_by_name),
            include_archived,
            group_by,
            aggregates,
            as_of_times(None, known_at),
        )
        keys.insert(0, "valid_at")
        cdll = _native.lib()
        array = (ctypes.c_int64 * max(1, len(c_instants)))(*c_instants)
        try:
            pointer = query.pointer
            page = self._rows_call(
                lambda rows, handle: cdll.crm_query_run_series(
                    rows, handle, pointer, array, len(c_instants)
                )
            )
        finally:
            query.close()
        return dicts_of(page, keys)

    def fill_rates(self) -> List[Dict[str, Any]]:
        """Per active field: ``field``, ``label``, ``group``, ``filled``
        (customers with a value) and ``total`` (customers)."""
        cdll = _native.lib()
        page = self._rows_call(lambda out, handle: cdll.crm_field_fill_rates(out, handle))
        return dicts_of(page, ("field", "label", "group", "filled", "total"))

    def search(self, text: str, limit: int = 20) -> List[Row]:
        """Customers matching the words of ``text`` in their names, emails,
        phone numbers (with or without punctuation), company and other text
        fields, best match first; a trailing ``*`` matches a prefix
        (type-ahead). ``limit`` is 1 to 10,000."""
        c_text = _native.to_c_string(text, "text")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int, not {type_name(limit)}")
        if not 1 <= limit <= 10000:
            raise ValueError("limit must be 1 to 10,000")
        cdll = _native.lib()
        page = self._rows_call(
            lambda out, handle: cdll.crm_customer_search(out, handle, c_text, limit)
        )
        return rows_of(page, Row)

    def save_segment(self, name: str, filter: str, target: Target = "customers") -> None:
        """Saves (or replaces) a named filter without parameters. A field a
        segment uses cannot be renamed or deleted (ConstraintError, rule
        "segment")."""
        c_name = _native.to_c_string(name, "name")
        c_filter = _native.to_c_string(filter, "filter")
        code = target_code(target)
        with self._use() as handle:
            check_query(_native.lib().crm_segment_save(handle, c_name, code, c_filter))

    def delete_segment(self, name: str) -> None:
        """Deletes a saved segment (NotFoundError if there is none)."""
        c_name = _native.to_c_string(name, "name")
        with self._use() as handle:
            check_query(_native.lib().crm_segment_delete(handle, c_name))

    def segment_count(self, name: str) -> int:
        """The live count of a saved segment."""
        c_name = _native.to_c_string(name, "name")
        out = ctypes.c_int64()
        with self._use() as handle:
            check_query(_native.lib().crm_segment_count(ctypes.byref(out), handle, c_name))
        return out.value

    def segments(self) -> List[Dict[str, Any]]:
        """One dict per saved segment: ``name``, ``target`` ("customers" or
        "events"), ``filter``, its live ``count``, and ``error``: None, or
        for a segment that cannot run (a field it uses was archived or
        changed type since) why, with ``count`` None; :meth:`segment_count`
        raises that error."""
        cdll = _native.lib()
        page = self._rows_call(lambda out, handle: cdll.crm_segment_list(out, handle))
        rows = dicts_of(page, ("name", "target", "filter", "count", "error"))
        for row in rows:
            row["target"] = target_name(row["target"])
        return rows

    def cohort(
        self,
        first_type: str,
        then_type: str,
        within_days: int,
        bucket: Optional[Bucket] = None,
    ) -> List[Dict[str, Any]]:
        """Customers grouped by the time bucket (``"day"`` ... ``"year"``;
        None: one group "all") of their first event of type ``first_type``;
        per group a dict with ``cohort``, ``customers``, ``converted`` (those
        with a ``then_type`` event in the window [first event, first event +
        ``within_days`` days): its start included, its end excluded, by
        ``occurred_at``) and ``events`` (how many such events)."""
        c_first = _native.to_c_string(first_type, "first_type")
        c_then = _native.to_c_string(then_type, "then_type")
        if isinstance(within_days, bool) or not isinstance(within_days, int):
            raise TypeError(f"within_days must be an int, not {type_name(within_days)}")
        code = bucket_code(bucket)
        cdll = _native.lib()
        page = self._rows_call(
            lambda out, handle: cdll.crm_cohort(out, handle, c_first, c_then, within_days, code)
        )
        return dicts_of(page, ("cohort", "customers", "converted", "events"))
