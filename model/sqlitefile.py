"""Opening a SQLite file the way every room of Tidewatch does: wait for other processes, WAL.

Several processes share these files (a crawl, `serve`, `digest`). A busy handler makes their
statements wait for each other, but switching a new file to WAL answers "locked" at once
while another process is doing the same, so that one switch is retried.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
WAL_TRIES = 100  # 0.05 s apart: five seconds for another process to finish its own switch


def connect(path: Path, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    for attempt in range(WAL_TRIES):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == WAL_TRIES - 1:
                db.close()
                raise
            time.sleep(0.05)
    db.execute(f"PRAGMA synchronous = {synchronous}")
    return db
