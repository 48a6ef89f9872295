"""Shared fixtures: a fresh workspace file in a temporary directory."""

from __future__ import annotations

import os
import tempfile
import unittest

import crm


def library_or_skip_message() -> str:
    """Loads libcrm once, failing loudly (not skipping) when it is missing."""
    try:
        return crm.library_path()
    except crm.LibraryLoadError as error:
        raise AssertionError(
            f"libcrm could not be loaded; set CRM_LIBRARY to the path of libcrm.so ({error})"
        ) from None


class WorkspaceTestCase(unittest.TestCase):
    """Opens ``self.db`` on a new workspace file ``self.path`` for each test."""

    def setUp(self) -> None:
        library_or_skip_message()
        self._temp = tempfile.TemporaryDirectory(prefix="crm-python-test-")
        self.addCleanup(self._temp.cleanup)
        self.path = os.path.join(self._temp.name, "test.crm")
        self.db = crm.open(self.path)
        self.addCleanup(self.db.close)

    def define_sample_fields(self) -> None:
        """Fields of every type the value tests use."""
        db = self.db
        db.define_field("plan", "choice", options=["basic", "premium"], default_value="basic")
        db.define_field("contract_value", "decimal", scale=2, min=0)
        db.define_field("support_tier", "integer", min=1, max=3)
        db.define_field("active", "boolean")
        db.define_field("renewal", "date")
        db.define_field("last_seen", "datetime")
        db.define_field("interests", "multi_choice", options=["golf", "tennis", "chess"])
        db.define_field("notes", "long_text")
        db.define_field("employer", "reference")
