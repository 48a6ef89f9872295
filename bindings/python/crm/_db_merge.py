"""Merging customers (crm.h, "Merging customers"): :meth:`Database.merge`,
:meth:`Database.unmerge` and :meth:`Database.merges`, with their receipts
as frozen dataclasses. The rules and every decision are libcrm's; the
binding turns keyword arguments into the options JSON and the JSON it
returns into :class:`MergeResult`, :class:`UnmergeResult` and
:class:`MergeInfo`."""

from __future__ import annotations

import ctypes
import datetime as _dt
import decimal
import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import _native
from ._db_core import DatabaseCore, _check_id
from .literals import MergeRule
from .values import datetime_to_us, decimal_text, decode_date, decode_datetime, decode_decimal

__all__ = [
    "MergeResult",
    "MergeConflict",
    "UnmergeResult",
    "MergeLink",
    "MergeInfo",
    "MergeMixin",
]

#: A per-field rule of :meth:`Database.merge`: a rule name, or
#: ``{"value": v}`` (v a value of the field's Python type; None empties it).
FieldRule = Union[MergeRule, Mapping[str, object]]


def _ids(items: Iterable[Any]) -> Tuple[int, ...]:
    return tuple(int(item) for item in items)


def _names(items: Iterable[Any]) -> Tuple[str, ...]:
    return tuple(str(item) for item in items)


def _optional_id(value: Any) -> Optional[int]:
    return None if value is None else int(value)


@dataclass(frozen=True)
class MergeResult:
    """What a merge did (the receipt of crm_customer_merge)."""

    merge_id: int  #: the merge's id (the seq of its event on the survivor)
    survivor_id: int
    merged_ids: Tuple[int, ...]  #: in the order given
    version: int  #: the survivor's version after the merge
    changed_fields: Tuple[str, ...]  #: the survivor's fields the rules changed
    references_moved: int  #: reference values moved to the survivor

    @classmethod
    def from_json(cls, text: str) -> "MergeResult":
        """The receipt crm_customer_merge() returns, decoded."""
        data: Dict[str, Any] = json.loads(text)
        return cls(
            merge_id=int(data["merge_id"]),
            survivor_id=int(data["survivor_id"]),
            merged_ids=_ids(data["merged_ids"]),
            version=int(data["version"]),
            changed_fields=_names(data["changed_fields"]),
            references_moved=int(data["references_moved"]),
        )


@dataclass(frozen=True)
class MergeConflict:
    """A survivor's field that an unmerge left as it is, because it was
    changed after the merge: its value now (kept), the value the merge gave
    it, and its value before the merge. Values are of the field's Python
    type (None for empty), as :class:`crm.Customer` holds them."""

    field: str
    current: Any
    merged: Any
    before: Any

    @classmethod
    def from_json(cls, item: Mapping[str, Any], field_types: Mapping[str, str]) -> "MergeConflict":
        """A conflict of the unmerge receipt, its values read by its field's
        type in ``field_types`` (as JSON gives them for a field not there)."""
        field = str(item["field"])
        field_type = field_types.get(field)
        current, merged, before = (_conflict_value(item.get(key), field_type)
                                   for key in ("current", "merged", "before"))
        return cls(field=field, current=current, merged=merged, before=before)


@dataclass(frozen=True)
class UnmergeResult:
    """What an unmerge did (the receipt of crm_customer_unmerge)."""

    merge_id: int
    survivor_id: int
    restored_ids: Tuple[int, ...]  #: the customers that are customers again
    version: int  #: the survivor's version after the unmerge
    reverted_fields: Tuple[str, ...]  #: the survivor's fields set back
    conflicts: Tuple[MergeConflict, ...]  #: fields changed since, kept as they are
    references_restored: int  #: reference values pointed back at a restored customer
    #: ids of fields deleted since the merge, whose values the restored
    #: customers could not take back (the fields are gone: ids, no names)
    dropped_field_ids: Tuple[int, ...]

    @classmethod
    def from_json(
        cls, text: str, field_types: Callable[[], Mapping[str, str]] = dict
    ) -> "UnmergeResult":
        """The receipt crm_customer_unmerge() returns, decoded; conflicts'
        values read by the type ``field_types()`` gives their field (read
        only when there are conflicts)."""
        data: Dict[str, Any] = json.loads(text)
        items = data.get("conflicts") or ()
        types = field_types() if items else {}
        return cls(
            merge_id=int(data["merge_id"]),
            survivor_id=int(data["survivor_id"]),
            restored_ids=_ids(data["restored_ids"]),
            version=int(data["version"]),
            reverted_fields=_names(data["reverted_fields"]),
            conflicts=tuple(MergeConflict.from_json(item, types) for item in items),
            references_restored=int(data["references_restored"]),
            dropped_field_ids=_ids(data.get("dropped_field_ids") or ()),
        )


