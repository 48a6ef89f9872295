"""Loading libcrm and the one declaration table of its C prototypes.

Every C function the binding calls is declared in ``_PROTOTYPES`` below, with
the argument and result types of ``crm/crm.h``. Nothing else in the package
declares ctypes signatures.

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


class OpenOptions(Structure):
    """``crm_open_options``: its first member carries its own size."""

    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_int),
        ("busy_timeout_ms", c_int32),
        ("sync", c_int),
    ]


class TimelineOptions(Structure):
    """``crm_timeline_options``; build it with :func:`timeline_options` to
    get the ``CRM_TIMELINE_OPTIONS_INIT`` defaults."""

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

# name: (restype, argtypes)
_PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    # Version
    "crm_version": (c_char_p, []),
    "crm_version_number": (c_int, []),
    # Status codes and errors
    "crm_status_name": (c_char_p, [c_int]),
    "crm_last_error_code": (c_int, []),
    "crm_last_error_message": (c_char_p, []),
    "crm_last_error_field": (c_char_p, []),
    "crm_last_error_rule": (c_char_p, []),
    "crm_last_error_position": (c_int64, []),
    "crm_string_free": (None, [c_void_p]),
    # Workspace
    "crm_open": (c_int, [POINTER(DbPtr), c_char_p, POINTER(OpenOptions)]),
    "crm_close": (None, [DbPtr]),
    "crm_schema_version": (c_int, []),
    "crm_db_schema_version": (c_int, [_c_int_p, DbPtr]),
    "crm_begin": (c_int, [DbPtr]),
    "crm_commit": (c_int, [DbPtr]),
    "crm_rollback": (c_int, [DbPtr]),
    # Fields
    "crm_field_define": (c_int, [_c_int64_p, DbPtr, c_char_p]),
    "crm_field_update": (c_int, [DbPtr, c_char_p, c_char_p]),
    "crm_field_archive": (c_int, [DbPtr, c_char_p]),
    "crm_field_restore": (c_int, [DbPtr, c_char_p]),
    "crm_field_delete": (c_int, [DbPtr, c_char_p]),
    "crm_field_describe": (c_int, [_owned_char_p_p, DbPtr, c_char_p]),
    "crm_field_list": (c_int, [_owned_char_p_p, DbPtr, c_int]),
    # Records
    "crm_record_new": (c_int, [POINTER(RecordPtr)]),
    "crm_record_free": (None, [RecordPtr]),
    "crm_record_set_text": (c_int, [RecordPtr, c_char_p, c_char_p]),
    "crm_record_set_integer": (c_int, [RecordPtr, c_char_p, c_int64]),
    "crm_record_set_decimal": (c_int, [RecordPtr, c_char_p, c_char_p]),
    "crm_record_set_boolean": (c_int, [RecordPtr, c_char_p, c_int]),
    "crm_record_set_date": (c_int, [RecordPtr, c_char_p, c_char_p]),
    "crm_record_set_datetime": (c_int, [RecordPtr, c_char_p, c_int64]),
    "crm_record_set_list": (c_int, [RecordPtr, c_char_p, _c_char_p_p, c_size_t]),
    "crm_record_set_null": (c_int, [RecordPtr, c_char_p]),
    "crm_record_id": (c_int64, [RecordPtr]),
    "crm_record_version": (c_int64, [RecordPtr]),
    "crm_record_field_count": (c_size_t, [RecordPtr]),
    "crm_record_field_name": (c_char_p, [RecordPtr, c_size_t]),
    "crm_record_kind": (c_int, [RecordPtr, c_char_p]),
    "crm_record_get_text": (c_int, [_c_char_p_p, RecordPtr, c_char_p]),
    "crm_record_get_integer": (c_int, [_c_int64_p, RecordPtr, c_char_p]),
    "crm_record_get_decimal": (c_int, [_c_char_p_p, RecordPtr, c_char_p]),
    "crm_record_get_boolean": (c_int, [_c_int_p, RecordPtr, c_char_p]),
    "crm_record_get_date": (c_int, [_c_char_p_p, RecordPtr, c_char_p]),
    "crm_record_get_datetime": (c_int, [_c_int64_p, RecordPtr, c_char_p]),
    "crm_record_get_list_size": (c_int, [_c_size_t_p, RecordPtr, c_char_p]),
    "crm_record_get_list_item": (
        c_int,
        [_c_char_p_p, RecordPtr, c_char_p, c_size_t],
    ),
    # Customers
    "crm_customer_create": (c_int, [_c_int64_p, DbPtr, RecordPtr, c_char_p]),
    "crm_customer_get": (c_int, [POINTER(RecordPtr), DbPtr, c_int64]),
    "crm_customer_get_by_external_id": (
        c_int,
        [POINTER(RecordPtr), DbPtr, c_char_p],
    ),
    "crm_customer_get_by_email": (c_int, [POINTER(RecordPtr), DbPtr, c_char_p]),
    "crm_customer_update": (
        c_int,
        [_c_int64_p, DbPtr, c_int64, c_int64, RecordPtr, c_char_p],
    ),
    "crm_customer_delete": (c_int, [DbPtr, c_int64, c_int64, c_char_p]),
    "crm_customer_upsert": (
        c_int,
        [_c_int64_p, _c_int_p, DbPtr, RecordPtr, c_char_p],
    ),
    "crm_customer_count": (c_int, [_c_int64_p, DbPtr]),
    # Bulk writes
    "crm_customer_write_batch": (
        c_int,
        [POINTER(ReportPtr), DbPtr, c_char_p, c_size_t, c_int],
    ),
    "crm_batch_report_free": (None, [ReportPtr]),
    "crm_batch_report_size": (c_size_t, [ReportPtr]),
    "crm_batch_report_rejected": (c_size_t, [ReportPtr]),
    "crm_batch_report_status": (c_int, [ReportPtr, c_size_t]),
    "crm_batch_report_id": (c_int64, [ReportPtr, c_size_t]),
    "crm_batch_report_created": (c_int, [ReportPtr, c_size_t]),
    "crm_batch_report_message": (c_char_p, [ReportPtr, c_size_t]),
    "crm_batch_report_field": (c_char_p, [ReportPtr, c_size_t]),
    "crm_batch_report_rule": (c_char_p, [ReportPtr, c_size_t]),
    # Events
    "crm_event_new": (c_int, [POINTER(EventPtr)]),
    "crm_event_free": (None, [EventPtr]),
    "crm_event_set_customer": (c_int, [EventPtr, c_int64]),
    "crm_event_set_type": (c_int, [EventPtr, c_char_p]),
    "crm_event_set_channel": (c_int, [EventPtr, c_char_p]),
    "crm_event_set_actor": (c_int, [EventPtr, c_char_p]),
    "crm_event_set_source": (c_int, [EventPtr, c_char_p]),
    "crm_event_set_occurred_at": (c_int, [EventPtr, c_int64]),
    "crm_event_set_idempotency_key": (c_int, [EventPtr, c_char_p]),
    "crm_event_properties": (RecordPtr, [EventPtr]),
    "crm_event_seq": (c_int64, [EventPtr]),
    "crm_event_customer": (c_int64, [EventPtr]),
    "crm_event_occurred_at": (c_int64, [EventPtr]),
    "crm_event_recorded_at": (c_int64, [EventPtr]),
    "crm_event_type": (c_char_p, [EventPtr]),
    "crm_event_channel": (c_char_p, [EventPtr]),
    "crm_event_actor": (c_char_p, [EventPtr]),
    "crm_event_source": (c_char_p, [EventPtr]),
    "crm_event_idempotency_key": (c_char_p, [EventPtr]),
    "crm_event_before": (RecordPtr, [EventPtr]),
    "crm_event_after": (RecordPtr, [EventPtr]),
    "crm_event_append": (c_int, [_c_int64_p, _c_int_p, DbPtr, EventPtr]),
    "crm_event_append_batch": (c_int, [POINTER(ReportPtr), DbPtr, c_char_p, c_size_t]),
    "crm_event_get": (c_int, [POINTER(EventPtr), DbPtr, c_int64]),
    "crm_event_type_define": (c_int, [DbPtr, c_char_p]),
    "crm_event_page_free": (None, [EventPagePtr]),
    "crm_event_page_size": (c_size_t, [EventPagePtr]),
    "crm_event_page_at": (EventPtr, [EventPagePtr, c_size_t]),
    "crm_event_page_next_cursor": (c_char_p, [EventPagePtr]),
    "crm_event_timeline": (
        c_int,
        [POINTER(EventPagePtr), DbPtr, c_int64, POINTER(TimelineOptions)],
    ),
    "crm_event_follow": (c_int, [POINTER(EventPagePtr), DbPtr, c_int64, c_uint32]),
    # History of records
    "crm_customer_get_at": (c_int, [POINTER(RecordPtr), DbPtr, c_int64, c_int64]),
    "crm_field_timeline_get": (
        c_int,
        [POINTER(FieldTimelinePtr), DbPtr, c_int64, c_char_p],
    ),
    "crm_field_timeline_free": (None, [FieldTimelinePtr]),
    "crm_field_timeline_size": (c_size_t, [FieldTimelinePtr]),
    "crm_field_timeline_from": (c_int64, [FieldTimelinePtr, c_size_t]),
    "crm_field_timeline_to": (c_int64, [FieldTimelinePtr, c_size_t]),
    "crm_field_timeline_value": (RecordPtr, [FieldTimelinePtr, c_size_t]),
    # Queries: filters, sorting, paging, counts, aggregates
    "crm_query_new": (c_int, [POINTER(QueryPtr), c_int]),
    "crm_query_free": (None, [QueryPtr]),
    "crm_query_set_filter": (c_int, [QueryPtr, c_char_p]),
    "crm_query_params": (RecordPtr, [QueryPtr]),
    "crm_query_select": (c_int, [QueryPtr, c_char_p]),
    "crm_query_order_by": (c_int, [QueryPtr, c_char_p, c_int]),
    "crm_query_set_page_size": (c_int, [QueryPtr, c_uint32]),
    "crm_query_set_cursor": (c_int, [QueryPtr, c_char_p]),
    "crm_query_include_archived": (c_int, [QueryPtr, c_int]),
    "crm_query_group_by": (c_int, [QueryPtr, c_char_p, c_int]),
    "crm_query_aggregate": (c_int, [QueryPtr, c_int, c_char_p, c_char_p]),
    "crm_query_run": (c_int, [POINTER(RowsPtr), DbPtr, QueryPtr]),
    "crm_query_count": (c_int, [_c_int64_p, DbPtr, QueryPtr]),
    "crm_query_run_aggregate": (c_int, [POINTER(RowsPtr), DbPtr, QueryPtr]),
    "crm_query_explain": (c_int, [_owned_char_p_p, DbPtr, QueryPtr]),
    "crm_rows_free": (None, [RowsPtr]),
    "crm_rows_size": (c_size_t, [RowsPtr]),
    "crm_rows_at": (RecordPtr, [RowsPtr, c_size_t]),
    "crm_rows_next_cursor": (c_char_p, [RowsPtr]),
    "crm_rows_encode": (c_int, [POINTER(c_void_p), _c_size_t_p, RowsPtr]),
    "crm_field_fill_rates": (c_int, [POINTER(RowsPtr), DbPtr]),
    "crm_customer_search": (c_int, [POINTER(RowsPtr), DbPtr, c_char_p, c_uint32]),
    "crm_segment_save": (c_int, [DbPtr, c_char_p, c_int, c_char_p]),
    "crm_segment_delete": (c_int, [DbPtr, c_char_p]),
    "crm_segment_count": (c_int, [_c_int64_p, DbPtr, c_char_p]),
    "crm_segment_list": (c_int, [POINTER(RowsPtr), DbPtr]),
    "crm_cohort": (
        c_int,
        [POINTER(RowsPtr), DbPtr, c_char_p, c_char_p, c_uint32, c_int],
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
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            function = getattr(cdll, name)
        except AttributeError as error:
            raise LibraryLoadError(
                f"{cdll._name} does not export {name}(): it is not a libcrm "
                f"library this binding supports"
            ) from error
        function.restype = restype
        function.argtypes = argtypes


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
