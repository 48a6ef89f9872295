"""Access profiles and restricted handles: Database.profiles (define, get,
list, drop), Database.restrict, Database.profile and DeniedError. Runs on
both backends (support.WorkspaceTestCase)."""

from __future__ import annotations

import gc
import json
import unittest
from decimal import Decimal

import crm

from .support import WorkspaceTestCase, open_under_test

FRONT_DESK = {
    "name": "front_desk",
    "groups": {"contact": "read_write", "standard": "read_only"},
    "fields": {"balance": "hidden"},
}


class ProfilesTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.db
        db.update_field("city", group="contact")  # a standard field
        db.define_field("balance", "decimal", scale=2, group="finance")
        self.ada = db.create_customer(name="Ada", email="ada@example.com", city="Oslo",
                                      balance=Decimal("12.50"))

    def test_round_trip(self) -> None:
        profiles = self.db.profiles
        self.assertEqual(profiles.list(), [])
        profiles.define(FRONT_DESK)
        profiles.define(json.dumps({"name": "auditor", "groups": {"standard": "read_only"}}))
        self.assertEqual(profiles.list(), ["auditor", "front_desk"])
        stored = profiles.get("front_desk")
        self.assertEqual(stored["name"], "front_desk")
        self.assertEqual(stored["fields"], {"balance": "hidden"})
        self.assertEqual(stored["groups"]["contact"], "read_write")
        profiles.drop("auditor")
        self.assertEqual(profiles.list(), ["front_desk"])
        with self.assertRaises(crm.NotFoundError) as missing:
            profiles.get("auditor")
        self.assertEqual(missing.exception.rule, "profile")
        with self.assertRaises(crm.NotFoundError):
            profiles.drop("auditor")

    def test_bad_definition(self) -> None:
        with self.assertRaises(crm.ValidationError) as caught:
            self.db.profiles.define({"name": "x", "colour": "blue"})
        self.assertEqual(caught.exception.rule, "profile")
        with self.assertRaises(TypeError):
            self.db.profiles.define(5)  # type: ignore[arg-type]

    def test_restrict_hides_a_field(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        self.assertEqual(self.db.profile, "")
        with self.db.restrict("front_desk", actor="desk-1") as view:
            self.assertIsInstance(view, crm.Database)
            self.assertEqual(view.profile, "front_desk")
            seen = view.get_customer(self.ada)
            self.assertEqual(seen.city, "Oslo")
            self.assertEqual(seen.name, "Ada")
            self.assertNotIn("balance", seen)
            self.assertNotIn("balance", seen.to_dict())
            # The admin handle still reads everything.
            self.assertIn("balance", self.db.get_customer(self.ada))
        with self.assertRaises(crm.NotFoundError) as unknown:
            self.db.restrict("nobody")
        self.assertEqual(unknown.exception.rule, "profile")

    def test_write_refused(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        with self.db.restrict("front_desk") as view:
            view.update_customer(self.ada, city="Bergen")
            with self.assertRaises(crm.DeniedError) as caught:
                view.update_customer(self.ada, name="Ada L.")  # group "standard": read_only
            self.assertEqual(caught.exception.rule, "not_writable")
            self.assertEqual(caught.exception.field, "name")
            self.assertEqual(caught.exception.code, crm.errors.CRM_E_DENIED)
            self.assertEqual(caught.exception.status_name, "CRM_E_DENIED")
            self.assertIsInstance(caught.exception, crm.CrmError)
        self.assertEqual(self.db.get_customer(self.ada).name, "Ada")
        self.assertEqual(self.db.get_customer(self.ada).city, "Bergen")

    def test_a_view_cannot_manage_profiles_or_restrict(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        with self.db.restrict("front_desk") as view:
            for call in (lambda: view.profiles.list(),
                         lambda: view.profiles.define({"name": "y"}),
                         lambda: view.restrict("front_desk")):
                with self.assertRaises(crm.DeniedError) as caught:
                    call()
                self.assertEqual(caught.exception.rule, "operation")

    def test_filter_on_hidden_field_is_denied(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        with self.db.restrict("front_desk") as view:
            self.assertEqual(view.count("city = 'Oslo'"), 1)
            with self.assertRaises(crm.DeniedError) as caught:
                view.count("balance > 1")
            self.assertIsInstance(caught.exception, crm.QueryError)
            self.assertEqual(caught.exception.rule, "hidden")
            self.assertEqual(caught.exception.field, "balance")

    def test_view_outlives_close_of_the_admin_handle(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        view = self.db.restrict("front_desk")
        self.addCleanup(view.close)
        self.db.close()
        gc.collect()
        self.assertEqual(view.get_customer(self.ada).city, "Oslo")
        view.update_customer(self.ada, city="Trondheim")
        view.close()
        view.close()  # twice is allowed
        with self.assertRaises(crm.MisuseError):
            view.get_customer(self.ada)
        with open_under_test(self.path) as db:
            self.assertEqual(db.get_customer(self.ada).city, "Trondheim")

    def test_closing_the_view_leaves_the_admin_handle_open(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        with self.db.restrict("front_desk") as view:
            view.get_customer(self.ada)
        self.assertFalse(self.db.closed)
        self.assertEqual(self.db.get_customer(self.ada).city, "Oslo")

    def test_dropped_profile_denies_the_view(self) -> None:
        self.db.profiles.define(FRONT_DESK)
        with self.db.restrict("front_desk") as view:
            self.db.profiles.drop("front_desk")
            with self.assertRaises(crm.DeniedError) as caught:
                view.get_customer(self.ada)
            self.assertEqual(caught.exception.rule, "profile")


class DeniedErrorTest(unittest.TestCase):
    def test_status_maps_to_denied_error(self) -> None:
        code = crm.errors.CRM_E_DENIED
        self.assertIs(crm.errors.error_class(code), crm.DeniedError)
        self.assertTrue(issubclass(crm.errors.query_error_class(code), crm.DeniedError))
        self.assertTrue(issubclass(crm.errors.query_error_class(code), crm.QueryError))
        self.assertTrue(issubclass(crm.errors.batch_error_class(code), crm.DeniedError))
        error = crm.DeniedError("no", field="balance", rule="hidden")
        self.assertEqual(str(error), "CRM_E_DENIED: no (field 'balance', rule 'hidden')")
