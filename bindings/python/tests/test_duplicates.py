"""Duplicates: Database.duplicates (rules, settings, match_keys, candidates,
find and pages), and the duplicate check of writes, batches and imports
(skip_duplicate_check, WriteResult.candidates). Runs on both backends
(support.WorkspaceTestCase)."""

from __future__ import annotations

import json
import os

import crm

from .support import WorkspaceTestCase

SAME_PHONE = {
    "name": "same_phone_similar_name",
    "applies_to": "person",
    "compare": [{"key": "phone"}, {"key": "name", "min_similarity": 0.8}],
    "action": "warn",
}
SAME_EMAIL = {"name": "same_email", "compare": [{"key": "email"}], "action": "block"}
SAME_PHONE_BLOCKED = {"name": "same_phone", "compare": [{"key": "phone"}], "action": "block"}


class DuplicateRulesTest(WorkspaceTestCase):
    def test_round_trip(self) -> None:
        rules = self.db.duplicates.rules
        self.assertEqual(rules.list(), [])
        rules.define(SAME_PHONE)
        rules.define(json.dumps(SAME_EMAIL))
        self.assertEqual([r["name"] for r in rules.list()],
                         ["same_email", "same_phone_similar_name"])
        stored = rules.get("same_phone_similar_name")
        self.assertEqual(stored["applies_to"], "person")
        self.assertEqual(stored["action"], "warn")
        # Canonical: actions for every operation.
        self.assertEqual(set(stored["actions"]),
                         {"create", "update", "upsert", "batch", "import"})
        self.assertEqual(rules.get("same_email")["actions"]["import"], "block")
        rules.drop("same_email")
        self.assertEqual([r["name"] for r in rules.list()], ["same_phone_similar_name"])
        with self.assertRaises(crm.NotFoundError) as missing:
            rules.get("same_email")
        self.assertEqual(missing.exception.rule, "duplicate")
        with self.assertRaises(crm.NotFoundError):
            rules.drop("same_email")

    def test_bad_definitions(self) -> None:
        rules = self.db.duplicates.rules
        with self.assertRaises(crm.ValidationError) as caught:
            rules.define({"name": "x", "compare": [{"key": "shoe_size"}]})
        self.assertEqual(caught.exception.rule, "duplicate")
        with self.assertRaises(crm.ValidationError):
            # Only fields: no key finds the candidates.
            rules.define({"name": "x", "compare": [{"field": "city"}]})
        with self.assertRaises(crm.NotFoundError) as unknown:
            rules.define({"name": "x", "compare": [{"key": "phone"}, {"field": "nope"}]})
        self.assertEqual(unknown.exception.rule, "unknown_field")
        with self.assertRaises(TypeError):
            rules.define(5)  # type: ignore[arg-type]
        self.assertEqual(rules.list(), [])

    def test_at_most_twenty_rules(self) -> None:
        rules = self.db.duplicates.rules
        for i in range(20):
            rules.define({"name": f"r{i:02d}", "compare": [{"key": "email"}]})
        with self.assertRaises(crm.ValidationError) as caught:
            rules.define({"name": "r20", "compare": [{"key": "email"}]})
        self.assertEqual(caught.exception.rule, "max_items")
        rules.define({"name": "r00", "compare": [{"key": "phone"}]})  # a replacement
        self.assertEqual(len(rules.list()), 20)


class DuplicateSettingsTest(WorkspaceTestCase):
    def test_default_region_rebuilds_phone_keys(self) -> None:
        duplicates = self.db.duplicates
        self.assertEqual(duplicates.settings.get(), {"default_region": ""})
        ada = self.db.create_customer(name="Ada Lovelace", phone="900 00 000")
        self.assertNotIn(("phone", "+4790000000"), duplicates.match_keys(ada))
        duplicates.settings.set(default_region="NO")
        self.assertEqual(duplicates.settings.get(), {"default_region": "NO"})
        self.assertIn(("phone", "+4790000000"), duplicates.match_keys(ada))
        with self.assertRaises(crm.ValidationError) as caught:
            duplicates.settings.set(default_region="XX")
        self.assertEqual(caught.exception.rule, "duplicate")
        self.assertEqual(duplicates.settings.get(), {"default_region": "NO"})


