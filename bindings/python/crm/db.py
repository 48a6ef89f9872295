"""The workspace handle: opening, transactions, fields, customers, events
and queries."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as _dt
import json
import os
import threading
import weakref
from typing import (
    Any,
    Callable,
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
    check_query,
    last_error,
)
from .events import AppendResult, Event, FieldInterval, event_fields, read_event
from .literals import SYNC_MODES, Bucket, FieldType, SyncMode, Target
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
    bind_parameters,
    dicts_of,
    read_row_set,
    rows_of,
    target_code,
    target_name,
)
from .records import Customer, FieldNames, build_record, fill_record, read_record, read_values
from .wire import RowSet
from .values import (
    datetime_to_us,
    decode_datetime,
    rule_text,
    rule_value,
    value_object,
    value_of_object,
)
from .wire import encode_customer_batch, encode_event_batch

__all__ = ["Database", "open"]

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
    body = _field_body(name, options, patch)
    try:
        return json.dumps(body, ensure_ascii=False)
    except TypeError as error:
        raise TypeError(f"a field definition holds a value JSON cannot carry: {error}") from None


def _field_body(name: Optional[str], options: Mapping[str, Any], patch: bool) -> Dict[str, Any]:
    """The JSON object of a definition or patch. A key given as None is left
    out ("not given"), except ``default_value`` in a patch, where None
    clears the default."""
    body: Dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    for key, value in options.items():
        if value is None:
            if key == "default_value" and patch:
                body[key] = {}
            continue
        if key == "default_value":
            body[key] = dict(value) if isinstance(value, Mapping) else value_object(value, key)
        elif key in _BOUND_KEYS:
            body[key] = rule_text(value, key)
        elif key in ("options", "add_options"):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"'{key}' must be a list of str")
            body[key] = list(value)
        else:
            body[key] = value
    return body


def _optional_str(value: object, what: str) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{what} must be a str or None, not {type(value).__name__}")
    return value


def _instant(value: object, what: str) -> int:
    """UTC microseconds of an aware datetime argument."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{what} must be an aware datetime, not {type(value).__name__}")
    return datetime_to_us(value, what)


