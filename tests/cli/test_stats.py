"""crm stats: counts, the file's size, the schema version and fill rates."""

import json
import os
import re
import unittest

from cli_support import CliTestCase, file_only, on_postgres


class StatsTest(CliTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ids = self.seed()

    def normalise(self, text: str) -> str:
        # The schema version is the file's, or the PostgreSQL layout's, which
        # that backend numbers on its own.
        text = re.sub(r"(schema_version\"?[:, ]+)\d+", r"\1<version>", text)
        return super().normalise(text)

    def test_table(self) -> None:
        self.golden("stats/table", "stats", "--no-size")

    def test_json_is_one_document(self) -> None:
        result = self.golden("stats/json", "stats", "--no-size", "--format", "json")
        document = json.loads(result.stdout)
        db = self.open_db(create=False)
        try:
            self.assertEqual(document["customers"], db.count_customers())
            self.assertEqual(document["event_high_water"], db.event_high_water())
            rates = {r["field"]: (r["filled"], r["total"]) for r in db.fill_rates()}
        finally:
            db.close()
        self.assertEqual({r["field"]: (r["filled"], r["total"])
                          for r in document["fill_rates"]}, rates)
        self.assertNotIn("size_bytes", document)

    def test_csv_and_jsonl(self) -> None:
        self.golden("stats/csv", "stats", "--no-size", "--format", "csv")
        out = self.crm_ok("stats", "--no-size", "--format", "jsonl")
        self.assertEqual(len(out.splitlines()), 1)
        self.assertEqual(json.loads(out)["customers"], 5)

    @file_only("a PostgreSQL workspace has no file to measure")
    def test_size_is_the_files(self) -> None:
        document = json.loads(self.crm_ok("stats", "--format", "json"))
        self.assertEqual(document["size_bytes"], os.path.getsize(self.workspace))

    @unittest.skipUnless(on_postgres(), "PostgreSQL only: a file has a size")
    def test_size_on_postgres_is_not_available(self) -> None:
        document = json.loads(self.crm_ok("stats", "--format", "json"))
        self.assertEqual(document["size_bytes"], "n/a")

    def test_profile_sees_its_own_fill_rates(self) -> None:
        self.crm_ok("profiles", "define", "desk", "--json",
                    '{"groups": {"standard": "read_only"}}')
        document = json.loads(self.crm_ok("--profile", "desk", "stats", "--format", "json"))
        fields = [r["field"] for r in document["fill_rates"]]
        self.assertIn("email", fields)
        self.assertNotIn("revenue", fields)

    def test_errors(self) -> None:
        result = self.crm("stats", workspace=False)
        self.assertEqual(result.code, 2)
        self.assertIn("no workspace", result.stderr)
        self.assertEqual(self.crm("stats", "--size").code, 2)


if __name__ == "__main__":
    unittest.main()
