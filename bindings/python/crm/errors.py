"""Exceptions raised by the libcrm binding, mapped from libcrm status codes.

Every failing libcrm call raises a subclass of :class:`CrmError` carrying the
status code and name and what ``crm_last_error_*()`` said about the failure
(message, field, rule and, for an error in a filter text, the byte position
it points at), read right after the call on the same thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Type

from ._declarations import (  # the status codes of crm.h
    CRM_E_BUSY,
    CRM_E_CANCELLED,
    CRM_E_CONFLICT,
    CRM_E_CONSTRAINT,
    CRM_E_DENIED,
    CRM_E_DUPLICATE,
    CRM_E_INTERNAL,
    CRM_E_INVALID_ARGUMENT,
    CRM_E_IO,
    CRM_E_MERGED,
    CRM_E_MISUSE,
    CRM_E_NOMEM,
    CRM_E_NOT_FOUND,
    CRM_E_NOT_WORKSPACE,
    CRM_E_READ_ONLY,
    CRM_E_UNSUPPORTED,
    CRM_E_VALIDATION,
    CRM_E_VERSION,
    CRM_OK,
)
from . import _declarations

# Every text CrmError.rule can hold besides "": crm.h's closed set of
# CRM_RULE_* defines (for InvalidArgumentError, the name of the parameter).
RULES: frozenset[str] = frozenset(
    value for name, value in vars(_declarations).items()
    if name.startswith("CRM_RULE_") and isinstance(value, str))

__all__ = [
    "CrmError",
    "NotFoundError",
    "InvalidArgumentError",
    "IntegerRangeError",
    "ValidationError",
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
    "error_class",
    "batch_error_class",
    "query_error_class",
]



class CrmError(Exception):
    """A libcrm call failed.

    Attributes:
        code: the libcrm status code (e.g. 3 for CRM_E_VALIDATION).
        status_name: its name, e.g. ``"CRM_E_VALIDATION"``.
        message: libcrm's human-readable message.
        field: the field the error is about, or ``""``.
        rule: the rule that was broken (``"options"``, ``"unique"``, ...),
            or ``""``.
        position: for an error in a filter text, the byte offset (into its
            UTF-8 encoding) the error points at; None otherwise.
    """

    #: Status code of this class; the base class stands for unknown codes.
    default_code: int = -1
    default_status_name: str = "CRM_E_UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[int] = None,
        status_name: Optional[str] = None,
        field: str = "",
        rule: str = "",
        position: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code: int = self.default_code if code is None else code
        self.status_name: str = status_name or self.default_status_name
        self.message: str = message
        self.field: str = field
        self.rule: str = rule
        self.position: Optional[int] = position

    def __str__(self) -> str:
        details = []
        if self.field:
            details.append(f"field '{self.field}'")
        if self.rule:
            details.append(f"rule '{self.rule}'")
        if self.position is not None and f"at byte {self.position}" not in self.message:
            details.append(f"at byte {self.position}")
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{self.status_name}: {self.message}{suffix}"


class NotFoundError(CrmError, LookupError):
    """No record, field or item with that key (CRM_E_NOT_FOUND)."""

    default_code, default_status_name = CRM_E_NOT_FOUND, "CRM_E_NOT_FOUND"


class InvalidArgumentError(CrmError, ValueError):
    """Malformed input rejected by libcrm (CRM_E_INVALID_ARGUMENT)."""

    default_code, default_status_name = CRM_E_INVALID_ARGUMENT, "CRM_E_INVALID_ARGUMENT"


class IntegerRangeError(InvalidArgumentError, OverflowError):
    """An int that does not fit the C integer type it crosses into libcrm
    as (an id above 2**63-1, a negative size, ...): refused by the binding
    before the call, where ctypes would silently wrap it around (2**64 + 1
    would reach libcrm as 1). Also an OverflowError.

    ``rule`` names the C parameter (as libcrm's own invalid-argument errors
    do), ``field`` the field or property whose value it is, if any.
    """


class ValidationError(CrmError, ValueError):
    """A value breaks a field's type or rule (CRM_E_VALIDATION)."""

    default_code, default_status_name = CRM_E_VALIDATION, "CRM_E_VALIDATION"


class ConstraintError(CrmError):
    """A unique value is taken or a record is still referenced (CRM_E_CONSTRAINT)."""

    default_code, default_status_name = CRM_E_CONSTRAINT, "CRM_E_CONSTRAINT"


class ConflictError(CrmError):
    """The expected version is not the current one (CRM_E_CONFLICT)."""

    default_code, default_status_name = CRM_E_CONFLICT, "CRM_E_CONFLICT"


class BusyError(CrmError):
    """Another process held the workspace file too long (CRM_E_BUSY)."""

    default_code, default_status_name = CRM_E_BUSY, "CRM_E_BUSY"


