"""Native values written through records come back equal and of the same type."""

from __future__ import annotations

import datetime as dt
import pickle
import unittest
from decimal import Decimal

import crm
from crm.values import Kind, encode

from .support import WorkspaceTestCase, open_under_test

UTC = dt.timezone.utc


class EncodeTest(unittest.TestCase):
    """The Python type picks the libcrm kind."""

    def test_bool_is_boolean_not_integer(self) -> None:
        self.assertEqual(encode(True), (Kind.BOOLEAN, True))
        self.assertEqual(encode(False), (Kind.BOOLEAN, False))
        self.assertEqual(encode(1), (Kind.INTEGER, 1))

    def test_datetime_is_not_taken_for_a_date(self) -> None:
        moment = dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
        self.assertEqual(encode(moment), (Kind.DATETIME, 1704164645000006))
        self.assertEqual(encode(dt.date(2024, 1, 2)), (Kind.DATE, "2024-01-02"))

    def test_datetime_in_another_zone_is_converted_to_utc(self) -> None:
        plus_two = dt.timezone(dt.timedelta(hours=2))
        kind, us = encode(dt.datetime(1970, 1, 1, 2, 0, 0, 1, tzinfo=plus_two))
        self.assertEqual((kind, us), (Kind.DATETIME, 1))

    def test_decimal_text_is_exact_and_plain(self) -> None:
        self.assertEqual(encode(Decimal("-1234.50")), (Kind.DECIMAL, "-1234.50"))
        self.assertEqual(encode(Decimal("1E+2")), (Kind.DECIMAL, "100"))

    def test_refused_values(self) -> None:
        with self.assertRaisesRegex(ValueError, "naive datetime"):
            encode(dt.datetime(2024, 1, 1), "last_seen")
        with self.assertRaisesRegex(TypeError, "float"):
            encode(1.5)
        with self.assertRaises(ValueError):
            encode(Decimal("NaN"))
        with self.assertRaises(OverflowError):
            encode(2**63)
        with self.assertRaisesRegex(TypeError, "item 1"):
            encode(["a", 2])
        with self.assertRaises(TypeError):
            encode({"a": 1})


class RoundTripTest(WorkspaceTestCase):
    def test_every_value_type_round_trips(self) -> None:
        self.define_sample_fields()
        acme = self.db.create_customer(name="Acme", kind="company")
        seen = dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)
        values = {
            "name": "Zoë Ünïcode ✓",
            "email": "zoe@example.com",
            "tags": ["vip", "newsletter"],
            "plan": "premium",
            "contract_value": Decimal("12500.05"),
            "support_tier": 3,
            "active": False,
            "renewal": dt.date(2027, 1, 31),
            "last_seen": seen,
            "interests": ("golf", "chess"),
            "notes": "line one\nline two",
            "employer": acme,
        }
        cid = self.db.create_customer(values, actor="tests")
        customer = self.db.get_customer(cid)
        self.assertEqual(customer.id, cid)
        self.assertEqual(customer.version, 1)
        for field, value in values.items():
            expected = list(value) if isinstance(value, tuple) else value
            self.assertEqual(customer[field], expected, field)
            self.assertIs(type(customer[field]), type(expected), field)
        self.assertEqual(str(customer.contract_value), "12500.05")
        self.assertIs(customer.active, False)
        self.assertEqual(customer.last_seen.microsecond, 123456)
        self.assertEqual(customer.last_seen.utcoffset(), dt.timedelta(0))
        self.assertIsInstance(customer.created_at, dt.datetime)
        self.assertIsNotNone(customer.created_at.tzinfo)

    def test_decimal_keeps_its_scale(self) -> None:
        self.define_sample_fields()
        cid = self.db.create_customer(name="A", contract_value=Decimal("7.5"))
        value = self.db.get_customer(cid).contract_value
        self.assertEqual(value, Decimal("7.50"))
        self.assertEqual(value.as_tuple().exponent, -2)

    def test_extreme_integers_and_old_datetimes(self) -> None:
        self.db.define_field("big", "integer")
        self.db.define_field("moment", "datetime")
        old = dt.datetime(1901, 12, 13, 20, 45, 52, 999999, tzinfo=UTC)
        cid = self.db.create_customer(name="A", big=-(2**63), moment=old)
        customer = self.db.get_customer(cid)
        self.assertEqual(customer.big, -(2**63))
        self.assertEqual(customer.moment, old)

    def test_none_clears_a_field_on_update(self) -> None:
        self.define_sample_fields()
        cid = self.db.create_customer(name="A", support_tier=2, active=True)
        version = self.db.update_customer(cid, {"support_tier": None}, expected_version=1)
        self.assertEqual(version, 2)
        customer = self.db.get_customer(cid)
        self.assertNotIn("support_tier", customer)
        self.assertIs(customer.active, True)
        self.assertIsNone(customer.support_tier)

    def test_naive_datetime_is_rejected_before_anything_is_written(self) -> None:
        self.define_sample_fields()
        with self.assertRaisesRegex(ValueError, "last_seen.*naive"):
            self.db.create_customer(name="A", last_seen=dt.datetime(2024, 1, 1, 12, 0))
        with self.assertRaises(ValueError):
            self.db.insert_many([{"name": "B", "last_seen": dt.datetime(2024, 1, 1)}])
        self.assertEqual(self.db.count_customers(), 0)

    def test_bad_python_input_raises_clean_errors(self) -> None:
        with self.assertRaises(TypeError):
            self.db.create_customer(name=1.5)
        with self.assertRaises(ValueError):
            self.db.create_customer(name="nul\0inside")
        with self.assertRaises(ValueError):
            self.db.create_customer(name="\ud800")  # lone surrogate: not UTF-8
        with self.assertRaises(TypeError):
            self.db.get_customer("1")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.get_customer(True)
        with self.assertRaises(TypeError):
            self.db.update_customer(1, [("name", "x")])  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.get_customer_by_email(None)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.create_customer({1: "x"})  # type: ignore[dict-item]
        self.assertEqual(self.db.count_customers(), 0)