class MatchKeysTest(WorkspaceTestCase):
    def test_keys_of_a_person(self) -> None:
        jane = self.db.create_customer(name="Doe, Jane", email="Jane.Doe+news@Gmail.com",
                                       phone="+47 900 00 000", company="Acme AS")
        keys = self.db.duplicates.match_keys(jane)
        self.assertIn(("email", "janedoe@gmail.com"), keys)
        self.assertIn(("email_local", "janedoe"), keys)
        self.assertIn(("phone", "+4790000000"), keys)
        self.assertIn(("name", "doe jane"), keys)
        self.assertIn(("name_token", "jane"), keys)
        self.assertIn(("company", "acme"), keys)
        kinds = ["email", "email_local", "phone", "name", "name_token", "company"]
        self.assertEqual(keys, sorted(keys, key=lambda k: (kinds.index(k[0]), k[1])))

    def test_keys_follow_writes(self) -> None:
        db = self.db
        ada = db.create_customer(name="Ada", email="ada@example.com")
        db.update_customer(ada, email="ada@lovelace.org")
        keys = db.duplicates.match_keys(ada)
        self.assertIn(("email", "ada@lovelace.org"), keys)
        self.assertNotIn(("email", "ada@example.com"), keys)
        db.delete_customer(ada)
        with self.assertRaises(crm.NotFoundError):
            db.duplicates.match_keys(ada)
        with self.assertRaises(TypeError):
            db.duplicates.match_keys("1")  # type: ignore[arg-type]


class CandidatesTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.db.duplicates.rules.define(SAME_PHONE)
        self.jane = self.db.create_customer(name="Jane Doe", phone="+4790000000")
        self.other = self.db.create_customer(name="Ola Nordmann", phone="+4790000000")

    def test_did_you_mean(self) -> None:
        found = self.db.duplicates.candidates({"name": "Jnae Doe", "phone": "+47 900 00 000"})
        self.assertEqual([c.id for c in found], [self.jane])
        best = found[0]
        self.assertEqual(best.rule, "same_phone_similar_name")
        self.assertGreater(best.score, 0.8)
        self.assertLess(best.score, 1.0)
        self.assertEqual({r.compare for r in best.reasons}, {"phone", "name"})
        self.assertEqual(self.db.count_customers(), 2)  # nothing written

    def test_a_customer_is_not_its_own_candidate(self) -> None:
        self.db.create_customer(name="Jane Doe", phone="+4790000000")
        found = self.db.duplicates.candidates(self.db.get_customer(self.jane))
        self.assertNotIn(self.jane, [c.id for c in found])
        self.assertEqual(len(found), 1)

    def test_a_blocked_create_raises_with_its_candidates(self) -> None:
        self.db.duplicates.rules.define({**SAME_PHONE, "action": "block"})
        with self.assertRaises(crm.DuplicateError) as raised:
            self.db.create_customer(name="Jnae Doe", phone="+47 900 00 000")
        error = raised.exception
        self.assertEqual(error.status_name, "CRM_E_DUPLICATE")
        self.assertEqual(error.rule, "duplicate")
        self.assertEqual(error.field, "same_phone_similar_name")
        self.assertEqual([c["id"] for c in error.candidates], [self.jane])
        self.assertEqual(self.db.count_customers(), 2)  # nothing written

    def test_none_and_bad_input(self) -> None:
        self.assertEqual(self.db.duplicates.candidates({"name": "Kari", "phone": "+4791111111"}),
                         [])
        with self.assertRaises(TypeError):
            self.db.duplicates.candidates(["Jane"])  # type: ignore[arg-type]


