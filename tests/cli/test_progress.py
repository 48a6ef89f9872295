"""The data verbs' progress bar and Ctrl-C (tools/crm/progress_bar.h): the
bar goes to stderr only when stderr is a terminal (here a pseudo-terminal)
and --quiet is not given, never to stdout; SIGINT from the terminal stops
the call with exit 26 (CRM_E_CANCELLED) and libcrm's guarantee for a
stopped call holds."""

import fcntl
import json
import os
import select
import subprocess
import termios
import time
import unittest
from typing import List, Tuple

from cli_support import CliTestCase

# Enough rows for libcrm to report progress before the end (at least every
# 10,000 rows), few enough for PostgreSQL to import them in seconds.
ROWS = 25_000
BATCH = 1_000


def _become_terminal_session() -> None:
    # In the child: a new session (start_new_session) whose controlling
    # terminal is the pty on stdin, so that ^C written to the pty's master
    # sends SIGINT to the tool as a terminal would.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class ProgressTest(CliTestCase):
    def big_csv(self, rows: int = ROWS) -> str:
        path = os.path.join(self.tmp, "big.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("external_id,name,email\n")
            for n in range(rows):
                out.write(f"B-{n},Person {n},person{n}@example.com\n")
        return path

    def on_pty(self, *args: str, interrupt: bool = False) -> Tuple[int, str, str]:
        """Runs `crm -w W ARGS` with stdin and stderr on a pseudo-terminal
        and stdout a pipe; with `interrupt`, types ^C once the bar shows a
        first line. Returns the exit code, what the terminal showed and
        stdout."""
        master, slave = os.openpty()
        command = [self.binary, "--workspace", self.workspace, *args]
        process = subprocess.Popen(command, stdin=slave, stdout=subprocess.PIPE,
                                   stderr=slave, start_new_session=True,
                                   preexec_fn=_become_terminal_session)
        os.close(slave)
        shown: List[bytes] = []
        interrupted = not interrupt
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            shown.append(chunk)
            if not interrupted:  # the bar's first line is on the terminal
                os.write(master, b"\x03")
                interrupted = True
        stdout, _ = process.communicate(timeout=60)
        code = process.returncode
        os.close(master)
        return code, b"".join(shown).decode(errors="replace"), stdout.decode()

    def count(self) -> int:
        with self.open_db() as db:
            return db.count_customers()

    def test_bar_on_the_terminal_and_not_in_stdout(self) -> None:
        big = self.big_csv()
        code, terminal, stdout = self.on_pty("import", big, "--format", "json")
        self.assertEqual(code, 0, terminal)
        self.assertRegex(terminal, r"import: [0-9,]+ rows, [0-9.]+ [KM]iB of [0-9.]+ MiB "
                                   r"\([0-9]+%\), [0-9,]+ rows/s, ETA [0-9]+:[0-9]{2}")
        self.assertRegex(terminal, r"import: 25,000 rows, .* \(100%\), [0-9,]+ rows/s, "
                                   r"[0-9]+:[0-9]{2}(\x1b\[K)?\r?\n$")
        self.assertEqual(json.loads(stdout)["created"], ROWS)
        for mark in ("\r", "rows/s", "ETA", "\x1b"):
            self.assertNotIn(mark, stdout)

    def test_no_bar_when_quiet_or_not_a_terminal(self) -> None:
        # libcrm reports progress at least once, at the end: a small file
        # would draw the bar too.
        small = self.big_csv(100)
        code, terminal, stdout = self.on_pty("--quiet", "import", small, "--format", "json")
        self.assertEqual(code, 0, terminal)
        self.assertEqual(terminal, "")
        self.assertEqual(json.loads(stdout)["created"], 100)
        code, terminal, _ = self.on_pty("import", small)
        self.assertIn("import: 100 rows", terminal)
        result = self.crm("import", small, "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertEqual(json.loads(result.stdout)["unchanged"], 100)

    def test_ctrl_c_stops_an_import_which_then_resumes(self) -> None:
        big = self.big_csv()
        code, terminal, stdout = self.on_pty("import", big, "--batch-rows", str(BATCH),
                                             interrupt=True)
        self.assertEqual(code, 26, terminal)
        self.assertIn("(CRM_E_CANCELLED)", terminal)
        self.assertEqual(stdout, "")
        kept = self.count()
        self.assertLess(kept, ROWS)
        self.assertEqual(kept % BATCH, 0, "only whole batches are kept")
        result = self.crm("import", big, "--batch-rows", str(BATCH), "--format", "json")
        self.assertEqual(result.code, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual((report["created"], report["unchanged"]), (ROWS - kept, kept))
        self.assertEqual(self.count(), ROWS)

    def test_ctrl_c_stops_a_load_which_leaves_the_workspace_empty(self) -> None:
        big = self.big_csv()
        self.crm_ok("import", big)
        dump = os.path.join(self.tmp, "big.crmdump")
        self.crm_ok("dump", dump)
        self.drop_or_remove()
        code, terminal, stdout = self.on_pty("load", dump, interrupt=True)
        self.assertEqual(code, 26, terminal)
        self.assertEqual(stdout, "")
        self.assertEqual(self.count(), 0)

    def drop_or_remove(self) -> None:
        if self.workspace.startswith("postgres"):
            self.drop_workspace(self.workspace)
        else:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.workspace + suffix):
                    os.remove(self.workspace + suffix)


if __name__ == "__main__":
    unittest.main()
