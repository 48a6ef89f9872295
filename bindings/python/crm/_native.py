"""Loading libcrm and the one declaration table of its C prototypes.

Every C function the binding calls is declared in ``_PROTOTYPES`` below, with
the result type and the named parameters of ``crm/crm.h``. Nothing else in
the package declares ctypes signatures.

ctypes wraps an int around silently when it does not fit the C type
(``2**64 + 1`` passed as ``int64_t`` arrives as 1), so every integer that
crosses into libcrm, as an argument or a member of an options struct, is
range-checked here against its C type first, and one that does not fit
raises :class:`crm.IntegerRangeError` naming the parameter.

The library is looked for, in order:

1. the path in the environment variable ``CRM_LIBRARY``;
2. a copy shipped inside the package, ``crm/_lib/libcrm.so*``;
3. the system library path (``ctypes.util.find_library("crm")``, then
   ``libcrm.so.0``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint32,
    c_void_p,
)
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

__all__ = [
    "EXPECTED_VERSION_NUMBER",
    "LibraryLoadError",
    "OpenOptions",
    "DbPtr",
    "RecordPtr",
    "ReportPtr",
    "EventPtr",
    "EventPagePtr",
    "FieldTimelinePtr",
    "QueryPtr",
    "RowsPtr",
    "TimelineOptions",
    "lib",
    "library_path",
]

#: The libcrm release this binding was written for (CRM_VERSION_NUMBER of
#: crm.h: major*10000 + minor*100 + patch). The loaded library must have the
#: same major version and be at least this release.
EXPECTED_VERSION_NUMBER = 200  # 0.2.0: queries, aggregates, segments, cohorts

ENV_VARIABLE = "CRM_LIBRARY"


class LibraryLoadError(ImportError):
    """libcrm could not be found or loaded, or is of an unsupported version."""


# ctypes' format codes of its integer types (c_size_t is c_ulong or
# c_ulonglong, c_int32 is c_int, ...).
_INTEGER_CODES = "bBhHiIlLqQ"


def integer_range(ctype: Any) -> Optional[Tuple[int, int]]:
    """(lowest, highest) value of a ctypes integer type; None for others."""
    code = getattr(ctype, "_type_", None)
    if not isinstance(code, str) or code not in _INTEGER_CODES:
        return None
    bits = 8 * ctypes.sizeof(ctype)
    if code.islower():
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def check_integer(
    value: Any, ctype: Any, parameter: str, where: str, field: str = ""
) -> None:
    """Raises IntegerRangeError unless ``value`` fits the ctypes integer type
    ``ctype`` it crosses into libcrm as (anything but an int or a float is
    left to ctypes, which refuses it itself)."""
    low, high = integer_range(ctype)  # type: ignore[misc]
    try:
        fits = low <= value <= high
    except TypeError:
        return
    if not fits:
        from .errors import IntegerRangeError

        signed = "signed" if low else "unsigned"
        bits = 8 * ctypes.sizeof(ctype)
        raise IntegerRangeError(
            f"{parameter} must be an int from {low} to {high} to cross into "
            f"libcrm as a {bits}-bit {signed} integer ({where}), not {value!r}",
            field=field,
            rule=parameter,
        )


def _range_checked(name: str, function: Any, parameters: List[Tuple[str, Any]]) -> Any:
    """``function`` behind a check that its integer arguments fit their C
    types; ``function`` itself when it takes no integer."""
    checks = [
        (index, *bounds, parameter, ctype)
        for index, (parameter, ctype) in enumerate(parameters)
        for bounds in [integer_range(ctype)]
        if bounds is not None
    ]
    if not checks:
        return function
    where = f"{name}()"

    def call(*args: Any) -> Any:
        for index, low, high, parameter, ctype in checks:
            value = args[index]
            # An int in range passes here; anything else goes to the full check.
            if value.__class__ is not int or not low <= value <= high:
                check_integer(value, ctype, parameter, where)
        return function(*args)

    call.__name__ = call.__qualname__ = name
    call.__wrapped__ = function  # type: ignore[attr-defined]
    return call


class _CheckedStructure(Structure):
    """A ctypes Structure whose integer members are range-checked when set;
    ``_c_name_`` is the struct's name in crm.h."""

    _c_name_ = ""

    def __setattr__(self, name: str, value: Any) -> None:
        ctype = dict(self._fields_).get(name)  # type: ignore[call-overload]
        if ctype is not None and integer_range(ctype) is not None:
            check_integer(value, ctype, name, self._c_name_)
        super().__setattr__(name, value)


