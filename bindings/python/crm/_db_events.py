"""Database: the event log, timelines and the history of records."""

from __future__ import annotations

import ctypes
import datetime as _dt
import json
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _native
from .errors import check
from .events import AppendResult, Event, FieldInterval, event_fields, read_event
from .records import Customer, read_values
from .valid_time import FieldTimeline, known_at_us, optional_datetime
from .values import datetime_to_us, decode_datetime
from .wire import encode_event_batch, type_name
from ._db_core import DatabaseCore, _check_id
from ._db_fields import _field_body


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


class EventsMixin(DatabaseCore):
    """Events and history: the log, timelines, and records as they were."""

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
        # The same refusals as the C setters' arguments (str, no NUL).
        _native.to_c_string(type, "type")
        for what, text in (("channel", channel), ("actor", actor), ("source", source),
                           ("idempotency_key", idempotency_key)):
            _native.optional_c_string(text, what)
        if occurred_at is not None:
            _instant(occurred_at, "occurred_at")
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
        # One crossing: the batch encoder's EventBatch of one event, decoded
        # by libcrm into the crm_event that is appended.
        data = encode_event_batch([{
            "customer_id": c_id, "type": type, "channel": channel, "actor": actor,
            "source": source, "occurred_at": occurred_at,
            "idempotency_key": idempotency_key, "properties": values,
        }])[0]
        cdll = _native.lib()
        event = _native.EventPtr()
        check(cdll.crm_event_decode(ctypes.byref(event), data, len(data)))
        try:
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
        with self._batch_call(
            lambda out, handle: cdll.crm_event_append_batch(out, handle, payload, len(payload))
        ) as report:
            size = cdll.crm_batch_report_size(report)
            return [cdll.crm_batch_report_id(report, row) for row in range(size)]

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

    def event_high_water(self) -> int:
        """The committed high-water mark: every event with a seq up to it is
        stored, or will never exist (seqs of rolled-back writers are holes).
        On PostgreSQL, where writers commit out of seq order, it stays below
        the seqs of transactions still open; it never goes down."""
        out = ctypes.c_int64()
        with self._use() as handle:
            check(_native.lib().crm_event_high_water(ctypes.byref(out), handle))
        return out.value

    def follow(self, after_seq: int = 0, limit: int = 1000) -> List[Event]:
        """Up to ``limit`` (1 to 10,000) events of all customers with seq
        greater than ``after_seq`` and at most the committed high-water mark
        (``event_high_water()``), in seq order: call again with the last seq
        to mirror the log; no event committed later has a seq passed."""
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
        self,
        name: str,
        properties: Iterable[Mapping[str, Any]],
        description: str = "",
        *,
        retention_days: int = 0,
        hold_days: int = 0,
        held_properties: Iterable[str] = (),
    ) -> None:
        """Registers (or replaces) an event type; events of that type are
        then validated against ``properties``, each a dict defining a
        property like :meth:`define_field` does a field: ``{"name": "amount",
        "type": "decimal", "scale": 2, "required": True, "min": 0}``.
        ``retention_days``: events older than that are removed by
        :meth:`apply_retention`; ``hold_days`` and ``held_properties``: an
        erased customer's events are kept that long with those properties
        (0: none)."""
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
        for key, days in (("retention_days", retention_days), ("hold_days", hold_days)):
            if isinstance(days, bool) or not isinstance(days, int):
                raise TypeError(f"{key} must be an int, not {type_name(days)}")
            if days:
                body[key] = days
        held = [] if isinstance(held_properties, str) else list(held_properties)
        if isinstance(held_properties, str) or not all(isinstance(p, str) for p in held):
            raise TypeError("held_properties must be a list of str")
        if held:
            body["held_properties"] = held
        try:
            text = json.dumps(body, ensure_ascii=False)
        except TypeError as error:
            raise TypeError(f"an event type definition holds a value JSON cannot carry: "
                            f"{error}") from None
        c_text = _native.to_c_string(text, "definition")
        with self._use() as handle:
            check(_native.lib().crm_event_type_define(handle, c_text))

    # -- history ------------------------------------------------------------

    def get_customer_at(
        self, id: int, at: _dt.datetime, *, known_at: Optional[_dt.datetime] = None
    ) -> Customer:
        """The customer as it was at the instant ``at`` (aware datetime;
        valid time), with its version then; NotFoundError if it did not
        exist then. ``known_at`` (aware datetime) answers by what libcrm had
        recorded up to that instant: "what would we have said then"; None
        means by today's knowledge, late changes included."""
        c_id = _check_id(id, "id")
        c_at = _instant(at, "at")
        cdll = _native.lib()
        if known_at is None:
            return self._get(lambda out, handle: cdll.crm_customer_get_at(out, handle, c_id, c_at))
        c_known = known_at_us(known_at)
        return self._get(
            lambda out, handle: cdll.crm_customer_get_at_v2(out, handle, c_id, c_at, c_known)
        )

    def field_timeline(
        self, customer_id: int, field: str, *, known_at: Optional[_dt.datetime] = None
    ) -> FieldTimeline:
        """The intervals of valid time during which the field held each
        value, oldest first: a :class:`crm.FieldTimeline`, a list of
        FieldInterval(start, end, value) with ``recorded_at`` and
        ``duration``; ``end`` is None for the current value, whose duration
        runs up to the read. Stretches when the field was empty are left
        out; adjacent intervals of equal value are one. ``known_at`` (aware
        datetime) gives the timeline as libcrm knew it then (None: today).
        ``timeline.held(value, start, end)`` sums the time it held a value."""
        c_id = _check_id(customer_id, "customer_id")
        c_field = _native.to_c_string(field, "field")
        c_known = known_at_us(known_at)
        cdll = _native.lib()
        timeline = _native.FieldTimelinePtr()
        with self._use() as handle:
            check(
                cdll.crm_field_timeline_get_v2(
                    ctypes.byref(timeline), handle, c_id, c_field, c_known
                )
            )
        try:
            intervals = []
            read_at = _dt.datetime.now(_dt.timezone.utc)
            for index in range(cdll.crm_field_timeline_size(timeline)):
                start_us = cdll.crm_field_timeline_from(timeline, index)
                end_us = cdll.crm_field_timeline_to(timeline, index)
                duration_us = cdll.crm_field_timeline_duration(timeline, index)
                # Borrowed from the timeline: read before it is freed below.
                values = read_values(cdll.crm_field_timeline_value(timeline, index))
                if field in values:
                    value = values[field]
                else:  # the record holds the one field, maybe under another name
                    value = next(iter(values.values()), None)
                if end_us == _native.CRM_TIME_MAX:  # current: libcrm read it then
                    read_at = decode_datetime(start_us + duration_us)
                intervals.append(
                    FieldInterval(
                        decode_datetime(start_us),
                        optional_datetime(end_us, decode_datetime),
                        value,
                        recorded_at=decode_datetime(
                            cdll.crm_field_timeline_recorded_at(timeline, index)
                        ),
                        duration=_dt.timedelta(microseconds=duration_us),
                    )
                )
            return FieldTimeline(intervals, read_at)
        finally:
            cdll.crm_field_timeline_free(timeline)
