"""Data in and out (crm.h, "Data in and out"): :meth:`Database.import_file`
and :meth:`Database.export` (customers or events, CSV or JSON Lines),
:meth:`Database.dump` and :meth:`Database.load` (the whole workspace as one
stream, to move it between backends), :meth:`Database.backup`,
:meth:`Database.restore` and :meth:`Database.verify`.

Every call here runs in libcrm; the binding only turns keyword arguments
into the option structs, the host's progress callable into a
``crm_progress_fn``, and the JSON reports into dataclasses.

Progress: ``progress`` is a callable ``(items, bytes, total)`` called on the
calling thread between batches (at least once per 10,000 items or 1 MiB,
and once at the end): ``items`` done so far (rows, customers and events, or
pages), ``bytes`` of the file read or written so far, ``total`` the size of
the file read, or None when unknown. Its return value is ignored: to stop
the call, raise an exception in it (KeyboardInterrupt included). libcrm then
stops at the next batch and the call raises :class:`crm.CancelledError`
chained from that exception (``__cause__``), leaving what the call's
contract says (an export leaves no file; an import keeps the batches it
committed). While it runs, the callable must not call libcrm: such a call
raises MisuseError (libcrm holds the workspace for the call in progress).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import json
import os
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _native
from ._db_core import DatabaseCore, _progress_callbacks
from .errors import CRM_OK, last_error, parse_candidates
from .literals import DATA_FORMATS, DATA_TARGETS, DataFormat, DataTarget
from .valid_time import duplicate_check, valid_instant

__all__ = [
    "ProgressCallback",
    "ImportReport",
    "ImportReject",
    "VerifyReport",
    "VerifyCheck",
]

PathLike = Union[str, "os.PathLike[str]"]

#: ``progress(items, bytes, total)``: see the module's documentation.
ProgressCallback = Callable[[int, int, Optional[int]], object]


@dataclass(frozen=True)
class ImportReject:
    """One row an import rejected (it changed nothing)."""

    row: int  #: 1 for the first data row
    line: int  #: the line of the file the row starts on
    column: str  #: the column at fault ("" when the row as a whole is)
    field: str  #: the field it maps to, or ""
    rule: str  #: the rule broken ("format", "required", "reference", "file", ...)
    message: str


@dataclass(frozen=True)
class ImportWarning:
    """One row an import wrote although a duplicate rule's "warn" action
    flagged it (crm.h "Duplicates")."""

    row: int  #: 1 for the first data row
    line: int  #: the line of the file the row starts on
    #: the customers it may duplicate, best first: dicts with ``id``,
    #: ``score``, ``rule`` and ``reasons`` (as ``WriteResult.candidates``)
    candidates: Tuple[Dict[str, object], ...]


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or with ``dry_run`` would do (crm.h, crm_import)."""

    rows: int  #: data rows read
    created: int  #: customers created or events appended
    updated: int  #: customers changed
    unchanged: int  #: rows that changed nothing (as stored, or already in the log)
    rejected: int  #: rows rejected (also listed in the reject file)
    bytes: int  #: bytes of the file read
    dry_run: bool  #: True when nothing was kept
    rejects: Tuple[ImportReject, ...]  #: the first 100 rejected rows
    warned: int = 0  #: rows written with a duplicate warning
    warnings: Tuple[ImportWarning, ...] = ()  #: the first 100 of them

    @classmethod
    def from_json(cls, text: str) -> "ImportReport":
        """The report crm_import() returns, decoded."""
        data = json.loads(text)
        return cls(
            rows=data["rows"],
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            rejected=data["rejected"],
            bytes=data["bytes"],
            dry_run=data["dry_run"],
            rejects=tuple(
                ImportReject(
                    row=item["row"],
                    line=item["line"],
                    column=item.get("column") or "",
                    field=item.get("field") or "",
                    rule=item.get("rule") or "",
                    message=item.get("message") or "",
                )
                for item in data.get("rejects", ())
            ),
            warned=data.get("warned", 0),
            warnings=tuple(
                ImportWarning(
                    row=item["row"],
                    line=item["line"],
                    candidates=tuple(parse_candidates(json.dumps(item["candidates"]))),
                )
                for item in data.get("warnings", ())
            ),
        )


