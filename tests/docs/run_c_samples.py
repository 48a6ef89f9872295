#!/usr/bin/env python3
"""Runs every C sample of a Markdown file, so that the docs cannot drift
from the library.

Usage: run_c_samples.py DOC INCLUDE_DIR LIBRARY_DIR WORK_DIR

Each ```c block is compiled with the system C compiler as C99 against
libcrm and run in WORK_DIR. A block without `int main` is a fragment: its
#include lines go to the top and the rest becomes the body of main(). A
comment line `<!-- sample output: TEXT -->` just before a block says what
the program must print. Prints 'N passed, N failed'; exits 1 on a failure.
"""
import os
import re
import subprocess
import sys

BLOCK = re.compile(
    r"(?:<!-- sample output: (?P<expect>.*?) -->\n)?```c\n(?P<code>.*?)```",
    re.S)


def program(code):
    if re.search(r"\bint\s+main\s*\(", code):
        return code
    includes = [line for line in code.splitlines() if line.startswith("#")]
    body = [line for line in code.splitlines() if not line.startswith("#")]
    return "\n".join(includes + ["int main(void) {"] + body +
                     ["return 0;", "}", ""])


def main():
    doc, include_dir, library_dir, work = map(os.path.abspath, sys.argv[1:5])
    os.makedirs(work, exist_ok=True)
    text = open(doc, encoding="utf-8").read()
    passed = failed = 0
    for number, match in enumerate(BLOCK.finditer(text), 1):
        line = text.count("\n", 0, match.start("code"))
        name = os.path.join(work, f"sample{number}")
        with open(name + ".c", "w", encoding="utf-8") as out:
            out.write(program(match.group("code")))
        build = subprocess.run(
            [os.environ.get("CC", "cc"), "-std=c99", "-Wall", "-Werror",
             "-pedantic", "-I", include_dir, name + ".c", "-o", name, "-L",
             library_dir, "-lcrm", "-Wl,-rpath," + library_dir],
            capture_output=True, text=True)
        run = None
        if build.returncode == 0:
            for stale in ("crm.db", "crm.db-wal", "crm.db-shm"):
                if os.path.exists(os.path.join(work, stale)):
                    os.remove(os.path.join(work, stale))
            run = subprocess.run([name], cwd=work, capture_output=True,
                                 text=True, timeout=60)
        expect = match.group("expect")
        ok = (run is not None and run.returncode == 0 and
              (expect is None or expect in run.stdout))
        where = f"{doc}:{line + 1}"
        if ok:
            passed += 1
            print(f"PASS {where}")
        else:
            failed += 1
            print(f"FAIL {where}")
            print(build.stderr if run is None else
                  f"exit {run.returncode}, printed:\n{run.stdout}{run.stderr}"
                  f"\nexpected to print: {expect}")
    if passed + failed == 0:
        print(f"no C samples found in {doc}")
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