class CrmIOError(CrmError):
    """The workspace file could not be read or written (CRM_E_IO)."""

    default_code, default_status_name = CRM_E_IO, "CRM_E_IO"


class OutOfMemoryError(CrmError, MemoryError):
    """libcrm ran out of memory (CRM_E_NOMEM)."""

    default_code, default_status_name = CRM_E_NOMEM, "CRM_E_NOMEM"


class MisuseError(CrmError):
    """A call out of order, e.g. on a closed workspace (CRM_E_MISUSE)."""

    default_code, default_status_name = CRM_E_MISUSE, "CRM_E_MISUSE"


class NotWorkspaceError(CrmError):
    """The file is not a libcrm workspace (CRM_E_NOT_WORKSPACE)."""

    default_code, default_status_name = CRM_E_NOT_WORKSPACE, "CRM_E_NOT_WORKSPACE"


class VersionError(CrmError):
    """The workspace was written by a newer libcrm (CRM_E_VERSION)."""

    default_code, default_status_name = CRM_E_VERSION, "CRM_E_VERSION"


class ReadOnlyError(CrmError):
    """A write on a workspace opened read-only (CRM_E_READ_ONLY)."""

    default_code, default_status_name = CRM_E_READ_ONLY, "CRM_E_READ_ONLY"


class InternalError(CrmError):
    """A libcrm bug (CRM_E_INTERNAL); please report it."""

    default_code, default_status_name = CRM_E_INTERNAL, "CRM_E_INTERNAL"


class UnsupportedError(CrmError):
    """A call the workspace's storage backend does not offer yet
    (CRM_E_UNSUPPORTED, rule "backend")."""

    default_code, default_status_name = CRM_E_UNSUPPORTED, "CRM_E_UNSUPPORTED"


class DeniedError(CrmError):
    """The access profile of a restricted handle does not grant the call
    (CRM_E_DENIED). ``rule`` says why: "hidden" (a filter, sort or select
    names a field the profile hides), "not_writable", "masked", "scope",
    "operation", "append" or "profile"; ``field`` names the field, if any."""

    default_code, default_status_name = CRM_E_DENIED, "CRM_E_DENIED"


class CancelledError(CrmError):
    """The progress callback asked a long call (import, export, dump, load,
    backup, restore) to stop (CRM_E_CANCELLED); what each call keeps is
    documented with it."""

    default_code, default_status_name = CRM_E_CANCELLED, "CRM_E_CANCELLED"


