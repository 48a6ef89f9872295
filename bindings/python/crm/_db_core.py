"""The handle of an open workspace: its life, transactions, and the
readers every domain of :class:`crm.Database` shares."""

from __future__ import annotations

import contextlib
import ctypes
import json
import threading
import weakref
from typing import Any, Callable, Iterator, List, Optional

from . import _native
from .errors import (
    CRM_E_MISUSE,
    CRM_OK,
    BatchRowError,
    CrmError,
    MergedError,
    MisuseError,
    batch_error_class,
    check,
    check_query,
    last_error,
)
from .queries import read_row_set
from .records import Customer, FieldNames, read_record
from .wire import RowSet


def _check_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _check_version(value: object) -> int:
    value = _check_id(value, "expected_version")
    if value < 0:
        raise ValueError("expected_version must be 0 (no check) or a positive version")
    return value


def _field_name_loader(
    database: "weakref.ReferenceType[DatabaseCore]",
) -> Callable[[], Optional[List[str]]]:
    """Reads the names of the active fields for a FieldNames; None once the
    workspace is closed or gone."""

    def load() -> Optional[List[str]]:
        db = database()
        if db is None or db.closed:
            return None
        cdll = _native.lib()
        try:
            listed = db._read_json(lambda out, handle: cdll.crm_field_list(out, handle, 0))
        except CrmError:
            return None
        return [item["name"] for item in listed]

    return load


# The depth of libcrm progress callbacks running on a thread (crm.h,
# crm_progress_fn): libcrm holds the workspace for the call that reports, so
# a libcrm call from the callback would wait for itself.
_progress_callbacks = threading.local()


def in_progress_callback() -> bool:
    """True while the calling thread runs a progress callback for libcrm."""
    return bool(getattr(_progress_callbacks, "depth", 0))


