"""What the reading verbs' tests (query, customers, timeline) share:
following cursors, results whose volatile parts are masked, and a late
change recorded after the seed so that --known-at has something to tell
apart."""

import datetime as _dt
import json
import re
import time
from typing import List, Optional, Tuple

from cli_support import CliTestCase, Result, utc

CURSOR = re.compile(r"--cursor (\S+)\n")


def next_cursor(stderr: str) -> Optional[str]:
    """The cursor crm printed on stderr, or None."""
    found = CURSOR.search(stderr)
    return found.group(1) if found else None


def masked_cursor(result: Result) -> Result:
    """The result with the cursor on stderr masked: opaque, not compared."""
    return result._replace(stderr=CURSOR.sub("--cursor <cursor>\n", result.stderr))


def jsonl(text: str) -> List[dict]:
    return [json.loads(line) for line in text.splitlines()]


class ReadingTestCase(CliTestCase):
    def late_change(self) -> Tuple[str, dict]:
        """Seeds, then records (now, after `known`) that Ada was on basic
        from 2024-02-01 until 2024-04-01: a correction of the past. Returns
        `known`, an instant between the seed and the correction, as ISO
        text, and the ids."""
        ids = self.seed()
        time.sleep(0.01)
        known = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        time.sleep(0.01)
        db = self.open_db(create=False)
        try:
            db.update_customer(ids["Ada Lovelace"], {"plan": "basic"}, actor="clerk",
                               effective_at=utc(2024, 2, 1), effective_until=utc(2024, 4, 1))
        finally:
            db.close()
        return known, ids