def _names(value: object, what: str) -> Optional[List[bytes]]:
    """A filter list (types, channels): None, one str, or an iterable of str."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return [_native.to_c_string(item, what) for item in items]


def _timeline_request(
    customer_id: object,
    since: object,
    until: object,
    types: object,
    channels: object,
    oldest_first: object,
    page_size: object,
    cursor: object,
) -> Tuple[int, Any, Tuple[Any, ...]]:
    """(customer id, crm_timeline_options, objects its pointers need alive)."""
    c_id = _check_id(customer_id, "customer_id")
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int, not {type(page_size).__name__}")
    if not 1 <= page_size <= 1000:
        raise ValueError("page_size must be 1 to 1000")
    options = _native.timeline_options()  # CRM_TIMELINE_OPTIONS_INIT
    if since is not None:
        options.from_us = _instant(since, "since")
    if until is not None:
        options.to_us = _instant(until, "until")
    c_types, options.type_count = _c_array(_names(types, "type"))
    c_channels, options.channel_count = _c_array(_names(channels, "channel"))
    if c_types is not None:
        options.types = c_types
    if c_channels is not None:
        options.channels = c_channels
    options.oldest_first = 1 if oldest_first else 0
    options.page_size = page_size
    c_cursor = _native.optional_c_string(cursor, "cursor")  # type: ignore[arg-type]
    options.cursor = c_cursor
    return c_id, options, (c_types, c_channels, c_cursor)


def _c_array(items: Optional[List[bytes]]) -> Tuple[Any, int]:
    if not items:
        return None, 0
    return (ctypes.c_char_p * len(items))(*items), len(items)


# Keys of a field definition that libcrm's JSON carries as 64-bit integers,
# which JSON writes as strings ("17"); read back as int.
_INT64_KEYS = ("id", "max_length")


def _native_field(definition: Dict[str, Any]) -> Dict[str, Any]:
    """A definition as libcrm's JSON has it, with its values made native:
    ``default_value`` a value of the field's Python type (no key when there
    is no default), ``min``/``max`` int, Decimal, date or datetime."""
    for key in _INT64_KEYS:
        if isinstance(definition.get(key), str):
            definition[key] = int(definition[key])
    if "default_value" in definition:
        default = value_of_object(definition["default_value"])
        if default is None:
            del definition["default_value"]
        else:
            definition["default_value"] = default
    for key in _BOUND_KEYS:
        if key in definition:
            definition[key] = rule_value(definition[key], definition.get("type"))
    return definition


def _field_name_loader(
    database: "weakref.ReferenceType[Database]",
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

    def define_field(self, name: str, type: FieldType, /, **options: Any) -> int:
        """Defines a user field and returns its id.

        ``options`` are the keys of a libcrm field definition: label,
        description, group, required, unique, indexed, scale, min, max,
        max_length, pattern, options, default_value. ``default_value`` is a
        native value (e.g. ``"basic"``, ``Decimal("0.00")``); ``min``/``max``
        may be int, Decimal, date or aware datetime. A key given as None is
        not given (``options=None``: no options).
        """
        if not isinstance(name, str) or not isinstance(type, str):
            raise TypeError("name and type must be str")
        body = _field_json(name, {"type": type, **options}, patch=False)
        out = ctypes.c_int64()
        definition = _native.to_c_string(body, "definition")
        with self._use() as handle:
            check(_native.lib().crm_field_define(ctypes.byref(out), handle, definition))
        self._field_names.forget()
        return out.value

    def update_field(self, name: str, /, **patch: Any) -> None:
        """Changes a field: only the keys given change (label, description,
        group, required, unique, indexed, min, max, max_length, pattern,
        add_options, type with scale, and ``name`` to rename it).
        ``default_value=None`` clears the default, ``min=""``/``max=""``
        remove a bound; other keys given as None are left as they are."""
        c_name = _native.to_c_string(name, "field name")
        body = _native.to_c_string(_field_json(None, patch, patch=True), "patch")
        with self._use() as handle:
            check(_native.lib().crm_field_update(handle, c_name, body))
        self._field_names.forget()

    def _field_call(self, function_name: str, name: str) -> None:
        c_name = _native.to_c_string(name, "field name")
        with self._use() as handle:
            check(getattr(_native.lib(), function_name)(handle, c_name))
        self._field_names.forget()

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
        out = _native.OwnedString()
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
        the read-only keys id, builtin, read_only and status.

        Values are native, as :meth:`define_field` takes them:
        ``default_value`` is of the field's Python type (``Decimal("0.00")``,
        ``date``, ``["a"]``, ...; the key is absent when there is no
        default) and ``min``/``max`` are int, Decimal, date or aware UTC
        datetime."""
        c_name = _native.to_c_string(name, "field name")
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_describe(out, handle, c_name))
        return _native_field(dict(result))

    def fields(self, include_archived: bool = False) -> List[Dict[str, Any]]:
        """All fields, standard first then user-defined by id, each as
        :meth:`describe_field` gives it."""
        flags = _native.CRM_LIST_INCLUDE_ARCHIVED if include_archived else 0
        cdll = _native.lib()
        result = self._read_json(lambda out, handle: cdll.crm_field_list(out, handle, flags))
        return [_native_field(dict(item)) for item in result]

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
            customer = read_record(record, self._field_names)
        finally:
            cdll.crm_record_free(record)
        # Read the names now (once, and after a field change here), so that
        # customers still tell empty from unknown after close().
        self._field_names.current()
        return customer

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
        report = _native.BatchReportPtr()
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
        customer per row, all or nothing; returns (id, created) per row.

        A key that a row lacks is absent: an updated customer keeps its
        stored value, a created one gets the default. A key whose value is
        None clears the field (a created customer gets the default)."""
        return self._write_batch(rows, actor, _native.CRM_BATCH_UPSERT)

    # -- events -------------------------------------------------------------

    def append_event(
        self,
        customer_id: int,
        type: str,
        *,
        channel: Optional[str] = None,
        actor: Optional[str] = None,
        source: Optional[str] = None,
        occurred_at: Optional[_dt.datetime] = None,
        idempotency_key: Optional[str] = None,
        properties: Optional[Mapping[str, object]] = None,
        **more_properties: object,
    ) -> AppendResult:
        """Appends one event to the customer's log; returns (seq, duplicate).

        ``occurred_at`` is an aware datetime (default: now). Properties come
        from ``properties`` and from extra keyword arguments (a property
        named like a parameter goes in ``properties``). With an
        ``idempotency_key`` already in the log nothing is stored and the
        result is the first event's seq with ``duplicate=True``.
        """
        c_id = _check_id(customer_id, "customer_id")
        c_type = _native.to_c_string(type, "type")
        texts = [
            ("crm_event_set_channel", _native.optional_c_string(channel, "channel")),
            ("crm_event_set_actor", _native.optional_c_string(actor, "actor")),
            ("crm_event_set_source", _native.optional_c_string(source, "source")),
            (
                "crm_event_set_idempotency_key",
                _native.optional_c_string(idempotency_key, "idempotency_key"),
            ),
        ]
        c_occurred = None if occurred_at is None else _instant(occurred_at, "occurred_at")
        values: Dict[str, object] = {}
        if properties is not None:
            if not isinstance(properties, Mapping):
                raise TypeError(
                    f"properties must be a mapping, not {type_name(properties)}"
                )
            values.update(properties)
        for name, value in more_properties.items():
            if name in values:
                raise TypeError(f"property '{name}' is given twice")
            values[name] = value
        cdll = _native.lib()
        event = _native.EventPtr()
        check(cdll.crm_event_new(ctypes.byref(event)))
        try:
            check(cdll.crm_event_set_customer(event, c_id))
            check(cdll.crm_event_set_type(event, c_type))
            for setter, text in texts:
                if text is not None:
                    check(getattr(cdll, setter)(event, text))
            if c_occurred is not None:
                check(cdll.crm_event_set_occurred_at(event, c_occurred))
            # Borrowed from the event: valid until the event is freed below.
            fill_record(cdll.crm_event_properties(event), values)
            out_seq = ctypes.c_int64()
            out_duplicate = ctypes.c_int()
            with self._use() as handle:
                check(
                    cdll.crm_event_append(
                        ctypes.byref(out_seq), ctypes.byref(out_duplicate), handle, event
                    )
                )
        finally:
            cdll.crm_event_free(event)
        return AppendResult(out_seq.value, bool(out_duplicate.value))

    def append_events(self, events: Iterable[Any]) -> List[int]:
        """Appends events (mappings with the keys of append_event's
        parameters, properties under ``"properties"``, or EventInput
        objects) all or nothing, in one call into libcrm; returns their
        seqs in order (a duplicate idempotency key gives the first event's
        seq). On failure nothing is stored and a BatchError lists the
        rejected rows."""
        payload, count = encode_event_batch(
            event_fields(item, index) for index, item in enumerate(events)
        )
        if count == 0:
            with self._use():
                return []
        cdll = _native.lib()
        report = _native.BatchReportPtr()
        with self._use() as handle:
            status = cdll.crm_event_append_batch(
                ctypes.byref(report), handle, payload, len(payload)
            )
            error = last_error(status) if status != CRM_OK else None
        try:
            if error is not None:
                if not report:
                    raise error
                raise _batch_error(cdll, report, error)
            size = cdll.crm_batch_report_size(report)
            return [cdll.crm_batch_report_id(report, row) for row in range(size)]
        finally:
            cdll.crm_batch_report_free(report)

    def get_event(self, seq: int) -> Event:
        """The event with that sequence number (NotFoundError if none)."""
        c_seq = _check_id(seq, "seq")
        cdll = _native.lib()
        event = _native.EventPtr()
        with self._use() as handle:
            check(cdll.crm_event_get(ctypes.byref(event), handle, c_seq))
        try:
            return read_event(event)
        finally:
            cdll.crm_event_free(event)

    def _read_page(self, call: Callable[[Any, Any], int]) -> Tuple[List[Event], Optional[str]]:
        cdll = _native.lib()
        page = _native.EventPagePtr()
        with self._use() as handle:
            check(call(ctypes.byref(page), handle))
        try:
            # Events and the cursor are borrowed from the page: copy them out.
            events = [
                read_event(cdll.crm_event_page_at(page, index))
                for index in range(cdll.crm_event_page_size(page))
            ]
            cursor = _native.text_or_empty(cdll.crm_event_page_next_cursor(page)) or None
        finally:
            cdll.crm_event_page_free(page)
        return events, cursor

    def timeline_page(
        self,
        customer_id: int,
        *,
        since: Optional[_dt.datetime] = None,
        until: Optional[_dt.datetime] = None,
        types: Union[None, str, Iterable[str]] = None,
        channels: Union[None, str, Iterable[str]] = None,
        oldest_first: bool = False,
        page_size: int = 50,
        cursor: Optional[str] = None,
    ) -> Tuple[List[Event], Optional[str]]:
        """One page of the customer's timeline and the cursor of the next
        page (None after the last), for hosts that page themselves. Pass the
        same filters with each cursor. See :meth:`timeline`."""
        c_id, options, keep = _timeline_request(
            customer_id, since, until, types, channels, oldest_first, page_size, cursor
        )
        cdll = _native.lib()
        events = self._read_page(
            lambda out, handle: cdll.crm_event_timeline(out, handle, c_id, ctypes.byref(options))
        )
        del keep  # the arrays and cursor options points to lived until here
        return events

    def timeline(
        self,
        customer_id: int,
        *,
        since: Optional[_dt.datetime] = None,
        until: Optional[_dt.datetime] = None,
        types: Union[None, str, Iterable[str]] = None,
        channels: Union[None, str, Iterable[str]] = None,
        oldest_first: bool = False,
        page_size: int = 50,
    ) -> Iterator[Event]:
        """The customer's events, newest first (or ``oldest_first``), ordered
        by occurred_at then seq, fetched ``page_size`` at a time as the
        iterator advances.

        ``since`` (inclusive) and ``until`` (exclusive) bound occurred_at;
        ``types`` and ``channels`` keep only those (a str or a list of str).
        Paging is by position: events appended while iterating never make
        it repeat or skip one it would have returned.
        """
        if types is not None and not isinstance(types, str):
            types = list(types)
        if channels is not None and not isinstance(channels, str):
            channels = list(channels)
        filters: Dict[str, Any] = dict(
            since=since, until=until, types=types, channels=channels,
            oldest_first=oldest_first, page_size=page_size,
        )
        _timeline_request(customer_id, cursor=None, **filters)  # bad arguments raise now

        def events() -> Iterator[Event]:
            cursor: Optional[str] = None
            while True:
                page, cursor = self.timeline_page(customer_id, cursor=cursor, **filters)
                yield from page
                if cursor is None:
                    return

        return events()

    def follow(self, after_seq: int = 0, limit: int = 1000) -> List[Event]:
        """Up to ``limit`` (1 to 10,000) events of all customers with seq
        greater than ``after_seq``, in seq order: call again with the last
        seq to mirror the log."""
        c_after = _check_id(after_seq, "after_seq")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int, not {type_name(limit)}")
        if not 1 <= limit <= 10000:
            raise ValueError("limit must be 1 to 10,000")
        cdll = _native.lib()
        events, _ = self._read_page(
            lambda out, handle: cdll.crm_event_follow(out, handle, c_after, limit)
        )
        return events

    def define_event_type(
        self, name: str, properties: Iterable[Mapping[str, Any]], description: str = ""
    ) -> None:
        """Registers (or replaces) an event type; events of that type are
        then validated against ``properties``, each a dict defining a
        property like :meth:`define_field` does a field: ``{"name": "amount",
        "type": "decimal", "scale": 2, "required": True, "min": 0}``."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type_name(name)}")
        if not isinstance(description, str):
            raise TypeError(f"description must be a str, not {type_name(description)}")
        definitions = []
        for index, definition in enumerate(properties):
            if not isinstance(definition, Mapping):
                raise TypeError(f"property {index} must be a dict, not {type_name(definition)}")
            definitions.append(_field_body(None, definition, patch=False))
        body: Dict[str, Any] = {"name": name, "properties": definitions}
        if description:
            body["description"] = description
        try:
            text = json.dumps(body, ensure_ascii=False)
        except TypeError as error:
            raise TypeError(f"an event type definition holds a value JSON cannot carry: "
                            f"{error}") from None
        c_text = _native.to_c_string(text, "definition")
        with self._use() as handle:
            check(_native.lib().crm_event_type_define(handle, c_text))

    # -- history ------------------------------------------------------------

    def get_customer_at(self, id: int, at: _dt.datetime) -> Customer:
        """The customer as it was at the instant ``at`` (aware datetime),
        with its version then; NotFoundError if it did not exist then."""
        c_id = _check_id(id, "id")
        c_at = _instant(at, "at")
        cdll = _native.lib()
        return self._get(lambda out, handle: cdll.crm_customer_get_at(out, handle, c_id, c_at))

    def field_timeline(self, customer_id: int, field: str) -> List[FieldInterval]:
        """The intervals during which the field held each value, oldest
        first, as FieldInterval(start, end, value); ``end`` is None for the
        current value. Stretches when the field was empty are left out."""
        c_id = _check_id(customer_id, "customer_id")
        c_field = _native.to_c_string(field, "field")
        cdll = _native.lib()
        timeline = _native.FieldTimelinePtr()
        with self._use() as handle:
            check(cdll.crm_field_timeline_get(ctypes.byref(timeline), handle, c_id, c_field))
        try:
            intervals = []
            for index in range(cdll.crm_field_timeline_size(timeline)):
                end_us = cdll.crm_field_timeline_to(timeline, index)
                # Borrowed from the timeline: read before it is freed below.
                values = read_values(cdll.crm_field_timeline_value(timeline, index))
                if field in values:
                    value = values[field]
                else:  # the record holds the one field, maybe under another name
                    value = next(iter(values.values()), None)
                intervals.append(
                    FieldInterval(
                        decode_datetime(cdll.crm_field_timeline_from(timeline, index)),
                        None if end_us == _native.CRM_TIME_MAX else decode_datetime(end_us),
                        value,
                    )
                )
            return intervals
        finally:
            cdll.crm_field_timeline_free(timeline)

    # -- queries ------------------------------------------------------------
    #
    # Every query method takes the filter (positional only, so that a named
    # parameter may be called "filter"), positional parameters bound as "1",
    # "2", ... (for ?), and named parameters (for :name) as keyword
    # arguments, or in ``params=`` for names that clash with an option.

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
        params_by_name: ParamsArg = None,
        **named_params: object,
    ) -> int:
        """How many rows match ``filter``, without fetching them."""
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            include_archived=include_archived,
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
        query = CQuery(
            target,
            filter,
            bind_parameters(params, named_params, params_by_name),
            include_archived=include_archived,
            group_by=group_by,
            aggregates=aggregates,
        )
        cdll = _native.lib()
        keys = [name for name, _ in group_keys(group_by)] + [
            alias for _, _, alias in aggregate_specs(aggregates) if alias
        ]
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


def type_name(value: object) -> str:
    return _builtin_type(value).__name__


_builtin_type = type


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
    sync: SyncMode = "normal",
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
    if sync not in SYNC_MODES:
        raise ValueError(f"sync must be 'normal' or 'full', not {sync!r}")
    if isinstance(busy_timeout_ms, bool) or not isinstance(busy_timeout_ms, int):
        raise TypeError("busy_timeout_ms must be an int")
    if not 0 <= busy_timeout_ms <= 2**31 - 1:
        raise ValueError("busy_timeout_ms must be between 0 and 2**31-1")
    options = _native.open_options()  # CRM_OPEN_OPTIONS_INIT
    options.flags = (_native.CRM_OPEN_CREATE if create else 0) | (
        _native.CRM_OPEN_READ_ONLY if read_only else 0
    )
    options.busy_timeout_ms = busy_timeout_ms
    options.sync = SYNC_MODES[sync]
    c_path = _native.to_c_string(text_path, "path")
    cdll = _native.lib()
    handle = _native.DbPtr()
    check(cdll.crm_open(ctypes.byref(handle), c_path, ctypes.byref(options)))
    return Database(handle, text_path)
