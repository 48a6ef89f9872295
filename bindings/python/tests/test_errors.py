"""Failures raise the exception of their status, with libcrm's field and rule."""

from __future__ import annotations

import datetime as dt
import os
import unittest

import crm

from .support import WorkspaceTestCase, file_only, open_under_test


class RuleConstantsTest(unittest.TestCase):
    def test_crm_exposes_the_closed_set_of_rules(self) -> None:
        from crm import _declarations

        self.assertEqual(_declarations.CRM_RULE_MAX_LENGTH, "max_length")
        self.assertEqual(_declarations.CRM_RULE_OUT, "out")
        self.assertIn("options", crm.RULES)
        self.assertIn("unknown_field", crm.RULES)
        self.assertGreater(len(crm.RULES), 50)


class ErrorMappingTest(WorkspaceTestCase):
    def test_choice_outside_options_is_a_validation_error_naming_field_and_rule(self) -> None:
        self.db.define_field("plan", "choice", options=["basic", "premium"])
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.create_customer(name="A", plan="gold")
        error = caught.exception
        self.assertEqual(error.field, "plan")
        self.assertEqual(error.rule, "options")
        self.assertIn(error.rule, crm.RULES)
        self.assertEqual(error.code, 3)
        self.assertEqual(error.status_name, "CRM_E_VALIDATION")
        self.assertIn("gold", error.message)
        self.assertIsInstance(error, crm.CrmError)
        self.assertIsInstance(error, ValueError)
        self.assertEqual(self.db.count_customers(), 0)

    def test_range_rule(self) -> None:
        self.db.define_field("support_tier", "integer", min=1, max=3)
        cid = self.db.create_customer(name="A", support_tier=1)
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.update_customer(cid, {"support_tier": 7})
        self.assertEqual((caught.exception.field, caught.exception.rule), ("support_tier", "max"))
        self.assertEqual(self.db.get_customer(cid).support_tier, 1)

    def test_unknown_field(self) -> None:
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.create_customer(name="A", no_such_field="x")
        self.assertEqual(caught.exception.field, "no_such_field")
        self.assertEqual(caught.exception.rule, "unknown_field")

    def test_unique_email_is_a_constraint_error(self) -> None:
        self.db.create_customer(name="A", email="a@example.com")
        with self.assertRaises(crm.ConstraintError) as caught:
            self.db.create_customer(name="B", email="a@example.com")
        self.assertEqual(caught.exception.field, "email")
        self.assertEqual(caught.exception.rule, "unique")
        self.assertEqual(self.db.count_customers(), 1)

    def test_not_found(self) -> None:
        with self.assertRaises(crm.NotFoundError) as caught:
            self.db.get_customer(12345)
        self.assertEqual(caught.exception.status_name, "CRM_E_NOT_FOUND")
        self.assertIsInstance(caught.exception, LookupError)
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_by_email("nobody@example.com")
        with self.assertRaises(crm.NotFoundError):
            self.db.describe_field("no_such_field")

    def test_invalid_argument_from_the_library(self) -> None:
        with self.assertRaises(crm.InvalidArgumentError):
            self.db.get_customer(0)
        with self.assertRaises(crm.InvalidArgumentError):
            self.db.get_customer(-5)

    def test_optimistic_conflict(self) -> None:
        cid = self.db.create_customer(name="A")
        self.assertEqual(self.db.update_customer(cid, {"name": "B"}, expected_version=1), 2)
        with self.assertRaises(crm.ConflictError) as caught:
            self.db.update_customer(cid, {"name": "C"}, expected_version=1)
        self.assertEqual(caught.exception.code, 5)
        with self.assertRaises(crm.ConflictError):
            self.db.delete_customer(cid, expected_version=1)
        customer = self.db.get_customer(cid)
        self.assertEqual((customer.name, customer.version), ("B", 2))
        self.db.delete_customer(cid, expected_version=2)
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer(cid)

    def test_referenced_customer_is_not_deleted(self) -> None:
        self.db.define_field("employer", "reference")
        acme = self.db.create_customer(name="Acme", kind="company")
        self.db.create_customer(name="Jane", employer=acme)
        with self.assertRaises(crm.ConstraintError) as caught:
            self.db.delete_customer(acme)
        self.assertEqual(caught.exception.field, "employer")

    def test_misuse_commit_without_begin(self) -> None:
        with self.assertRaises(crm.MisuseError):
            self.db.commit()

    def test_error_read_on_the_failing_thread_is_not_stale(self) -> None:
        self.db.define_field("plan", "choice", options=["basic"])
        with self.assertRaises(crm.ValidationError) as first:
            self.db.create_customer(name="A", plan="x")
        with self.assertRaises(crm.NotFoundError) as second:
            self.db.get_customer(99)
        self.assertEqual(first.exception.field, "plan")
        self.assertEqual(second.exception.field, "")
        self.assertNotEqual(first.exception.message, second.exception.message)