@dataclass(frozen=True)
class MergeLink:
    """A merged id whose chain of merges ends at the id asked about."""

    id: int  #: the merged id
    merge_id: int  #: the merge that merged it
    into: int  #: the customer it was merged into (the survivor of that merge)


@dataclass(frozen=True)
class MergeInfo:
    """What merges say of an id (crm_customer_merges)."""

    id: int  #: the id asked about
    merged_into: Optional[int]  #: the customer it was merged into; None if not merged
    survivor_id: Optional[int]  #: where its chain of merges ends now; None if not merged
    merge_id: Optional[int]  #: the merge that merged it; None if not merged
    merged: Tuple[MergeLink, ...]  #: the ids merged into it (directly or not), by id

    @property
    def is_merged(self) -> bool:
        """True when the id was merged into another customer."""
        return self.merged_into is not None

    @classmethod
    def from_json(cls, text: str) -> "MergeInfo":
        """What crm_customer_merges() returns, decoded."""
        data: Dict[str, Any] = json.loads(text)
        return cls(
            id=int(data["id"]),
            merged_into=_optional_id(data.get("merged_into")),
            survivor_id=_optional_id(data.get("survivor_id")),
            merge_id=_optional_id(data.get("merge_id")),
            merged=tuple(
                MergeLink(id=int(item["id"]), merge_id=int(item["merge_id"]), into=int(item["into"]))
                for item in data.get("merged") or ()
            ),
        )


# How crm.h's receipt JSON gives a value of each field type that JSON has no
# kind of its own for: decimals and dates as text, datetimes as UTC
# microseconds. Every other type's JSON value is its Python value.
_CONFLICT_DECODERS: Dict[str, Callable[[Any], Any]] = {
    "decimal": lambda value: decode_decimal(str(value)),
    "date": lambda value: decode_date(str(value)),
    "datetime": lambda value: decode_datetime(int(value)),
}


def _conflict_value(value: Any, field_type: Optional[str]) -> Any:
    """A conflict's JSON value as a value of its field's Python type (as it
    is when the field's type is unknown or it does not read as that type)."""
    decoder = _CONFLICT_DECODERS.get(field_type or "")
    if value is None or decoder is None:
        return value
    try:
        return decoder(value)
    except (TypeError, ValueError, ArithmeticError):
        return value


