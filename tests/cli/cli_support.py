"""What the crm tool's tests share: running the real binary on a fresh
workspace (a file, or a PostgreSQL workspace when CRM_TEST_BACKEND_URL is
set), seeding it through the Python binding, and golden outputs.

Goldens live in golden/<name>.txt and hold the command, its exit code, its
stdout and its stderr, after normalise(): the workspace's location becomes
<workspace>, the test's folder <tmp>, and times of today <now>. Both
backends compare with the same golden, so a verb that prints differently on
PostgreSQL fails. CRM_UPDATE_GOLDEN=1 rewrites the goldens instead (review
the diff before committing).
"""

import datetime as _dt
import decimal
import hashlib
import os
import re
import shlex
import subprocess
import tempfile
import urllib.parse
import unittest
from typing import Dict, List, NamedTuple, Optional

import crm as libcrm

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
DATA = os.path.join(HERE, "data")


def on_postgres() -> bool:
    return bool(os.environ.get("CRM_TEST_BACKEND_URL"))


def file_only(why: str):
    """Marks a test only a workspace file can run; skipped on PostgreSQL,
    saying why."""
    return unittest.skipIf(on_postgres(), f"file-only: {why}")


_databases: Dict[str, str] = {}


def module_database(module: str) -> str:
    """The URL of a database of the test server for one test module's
    workspaces (made on first use by scripts/postgres.sh). libcrm's tables
    are shared by a database's workspaces: an indexed field defined in one
    waits for every open write transaction in the others, so suites that
    run side by side (a long load in one, a seed in another) each get their
    own database rather than time out."""
    if module not in _databases:
        server = os.environ["CRM_TEST_BACKEND_URL"]
        host = urllib.parse.parse_qs(urllib.parse.urlsplit(server).query)["host"][0]
        script = os.path.join(HERE, "..", "..", "scripts", "postgres.sh")
        done = subprocess.run([script, "database", host, "crm_cli_" + module],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"cannot make a database for {module}: {done.stderr}")
        _databases[module] = done.stdout.strip()
    return _databases[module]


class Result(NamedTuple):
    code: int
    stdout: str
    stderr: str


def utc(*parts: int) -> _dt.datetime:
    return _dt.datetime(*parts, tzinfo=_dt.timezone.utc)  # type: ignore[misc]


