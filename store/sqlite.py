"""The embedded article store: one SQLite file, FTS5 trigram index, append-only change feed.

Why trigram: Chinese is unsegmented, and users search for exact strings (钱塘 must find 钱塘区;
数字经济 must not match 数字…经济). A trigram index answers substring LIKE queries of three
or more characters from the index; shorter terms fall back to a scan, which is still exact.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from model.article import Article
from model.clock import iso, now
from store.base import (
    Change,
    Outcome,
    SearchHit,
    StoredArticle,
    Validators,
    article_id,
    rank_and_snippet,
)
from store.query import And, Node, Not, Or, Query, Term
from store.textnorm import normalize

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid         INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    channel       TEXT,
    title         TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    origin        TEXT,
    authors       TEXT NOT NULL,
    contributors  TEXT NOT NULL,
    editor        TEXT,
    body          TEXT NOT NULL,
    images        TEXT NOT NULL,
    extraction    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    published_precision TEXT NOT NULL DEFAULT 'minute'
);
CREATE INDEX IF NOT EXISTS articles_by_time ON articles (published_at);
CREATE INDEX IF NOT EXISTS articles_by_source ON articles (source, published_at);
CREATE TABLE IF NOT EXISTS article_versions (
    article_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (title, body, tokenize = 'trigram');
"""

# From an older schema version to the current one (0 is a new file: SCHEMA alone).
MIGRATIONS = {
    1: "ALTER TABLE articles ADD COLUMN published_precision TEXT NOT NULL DEFAULT 'minute';",
}

_COLUMNS = [f.name for f in dataclasses.fields(StoredArticle)]  # the record, column for column
_JSON_COLUMNS = {"authors", "contributors", "images", "extraction"}


