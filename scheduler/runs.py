"""Every crawl run, durably: what it fetched, what it found, what went wrong, and each
source's health — what `tidewatch status` and operators read."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crawler.summary import CrawlSummary
from model import sqlitefile
from model.clock import iso, now

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT NOT NULL,  -- running | healthy | degraded | failed | interrupted
    reason       TEXT,
    pages        INTEGER NOT NULL DEFAULT 0,
    new          INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    errors       TEXT NOT NULL DEFAULT '{}',
    statuses     TEXT NOT NULL DEFAULT '{}',
    last_error   TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_source ON runs (source, id);
CREATE TABLE IF NOT EXISTS sources (
    source        TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed runs
    next_run_at   TEXT
);
"""


@dataclass(frozen=True)
class Run:
    id: int
    source: str
    started_at: str
    finished_at: str | None
    outcome: str
    reason: str | None
    pages: int
    new: int
    updated: int
    unchanged: int
    errors: dict[str, int]
    statuses: dict[str, int]
    last_error: str | None


class RunLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlitefile.connect(self.path)
        self._lock = threading.Lock()
        self._db.executescript(SCHEMA)

    @classmethod
    @contextmanager
    def snapshot(cls, path: Path) -> Iterator[RunLog]:
        """The log at one moment, read on a connection of its own: a page built from several
        reads agrees with itself although runs finish meanwhile (WAL keeps the snapshot that
        the first read takes until the transaction ends)."""
        view = cls(path)
        try:
            view._db.execute("BEGIN")
            yield view
        finally:
            view.close()  # ends the read transaction

    def close(self) -> None:
        self._db.close()

    def start(self, source: str) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO runs (source, started_at, outcome) VALUES (?, ?, 'running')",
                (source, iso(now())),
            )
            return cursor.lastrowid

    def finish(self, run_id: int, summary: CrawlSummary | None, outcome: str, reason: str) -> None:
        s = summary or CrawlSummary(source="")
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished_at = ?, outcome = ?, reason = ?, pages = ?, new = ?, "
                "updated = ?, unchanged = ?, errors = ?, statuses = ?, last_error = ? WHERE id = ?",
                (
                    iso(now()),
                    outcome,
                    reason,
                    s.pages,
                    s.new,
                    s.updated,
                    s.unchanged,
                    json.dumps(s.errors),
                    json.dumps(s.statuses),
                    s.last_error,
                    run_id,
                ),
            )

    def interrupt_unfinished(self, reason: str) -> int:
        """Runs a previous process left 'running' (it was killed): mark them interrupted."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE runs SET outcome = 'interrupted', reason = ?, finished_at = ? "
                "WHERE outcome = 'running'",
                (reason, iso(now())),
            )
            return cursor.rowcount

    def record_failures(self, source: str, failed: bool) -> int:
        """Count consecutive failures of a source (reset by any other outcome)."""
        with self._lock:
            self._db.execute(
                "INSERT INTO sources (source, failures) VALUES (?, ?) ON CONFLICT (source) "
                "DO UPDATE SET failures = CASE WHEN ? THEN failures + 1 ELSE 0 END",
                (source, int(failed), failed),
            )
            row = self._db.execute(
                "SELECT failures FROM sources WHERE source = ?", (source,)
            ).fetchone()
            return row["failures"]

    def set_next_run(self, source: str, when: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO sources (source, next_run_at) VALUES (?, ?) ON CONFLICT (source) "
                "DO UPDATE SET next_run_at = excluded.next_run_at",
                (source, when),
            )

    def next_run(self, source: str) -> str | None:
        row = self._db.execute(
            "SELECT next_run_at FROM sources WHERE source = ?", (source,)
        ).fetchone()
        return row["next_run_at"] if row else None

    def failures(self, source: str) -> int:
        row = self._db.execute(
            "SELECT failures FROM sources WHERE source = ?", (source,)
        ).fetchone()
        return row["failures"] if row else 0

    def runs(self, source: str | None = None, limit: int = 50) -> list[Run]:
        where, params = ("WHERE source = ?", (source,)) if source else ("", ())
        rows = self._db.execute(
            f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?", (*params, limit)
        ).fetchall()
        return [_run(r) for r in rows]

    def last_finished(self, source: str) -> Run | None:
        row = self._db.execute(
            "SELECT * FROM runs WHERE source = ? AND outcome != 'running' ORDER BY id DESC LIMIT 1",
            (source,),
        ).fetchone()
        return _run(row) if row else None


def _run(row: sqlite3.Row) -> Run:
    data = dict(row)
    data["errors"], data["statuses"] = json.loads(data["errors"]), json.loads(data["statuses"])
    return Run(**data)
