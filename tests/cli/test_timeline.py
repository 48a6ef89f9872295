"""crm timeline (a customer's events) and crm history (one field's values
along valid time)."""

import re
import unittest

from reading_support import ReadingTestCase, jsonl, masked_cursor, next_cursor

# The current interval's held runs up to the read: not compared.
CURRENT_HELD = re.compile(r",P[0-9DTHMS.]+\n\Z")


class TimelineTest(ReadingTestCase):
    def test_newest_first_with_properties_and_changes(self) -> None:
        self.seed()
        self.golden("timeline/ada", "timeline", "1")

    def test_options(self) -> None:
        self.seed()
        self.golden("timeline/oldest_first_json", "timeline", "2", "--oldest-first", "-f",
                    "json")
        self.golden("timeline/types", "timeline", "1", "--type", "call,email_sent", "-f",
                    "csv")
        self.golden("timeline/channel", "timeline", "1", "--channel", "phone", "--channel",
                    "crm", "-f", "jsonl")
        self.golden("timeline/range", "timeline", "1", "--from", "2024-02-01T09:30:00Z", "--to",
                    "2024-02-03T14:00:00Z", "-f", "jsonl")
        self.golden("timeline/empty_range", "timeline", "1", "--from", "2025-01-01")

    def test_paging_gives_every_event_once(self) -> None:
        self.seed()
        seen, cursor = [], None
        while True:
            args = ["timeline", "1", "--limit", "1", "-f", "jsonl"]
            if cursor:
                args += ["--cursor", cursor]
            result = self.crm(*args)
            self.assertEqual(result.code, 0, result.stderr)
            seen += [event["seq"] for event in jsonl(result.stdout)]
            cursor = next_cursor(result.stderr)
            if cursor is None:
                break
        every = [event["seq"] for event in jsonl(self.crm_ok("timeline", "1", "-f", "jsonl"))]
        self.assertEqual(len(every), 3)
        self.assertEqual(seen, every)
        args = ["timeline", "1", "--limit", "2", "--oldest-first"]
        self.assertGolden("timeline/first_page", args, masked_cursor(self.crm(*args)))
        all_pages = self.crm("timeline", "1", "--limit", "1", "--all", "-f", "jsonl")
        self.assertEqual(all_pages.stderr, "")
        self.assertEqual([event["seq"] for event in jsonl(all_pages.stdout)], every)

    def test_errors(self) -> None:
        self.seed()
        self.golden("timeline/unknown_id", "timeline", "99")
        for args in (["1", "--from", "last week"], ["1", "--limit", "0"], ["1", "--limit", "1001"],
                     []):
            result = self.crm("timeline", *args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")


class HistoryTest(ReadingTestCase):
    def test_values_along_valid_time(self) -> None:
        self.seed()
        args = ["history", "2", "plan", "--format", "csv"]
        result = self.crm(*args)
        self.assertRegex(result.stdout, r",P[0-9]+DT?[0-9HMS.]*\n$")
        self.assertGolden("timeline/history",
                          args, result._replace(stdout=CURRENT_HELD.sub(",<held>\n",
                                                                        result.stdout)))

    def test_window_of_valid_time(self) -> None:
        self.seed()
        self.golden("timeline/history_window", "history", "2", "plan", "--from", "2024-03-01",
                    "--to", "2025-01-01", "-f", "csv")
        self.golden("timeline/history_list", "history", "3", "interests", "--to",
                    "2024-01-04T06:00:00Z", "-f", "json")
        self.golden("timeline/history_outside", "history", "2", "plan", "--to", "2024-01-01")

    def test_known_at_a_recorded_time(self) -> None:
        known, ids = self.late_change()
        ada = str(ids["Ada Lovelace"])
        self.golden("timeline/history_today", "history", ada, "plan", "--to", "2025-01-01")
        self.golden("timeline/history_known", "history", ada, "plan", "--to", "2025-01-01",
                    "--known-at", known)

    def test_errors(self) -> None:
        self.seed()
        self.golden("timeline/history_unknown_field", "history", "2", "plann")
        self.golden("timeline/history_unknown_id", "history", "99", "plan")
        self.golden("timeline/history_known_before", "history", "2", "plan", "--known-at",
                    "2024-01-01")
        for args in (["2"], ["2", "plan", "--to", "soon"], ["2", "plan", "--from", "2025-01-01",
                                                           "--to", "2024-01-01"]):
            result = self.crm("history", *args)
            self.assertEqual(result.code, 2, f"{args}: {result.stderr}")


if __name__ == "__main__":
    unittest.main()
