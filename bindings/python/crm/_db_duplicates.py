"""Duplicates (crm.h, "Duplicates"): :attr:`Database.duplicates` holds the
workspace's duplicate rules and settings, a customer's match keys, the
candidates of a record before it is written, and the scan that finds
probable duplicates across the workspace, page by page with a cursor.

Every decision is libcrm's; the binding turns the JSON crm.h returns into
frozen dataclasses and keyword arguments into the option struct.
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
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
from ._db_core import DatabaseCore, _check_id
from ._db_data import ProgressCallback, _Progress
from .errors import CRM_OK, check
from .records import Customer, build_record

__all__ = [
    "DuplicateReason",
    "DuplicateCandidate",
    "DuplicatePair",
    "DuplicateCluster",
    "DuplicatePage",
    "DuplicateRules",
    "DuplicateSettings",
    "Duplicates",
    "DuplicatesMixin",
]

#: ``rules`` arguments: None (every rule), one name, or several.
RuleNames = Union[None, str, Iterable[str]]


@dataclass(frozen=True)
class DuplicateReason:
    """One comparison of a rule and how well it held (0 to 1)."""

    compare: str  #: the key kind ("phone", "name"...) or field compared
    score: float

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "DuplicateReason":
        return cls(compare=str(item["compare"]), score=float(item["score"]))


def _reasons(items: Iterable[Mapping[str, Any]]) -> Tuple[DuplicateReason, ...]:
    return tuple(DuplicateReason.from_json(item) for item in items)


@dataclass(frozen=True)
class DuplicateCandidate:
    """A customer that is probably the one a record describes: best first,
    with the rule that scores it highest."""

    id: int
    score: float  #: the mean of the rule's comparisons' scores
    rule: str
    reasons: Tuple[DuplicateReason, ...]

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "DuplicateCandidate":
        return cls(
            id=int(item["id"]),
            score=float(item["score"]),
            rule=str(item["rule"]),
            reasons=_reasons(item.get("reasons", ())),
        )

    @classmethod
    def list_from_json(cls, text: str) -> List["DuplicateCandidate"]:
        """The candidates of a JSON array as crm.h writes it ("" is none)."""
        return [cls.from_json(item) for item in json.loads(text or "[]")]


@dataclass(frozen=True)
class DuplicatePair:
    """Two customers (``a`` < ``b``) a rule matches."""

    a: int
    b: int
    score: float
    rule: str
    reasons: Tuple[DuplicateReason, ...]

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "DuplicatePair":
        return cls(
            a=int(item["a"]),
            b=int(item["b"]),
            score=float(item["score"]),
            rule=str(item["rule"]),
            reasons=_reasons(item.get("reasons", ())),
        )


@dataclass(frozen=True)
class DuplicateCluster:
    """A connected group of customers the page's pairs form, ids ascending;
    ``score`` is the lowest score among its pairs."""

    ids: Tuple[int, ...]
    score: float

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "DuplicateCluster":
        return cls(ids=tuple(int(i) for i in item["ids"]), score=float(item["score"]))


@dataclass(frozen=True)
class DuplicatePage:
    """One page of a duplicate scan (crm_duplicates_find)."""

    pairs: Tuple[DuplicatePair, ...]  #: by b then a
    clusters: Tuple[DuplicateCluster, ...]  #: by their lowest id
    customers: int  #: customers the page covered
    next_after_id: int  #: the cursor of the next page; 0 when the scan is done
    skipped_keys: int  #: keys held by too many customers to pair on

    @property
    def done(self) -> bool:
        """True when this page ends the scan."""
        return self.next_after_id == 0

    @classmethod
    def from_json(cls, text: str) -> "DuplicatePage":
        data: Dict[str, Any] = json.loads(text)
        return cls(
            pairs=tuple(DuplicatePair.from_json(p) for p in data.get("pairs", ())),
            clusters=tuple(DuplicateCluster.from_json(c) for c in data.get("clusters", ())),
            customers=int(data.get("customers", 0)),
            next_after_id=int(data.get("next_after_id", 0)),
            skipped_keys=int(data.get("skipped_keys", 0)),
        )


def _definition_text(definition: object, what: str) -> bytes:
    if isinstance(definition, str):
        text = definition
    elif isinstance(definition, Mapping):
        text = json.dumps(dict(definition))
    else:
        raise TypeError(f"{what} must be a dict or its JSON text, not {type(definition).__name__}")
    return _native.to_c_string(text, what)


def _rule_names(rules: RuleNames) -> Optional[bytes]:
    """crm_duplicate_find_options.rules: comma-separated names, or NULL."""
    if rules is None:
        return None
    if isinstance(rules, str):
        return _native.to_c_string(rules, "rules")
    names = list(rules)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"rules must hold str names, not {type(name).__name__}")
    return _native.to_c_string(",".join(names), "rules")


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must be 0 or more, not {value}")
    return value


class DuplicateRules:
    """The duplicate rules of a workspace (``db.duplicates.rules``), at most
    20. Managing them is for unrestricted handles: on a restricted one
    every call raises DeniedError, rule "operation"."""

    def __init__(self, database: DatabaseCore) -> None:
        self._db = database

    def define(self, definition: Union[Mapping[str, Any], str]) -> None:
        """Defines or replaces the rule ``definition`` names: a dict (or its
        JSON text) such as ``{"name": "same_phone", "compare": [{"key":
        "phone"}], "action": "warn"}``. ValidationError, rule "duplicate",
        for a bad definition (rule "max_items" for a 21st rule);
        NotFoundError, rule "unknown_field", for a field that does not
        exist."""
        c_text = _definition_text(definition, "definition")
        with self._db._use() as handle:
            check(_native.lib().crm_duplicate_rule_define(handle, c_text))

    def get(self, name: str) -> Dict[str, Any]:
        """Rule ``name`` in its canonical form (every key present, actions
        for every operation); NotFoundError, rule "duplicate", when there is
        none."""
        c_name = _native.to_c_string(name, "name")
        cdll = _native.lib()
        rule: Dict[str, Any] = self._db._read_json(
            lambda out, handle: cdll.crm_duplicate_rule_get(out, handle, c_name))
        return rule

    def list(self) -> List[Dict[str, Any]]:
        """Every rule's canonical definition, by name."""
        cdll = _native.lib()
        rules: List[Dict[str, Any]] = self._db._read_json(cdll.crm_duplicate_rule_list)
        return rules

    def drop(self, name: str) -> None:
        """Drops rule ``name``; NotFoundError, rule "duplicate", when there
        is none."""
        c_name = _native.to_c_string(name, "name")
        with self._db._use() as handle:
            check(_native.lib().crm_duplicate_rule_drop(handle, c_name))