class DatabaseCore:
    """The handle of an open workspace and what every domain of
    :class:`crm.Database` shares: the handle's life (close, context
    manager), transactions, and the one-crossing readers of JSON results,
    customers and row pages.

    (Database's own docstring says how it is shared between threads.)

    A Database may be shared by threads: libcrm serializes calls on the
    handle, and a transaction belongs to the thread that began it (other
    threads' calls wait until it ends). :meth:`close` waits for calls in
    progress on other threads to return. Use as a context manager to close
    it at the end of a ``with`` block.
    """

    def __init__(self, handle: Any, path: str) -> None:
        # Use crm.open(); this is not part of the public interface.
        self._handle = handle
        self._path = path
        self._state = threading.Condition()
        self._calls = 0  # calls in progress
        self._closing = False
        self._tx_owner: Optional[int] = None  # thread ident
        self._finalizer = weakref.finalize(self, _native.lib().crm_close, handle)
        # Shared by the customers read here; weak, so that they do not keep
        # the workspace open.
        self._field_names = FieldNames(_field_name_loader(weakref.ref(self)))

    # -- handle life --------------------------------------------------------

    @property
    def path(self) -> str:
        """The path the workspace was opened with (or ":memory:")."""
        return self._path

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closing

    @contextlib.contextmanager
    def _use(self, *, owner_rollback: bool = False) -> Iterator[Any]:
        """The C handle for one call; refuses a closed workspace, and a call
        from a progress callback."""
        if in_progress_callback():
            raise MisuseError(
                "a progress callback must not call libcrm: the call it reports on "
                "holds the workspace",
                code=CRM_E_MISUSE,
                status_name="CRM_E_MISUSE",
            )
        with self._state:
            allowed = not self._closing or (
                owner_rollback and self._tx_owner == threading.get_ident()
            )
            if not allowed or not self._finalizer.alive:
                raise MisuseError(
                    "the workspace is closed", code=CRM_E_MISUSE, status_name="CRM_E_MISUSE"
                )
            self._calls += 1
        try:
            yield self._handle
        finally:
            with self._state:
                self._calls -= 1
                self._state.notify_all()

    def close(self) -> None:
        """Closes the workspace; an open transaction is rolled back.

        Waits for calls in progress on other threads; later calls raise
        MisuseError, as does closing from a progress callback. Closing twice
        is allowed.
        """
        if in_progress_callback():
            # Closing waits for calls in progress: the one reporting too.
            raise MisuseError(
                "a progress callback must not close a workspace",
                code=CRM_E_MISUSE,
                status_name="CRM_E_MISUSE",
            )
        with self._state:
            if self._closing:
                return
            self._closing = True
        if self._tx_owner == threading.get_ident():
            # Let threads waiting on this transaction go before waiting on them.
            with contextlib.suppress(CrmError):
                self.rollback()
        with self._state:
            while self._calls:
                self._state.wait()
            self._tx_owner = None
            self._finalizer()

    def __enter__(self) -> "DatabaseCore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closing else "open"
        return f"<crm.Database {self._path!r} {state}>"

    @property
    def schema_version(self) -> int:
        """The schema version of the open workspace."""
        out = ctypes.c_int()
        with self._use() as handle:
            check(_native.lib().crm_db_schema_version(ctypes.byref(out), handle))
        return out.value

    # -- transactions -------------------------------------------------------

    def begin(self) -> None:
        """Begins a transaction owned by the calling thread (see transaction())."""
        with self._use() as handle:
            check(_native.lib().crm_begin(handle))
            self._tx_owner = threading.get_ident()

    def commit(self) -> None:
        """Commits the calling thread's transaction."""
        with self._use() as handle:
            check(_native.lib().crm_commit(handle))
            self._tx_owner = None

    def rollback(self) -> None:
        """Rolls back the calling thread's transaction."""
        with self._use(owner_rollback=True) as handle:
            check(_native.lib().crm_rollback(handle))
            self._tx_owner = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator["DatabaseCore"]:
        """``with db.transaction():`` groups calls: committed together at the
        end of the block, or all rolled back if it raises. Does not nest."""
        self.begin()
        try:
            yield self
        except BaseException:
            if self._tx_owner == threading.get_ident() and self._finalizer.alive:
                try:
                    self.rollback()
                except MisuseError:
                    pass  # closed meanwhile: closing rolled it back
            raise
        else:
            try:
                self.commit()
            except BaseException:
                if self._tx_owner == threading.get_ident() and not self._closing:
                    with contextlib.suppress(MisuseError):
                        self.rollback()
                raise

    # -- one-crossing readers shared by the domains -------------------------

    def _read_text(self, call: Any) -> str:
        """The string ``call(char** out, handle)`` returns, freed after ("" for
        NULL)."""
        out = _native.OwnedString()
        cdll = _native.lib()
        with self._use() as handle:
            status = call(ctypes.byref(out), handle)
            if status != CRM_OK:
                raise last_error(status)
        try:
            return ctypes.string_at(out.value).decode("utf-8") if out.value else ""
        finally:
            cdll.crm_string_free(out)

    def _read_json(self, call: Any) -> Any:
        return json.loads(self._read_text(call) or "null")

    def _get(self, call: Any) -> Customer:
        cdll = _native.lib()
        record = _native.RecordPtr()
        with self._use() as handle:
            status = call(ctypes.byref(record), handle)
            if status != CRM_OK:
                error = last_error(status)
                cdll.crm_record_free(record)  # NULL on failure; accepted
                raise error
        try:
            customer = read_record(record, self._field_names)
        finally:
            cdll.crm_record_free(record)
        # Read the names now (once, and after a field change here), so that
        # customers still tell empty from unknown after close().
        self._field_names.current()
        return customer


    def _rows_call(self, call: Callable[[Any, Any], int]) -> RowSet:
        """Runs a call that returns crm_rows and decodes them (one crossing)."""
        cdll = _native.lib()
        rows = _native.RowsPtr()
        with self._use() as handle:
            check_query(call(ctypes.byref(rows), handle))
        try:
            return read_row_set(rows)
        finally:
            cdll.crm_rows_free(rows)

    @contextlib.contextmanager
    def _batch_call(self, call: Callable[[Any, Any], int]) -> Iterator[Any]:
        """Runs a batch call, ``call(byref(report), handle)``; raises its
        error (a BatchError listing the rejected rows when the report has
        them) or lends the report to the block, and frees it after."""
        cdll = _native.lib()
        report = _native.BatchReportPtr()
        with self._use() as handle:
            status = call(ctypes.byref(report), handle)
            error = last_error(status) if status != CRM_OK else None
        try:
            if error is not None:
                if not report:
                    raise error
                raise _batch_error(cdll, report, error)
            yield report
        finally:
            cdll.crm_batch_report_free(report)


def _batch_error(cdll: ctypes.CDLL, report: Any, error: Any) -> Exception:
    rejected = []
    size = cdll.crm_batch_report_size(report)
    for row in range(size):
        status = cdll.crm_batch_report_status(report, row)
        if status == CRM_OK:
            continue
        rejected.append(
            BatchRowError(
                index=row,
                code=status,
                status_name=_native.text_or_empty(cdll.crm_status_name(status)),
                message=_native.text_or_empty(cdll.crm_batch_report_message(report, row)),
                field=_native.text_or_empty(cdll.crm_batch_report_field(report, row)),
                rule=_native.text_or_empty(cdll.crm_batch_report_rule(report, row)),
            )
        )
    # A refused write by a merged id names the survivor (crm_error.survivor_id).
    merged = {"survivor_id": error.survivor_id} if isinstance(error, MergedError) else {}
    return batch_error_class(error.code)(
        error.message,
        code=error.code,
        status_name=error.status_name,
        field=error.field,
        rule=error.rule,
        rejected=rejected,
        size=size,
        **merged,
    )