class SaveAnywayTest(WorkspaceTestCase):
    """The write options of crm.h "Duplicates": a blocked write saved with
    skip_duplicate_check=True, a warn rule's candidates in the WriteResult,
    and the same for batches and imports."""

    def setUp(self) -> None:
        super().setUp()
        self.db.duplicates.rules.define(SAME_PHONE_BLOCKED)
        self.jane = self.db.create_customer(name="Jane Doe", phone="+4790000000")

    def assert_blocked_by_jane(self, raised: "crm.DuplicateError") -> None:
        self.assertEqual(raised.field, "same_phone")
        self.assertEqual([c["id"] for c in raised.candidates], [self.jane])

    def test_create_update_and_upsert_save_anyway(self) -> None:
        db = self.db
        with self.assertRaises(crm.DuplicateError) as create:
            db.create_customer(name="Jnae Doe", phone="+47 900 00 000")
        self.assert_blocked_by_jane(create.exception)
        self.assertEqual(db.count_customers(), 1)  # nothing written
        twin = db.create_customer(name="Jnae Doe", phone="+47 900 00 000",
                                  skip_duplicate_check=True)
        self.assertEqual(db.get_customer(twin)["phone"], "+47 900 00 000")
        # The match keys are kept current all the same: the rule still sees it.
        self.assertIn(("phone", "+4790000000"), db.duplicates.match_keys(twin))

        ola = db.create_customer(name="Ola", phone="+4791111111")
        with self.assertRaises(crm.DuplicateError) as update:
            db.update_customer(ola, phone="+4790000000")
        self.assertEqual(update.exception.field, "same_phone")
        self.assertEqual(sorted(c["id"] for c in update.exception.candidates),
                         [self.jane, twin])
        result = db.update_customer(ola, phone="+4790000000", skip_duplicate_check=True,
                                    return_result=True)
        self.assertEqual((result.id, result.version, result.candidates), (ola, 2, []))

        with self.assertRaises(crm.DuplicateError):
            db.upsert_customer(external_id="K-1", name="Kari", phone="+4790000000")
        self.assertEqual(
            db.upsert_customer(external_id="K-1", name="Kari", phone="+4790000000",
                               skip_duplicate_check=True),
            (db.get_customer_by_external_id("K-1").id, True))
        self.assertEqual(db.count_customers(), 4)

    def test_a_warn_rule_returns_its_candidates(self) -> None:
        db = self.db
        db.duplicates.rules.define({**SAME_PHONE_BLOCKED, "action": "warn"})
        result = db.create_customer(name="Jnae Doe", phone="+47 900 00 000", return_result=True)
        self.assertTrue(result.created)
        self.assertEqual([c["id"] for c in result.candidates], [self.jane])
        best = result.candidates[0]
        self.assertEqual(best["rule"], "same_phone")
        self.assertEqual(best["score"], 1.0)
        self.assertEqual(best["reasons"], [{"compare": "phone", "score": 1.0}])
        # Upserts warn too; skipped, no rule looks at the write.
        warned = db.upsert_customer(external_id="K-1", name="Kari", phone="+4790000000",
                                    return_result=True)
        self.assertEqual(sorted(c["id"] for c in warned.candidates), [self.jane, result.id])
        skipped = db.upsert_customer(external_id="K-2", name="Per", phone="+4790000000",
                                     skip_duplicate_check=True, return_result=True)
        self.assertEqual(skipped.candidates, [])
        # A write no rule matches has none.
        alone = db.create_customer(name="Ola", phone="+4791111111", return_result=True)
        self.assertEqual(alone.candidates, [])

    def test_batches_save_anyway(self) -> None:
        rows = [{"name": "Jnae Doe", "phone": "+4790000000"}, {"name": "Ola"}]
        with self.assertRaises(crm.BatchError) as raised:
            self.db.insert_many(rows)
        self.assertEqual([(r.index, r.status_name) for r in raised.exception.rejected],
                         [(0, "CRM_E_DUPLICATE")])
        self.assertEqual(self.db.count_customers(), 1)
        self.assertEqual(len(self.db.insert_many(rows, skip_duplicate_check=True)), 2)
        upserted = self.db.upsert_many(
            [{"external_id": "K-1", "name": "Kari", "phone": "+4790000000"}],
            skip_duplicate_check=True)
        self.assertEqual([created for _, created in upserted], [True])
        self.assertEqual(self.db.count_customers(), 4)

    def test_an_import_saves_anyway(self) -> None:
        path = os.path.join(self._temp.name, "people.csv")
        with open(path, "w", encoding="utf-8") as file:
            file.write("external_id,name,phone\nK-1,Jnae Doe,+47 900 00 000\nK-2,Ola,+4791111111\n")
        report = self.db.import_file(path)
        self.assertEqual((report.created, report.rejected), (1, 1))
        self.assertEqual([(r.row, r.rule) for r in report.rejects], [(1, "duplicate")])
        with self.assertRaises(crm.NotFoundError):
            self.db.get_customer_by_external_id("K-1")
        report = self.db.import_file(path, skip_duplicate_check=True)
        self.assertEqual((report.created, report.unchanged, report.rejected), (1, 1, 0))
        self.assertEqual(self.db.get_customer_by_external_id("K-1")["name"], "Jnae Doe")

    def test_an_import_lists_warned_rows(self) -> None:
        self.db.duplicates.rules.define({**SAME_PHONE_BLOCKED, "action": "warn"})
        path = os.path.join(self._temp.name, "people.csv")
        with open(path, "w", encoding="utf-8") as file:
            file.write("external_id,name,phone\nK-2,Ola,+4791111111\nK-1,Jnae Doe,+47 900 00 000\n")
        report = self.db.import_file(path)
        self.assertEqual((report.created, report.rejected, report.warned), (2, 0, 1))
        [warning] = report.warnings
        self.assertIsInstance(warning, crm.ImportWarning)
        self.assertEqual((warning.row, warning.line), (2, 3))
        self.assertEqual([c["id"] for c in warning.candidates], [self.jane])
        self.assertEqual(warning.candidates[0]["rule"], "same_phone")

    def test_the_option_is_a_bool(self) -> None:
        with self.assertRaises(TypeError):
            self.db.create_customer(name="Ola", skip_duplicate_check=1)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.import_file("x.csv", skip_duplicate_check="yes")  # type: ignore[arg-type]
        self.assertEqual(self.db.count_customers(), 1)