# Opaque handle types: distinct pointer types so that ctypes refuses, say, a
# record where a workspace is expected.
class _CrmDb(Structure):
    pass


class _CrmRecord(Structure):
    pass


class _CrmBatchReport(Structure):
    pass


class _CrmEvent(Structure):
    pass


class _CrmEventPage(Structure):
    pass


class _CrmFieldTimeline(Structure):
    pass


class _CrmQuery(Structure):
    pass


class _CrmRows(Structure):
    pass


DbPtr = POINTER(_CrmDb)
RecordPtr = POINTER(_CrmRecord)
ReportPtr = POINTER(_CrmBatchReport)
EventPtr = POINTER(_CrmEvent)
EventPagePtr = POINTER(_CrmEventPage)
FieldTimelinePtr = POINTER(_CrmFieldTimeline)
QueryPtr = POINTER(_CrmQuery)
RowsPtr = POINTER(_CrmRows)


class OpenOptions(_CheckedStructure):
    """``crm_open_options``: its first member carries its own size."""

    _c_name_ = "crm_open_options"

    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_int),
        ("busy_timeout_ms", c_int32),
        ("sync", c_int),
    ]


class TimelineOptions(_CheckedStructure):
    """``crm_timeline_options``; build it with :func:`timeline_options` to
    get the ``CRM_TIMELINE_OPTIONS_INIT`` defaults."""

    _c_name_ = "crm_timeline_options"

    _fields_ = [
        ("struct_size", c_uint32),
        ("from_us", c_int64),
        ("to_us", c_int64),
        ("types", POINTER(c_char_p)),
        ("type_count", c_size_t),
        ("channels", POINTER(c_char_p)),
        ("channel_count", c_size_t),
        ("oldest_first", c_int),
        ("page_size", c_uint32),
        ("cursor", c_char_p),
    ]


_c_int_p = POINTER(c_int)
_c_int64_p = POINTER(c_int64)
_c_size_t_p = POINTER(c_size_t)
_c_char_p_p = POINTER(c_char_p)  # const char** (borrowed text)
_owned_char_p_p = POINTER(c_void_p)  # char** (freed with crm_string_free)

