"""Database: customers, one at a time and in batches."""

from __future__ import annotations

import ctypes
import datetime as _dt
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Tuple, Union, overload

from . import _native
from .errors import check, parse_candidates
from .records import Customer, build_record
from .valid_time import WriteResult, write_options
from .values import decode_datetime
from .wire import encode_customer_batch
from ._db_core import DatabaseCore, _check_id, _check_version

#: ``effective_at`` / ``effective_until`` arguments: aware datetimes or None.
When = Optional[_dt.datetime]


def _unchecked(function: Any) -> Any:
    """The ctypes function behind _native's integer range check."""
    return getattr(function, "__wrapped__", function)


def _merged(values: Optional[Mapping[str, object]], fields: Dict[str, object]) -> Dict[str, object]:
    """The field values of a single-record call: the mapping ``values`` (if
    any) updated with the keyword arguments."""
    if values is None:
        return fields
    if not isinstance(values, Mapping):
        raise TypeError(
            f"values must be a mapping of field name to value, not {type(values).__name__}"
        )
    return {**values, **fields} if fields else dict(values)


class CustomersMixin(DatabaseCore):
    """Customers: one at a time and in batches."""

    @overload
    def create_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[False] = False,
        **fields: object,
    ) -> int: ...

    @overload
    def create_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[True],
        **fields: object,
    ) -> WriteResult: ...

    def create_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: bool = False,
        **fields: object,
    ) -> Union[int, WriteResult]:
        """Creates a customer and returns its id.

        Values come from the mapping ``values`` and/or keyword arguments
        (``db.create_customer(name="Jane", email="jane@example.com")``).
        Missing fields take their default. ``actor`` names who writes.

        Valid time (see docs/valid-time.md): a ``created_at`` value (aware
        datetime) or ``effective_at`` gives the customer's real start, e.g.
        when migrating it from another system (both given must be equal);
        ``effective_until`` is refused (a customer cannot be created for a
        while only). With ``return_result=True`` it returns a
        :class:`crm.WriteResult` instead of the id.

        Duplicates (see docs/duplicates.md): a duplicate rule with action
        "block" raises DuplicateError, its ``candidates`` naming the
        customers it matched, and writes nothing; one with action "warn"
        lets the write through, its candidates in the WriteResult's
        ``candidates``. ``skip_duplicate_check=True`` saves anyway: no rule
        looks at the write (the match keys are kept current all the same).
        """
        c_actor = _native.optional_c_string(actor, "actor")
        merged = _merged(values, fields)
        options = write_options(effective_at, effective_until, skip_duplicate_check)
        if options is None and not return_result:
            out = ctypes.c_int64()
            self._write_record(
                merged,
                lambda record, handle, cdll: cdll.crm_customer_create(
                    ctypes.byref(out), handle, record, c_actor
                ),
            )
            return out.value
        result = self._write_v2(
            merged,
            options,
            lambda out, c_options, record, handle, cdll: cdll.crm_customer_create_v2(
                out, handle, record, c_options, c_actor
            ),
        )
        return result if return_result else result.id

    def _write_v2(self, values: Mapping[str, object], options: Any, call: Any) -> WriteResult:
        """Runs a _v2 write, ``call(byref(result), options, record, handle,
        cdll)`` with ``options`` by reference (None: NULL, the defaults), and
        returns what its crm_write_result says."""
        result = _native.WriteResultPtr()
        c_options = None if options is None else ctypes.byref(options)
        cdll = _native.lib()
        try:
            self._write_record(
                values,
                lambda record, handle, lib: call(
                    ctypes.byref(result), c_options, record, handle, lib
                ),
            )
            return WriteResult(
                id=cdll.crm_write_result_id(result),
                version=cdll.crm_write_result_version(result),
                created=bool(cdll.crm_write_result_created(result)),
                effective_at=decode_datetime(cdll.crm_write_result_effective_at(result)),
                changed_current=bool(cdll.crm_write_result_changed_current(result)),
                candidates=parse_candidates(
                    _native.text_or_empty(cdll.crm_write_result_candidates_json(result))
                ),
            )
        finally:
            cdll.crm_write_result_free(result)  # NULL on failure; accepted

    def _write_record(self, values: Mapping[str, object], call: Any) -> None:
        """Runs ``call(record, handle, cdll)`` on a record holding ``values``
        (built in one crossing, see build_record), then frees the record."""
        record = build_record(values)
        cdll = _native.lib()
        try:
            with self._use() as handle:
                check(call(record, handle, cdll))
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

    @overload
    def update_customer(
        self,
        id: int,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        expected_version: int = 0,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[False] = False,
        **fields: object,
    ) -> int: ...

    @overload
    def update_customer(
        self,
        id: int,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        expected_version: int = 0,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[True],
        **fields: object,
    ) -> WriteResult: ...

    def update_customer(
        self,
        id: int,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        expected_version: int = 0,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: bool = False,
        **fields: object,
    ) -> Union[int, WriteResult]:
        """Changes only the fields given, from the mapping ``values`` and/or
        keyword arguments (``db.update_customer(jane, plan="premium")``;
        None clears a field), and returns the new version. With
        ``expected_version`` > 0 the update applies only if the customer is
        still at that version, else ConflictError and nothing changes.

        A late or corrective change gives ``effective_at`` (aware datetime,
        in the past: from when the values held) and, for a correction of a
        closed stretch, ``effective_until`` (exclusive; after it the value
        in force before resumes); it slots into each field's timeline by the
        rules of docs/valid-time.md. With ``return_result=True`` it returns
        a :class:`crm.WriteResult` (``changed_current`` tells whether the
        values in force now changed) instead of the version.

        Duplicate rules and ``skip_duplicate_check`` as for create_customer.
        """
        c_id = _check_id(id, "id")
        c_expected = _check_version(expected_version)
        c_actor = _native.optional_c_string(actor, "actor")
        merged = _merged(values, fields)
        options = write_options(effective_at, effective_until, skip_duplicate_check)
        if options is None and not return_result:
            out = ctypes.c_int64()
            self._write_record(
                merged,
                lambda record, handle, cdll: cdll.crm_customer_update(
                    ctypes.byref(out), handle, c_id, c_expected, record, c_actor
                ),
            )
            return out.value
        result = self._write_v2(
            merged,
            options,
            lambda out, c_options, record, handle, cdll: cdll.crm_customer_update_v2(
                out, handle, c_id, c_expected, record, c_options, c_actor
            ),
        )
        return result if return_result else result.version

    def delete_customer(
        self, id: int, /, *, expected_version: int = 0, actor: Optional[str] = None
    ) -> None:
        """Deletes a customer (expected_version as for update_customer)."""
        c_id = _check_id(id, "id")
        c_expected = _check_version(expected_version)
        c_actor = _native.optional_c_string(actor, "actor")
        with self._use() as handle:
            check(_native.lib().crm_customer_delete(handle, c_id, c_expected, c_actor))

    @overload
    def upsert_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[False] = False,
        **fields: object,
    ) -> Tuple[int, bool]: ...

    @overload
    def upsert_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: Literal[True],
        **fields: object,
    ) -> WriteResult: ...

    def upsert_customer(
        self,
        values: Optional[Mapping[str, object]] = None,
        /,
        *,
        actor: Optional[str] = None,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
        return_result: bool = False,
        **fields: object,
    ) -> Union[Tuple[int, bool], WriteResult]:
        """Creates or updates the customer with the external_id given (in
        ``values`` and/or keyword arguments, as for create_customer);
        returns (id, created).

        ``effective_at`` and ``effective_until`` as for update_customer (an
        upsert that would create with ``effective_until`` is refused); a
        ``created_at`` value creates as create_customer does and, when the
        customer exists, must equal its stored created_at (so re-sent
        records update). With ``return_result=True`` it returns a
        :class:`crm.WriteResult`. Duplicate rules and
        ``skip_duplicate_check`` as for create_customer."""
        c_actor = _native.optional_c_string(actor, "actor")
        merged = _merged(values, fields)
        options = write_options(effective_at, effective_until, skip_duplicate_check)
        if options is None and not return_result:
            out_id = ctypes.c_int64()
            out_created = ctypes.c_int()
            self._write_record(
                merged,
                lambda record, handle, cdll: cdll.crm_customer_upsert(
                    ctypes.byref(out_id), ctypes.byref(out_created), handle, record, c_actor
                ),
            )
            return out_id.value, bool(out_created.value)
        result = self._write_v2(
            merged,
            options,
            lambda out, c_options, record, handle, cdll: cdll.crm_customer_upsert_v2(
                out, handle, record, c_options, c_actor
            ),
        )
        return result if return_result else (result.id, result.created)

    def count_customers(self) -> int:
        """Number of customers in the workspace."""
        out = ctypes.c_int64()
        with self._use() as handle:
            check(_native.lib().crm_customer_count(ctypes.byref(out), handle))
        return out.value

    # -- bulk ---------------------------------------------------------------

    def _write_batch(
        self,
        rows: Iterable[Mapping[str, object]],
        actor: Optional[str],
        mode: int,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
    ) -> List[Tuple[int, bool]]:
        if actor is not None and not isinstance(actor, str):
            raise TypeError(f"actor must be a str or None, not {type(actor).__name__}")
        options = write_options(effective_at, effective_until, skip_duplicate_check)
        payload, count = encode_customer_batch(rows, actor)
        if count == 0:
            with self._use():
                return []
        cdll = _native.lib()

        def write(out: Any, handle: Any) -> int:
            if options is None:  # today's call, unchanged
                return cdll.crm_customer_write_batch(out, handle, payload, len(payload), mode)
            return cdll.crm_customer_write_batch_v2(
                out, handle, payload, len(payload), mode, ctypes.byref(options)
            )

        with self._batch_call(write) as report:
            size = cdll.crm_batch_report_size(report)
            # Row numbers below the report's size fit size_t: the unchecked
            # functions skip the range check of each argument (_native.py).
            report_id = _unchecked(cdll.crm_batch_report_id)
            if mode == _native.CRM_BATCH_CREATE:  # every row created one
                return [(report_id(report, row), True) for row in range(size)]
            report_created = _unchecked(cdll.crm_batch_report_created)
            return [
                (report_id(report, row), bool(report_created(report, row)))
                for row in range(size)
            ]

    def insert_many(
        self,
        rows: Iterable[Mapping[str, object]],
        actor: Optional[str] = None,
        *,
        effective_at: When = None,
        skip_duplicate_check: bool = False,
    ) -> List[int]:
        """Creates one customer per row, all or nothing, in one call into
        libcrm; returns their ids in row order. On failure nothing is stored
        and a BatchError (also of the status's class, e.g. ValidationError)
        lists the rejected rows. ``effective_at`` (aware datetime) is every
        created customer's start; a row's own ``created_at`` column may give
        each its own (as for create_customer). A row a duplicate rule's
        "batch" action blocks is rejected (status CRM_E_DUPLICATE);
        ``skip_duplicate_check=True`` saves every row anyway."""
        return [
            id
            for id, _ in self._write_batch(
                rows, actor, _native.CRM_BATCH_CREATE, effective_at,
                skip_duplicate_check=skip_duplicate_check,
            )
        ]

    def upsert_many(
        self,
        rows: Iterable[Mapping[str, object]],
        actor: Optional[str] = None,
        *,
        effective_at: When = None,
        effective_until: When = None,
        skip_duplicate_check: bool = False,
    ) -> List[Tuple[int, bool]]:
        """Creates or updates, by external_id (required in every row), one
        customer per row, all or nothing; returns (id, created) per row.

        A key that a row lacks is absent: an updated customer keeps its
        stored value, a created one gets the default. A key whose value is
        None clears the field (a created customer gets the default).

        ``effective_at`` and ``effective_until`` apply to every row, as for
        upsert_customer (a row that creates refuses ``effective_until``), and
        so does ``skip_duplicate_check``, as for insert_many."""
        return self._write_batch(
            rows, actor, _native.CRM_BATCH_UPSERT, effective_at, effective_until,
            skip_duplicate_check,
        )
