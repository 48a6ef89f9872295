"""Shared fixtures: a fresh workspace file in a temporary directory."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
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


def pause() -> dt.datetime:
    """Sleeps 2 ms on each side of the instant returned, so that writes
    before and after it get distinct microsecond timestamps."""
    time.sleep(0.002)
    moment = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.002)
    return moment


def on_postgres() -> bool:
    """True when the conformance run asks for PostgreSQL workspaces
    (CRM_TEST_BACKEND_URL, the server CTest started)."""
    return bool(os.environ.get("CRM_TEST_BACKEND_URL"))


def open_under_test(path: str, *, create: bool = True, read_only: bool = False) -> crm.Database:
    """``crm.open(path)``, or on PostgreSQL the workspace standing for
    ``path``: the same path reopens the same workspace. Workspaces are left
    for the throwaway server to take with it."""
    if not on_postgres():
        return crm.open(path, create=create, read_only=read_only)
    server = os.environ["CRM_TEST_BACKEND_URL"]
    name = "py_" + hashlib.sha1(path.encode()).hexdigest()[:20]
    url = server + ("&" if "?" in server else "?") + "workspace=" + name
    return crm.open_url(url, create=create, read_only=read_only)


def file_only(why: str):
    """Marks a test that only a workspace file can run (paths, a file's
    bytes, SQLite's own settings or wording): skipped, saying ``why``, in
    the PostgreSQL run, which runs every other test."""
    return unittest.skipIf(on_postgres(), f"file-only: {why}")


class WorkspaceTestCase(unittest.TestCase):
    """Opens ``self.db`` on a new workspace file ``self.path`` for each test."""

    def setUp(self) -> None:
        library_or_skip_message()
        self._temp = tempfile.TemporaryDirectory(prefix="crm-python-test-")
        self.addCleanup(self._temp.cleanup)
        self.path = os.path.join(self._temp.name, "test.crm")
        self.db = open_under_test(self.path)
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