class FindTest(WorkspaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        db = self.db
        db.duplicates.rules.define(SAME_PHONE)
        db.duplicates.rules.define({"name": "same_mailbox", "compare": [{"key": "email_local"}],
                                    "action": "allow"})
        # Two clusters: {a1, a2, a3} by phone and names; {b1, b2} by email.
        self.a1 = db.create_customer(name="Jane Doe", phone="+4790000001")
        self.b1 = db.create_customer(name="Per Hansen", email="per.hansen@example.com")
        self.a2 = db.create_customer(name="Jane Doe", phone="+4790000001")
        self.lone = db.create_customer(name="Kari Nordmann", phone="+4790000009")
        self.a3 = db.create_customer(name="Jnae Doe", phone="+4790000001")
        self.b2 = db.create_customer(name="P. Hansen", email="Per_Hansen@gmail.com")

    def test_one_call_covers_the_workspace(self) -> None:
        page = self.db.duplicates.find()
        self.assertTrue(page.done)
        self.assertEqual(page.customers, 6)
        pairs = [(p.a, p.b) for p in page.pairs]
        self.assertEqual(pairs, sorted(pairs, key=lambda ab: (ab[1], ab[0])))
        self.assertIn((self.a1, self.a2), pairs)
        self.assertIn((self.b1, self.b2), pairs)
        self.assertNotIn(self.lone, [i for ab in pairs for i in ab])
        clusters = [c.ids for c in page.clusters]
        self.assertEqual(clusters, [(self.a1, self.a2, self.a3), (self.b1, self.b2)])

    def test_rules_filter(self) -> None:
        page = self.db.duplicates.find(rules=["same_mailbox"])
        self.assertEqual([(p.a, p.b, p.rule) for p in page.pairs],
                         [(self.b1, self.b2, "same_mailbox")])
        with self.assertRaises(crm.NotFoundError) as caught:
            self.db.duplicates.find(rules="no_such_rule")
        self.assertEqual(caught.exception.rule, "duplicate")

    def test_pages_and_cursor(self) -> None:
        whole = self.db.duplicates.find()
        first = self.db.duplicates.find(page_customers=3)
        self.assertFalse(first.done)
        self.assertEqual(first.customers, 3)
        self.assertEqual(first.next_after_id, self.a2)
        # A page can be asked again: the same answer.
        self.assertEqual(self.db.duplicates.find(page_customers=3), first)
        pages = list(self.db.duplicates.pages(page_customers=2))
        self.assertTrue(pages[-1].done)
        self.assertEqual(sum(p.customers for p in pages), 6)
        self.assertEqual([pair for p in pages for pair in p.pairs], list(whole.pairs))
        # Resume from a cursor.
        rest = list(self.db.duplicates.pages(after_id=first.next_after_id, page_customers=10))
        self.assertEqual(list(first.pairs) + [pair for p in rest for pair in p.pairs],
                         list(whole.pairs))

    def test_progress_can_stop_the_scan(self) -> None:
        seen = []
        self.db.duplicates.find(progress=lambda items, _bytes, _total: seen.append(items))
        self.assertTrue(seen)
        self.assertEqual(seen[-1], 6)

        class Stop(Exception):
            pass

        def stop(_items: int, _bytes: int, _total: object) -> None:
            raise Stop()

        with self.assertRaises(crm.CancelledError) as caught:
            self.db.duplicates.find(progress=stop)
        self.assertIsInstance(caught.exception.__cause__, Stop)

    def test_bad_arguments(self) -> None:
        with self.assertRaises(ValueError):
            self.db.duplicates.find(page_customers=-1)
        with self.assertRaises(TypeError):
            self.db.duplicates.find(after_id="3")  # type: ignore[arg-type]

    def test_denied_on_a_restricted_handle(self) -> None:
        self.db.profiles.define({"name": "desk", "groups": {"standard": "read_only"}})
        with self.db.restrict("desk") as view:
            with self.assertRaises(crm.DeniedError):
                view.duplicates.find()
            with self.assertRaises(crm.DeniedError):
                view.duplicates.rules.define(SAME_EMAIL)
