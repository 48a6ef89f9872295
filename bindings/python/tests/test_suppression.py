"""Suppression: Database.suppress / is_suppressed / unsuppress /
count_suppressed, and customer writes refused with rule "suppressed"."""

from __future__ import annotations

import crm

from .support import WorkspaceTestCase


class SuppressionTest(WorkspaceTestCase):
    def test_suppress_check_unsuppress(self) -> None:
        db = self.db
        self.assertEqual(db.count_suppressed(), 0)
        db.suppress(email=" Ada@Example.com ", phone="+47 (22) 33-44-55")
        self.assertTrue(db.is_suppressed(email="ada@example.com"))
        self.assertTrue(db.is_suppressed(phone="+4722334455"))
        self.assertFalse(db.is_suppressed(email="bob@example.com"))
        self.assertEqual(db.count_suppressed(), 2)
        db.unsuppress(email="ADA@example.com")
        self.assertFalse(db.is_suppressed(email="ada@example.com"))
        self.assertEqual(db.count_suppressed(), 1)
        with self.assertRaises(crm.NotFoundError):
            db.unsuppress(email="ada@example.com")

    def test_arguments(self) -> None:
        with self.assertRaises(ValueError):
            self.db.suppress()
        with self.assertRaises(TypeError):
            self.db.suppress(email=5)  # type: ignore[arg-type]
        with self.assertRaises(crm.InvalidArgumentError) as caught:
            self.db.suppress(phone="no digits")
        self.assertEqual(caught.exception.rule, "phone")

    def test_writes_of_a_suppressed_person_are_refused(self) -> None:
        db = self.db
        db.suppress(email="ada@example.com")
        with self.assertRaises(crm.ConstraintError) as caught:
            db.create_customer(name="Ada", email="Ada@example.com")
        self.assertEqual(caught.exception.field, "email")
        self.assertEqual(caught.exception.rule, "suppressed")
        other = db.create_customer(name="Bob", email="bob@example.com")
        with self.assertRaises(crm.ConstraintError):
            db.update_customer(other, email="ada@example.com")
        with self.assertRaises(crm.BatchError) as batch:
            db.insert_many([{"name": "C", "email": "c@example.com"},
                            {"name": "A", "email": "ADA@EXAMPLE.COM"}])
        self.assertIsInstance(batch.exception, crm.ConstraintError)
        [row] = batch.exception.rejected
        self.assertEqual((row.index, row.field, row.rule), (1, "email", "suppressed"))
        self.assertEqual(db.count_customers(), 1)
