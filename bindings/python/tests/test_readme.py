"""Every Python sample of bindings/python/README.md runs, each in a fresh
temporary directory (so ``crm.open("customers.crm")`` makes a new
workspace), so that the docs cannot drift from the code.

A sample that truly cannot run (it needs a file the user has) starts with
the line ``# not run: <why>``; keep that rare. A failing sample's traceback
gives its README line numbers.
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re
import tempfile
import traceback
import unittest
from typing import List, NamedTuple

from .support import file_only, library_or_skip_message

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
NOT_RUN = re.compile(r"# not run: \S")


class Sample(NamedTuple):
    line: int  # of the sample's first line in the README, from 1
    code: str


def python_samples(markdown: str) -> List[Sample]:
    """The bodies of the README's ```python fences, with where they start."""
    samples = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```python":
            start = index + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise AssertionError(f"README.md:{index + 1}: a ```python fence is not closed")
            samples.append(Sample(start + 1, "\n".join(lines[start:end]) + "\n"))
            index = end
        index += 1
    return samples


def run_sample(sample: Sample) -> str:
    """Runs a sample as a script in a new temporary directory; returns what
    it printed."""
    # Padded so that the traceback's line numbers are the README's.
    code = compile("\n" * (sample.line - 1) + sample.code, str(README), "exec")
    printed = io.StringIO()
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="crm-readme-") as folder:
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, {"__name__": "__main__"})
        finally:
            os.chdir(here)
    return printed.getvalue()


@file_only("the README's samples open files, as a first user does")
class ReadmeSamplesTest(unittest.TestCase):
    def test_every_python_sample_runs(self) -> None:
        library_or_skip_message()
        samples = python_samples(README.read_text(encoding="utf-8"))
        self.assertGreaterEqual(len(samples), 4, "the README's samples were not found")
        not_run = [s for s in samples if s.code.startswith("# not run:")]
        self.assertLessEqual(len(not_run), 1, "samples marked not run should stay rare")
        for sample in samples:
            with self.subTest(readme_line=sample.line):
                if sample in not_run:
                    self.assertRegex(sample.code, NOT_RUN, "say why it is not run")
                    compile(sample.code, str(README), "exec")  # still valid Python
                    continue
                run_sample(sample)


class ExtractionTest(unittest.TestCase):
    def test_fences_and_line_numbers(self) -> None:
        markdown = "# T\n```python\na = 1\n```\ntext\n```sh\nls\n```\n```python\nb = 2\nc = 3\n```\n"
        self.assertEqual(python_samples(markdown),
                         [Sample(3, "a = 1\n"), Sample(10, "b = 2\nc = 3\n")])
        with self.assertRaises(AssertionError):
            python_samples("```python\nx = 1\n")

    def test_a_failing_sample_points_at_its_readme_line(self) -> None:
        try:
            run_sample(Sample(40, "x = 1\ny = x / 0\n"))
        except ZeroDivisionError as error:
            frames = traceback.extract_tb(error.__traceback__)
        else:
            self.fail("the sample did not raise")
        self.assertEqual((frames[-1].filename, frames[-1].lineno), (str(README), 41))


if __name__ == "__main__":
    unittest.main()