@dataclass(frozen=True)
class VerifyCheck:
    """One check of :meth:`Database.verify`."""

    name: str  #: "schema", "integrity", "counters", "history", ...
    ok: bool
    checked: int  #: how many items it checked


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`Database.verify` found (crm.h, crm_verify)."""

    ok: bool  #: True when every check passed
    checks: Tuple[VerifyCheck, ...]
    #: The first 100 problems, as libcrm reports them: "check" and
    #: "message", and where they apply "customer_id" and "field".
    problems: Tuple[Mapping[str, Any], ...]

    @classmethod
    def from_json(cls, text: str) -> "VerifyReport":
        """The report crm_verify() returns, decoded."""
        data = json.loads(text)
        return cls(
            ok=data["ok"],
            checks=tuple(
                VerifyCheck(name=item["name"], ok=item["ok"], checked=item["checked"])
                for item in data["checks"]
            ),
            problems=tuple(data["problems"]),
        )


# -- the progress callback ----------------------------------------------------


class _Progress:
    """The ``crm_progress_fn`` for one call: calls the host's callable and
    keeps the exception it raised, which stops the call. The ctypes function
    object lives as long as this object, which outlives the call."""

    def __init__(self, callback: Optional[ProgressCallback]) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"progress must be callable, not {type(callback).__name__}")
        self._callback = callback
        self.raised: Optional[BaseException] = None
        self.c_function: Any = None if callback is None else _native.ProgressFn(self._report)

    def _report(self, _context: Any, items: int, done: int, total: int) -> int:
        # No exception may cross back into libcrm: ctypes would print and
        # drop it, and the call would go on.
        callback = self._callback
        if callback is None or self.raised is not None:
            return 1
        _progress_callbacks.depth = getattr(_progress_callbacks, "depth", 0) + 1
        try:
            callback(items, done, None if total < 0 else total)
        except BaseException as error:  # noqa: BLE001 (handed to the caller)
            self.raised = error
            return 1
        finally:
            _progress_callbacks.depth -= 1
        return 0

    def raise_for(self, status: int) -> None:
        """Raises the error of a call that returned ``status`` (read right
        after it): the libcrm error chained from the callable's exception."""
        if status == CRM_OK:
            if self.raised is not None:
                # libcrm completed all the same (it should not): the host's
                # exception is not swallowed.
                raise self.raised
            return
        error = last_error(status)
        if self.raised is not None:
            raise error from self.raised
        raise error


def _path(value: object, what: str = "path") -> bytes:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)  # type: ignore[arg-type]
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str or os.PathLike[str], not {type(value).__name__}")
    return _native.to_c_string(value, what)


def _choice(table: Mapping[Any, int], value: object, what: str) -> int:
    try:
        return table[value]
    except (KeyError, TypeError):
        names = ", ".join(repr(name) for name in table)
        raise ValueError(f"{what} must be one of {names}, not {value!r}") from None


def _flag(value: object, what: str) -> int:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
    return int(value)


def _mapping_json(mapping: object) -> Optional[bytes]:
    if mapping is None:
        return None
    if isinstance(mapping, str):
        return _native.to_c_string(mapping, "mapping")
    if not isinstance(mapping, Mapping):
        raise TypeError(
            f"mapping must be a dict (sent as JSON) or JSON text, not {type(mapping).__name__}"
        )
    try:
        text = json.dumps(mapping, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"mapping is not JSON: {error}") from None
    return _native.to_c_string(text, "mapping")


def _fields_text(fields: object) -> Optional[bytes]:
    if fields is None:
        return None
    if isinstance(fields, str) or not isinstance(fields, Sequence):
        raise TypeError(f"fields must be a list of names, not {type(fields).__name__}")
    names = []
    for name in fields:
        if not isinstance(name, str):
            raise TypeError(f"fields must hold str names, not {type(name).__name__}")
        if "," in name:
            raise ValueError(f"a field name in fields has no ',': {name!r}")
        names.append(name)
    return _native.to_c_string(",".join(names), "fields")


