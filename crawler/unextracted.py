"""Pages the crawler fetched but could not read, and article URLs it left for a later run.

Nothing is lost silently: an article page with no recognisable body is not stored as an
article, it is remembered here (URL, source, HTTP validators, reason, first/last tried) in a
small SQLite file beside the store, re-fetched conditionally on the next run, listed by
``tidewatch status``, and forgotten once it extracts. The same file holds each source's
*backlog*: article URLs a listing named beyond ``max_articles_per_run``, taken up by later
runs, newest first.

The conditional-fetch middleware asks :func:`unextracted_for` (one instance per crawl) for the
validators of a page the article store does not know, and tells it about a 304.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model import sqlitefile
from model.clock import iso, now

FILE_NAME = "unextracted.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url            TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    reason         TEXT NOT NULL,
    first_seen     TEXT NOT NULL,
    last_tried     TEXT NOT NULL,
    tries          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS pages_by_source ON pages (source, last_tried);
CREATE TABLE IF NOT EXISTS backlog (
    url        TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    newness    REAL NOT NULL,  -- larger is newer: publish time (ms) or discovery order
    listed_at  TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS backlog_by_source ON backlog (source, newness);
"""


@dataclass(frozen=True)
class PageValidators:
    """The shape the conditional-fetch middleware reads (like ``store.base.Validators``)."""

    etag: str | None
    last_modified: str | None


class UnextractedPages:
    """The unextracted pages and the backlog, in ``<data_dir>/unextracted.sqlite3``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlitefile.connect(self.path)
        self._lock = threading.Lock()
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    # -- pages not extracted -----------------------------------------------------------------

    def remember(self, url: str, source: str, validators: dict[str, str], reason: str) -> None:
        """Record (or update) a page that came out with no body."""
        stamp = iso(now())
        with self._lock:
            self._db.execute(
                "INSERT INTO pages (url, source, etag, last_modified, reason, first_seen, "
                "last_tried) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "reason = excluded.reason, last_tried = excluded.last_tried, tries = tries + 1",
                (
                    url,
                    source,
                    validators.get("etag"),
                    validators.get("last_modified"),
                    reason,
                    stamp,
                    stamp,
                ),
            )

    def forget(self, url: str) -> bool:
        """The page extracted after all: it is an article now."""
        with self._lock:
            return self._db.execute("DELETE FROM pages WHERE url = ?", (url,)).rowcount > 0

    def tried(self, url: str) -> bool:
        """A re-fetch answered 304: still the page that could not be read."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE pages SET last_tried = ?, tries = tries + 1 WHERE url = ?",
                (iso(now()), url),
            )
            return cursor.rowcount > 0

    def validators(self, url: str) -> PageValidators | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM pages WHERE url = ?", (url,)
            ).fetchone()
        return PageValidators(row["etag"], row["last_modified"]) if row else None

    def urls(self, source: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT url FROM pages WHERE source = ?", (source,))
            return {row["url"] for row in rows}

    def pages(self, source: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The pages not extracted, least recently tried first: what ``status`` lists."""
        where, params = ("WHERE source = ?", (source,)) if source else ("", ())
        with self._lock:
            rows = self._db.execute(
                "SELECT url, source, reason, first_seen, last_tried, tries FROM pages "
                f"{where} ORDER BY last_tried, url LIMIT ?",
                (*params, limit),
            ).fetchall()
        return [dict(row) for row in rows]

    def count(self, source: str | None = None) -> int:
        where, params = ("WHERE source = ?", (source,)) if source else ("", ())
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM pages {where}", params).fetchone()[0]

    # -- backlog: articles a run had no budget for ----------------------------------------------

    def defer(self, source: str, entries: list[tuple[str, float, str]]) -> None:
        """Keep ``(url, newness, meta_json)`` for a later run (a newer listing replaces)."""
        stamp = iso(now())
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO backlog (url, source, newness, listed_at, meta) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET newness = max(newness, excluded.newness), "
                "meta = excluded.meta",
                [(url, source, newness, stamp, meta) for url, newness, meta in entries],
            )

    def take_backlog(self, source: str, limit: int) -> list[tuple[str, str]]:
        """Up to ``limit`` deferred ``(url, meta_json)``, newest first, removed from the backlog."""
        if limit <= 0:
            return []
        with self._lock, self._db:
            self._db.execute("BEGIN")
            rows = self._db.execute(
                "SELECT url, meta FROM backlog WHERE source = ? ORDER BY newness DESC, url LIMIT ?",
                (source, limit),
            ).fetchall()
            self._db.executemany("DELETE FROM backlog WHERE url = ?", [(r["url"],) for r in rows])
        return [(row["url"], row["meta"]) for row in rows]

    def backlog_count(self, source: str | None = None) -> int:
        where, params = ("WHERE source = ?", (source,)) if source else ("", ())
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM backlog {where}", params).fetchone()[0]


def unextracted_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def unextracted_for(crawler: Any) -> UnextractedPages:
    """One instance per crawl, opened on first use and closed when the engine stops.

    The hook for ``crawler/middlewares.py``: ``unextracted_for(crawler).validators(url)``
    when the store knows nothing of ``url``; ``unextracted_for(crawler).tried(url)`` on a 304.
    """
    pages = getattr(crawler, "_tidewatch_unextracted", None)
    if pages is None:
        from scrapy import signals

        from crawler.runtime import config_for

        pages = UnextractedPages(unextracted_path(config_for(crawler).data_dir))
        crawler._tidewatch_unextracted = pages
        crawler.signals.connect(pages.close, signal=signals.engine_stopped, weak=False)
    return pages


def read_status(data_dir: Path, source: str, limit: int = 20) -> tuple[list[dict[str, Any]], int]:
    """(pages, count) for ``status``, without creating the file when there is none."""
    path = unextracted_path(data_dir)
    if not path.exists():
        return [], 0
    pages = UnextractedPages(path)
    try:
        rows = pages.pages(source, limit)
        return [
            {k: row[k] for k in ("url", "reason", "first_seen", "last_tried")} for row in rows
        ], pages.count(source)
    finally:
        pages.close()
