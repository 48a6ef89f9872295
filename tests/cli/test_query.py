"""crm query, count, explain and search: rows by filter, paging, groups,
points in time, and filter errors naming the byte and rule."""

import json
import os
import unittest

from cli_support import file_only, on_postgres
from reading_support import ReadingTestCase, jsonl, masked_cursor, next_cursor


class QueryTest(ReadingTestCase):
    def test_every_customer_with_every_field(self) -> None:
        self.seed()
        self.golden("query/all", "query")

    def test_select_order_and_limit_print_the_next_cursor(self) -> None:
        self.seed()
        args = ["query", "--select", "name,plan,revenue", "--order-by", "revenue:desc",
                "--limit", "2"]
        result = self.crm(*args)
        self.assertIsNotNone(next_cursor(result.stderr), result.stderr)
        self.assertGolden("query/select_order_limit", args, masked_cursor(result))

    def test_paging_with_limit_and_cursor_gives_every_row_once(self) -> None:
        ids = self.seed()
        seen, pages, cursor = [], 0, None
        while True:
            args = ["query", "--select", "name", "--order-by", "name", "--limit", "2",
                    "--format", "jsonl"]
            if cursor:
                args += ["--cursor", cursor]
            result = self.crm(*args)
            self.assertEqual(result.code, 0, result.stderr)
            seen += [row["id"] for row in jsonl(result.stdout)]
            pages += 1
            cursor = next_cursor(result.stderr)
            if cursor is None:
                self.assertEqual(result.stderr, "")
                break
        self.assertEqual(pages, 3)
        self.assertEqual(seen, [ids[name] for name in sorted(ids)])

    def test_all_pages_in_one_table(self) -> None:
        self.seed()
        result = self.golden("query/all_pages", "query", "--select", "name", "--order-by",
                             "name:desc", "--limit", "2", "--all")
        self.assertEqual(result.stderr, "")

    def test_bad_cursor_is_refused(self) -> None:
        self.seed()
        result = self.crm("query", "--cursor", "not-a-cursor")
        self.assertEqual(result.code, 12, result.stderr)
        self.assertIn("rule cursor", result.stderr)

    def test_formats(self) -> None:
        self.seed()
        for format in ("csv", "jsonl", "json"):
            self.golden(f"query/format_{format}", "query", "--select",
                        "name,revenue,renewal,vip,interests,created_at", "--order-by", "name",
                        "--format", format)

    def test_events_query(self) -> None:
        self.seed()
        self.golden("query/events", "query", "--events", "channel in ('phone', 'store')",
                    "--select", "customer_id,type,channel,occurred_at,properties.minutes",
                    "--order-by", "occurred_at")

    def test_parameters_typed_by_form_or_by_kind(self) -> None:
        self.seed()
        self.golden("query/param_decimal", "query", "revenue >= :min and renewal < :until",
                    "--param", "min=100", "--param", "until=2025-04-01", "--select",
                    "name,revenue,renewal")
        self.golden("query/param_text", "query", "external_id = ?", "--param", "1:text=ERP-4",
                    "--select", "name")
        self.golden("query/param_wrong_kind", "query", "revenue >= :min", "--param",
                    "min:text=100")
        self.golden("query/param_missing", "query", "revenue >= :min")
        for bad in ("min", "=5", "min:money=5", "min:integer=1.5", "min:boolean=yes"):
            result = self.crm("query", "revenue >= :min", "--param", bad)
            self.assertEqual(result.code, 2, f"--param {bad}: {result.stderr}")
            self.assertIn("--param", result.stderr)

    def test_group_by_and_aggregates(self) -> None:
        self.seed()
        self.golden("query/group_plan", "query", "--group-by", "plan", "--aggregate",
                    "count,sum:revenue,avg:revenue,max:renewal", "--order-by", "plan")
        self.golden("query/group_month", "query", "--group-by", "created_at:month",
                    "--format", "jsonl")
        self.golden("query/aggregate_only", "query", "vip = true", "--aggregate",
                    "count,min:revenue", "--format", "json")
        for args in (["--group-by", "plan:hour"], ["--aggregate", "median:revenue"],
                     ["--group-by", "plan", "--limit", "5"],
                     ["--group-by", "plan", "--select", "name"]):
            result = self.crm("query", *args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")
        result = self.crm("query", "--aggregate", "sum:name")
        self.assertEqual(result.code, 13, result.stderr)
        self.assertIn("field name", result.stderr)

    def test_as_of_a_valid_time(self) -> None:
        self.seed()
        # Bob moved from basic to premium on 2024-06-01.
        self.golden("query/as_of", "query", "plan = 'premium'", "--as-of", "2024-03-01",
                    "--select", "name,plan")
        self.assertEqual(self.crm_ok("count", "plan = 'premium'", "--format", "jsonl"),
                         '{"count":3}\n')
        # Before Dan and Eve existed.
        self.assertEqual(self.crm_ok("count", "--as-of", "2024-01-02T12:00:00Z", "-f", "csv"),
                         "count\n2\n")

    def test_known_at_a_recorded_time(self) -> None:
        known, ids = self.late_change()
        # Today's knowledge: Ada was on basic in March; before the
        # correction was recorded, on premium.
        self.golden("query/known_today", "query", "plan = 'premium'", "--as-of",
                    "2024-03-01", "--select", "name")
        self.golden("query/known_before", "query", "plan = 'premium'", "--as-of",
                    "2024-03-01", "--known-at", known, "--select", "name")
        self.assertEqual(self.crm_ok("count", "plan = 'basic'", "--as-of", "2024-03-01",
                                     "--known-at", known, "-f", "jsonl"), '{"count":2}\n')
        self.assertEqual(self.crm_ok("count", "plan = 'basic'", "--as-of", "2024-03-01",
                                     "-f", "jsonl"), '{"count":3}\n')

    def test_bad_time_is_a_usage_error(self) -> None:
        self.seed()
        for option in ("--as-of", "--known-at"):
            result = self.crm("query", option, "2024-13-01")
            self.assertEqual(result.code, 2, result.stderr)
            self.assertIn(f"{option}: '2024-13-01' is not a time", result.stderr)

    def test_events_have_no_past(self) -> None:
        self.seed()
        result = self.crm("count", "--events", "--as-of", "2024-03-01")
        self.assertEqual(result.code, 12, result.stderr)
        self.assertIn("rule target", result.stderr)

    def test_include_archived(self) -> None:
        self.seed()
        db = self.open_db(create=False)
        try:
            db.archive_field("vip")
        finally:
            db.close()
        hidden = self.crm("query", "vip = true", "--select", "name")
        self.assertEqual(hidden.code, 13, hidden.stderr)
        self.assertIn("field vip, rule archived", hidden.stderr)
        self.golden("query/include_archived", "query", "vip = true", "--select", "name,vip",
                    "--include-archived")

    def test_bad_filter_names_byte_and_rule(self) -> None:
        self.seed()
        self.golden("query/bad_syntax", "query", "plan = 'premium' and")
        self.golden("query/unknown_field", "count", "plann = 'premium'")
        self.golden("query/bad_option", "query", "plan = 'gold'")
        result = self.crm("query", "--order-by", "name:up")
        self.assertEqual(result.code, 2, result.stderr)
        for option in ("--select", "--order-by"):
            result = self.crm("query", option, "nosuch")
            self.assertEqual(result.code, 13, result.stderr)
            self.assertIn("field nosuch, rule unknown_field", result.stderr)
            self.assertEqual(result.stdout, "")

    def test_count(self) -> None:
        self.seed()
        self.golden("query/count", "count", "plan = 'premium'")
        self.golden("query/count_events", "count", "--events", "type = 'call'", "--format",
                    "json")

    def test_explain(self) -> None:
        self.seed()
        result = self.crm("explain", "plan = 'premium'", "--order-by", "name")
        self.assertEqual(result.code, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0].strip(), "plan")
        self.assertGreater(len(lines), 2)
        self.assertEqual(self.crm("explain").code, 2)
        self.assertEqual(self.crm("explain", "plan = ").code, 12)

    @file_only("the plan is SQLite's text; PostgreSQL's planner chooses by the "
               "statistics of tables all its workspaces share")
    def test_explain_shows_the_index_of_an_indexed_field(self) -> None:
        self.seed()
        plan = self.crm_ok("explain", "plan = 'premium'", "--format", "jsonl")
        self.assertIn("USING INDEX", plan)

    def test_search(self) -> None:
        ids = self.seed()
        self.golden("query/search_one", "search", "lovelace", "--format", "jsonl")
        self.golden("query/search_none", "search", "nobody")
        found = jsonl(self.crm_ok("search", "example*", "--limit", "10", "-f", "jsonl"))
        self.assertEqual(sorted(row["id"] for row in found),
                         sorted(ids[name] for name in ("Ada Lovelace", "Bob Builder",
                                                       "Chloé Dubois", "Eve Tan")))
        self.assertEqual(len(jsonl(self.crm_ok("search", "example*", "--limit", "2", "-f",
                                               "jsonl"))), 2)
        self.assertEqual(self.crm("search", "ada", "--limit", "0").code, 2)
        self.assertEqual(self.crm("search").code, 2)

    def test_reading_never_creates_a_workspace(self) -> None:
        result = self.crm("count")
        # No such workspace (11), a file's as a server's.
        self.assertEqual(result.code, 11, result.stderr)
        if not on_postgres():
            self.assertFalse(os.path.exists(self.workspace))


if __name__ == "__main__":
    unittest.main()
