"""One workspace handle shared by threads."""

from __future__ import annotations

import threading
import time
import unittest
from typing import List

import crm

from .support import WorkspaceTestCase, open_under_test


def run_threads(targets: List[threading.Thread], timeout: float = 60.0) -> None:
    for thread in targets:
        thread.start()
    for thread in targets:
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError(f"{thread.name} did not finish in {timeout}s")


class ThreadTest(WorkspaceTestCase):
    def test_concurrent_writes_and_reads(self) -> None:
        errors: List[BaseException] = []
        per_thread, threads = 40, 6

        def work(n: int) -> None:
            try:
                for i in range(per_thread):
                    cid = self.db.create_customer(name=f"t{n}-{i}", email=f"t{n}-{i}@example.com")
                    version = self.db.update_customer(cid, {"city": "Lyon"}, expected_version=1)
                    customer = self.db.get_customer(cid)
                    assert (customer.name, customer.city, customer.version) == (f"t{n}-{i}", "Lyon", version)
                self.db.insert_many([{"name": f"bulk{n}-{i}"} for i in range(20)])
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        run_threads([threading.Thread(target=work, args=(n,)) for n in range(threads)])
        self.assertEqual(errors, [])
        self.assertEqual(self.db.count_customers(), threads * (per_thread + 20))

    def test_errors_stay_on_their_thread(self) -> None:
        self.db.define_field("plan", "choice", options=["basic"])
        self.db.define_field("tier", "integer", max=3)
        mismatches: List[str] = []

        def fail(field: str, rule: str, values: dict) -> None:
            for _ in range(100):
                try:
                    self.db.create_customer(values)
                except crm.ValidationError as error:
                    if (error.field, error.rule) != (field, rule):
                        mismatches.append(f"{field}: got {error.field}/{error.rule}")
                else:
                    mismatches.append(f"{field}: no error")

        run_threads(
            [
                threading.Thread(target=fail, args=("plan", "options", {"plan": "gold"})),
                threading.Thread(target=fail, args=("tier", "max", {"tier": 9})),
            ]
        )
        self.assertEqual(mismatches, [])

    def test_transaction_belongs_to_its_thread(self) -> None:
        started = threading.Event()
        finished: List[float] = []
        failures: List[BaseException] = []

        def other_writer() -> None:
            started.wait(10)
            try:
                self.db.create_customer(name="Other thread")
                finished.append(time.monotonic())
            except BaseException as error:
                failures.append(error)

        thread = threading.Thread(target=other_writer)
        thread.start()
        with self.assertRaises(RuntimeError):
            with self.db.transaction():
                self.db.create_customer(name="In transaction")
                started.set()
                time.sleep(0.3)
                # the other thread's write waits for this transaction
                self.assertEqual(finished, [])
                self.assertEqual(self.db.count_customers(), 1)
                ended = time.monotonic()
                raise RuntimeError("roll back")
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(failures, [])
        self.assertEqual(len(finished), 1)
        self.assertGreaterEqual(finished[0], ended)
        names = [self.db.get_customer(i).name for i in range(1, 3) if self._exists(i)]
        self.assertEqual(names, ["Other thread"])

    def _exists(self, cid: int) -> bool:
        try:
            self.db.get_customer(cid)
            return True
        except crm.NotFoundError:
            return False

    def test_close_while_other_threads_call(self) -> None:
        stop_reasons: List[BaseException] = []
        calls = [0] * 4  # one counter per thread
        running = threading.Barrier(5)

        def reader(n: int) -> None:
            running.wait(10)
            try:
                while True:
                    self.db.count_customers()
                    self.db.create_customer(name="x")
                    calls[n] += 1
            except BaseException as error:
                stop_reasons.append(error)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        running.wait(10)
        time.sleep(0.2)
        self.db.close()
        for thread in threads:
            thread.join(30)
            self.assertFalse(thread.is_alive())
        self.assertEqual(len(stop_reasons), 4)
        self.assertTrue(all(isinstance(e, crm.MisuseError) for e in stop_reasons), stop_reasons)
        self.assertGreater(sum(calls), 0)
        with open_under_test(self.path) as again:
            self.assertEqual(again.count_customers(), sum(calls))

    def test_owner_closes_while_another_thread_waits_on_its_transaction(self) -> None:
        outcome: List[object] = []
        waiting = threading.Event()

        def other_writer() -> None:
            waiting.set()
            try:
                outcome.append(self.db.create_customer(name="Waiting writer"))
            except BaseException as error:
                outcome.append(error)

        self.db.begin()
        self.db.create_customer(name="Rolled back")
        thread = threading.Thread(target=other_writer)
        thread.start()
        waiting.wait(10)
        time.sleep(0.2)  # let it block on the transaction inside libcrm
        self.db.close()  # rolls back first, so the waiting call can finish
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(outcome), 1)
        with open_under_test(self.path) as again:
            names = [again.get_customer(i).name for i in range(1, 3) if _exists(again, i)]
        expected = [] if isinstance(outcome[0], crm.MisuseError) else ["Waiting writer"]
        self.assertEqual(names, expected)


def _exists(db: crm.Database, cid: int) -> bool:
    try:
        db.get_customer(cid)
        return True
    except crm.NotFoundError:
        return False


if __name__ == "__main__":
    unittest.main()
