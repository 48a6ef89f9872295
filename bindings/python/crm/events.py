"""Events of the log and the record history, as read-only Python objects."""

from __future__ import annotations

import datetime as _dt
import types as _types
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, NamedTuple, Optional

from . import _native
from .records import read_values
from .values import decode_datetime

__all__ = [
    "AppendResult",
    "Event",
    "EventInput",
    "FieldInterval",
    "HISTORY_TYPE_PREFIX",
    "read_event",
]

#: Types of the events libcrm appends itself for every customer write.
HISTORY_TYPE_PREFIX = "crm.record."

_EMPTY: Mapping[str, Any] = _types.MappingProxyType({})


class AppendResult(NamedTuple):
    """What :meth:`Database.append_event` returns."""

    seq: int  #: the event's sequence number (the first one's for a duplicate)
    duplicate: bool  #: True when the idempotency key was already used: nothing stored


class _Stretch(NamedTuple):
    start: _dt.datetime  #: aware UTC datetime, inclusive (valid time)
    end: Optional[_dt.datetime]  #: exclusive; None while the value is current
    value: Any


class FieldInterval(_Stretch):
    """One stretch of valid time during which a field held ``value``.

    A tuple ``(start, end, value)`` (unpacking and equality use those three),
    with two more read-only attributes: ``recorded_at``, when libcrm recorded
    the change that set the value (None when not known), and ``duration``,
    ``end - start`` (for the current interval, up to when it was read).
    """

    recorded_at: Optional[_dt.datetime]
    duration: _dt.timedelta

    def __new__(
        cls,
        start: _dt.datetime,
        end: Optional[_dt.datetime],
        value: Any,
        recorded_at: Optional[_dt.datetime] = None,
        duration: Optional[_dt.timedelta] = None,
    ) -> "FieldInterval":
        self = super().__new__(cls, start, end, value)
        if duration is None:
            duration = end - start if end is not None else _dt.timedelta(0)
        object.__setattr__(self, "recorded_at", recorded_at)
        object.__setattr__(self, "duration", duration)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a FieldInterval is read-only")

    def __getnewargs__(self) -> Any:  # pickling keeps every attribute
        return (self.start, self.end, self.value, self.recorded_at, self.duration)

    def __repr__(self) -> str:
        return (
            f"FieldInterval(start={self.start!r}, end={self.end!r}, value={self.value!r}, "
            f"recorded_at={self.recorded_at!r}, duration={self.duration!r})"
        )


@dataclass(frozen=True)
class EventInput:
    """One event for :meth:`Database.append_events` (a mapping with the same
    keys, or any object with these attributes, does as well)."""

    customer_id: int
    type: str
    channel: Optional[str] = None
    actor: Optional[str] = None
    source: Optional[str] = None
    occurred_at: Optional[_dt.datetime] = None  #: aware; None: the time of the append
    idempotency_key: Optional[str] = None
    properties: Mapping[str, Any] = field(default_factory=dict)


