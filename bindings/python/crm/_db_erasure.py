"""Erasure: removing a person for good (crm.h, "Erasure"):
:meth:`Database.erase`, :meth:`Database.erase_where` and
:meth:`Database.checkpoint`, with the receipt as an :class:`EraseReceipt`."""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._db_core import DatabaseCore, _check_id
from .errors import check, check_query
from .queries import CQuery, bind_parameters

__all__ = ["EraseReceipt"]


@dataclass(frozen=True)
class EraseReceipt:
    """What an erase did, as crm.h documents its receipt."""

    erased_ids: Tuple[int, ...]  #: the ids erased, ascending
    tombstones: Tuple[int, ...]  #: each one's tombstone seq, aligned
    customers: int  #: records removed (0 for a customer deleted earlier)
    events: int  #: interactions removed
    history_events: int  #: crm.record.* history events removed
    idempotency_keys: int  #: keys of the events removed
    search_entries: int  #: search-index entries removed
    references_cleared: int  #: other customers whose references were cleared
    kept: Tuple[Mapping[str, Any], ...]  #: what a legal hold kept
    suppressed: int  #: hashes of email and phone kept

    @classmethod
    def from_json(cls, text: str) -> "EraseReceipt":
        """The receipt crm_customer_erase() returns, decoded."""
        data = json.loads(text)
        removed = data["removed"]
        return cls(
            erased_ids=tuple(data["erased_ids"]),
            tombstones=tuple(data["tombstones"]),
            customers=removed["customers"],
            events=removed["events"],
            history_events=removed["history_events"],
            idempotency_keys=removed["idempotency_keys"],
            search_entries=removed["search_entries"],
            references_cleared=removed["references_cleared"],
            kept=tuple(data["kept"]),
            suppressed=data["suppressed"],
        )


def _erase_options(
    actor: Optional[str],
    reason: Optional[str],
    keep_held: bool,
    override_hold: bool,
    suppress: bool,
) -> Any:
    """A crm_erase_options from the keyword arguments (its text members
    borrow bytes the struct itself keeps alive)."""
    options = _native.erase_options()  # CRM_ERASE_OPTIONS_INIT
    options.actor = _native.optional_c_string(actor, "actor")
    options.reason = _native.optional_c_string(reason, "reason")
    options.flags = (
        (_native.CRM_ERASE_KEEP_HELD if keep_held else 0)
        | (_native.CRM_ERASE_OVERRIDE_HOLD if override_hold else 0)
        | (_native.CRM_ERASE_SUPPRESS if suppress else 0)
    )
    return options


class ErasureMixin(DatabaseCore):
    """Erasure of :class:`crm.Database`. Use :meth:`erase` when a person's
    data must be gone (a data-protection request); :meth:`delete_customer`
    keeps the history for audit."""

    def _erase(self, call: Callable[[Any, Any, Any], int], options: Any) -> EraseReceipt:
        pointer = ctypes.byref(options)
        text = self._read_text(lambda out, handle: call(out, handle, pointer))
        return EraseReceipt.from_json(text)

    def erase(
        self,
        id: int,
        *,
        actor: Optional[str] = None,
        reason: Optional[str] = None,
        keep_held: bool = False,
        override_hold: bool = False,
        suppress: bool = False,
    ) -> EraseReceipt:
        """Erases customer ``id`` (or a customer deleted earlier) in one
        transaction: its record, every event of it (history included), its
        search entry, references to it from other customers; leaves a
        "crm.record.erased" tombstone naming ``actor`` and ``reason`` (no
        personal data). NotFoundError for an id that is no customer, or
        was erased before. Follow with :meth:`checkpoint` to take the bytes
        out of a file's write-ahead log."""
        c_id = _check_id(id, "id")
        options = _erase_options(actor, reason, keep_held, override_hold, suppress)
        cdll = _native.lib()
        return self._erase(
            lambda out, handle, c_options: cdll.crm_customer_erase(out, handle, c_id, c_options),
            options,
        )

    def erase_where(
        self,
        filter: str,
        /,
        params: Union[None, Sequence[object], Mapping[str, object]] = None,
        *,
        actor: Optional[str] = None,
        reason: Optional[str] = None,
        keep_held: bool = False,
        override_hold: bool = False,
        suppress: bool = False,
        include_archived: bool = False,
    ) -> EraseReceipt:
        """Erases every customer matching ``filter`` in one transaction, the
        search index rewritten once for all: one receipt. ``params`` binds
        the filter's parameters: a sequence for ``?`` ones, a mapping for
        ``:name`` ones. An empty filter is refused (InvalidArgumentError,
        rule "filter"); say "id > 0" to erase everyone."""
        if isinstance(params, Mapping):
            bound = bind_parameters((), {}, params)
        elif isinstance(params, (str, bytes)):
            raise TypeError("params must be a sequence or a mapping, not a str")
        else:
            bound = bind_parameters(tuple(params or ()), {}, None)
        query = CQuery("customers", filter, bound, include_archived=include_archived)
        options = _erase_options(actor, reason, keep_held, override_hold, suppress)
        cdll = _native.lib()

        def erase_where(out: Any, handle: Any, c_options: Any) -> int:
            status = cdll.crm_customer_erase_where(out, handle, query.pointer, c_options)
            check_query(status)  # a bad filter: QueryError, with its position
            return status

        try:
            return self._erase(erase_where, options)
        finally:
            query.close()

    def checkpoint(self) -> None:
        """The backend's upkeep after an erase: in a file, truncates the
        write-ahead log (BusyError while another connection reads or writes
        the file); on PostgreSQL, VACUUM of libcrm's tables. MisuseError
        inside a transaction."""
        with self._use() as handle:
            check(_native.lib().crm_checkpoint(handle))