def _cell(value: object, field: str) -> Any:
    """The JSON form of ``{"value": v}`` for a native ``v``: crm.h reads it
    as a JSON Lines cell of the field (decimals and dates as text, a
    datetime as UTC microseconds, a list as an array)."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        _native.check_integer(value, ctypes.c_int64, "value", f"merge rule of '{field}'", field)
        return value
    if isinstance(value, decimal.Decimal):
        return decimal_text(value, field)
    if isinstance(value, _dt.datetime):  # before date: a datetime is a date
        return datetime_to_us(value, field)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, str):
                raise TypeError(
                    f"the items of the merge value of '{field}' must be str, "
                    f"not {type(item).__name__}")
        return list(value)
    raise TypeError(
        f"the merge value of '{field}' has type {type(value).__name__}; use str, bool, "
        "int, Decimal, aware datetime, date, a list of str or None")


def _field_rule(field: str, rule: object) -> Any:
    if isinstance(rule, str):
        return rule
    if isinstance(rule, Mapping):
        return {key: _cell(value, field) if key == "value" else value
                for key, value in rule.items()}
    raise TypeError(
        f"the merge rule of '{field}' must be a rule name or {{'value': v}}, "
        f"not {type(rule).__name__}")


def merge_options(
    rules: Optional[Mapping[str, FieldRule]], default: Optional[MergeRule]
) -> Optional[bytes]:
    """crm_customer_merge's options_json from :meth:`Database.merge`'s
    arguments; None (NULL: the defaults) when neither is given."""
    options: Dict[str, Any] = {}
    if default is not None:
        if not isinstance(default, str):
            raise TypeError(f"default must be a rule name, not {type(default).__name__}")
        options["default"] = default
    if rules is not None:
        if not isinstance(rules, Mapping):
            raise TypeError(
                f"rules must be a mapping of field name to rule, not {type(rules).__name__}")
        fields: Dict[str, Any] = {}
        for field, rule in rules.items():
            if not isinstance(field, str):
                raise TypeError(f"rules must be keyed by field name, not {type(field).__name__}")
            fields[field] = _field_rule(field, rule)
        options["fields"] = fields
    if not options:
        return None
    return _native.to_c_string(json.dumps(options, ensure_ascii=False), "options_json")


def _merged_id_array(merged_ids: Iterable[int]) -> Tuple[Any, int]:
    """A C array of the ids (range-checked) and its length."""
    if isinstance(merged_ids, (str, bytes)) or not isinstance(merged_ids, Iterable):
        raise TypeError(
            f"merged_ids must be an iterable of ints, not {type(merged_ids).__name__}")
    ids = [_check_id(value, "merged_ids item") for value in merged_ids]
    for value in ids:
        _native.check_integer(value, ctypes.c_int64, "merged_ids", "crm_customer_merge")
    return (ctypes.c_int64 * max(1, len(ids)))(*ids), len(ids)


class MergeMixin(DatabaseCore):
    """Merging customers of :class:`crm.Database`: one customer made of
    several, undone at any later time."""

    def merge(
        self,
        survivor_id: int,
        merged_ids: Iterable[int],
        rules: Optional[Mapping[str, FieldRule]] = None,
        *,
        default: Optional[MergeRule] = None,
        actor: Optional[str] = None,
        reason: Optional[str] = None,
    ) -> MergeResult:
        """Merges the customers ``merged_ids`` (1 to 10,000) into customer
        ``survivor_id`` in one transaction, and returns the receipt.

        The survivor takes its field values by ``rules``, a mapping of
        field name to rule, the others by ``default`` (libcrm's default:
        "first_non_empty"): "survivor", "first_non_empty" (the survivor's,
        else the first merged customer's in the order of ``merged_ids``
        holding one), "most_recent", "longest", "sum" (integer and decimal
        fields), "union" (tags and multiple choice), or ``{"value": v}``
        with ``v`` a value of the field's Python type (None empties it).
        Read-only fields keep the survivor's values.

        Each merged customer stops being a customer: reading its id, or its
        external id when no customer holds it now, returns the survivor
        with :attr:`Customer.merged_id` set; writing to it raises
        :class:`crm.MergedError`. References other customers held to it
        point at the survivor; its events stay under its id, in the
        survivor's timeline. ``actor`` and ``reason`` (at most 1,000 bytes)
        are kept with the "crm.record.merged" events. No duplicate rule
        looks at the merge; on failure nothing is written.

        Raises InvalidArgumentError (rule "merged_ids") for an empty list,
        an id twice or the survivor among them; NotFoundError (field "id")
        for an id that is no customer; MergedError for one merged already;
        ValidationError (rule "merge") for a bad rule or value, or the
        error of an update when a new value breaks a field's rule;
        DeniedError on a restricted handle.
        """
        c_survivor = _check_id(survivor_id, "survivor_id")
        array, count = _merged_id_array(merged_ids)
        c_options = merge_options(rules, default)
        c_actor = _native.optional_c_string(actor, "actor")
        c_reason = _native.optional_c_string(reason, "reason")
        cdll = _native.lib()
        text = self._read_text(lambda out, handle: cdll.crm_customer_merge(
            out, handle, c_survivor, array, count, c_options, c_actor, c_reason))
        return MergeResult.from_json(text)

    def unmerge(
        self, merge_id: int, *, actor: Optional[str] = None, reason: Optional[str] = None
    ) -> UnmergeResult:
        """Undoes merge ``merge_id`` (a :attr:`MergeResult.merge_id`) in one
        transaction, and returns the receipt.

        Each customer it merged is a customer again under its id, with its
        values as they were; references the merge moved and that still
        point at the survivor point back. The survivor's fields the merge
        changed go back to their values before it, but a field changed
        since keeps its value and is reported in ``conflicts``. ``actor``
        and ``reason`` are kept with the "crm.record.unmerged" events.

        Raises NotFoundError (rule "merge") for no such merge, or one
        undone or erased; ConflictError (rule "merge") when the survivor
        was merged into another customer since (undo that merge first);
        ConstraintError (rule "unique") when a restored customer's unique
        value is held by another customer now; DeniedError on a restricted
        handle. On failure nothing is written.
        """
        c_merge_id = _check_id(merge_id, "merge_id")
        c_actor = _native.optional_c_string(actor, "actor")
        c_reason = _native.optional_c_string(reason, "reason")
        cdll = _native.lib()
        text = self._read_text(lambda out, handle: cdll.crm_customer_unmerge(
            out, handle, c_merge_id, c_actor, c_reason))
        return UnmergeResult.from_json(text, self._field_types)

    def merges(self, id: int) -> MergeInfo:
        """What merges say of ``id``: the customer it was merged into and
        where its chain of merges ends now (None for an id not merged), and
        the ids merged into it. NotFoundError (field "id") for an id that
        is neither a customer nor merged."""
        c_id = _check_id(id, "id")
        cdll = _native.lib()
        return MergeInfo.from_json(
            self._read_text(lambda out, handle: cdll.crm_customer_merges(out, handle, c_id)))

    def _field_types(self) -> Dict[str, str]:
        """Every field's type by name, archived ones too (one crossing)."""
        cdll = _native.lib()
        listed = self._read_json(lambda out, handle: cdll.crm_field_list(
            out, handle, _native.CRM_LIST_INCLUDE_ARCHIVED))
        return {str(item["name"]): str(item["type"]) for item in listed}