class SingleRecordCallsTest(WorkspaceTestCase):
    """create, update and upsert take the fields the same way: a mapping
    and/or keyword arguments; expected_version and actor only by keyword."""

    def test_fields_as_keywords_or_a_mapping(self) -> None:
        self.define_sample_fields()
        cid = self.db.create_customer({"name": "Ada"}, plan="premium", actor="t")
        version = self.db.update_customer(cid, support_tier=2, renewal=dt.date(2025, 1, 31),
                                          expected_version=1, actor="t")
        self.assertEqual(version, 2)
        self.db.update_customer(cid, {"name": "Ada L."}, active=True, plan=None)
        customer = self.db.get_customer(cid)
        self.assertEqual(
            (customer.name, customer.plan, customer.support_tier, customer.active,
             customer.renewal, customer.version),
            ("Ada L.", None, 2, True, dt.date(2025, 1, 31), 3),
        )
        again, created = self.db.upsert_customer(external_id="E-1", name="Bob", actor="erp")
        self.assertTrue(created)
        self.assertEqual(self.db.upsert_customer({"external_id": "E-1"}, name="Bo"),
                         (again, False))
        self.assertEqual(self.db.get_customer(again).name, "Bo")

    def test_expected_version_and_actor_are_keyword_only(self) -> None:
        cid = self.db.create_customer(name="Ada")
        with self.assertRaises(TypeError):
            self.db.update_customer(cid, {"name": "B"}, 1)  # type: ignore[misc]
        with self.assertRaises(TypeError):
            self.db.delete_customer(cid, 1)  # type: ignore[misc]
        with self.assertRaises(crm.ConflictError):
            self.db.update_customer(cid, name="B", expected_version=5)
        self.assertEqual(self.db.get_customer(cid).name, "Ada")