class DuplicateSettings:
    """The workspace's duplicate settings (``db.duplicates.settings``)."""

    def __init__(self, database: DatabaseCore) -> None:
        self._db = database

    def get(self) -> Dict[str, Any]:
        """The settings, e.g. ``{"default_region": "NO"}``."""
        cdll = _native.lib()
        settings: Dict[str, Any] = self._db._read_json(cdll.crm_duplicate_settings_get)
        return settings

    def set(self, *, default_region: str) -> None:
        """Sets the region (ISO 3166, e.g. "NO"; "" for none) a phone
        number without country code is read in; every customer's phone key
        is rebuilt in the same transaction. ValidationError, rule
        "duplicate", for a region libphonenumber does not know."""
        if not isinstance(default_region, str):
            raise TypeError(
                f"default_region must be a str, not {type(default_region).__name__}")
        c_text = _native.to_c_string(json.dumps({"default_region": default_region}),
                                     "settings")
        with self._db._use() as handle:
            check(_native.lib().crm_duplicate_settings_set(handle, c_text))


class Duplicates:
    """Duplicates of a workspace (``db.duplicates``): rules, settings,
    match keys, candidates and the workspace scan."""

    def __init__(self, database: DatabaseCore) -> None:
        self._db = database

    @property
    def rules(self) -> DuplicateRules:
        """The duplicate rules: define, get, list, drop."""
        return DuplicateRules(self._db)

    @property
    def settings(self) -> DuplicateSettings:
        """The duplicate settings: get, set(default_region=...)."""
        return DuplicateSettings(self._db)

    def match_keys(self, customer_id: int) -> List[Tuple[str, str]]:
        """Customer ``customer_id``'s match keys as (kind, key) pairs, by
        kind then key; NotFoundError when there is no such customer. On a
        restricted handle keys of fields it hides or masks are left out."""
        c_id = _check_id(customer_id, "customer_id")
        cdll = _native.lib()
        items: List[Dict[str, Any]] = self._db._read_json(
            lambda out, handle: cdll.crm_customer_match_keys(out, handle, c_id))
        return [(str(item["kind"]), str(item["key"])) for item in items]

    def candidates(
        self, record: Union[Customer, Mapping[str, object]]
    ) -> List[DuplicateCandidate]:
        """The customers every rule (whatever its actions) finds for
        ``record``, a dict of field values as they would be written: a "did
        you mean" before a create. For a Customer, the candidates of that
        stored customer as it stands now (read again by id), itself left
        out. Best first, at most 20; nothing is written."""
        cdll = _native.lib()
        c_record = _native.RecordPtr()
        if isinstance(record, Customer):
            c_id = _check_id(record.id, "record.id")
            with self._db._use() as handle:
                status = cdll.crm_customer_get(ctypes.byref(c_record), handle, c_id)
            if status != CRM_OK:
                cdll.crm_record_free(c_record)  # NULL on failure; accepted
                check(status)
        elif isinstance(record, Mapping):
            c_record = build_record(record)
        else:
            raise TypeError(
                f"record must be a Customer or a mapping, not {type(record).__name__}")
        try:
            text = self._db._read_text(
                lambda out, handle: cdll.crm_duplicate_candidates(out, handle, c_record))
        finally:
            cdll.crm_record_free(c_record)
        return DuplicateCandidate.list_from_json(text)

    def find(
        self,
        *,
        rules: RuleNames = None,
        after_id: int = 0,
        page_customers: int = 0,
        progress: Optional[ProgressCallback] = None,
    ) -> DuplicatePage:
        """One page of the workspace scan: the pairs a rule (of ``rules``;
        None for every rule) matches whose higher id is among the
        ``page_customers`` customers above ``after_id`` (0: all of them),
        with their clusters. Go on with ``after_id=page.next_after_id``
        until ``page.done``. ``progress(customers, 0, None)`` as for
        imports; raising in it stops the scan with CancelledError.
        NotFoundError, rule "duplicate", for an unknown rule name."""
        options = _native.duplicate_find_options()
        options.rules = _rule_names(rules)
        options.after_id = _count(after_id, "after_id")
        options.page_customers = _count(page_customers, "page_customers")
        reporter = _Progress(progress)
        if reporter.c_function is not None:
            options.progress = reporter.c_function
        cdll = _native.lib()

        def call(out: Any, handle: Any) -> int:
            reporter.raise_for(cdll.crm_duplicates_find(out, handle, ctypes.byref(options)))
            return CRM_OK

        return DuplicatePage.from_json(self._db._read_text(call))

    def pages(
        self,
        *,
        rules: RuleNames = None,
        after_id: int = 0,
        page_customers: int = 50000,
        progress: Optional[ProgressCallback] = None,
    ) -> Iterator[DuplicatePage]:
        """The scan as an iterator of pages of ``page_customers`` customers,
        from ``after_id``; each page's ``next_after_id`` is the cursor to
        resume from if the loop stops early."""
        cursor = _count(after_id, "after_id")
        while True:
            page = self.find(rules=rules, after_id=cursor,
                             page_customers=page_customers, progress=progress)
            yield page
            if page.done:
                return
            cursor = page.next_after_id


class DuplicatesMixin(DatabaseCore):
    """Duplicates of :class:`crm.Database`."""

    @property
    def duplicates(self) -> Duplicates:
        """Duplicate rules, settings, match keys, candidates and the scan."""
        return Duplicates(self)