# name: (restype, [(parameter name, argtype), ...]), as in crm.h.
_PROTOTYPES: Dict[str, Tuple[Any, List[Tuple[str, Any]]]] = {
    # Version
    "crm_version": (c_char_p, []),
    "crm_version_number": (c_int, []),
    # Status codes and errors
    "crm_status_name": (c_char_p, [("status", c_int)]),
    "crm_last_error_code": (c_int, []),
    "crm_last_error_message": (c_char_p, []),
    "crm_last_error_field": (c_char_p, []),
    "crm_last_error_rule": (c_char_p, []),
    "crm_last_error_position": (c_int64, []),
    "crm_string_free": (None, [("s", c_void_p)]),
    # Workspace
    "crm_open": (
        c_int,
        [("out", POINTER(DbPtr)), ("path", c_char_p), ("options", POINTER(OpenOptions))],
    ),
    "crm_close": (None, [("db", DbPtr)]),
    "crm_schema_version": (c_int, []),
    "crm_db_schema_version": (c_int, [("out", _c_int_p), ("db", DbPtr)]),
    "crm_begin": (c_int, [("db", DbPtr)]),
    "crm_commit": (c_int, [("db", DbPtr)]),
    "crm_rollback": (c_int, [("db", DbPtr)]),
    # Fields
    "crm_field_define": (
        c_int,
        [("out_field_id", _c_int64_p), ("db", DbPtr), ("definition_json", c_char_p)],
    ),
    "crm_field_update": (c_int, [("db", DbPtr), ("name", c_char_p), ("patch_json", c_char_p)]),
    "crm_field_archive": (c_int, [("db", DbPtr), ("name", c_char_p)]),
    "crm_field_restore": (c_int, [("db", DbPtr), ("name", c_char_p)]),
    "crm_field_delete": (c_int, [("db", DbPtr), ("name", c_char_p)]),
    "crm_field_describe": (
        c_int,
        [("out_json", _owned_char_p_p), ("db", DbPtr), ("name", c_char_p)],
    ),
    "crm_field_list": (c_int, [("out_json", _owned_char_p_p), ("db", DbPtr), ("flags", c_int)]),
    # Records
    "crm_record_new": (c_int, [("out", POINTER(RecordPtr))]),
    "crm_record_free": (None, [("record", RecordPtr)]),
    "crm_record_set_text": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_char_p)],
    ),
    "crm_record_set_integer": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_int64)],
    ),
    "crm_record_set_decimal": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_char_p)],
    ),
    "crm_record_set_boolean": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_int)],
    ),
    "crm_record_set_date": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_char_p)],
    ),
    "crm_record_set_datetime": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("value", c_int64)],
    ),
    "crm_record_set_list": (
        c_int,
        [("record", RecordPtr), ("field", c_char_p), ("items", _c_char_p_p), ("count", c_size_t)],
    ),
    "crm_record_set_null": (c_int, [("record", RecordPtr), ("field", c_char_p)]),
    "crm_record_id": (c_int64, [("record", RecordPtr)]),
    "crm_record_version": (c_int64, [("record", RecordPtr)]),
    "crm_record_field_count": (c_size_t, [("record", RecordPtr)]),
    "crm_record_field_name": (c_char_p, [("record", RecordPtr), ("index", c_size_t)]),
    "crm_record_kind": (c_int, [("record", RecordPtr), ("field", c_char_p)]),
    "crm_record_get_text": (
        c_int,
        [("out", _c_char_p_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_integer": (
        c_int,
        [("out", _c_int64_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_decimal": (
        c_int,
        [("out", _c_char_p_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_boolean": (
        c_int,
        [("out", _c_int_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_date": (
        c_int,
        [("out", _c_char_p_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_datetime": (
        c_int,
        [("out", _c_int64_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_list_size": (
        c_int,
        [("out", _c_size_t_p), ("record", RecordPtr), ("field", c_char_p)],
    ),
    "crm_record_get_list_item": (
        c_int,
        [("out", _c_char_p_p), ("record", RecordPtr), ("field", c_char_p), ("index", c_size_t)],
    ),
    # Customers
    "crm_customer_create": (
        c_int,
        [("out_id", _c_int64_p), ("db", DbPtr), ("record", RecordPtr), ("actor", c_char_p)],
    ),
    "crm_customer_get": (c_int, [("out", POINTER(RecordPtr)), ("db", DbPtr), ("id", c_int64)]),
    "crm_customer_get_by_external_id": (
        c_int,
        [("out", POINTER(RecordPtr)), ("db", DbPtr), ("external_id", c_char_p)],
    ),
    "crm_customer_get_by_email": (
        c_int,
        [("out", POINTER(RecordPtr)), ("db", DbPtr), ("email", c_char_p)],
    ),
    "crm_customer_update": (
        c_int,
        [("out_version", _c_int64_p), ("db", DbPtr), ("id", c_int64),
         ("expected_version", c_int64), ("changes", RecordPtr), ("actor", c_char_p)],
    ),
    "crm_customer_delete": (
        c_int,
        [("db", DbPtr), ("id", c_int64), ("expected_version", c_int64), ("actor", c_char_p)],
    ),
    "crm_customer_upsert": (
        c_int,
        [("out_id", _c_int64_p), ("out_created", _c_int_p), ("db", DbPtr), ("record", RecordPtr),
         ("actor", c_char_p)],
    ),
    "crm_customer_count": (c_int, [("out", _c_int64_p), ("db", DbPtr)]),
    # Bulk writes
    "crm_customer_write_batch": (
        c_int,
        [("out_report", POINTER(ReportPtr)), ("db", DbPtr), ("batch", c_char_p),
         ("batch_size", c_size_t), ("mode", c_int)],
    ),
    "crm_batch_report_free": (None, [("report", ReportPtr)]),
    "crm_batch_report_size": (c_size_t, [("report", ReportPtr)]),
    "crm_batch_report_rejected": (c_size_t, [("report", ReportPtr)]),
    "crm_batch_report_status": (c_int, [("report", ReportPtr), ("row", c_size_t)]),
    "crm_batch_report_id": (c_int64, [("report", ReportPtr), ("row", c_size_t)]),
    "crm_batch_report_created": (c_int, [("report", ReportPtr), ("row", c_size_t)]),
    "crm_batch_report_message": (c_char_p, [("report", ReportPtr), ("row", c_size_t)]),
    "crm_batch_report_field": (c_char_p, [("report", ReportPtr), ("row", c_size_t)]),
    "crm_batch_report_rule": (c_char_p, [("report", ReportPtr), ("row", c_size_t)]),
    # Events
    "crm_event_new": (c_int, [("out", POINTER(EventPtr))]),
    "crm_event_free": (None, [("event", EventPtr)]),
    "crm_event_set_customer": (c_int, [("event", EventPtr), ("customer_id", c_int64)]),
    "crm_event_set_type": (c_int, [("event", EventPtr), ("type", c_char_p)]),
    "crm_event_set_channel": (c_int, [("event", EventPtr), ("channel", c_char_p)]),
    "crm_event_set_actor": (c_int, [("event", EventPtr), ("actor", c_char_p)]),
    "crm_event_set_source": (c_int, [("event", EventPtr), ("source", c_char_p)]),
    "crm_event_set_occurred_at": (c_int, [("event", EventPtr), ("occurred_us", c_int64)]),
    "crm_event_set_idempotency_key": (c_int, [("event", EventPtr), ("key", c_char_p)]),
    "crm_event_properties": (RecordPtr, [("event", EventPtr)]),
    "crm_event_seq": (c_int64, [("event", EventPtr)]),
    "crm_event_customer": (c_int64, [("event", EventPtr)]),
    "crm_event_occurred_at": (c_int64, [("event", EventPtr)]),
    "crm_event_recorded_at": (c_int64, [("event", EventPtr)]),
    "crm_event_type": (c_char_p, [("event", EventPtr)]),
    "crm_event_channel": (c_char_p, [("event", EventPtr)]),
    "crm_event_actor": (c_char_p, [("event", EventPtr)]),
    "crm_event_source": (c_char_p, [("event", EventPtr)]),
    "crm_event_idempotency_key": (c_char_p, [("event", EventPtr)]),
    "crm_event_before": (RecordPtr, [("event", EventPtr)]),
    "crm_event_after": (RecordPtr, [("event", EventPtr)]),
    "crm_event_append": (
        c_int,
        [("out_seq", _c_int64_p), ("out_duplicate", _c_int_p), ("db", DbPtr), ("event", EventPtr)],
    ),
    "crm_event_append_batch": (
        c_int,
        [("out_report", POINTER(ReportPtr)), ("db", DbPtr), ("batch", c_char_p),
         ("batch_size", c_size_t)],
    ),
    "crm_event_get": (c_int, [("out", POINTER(EventPtr)), ("db", DbPtr), ("seq", c_int64)]),
    "crm_event_type_define": (c_int, [("db", DbPtr), ("definition_json", c_char_p)]),
    "crm_event_page_free": (None, [("page", EventPagePtr)]),
    "crm_event_page_size": (c_size_t, [("page", EventPagePtr)]),
    "crm_event_page_at": (EventPtr, [("page", EventPagePtr), ("index", c_size_t)]),
    "crm_event_page_next_cursor": (c_char_p, [("page", EventPagePtr)]),
    "crm_event_timeline": (
        c_int,
        [("out", POINTER(EventPagePtr)), ("db", DbPtr), ("customer_id", c_int64),
         ("options", POINTER(TimelineOptions))],
    ),
    "crm_event_follow": (
        c_int,
        [("out", POINTER(EventPagePtr)), ("db", DbPtr), ("after_seq", c_int64),
         ("limit", c_uint32)],
    ),
    # History of records
    "crm_customer_get_at": (
        c_int,
        [("out", POINTER(RecordPtr)), ("db", DbPtr), ("id", c_int64), ("at_us", c_int64)],
    ),
    "crm_field_timeline_get": (
        c_int,
        [("out", POINTER(FieldTimelinePtr)), ("db", DbPtr), ("customer_id", c_int64),
         ("field", c_char_p)],
    ),
    "crm_field_timeline_free": (None, [("timeline", FieldTimelinePtr)]),
    "crm_field_timeline_size": (c_size_t, [("timeline", FieldTimelinePtr)]),
    "crm_field_timeline_from": (c_int64, [("timeline", FieldTimelinePtr), ("index", c_size_t)]),
    "crm_field_timeline_to": (c_int64, [("timeline", FieldTimelinePtr), ("index", c_size_t)]),
    "crm_field_timeline_value": (RecordPtr, [("timeline", FieldTimelinePtr), ("index", c_size_t)]),
    # Queries: filters, sorting, paging, counts, aggregates
    "crm_query_new": (c_int, [("out", POINTER(QueryPtr)), ("target", c_int)]),
    "crm_query_free": (None, [("query", QueryPtr)]),
    "crm_query_set_filter": (c_int, [("query", QueryPtr), ("filter", c_char_p)]),
    "crm_query_params": (RecordPtr, [("query", QueryPtr)]),
    "crm_query_select": (c_int, [("query", QueryPtr), ("field", c_char_p)]),
    "crm_query_order_by": (
        c_int,
        [("query", QueryPtr), ("field", c_char_p), ("descending", c_int)],
    ),
    "crm_query_set_page_size": (c_int, [("query", QueryPtr), ("page_size", c_uint32)]),
    "crm_query_set_cursor": (c_int, [("query", QueryPtr), ("cursor", c_char_p)]),
    "crm_query_include_archived": (c_int, [("query", QueryPtr), ("include", c_int)]),
    "crm_query_group_by": (c_int, [("query", QueryPtr), ("field", c_char_p), ("bucket", c_int)]),
    "crm_query_aggregate": (
        c_int,
        [("query", QueryPtr), ("function", c_int), ("field", c_char_p), ("alias", c_char_p)],
    ),
    "crm_query_run": (c_int, [("out", POINTER(RowsPtr)), ("db", DbPtr), ("query", QueryPtr)]),
    "crm_query_count": (c_int, [("out", _c_int64_p), ("db", DbPtr), ("query", QueryPtr)]),
    "crm_query_run_aggregate": (
        c_int,
        [("out", POINTER(RowsPtr)), ("db", DbPtr), ("query", QueryPtr)],
    ),
    "crm_query_explain": (c_int, [("out", _owned_char_p_p), ("db", DbPtr), ("query", QueryPtr)]),
    "crm_rows_free": (None, [("rows", RowsPtr)]),
    "crm_rows_size": (c_size_t, [("rows", RowsPtr)]),
    "crm_rows_at": (RecordPtr, [("rows", RowsPtr), ("index", c_size_t)]),
    "crm_rows_next_cursor": (c_char_p, [("rows", RowsPtr)]),
    "crm_rows_encode": (
        c_int,
        [("out_bytes", POINTER(c_void_p)), ("out_size", _c_size_t_p), ("rows", RowsPtr)],
    ),
    "crm_field_fill_rates": (c_int, [("out", POINTER(RowsPtr)), ("db", DbPtr)]),
    "crm_customer_search": (
        c_int,
        [("out", POINTER(RowsPtr)), ("db", DbPtr), ("text", c_char_p), ("limit", c_uint32)],
    ),
    "crm_segment_save": (
        c_int,
        [("db", DbPtr), ("name", c_char_p), ("target", c_int), ("filter", c_char_p)],
    ),
    "crm_segment_delete": (c_int, [("db", DbPtr), ("name", c_char_p)]),
    "crm_segment_count": (c_int, [("out", _c_int64_p), ("db", DbPtr), ("name", c_char_p)]),
    "crm_segment_list": (c_int, [("out", POINTER(RowsPtr)), ("db", DbPtr)]),
    "crm_cohort": (
        c_int,
        [("out", POINTER(RowsPtr)), ("db", DbPtr), ("first_type", c_char_p),
         ("then_type", c_char_p), ("within_days", c_uint32), ("bucket", c_int)],
    ),
}


# Constants of crm.h used by the binding.
CRM_OPEN_CREATE = 1
CRM_OPEN_READ_ONLY = 2
CRM_SYNC_NORMAL = 1
CRM_SYNC_FULL = 2
CRM_LIST_INCLUDE_ARCHIVED = 1
CRM_BATCH_CREATE = 1
CRM_BATCH_UPSERT = 2
CRM_TIME_MIN = -(2**63)  # INT64_MIN
CRM_TIME_MAX = 2**63 - 1  # INT64_MAX
CRM_TIMELINE_DEFAULT_PAGE_SIZE = 50
CRM_QUERY_CUSTOMERS = 1
CRM_QUERY_EVENTS = 2
CRM_BUCKET_NONE, CRM_BUCKET_DAY, CRM_BUCKET_WEEK = 0, 1, 2
CRM_BUCKET_MONTH, CRM_BUCKET_QUARTER, CRM_BUCKET_YEAR = 3, 4, 5
CRM_AGG_COUNT, CRM_AGG_COUNT_DISTINCT, CRM_AGG_SUM = 1, 2, 3
CRM_AGG_AVG, CRM_AGG_MIN, CRM_AGG_MAX = 4, 5, 6


def timeline_options() -> TimelineOptions:
    """A ``crm_timeline_options`` set as ``CRM_TIMELINE_OPTIONS_INIT``."""
    return TimelineOptions(
        struct_size=ctypes.sizeof(TimelineOptions),
        from_us=CRM_TIME_MIN,
        to_us=CRM_TIME_MAX,
        types=None,
        type_count=0,
        channels=None,
        channel_count=0,
        oldest_first=0,
        page_size=CRM_TIMELINE_DEFAULT_PAGE_SIZE,
        cursor=None,
    )


def _candidates() -> List[Tuple[str, str]]:
    """(where, path-or-name) pairs to try, in order of preference."""
    found: List[Tuple[str, str]] = []
    shipped = Path(__file__).resolve().parent / "_lib"
    if shipped.is_dir():
        # libcrm.so first, then versioned names (libcrm.so.0, libcrm.so.0.1.0).
        for path in sorted(shipped.glob("libcrm.so*"), key=lambda p: len(p.name)):
            found.append(("the copy shipped in the package", str(path)))
    system = ctypes.util.find_library("crm")
    if system:
        found.append(("the system library path", system))
    found.append(("the system library path", "libcrm.so.0"))
    return found


def _declare(cdll: ctypes.CDLL) -> None:
    for name, (restype, parameters) in _PROTOTYPES.items():
        try:
            function = getattr(cdll, name)
        except AttributeError as error:
            raise LibraryLoadError(
                f"{cdll._name} does not export {name}(): it is not a libcrm "
                f"library this binding supports"
            ) from error
        function.restype = restype
        function.argtypes = [ctype for _, ctype in parameters]
        setattr(cdll, name, _range_checked(name, function, parameters))


def _check_version(cdll: ctypes.CDLL, path: str) -> None:
    try:
        number_function = cdll.crm_version_number
    except AttributeError as error:
        raise LibraryLoadError(f"{path} is not libcrm (no crm_version_number)") from error
    number_function.restype = c_int
    number_function.argtypes = []
    number = int(number_function())
    major, expected_major = number // 10000, EXPECTED_VERSION_NUMBER // 10000
    if major != expected_major or number < EXPECTED_VERSION_NUMBER:
        loaded = f"{major}.{number // 100 % 100}.{number % 100}"
        wanted = (
            f"{expected_major}.{EXPECTED_VERSION_NUMBER // 100 % 100}."
            f"{EXPECTED_VERSION_NUMBER % 100}"
        )
        raise LibraryLoadError(
            f"{path} is libcrm {loaded}, but this binding needs libcrm "
            f"{expected_major}.x at least {wanted}; point {ENV_VARIABLE} at a "
            f"matching libcrm.so"
        )


def _load() -> Tuple[ctypes.CDLL, str]:
    explicit = os.environ.get(ENV_VARIABLE)
    if explicit:
        try:
            cdll = ctypes.CDLL(explicit)
        except OSError as error:
            raise LibraryLoadError(
                f"{ENV_VARIABLE}={explicit!r} could not be loaded: {error}"
            ) from error
        _check_version(cdll, explicit)
        _declare(cdll)
        return cdll, explicit
    errors: List[str] = []
    for where, candidate in _candidates():
        try:
            cdll = ctypes.CDLL(candidate)
        except OSError as error:
            errors.append(f"  {candidate} ({where}): {error}")
            continue
        _check_version(cdll, candidate)
        _declare(cdll)
        return cdll, candidate
    raise LibraryLoadError(
        "libcrm could not be found. Set the environment variable "
        f"{ENV_VARIABLE} to the path of libcrm.so, ship it in the package as "
        "crm/_lib/libcrm.so, or install it on the system library path. Tried:\n"
        + "\n".join(errors)
    )


_lock = threading.Lock()
_loaded: Optional[Tuple[ctypes.CDLL, str]] = None


def lib() -> ctypes.CDLL:
    """The loaded libcrm, with every prototype declared; loaded on first use."""
    global _loaded
    loaded = _loaded
    if loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load()
            loaded = _loaded
    return loaded[0]


def library_path() -> str:
    """The path or name libcrm was loaded from."""
    lib()
    assert _loaded is not None
    return _loaded[1]


def text_or_empty(raw: Optional[bytes]) -> str:
    """Decodes a borrowed ``const char*`` result (NULL reads as "")."""
    return raw.decode("utf-8", errors="replace") if raw else ""


def to_c_string(value: object, what: str) -> bytes:
    """UTF-8 bytes for a ``const char*`` argument, refusing non-str and NUL."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} must not contain a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"{what} is not encodable as UTF-8: {error}") from None


def optional_c_string(value: Optional[str], what: str) -> Optional[bytes]:
    """Like to_c_string, with None passed on as NULL."""
    return None if value is None else to_c_string(value, what)