class DuplicateError(CrmError):
    """A duplicate rule blocks the write (CRM_E_DUPLICATE): ``field`` names
    the rule, and ``candidates`` lists the customers it matched, best first,
    as crm.h's candidates JSON parsed (dicts with ``id``, ``score``,
    ``rule`` and ``reasons``); empty when none may be named (a restricted
    handle). A write with ``duplicate_check`` skip saves anyway."""

    default_code, default_status_name = CRM_E_DUPLICATE, "CRM_E_DUPLICATE"

    def __init__(self, message: str, *, candidates: Optional[List[Dict[str, object]]] = None,
                 **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.candidates: List[Dict[str, object]] = list(candidates or [])


class MergedError(CrmError):
    """A write, delete, erase, field write or event names a customer that
    was merged into another (CRM_E_MERGED, rule "merge"; ``field`` is
    "id" or "customer_id"): no write lands on a merged id by accident.
    ``survivor_id`` is the customer it was merged into, where its chain of
    merges ends now: write to that one instead (reads by the merged id
    return it already)."""

    default_code, default_status_name = CRM_E_MERGED, "CRM_E_MERGED"

    def __init__(self, message: str, *, survivor_id: int = 0, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.survivor_id: int = survivor_id


_BY_CODE: Dict[int, Type[CrmError]] = {
    cls.default_code: cls
    for cls in (
        NotFoundError,
        InvalidArgumentError,
        ValidationError,
        ConstraintError,
        ConflictError,
        BusyError,
        CrmIOError,
        OutOfMemoryError,
        MisuseError,
        NotWorkspaceError,
        VersionError,
        ReadOnlyError,
        InternalError,
        UnsupportedError,
        DeniedError,
        CancelledError,
        DuplicateError,
        MergedError,
    )
}


# crm_status_name() of each code, from crm.h's constants (no crossing).
_STATUS_NAMES: Dict[int, str] = {
    value: name for name, value in vars(_declarations).items()
    if (name == "CRM_OK" or name.startswith("CRM_E_")) and isinstance(value, int)
}


def error_class(code: int) -> Type[CrmError]:
    """The exception class for a libcrm status code (CrmError if unknown)."""
    return _BY_CODE.get(code, CrmError)


@dataclass(frozen=True)
class BatchRowError:
    """Why one row of a batch was rejected."""

    index: int  #: 0-based position of the row in the batch
    code: int
    status_name: str
    message: str
    field: str
    rule: str


class BatchError(CrmError):
    """A batch write failed; nothing of it was stored.

    Raised as a class that derives from both BatchError and the class of the
    batch's status (e.g. ValidationError), so either can be caught.

    Attributes:
        rejected: the rows libcrm rejected, in row order.
        size: the number of rows in the batch.
    """

    def __init__(
        self,
        message: str,
        *,
        rejected: Sequence[BatchRowError] = (),
        size: int = 0,
        **kwargs: object,
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.rejected: List[BatchRowError] = list(rejected)
        self.size: int = size


def _make_batch_classes() -> Dict[int, Type[BatchError]]:
    classes: Dict[int, Type[BatchError]] = {}
    for code, base in _BY_CODE.items():
        name = "Batch" + base.__name__
        cls = type(
            name,
            (BatchError, base),
            {
                "__doc__": f"A batch failed with {base.default_status_name}.",
                "__module__": __name__,
                "default_code": base.default_code,
                "default_status_name": base.default_status_name,
            },
        )
        classes[code] = cls
        globals()[name] = cls
    return classes


_BATCH_BY_CODE = _make_batch_classes()


def batch_error_class(code: int) -> Type[BatchError]:
    """The BatchError subclass for a status code (BatchError if unknown)."""
    return _BATCH_BY_CODE.get(code, BatchError)


class QueryError(CrmError):
    """A query, count, aggregate, segment or report call failed: a filter
    that does not parse (InvalidArgumentError, rule "syntax"), names an
    unknown field or applies an operator to the wrong type
    (ValidationError), a missing parameter, a bad cursor, ...

    Raised as a class that derives from both QueryError and the class of
    the status (e.g. ValidationError), so either can be caught.
    ``position`` is the byte offset in the filter's UTF-8 text the error
    points at, or None when it is not about a position.
    """


def _make_query_classes() -> Dict[int, Type[QueryError]]:
    classes: Dict[int, Type[QueryError]] = {}
    for code, base in _BY_CODE.items():
        name = "Query" + base.__name__
        cls = type(
            name,
            (QueryError, base),
            {
                "__doc__": f"A query failed with {base.default_status_name}.",
                "__module__": __name__,
                "default_code": base.default_code,
                "default_status_name": base.default_status_name,
            },
        )
        classes[code] = cls
        globals()[name] = cls
    return classes


_QUERY_BY_CODE = _make_query_classes()


def query_error_class(code: int) -> Type[QueryError]:
    """The QueryError subclass for a status code (QueryError if unknown)."""
    return _QUERY_BY_CODE.get(code, QueryError)


def last_error(status: int, query: bool = False) -> CrmError:
    """The exception for a failed libcrm call that returned ``status``.

    Must be called right after that call, on the same thread, before any
    other libcrm call: it reads ``crm_last_error_*()``. With ``query`` the
    exception is of the matching QueryError class.
    """
    from . import _native

    # One crossing: crm_last_error() gives the whole error as a struct.
    error = _native.lib().crm_last_error().contents
    message = _native.text_or_empty(error.message)
    field = _native.text_or_empty(error.field)
    rule = _native.text_or_empty(error.rule)
    position = error.position
    status_name = _STATUS_NAMES.get(status, "CRM_E_UNKNOWN")
    cls = query_error_class(status) if query else error_class(status)
    if cls is DuplicateError:
        return DuplicateError(
            message or status_name,
            candidates=parse_candidates(_native.text_or_empty(error.candidates_json)),
            code=status,
            status_name=status_name,
            field=field,
            rule=rule,
        )
    if issubclass(cls, MergedError):
        return cls(
            message or status_name,
            survivor_id=error.survivor_id,
            code=status,
            status_name=status_name,
            field=field,
            rule=rule,
        )
    return cls(
        message or status_name,
        code=status,
        status_name=status_name,
        field=field,
        rule=rule,
        position=position if position >= 0 else None,
    )


def parse_candidates(text: str) -> List[Dict[str, object]]:
    """crm.h's candidates JSON (see "Duplicates"; "" is none) parsed: a
    list of dicts with ``id``, ``score``, ``rule`` and ``reasons``, best
    first. The one reading of a write's candidates, blocked
    (:attr:`DuplicateError.candidates`) or warned (``WriteResult.candidates``)."""
    candidates: List[Dict[str, object]] = json.loads(text or "[]")
    return candidates


def check(status: int) -> None:
    """Raises the mapped exception unless ``status`` is CRM_OK."""
    if status != CRM_OK:
        raise last_error(status)


def check_query(status: int) -> None:
    """Like check, raising the QueryError class for the status."""
    if status != CRM_OK:
        raise last_error(status, query=True)
