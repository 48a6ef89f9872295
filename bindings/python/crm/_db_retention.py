"""Database: retention periods and legal hold (crm.h, "Retention and legal
hold"): :meth:`apply_retention` and :meth:`held_until`."""

from __future__ import annotations

import ctypes
import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Dict, Optional

from . import _native
from .errors import check
from .values import datetime_to_us, decode_datetime
from .wire import type_name
from ._db_core import DatabaseCore, _check_id


@dataclass(frozen=True)
class RetentionReport:
    """What :meth:`Database.apply_retention` removed: events whose type's
    period ended (``events_removed``, and ``by_type`` per type name, every
    type with a period listed), stubs whose legal hold ended
    (``stubs_removed``) and the events those stubs still held
    (``stub_events_removed``)."""

    events_removed: int = 0
    by_type: Dict[str, int] = field(default_factory=dict)
    stubs_removed: int = 0
    stub_events_removed: int = 0


class RetentionMixin(DatabaseCore):
    """Retention and legal hold."""

    def apply_retention(self, now: _dt.datetime) -> RetentionReport:
        """Applies every retention and hold period at ``now`` (an aware
        datetime, the host's clock) in one write: removes events of types
        with ``retention_days`` whose period ended, stubs' events whose
        type's ``hold_days`` ended, and stubs whose hold ended. History is
        never removed. Idempotent; schedule it (libcrm runs no threads)."""
        if not isinstance(now, _dt.datetime):
            raise TypeError(f"now must be an aware datetime, not {type_name(now)}")
        c_now = ctypes.c_int64(datetime_to_us(now, "now"))
        cdll = _native.lib()
        report = json.loads(
            self._read_text(lambda out, handle: cdll.crm_retention_apply(out, handle, c_now))
        )
        return RetentionReport(
            events_removed=int(report["events_removed"]),
            by_type={str(k): int(v) for k, v in report["by_type"].items()},
            stubs_removed=int(report["stubs_removed"]),
            stub_events_removed=int(report["stub_events_removed"]),
        )

    def held_until(self, id: int) -> Optional[_dt.datetime]:
        """When the legal hold of stub ``id`` ends, or None when customer
        ``id`` is not a stub (NotFoundError when there is no such
        customer)."""
        c_id = _check_id(id, "id")
        out = ctypes.c_int64(0)
        with self._use() as handle:
            check(_native.lib().crm_customer_held_until(ctypes.byref(out), handle, c_id))
        return decode_datetime(out.value) if out.value else None
