"""libcrm for Python: an embeddable CRM engine, through its C ABI.

    import crm

    with crm.open("customers.crm") as db:
        db.define_field("plan", "choice", options=["basic", "premium"])
        jane = db.create_customer(name="Jane Doe", email="jane@example.com", plan="premium")
        print(db.get_customer(jane).plan)

The native library is found through the environment variable CRM_LIBRARY,
then a copy shipped as ``crm/_lib/libcrm.so``, then the system library path.
"""

from __future__ import annotations

from . import _native
from ._native import LibraryLoadError
from ._db_data import (
    ImportReject,
    ImportReport,
    ImportWarning,
    ProgressCallback,
    VerifyCheck,
    VerifyReport,
)
from ._db_duplicates import (
    DuplicateCandidate,
    DuplicateCluster,
    DuplicatePage,
    DuplicatePair,
    DuplicateReason,
    DuplicateRules,
    Duplicates,
    DuplicateSettings,
)
from ._db_erasure import EraseReceipt
from ._db_merge import MergeConflict, MergeInfo, MergeLink, MergeResult, UnmergeResult
from ._db_profiles import Profiles
from .db import Database, copy_workspace, create_workspace, drop_workspace, open, open_url
from ._db_retention import RetentionReport
from .errors import (
    RULES,
    BatchError,
    BatchRowError,
    BusyError,
    CancelledError,
    DuplicateError,
    MergedError,
    ConflictError,
    ConstraintError,
    CrmError,
    CrmIOError,
    DeniedError,
    IntegerRangeError,
    InternalError,
    InvalidArgumentError,
    MisuseError,
    NotFoundError,
    NotWorkspaceError,
    OutOfMemoryError,
    QueryError,
    ReadOnlyError,
    UnsupportedError,
    ValidationError,
    VersionError,
)
from .events import AppendResult, Event, EventInput, FieldInterval
from .literals import (
    AggregateFunction,
    Bucket,
    DataFormat,
    DataTarget,
    FieldType,
    MergeRule,
    SyncMode,
    Target,
)
from .queries import EventRow, Row, RowIterator
from .records import Customer
from .valid_time import FieldTimeline, WriteResult

__version__ = "0.2.0"

__all__ = [
    "open",
    "open_url",
    "create_workspace",
    "drop_workspace",
    "copy_workspace",
    "Database",
    "Profiles",
    "Duplicates",
    "DuplicateRules",
    "DuplicateSettings",
    "DuplicateCandidate",
    "DuplicateReason",
    "DuplicatePair",
    "DuplicateCluster",
    "DuplicatePage",
    "RetentionReport",
    "Customer",
    "Row",
    "EventRow",
    "RowIterator",
    "Event",
    "EventInput",
    "AppendResult",
    "FieldInterval",
    "FieldTimeline",
    "WriteResult",
    "EraseReceipt",
    "MergeResult",
    "MergeConflict",
    "UnmergeResult",
    "MergeInfo",
    "MergeLink",
    "MergeRule",
    "ImportReport",
    "ImportReject",
    "ImportWarning",
    "VerifyReport",
    "VerifyCheck",
    "DataTarget",
    "DataFormat",
    "ProgressCallback",
    "Target",
    "Bucket",
    "AggregateFunction",
    "SyncMode",
    "FieldType",
    "version",
    "version_number",
    "schema_version",
    "library_path",
    "LibraryLoadError",
    "CrmError",
    "NotFoundError",
    "InvalidArgumentError",
    "IntegerRangeError",
    "ValidationError",
    "RULES",
    "ConstraintError",
    "ConflictError",
    "BusyError",
    "CrmIOError",
    "OutOfMemoryError",
    "MisuseError",
    "NotWorkspaceError",
    "VersionError",
    "ReadOnlyError",
    "InternalError",
    "UnsupportedError",
    "DeniedError",
    "CancelledError",
    "DuplicateError",
    "MergedError",
    "BatchError",
    "BatchRowError",
    "QueryError",
]


def version() -> str:
    """The version of the libcrm library loaded, e.g. "0.1.0"."""
    return _native.text_or_empty(_native.lib().crm_version())


def version_number() -> int:
    """CRM_VERSION_NUMBER of the libcrm library loaded."""
    return int(_native.lib().crm_version_number())


def schema_version() -> int:
    """The workspace schema version the loaded libcrm writes."""
    return int(_native.lib().crm_schema_version())


def library_path() -> str:
    """Where libcrm was loaded from."""
    return _native.library_path()
