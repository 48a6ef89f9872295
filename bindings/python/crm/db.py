"""The workspace handle, :class:`Database`, composed of one mixin per domain
(fields, customers, events and history, queries), and :func:`open`."""

from __future__ import annotations

import ctypes
import os
from typing import Any, Union

from . import _native
from .errors import check
from .literals import SYNC_MODES, SyncMode
from ._db_fields import FieldsMixin
from ._db_customers import CustomersMixin
from ._db_events import EventsMixin
from ._db_export import ExportMixin
from ._db_queries import QueriesMixin
from ._db_workspace_copy import WorkspaceCopyMixin, copy_workspace
from ._db_erasure import ErasureMixin
from ._db_retention import RetentionMixin
from ._db_suppression import SuppressionMixin
from ._db_profiles import ProfilesMixin
from ._db_data import DataMixin
from ._db_duplicates import DuplicatesMixin
from ._db_merge import MergeMixin

__all__ = [
    "Database",
    "open",
    "open_url",
    "create_workspace",
    "drop_workspace",
    "copy_workspace",
]

PathLike = Union[str, "os.PathLike[str]"]


class Database(
    FieldsMixin,
    CustomersMixin,
    EventsMixin,
    QueriesMixin,
    WorkspaceCopyMixin,
    ExportMixin,
    ErasureMixin,
    RetentionMixin,
    SuppressionMixin,
    ProfilesMixin,
    DataMixin,
    DuplicatesMixin,
    MergeMixin,
):
    """An open libcrm workspace. Create it with :func:`crm.open`.

    A Database may be shared by threads: libcrm serializes calls on the
    handle, and a transaction belongs to the thread that began it (other
    threads' calls wait until it ends). :meth:`close` waits for calls in
    progress on other threads to return. Use as a context manager to close
    it at the end of a ``with`` block.

    Its methods are grouped by domain, one module each: fields
    (``_db_fields.py``), customers (``_db_customers.py``), events and
    history (``_db_events.py``), queries (``_db_queries.py``), on the
    handle and transactions of ``_db_core.py``.
    """

    def __enter__(self) -> "Database":
        return self


def _open_options(
    create: bool, read_only: bool, busy_timeout_ms: int, sync: SyncMode
) -> Any:
    """A crm_open_options from open()'s keyword arguments, checked."""
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
    return options


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
    options = _open_options(create, read_only, busy_timeout_ms, sync)
    c_path = _native.to_c_string(text_path, "path")
    handle = _native.DbPtr()
    check(_native.lib().crm_open(ctypes.byref(handle), c_path, ctypes.byref(options)))
    return Database(handle, text_path)


def open_url(
    url: str,
    *,
    create: bool = True,
    read_only: bool = False,
    busy_timeout_ms: int = 5000,
) -> Database:
    """Opens (and with ``create`` creates) a workspace in a database server,
    e.g. ``"postgresql://crm@db.example/crm?workspace=acme"`` (crm.h,
    crm_open_url). Passwords come from libpq's password file or
    environment; libcrm never puts one in an error message.

    Calls the server's backend does not offer yet raise UnsupportedError.
    ``read_only`` and ``busy_timeout_ms`` as for :func:`open`.
    """
    options = _open_options(create, read_only, busy_timeout_ms, "normal")
    c_url = _native.to_c_string(url, "url")
    handle = _native.DbPtr()
    check(_native.lib().crm_open_url(ctypes.byref(handle), c_url, ctypes.byref(options)))
    return Database(handle, url)


def create_workspace(url: str) -> None:
    """Creates the workspace ``url`` names (ConstraintError if it exists)."""
    check(_native.lib().crm_workspace_create(_native.to_c_string(url, "url")))


def drop_workspace(url: str) -> None:
    """Drops the workspace ``url`` names with everything it holds
    (NotFoundError if there is none)."""
    check(_native.lib().crm_workspace_drop(_native.to_c_string(url, "url")))