def _frozen(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return _types.MappingProxyType(dict(values)) if values else _EMPTY


class Event:
    """An event read from the log. Immutable, and a copy: it stays usable
    after the workspace is closed.

    ``properties``, ``before`` and ``after`` are read-only mappings of name to
    native value. ``before``/``after`` hold the changed fields of a history
    event (``type`` starting with ``"crm.record."``): a field absent from
    ``after`` was cleared (or, for a delete, the record went away); they are
    empty for other events. ``channel``, ``actor``, ``source`` and
    ``idempotency_key`` are None when the event has none.
    """

    __slots__ = (
        "_seq",
        "_customer_id",
        "_occurred_at",
        "_recorded_at",
        "_valid_until",
        "_type",
        "_channel",
        "_actor",
        "_source",
        "_idempotency_key",
        "_properties",
        "_before",
        "_after",
    )

    def __init__(
        self,
        seq: int,
        customer_id: int,
        occurred_at: _dt.datetime,
        recorded_at: _dt.datetime,
        type: str,
        channel: Optional[str] = None,
        actor: Optional[str] = None,
        source: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        properties: Mapping[str, Any] = _EMPTY,
        before: Mapping[str, Any] = _EMPTY,
        after: Mapping[str, Any] = _EMPTY,
        valid_until: Optional[_dt.datetime] = None,
    ) -> None:
        for name, value in (
            ("_seq", seq),
            ("_customer_id", customer_id),
            ("_occurred_at", occurred_at),
            ("_recorded_at", recorded_at),
            ("_type", type),
            ("_channel", channel),
            ("_actor", actor),
            ("_source", source),
            ("_idempotency_key", idempotency_key),
            ("_properties", _frozen(properties)),
            ("_before", _frozen(before)),
            ("_after", _frozen(after)),
            ("_valid_until", valid_until),
        ):
            object.__setattr__(self, name, value)

    seq = property(lambda self: self._seq, doc="Sequence number; grows with every append.")
    customer_id = property(lambda self: self._customer_id, doc="The customer's id.")
    occurred_at = property(lambda self: self._occurred_at, doc="When it happened (UTC).")
    recorded_at = property(lambda self: self._recorded_at, doc="When libcrm stored it (UTC).")
    valid_until = property(
        lambda self: self._valid_until,
        doc="A correction's end of valid time (exclusive, UTC); None for every "
        "other event (its values hold until the next change).",
    )
    type = property(lambda self: self._type, doc='e.g. "call", "crm.record.updated".')
    channel = property(lambda self: self._channel, doc="e.g. \"phone\", or None.")
    actor = property(lambda self: self._actor, doc="Who acted, or None.")
    source = property(lambda self: self._source, doc="Where it came from, or None.")
    idempotency_key = property(lambda self: self._idempotency_key, doc="The key, or None.")
    properties = property(lambda self: self._properties, doc="Name to native value.")
    before = property(lambda self: self._before, doc="History: changed fields before.")
    after = property(lambda self: self._after, doc="History: changed fields after.")

    @property
    def is_history(self) -> bool:
        """True for the events libcrm writes for customer writes."""
        return self._type.startswith(HISTORY_TYPE_PREFIX)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an Event is read-only; events are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("an Event is read-only; events are immutable")

    def _key(self) -> tuple:
        return (
            self._seq,
            self._customer_id,
            self._occurred_at,
            self._recorded_at,
            self._type,
            self._channel,
            self._actor,
            self._source,
            self._idempotency_key,
            dict(self._properties),
            dict(self._before),
            dict(self._after),
            self._valid_until,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self._seq, self._customer_id, self._type))

    def __repr__(self) -> str:
        parts = [
            f"seq={self._seq}",
            f"customer_id={self._customer_id}",
            f"type={self._type!r}",
            f"occurred_at={self._occurred_at.isoformat()}",
        ]
        for name in ("channel", "actor", "source", "idempotency_key"):
            value = getattr(self, "_" + name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        if self._properties:
            parts.append(f"properties={dict(self._properties)!r}")
        if self._before or self._after:
            parts.append(f"before={dict(self._before)!r}, after={dict(self._after)!r}")
        return f"Event({', '.join(parts)})"

    def __reduce__(self) -> Any:
        key = self._key()
        return (Event, key)


def _optional_text(raw: Optional[bytes]) -> Optional[str]:
    text = _native.text_or_empty(raw)
    return text or None


def read_event(event: Any) -> Event:
    """An Event copied out of a ``crm_event`` (owned or borrowed from a page;
    the caller frees its owner afterwards)."""
    cdll = _native.lib()
    return Event(
        seq=cdll.crm_event_seq(event),
        customer_id=cdll.crm_event_customer(event),
        occurred_at=decode_datetime(cdll.crm_event_occurred_at(event)),
        recorded_at=decode_datetime(cdll.crm_event_recorded_at(event)),
        type=_native.text_or_empty(cdll.crm_event_type(event)),
        channel=_optional_text(cdll.crm_event_channel(event)),
        actor=_optional_text(cdll.crm_event_actor(event)),
        source=_optional_text(cdll.crm_event_source(event)),
        idempotency_key=_optional_text(cdll.crm_event_idempotency_key(event)),
        properties=read_values(cdll.crm_event_properties(event)),
        before=read_values(cdll.crm_event_before(event)),
        after=read_values(cdll.crm_event_after(event)),
        valid_until=_valid_until(cdll.crm_event_valid_until(event)),
    )


def _valid_until(us: int) -> Optional[_dt.datetime]:
    return None if us == _native.CRM_TIME_MAX else decode_datetime(us)


def event_fields(item: object, index: int) -> Dict[str, Any]:
    """The fields of one event given to append_events, as a dict with the
    keys of :class:`EventInput` (absent ones None)."""
    names = ("customer_id", "type", "channel", "actor", "source", "occurred_at",
             "idempotency_key", "properties")
    if isinstance(item, Mapping):
        unknown = [key for key in item if key not in names]
        if unknown:
            raise TypeError(
                f"event {index} has unknown key(s) {', '.join(map(repr, unknown))}; "
                f"put properties under 'properties' (keys: {', '.join(names)})"
            )
        out = {name: item.get(name) for name in names}
    else:
        if not hasattr(item, "customer_id") or not hasattr(item, "type"):
            raise TypeError(
                f"event {index} must be a mapping or an EventInput-like object with "
                f"customer_id and type, not {type(item).__name__}"
            )
        out = {name: getattr(item, name, None) for name in names}
    for required in ("customer_id", "type"):
        if out[required] is None:
            raise TypeError(f"event {index} has no {required}")
    return out
