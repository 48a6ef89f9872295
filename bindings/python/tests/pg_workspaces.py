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

    def test_search_folds_accents_and_matches_prefixes(self) -> None:
        with crm.open_url(self.url) as db:
            zoe = db.create_customer(name="Zoë Ødegaard", phone="+47 900 11 222")
            db.create_customer(name="Ada Lovelace")
            self.assertEqual([row.id for row in db.search("zoe")], [zoe])
            self.assertEqual([row.id for row in db.search("Øde*")], [zoe])
            self.assertEqual([row.id for row in db.search("4790011222")], [zoe])
            self.assertEqual(db.search("nobody"), [])

if __name__ == "__main__":
    unittest.main()