class SqliteStore:
    """ArticleStore on SQLite. Safe to share between threads; each write is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across crashes
        self._db.execute("PRAGMA busy_timeout = 10000")
        self._migrate()

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path} has schema {version}, newer than this Tidewatch ({SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:  # every statement is idempotent; the version goes last
            with self._lock:
                self._db.executescript(f"{SCHEMA}\n{MIGRATIONS.get(version, '')}")
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- writing ----------------------------------------------------------------------------

    def upsert(
        self, article: Article, *, etag: str | None = None, last_modified: str | None = None
    ) -> Outcome:
        aid = article_id(article.url)
        content_hash = article.content_hash()
        seen = iso(now())
        with self._lock, self._transaction():
            row = self._db.execute(
                "SELECT rowid, content_hash, version, first_seen FROM articles WHERE id = ?", (aid,)
            ).fetchone()
            if row and row["content_hash"] == content_hash:
                self._db.execute(
                    "UPDATE articles SET last_seen = ?, etag = coalesce(?, etag), "
                    "last_modified = coalesce(?, last_modified) WHERE id = ?",
                    (seen, etag, last_modified, aid),
                )
                return Outcome.UNCHANGED
            version = row["version"] + 1 if row else 1
            first_seen = row["first_seen"] if row else seen
            values = _row_values(
                article,
                id=aid,
                content_hash=content_hash,
                first_seen=first_seen,
                last_seen=seen,
                version=version,
            )
            placeholders = ", ".join("?" * (len(_COLUMNS) + 2))
            self._db.execute(
                f"INSERT OR REPLACE INTO articles (rowid, {', '.join(_COLUMNS)}, etag, "
                f"last_modified) VALUES ({placeholders}, ?)",
                (row["rowid"] if row else None, *values.values(), etag, last_modified),
            )
            rowid = (
                row["rowid"]
                if row
                else self._db.execute("SELECT last_insert_rowid()").fetchone()[0]
            )
            self._db.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
            self._db.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                (rowid, normalize(article.title), normalize(article.body)),
            )
            self._db.execute(
                "INSERT INTO article_versions VALUES (?, ?, ?, ?, ?)",
                (aid, version, content_hash, seen, json.dumps(values, ensure_ascii=False)),
            )
            outcome = Outcome.UPDATED if row else Outcome.NEW
            self._db.execute(
                "INSERT INTO changes (article_id, version, kind, at) VALUES (?, ?, ?, ?)",
                (aid, version, outcome.value, seen),
            )
            return outcome

    def upsert_many(self, articles: list[Article]) -> list[Outcome]:
        return [self.upsert(a, **a.validators) for a in articles]

    def touch(self, url: str) -> bool:
        """Record that an unchanged article was seen again (e.g. answered 304)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE articles SET last_seen = ? WHERE id = ?", (iso(now()), article_id(url))
            )
            return cursor.rowcount > 0

    # -- reading ----------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM articles WHERE id = ?", (article_id(url),)
            ).fetchone()
        return Validators(row["etag"], row["last_modified"]) if row else None

    def get(self, article_id: str) -> StoredArticle | None:
        rows = self._select("WHERE id = ?", (article_id,))
        return rows[0] if rows else None

    def versions(self, article_id: str) -> list[dict[str, object]]:
        """Every recorded version of an article, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT data FROM article_versions WHERE article_id = ? ORDER BY version",
                (article_id,),
            ).fetchall()
        return [_decode(json.loads(r["data"])) for r in rows]

    def search(
        self,
        query: Query,
        *,
        source: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        prefilter, params = _compile(query.root)
        where, filter_params = _filters(source, since, alias="a.")
        sql = (
            f"SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
            f"WHERE ({prefilter}) {where.replace('WHERE', 'AND')}"
        )
        with self._lock:
            rows = self._db.execute(sql, (*params, *filter_params)).fetchall()
        return rank_and_snippet(query, [_article(r) for r in rows], limit)

    def articles(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredArticle]:
        where, params = _filters(source, since)
        yield from self._select(f"{where} ORDER BY published_at, id", params)

    def changes(self, after: int = 0, limit: int = 500) -> list[Change]:
        with self._lock:
            rows = self._db.execute(
                "SELECT c.seq, c.kind, a.* FROM changes c JOIN articles a ON a.id = c.article_id "
                "WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return [Change(r["seq"], Outcome(r["kind"]), _article(r)) for r in rows]

    def count(self, source: str | None = None) -> int:
        where, params = _filters(source, None)
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _select(self, tail: str, params: tuple[object, ...]) -> list[StoredArticle]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM articles {tail}", params).fetchall()
        return [_article(r) for r in rows]


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _row_values(article: Article, **bookkeeping: object) -> dict[str, object]:
    """A row for the articles table: the item's fields plus the store's own bookkeeping."""
    data = {name: getattr(article, name, None) for name in _COLUMNS}
    data.update(
        published_at=iso(article.published_at),
        published_precision=str(article.published_precision),
        **bookkeeping,
    )
    return {
        k: json.dumps(v, ensure_ascii=False) if k in _JSON_COLUMNS else v for k, v in data.items()
    }


def _decode(data: dict[str, object]) -> dict[str, object]:
    return {k: json.loads(v) if k in _JSON_COLUMNS else v for k, v in data.items()}


def _article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(**_decode({name: row[name] for name in _COLUMNS}))


def _filters(
    source: str | None, since: datetime | None, alias: str = ""
) -> tuple[str, tuple[object, ...]]:
    clauses, params = [], []
    if source:
        clauses.append(f"{alias}source = ?")
        params.append(source)
    if since:
        clauses.append(f"{alias}published_at >= ?")
        params.append(iso(since))
    return ("WHERE " + " AND ".join(clauses) if clauses else "", tuple(params))


def _compile(node: Node) -> tuple[str, list[str]]:
    """A SQL prefilter that admits every true match (exactness is decided in Python).

    NOT and context exclusions are left to the exact pass: a prefilter may only widen.
    """
    match node:
        case Term(text=text):
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return "(f.title LIKE ? ESCAPE '\\' OR f.body LIKE ? ESCAPE '\\')", [pattern, pattern]
        case And(parts) | Or(parts):
            compiled = [_compile(p) for p in parts]
            joiner = " AND " if isinstance(node, And) else " OR "
            return joiner.join(f"({sql})" for sql, _ in compiled), [
                p for _, ps in compiled for p in ps
            ]
        case Not():
            return "1", []
    raise TypeError(node)