class CustomerObjectTest(WorkspaceTestCase):
    def test_customer_is_a_read_only_mapping_and_a_copy(self) -> None:
        cid = self.db.create_customer(name="Jane", email="jane@example.com")
        customer = self.db.get_customer(cid)
        self.assertEqual(customer.name, "Jane")
        self.assertEqual(customer["email"], "jane@example.com")
        self.assertEqual(dict(customer)["name"], "Jane")
        self.assertIn("kind", customer)  # standard default
        with self.assertRaises(TypeError):
            customer["name"] = "X"  # type: ignore[index]
        with self.assertRaises(AttributeError):
            customer.name = "X"  # type: ignore[misc]
        self.db.update_customer(cid, {"name": "Janet"})
        self.assertEqual(customer.name, "Jane")
        self.assertEqual(self.db.get_customer(cid).name, "Janet")
        self.db.close()
        self.assertEqual(customer.name, "Jane")  # usable after close
        self.assertIsInstance(customer, crm.Customer)

    def test_changing_a_customer_says_it_is_read_only_and_how_to_change_it(self) -> None:
        cid = self.db.create_customer(name="Jane")
        customer = self.db.get_customer(cid)
        # TypeError, as for any read-only mapping, saying what to do instead
        with self.assertRaisesRegex(TypeError, r"read-only.*update_customer"):
            customer["name"] = "X"  # type: ignore[index]
        with self.assertRaisesRegex(TypeError, r"read-only.*update_customer"):
            del customer["name"]  # type: ignore[attr-defined]
        with self.assertRaisesRegex(AttributeError, r"read-only.*update_customer"):
            customer.name = "X"  # type: ignore[misc]
        with self.assertRaisesRegex(AttributeError, r"read-only.*update_customer"):
            customer.update({"name": "X"})  # type: ignore[attr-defined]
        self.assertEqual(dict(customer), dict(self.db.get_customer(cid)))


class EmptyOrUnknownFieldTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.define_sample_fields()
        self.cid = self.db.create_customer(name="Jane", support_tier=2)

    def test_an_empty_field_reads_as_none(self) -> None:
        customer = self.db.get_customer(self.cid)
        self.assertIsNone(customer.contract_value)  # user field, never set
        self.assertIsNone(customer.phone)  # standard field
        self.assertEqual(customer.support_tier, 2)
        # as a mapping it holds only the values there are
        self.assertNotIn("contract_value", customer)
        self.assertIsNone(customer.get("contract_value"))
        with self.assertRaises(KeyError):
            customer["contract_value"]

    def test_an_unknown_name_raises_naming_it_and_the_nearest_field(self) -> None:
        customer = self.db.get_customer(self.cid)
        with self.assertRaises(AttributeError) as caught:
            customer.suport_tier
        message = str(caught.exception)
        self.assertIn("'suport_tier'", message)
        self.assertIn("did you mean 'support_tier'", message)
        with self.assertRaisesRegex(AttributeError, r"'contract_valeu'.*'contract_value'"):
            customer.contract_valeu
        with self.assertRaisesRegex(AttributeError, r"'emial'.*'email'"):
            customer.emial
        self.assertFalse(hasattr(customer, "zzz"))
        self.assertEqual(getattr(customer, "zzz", "absent"), "absent")
        self.assertTrue(hasattr(customer, "contract_value"))

    def test_archived_and_deleted_fields_are_unknown(self) -> None:
        self.db.archive_field("support_tier")
        with self.assertRaises(AttributeError):
            self.db.get_customer(self.cid).support_tier
        self.db.restore_field("support_tier")
        self.assertEqual(self.db.get_customer(self.cid).support_tier, 2)
        self.db.delete_field("notes")
        with self.assertRaises(AttributeError):
            self.db.get_customer(self.cid).notes

    def test_a_field_defined_elsewhere_after_the_read(self) -> None:
        customer = self.db.get_customer(self.cid)
        with open_under_test(self.path) as other:  # another handle, as another process
            other.define_field("late", "text")
        self.assertIsNone(customer.late)
        self.assertIsNone(self.db.get_customer(self.cid).late)

    def test_after_close_and_through_pickle(self) -> None:
        customer = self.db.get_customer(self.cid)
        then = self.db.get_customer_at(self.cid, dt.datetime.now(UTC))
        self.db.close()
        for copy in (customer, pickle.loads(pickle.dumps(customer)), then):
            self.assertIsNone(copy.contract_value)
            self.assertEqual(copy.support_tier, 2)
            with self.assertRaisesRegex(AttributeError, "did you mean 'support_tier'"):
                copy.suport_tier


if __name__ == "__main__":
    unittest.main()
