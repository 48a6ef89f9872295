"""Database: the export of everything held on one person (crm.h,
crm_customer_export; the document's shape: docs/customer-export.md)."""

from __future__ import annotations

from typing import Any, Dict

from . import _native
from ._db_core import DatabaseCore, _check_id


class ExportMixin(DatabaseCore):
    """The person export of :class:`crm.Database`."""

    def export_customer(self, id: int) -> Dict[str, Any]:
        """Everything libcrm holds on customer ``id``, for a data subject's
        request of access or portability: the document of
        docs/customer-export.md (format ``"libcrm.customer_export"``,
        version 1) as parsed JSON, read in one snapshot.

        Keys: ``record`` (every field with a value, archived ones too, or
        None once deleted or erased), ``history`` and ``events`` (by seq),
        ``segments``, ``segments_failed`` and ``markers`` (``deleted``,
        ``erased``...). Values are JSON as libcrm's pages write them:
        decimals and dates are ``str``, datetimes ``int`` microseconds.
        NotFoundError when the workspace holds neither a record nor an event
        of ``id``; InvalidArgumentError for an id <= 0."""
        c_id = _check_id(id, "id")
        cdll = _native.lib()
        document: Dict[str, Any] = self._read_json(
            lambda out, handle: cdll.crm_customer_export(out, handle, c_id)
        )
        return document
