"""The workspace handle: opening, transactions, fields and customers."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import threading
import weakref
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)

from . import _native
from .errors import (
    CRM_E_MISUSE,
    CRM_OK,
    BatchRowError,
    CrmError,
    MisuseError,
    batch_error_class,
    check,
    last_error,
)
from .records import Customer, build_record, read_record
from .values import rule_text, value_object
from .wire import encode_customer_batch

__all__ = ["Database", "open"]

_SYNC_MODES = {"normal": _native.CRM_SYNC_NORMAL, "full": _native.CRM_SYNC_FULL}
# Definition keys whose value is a bound in the field's text form.
_BOUND_KEYS = ("min", "max")

PathLike = Union[str, "os.PathLike[str]"]


def _check_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _check_version(value: object) -> int:
    value = _check_id(value, "expected_version")
    if value < 0:
        raise ValueError("expected_version must be 0 (no check) or a positive version")
    return value


def _field_json(name: Optional[str], options: Mapping[str, Any], patch: bool) -> str:
    body: Dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    for key, value in options.items():
        if key == "default_value":
            if isinstance(value, Mapping):
                body[key] = dict(value)
            elif value is None and not patch:
                continue
            else:
                body[key] = value_object(value, key)
        elif key in _BOUND_KEYS and value is not None:
            body[key] = rule_text(value, key)
        elif key in ("options", "add_options"):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"'{key}' must be a list of str")
            body[key] = list(value)
        else:
            body[key] = value
    try:
        return json.dumps(body, ensure_ascii=False)
    except TypeError as error:
        raise TypeError(f"a field definition holds a value JSON cannot carry: {error}") from None


# Keys of a field definition that libcrm's JSON carries as 64-bit integers,
# which JSON writes as strings ("17"); read back as int.
_INT64_KEYS = ("id", "max_length")
_INT64_VALUE_KEYS = ("integer", "datetime_us")


def _normalize_field(definition: Dict[str, Any]) -> Dict[str, Any]:
    for key in _INT64_KEYS:
        if isinstance(definition.get(key), str):
            definition[key] = int(definition[key])
    default = definition.get("default_value")
    if isinstance(default, dict):
        for key in _INT64_VALUE_KEYS:
            if isinstance(default.get(key), str):
                default[key] = int(default[key])
    return definition


class Database:
    """An open libcrm workspace. Create it with :func:`crm.open`.

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
        """The C handle for one call; refuses a closed workspace."""
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
        MisuseError. Closing twice is allowed.
        """
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

    def __enter__(self) -> "Database":
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
    def transaction(self) -> Iterator["Database"]:
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

    # -- fields -------------------------------------------------------------

    def define_field(self, name: str, type: str, /, **options: Any) -> int:
        """Defines a user field and returns its id.

        ``options`` are the keys of a libcrm field definition: label,
        description, group, required, unique, indexed, scale, min, max,
        max_length, pattern, options, default_value. ``default_value`` is a
        native value (e.g. ``"basic"``, ``Decimal("0.00")``); ``min``/``max``
        may be int, Decimal, date or aware datetime.
        """
        if not isinstance(name, str) or not isinstance(type, str):
            raise TypeError("name and type must be str")
        body = _field_json(name, {"type": type, **options}, patch=False)
        out = ctypes.c_int64()
        definition = _native.to_c_string(body, "definition")
        with self._use() as handle:
            check(_native.lib().crm_field_define(ctypes.byref(out), handle, definition))
        return out.value

    def update_field(self, name: str, /, **patch: Any) -> None:
        """Changes a field: only the keys given change (label, description,
        group, required, unique, indexed, min, max, max_length, pattern,
        add_options, type with scale, and ``name`` to rename it).
        ``default_value=None`` clears the default."""
        c_name = _native.to_c_string(name, "field name")
        body = _native.to_c_string(_field_json(None, patch, patch=True), "patch")
        with self._use() as handle:
            check(_native.lib().crm_field_update(handle, c_name, body))

    def _field_call(self, function_name: str, name: str) -> None:
        c_name = _native.to_c_string(name, "field name")
        with self._use() as handle:
            check(getattr(_native.lib(), function_name)(handle, c_name))

    def archive_field(self, name: str) -> None:
        """Archives a field: hidden from reads, refused in writes, data kept."""
        self._field_call("crm_field_archive", name)

    def restore_field(self, name: str) -> None:
        """Restores an archived field with its data."""
        self._field_call("crm_field_restore", name)

    def delete_field(self, name: str) -> None:
        """Deletes a user field and its values. Cannot be undone."""
        self._field_call("crm_field_delete", name)

    def _read_json(self, call: Any) -> Any:
        out = ctypes.c_void_p()
        cdll = _native.lib()
        with self._use() as handle:
            status = call(ctypes.byref(out), handle)
            if status != CRM_OK:
                raise last_error(status)
        try:
            text = ctypes.string_at(out.value).decode("utf-8") if out.value else "null"
        finally:
            cdll.crm_string_free(out)
        return json.loads(text)

    def describe_field(self, name: str) -> Dict[str, Any]:
        """The definition of one field (archived ones too) as a dict, with
        the read-only keys id, builtin, read_only and status."""
        c_name = _native.to_c_string(name, "field name")
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_describe(out, handle, c_name))
        return _normalize_field(dict(result))

    def fields(self, include_archived: bool = False) -> List[Dict[str, Any]]:
        """All fields, standard first then user-defined by id."""
        flags = _native.CRM_LIST_INCLUDE_ARCHIVED if include_archived else 0
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_list(out, handle, flags))
        return [_normalize_field(dict(item)) for item in result]

    # -- customers ----------------------------------------------------------

    def create_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        **fields: object,
    ) -> int:
        """Creates a customer and returns its id.

        Values come from the mapping ``values`` and/or keyword arguments
        (``db.create_customer(name="Jane", email="jane@example.com")``).
        Missing fields take their default. ``actor`` names who writes.
        """
        merged = {**(values or {}), **fields}
        c_actor = _native.optional_c_string(actor, "actor")
        record = build_record(merged)
        cdll = _native.lib()
        out = ctypes.c_int64()
        try:
            with self._use() as handle:
                check(cdll.crm_customer_create(ctypes.byref(out), handle, record, c_actor))
        finally:
            cdll.crm_record_free(record)
        return out.value

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
            return read_record(record)
        finally:
            cdll.crm_record_free(record)

    def get_customer(self, id: int) -> Customer:
        """The customer with that id; NotFoundError if there is none."""
        c_id = _check_id(id, "id")
        cdll = _native.lib()
        return self._get(lambda out, handle: cdll.crm_customer_get(out, handle, c_id))

    def get_customer_by_email(self, email: str) -> Customer:
        """The customer with that email (ASCII case ignored)."""
        c_email = _native.to_c_string(email, "email")
        cdll = _native.lib()
        return self._get(lambda out, handle: cdll.crm_customer_get_by_email(out, handle, c_email))

    def get_customer_by_external_id(self, external_id: str) -> Customer:
        """The customer with that external_id."""
        c_key = _native.to_c_string(external_id, "external_id")
        cdll = _native.lib()
        return self._get(
            lambda out, handle: cdll.crm_customer_get_by_external_id(out, handle, c_key)
        )

    def update_customer(
        self,
        id: int,
        values: Mapping[str, object],
        expected_version: int = 0,
        actor: Optional[str] = None,
    ) -> int:
        """Changes only the fields in ``values`` (None clears a field) and
        returns the new version. With ``expected_version`` > 0 the update
        applies only if the customer is still at that version, else
        ConflictError and nothing changes."""
        c_id = _check_id(id, "id")
        c_expected = _check_version(expected_version)
        c_actor = _native.optional_c_string(actor, "actor")
        record = build_record(values)
        cdll = _native.lib()
        out = ctypes.c_int64()
        try:
            with self._use() as handle:
                check(
                    cdll.crm_customer_update(
                        ctypes.byref(out), handle, c_id, c_expected, record, c_actor
                    )
                )
        finally:
            cdll.crm_record_free(record)
        return out.value

    def delete_customer(
        self, id: int, expected_version: int = 0, actor: Optional[str] = None
    ) -> None:
        """Deletes a customer (expected_version as for update_customer)."""
        c_id = _check_id(id, "id")
        c_expected = _check_version(expected_version)
        c_actor = _native.optional_c_string(actor, "actor")
        with self._use() as handle:
            check(_native.lib().crm_customer_delete(handle, c_id, c_expected, c_actor))

    def upsert_customer(
        self, values: Mapping[str, object], actor: Optional[str] = None
    ) -> Tuple[int, bool]:
        """Creates or updates the customer with the external_id in
        ``values``; returns (id, created)."""
        c_actor = _native.optional_c_string(actor, "actor")
        record = build_record(values)
        cdll = _native.lib()
        out_id = ctypes.c_int64()
        out_created = ctypes.c_int()
        try:
            with self._use() as handle:
                check(
                    cdll.crm_customer_upsert(
                        ctypes.byref(out_id), ctypes.byref(out_created), handle, record, c_actor
                    )
                )
        finally:
            cdll.crm_record_free(record)
        return out_id.value, bool(out_created.value)

    def count_customers(self) -> int:
        """Number of customers in the workspace."""
        out = ctypes.c_int64()
        with self._use() as handle:
            check(_native.lib().crm_customer_count(ctypes.byref(out), handle))
        return out.value

    # -- bulk ---------------------------------------------------------------

    def _write_batch(
        self, rows: Iterable[Mapping[str, object]], actor: Optional[str], mode: int
    ) -> List[Tuple[int, bool]]:
        if actor is not None and not isinstance(actor, str):
            raise TypeError(f"actor must be a str or None, not {type(actor).__name__}")
        payload, count = encode_customer_batch(rows, actor)
        if count == 0:
            with self._use():
                return []
        cdll = _native.lib()
        report = _native.ReportPtr()
        with self._use() as handle:
            status = cdll.crm_customer_write_batch(
                ctypes.byref(report), handle, payload, len(payload), mode
            )
            error = last_error(status) if status != CRM_OK else None
        try:
            if error is not None:
                if not report:
                    raise error
                raise _batch_error(cdll, report, error)
            size = cdll.crm_batch_report_size(report)
            return [
                (
                    cdll.crm_batch_report_id(report, row),
                    bool(cdll.crm_batch_report_created(report, row)),
                )
                for row in range(size)
            ]
        finally:
            cdll.crm_batch_report_free(report)

    def insert_many(
        self, rows: Iterable[Mapping[str, object]], actor: Optional[str] = None
    ) -> List[int]:
        """Creates one customer per row, all or nothing, in one call into
        libcrm; returns their ids in row order. On failure nothing is stored
        and a BatchError (also of the status's class, e.g. ValidationError)
        lists the rejected rows."""
        return [id for id, _ in self._write_batch(rows, actor, _native.CRM_BATCH_CREATE)]

    def upsert_many(
        self, rows: Iterable[Mapping[str, object]], actor: Optional[str] = None
    ) -> List[Tuple[int, bool]]:
        """Creates or updates, by external_id (required in every row), one
        customer per row, all or nothing; returns (id, created) per row."""
        return self._write_batch(rows, actor, _native.CRM_BATCH_UPSERT)


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
    return batch_error_class(error.code)(
        error.message,
        code=error.code,
        status_name=error.status_name,
        field=error.field,
        rule=error.rule,
        rejected=rejected,
        size=size,
    )


def open(
    path: PathLike,
    *,
    create: bool = True,
    read_only: bool = False,
    busy_timeout_ms: int = 5000,
    sync: str = "normal",
) -> Database:
    """Opens (and with ``create`` creates) the workspace at ``path``, or an
    in-memory one for ``":memory:"``.

    ``read_only`` refuses every write with ReadOnlyError; ``busy_timeout_ms``
    is how long to wait for another process's writes; ``sync`` is
    ``"normal"`` (a commit survives a crash of the process) or ``"full"``
    (every commit is on disk when it returns).
    """
    text_path = os.fspath(path)
    if not isinstance(text_path, str):
        raise TypeError("path must be a str or os.PathLike[str]")
    if sync not in _SYNC_MODES:
        raise ValueError(f"sync must be 'normal' or 'full', not {sync!r}")
    if isinstance(busy_timeout_ms, bool) or not isinstance(busy_timeout_ms, int):
        raise TypeError("busy_timeout_ms must be an int")
    if not 0 <= busy_timeout_ms <= 2**31 - 1:
        raise ValueError("busy_timeout_ms must be between 0 and 2**31-1")
    options = _native.OpenOptions(
        struct_size=ctypes.sizeof(_native.OpenOptions),
        flags=(_native.CRM_OPEN_CREATE if create else 0)
        | (_native.CRM_OPEN_READ_ONLY if read_only else 0),
        busy_timeout_ms=busy_timeout_ms,
        sync=_SYNC_MODES[sync],
    )
    c_path = _native.to_c_string(text_path, "path")
    cdll = _native.lib()
    handle = _native.DbPtr()
    check(cdll.crm_open(ctypes.byref(handle), c_path, ctypes.byref(options)))
    return Database(handle, text_path)
