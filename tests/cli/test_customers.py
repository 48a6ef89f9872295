"""crm get: one customer by id, external id or email, now or at a valid
time by what libcrm knew at a known time."""

import json
import unittest

from reading_support import ReadingTestCase


class GetTest(ReadingTestCase):
    def test_by_id_as_field_value_table(self) -> None:
        self.seed()
        self.golden("customers/get_table", "get", "1")

    def test_formats(self) -> None:
        self.seed()
        self.golden("customers/get_json", "get", "3", "--format", "json")
        self.golden("customers/get_jsonl", "get", "4", "--format", "jsonl")
        self.golden("customers/get_csv", "get", "5", "--format", "csv")

    def test_by_external_id_and_email(self) -> None:
        ids = self.seed()
        self.golden("customers/get_external_id", "get", "--external-id", "ERP-2", "-f", "jsonl")
        found = json.loads(self.crm_ok("get", "--email", "EVE@example.com", "-f", "json"))
        self.assertEqual(found["id"], ids["Eve Tan"])
        self.assertEqual(found["email"], "eve@example.com")

    def test_at_a_valid_time(self) -> None:
        self.seed()
        # Bob was on basic until 2024-06-01, version 1.
        self.golden("customers/get_at", "get", "2", "--at", "2024-03-01", "-f", "jsonl")
        at = json.loads(self.crm_ok("get", "--external-id", "ERP-2", "--at",
                                    "2024-06-01T00:00:00Z", "-f", "json"))
        self.assertEqual((at["plan"], at["version"]), ("premium", 2))

    def test_known_at_a_recorded_time(self) -> None:
        known, ids = self.late_change()
        ada = str(ids["Ada Lovelace"])
        self.golden("customers/get_at_today", "get", ada, "--at", "2024-03-01", "-f", "jsonl")
        self.golden("customers/get_at_known", "get", ada, "--at", "2024-03-01", "--known-at",
                    known, "-f", "jsonl")
        # Now, by what was known before the correction: version 1.
        before = json.loads(self.crm_ok("get", ada, "--known-at", known, "-f", "json"))
        self.assertEqual((before["plan"], before["version"]), ("premium", 1))
        now = json.loads(self.crm_ok("get", ada, "-f", "json"))
        self.assertEqual((now["plan"], now["version"]), ("premium", 2))

    def test_not_found_exits_11(self) -> None:
        self.seed()
        self.golden("customers/unknown_id", "get", "99")
        self.golden("customers/before_created", "get", "2", "--at", "2023-12-31")
        self.golden("customers/unknown_email", "get", "--email", "nobody@example.com")
        self.assertEqual(self.crm("get", "--external-id", "ERP-99").code, 11)

    def test_usage_errors_exit_2(self) -> None:
        self.seed()
        self.golden("customers/no_key", "get")
        for args in (["1", "--email", "ada@example.com"], ["one"],
                     ["1", "--at", "March"], ["1", "--known-at", "2024-02-30"]):
            result = self.crm("get", *args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
            self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
