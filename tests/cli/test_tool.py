"""The tool as a whole: help, version, usage errors and their exit codes,
and errors naming what went wrong."""

import unittest

from cli_support import CliTestCase


class ToolTest(CliTestCase):
    def test_help_lists_verbs_and_exit_codes(self) -> None:
        result = self.crm("help", workspace=False)
        self.assertEqual(result.code, 0, result.stderr)
        self.assertIn("Exit codes:", result.stdout)
        self.assertIn("help", result.stdout)
        self.assertEqual(self.crm("--help", workspace=False).stdout, result.stdout)

    def test_help_of_an_unknown_verb_is_a_usage_error(self) -> None:
        result = self.crm("help", "no-such-verb", workspace=False)
        self.assertEqual(result.code, 2)
        self.assertEqual(result.stderr, "crm: help: no verb 'no-such-verb'\n")

    def test_version_is_libcrms(self) -> None:
        result = self.crm("--version", workspace=False)
        self.assertEqual(result.code, 0)
        self.assertRegex(result.stdout, r"^crm \d+\.\d+\.\d+\n$")

    def test_no_verb_and_unknown_options_exit_2(self) -> None:
        self.assertEqual(self.crm(workspace=False).code, 2)
        result = self.crm("--no-such-option", "help", workspace=False)
        self.assertEqual(result.code, 2)
        self.assertTrue(result.stderr.startswith("crm: "), result.stderr)

    def test_unknown_format_is_refused(self) -> None:
        result = self.crm("--format", "xml", "help", workspace=False)
        self.assertEqual(result.code, 2)
        self.assertIn("xml", result.stderr)

    def test_init_creates_an_empty_workspace_and_reads_need_one(self) -> None:
        missing = self.crm("count")
        self.assertEqual(missing.code, 11, missing.stderr)
        self.assertIn("CRM_E_NOT_FOUND", missing.stderr)
        result = self.crm("--format", "json", "init")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertIn('"schema_version"', result.stdout)
        with self.open_db(create=False) as db:
            self.assertEqual(db.count_customers(), 0)
        self.assertEqual(self.crm_ok("--format", "csv", "count"), "count\n0\n")
        # Again: it opens the workspace it made and changes nothing.
        self.assertEqual(self.crm("init").code, 0)


if __name__ == "__main__":
    unittest.main()
