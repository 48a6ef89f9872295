"""Valid time: what a write did, its options, and a field's timeline with
durations.

Every history event has two times: from when its values hold (valid time,
a write's ``effective_at``) and when libcrm recorded it (``recorded_at``).
See crm.h "Valid time" for the rules a late or corrective change follows.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _native
from .events import FieldInterval
from .values import datetime_to_us

__all__ = ["WriteResult", "FieldTimeline", "write_options", "duplicate_check", "valid_instant"]

_ONE_US = _dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class WriteResult:
    """What a write did, returned by the write methods given
    ``return_result=True``."""

    id: int  #: the customer written
    version: int  #: its version after the write
    created: bool  #: True if the write created the customer
    #: The valid time the values hold from: effective_at as applied (the
    #: time of the call when none was given; a create's is its created_at).
    effective_at: _dt.datetime
    #: True if the values in force now changed; False for a correction of
    #: the past that a later change overrides, or a write that changed nothing.
    changed_current: bool
    #: The customers a duplicate rule with action "warn" found for the write
    #: (it was saved all the same), best first, as crm.h's candidates JSON
    #: parsed: dicts with ``id``, ``score``, ``rule`` and ``reasons``, as
    #: :attr:`crm.DuplicateError.candidates` of a write a rule blocks. Empty
    #: when none, and for a write with ``skip_duplicate_check=True``.
    candidates: List[Dict[str, object]] = field(default_factory=list, hash=False)


def valid_instant(value: object, what: str) -> int:
    """UTC microseconds of an aware datetime argument (TypeError for other
    types, ValueError for a naive datetime, as for field values)."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{what} must be an aware datetime, not {type(value).__name__}")
    return datetime_to_us(value, what)


def known_at_us(known_at: object) -> int:
    """``known_at`` as crm.h takes it: CRM_TIME_MAX (today's knowledge) for
    None."""
    return _native.CRM_TIME_MAX if known_at is None else valid_instant(known_at, "known_at")


def duplicate_check(skip_duplicate_check: object) -> int:
    """``duplicate_check`` of crm_write_options and crm_import_options:
    CRM_DUPLICATE_CHECK_SKIP for True ("save anyway"), else the rules'
    (TypeError for a non-bool)."""
    if not isinstance(skip_duplicate_check, bool):
        raise TypeError(
            f"skip_duplicate_check must be a bool, not {type(skip_duplicate_check).__name__}")
    if skip_duplicate_check:
        return _native.CRM_DUPLICATE_CHECK_SKIP
    return _native.CRM_DUPLICATE_CHECK_RULES


def write_options(
    effective_at: object, effective_until: object, skip_duplicate_check: object = False
) -> Optional[Any]:
    """A ``crm_write_options`` for the given times and duplicate check;
    None when each is its default (None: now and open; False: the
    duplicate rules look at the write), for which a write calls today's
    function (the one without _v2)."""
    check = duplicate_check(skip_duplicate_check)
    if effective_at is None and effective_until is None and not skip_duplicate_check:
        return None
    options = _native.write_options()  # CRM_WRITE_OPTIONS_INIT
    if effective_at is not None:
        options.effective_at = valid_instant(effective_at, "effective_at")
    if effective_until is not None:
        options.effective_until = valid_instant(effective_until, "effective_until")
    options.duplicate_check = check
    return options


class FieldTimeline(List[FieldInterval]):
    """The intervals of :meth:`Database.field_timeline`, oldest first (a
    list of :class:`FieldInterval`), with :meth:`held` to sum them.

    ``read_at`` is when the timeline was read: the current interval (``end``
    None) lasts up to then in ``duration`` and in :meth:`held`."""

    def __init__(self, intervals: Iterable[FieldInterval], read_at: _dt.datetime) -> None:
        super().__init__(intervals)
        self.read_at = read_at

    def held(self, value: object, start: _dt.datetime, end: _dt.datetime) -> _dt.timedelta:
        """How long in ``[start, end)`` the field held ``value`` (compared
        with ``==`` to the intervals' values), exact to the microsecond; the
        current interval counts up to ``read_at``. ValueError when ``start``
        is after ``end``."""
        from_us = valid_instant(start, "start")
        to_us = valid_instant(end, "end")
        if from_us > to_us:
            raise ValueError("start must not be after end")
        read_us = datetime_to_us(self.read_at, "read_at")
        total = 0
        for interval in self:
            if interval.value != value:
                continue
            lo, hi = _bounds_us(interval, read_us)
            total += max(0, min(hi, to_us) - max(lo, from_us))
        return _dt.timedelta(microseconds=total)


def _bounds_us(interval: FieldInterval, read_us: int) -> Tuple[int, int]:
    """[start, end) of an interval in microseconds; a current one ends at
    ``read_us``."""
    lo = datetime_to_us(interval.start, "start")
    hi = read_us if interval.end is None else datetime_to_us(interval.end, "end")
    return lo, max(lo, hi)


def optional_datetime(us: int, decode: Any) -> Optional[_dt.datetime]:
    """None for CRM_TIME_MAX (open), else the decoded datetime."""
    return None if us == _native.CRM_TIME_MAX else decode(us)
