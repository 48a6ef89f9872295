"""Host transactions: all calls of a block commit together or not at all."""

from __future__ import annotations

import unittest

import crm

from .support import WorkspaceTestCase, open_under_test


class TransactionTest(WorkspaceTestCase):
    def test_exception_rolls_back_everything(self) -> None:
        self.db.create_customer(name="Before")
        with self.assertRaisesRegex(RuntimeError, "boom"):
            with self.db.transaction():
                self.db.create_customer(name="A")
                self.db.insert_many([{"name": "B"}, {"name": "C"}])
                self.db.define_field("plan", "text")
                self.assertEqual(self.db.count_customers(), 4)
                raise RuntimeError("boom")
        self.assertEqual(self.db.count_customers(), 1)
        with self.assertRaises(crm.NotFoundError):
            self.db.describe_field("plan")
        # the handle is usable again: the transaction really ended
        with self.db.transaction():
            self.db.create_customer(name="After")
        self.assertEqual(self.db.count_customers(), 2)

    def test_commit_is_durable(self) -> None:
        with self.db.transaction():
            a = self.db.create_customer(name="A")
            self.db.update_customer(a, {"name": "A2"})
        self.db.close()
        with open_under_test(self.path) as again:
            self.assertEqual(again.get_customer(a).name, "A2")
            self.assertEqual(again.get_customer(a).version, 2)

    def test_failing_call_inside_keeps_earlier_changes(self) -> None:
        self.db.define_field("tier", "integer", max=3)
        with self.db.transaction():
            self.db.create_customer(name="A", tier=1)
            with self.assertRaises(crm.ValidationError):
                self.db.create_customer(name="B", tier=9)
        self.assertEqual(self.db.count_customers(), 1)

    def test_transactions_do_not_nest(self) -> None:
        with self.db.transaction():
            self.db.create_customer(name="A")
            with self.assertRaises(crm.MisuseError):
                with self.db.transaction():
                    pass
        self.assertEqual(self.db.count_customers(), 1)

    def test_close_inside_a_transaction_rolls_it_back(self) -> None:
        self.db.begin()
        self.db.create_customer(name="A")
        self.db.close()
        with open_under_test(self.path) as again:
            self.assertEqual(again.count_customers(), 0)


if __name__ == "__main__":
    unittest.main()
