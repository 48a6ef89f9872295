"""Data in and out through the binding: Database.import_file, export, dump,
load, backup, restore and verify (crm.h, "Data in and out"), each on real
files; progress reported and cancelled; errors mapped to their classes with
field and rule. tests/capi/ has the full matrix of each call."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import pathlib
import tempfile
import unittest
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple, get_args

import crm

from .support import WorkspaceTestCase, file_only, library_or_skip_message, open_under_test
from .test_readme import python_samples

UTC = dt.timezone.utc

# A spreadsheet as a Norwegian office program saves it: ";" between cells,
# decimal commas, its own words for yes and no, a column nobody wants.
SPREADSHEET = (
    "Kundenr;Navn;E-post;Saldo;Aktiv;Notat\r\n"
    "K-1;Ada Berg;ada@example.com;1 234,50;ja;x\r\n"
    "K-2;Bo Li;bo@example.com;-3,25;nei;y\r\n"
    "K-3;Cy Ng;not-an-email;0;ja;z\r\n"
)
MAPPING = {
    "columns": {
        "Kundenr": "external_id",
        "Navn": "name",
        "E-post": "email",
        "Saldo": {"field": "balance", "decimal": ","},
        "Aktiv": {"field": "active", "true": ["ja"], "false": ["nei"]},
        "Notat": None,
    },
    "key": "external_id",
}


class Recorder:
    """A progress callable that keeps every report, and raises ``stop`` at
    report ``stop_at`` (1 for the first)."""

    def __init__(self, stop_at: int = 0, stop: Optional[BaseException] = None) -> None:
        self.calls: List[Tuple[int, int, Optional[int]]] = []
        self.stop_at = stop_at
        self.stop = stop

    def __call__(self, items: int, done: int, total: Optional[int]) -> None:
        self.calls.append((items, done, total))
        if self.stop is not None and len(self.calls) >= self.stop_at:
            raise self.stop


class DataTestCase(WorkspaceTestCase):
    def file(self, name: str, text: Optional[str] = None) -> str:
        path = os.path.join(self._temp.name, name)
        if text is not None:
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(text)
        return path

    def left_beside(self) -> List[str]:
        """The files in the test's folder besides the workspace's own."""
        return sorted(name for name in os.listdir(self._temp.name) if not name.startswith("test.crm"))

    def other_workspace(self, name: str) -> crm.Database:
        db = open_under_test(os.path.join(self._temp.name, name))
        self.addCleanup(db.close)
        return db

    def define_fields(self, db: Optional[crm.Database] = None) -> None:
        db = db or self.db
        db.define_field("balance", "decimal", scale=2)
        db.define_field("active", "boolean")


class ImportTest(DataTestCase):
    def test_spreadsheet_through_a_mapping(self) -> None:
        self.define_fields()
        rejects = self.file("rejects.csv")
        report = self.db.import_file(
            self.file("kunder.csv", SPREADSHEET), mapping=MAPPING, reject_path=rejects
        )
        self.assertIsInstance(report, crm.ImportReport)
        self.assertEqual(
            (report.rows, report.created, report.updated, report.unchanged, report.rejected),
            (3, 2, 0, 0, 1),
        )
        self.assertFalse(report.dry_run)
        self.assertEqual(report.bytes, len(SPREADSHEET.encode()))
        (reject,) = report.rejects
        self.assertEqual((reject.row, reject.line), (3, 4))
        self.assertEqual((reject.column, reject.field, reject.rule), ("E-post", "email", "format"))
        ada = self.db.get_customer_by_external_id("K-1")
        self.assertEqual((ada.name, ada.email), ("Ada Berg", "ada@example.com"))
        self.assertEqual(ada.balance, Decimal("1234.50"))
        self.assertIs(ada.active, True)
        self.assertIs(self.db.get_customer_by_external_id("K-2").active, False)
        self.assertEqual(self.db.count_customers(), 2)
        with open(rejects, encoding="utf-8", newline="") as listed:
            rows = list(csv.reader(listed))
        self.assertEqual(len(rows), 2)  # a header row and the rejected row
        self.assertIn("E-post", rows[1])

    def test_mapping_as_json_text_and_rerun_changes_nothing(self) -> None:
        self.define_fields()
        path = self.file("kunder.csv", SPREADSHEET)
        self.db.import_file(path, mapping=json.dumps(MAPPING))
        checksum = self.db.checksum()
        again = self.db.import_file(path, mapping=MAPPING)
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 2))
        self.assertEqual(self.db.checksum(), checksum)

    def test_dry_run_reports_and_keeps_nothing(self) -> None:
        self.define_fields()
        empty = self.db.checksum()
        report = self.db.import_file(
            self.file("kunder.csv", SPREADSHEET), mapping=MAPPING, dry_run=True
        )
        self.assertTrue(report.dry_run)
        self.assertEqual((report.created, report.rejected), (2, 1))
        self.assertEqual(self.db.count_customers(), 0)
        self.assertEqual(self.db.checksum(), empty)

    def test_progress_reports_rows_and_the_file_size(self) -> None:
        lines = ["external_id,name"] + [f"e{i},Person {i}" for i in range(25)]
        text = "\n".join(lines) + "\n"
        progress = Recorder()
        self.db.import_file(self.file("people.csv", text), batch_rows=10, progress=progress)
        self.assertTrue(progress.calls)
        items, done, total = progress.calls[-1]
        self.assertEqual((items, done, total), (25, len(text), len(text)))
        self.assertEqual(progress.calls, sorted(progress.calls))

    def test_exception_in_progress_cancels_and_a_rerun_completes(self) -> None:
        path = self.file("people.csv", "external_id,name\na,Ann\nb,Ben\n")
        stop = KeyError("the user closed the window")
        with self.assertRaises(crm.CancelledError) as cancelled:
            self.db.import_file(path, batch_rows=0, progress=Recorder(1, stop))
        self.assertIs(cancelled.exception.__cause__, stop)
        self.assertEqual(cancelled.exception.code, crm.CancelledError.default_code)
        self.assertEqual(self.db.count_customers(), 0)  # one transaction: nothing kept
        report = self.db.import_file(path)
        self.assertEqual((report.created, report.rejected), (2, 0))

    def test_a_progress_callback_must_not_call_libcrm(self) -> None:
        path = self.file("people.csv", "external_id,name\na,Ann\n")
        with self.assertRaises(crm.CancelledError) as cancelled:
            self.db.import_file(
                path, batch_rows=0, progress=lambda *_: self.db.count_customers()
            )
        self.assertIsInstance(cancelled.exception.__cause__, crm.MisuseError)
        self.assertEqual(self.db.count_customers(), 0)  # and the handle still works

    def test_events_by_external_id_once_only(self) -> None:
        self.db.create_customer(name="Ada", external_id="K-1")
        text = (
            '{"Kunde": "K-1", "occurred_at": "2025-03-01T10:00:00Z", "minutes": 3}\n'
            "\n"
            '{"Kunde": "K-9", "occurred_at": "2025-03-02T10:00:00Z", "minutes": 4}\n'
        )
        path = self.file("calls.jsonl", text)
        mapping = {"customer": {"column": "Kunde", "by": "external_id"}, "type": "call",
                   "channel": "phone"}
        report = self.db.import_file(path, target="events", mapping=mapping)
        self.assertEqual((report.rows, report.created, report.rejected), (2, 1, 1))
        self.assertEqual((report.rejects[0].column, report.rejects[0].rule), ("Kunde", "reference"))
        again = self.db.import_file(path, target="events", mapping=mapping)
        self.assertEqual((again.created, again.unchanged), (0, 1))
        (call,) = [e for e in self.db.follow(0) if e.type == "call"]
        self.assertEqual((call.channel, call.occurred_at), ("phone", dt.datetime(2025, 3, 1, 10, tzinfo=UTC)))

    def test_errors_name_the_rule(self) -> None:
        with self.assertRaises(crm.NotFoundError) as missing:
            self.db.import_file(self.file("absent.csv"))
        self.assertEqual(missing.exception.rule, "path")
        unknown = self.file("unknown.csv", "name,Shoe size\nAda,38\n")
        with self.assertRaises(crm.NotFoundError) as unmapped:
            self.db.import_file(unknown)
        self.assertEqual(unmapped.exception.rule, "unknown_field")
        self.assertIn("Shoe size", str(unmapped.exception))
        # No key column (external_id, email): every row creates, with key null.
        report = self.db.import_file(unknown, mapping={"unmapped": "ignore", "key": None})
        self.assertEqual(report.created, 1)
        with self.assertRaises(crm.InvalidArgumentError) as bad_mapping:
            self.db.import_file(unknown, mapping={"unmapped": "sometimes"})
        self.assertEqual(bad_mapping.exception.rule, "mapping_json")
        twice = self.file("twice.csv", "name,name\nAda,Ada\n")
        with self.assertRaises(crm.InvalidArgumentError) as header:
            self.db.import_file(twice)
        self.assertEqual(header.exception.rule, "file")
        with self.assertRaises(crm.InvalidArgumentError) as rows:
            self.db.import_file(unknown, batch_rows=-1)
        self.assertEqual(rows.exception.rule, "batch_rows")

    def test_the_binding_refuses_what_is_not_an_argument(self) -> None:
        path = self.file("x.csv", "name\nAda\n")
        with self.assertRaises(ValueError):
            self.db.import_file(path, target="event")  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            self.db.import_file(path, format="xlsx")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.import_file(path, batch_rows=True)
        with self.assertRaises(TypeError):
            self.db.import_file(path, mapping=["name"])  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.import_file(path, dry_run=1)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            self.db.import_file(path, progress=5)  # type: ignore[arg-type]
        with self.assertRaises(crm.IntegerRangeError):
            self.db.import_file(path, batch_rows=2**63)
        self.assertEqual(self.db.count_customers(), 0)


class ExportTest(DataTestCase):
    def fill(self) -> None:
        self.define_fields()
        self.db.create_customer(name="Ada, the first", email="ada@example.com",
                                balance=Decimal("12.50"), active=True, tags=["a", "b"])
        self.db.create_customer(name="Bo", email="bo@example.com", balance=Decimal("-3.25"))

    def test_csv_imports_back_to_the_same_values(self) -> None:
        self.fill()
        path = self.file("customers.csv")
        self.assertEqual(self.db.export(path), 2)
        other = self.other_workspace("other.crm")
        self.define_fields(other)
        report = other.import_file(path, mapping={"columns": {"id": None}, "key": "email"})
        self.assertEqual((report.created, report.rejected), (2, 0))
        for email in ("ada@example.com", "bo@example.com"):
            mine, theirs = self.db.get_customer_by_email(email), other.get_customer_by_email(email)
            for field in ("name", "balance", "active", "tags"):
                self.assertEqual(theirs.get(field), mine.get(field), field)

    def test_fields_filter_and_json_lines(self) -> None:
        self.fill()
        path = self.file("vip.jsonl")
        self.assertEqual(self.db.export(path, filter="balance > 0", fields=["name", "balance"]), 1)
        with open(path, encoding="utf-8") as lines:
            (row,) = [json.loads(line) for line in lines if line.strip()]
        self.assertEqual(sorted(row), ["balance", "name"])
        self.assertEqual(row["name"], "Ada, the first")
        csv_path = self.file("names.csv")
        self.db.export(csv_path, format="csv", fields=["email"])
        with open(csv_path, encoding="utf-8", newline="") as table:
            self.assertEqual(list(csv.reader(table)),
                             [["email"], ["ada@example.com"], ["bo@example.com"]])

    def test_events_between_since_and_until(self) -> None:
        ada = self.db.create_customer(name="Ada")
        for day in (1, 2, 3):
            self.db.append_event(ada, "call", occurred_at=dt.datetime(2025, 3, day, tzinfo=UTC))
        path = self.file("calls.csv")
        rows = self.db.export(path, target="events", filter="type = 'call'",
                              since=dt.datetime(2025, 3, 2, tzinfo=UTC),
                              until=dt.datetime(2025, 3, 3, tzinfo=UTC))
        self.assertEqual(rows, 1)
        with open(path, encoding="utf-8", newline="") as table:
            header, row = list(csv.reader(table))
        self.assertEqual(header[:3], ["seq", "customer_id", "occurred_at"])
        self.assertTrue(row[2].startswith("2025-03-02"))
        with self.assertRaises(ValueError):
            self.db.export(path, target="events", since=dt.datetime(2025, 3, 2))

    def test_cancel_leaves_no_file_and_the_old_one_as_it_was(self) -> None:
        self.fill()
        path = self.file("customers.csv")
        stop = RuntimeError("stop")
        with self.assertRaises(crm.CancelledError) as cancelled:
            self.db.export(path, progress=Recorder(1, stop))
        self.assertIs(cancelled.exception.__cause__, stop)
        self.assertEqual(self.left_beside(), [])  # neither the file nor one beside it
        self.file("customers.csv", "old\n")
        with self.assertRaises(crm.CancelledError):
            self.db.export(path, progress=Recorder(1, stop))
        with open(path, encoding="utf-8") as old:
            self.assertEqual(old.read(), "old\n")
        progress = Recorder()
        self.assertEqual(self.db.export(path, progress=progress), 2)
        self.assertEqual(progress.calls[-1][0], 2)
        self.assertEqual(progress.calls[-1][1], os.path.getsize(path))

    def test_errors_name_field_and_rule(self) -> None:
        self.fill()
        path = self.file("x.csv")
        with self.assertRaises(crm.NotFoundError) as unknown:
            self.db.export(path, fields=["name", "shoe_size"])
        self.assertEqual(unknown.exception.rule, "unknown_field")
        with self.assertRaises(crm.InvalidArgumentError) as syntax:
            self.db.export(path, filter="balance >")
        self.assertEqual((syntax.exception.rule, syntax.exception.position), ("syntax", 9))
        with self.assertRaises(TypeError):
            self.db.export(path, fields="name")  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            self.db.export(path, fields=["name,email"])
        self.db.profiles.define({"name": "desk", "groups": {"standard": "read_only"}})
        with self.db.restrict("desk") as desk:
            with self.assertRaises(crm.DeniedError) as denied:
                desk.export(path)
            self.assertEqual(denied.exception.rule, "operation")
        self.db.profiles.define({"name": "reports", "groups": {"standard": "read_only"},
                                 "operations": ["bulk_export"]})
        with self.db.restrict("reports") as reports:
            with self.assertRaises(crm.DeniedError) as hidden:
                reports.export(path, fields=["name", "balance"])
            self.assertEqual((hidden.exception.rule, hidden.exception.field), ("hidden", "balance"))
            self.assertEqual(reports.export(path, fields=["name"]), 2)


class DumpLoadTest(DataTestCase):
    def fill(self) -> None:
        self.define_fields()
        ada = self.db.create_customer(name="Ada", balance=Decimal("1.50"), active=True)
        gone = self.db.create_customer(name="Gone")
        self.db.delete_customer(gone)
        self.db.append_event(ada, "call", channel="phone", idempotency_key="k1", minutes=3)
        self.db.save_segment("active", "active = true")

    def test_dump_and_load_keep_everything(self) -> None:
        self.fill()
        path = self.file("w.crmdump")
        progress = Recorder()
        self.db.dump(path, progress=progress)
        with open(path, "rb") as dump:
            self.assertEqual(dump.read(8), b"CRMDUMP\n")
        self.assertTrue(progress.calls)
        self.assertEqual(progress.calls[-1][1], os.path.getsize(path))
        other = self.other_workspace("other.crm")
        loaded = Recorder()
        other.load(path, progress=loaded)
        self.assertEqual(other.checksum(), self.db.checksum())
        self.assertEqual(loaded.calls[-1][2], os.path.getsize(path))
        self.assertEqual(other.get_customer(1).balance, Decimal("1.50"))
        self.assertEqual(other.segment_count("active"), 1)
        with self.assertRaises(crm.ConflictError) as full:
            other.load(path)
        self.assertEqual(full.exception.rule, "target")

    def test_untrusted_dumps_leave_the_workspace_empty(self) -> None:
        self.fill()
        path = self.file("w.crmdump")
        self.db.dump(path)
        with open(path, "rb") as dump:
            data = dump.read()
        truncated = self.file("truncated.crmdump")
        with open(truncated, "wb") as out:
            out.write(data[: len(data) * 2 // 3])
        other = self.other_workspace("other.crm")
        empty = other.checksum()
        with self.assertRaises(crm.CrmIOError) as damaged:
            other.load(truncated)
        self.assertEqual(damaged.exception.rule, "damaged")
        self.assertIsNotNone(damaged.exception.position)
        with self.assertRaises(crm.NotWorkspaceError) as not_dump:
            other.load(self.file("not.crmdump", "name,email\n"))
        self.assertEqual(not_dump.exception.rule, "file")
        with self.assertRaises(crm.NotFoundError):
            other.load(self.file("absent.crmdump"))
        self.assertEqual(other.checksum(), empty)
        other.load(path)  # still empty, so the whole dump loads
        self.assertEqual(other.checksum(), self.db.checksum())

    def test_cancelled_dump_leaves_no_file_and_load_stays_empty(self) -> None:
        self.fill()
        path = self.file("w.crmdump")
        stop = InterruptedError("stop")
        with self.assertRaises(crm.CancelledError) as cancelled:
            self.db.dump(path, progress=Recorder(1, stop))
        self.assertIs(cancelled.exception.__cause__, stop)
        self.assertEqual(self.left_beside(), [])
        self.db.dump(path)
        other = self.other_workspace("other.crm")
        empty = other.checksum()
        with self.assertRaises(crm.CancelledError):
            other.load(path, progress=Recorder(1, stop))
        self.assertEqual(other.checksum(), empty)

    def test_restricted_handles(self) -> None:
        self.fill()
        path = self.file("w.crmdump")
        self.db.dump(path)
        self.db.profiles.define({"name": "desk", "groups": {"standard": "read_only"}})
        with self.db.restrict("desk") as desk:
            for call, target in ((desk.dump, self.file("x.crmdump")), (desk.load, path)):
                with self.assertRaises(crm.DeniedError) as denied:
                    call(target)
                self.assertEqual(denied.exception.rule, "operation")
        self.assertEqual(self.left_beside(), ["w.crmdump"])


class BackupTest(DataTestCase):
    def fill(self) -> None:
        self.define_fields()
        ada = self.db.create_customer(name="Ada", balance=Decimal("1.50"))
        self.db.append_event(ada, "call", channel="phone")

    def test_backup_restores_to_the_same_checksum(self) -> None:
        self.fill()
        path = self.file("w.backup")
        progress = Recorder()
        self.db.backup(path, progress=progress)
        self.assertTrue(progress.calls)
        other = self.other_workspace("other.crm")
        other.restore(path, progress=Recorder())
        self.assertEqual(other.checksum(), self.db.checksum())
        with self.assertRaises(crm.ConflictError) as full:
            other.restore(path)
        self.assertEqual(full.exception.rule, "target")

    @file_only("a file workspace's backup is a workspace file")
    def test_a_file_backup_opens_as_a_workspace(self) -> None:
        self.fill()
        path = self.file("w.backup.crm")
        self.db.backup(path)
        with crm.open(path, create=False, read_only=True) as copy:
            self.assertEqual(copy.checksum(), self.db.checksum())

    def test_restore_refuses_what_is_no_backup(self) -> None:
        other = self.other_workspace("other.crm")
        with self.assertRaises(crm.NotWorkspaceError):
            other.restore(self.file("junk.crm", "SQLite format 3\0 but not really"))
        self.assertEqual(other.count_customers(), 0)

    def test_verify_reports_every_check(self) -> None:
        self.fill()
        report = self.db.verify()
        self.assertIsInstance(report, crm.VerifyReport)
        self.assertTrue(report.ok, report.problems)
        names = [check.name for check in report.checks]
        for name in ("schema", "integrity", "counters", "history"):
            self.assertIn(name, names)
        self.assertTrue(all(check.ok for check in report.checks))
        self.assertEqual(report.problems, ())

    def test_restricted_handles(self) -> None:
        self.fill()
        path = self.file("w.backup")
        self.db.backup(path)
        self.db.profiles.define({"name": "desk", "groups": {"standard": "read_only"}})
        with self.db.restrict("desk") as desk:
            for call, target in ((desk.backup, self.file("x.backup")), (desk.restore, path)):
                with self.assertRaises(crm.DeniedError) as denied:
                    call(target)
                self.assertEqual(denied.exception.rule, "operation")
            with self.assertRaises(crm.DeniedError):
                desk.verify()


DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "data-in-out.md"


@file_only("the page's samples open files, as an operator does")
class DocSamplesTest(unittest.TestCase):
    """The Python samples of docs/data-in-out.md run in order (each continues
    the one before) in a new folder, and print what the page says."""

    def test_every_sample_runs(self) -> None:
        library_or_skip_message()
        samples = python_samples(DOC.read_text(encoding="utf-8"))
        self.assertGreaterEqual(len(samples), 6, "the page's samples were not found")
        names: Dict[str, Any] = {"__name__": "__main__"}
        printed = io.StringIO()
        here = os.getcwd()
        with tempfile.TemporaryDirectory(prefix="crm-doc-") as folder:
            os.chdir(folder)
            try:
                for sample in samples:
                    code = compile("\n" * (sample.line - 1) + sample.code, str(DOC), "exec")
                    with contextlib.redirect_stdout(printed):
                        exec(code, names)
            finally:
                os.chdir(here)
        lines = printed.getvalue().splitlines()
        for expected in ("1 1", "2 3 E-post format", "1234.50", "0 1", "Closed", "False",
                         "True ['schema', 'integrity', 'counters', 'history', 'match_keys', "
                         "'merges']"):
            self.assertIn(expected, lines)


class ProgressTest(unittest.TestCase):
    """The binding's own side of the progress callback, no libcrm call."""

    def test_the_tables_hold_exactly_their_literals(self) -> None:
        from crm import literals

        self.assertEqual(set(get_args(crm.DataTarget)), set(literals.DATA_TARGETS))
        self.assertEqual(set(get_args(crm.DataFormat)) | {None}, set(literals.DATA_FORMATS))

    def test_report_turns_an_exception_into_stop(self) -> None:
        library_or_skip_message()
        from crm._db_data import _Progress

        seen: List[Any] = []
        reporter = _Progress(lambda *args: seen.append(args))
        # Through the C function pointer libcrm calls, as libcrm calls it.
        self.assertEqual(reporter.c_function(None, 5, 10, -1), 0)
        self.assertEqual(reporter.c_function(None, 6, 12, 40), 0)
        self.assertEqual(seen, [(5, 10, None), (6, 12, 40)])
        failing = _Progress(lambda *args: 1 / 0)
        self.assertEqual(failing.c_function(None, 1, 2, 3), 1)
        self.assertIsInstance(failing.raised, ZeroDivisionError)
        self.assertEqual(failing.c_function(None, 1, 2, 3), 1)  # stays stopped
        interrupted = _Progress(lambda *args: (_ for _ in ()).throw(KeyboardInterrupt()))
        self.assertEqual(interrupted.c_function(None, 1, 2, 3), 1)
        self.assertIsInstance(interrupted.raised, KeyboardInterrupt)
        self.assertIsNone(_Progress(None).c_function)

    def test_the_error_is_chained_from_what_the_callable_raised(self) -> None:
        library_or_skip_message()
        from crm._db_data import _Progress

        reporter = _Progress(lambda *args: None)
        reporter.raise_for(0)  # CRM_OK, nothing raised: nothing to raise
        reporter.raised = ValueError("stop")
        with self.assertRaises(ValueError):  # libcrm said OK: the host's own exception
            reporter.raise_for(0)

    def test_a_callback_calling_libcrm_gets_misuse(self) -> None:
        library_or_skip_message()
        from crm._db_data import _Progress

        with crm.open(":memory:") as db:
            reporter = _Progress(lambda *args: db.count_customers())
            self.assertEqual(reporter.c_function(None, 1, 2, 3), 1)
            self.assertIsInstance(reporter.raised, crm.MisuseError)
            self.assertEqual(db.count_customers(), 0)  # outside the callback: allowed
            closing = _Progress(lambda *args: db.close())
            self.assertEqual(closing.c_function(None, 1, 2, 3), 1)
            self.assertIsInstance(closing.raised, crm.MisuseError)
            self.assertFalse(db.closed)


if __name__ == "__main__":
    unittest.main()
