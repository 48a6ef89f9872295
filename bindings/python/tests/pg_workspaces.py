"""PostgreSQL workspaces through the binding: creating, opening, dropping,
and the calls that wait for part 2 (issue #18). Runs only in the PostgreSQL
conformance run (CTest python_binding_postgres), which names it explicitly;
it fails, never skips, without the server."""

from __future__ import annotations

import os
import unittest
import uuid

import crm


class PostgresWorkspaceTest(unittest.TestCase):
    def setUp(self) -> None:
        server = os.environ.get("CRM_TEST_BACKEND_URL")
        self.assertTrue(server, "needs CRM_TEST_BACKEND_URL (the server CTest starts)")
        assert server is not None
        name = "pyw_" + uuid.uuid4().hex[:16]
        self.url = server + ("&" if "?" in server else "?") + "workspace=" + name

    def test_create_open_drop(self) -> None:
        with self.assertRaises(crm.NotFoundError):
            crm.open_url(self.url, create=False)
        crm.create_workspace(self.url)
        with self.assertRaises(crm.ConstraintError):
            crm.create_workspace(self.url)
        with crm.open_url(self.url, create=False) as db:
            ada = db.create_customer(name="Ada", email="ada@example.com")
        with crm.open_url(self.url, create=False) as db:
            self.assertEqual(db.get_customer(ada).email, "ada@example.com")
        crm.drop_workspace(self.url)
        with self.assertRaises(crm.NotFoundError):
            crm.drop_workspace(self.url)

    def test_search_waits_for_part_two_with_a_named_error(self) -> None:
        with crm.open_url(self.url) as db:
            db.create_customer(name="Ada")
            with self.assertRaises(crm.UnsupportedError) as caught:
                db.search("Ada")
            self.assertEqual(caught.exception.rule, "backend")
            self.assertEqual(db.count_customers(), 1)


if __name__ == "__main__":
    unittest.main()