def _transfer_options(progress: _Progress) -> Any:
    options = _native.transfer_options()  # CRM_TRANSFER_OPTIONS_INIT
    if progress.c_function is not None:
        options.progress = progress.c_function
    return options


class DataMixin(DatabaseCore):
    """Import, export, dump, load, backup, restore and verify of
    :class:`crm.Database`."""

    def import_file(
        self,
        path: PathLike,
        *,
        target: DataTarget = "customers",
        format: Optional[DataFormat] = None,
        mapping: Union[None, str, Mapping[str, Any]] = None,
        reject_path: Optional[PathLike] = None,
        dry_run: bool = False,
        batch_rows: int = 10000,
        actor: Optional[str] = None,
        progress: Optional[ProgressCallback] = None,
        skip_duplicate_check: bool = False,
    ) -> ImportReport:
        """Imports the customers or events (``target``) of the CSV or JSON
        Lines file at ``path`` (``format``; None: by the file name), each
        row checked and written as the single-row calls would; returns the
        report.

        ``mapping`` says how columns become fields (a dict, sent as JSON, or
        the JSON text): crm.h "The mapping" and docs/data-in-out.md. A
        rejected row changes nothing and is counted, listed in the report
        (the first 100) and in the CSV file ``reject_path``; the other rows
        import. Rows go in transactions of ``batch_rows`` (1 to 1,000,000;
        0: the whole file in one). ``dry_run`` checks and writes every row
        in a transaction that is rolled back. ``actor`` is recorded on
        every write (None: "import").

        Customers: each row is looked at by the duplicate rules' "import"
        action, against the workspace and the rows imported before it; a
        row a "block" rule stops is rejected with rule "duplicate" (its
        candidates in the message). ``skip_duplicate_check=True`` imports
        such rows anyway: no rule looks at the rows (docs/duplicates.md).

        A call that fails as a whole keeps the batches committed before it
        and says where it stopped (``error.position``: the byte offset in
        the file); importing the same file again completes it.
        NotFoundError (rule "path") for a missing file, or rule
        "unknown_field" for a column naming no field; InvalidArgumentError
        rule "file" for a file that is not UTF-8 or has a bad header row,
        rule "mapping_json" for a mapping libcrm cannot use; CancelledError
        when ``progress`` raised.
        """
        c_path = _path(path)
        options = _native.import_options()  # CRM_IMPORT_OPTIONS_INIT
        options.target = _choice(DATA_TARGETS, target, "target")
        options.format = _choice(DATA_FORMATS, format, "format")
        options.mapping_json = _mapping_json(mapping)
        options.reject_path = None if reject_path is None else _path(reject_path, "reject_path")
        options.dry_run = _flag(dry_run, "dry_run")
        if isinstance(batch_rows, bool) or not isinstance(batch_rows, int):
            raise TypeError(f"batch_rows must be an int, not {type(batch_rows).__name__}")
        options.batch_rows = batch_rows
        options.actor = _native.optional_c_string(actor, "actor")
        options.duplicate_check = duplicate_check(skip_duplicate_check)
        reporter = _Progress(progress)
        if reporter.c_function is not None:
            options.progress = reporter.c_function
        cdll = _native.lib()

        def call(out: Any, handle: Any) -> int:
            # libcrm sets no report when it fails: nothing to free then.
            reporter.raise_for(cdll.crm_import(out, handle, c_path, ctypes.byref(options)))
            return CRM_OK

        return ImportReport.from_json(self._read_text(call))

    def export(
        self,
        path: PathLike,
        *,
        target: DataTarget = "customers",
        format: Optional[DataFormat] = None,
        filter: Optional[str] = None,
        fields: Optional[Sequence[str]] = None,
        since: Optional[_dt.datetime] = None,
        until: Optional[_dt.datetime] = None,
        progress: Optional[ProgressCallback] = None,
    ) -> int:
        """Writes the customers or events (``target``) that match ``filter``
        (the filter language; None: every row) to the file at ``path``, CSV
        or JSON Lines (``format``; None: by the file name), and returns the
        number of rows. The file is replaced only when complete.

        ``fields`` lists the columns (None: customers: id and every field
        the handle reads; events: every member). Events: only those that
        occurred in [``since``, ``until``) (aware datetimes; None: open).
        Read in one snapshot. A customer export imports back with
        :meth:`import_file` to the same field values.

        NotFoundError rule "unknown_field" for a column naming no field; a
        filter's errors as libcrm checks them (InvalidArgumentError, rule
        "syntax", with ``position`` in the filter, for one that does not
        parse); DeniedError on a
        restricted handle whose profile does not grant "bulk_export" (or for
        a hidden field, rule "hidden"); CancelledError when ``progress``
        raised, leaving no file (a file that was at ``path`` stays as it
        was).
        """
        c_path = _path(path)
        options = _native.export_options()  # CRM_EXPORT_OPTIONS_INIT
        options.target = _choice(DATA_TARGETS, target, "target")
        options.format = _choice(DATA_FORMATS, format, "format")
        options.filter = _native.optional_c_string(filter, "filter")
        options.fields = _fields_text(fields)
        if since is not None:
            options.from_us = valid_instant(since, "since")
        if until is not None:
            options.until_us = valid_instant(until, "until")
        reporter = _Progress(progress)
        if reporter.c_function is not None:
            options.progress = reporter.c_function
        rows = ctypes.c_int64()
        with self._use() as handle:
            status = _native.lib().crm_export(
                ctypes.byref(rows), handle, c_path, ctypes.byref(options)
            )
            reporter.raise_for(status)
        return rows.value

    def _transfer(self, name: str, path: PathLike, progress: Optional[ProgressCallback]) -> None:
        c_path = _path(path)
        reporter = _Progress(progress)
        options = _transfer_options(reporter)
        function = getattr(_native.lib(), name)
        with self._use() as handle:
            reporter.raise_for(function(handle, c_path, ctypes.byref(options)))

    def dump(self, path: PathLike, *, progress: Optional[ProgressCallback] = None) -> None:
        """Writes the whole workspace to the file at ``path`` as a dump (a
        stream of crm.proto messages with every id, version, time and the
        whole log), read in one snapshot while writers go on; the file is
        replaced only when complete. It holds the suppression key: keep it
        as you keep the workspace. Load it with :meth:`load` into an empty
        workspace on either backend. DeniedError on a restricted handle
        whose profile does not grant "dump" or hides anything."""
        self._transfer("crm_dump", path, progress)

    def load(self, path: PathLike, *, progress: Optional[ProgressCallback] = None) -> None:
        """Loads the dump at ``path`` into this workspace, which must be
        empty (else ConflictError, rule "target"), in one transaction, every
        id, seq and time as dumped; the checksum then equals the dumped
        workspace's. On any failure the workspace stays empty:
        NotWorkspaceError (rule "file") for a file that is not a dump,
        VersionError for a newer format, CrmIOError (rule "damaged",
        ``position`` its byte offset) for a truncated or inconsistent one."""
        self._transfer("crm_load", path, progress)

    def backup(self, path: PathLike, *, progress: Optional[ProgressCallback] = None) -> None:
        """Writes a backup of the workspace to ``path``, one consistent
        state taken while others read and write it: a workspace file for a
        file or in-memory workspace (open it as any), a dump for a
        PostgreSQL one. Put it back with :meth:`restore`. DeniedError on a
        restricted handle whose profile does not grant "backup"."""
        self._transfer("crm_backup", path, progress)

    def restore(self, path: PathLike, *, progress: Optional[ProgressCallback] = None) -> None:
        """Restores the backup at ``path`` (a workspace file or a dump, from
        either backend) into this workspace, which must be empty as for
        :meth:`load`; its checksum then equals the backed-up workspace's.
        NotWorkspaceError for a file that is not a sound workspace."""
        self._transfer("crm_restore", path, progress)

    def verify(self) -> VerifyReport:
        """Checks the workspace in one snapshot: its layout ("schema"), the
        storage's own check ("integrity"), the id counters ("counters") and
        that every customer's history replays to its stored values
        ("history"), that its match keys are those of its values
        ("match_keys") and that the merge table is sound ("merges"). Returns
        what it found; raises only when the check
        itself could not run (read ``ok``)."""
        return VerifyReport.from_json(self._read_text(_native.lib().crm_verify))