class IntegerRangeTest(WorkspaceTestCase):
    """ctypes wraps an int that does not fit its C type around (2**64 + 1
    reaches an int64_t parameter as 1): the binding refuses it instead."""

    def setUp(self) -> None:
        super().setUp()
        self.first = self.db.create_customer(name="First")
        self.second = self.db.create_customer(name="Second")
        self.seq = self.db.append_event(self.first, "call").seq

    def assert_refused(self, call: object, parameter: str) -> crm.IntegerRangeError:
        with self.assertRaises(crm.IntegerRangeError) as caught:
            call()  # type: ignore[operator]
        error = caught.exception
        self.assertIsInstance(error, crm.InvalidArgumentError)
        self.assertIsInstance(error, OverflowError)
        self.assertEqual(error.rule, parameter)
        self.assertIn(parameter, str(error))
        return error

    def test_ids_beyond_int64_do_not_wrap_onto_other_customers(self) -> None:
        db = self.db
        wraps_to_first, wraps_to_second = 2**64 + self.first, 2**64 + self.second
        self.assert_refused(lambda: db.get_customer(wraps_to_first), "id")
        self.assert_refused(lambda: db.delete_customer(wraps_to_second), "id")
        self.assert_refused(lambda: db.update_customer(wraps_to_first, {"name": "X"}), "id")
        self.assert_refused(
            lambda: db.update_customer(self.first, {"name": "X"}, expected_version=2**64 + 1),
            "expected_version",
        )
        self.assert_refused(lambda: db.get_customer(-(2**63) - 1), "id")
        self.assert_refused(lambda: db.get_customer_at(wraps_to_first, dt.datetime.now(dt.timezone.utc)), "id")
        self.assert_refused(lambda: db.field_timeline(wraps_to_first, "name"), "customer_id")
        self.assertEqual(self.db.count_customers(), 2)
        self.assertEqual(self.db.get_customer(self.first).name, "First")
        self.assertEqual(self.db.get_customer(self.second).version, 1)

    def test_event_calls(self) -> None:
        db = self.db
        self.assert_refused(lambda: db.get_event(2**64 + self.seq), "seq")
        self.assert_refused(lambda: db.follow(2**64), "after_seq")
        self.assert_refused(lambda: db.timeline_page(2**64 + self.first), "customer_id")
        self.assert_refused(lambda: db.append_event(2**64 + self.first, "call"), "customer_id")
        self.assert_refused(lambda: db.cohort("call", "call", 2**32 + 7), "within_days")
        self.assert_refused(lambda: db.cohort("call", "call", -1), "within_days")
        error = self.assert_refused(
            lambda: db.append_events([{"customer_id": 2**64 + self.first, "type": "call"}]),
            "customer_id",
        )
        self.assertIn("event 0", str(error))
        self.assertEqual(len(db.follow()), 3)  # two creations and the call

    def test_values_and_option_structs(self) -> None:
        self.db.define_field("n", "integer")
        for write in (
            lambda: self.db.create_customer(name="Big", n=2**63),
            lambda: self.db.insert_many([{"name": "Big", "n": 2**64 + 1}]),
            lambda: self.db.append_event(self.first, "call", n=-(2**63) - 1),
        ):
            error = self.assert_refused(write, "value")
            self.assertEqual(error.field, "n")
        self.assertEqual(self.db.count_customers(), 2)
        from crm import _native

        options = _native.timeline_options()
        with self.assertRaises(crm.IntegerRangeError) as caught:
            options.page_size = 2**32 + 50
        self.assertEqual(caught.exception.rule, "page_size")
        self.assertEqual(options.page_size, 50)
        with self.assertRaises(crm.IntegerRangeError):
            _native.OpenOptions(busy_timeout_ms=2**32)


