"""Opening a SQLite file the way every room of Tidewatch does: wait for other processes, WAL.

Several processes share these files (a crawl, `serve`, `digest`). A busy handler makes their
statements wait for each other, but switching a new file to WAL answers "locked" at once
while another process is doing the same, so that one switch is retried.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT = 10.0  # seconds a statement waits for another process's lock
WAL_TRIES = 100  # 0.05 s apart: five seconds for another process to finish its own switch


def connect(
    path: Path, *, synchronous: str = "NORMAL", busy_timeout: float = BUSY_TIMEOUT
) -> sqlite3.Connection:
    """A connection in autocommit mode with rows by name; closed again if it cannot be set up
    (a corrupt file, a lock that outlasts the tries), and the error raised."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _switch_to_wal(db)
        db.execute(f"PRAGMA synchronous = {synchronous}")
    except BaseException:
        db.close()
        raise
    return db


def _switch_to_wal(db: sqlite3.Connection) -> None:
    for attempt in range(WAL_TRIES):
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(0.05)
