"""The fixed sets of names that arguments take, as ``typing.Literal`` types
(so that a type checker or an editor catches ``target="event"`` before
libcrm does), each beside the table that maps it to crm.h's codes (the
constants generated from crm.h, in ``crm/_declarations.py``).

The tests check that every table holds exactly the names of its Literal,
and that FieldType holds exactly the field types crm.h lists.
"""

from __future__ import annotations

from typing import Dict, Literal, Optional

from . import _native

__all__ = [
    "Target",
    "Bucket",
    "AggregateFunction",
    "SyncMode",
    "FieldType",
    "TARGETS",
    "BUCKETS",
    "FUNCTIONS",
    "SYNC_MODES",
    "DataTarget",
    "DataFormat",
    "DATA_TARGETS",
    "DATA_FORMATS",
    "MergeRule",
]

#: What a query, count, aggregate or segment runs over.
Target = Literal["customers", "events"]
TARGETS: Dict[str, int] = {
    "customers": _native.CRM_QUERY_CUSTOMERS,
    "events": _native.CRM_QUERY_EVENTS,
}

#: Time buckets for ``group_by`` pairs and cohorts; None means no bucket.
Bucket = Literal["day", "week", "month", "quarter", "year"]
BUCKETS: Dict[Optional[str], int] = {
    None: _native.CRM_BUCKET_NONE,
    "day": _native.CRM_BUCKET_DAY,
    "week": _native.CRM_BUCKET_WEEK,
    "month": _native.CRM_BUCKET_MONTH,
    "quarter": _native.CRM_BUCKET_QUARTER,
    "year": _native.CRM_BUCKET_YEAR,
}

#: Functions of ``Database.aggregate``.
AggregateFunction = Literal["count", "count_distinct", "sum", "avg", "min", "max"]
FUNCTIONS: Dict[str, int] = {
    "count": _native.CRM_AGG_COUNT,
    "count_distinct": _native.CRM_AGG_COUNT_DISTINCT,
    "sum": _native.CRM_AGG_SUM,
    "avg": _native.CRM_AGG_AVG,
    "min": _native.CRM_AGG_MIN,
    "max": _native.CRM_AGG_MAX,
}

#: Durability of commits (``crm.open(sync=...)``).
SyncMode = Literal["normal", "full"]
SYNC_MODES: Dict[str, int] = {
    "normal": _native.CRM_SYNC_NORMAL,
    "full": _native.CRM_SYNC_FULL,
}

#: What an import or export reads or writes.
DataTarget = Literal["customers", "events"]
DATA_TARGETS: Dict[str, int] = {
    "customers": _native.CRM_DATA_CUSTOMERS,
    "events": _native.CRM_DATA_EVENTS,
}

#: A file format of import and export; None: by the file name (``.jsonl`` or
#: ``.ndjson`` JSON Lines, anything else CSV).
DataFormat = Literal["csv", "jsonl"]
DATA_FORMATS: Dict[Optional[str], int] = {
    None: _native.CRM_FORMAT_AUTO,
    "csv": _native.CRM_FORMAT_CSV,
    "jsonl": _native.CRM_FORMAT_JSONL,
}

#: Named rules of ``Database.merge`` (crm.h, "Merging customers"; libcrm
#: checks them, no table needed here). A field's rule may also be
#: ``{"value": v}``.
MergeRule = Literal["survivor", "first_non_empty", "most_recent", "longest", "sum", "union"]

#: Types of user-defined fields and event properties (libcrm checks them;
#: no table needed here).
FieldType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "choice",
    "multi_choice",
    "tags",
    "email",
    "phone",
    "url",
    "reference",
]
