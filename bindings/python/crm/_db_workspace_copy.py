"""Moving a workspace between a file and a database server:
:func:`copy_workspace`, and :meth:`Database.checksum` to show a copy is
faithful (crm.h, crm_workspace_copy and crm_workspace_checksum)."""

from __future__ import annotations

from . import _native
from ._db_core import DatabaseCore
from .errors import check


class WorkspaceCopyMixin(DatabaseCore):
    """The content checksum of :class:`crm.Database`."""

    def checksum(self) -> str:
        """SHA-256 of the workspace's content in 64 lower-case hex digits:
        equal for two workspaces holding the same content whatever their
        backends (as after :func:`crm.copy_workspace`), different after any
        change to a field, a customer, an event, an event type or a
        segment."""
        return self._read_text(_native.lib().crm_workspace_checksum)


def copy_workspace(to: DatabaseCore, source: DatabaseCore) -> None:
    """Copies all the content of ``source`` into ``to``, which must be empty
    as opened (else ConflictError, rule "target"), keeping every customer
    id, version and time, every event's seq, the fields, event types and
    segments, and the id counters. Files and server workspaces in any
    direction; one snapshot of ``source``, one transaction on ``to``: on
    failure ``to`` stays empty."""
    if not isinstance(to, DatabaseCore) or not isinstance(source, DatabaseCore):
        raise TypeError("copy_workspace takes two crm.Database handles")
    with to._use() as to_handle, source._use() as source_handle:
        check(_native.lib().crm_workspace_copy(to_handle, source_handle))