class ClosedAndOpenModesTest(WorkspaceTestCase):
    def test_closed_workspace_raises_misuse_not_a_crash(self) -> None:
        cid = self.db.create_customer(name="A")
        self.db.close()
        self.assertTrue(self.db.closed)
        for call in (
            lambda: self.db.get_customer(cid),
            lambda: self.db.create_customer(name="B"),
            lambda: self.db.count_customers(),
            lambda: self.db.insert_many([{"name": "C"}]),
            lambda: self.db.fields(),
            lambda: self.db.begin(),
            lambda: self.db.rollback(),
        ):
            with self.assertRaises(crm.MisuseError) as caught:
                call()
            self.assertEqual(caught.exception.status_name, "CRM_E_MISUSE")
        self.db.close()  # twice is fine
        with open_under_test(self.path) as again:
            self.assertEqual(again.count_customers(), 1)

    def test_read_only(self) -> None:
        self.db.create_customer(name="A")
        self.db.close()
        with open_under_test(self.path, create=False, read_only=True) as reader:
            self.assertEqual(reader.count_customers(), 1)
            with self.assertRaises(crm.ReadOnlyError):
                reader.create_customer(name="B")
            with self.assertRaises(crm.ReadOnlyError):
                reader.define_field("x", "text")

    def test_missing_workspace_without_create(self) -> None:
        missing = os.path.join(os.path.dirname(self.path), "missing.crm")
        for _ in range(2):  # refused, and the refusal created nothing
            with self.assertRaises(crm.CrmError) as caught:
                open_under_test(missing, create=False)
            self.assertNotEqual(caught.exception.code, 0)
        self.assertFalse(os.path.exists(missing))

    @file_only("a foreign file's bytes")
    def test_not_a_workspace(self) -> None:
        other = os.path.join(os.path.dirname(self.path), "notes.txt")
        with open(other, "wb") as handle:
            handle.write(b"this is not a libcrm workspace, just text\n" * 200)
        with self.assertRaises(crm.NotWorkspaceError):
            crm.open(other)

    @file_only("sync applies to files, and :memory: is a file's")
    def test_open_options_are_checked(self) -> None:
        with self.assertRaises(ValueError):
            crm.open(":memory:", sync="sometimes")
        with self.assertRaises(ValueError):
            crm.open(":memory:", busy_timeout_ms=-1)
        with crm.open(":memory:", sync="full", busy_timeout_ms=0) as memory:
            memory.create_customer(name="A")
            self.assertEqual(memory.count_customers(), 1)


if __name__ == "__main__":
    unittest.main()


class OpenUrlTest(unittest.TestCase):
    def test_what_is_not_a_workspace_url_is_refused_naming_rule_url(self) -> None:
        for url in ("customers.crm", "sqlite:///tmp/x.crm", "postgresql://localhost/crm"):
            with self.subTest(url=url), self.assertRaises(crm.InvalidArgumentError) as caught:
                crm.open_url(url)
            self.assertEqual(caught.exception.rule, "url")
        with self.assertRaises(crm.InvalidArgumentError):
            crm.create_workspace("customers.crm")
        with self.assertRaises(crm.InvalidArgumentError):
            crm.drop_workspace("customers.crm")

    def test_an_unreachable_server_names_the_connection_not_the_password(self) -> None:
        secret = "s3cr3t-Pa55"
        url = f"postgresql://crm:{secret}@/crm?host=/nonexistent-libcrm-socket&workspace=acme"
        with self.assertRaises(crm.CrmIOError) as caught:
            crm.open_url(url)
        self.assertEqual(caught.exception.rule, "connection")
        self.assertNotIn(secret, str(caught.exception))

    def test_unsupported_status_has_its_class(self) -> None:
        from crm import _declarations

        self.assertIs(crm.errors.error_class(_declarations.CRM_E_UNSUPPORTED), crm.UnsupportedError)