class CliTestCase(unittest.TestCase):
    """Each test gets a folder self.tmp and a workspace self.workspace that
    does not exist yet: a file path, or a PostgreSQL URL whose workspace
    name is unique to the test."""

    maxDiff = None

    def setUp(self) -> None:
        self.binary = os.environ.get("CRM_CLI", "")
        if not self.binary or not os.path.isfile(self.binary):
            self.fail("CRM_CLI must name the crm binary (CTest sets it)")
        self._temp = tempfile.TemporaryDirectory(prefix="crm-cli-test-")
        self.addCleanup(self._temp.cleanup)
        self.tmp = self._temp.name
        if on_postgres():
            server = module_database(type(self).__module__)
            name = "cli_" + hashlib.sha1(self.id().encode()).hexdigest()[:20]
            self.workspace = server + ("&" if "?" in server else "?") + "workspace=" + name
            try:
                libcrm.open_url(self.workspace, create=False).close()
                self.drop_workspace(self.workspace)
            except libcrm.NotFoundError:
                pass
        else:
            self.workspace = os.path.join(self.tmp, "test.crm")

    def drop_workspace(self, url: str) -> None:
        libcrm.drop_workspace(url)

    # --- running the tool ---------------------------------------------------

    def crm(self, *args: str, stdin: Optional[str] = None,
            env: Optional[Dict[str, str]] = None, workspace: bool = True) -> Result:
        """Runs `crm [--workspace W] ARGS`, stdin from `stdin` (or none)."""
        command = [self.binary]
        if workspace:
            command += ["--workspace", self.workspace]
        command += list(args)
        environment = dict(os.environ)
        environment.pop("CRM_WORKSPACE", None)
        if env:
            environment.update(env)
        done = subprocess.run(command, input=stdin if stdin is not None else "",
                              capture_output=True, text=True, env=environment,
                              timeout=300)
        return Result(done.returncode, done.stdout, done.stderr)

    def crm_ok(self, *args: str, **kwargs) -> str:
        """Runs the tool and asserts exit code 0; returns stdout."""
        result = self.crm(*args, **kwargs)
        self.assertEqual(result.code, 0, f"crm {shlex.join(args)}\n{result.stderr}")
        return result.stdout

    # --- goldens ------------------------------------------------------------

    def normalise(self, text: str) -> str:
        text = text.replace(self.workspace, "<workspace>").replace(self.tmp, "<tmp>")
        today = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
        return re.sub(re.escape(today) + r"T[0-9:.]+Z", "<now>", text)

    def assertGolden(self, name: str, args: List[str], result: Result) -> None:
        """Compares the run of `crm ARGS` with golden/<name>.txt."""
        text = (f"$ crm {shlex.join(args)}\n"
                f"exit {result.code}\n"
                f"--- stdout\n{result.stdout}"
                f"--- stderr\n{result.stderr}")
        text = self.normalise(text)
        path = os.path.join(GOLDEN, name + ".txt")
        if os.environ.get("CRM_UPDATE_GOLDEN") == "1":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            return
        self.assertTrue(os.path.exists(path), f"no golden {path}: run with CRM_UPDATE_GOLDEN=1")
        with open(path, encoding="utf-8", newline="") as golden:
            self.assertEqual(text, golden.read(), f"golden {name}")

    def golden(self, name: str, *args: str, **kwargs) -> Result:
        """Runs `crm ARGS` and compares it with golden/<name>.txt."""
        result = self.crm(*args, **kwargs)
        self.assertGolden(name, list(args), result)
        return result

    # --- seed data ----------------------------------------------------------

    def open_db(self, create: bool = True) -> libcrm.Database:
        """The test's workspace through the Python binding."""
        if on_postgres():
            return libcrm.open_url(self.workspace, create=create)
        return libcrm.open(self.workspace, create=create)

    def checksum(self) -> str:
        """The workspace's content checksum (crm_workspace_checksum): equal
        before and after a call that must change nothing."""
        with self.open_db(create=False) as db:
            return db.checksum()

    def count_customers(self) -> int:
        """How many customers the workspace holds now."""
        with self.open_db(create=False) as db:
            return db.count_customers()

    def seed(self) -> Dict[str, int]:
        """A small workspace with fixed content: fields of several types,
        five customers, events on two channels at fixed times, and one later
        change of a field. Returns the customers' ids by name."""
        db = self.open_db()
        try:
            db.define_field("plan", "choice", options=["basic", "premium"], indexed=True)
            db.define_field("revenue", "decimal", scale=2)
            db.define_field("renewal", "date")
            db.define_field("vip", "boolean")
            db.define_field("interests", "multi_choice", options=["golf", "tennis", "chess"])
            ids: Dict[str, int] = {}
            people = [
                ("Ada Lovelace", "ada@example.com", "premium", "1200.50", "2025-03-01", True, ["chess"]),
                ("Bob Builder", "bob@example.com", "basic", "80.00", "2025-06-15", False, []),
                ("Chloé Dubois", "chloe@example.fr", "premium", "560.25", None, False, ["golf", "tennis"]),
                ("Dan Ek", None, "basic", None, "2025-01-31", None, None),
                ("Eve Tan", "eve@example.com", None, "0.00", None, True, ["tennis"]),
            ]
            for index, (name, email, plan, revenue, renewal, vip, interests) in enumerate(people):
                values: Dict[str, object] = {"name": name, "external_id": f"ERP-{index + 1}"}
                if email:
                    values["email"] = email
                if plan:
                    values["plan"] = plan
                if revenue is not None:
                    values["revenue"] = decimal.Decimal(revenue)
                if renewal:
                    values["renewal"] = _dt.date.fromisoformat(renewal)
                if vip is not None:
                    values["vip"] = vip
                if interests:
                    values["interests"] = interests
                ids[name] = db.create_customer(values, actor="seed",
                                               effective_at=utc(2024, 1, 1 + index))
            db.update_customer(ids["Bob Builder"], {"plan": "premium"}, actor="seed",
                               effective_at=utc(2024, 6, 1))
            db.append_event(ids["Ada Lovelace"], "call", channel="phone", actor="alice",
                            occurred_at=utc(2024, 2, 1, 9, 30), minutes=12)
            db.append_event(ids["Ada Lovelace"], "email_sent", channel="email", actor="bob",
                            occurred_at=utc(2024, 2, 3, 14, 0), subject="Renewal")
            db.append_event(ids["Chloé Dubois"], "visit", channel="store", actor="alice",
                            occurred_at=utc(2024, 3, 10, 11, 0))
            return ids
        finally:
            db.close()
