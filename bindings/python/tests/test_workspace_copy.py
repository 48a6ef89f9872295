"""crm.copy_workspace and Database.checksum: a file copied into a new file,
and, when CRM_TEST_BACKEND_URL names a server, into a PostgreSQL workspace
and back into a file."""

from __future__ import annotations

import os
import tempfile
import unittest
import uuid
from decimal import Decimal

import crm

from .support import library_or_skip_message, on_postgres


def fill(db: crm.Database) -> int:
    """One of each kind of content; returns the id of a deleted customer."""
    db.define_field("revenue", "decimal", scale=2)
    db.define_field("vip", "boolean")
    db.define_field("labels", "tags")
    db.define_field("old", "text")
    ada = db.create_customer(name="Ada", email="ada@example.com", revenue=Decimal("12.50"),
                             vip=True, labels=["x", "y"], old="o")
    gone = db.create_customer(name="Gone")
    db.update_customer(ada, stage="customer")
    db.delete_customer(gone)
    db.delete_field("old")
    db.append_event(ada, "call", channel="phone", idempotency_key="k1", minutes=3)
    db.save_segment("vips", "vip = true")
    return gone


class WorkspaceCopyTest(unittest.TestCase):
    def setUp(self) -> None:
        library_or_skip_message()
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name: str) -> str:
        return os.path.join(self.dir.name, name)

    def check_copy(self, source: crm.Database, copy: crm.Database, gone: int) -> None:
        self.assertEqual(copy.checksum(), source.checksum())
        self.assertEqual(copy.count_customers(), source.count_customers())
        self.assertEqual(copy.get_customer(1).revenue, Decimal("12.50"))
        self.assertEqual(copy.follow(0)[-1].idempotency_key, "k1")
        self.assertEqual(copy.segment_count("vips"), 1)
        self.assertGreater(copy.create_customer(name="Next"), gone)

    def test_file_to_file(self) -> None:
        with crm.open(self.path("a.crm")) as source, crm.open(self.path("b.crm")) as target:
            empty = target.checksum()
            gone = fill(source)
            self.assertEqual(len(source.checksum()), 64)
            self.assertNotEqual(source.checksum(), empty)
            crm.copy_workspace(target, source)
            self.check_copy(source, target, gone)
            with self.assertRaises(crm.ConflictError) as refused:
                crm.copy_workspace(target, source)
            self.assertEqual(refused.exception.rule, "target")
            with self.assertRaises(crm.InvalidArgumentError):
                crm.copy_workspace(source, source)

    @unittest.skipUnless(on_postgres(), "CRM_TEST_BACKEND_URL is not set")
    def test_file_to_postgres_and_back(self) -> None:
        server = os.environ["CRM_TEST_BACKEND_URL"]
        url = server + ("&" if "?" in server else "?") + "workspace=pyc_" + uuid.uuid4().hex[:16]
        with crm.open(self.path("a.crm")) as source, crm.open_url(url) as middle, \
                crm.open(self.path("c.crm")) as last:
            gone = fill(source)
            crm.copy_workspace(middle, source)
            crm.copy_workspace(last, middle)
            self.assertEqual(middle.checksum(), source.checksum())
            self.check_copy(source, last, gone)
            self.assertGreater(middle.create_customer(name="Next"), gone)


if __name__ == "__main__":
    unittest.main()
