"""The embedded article store: one SQLite file, an FTS5 bigram index, an append-only feed.

Search index: Chinese is unsegmented and users search for exact substrings (钱塘 must find
钱塘区; 数字经济 must not match 数字…经济), of any length, one character included. So the
contentless FTS5 table ``grams`` holds the bigram starting at every character of the
normalised title and body (``ascii`` tokenizer; punctuation and spaces mapped to private-use
characters so that nothing is dropped; the last bigram closed by an end mark), with
positions: a term is a phrase of its bigrams, and a phrase match is exactly a substring
match; a one-character term is a bigram prefix. The text itself is stored once, compressed,
in ``articles``; old versions are zlib deltas against the next version.

One-character terms: FTS5 merges the entries of every bigram a character starts before it
returns one match, which for a common character costs as much as reading thousands of
articles. So a title's characters are also tokens of their own, which give the title hits,
and the other hits are found by reading the newest articles while enough of them hold the
character, by the prefix (cheap for a rarer one) after that.

Order without sorting: an article's rowid is its search key, ``day << 21 | s << 13 | n``
(the Asia/Shanghai publication day, the source's number, a number within the source's day),
so FTS5 hands matches out newest day first (``ORDER BY rowid DESC``) and the store sorts only
within one day. Date filters are rowid ranges; one pass over the index counts matches per
source and day. Source, channel and a token every article has (for NOT) are tokens of the
column ``m``, so filters are part of the match and counts never read an article.

Exactness: the index decides every query exactly except context exclusions (``钱塘 -钱塘江``
counts a 钱塘 only outside 钱塘江). For those the index gives a lower bound (no context at
all) and an upper bound (the term anywhere); only the articles in between are checked, in
SQL on the stored text when that is exact (ideographs, see ``textnorm``), else in Python. A
query that is one such term is counted as the upper bound less the articles where every
occurrence is covered: phrases learnt from samples (钱塘 followed by 区) prove most articles
in the index alone; the rest are read, or decided by the index's positions where that is
estimated cheaper.

Writing: a batch is one transaction. What depends on the articles alone (normal forms,
bigrams, compression) is made before it; index writes go in rowid order at its end; the WAL
is checkpointed beside the writer (``_Checkpointer``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import re
import sqlite3
import threading
import time
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any, TypeVar

from isal import isal_zlib

from model import sqlitefile
from model.article import Article
from model.clock import SHANGHAI, iso, now
from store.base import (
    Change,
    Counts,
    Outcome,
    SearchHit,
    StoredArticle,
    StoreError,
    Validators,
    article_id,
    highlight,
    in_input_order,
)
from store.query import And, Node, Not, Or, Query, Term
from store.textnorm import is_ideographs, normalize, normalize_noting_raw

SCHEMA_VERSION = 4
GRAMS_VERSION = 5  # how text becomes tokens; a change rebuilds the index (5: jamo, ﾞ, _FOREIGN)
REVISION_TTL = 0.1  # seconds before revision() sees another process's commit
WAL_BACKSTOP = 16384  # pages (64 MiB) of WAL before a commit checkpoints it itself
TIDY_PAGES = 500  # index pages merged in one transaction of tidy(): tens of milliseconds
CHECKPOINTER_IDLE = 5.0  # seconds without a commit before the checkpoint thread ends
SCAN_FIRST = 32  # articles read before a one-character term's share of them is judged
SCAN_SHARE = 8  # reading goes on while at least one in this many holds the character
PROOF_SAMPLE = 24  # articles read to learn what surrounds a term outside its contexts
PROOF_SHARE = 4  # a phrase is kept while it proves at least one in this many of its sample
PROOF_PHRASES = 8  # at most, per term: each round costs up to one more pass over its index
PROOF_ENOUGH = 300  # articles left unproven that are read in about the time of another round
# checking an article for a term, in index positions read at the same cost: as stored, and
# normalised first (see _positions_cheaper)
CHECK_RAW, CHECK_NORMALISED = 25, 180
NUMBER_BITS = 13  # articles a day from one source: 8,192
SOURCE_BITS = 8  # sources, numbered from 1: 255 (every bit costs the index's rowid deltas)
SLOT_BITS = SOURCE_BITS + NUMBER_BITS  # below the day in a rowid
SOURCE_MASK = (1 << SOURCE_BITS) - 1
EPOCH = date(1900, 1, 1)  # day 0 of the search key
INDEX_TUNING = {  # FTS5 options: a batch is one in-memory segment, merged 16 at a time
    "hashsize": 32 << 20,
    "automerge": 16,
    "crisismerge": 64,
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid         INTEGER PRIMARY KEY,  -- the search key: day << 21 | source << 13 | n
    id            TEXT NOT NULL UNIQUE,
    url           TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    channel       TEXT,
    title         TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    published_precision TEXT NOT NULL DEFAULT 'minute',
    origin        TEXT,
    authors       TEXT NOT NULL,
    contributors  TEXT NOT NULL,
    editor        TEXT,
    images        TEXT NOT NULL,
    extraction    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    raw_exact     INTEGER NOT NULL,  -- ideographs match the stored title and body as they are
    body          BLOB NOT NULL      -- zlib of UTF-8, and last: the other columns stay on the
                                     -- row's first page
);
CREATE INDEX IF NOT EXISTS articles_by_time ON articles (published_at);
CREATE INDEX IF NOT EXISTS articles_by_source ON articles (source, published_at);
CREATE TABLE IF NOT EXISTS article_versions (  -- superseded versions only
    article_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    data         BLOB NOT NULL,  -- the record's JSON, zlib against the next version's text
    PRIMARY KEY (article_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (n INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS store_meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5 (
    b, t, m, tokenize = 'ascii', content = '', columnsize = 0
);
"""

_COLUMNS = [f.name for f in dataclasses.fields(StoredArticle)]  # the record, column for column
_STORED = [*_COLUMNS, "etag", "last_modified", "raw_exact"]  # every column of articles but rowid
_JSON_COLUMNS = {"authors", "contributors", "images", "extraction"}
_TEXT = "{b t}"  # title and body columns of ``grams``
_ALL = 'm : "\U000f1001"'  # every article has this token
_END = "\U000f1000"  # closes the last bigram of a text
_SEPARATOR = re.compile(r"[^0-9a-z\x80-\U0010ffff]")  # ASCII the tokenizer would drop
_MOVED = {c: chr(0xF0000 + c) for c in range(128) if _SEPARATOR.match(chr(c))}
_COMMON_SEPARATORS = ", .%+();?:!-/\"'"  # the most frequent in normalised news text
# The index's own characters (moved separators, the end mark): in a text, each is indexed as
# _FOREIGN instead, and a term holding one is matched exactly by reading (see _match)
_RESERVED = re.compile("[\U000f0000-\U000f10ff]")
_FOREIGN = "\U000f1003"
_NOTHING = 'm : "\U000f1004"'  # no article has this token
_POSITIONS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_at USING fts5vocab(main, grams, instance)"
)
_TERM_TOTALS = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_row USING fts5vocab(main, grams, row)"
_PAIRS = "CREATE TEMP TABLE IF NOT EXISTS pairs (rowid INTEGER PRIMARY KEY)"
_AT = "(doc << 25) + ((col = 't') << 24) + offset"  # an occurrence; bodies are far below 2**24
_ALL_COVERED = f"""
SELECT rowid >> {NUMBER_BITS}, count(*) FROM temp.pairs WHERE rowid NOT IN (
    SELECT doc FROM temp.grams_at WHERE term = ?1 AND doc IN (SELECT rowid FROM temp.pairs)
    AND {_AT} NOT IN (
        SELECT {_AT} + ?2 FROM temp.grams_at WHERE term = ?3 AND offset + ?2 >= 0
        AND doc IN (SELECT rowid FROM temp.pairs)
    )
) GROUP BY 1"""  # per day and source: the pairs in which every occurrence of ?1 is covered

T = TypeVar("T")
log = logging.getLogger(__name__)


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """SQLite and OS failures become one StoreError naming the file; a lock held by another
    process is waited for (busy_timeout), then retried with backoff."""

    @functools.wraps(method)
    def guarded(self: SqliteStore, *args: Any, **kwargs: Any) -> T:
        for attempt in range(self.retries + 1):
            try:
                return method(self, *args, **kwargs)
            except sqlite3.OperationalError as e:
                if _code(e) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise self._error(e) from None
                if attempt == self.retries:
                    waited = (self.retries + 1) * self.busy_timeout
                    raise StoreError(
                        f"{self.path} is locked by another process (waited {waited:.1f} s "
                        f"over {self.retries + 1} attempts); nothing was written. Is another "
                        "tidewatch writing to it? Try again once it has finished."
                    ) from None
                time.sleep(0.05 * 2**attempt)
            except (sqlite3.Error, OSError) as e:
                raise self._error(e) from None
        raise AssertionError("unreachable")

    return guarded


def _code(e: sqlite3.Error) -> int:
    return getattr(e, "sqlite_errorcode", 0) & 0xFF  # the primary result code


class SqliteStore:
    """ArticleStore on SQLite. Safe to share between threads; each batch is one transaction."""

    def __init__(self, path: Path, *, busy_timeout: float = 10.0, retries: int = 3) -> None:
        self.path = Path(path)
        self.busy_timeout, self.retries = busy_timeout, retries
        self._commits = 0
        self._data_version, self._data_version_until = 0, 0.0
        self._watch: sqlite3.Connection | None = None  # asked for data_version only
        self._revision_lock = threading.Lock()
        self._index_writes: list[tuple[int, int, tuple[str, str, str]]] = []
        self._lock = threading.RLock()
        self._checkpointer = _Checkpointer(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._error(e) from None
        self._open()

    @_guarded
    def _open(self) -> None:
        # WAL + NORMAL (the opener's default): durable across crashes
        self._db = sqlitefile.connect(self.path, busy_timeout=self.busy_timeout)
        try:
            self._db.create_function("body_text", 1, _text, deterministic=True)
            self._db.execute("PRAGMA cache_size = -32000")  # 32 MB: the index's hot pages
            self._db.execute(f"PRAGMA wal_autocheckpoint = {WAL_BACKSTOP}")  # see _Checkpointer
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def _error(self, e: BaseException) -> StoreError:
        if isinstance(e, OSError) and not isinstance(e, sqlite3.Error):
            return StoreError(f"{self.path}: {e.strerror or e} (the store could not be opened)")
        code = _code(e) if isinstance(e, sqlite3.Error) else 0
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(e):
            return StoreError(
                f"{self.path}: the disk is full; this batch was not written (earlier ones are "
                "kept). Free some space, then crawl again."
            )
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or (
            isinstance(e, sqlite3.DatabaseError)
            and ("not a database" in str(e) or "malformed" in str(e))
        ):
            return StoreError(
                f"{self.path} is not a readable Tidewatch store (SQLite: {e}). Restore it from a "
                "backup, or move it aside to start an empty store; Tidewatch cannot repair it."
            )
        if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR):
            return StoreError(f"{self.path}: {e} (check the file's directory and permissions)")
        return StoreError(f"{self.path}: {e}")

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema {version}, newer than this Tidewatch ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION and self._meta("grams") == GRAMS_VERSION:
            if self._untuned():
                with self._lock, self._transaction():
                    self._tune_index()
            return
        with self._lock, self._transaction():
            if version in (1, 2):
                if version == 1:
                    self._db.execute(
                        "ALTER TABLE articles ADD COLUMN published_precision TEXT NOT NULL "
                        "DEFAULT 'minute'"
                    )
                self._from_schema_2()
            elif version == 3:
                self._from_schema_3()
            elif version == 0:
                self._create()
            else:
                self._rebuild_index()
            self._tune_index()
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _untuned(self) -> dict[str, int]:
        current = dict(self._db.execute("SELECT k, v FROM grams_config").fetchall())
        return {k: v for k, v in INDEX_TUNING.items() if current.get(k) != v}

    def _tune_index(self) -> None:
        for name, value in self._untuned().items():
            self._db.execute("INSERT INTO grams (grams, rank) VALUES (?, ?)", (name, value))

    def _meta(self, name: str) -> object:
        try:
            row = self._db.execute(
                "SELECT value FROM store_meta WHERE name = ?", (name,)
            ).fetchone()
        except sqlite3.OperationalError:
            return None  # no such table yet
        return row[0] if row else None

    def _create(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)
        self._db.execute("INSERT OR REPLACE INTO store_meta VALUES ('grams', ?)", (GRAMS_VERSION,))

    def _from_schema_2(self) -> None:
        """Schema 2 (trigram FTS with a copy of the text, every version as full JSON) to 3:
        articles re-keyed and re-indexed, superseded versions compressed, the copy dropped."""
        db = self._db
        for statement in (
            "DROP INDEX IF EXISTS articles_by_time",
            "DROP INDEX IF EXISTS articles_by_source",
            "DROP TABLE IF EXISTS articles_fts",
            "ALTER TABLE articles RENAME TO articles_v2",
            "ALTER TABLE article_versions RENAME TO article_versions_v2",
        ):
            db.execute(statement)
        self._create()
        for row in db.execute("SELECT * FROM articles_v2 ORDER BY published_at, rowid").fetchall():
            self._insert(_record(row), row["etag"], row["last_modified"])
        old = db.execute(
            "SELECT v.*, a.version AS current FROM article_versions_v2 v JOIN articles a "
            "ON a.id = v.article_id ORDER BY v.article_id, v.version DESC"
        ).fetchall()
        successor: dict[str, object] = {}
        for row in old:  # newest first, so each version's successor is the row before it
            record = json.loads(row["data"])
            if row["version"] < row["current"]:
                db.execute(
                    "INSERT INTO article_versions VALUES (?, ?, ?, ?, ?)",
                    (*tuple(row)[:4], _delta(record, successor)),
                )
            successor = record
        db.execute("DROP TABLE articles_v2")
        db.execute("DROP TABLE article_versions_v2")

    def _from_schema_3(self) -> None:
        """Schema 3 to 4: the source's number joins the rowid (``day << 16 | n`` becomes
        ``day << 21 | s << 13 | n``), so that one pass over the index counts every source."""
        db = self._db
        for statement in (
            "DROP INDEX articles_by_time",
            "DROP INDEX articles_by_source",
            "ALTER TABLE articles RENAME TO articles_v3",
        ):
            db.execute(statement)
        self._create()
        db.execute("INSERT INTO sources (name) SELECT DISTINCT source FROM articles_v3")
        (sources,) = db.execute("SELECT max(n) FROM sources").fetchone()
        (busiest,) = db.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM articles_v3 "
            "GROUP BY rowid >> 16, source)"
        ).fetchone()
        if (sources or 0) > SOURCE_MASK or (busiest or 0) > 1 << NUMBER_BITS:
            raise StoreError(
                f"{self.path}: {sources} sources, or {busiest} articles from one source on one "
                f"day: more than this schema numbers ({SOURCE_MASK:,}; {1 << NUMBER_BITS:,})"
            )
        number = "row_number() OVER (PARTITION BY a.rowid >> 16, a.source ORDER BY a.rowid) - 1"
        key = f"((a.rowid >> 16) << {SLOT_BITS}) | (s.n << {NUMBER_BITS}) | ({number})"
        db.execute(
            f"INSERT INTO articles (rowid, {', '.join(_STORED)}) SELECT {key}, "
            f"{', '.join(f'a.{c}' for c in _STORED)} FROM articles_v3 a "
            "JOIN sources s ON s.name = a.source ORDER BY 1"
        )
        db.execute("DROP TABLE articles_v3")
        self._rebuild_index()

    def _rebuild_index(self) -> None:
        """Every article's tokens again, in rowid order and a thousand at a time: a year of
        articles' tokens would not fit in memory at once."""
        db = self._db
        db.execute("INSERT INTO grams (grams) VALUES ('delete-all')")
        rows = db.execute("SELECT rowid, title, body, source, channel FROM articles ORDER BY 1")
        while chunk := rows.fetchmany(1000):
            db.executemany(
                "INSERT INTO grams (rowid, b, t, m) VALUES (?, ?, ?, ?)",
                ((row["rowid"], *_grams(row)) for row in chunk),
            )
        db.execute("INSERT OR REPLACE INTO store_meta VALUES ('grams', ?)", (GRAMS_VERSION,))

    def _transaction(self) -> _Transaction:
        self._index_writes = []  # none left over from a transaction rolled back
        return _Transaction(self._db, self._write_index, self._committed)

    def _committed(self) -> None:
        self._commits += 1
        self._checkpointer.wake()

    def revision(self) -> int:
        """Changes whenever articles are committed to the file: by this process at once
        (``_commits``), by another within ``REVISION_TTL`` (SQLite's data_version, asked on
        a connection of its own: on the store's, fifty web requests queued behind whatever
        search or count held it)."""
        moment = time.monotonic()
        # one thread asks; the others meanwhile answer with what it last found, instead of
        # queueing behind it while it waits for the GIL back
        if moment >= self._data_version_until and self._revision_lock.acquire(blocking=False):
            try:
                if self._watch is None:
                    self._watch = sqlite3.connect(self.path, check_same_thread=False)
                (self._data_version,) = self._watch.execute("PRAGMA data_version").fetchone()
                self._data_version_until = moment + REVISION_TTL
            finally:
                self._revision_lock.release()
        return self._data_version << 32 | self._commits

    # -- writing ----------------------------------------------------------------------------

    def upsert(
        self, article: Article, *, etag: str | None = None, last_modified: str | None = None
    ) -> Outcome:
        validators = {"etag": etag, "last_modified": last_modified}
        aid = article_id(article.url)
        return self._upsert_batch({aid: (article, validators)})[aid]

    def upsert_many(self, articles: list[Article]) -> list[Outcome]:
        """One transaction for the batch: every outcome is committed, or none (StoreError)."""
        latest = {article_id(a.url): (a, a.validators) for a in articles}
        return in_input_order(articles, self._upsert_batch(latest))

    @_guarded
    def _upsert_batch(
        self, batch: dict[str, tuple[Article, dict[str, str | None]]]
    ) -> dict[str, Outcome]:
        seen = iso(now())
        with self._lock:
            prepared = self._prepared({aid: a for aid, (a, _) in batch.items()})  # before BEGIN
            with self._transaction():
                return {
                    aid: self._write(a, p, seen, v.get("etag"), v.get("last_modified"))
                    for (aid, (a, v)), p in zip(batch.items(), prepared, strict=True)
                }

    def _prepared(self, articles: dict[str, Article]) -> list[_Prepared]:
        """What each write needs that depends on the article alone, made before the batch's
        transaction, so that it holds the file's write lock for SQL alone; rows only for
        articles not stored as they are, which a re-crawl mostly finds."""
        stored = dict(
            self._db.execute(
                "SELECT id, content_hash FROM articles WHERE id IN "
                "(SELECT value FROM json_each(?))",
                (json.dumps(list(articles)),),
            ).fetchall()
        )
        prepared = []
        for aid, article in articles.items():
            content_hash = article.content_hash()
            row = None if stored.get(aid) == content_hash else _row(_row_values(article))
            prepared.append(_Prepared(aid, content_hash, row))
        return prepared

    def _write(
        self,
        article: Article,
        prepared: _Prepared,
        seen: str,
        etag: str | None,
        last_modified: str | None,
    ) -> Outcome:
        aid, content_hash = prepared.id, prepared.content_hash
        old = self._db.execute("SELECT * FROM articles WHERE id = ?", (aid,)).fetchone()
        if old and old["content_hash"] == content_hash:
            self._db.execute(
                "UPDATE articles SET last_seen = ?, etag = coalesce(?, etag), "
                "last_modified = coalesce(?, last_modified) WHERE rowid = ?",
                (seen, etag, last_modified, old["rowid"]),
            )
            return Outcome.UNCHANGED
        row = prepared.row or _row(_row_values(article))  # another process stored it meanwhile
        values = {
            **row.values,
            "id": aid,
            "content_hash": content_hash,
            "first_seen": old["first_seen"] if old else seen,
            "last_seen": seen,
            "version": old["version"] + 1 if old else 1,
        }
        if old:
            self._archive(old, values)
            self._unindex(old)
            self._db.execute("DELETE FROM articles WHERE rowid = ?", (old["rowid"],))
        self._insert(values, etag, last_modified, keep=old["rowid"] if old else None, row=row)
        outcome = Outcome.UPDATED if old else Outcome.NEW
        self._db.execute(
            "INSERT INTO changes (article_id, version, kind, at) VALUES (?, ?, ?, ?)",
            (aid, values["version"], outcome.value, seen),
        )
        return outcome

    def _insert(
        self,
        values: dict[str, object],
        etag: str | None,
        last_modified: str | None,
        keep: int | None = None,
        row: _Row | None = None,
    ) -> None:
        row = row or _row(values)
        key = self._key(values, keep)
        self._db.execute(
            f"INSERT INTO articles (rowid, {', '.join(_STORED)}) VALUES (?{', ?' * len(_STORED)})",
            (
                key,
                *(row.body if n == "body" else values[n] for n in _COLUMNS),
                etag,
                last_modified,
                int(row.raw_exact),
            ),
        )
        self._index_writes.append((key, 1, row.grams))

    def _key(self, values: dict[str, object], keep: int | None) -> int:
        """The article's rowid: its publication day, the next free number that day, and its
        source's number."""
        published_at, url = str(values["published_at"]), values["url"]
        try:
            day = (date.fromisoformat(published_at[:10]) - EPOCH).days
        except ValueError:
            raise StoreError(f"{self.path}: {url}: published_at {published_at!r}") from None
        if day < 0:
            raise StoreError(f"{self.path}: {url}: published_at {published_at} is before 1900")
        source = self._source_number(str(values["source"]))
        low = day << SLOT_BITS | source << NUMBER_BITS
        if keep is not None and keep >> NUMBER_BITS == low >> NUMBER_BITS:
            return keep
        (last,) = self._db.execute(
            "SELECT max(rowid) FROM articles WHERE rowid >= ? AND rowid < ?",
            (low, low + (1 << NUMBER_BITS)),
        ).fetchone()
        key = low if last is None else last + 1
        if key >> NUMBER_BITS != low >> NUMBER_BITS:
            raise StoreError(
                f"{self.path}: more than {1 << NUMBER_BITS:,} articles from {values['source']} on "
                f"{published_at[:10]}"
            )
        return key

    def _source_number(self, name: str) -> int:
        """The source's number in rowids, given to a new source by the write that brings it."""
        row = self._db.execute("SELECT n FROM sources WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        number = self._db.execute("INSERT INTO sources (name) VALUES (?)", (name,)).lastrowid
        if not number or number > SOURCE_MASK:
            raise StoreError(f"{self.path}: {name}: more than {SOURCE_MASK:,} sources")
        return number

    def _unindex(self, row: sqlite3.Row) -> None:
        """Contentless FTS5 forgets a row given exactly the tokens it was indexed with."""
        self._index_writes.append((row["rowid"], 0, _grams(row)))

    def _write_index(self) -> None:
        """The transaction's index writes, in rowid order (a row's delete before its insert).
        FTS5 flushes its in-memory segment whenever a rowid arrives out of order, so writing
        a batch as it came (publication days at random) would cost one segment per article."""
        writes, self._index_writes = sorted(self._index_writes, key=lambda w: w[:2]), []
        for insert, run in groupby(writes, key=lambda w: w[1]):
            if insert:
                sql = "INSERT INTO grams (rowid, b, t, m) VALUES (?, ?, ?, ?)"
            else:
                sql = "INSERT INTO grams (grams, rowid, b, t, m) VALUES ('delete', ?, ?, ?, ?)"
            self._db.executemany(sql, ((rowid, *grams) for rowid, _, grams in run))

    def _archive(self, old: sqlite3.Row, successor: dict[str, object]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO article_versions VALUES (?, ?, ?, ?, ?)",
            (old["id"], old["version"], old["content_hash"], old["last_seen"],
             _delta(_record(old), successor)),
        )  # fmt: skip

    @_guarded
    def tidy(self, seconds: float) -> bool:
        """Merges the index's segments, TIDY_PAGES a transaction. Batches leave up to 15
        segments a level (``automerge`` 16 keeps the writes fast), and every query reads each
        of them: merged down to a few, counts of common terms take a third less."""
        deadline = time.monotonic() + seconds
        with self._lock:
            while True:
                before = self._db.total_changes
                with self._transaction():
                    self._db.execute(
                        "INSERT INTO grams (grams, rank) VALUES ('merge', ?)", (TIDY_PAGES,)
                    )
                if self._db.total_changes - before < 2:  # FTS5: the merge found no work
                    return True
                if time.monotonic() >= deadline:
                    return False

    @_guarded
    def touch(self, url: str) -> bool:
        """Record that an unchanged article was seen again (e.g. answered 304)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE articles SET last_seen = ? WHERE id = ?", (iso(now()), article_id(url))
            )
            return cursor.rowcount > 0

    # -- reading ----------------------------------------------------------------------------

    @_guarded
    def validators(self, url: str) -> Validators | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM articles WHERE id = ?", (article_id(url),)
            ).fetchone()
        return Validators(row["etag"], row["last_modified"]) if row else None

    def get(self, article_id: str) -> StoredArticle | None:
        rows = self._select("WHERE id = ?", (article_id,))
        return rows[0] if rows else None

    @_guarded
    def versions(self, article_id: str) -> list[dict[str, object]]:
        """Every recorded version of an article, oldest first, the current one last."""
        with self._lock:
            old = self._db.execute(
                "SELECT data FROM article_versions WHERE article_id = ? ORDER BY version",
                (article_id,),
            ).fetchall()
            current = self._db.execute(
                "SELECT * FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        if not current:
            return []
        records = [_record(current)]
        for row in reversed(old):  # each old version is stored against the next one
            records.append(_undelta(row["data"], records[-1]))
        return [_decode(r) for r in reversed(records)]

    @_guarded
    def search(
        self,
        query: Query,
        *,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Streams candidates in page order (title hits, then the rest, newest first) and stops
        when the page is full; snippets are built for the page only."""
        plan = _Plan(query, source, channel, since, until)
        hits: list[SearchHit] = []
        with self._lock:
            for rowid, needs_check in self._page_order(plan):
                if len(hits) == limit:
                    break
                if not needs_check and offset:
                    offset -= 1
                    continue
                article = self._by_rowid(rowid)
                hit = highlight(query, article)
                if hit is None or (needs_check and not plan.in_tier(hit, rowid)):
                    continue
                if offset:
                    offset -= 1
                    continue
                hits.append(hit)
        return hits

    def _page_order(self, plan: _Plan) -> Iterator[tuple[int, bool]]:
        """(rowid, must be checked) in page order. Checked rows are hits only if the exact
        match agrees, and in the tier it is being read for."""
        if plan.character is not None:
            yield from self._character_order(plan, plan.character)
            return
        if plan.title is not None:
            plan.tier = 1
            exact = plan.exact
            yield from (
                (r, not exact) for r in self._ordered(f"({plan.upper}) AND ({plan.title})", plan)
            )
        plan.tier = 2
        if plan.title is not None and plan.exact:
            rest = f"({plan.upper}) NOT ({plan.title})"
            yield from ((r, False) for r in self._ordered(rest, plan))
        else:
            yield from ((r, True) for r in self._ordered(plan.upper, plan))  # fmt: skip

    def _character_order(self, plan: _Plan, character: str) -> Iterator[tuple[int, bool]]:
        """A one-character term: title hits by the title's characters, then the rest, newest
        first, found by reading the newest articles while enough of them hold it. For a
        common character, FTS5 would first merge the entries of every bigram it starts, which
        costs about as much as reading 5,000 articles; for a rarer one that merge is cheap,
        and it takes over from the reading."""
        plan.tier = 1
        yield from ((r, False) for r in self._ordered(plan.title, plan))
        plan.tier = 2
        read, held = set(), 0
        for rowid in self._ordered(f"{_ALL} NOT ({plan.title})", plan):
            if len(read) >= SCAN_FIRST and held * SCAN_SHARE < len(read):
                break
            read.add(rowid)
            (body,) = self._db.execute(
                "SELECT body FROM articles WHERE rowid = ?", (rowid,)
            ).fetchone()
            if character in normalize(_text(body)):
                held += 1
                yield rowid, False
        else:
            return
        rest = f"({plan.upper}) NOT ({plan.title})"
        yield from ((r, False) for r in self._ordered(rest, plan) if r not in read)

    def _ordered(self, expr: str, plan: _Plan) -> Iterator[int]:
        """Matching rowids, newest first, then by id (the contract's total order): FTS5 gives
        whole days in order, one day is sorted."""
        time_sql, time_params = plan.time_sql
        raw_sql, raw_params = "", []
        if plan.raw_sql is not None:  # candidates that cannot match never leave SQL
            raw_sql, raw_params = f" AND (NOT a.raw_exact OR {plan.raw_sql[0]})", plan.raw_sql[1]
        cursor = self._db.execute(
            "SELECT g.rowid, a.published_at, a.id FROM grams g JOIN articles a "
            f"ON a.rowid = g.rowid WHERE grams MATCH ? {time_sql}{raw_sql} ORDER BY g.rowid DESC",
            (plan.filtered(expr), *time_params, *raw_params),
        )
        day, group = None, []
        for rowid, published_at, aid in cursor:
            if rowid >> SLOT_BITS != day:
                yield from _newest_first(group)
                day, group = rowid >> SLOT_BITS, []
            group.append((published_at, aid, rowid))
        yield from _newest_first(group)

    @_guarded
    def count_matches(
        self,
        query: Query,
        *,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Counts:
        by_source = {
            s: n
            for s, per_day in self._per_day(query, source, channel, since, until).items()
            if (n := sum(per_day.values()))
        }
        return Counts(sum(by_source.values()), by_source, exact=True)

    @_guarded
    def trend(
        self,
        query: Query,
        *,
        bucket: str = "day",
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, dict[str, int]]:
        if bucket not in ("day", "month"):
            raise ValueError(f"bucket must be 'day' or 'month', not {bucket!r}")
        width = 10 if bucket == "day" else 7
        out: dict[str, Counter[str]] = {}
        for src, per_day in self._per_day(query, source, channel, since, until).items():
            for day, n in per_day.items():
                out.setdefault(_day_label(day)[:width], Counter())[src] += n
        return {label: dict(out[label]) for label in sorted(out)}

    def _per_day(
        self,
        query: Query,
        source: str | None,
        channel: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> dict[str, Counter[int]]:
        """Exact matches per source and publication day, by count queries on the index."""
        plan = _Plan(query, source, channel, since, until)
        with self._lock:
            root = query.root
            if isinstance(root, Term) and root.unless_in and not _reserved(root):
                return self._excluding(root, plan)
            counts = self._days(plan.lower, plan)
            if not plan.exact:
                for src, day in self._checked(plan, *plan.time_sql):
                    counts.setdefault(src, Counter())[day] += 1
        return counts

    def _days(self, expr: str, plan: _Plan) -> dict[str, Counter[int]]:
        """Articles matching ``expr`` per source and publication day: one count query."""
        time_sql, time_params = plan.time_sql
        rows = self._db.execute(
            f"SELECT g.rowid >> {NUMBER_BITS}, count(*) FROM grams g WHERE grams MATCH ? "
            f"{time_sql} GROUP BY 1",
            (plan.filtered(expr), *time_params),
        )
        return self._per_source(rows)

    def _per_source(self, rows: Iterable[tuple[int, int]]) -> dict[str, Counter[int]]:
        """(rowid >> NUMBER_BITS, articles), that is (day and source, articles), as articles
        per source name and day: one sorting key is cheaper for SQLite to group by than two."""
        names = dict(self._db.execute("SELECT n, name FROM sources"))
        counts: dict[str, Counter[int]] = {}
        for key, n in rows:
            counts.setdefault(names[key & SOURCE_MASK], Counter())[key >> SOURCE_BITS] = n
        return counts

    def _excluding(self, term: Term, plan: _Plan) -> dict[str, Counter[int]]:
        """``T -C…``: every article with T, less those in which each occurrence of T is part of
        a context. Those are among the articles with T and a context that no phrase learnt by
        ``_learn`` proves; they are read (``_covered``), or found by the index's
        positions (``_covered_at``) where that is estimated cheaper."""
        counts = self._days(plan.upper, plan)
        with_term = sum(sum(c.values()) for c in counts.values())
        learnt = self._learn(term, plan, with_term)
        neighbour = _neighbour(plan.query)
        if learnt.covered is not None:
            covered = learnt.covered
        elif neighbour and self._positions_cheaper(neighbour, learnt, plan, with_term):
            covered = self._covered_at(neighbour, plan)
        else:
            covered = _covered(term, self._read(plan, _unproven(term, learnt.phrases), None))
        for src, day, n in covered:
            counts[src][day] -= n
        return {src: +found for src, found in counts.items() if +found}

    def _learn(self, term: Term, plan: _Plan, with_term: int) -> _Learnt:
        """Phrases that prove an occurrence of ``term`` outside all its contexts: the term with
        the character found most often after (or before) such occurrences, where no context
        has that character. Learnt in rounds, each from the newest articles with the term and a
        context that the phrases so far do not prove, while a phrase proves a quarter of them
        and more than PROOF_ENOUGH of the ``with_term`` articles may be left; a round that
        finds fewer than PROOF_SAMPLE has read all of them, and decides them."""
        phrases: list[str] = []
        share = 1.0  # of the articles with the term and a context, left unproven
        while True:
            sample = list(self._read(plan, _unproven(term, phrases), PROOF_SAMPLE))
            if len(sample) < PROOF_SAMPLE:
                return _Learnt(tuple(phrases), _covered(term, sample), 0.0, 0.0)
            tally = Counter(k for *_, texts in sample for k in _surroundings(term, *texts))
            (side, char), proven = tally.most_common(1)[0] if tally else (("", ""), 0)
            few_left = share * with_term <= PROOF_ENOUGH
            if len(phrases) == PROOF_PHRASES or proven * PROOF_SHARE < len(sample) or few_left:
                occurrences = sum(t.count(term.text) for *_, texts in sample for t in texts)
                return _Learnt(tuple(phrases), None, share, occurrences / len(sample))
            phrases.append(_phrase(term.text + char if side == "after" else char + term.text))
            share *= (len(sample) - proven + 1) / (len(sample) + 2)  # never 0 from a sample

    def _read(
        self, plan: _Plan, expr: str, limit: int | None
    ) -> Iterator[tuple[str, int, tuple[str, str]]]:
        """(source, day, (title, body)) of the articles matching ``expr``, newest first: as
        stored where the query's terms can be looked for in them (``plan.raw_sql``, and the
        article's ``raw_exact``), else normalised."""
        time_sql, time_params = plan.time_sql
        rows = self._db.execute(
            "SELECT a.source, g.rowid, a.raw_exact, a.title, a.body FROM grams g JOIN articles "
            f"a ON a.rowid = g.rowid WHERE grams MATCH ? {time_sql} ORDER BY g.rowid DESC"
            + (f" LIMIT {limit}" if limit else ""),
            (plan.filtered(expr), *time_params),
        )
        raw = plan.raw_sql is not None
        for src, rowid, raw_exact, title, body in rows:
            texts = (title, _text(body))
            if not (raw and raw_exact):
                texts = (normalize(texts[0]), normalize(texts[1]))
            yield src, rowid >> SLOT_BITS, texts

    def _positions_cheaper(
        self,
        neighbour: tuple[str, str, int],
        learnt: _Learnt,
        plan: _Plan,
        with_term: int,
    ) -> bool:
        """Whether comparing the two bigrams' positions (all of them, in the whole index)
        costs less than reading the articles that the phrases leave unproven. Those are among
        the ``with_term`` articles with T (filtered) and with the context's other bigram (in
        the whole index); T's positions are estimated from the sample."""
        self._db.execute(_TERM_TOTALS)
        (docs, positions) = self._db.execute(
            "SELECT doc, cnt FROM temp.grams_row WHERE term = ?", (neighbour[1],)
        ).fetchone() or (0, 0)
        positions += learnt.per_article * with_term
        check = CHECK_RAW if plan.raw_sql is not None else CHECK_NORMALISED
        return positions < min(docs, with_term) * learnt.unproven * check

    def _covered_at(
        self, neighbour: tuple[str, str, int], plan: _Plan
    ) -> list[tuple[str, int, int]]:
        """(source, day, articles) in which every occurrence of the two-character T is part of
        C, a character longer: among the articles that also have C's other bigram (counted
        into ``temp.pairs``), positions (fts5vocab) decide which, in one SQL statement: the
        rows never reach Python, which costs ~1 µs a row against SQLite's ~0.2."""
        term, context, step = neighbour
        time_sql, time_params = plan.time_sql
        both = f'({plan.upper}) AND {_TEXT} : "{context}"'  # a token already: no _safe again
        db = self._db
        db.execute(_POSITIONS)
        db.execute(_PAIRS)
        db.execute("DELETE FROM temp.pairs")
        db.execute(
            f"INSERT INTO temp.pairs SELECT g.rowid FROM grams g WHERE grams MATCH ? {time_sql}",
            (plan.filtered(both), *time_params),
        )
        per_source = self._per_source(db.execute(_ALL_COVERED, (term, -step, context)))
        return [(src, day, n) for src, days in per_source.items() for day, n in days.items()]

    def _checked(
        self, plan: _Plan, time_sql: str, time_params: tuple[object, ...]
    ) -> Iterator[tuple[str, int]]:
        """The articles between the bounds that really match: in SQL on the stored text where
        that is exact, else normalised in Python."""
        between = plan.filtered(f"({plan.upper}) NOT ({plan.lower})")
        head = (
            f"SELECT a.source, g.rowid >> {SLOT_BITS} FROM grams g JOIN articles a "
            "ON a.rowid = g.rowid WHERE grams MATCH ? "
        )
        if plan.raw_sql is not None:
            sql, params = plan.raw_sql
            yield from self._db.execute(
                f"{head} {time_sql} AND a.raw_exact AND ({sql})", (between, *time_params, *params)
            )
            time_sql += " AND NOT a.raw_exact"
        rows = self._db.execute(
            f"SELECT a.source, g.rowid, a.title, a.body FROM grams g JOIN articles a "
            f"ON a.rowid = g.rowid WHERE grams MATCH ? {time_sql}",
            (between, *time_params),
        )
        for src, rowid, title, body in rows:
            if plan.query.matches_text(normalize(title), normalize(_text(body))):
                yield src, rowid >> SLOT_BITS

    @_guarded
    def articles(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredArticle]:
        where, params = _filters(source, since)
        yield from self._select(f"{where} ORDER BY published_at, id", params)

    @_guarded
    def changes(self, after: int = 0, limit: int = 500) -> list[Change]:
        with self._lock:
            rows = self._db.execute(
                "SELECT c.seq, c.kind, a.* FROM changes c JOIN articles a ON a.id = c.article_id "
                "WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return [Change(r["seq"], Outcome(r["kind"]), _article(r)) for r in rows]

    @_guarded
    def count(self, source: str | None = None) -> int:
        where, params = _filters(source, None)
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()[0]

    @_guarded
    def counts_by_source(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY source"
            ).fetchall()
        return {source: n for source, n in rows}

    def close(self) -> None:
        self._checkpointer.close()
        with self._lock:
            self._db.close()
        with self._revision_lock:
            if self._watch is not None:
                self._watch.close()

    @_guarded
    def _select(self, tail: str, params: tuple[object, ...]) -> list[StoredArticle]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM articles {tail}", params).fetchall()
        return [_article(r) for r in rows]

    def _by_rowid(self, rowid: int) -> StoredArticle:
        return _article(
            self._db.execute("SELECT * FROM articles WHERE rowid = ?", (rowid,)).fetchone()
        )


class _Checkpointer:
    """Copies committed WAL pages back into the store's file on a thread and connection of
    its own, after each commit. A checkpoint is where SQLite (WAL, synchronous=NORMAL) syncs
    and writes every page a second time: in the commit, it was ~40 % of a batch's time; here
    it runs beside the next batch. Nothing depends on it for safety: the WAL already holds
    every commit, and the writer still checkpoints by itself past ``WAL_BACKSTOP`` pages
    (so a failure here, which is logged, also shows in the writer's own commits)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def wake(self) -> None:
        with self._guard:
            if self._closing:
                return
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"checkpoint {self.path}", daemon=True
                )
                self._thread.start()

    def close(self) -> None:
        with self._guard:
            self._closing = True
            self._wake.set()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        """Until the store closes, or no commit comes for ``CHECKPOINTER_IDLE`` seconds
        (a store dropped without close() leaves no thread behind for long)."""
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            while self._woken():
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as e:
                    log.warning("%s: checkpoint failed (the WAL keeps every commit): %s",
                                self.path, e)  # fmt: skip
        except sqlite3.Error as e:
            log.warning("%s: the checkpoint thread could not open the store: %s", self.path, e)
        finally:
            with self._guard:
                if self._thread is threading.current_thread():
                    self._thread = None  # the next commit starts another
            if db is not None:
                db.close()

    def _woken(self) -> bool:
        self._wake.wait(CHECKPOINTER_IDLE)
        with self._guard:  # decided under the guard: a wake() from now on starts a new thread
            if self._closing or not self._wake.is_set():
                self._thread = None
                return False
            self._wake.clear()
            return True


class _Transaction:
    """BEGIN IMMEDIATE … ``before_commit`` COMMIT, rolled back on any exception."""

    def __init__(
        self,
        db: sqlite3.Connection,
        before_commit: Callable[[], None],
        on_commit: Callable[[], None],
    ) -> None:
        self.db, self.before_commit, self.on_commit = db, before_commit, on_commit

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if not exc_type:
                self.before_commit()
                self.db.execute("COMMIT")
                self.on_commit()
        finally:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")


class _Plan:
    """A query compiled for the index: bounds, filters, tiers."""

    def __init__(
        self,
        query: Query,
        source: str | None,
        channel: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> None:
        self.query = query
        self.upper, self.lower = _match(query.root, upper=True), _match(query.root, upper=False)
        self.exact = self.upper == self.lower
        titles = [
            f'm : "{_meta("u", t.text)}"' if len(t.text) == 1 else f"t : {_phrase(t.text)}"
            for t in query.terms
        ]
        self.title = " OR ".join(f"({t})" for t in titles) if titles else None
        root = query.root
        self.character = (
            root.text if isinstance(root, Term) and len(root.text) == 1 and not root.unless_in
            and not _RESERVED.search(root.text) else None
        )  # fmt: skip
        self.source, self.channel = source, channel
        self.time_sql = _time_range(since, until)
        self.raw_sql = _raw_sql(query) if not self.exact else None
        self.tier = 1

    def filtered(self, expr: str) -> str:
        parts = [f"({expr})"]
        if self.source:
            parts.append(f'm : "{_meta("s", self.source)}"')
        if self.channel:
            parts.append(f'm : "{_meta("c", self.channel)}"')
        return " AND ".join(parts)

    def in_tier(self, hit: SearchHit, rowid: int) -> bool:
        return bool(hit.title_highlights) == (self.tier == 1)


def _match(node: Node, *, upper: bool) -> str:
    """The node as an FTS5 expression: exact, except that a term with excluded contexts is
    bounded from above (the term anywhere) or below (the term, no context anywhere)."""
    match node:
        case Term(text=text, unless_in=contexts):
            phrase = f"{_TEXT} : {_phrase(text)}"
            if not upper and _RESERVED.search(text):
                return _NOTHING  # the phrase admits any _FOREIGN there: read, never trusted
            if upper or not contexts:
                return phrase
            return f"({phrase} NOT {_TEXT} : ({' OR '.join(map(_phrase, contexts))}))"
        case And(parts):
            positive = [_match(p, upper=upper) for p in parts if not isinstance(p, Not)]
            negative = [_match(p.part, upper=not upper) for p in parts if isinstance(p, Not)]
            expr = " AND ".join(f"({e})" for e in positive) if positive else _ALL
            return f"({expr}){''.join(f' NOT ({e})' for e in negative)}"
        case Or(parts):
            return " OR ".join(f"({_match(p, upper=upper)})" for p in parts)
        case Not(part):
            return f"({_ALL} NOT ({_match(part, upper=not upper)}))"
    raise TypeError(node)


def _reserved(term: Term) -> bool:
    """Whether the term or a context holds one of the index's own characters."""
    return any(_RESERVED.search(t) for t in (term.text, *term.unless_in))


def _unproven(term: Term, phrases: list[str] | tuple[str, ...]) -> str:
    """Articles where the term may be covered by its contexts, less those that ``phrases``
    prove. Those with a context are found as those with the term and the bigrams that a
    context adds to it: a superset, which reading decides, and much cheaper than the context's
    phrase, whose positions FTS5 would compare in every article that has the term."""
    own = set(_bigrams(term.text))
    alternatives = []
    for context in term.unless_in:
        added = [f'"{b}"' for b in dict.fromkeys(_bigrams(context)) if b not in own]
        alternatives.append(" AND ".join(added) if added else _phrase(context))
    expr = f"{_TEXT} : {_phrase(term.text)} AND {_TEXT} : (({') OR ('.join(alternatives)}))"
    return expr + "".join(f" NOT {_TEXT} : {phrase}" for phrase in phrases)


def _covered(
    term: Term, read: Iterable[tuple[str, int, tuple[str, str]]]
) -> list[tuple[str, int, int]]:
    """(source, day, 1) for each article read (``_read``) in which ``term`` occurs only
    inside its contexts."""
    return [(src, day, 1) for src, day, texts in read if not any(map(term.spans, texts))]


def _surroundings(term: Term, *texts: str) -> set[tuple[str, str]]:
    """("after" or "before", character) beside the occurrences of ``term`` outside its
    contexts, where that character proves it so: every context has another one there. The
    character is as the index has it (a text read as stored has its own whitespace and
    full-width forms); a phrase of it can only match where it really is."""
    n = len(term.text)
    after = {c[k + n : k + n + 1] for c, k in term.in_contexts()}  # "": it ends a context
    before = {c[k - 1 : k] if k else "" for c, k in term.in_contexts()}
    seen = set()
    for text in texts:
        for start, end in term.spans(text):
            following = normalize(text[end : end + 1])[:1]
            if following and "" not in after and following not in after:
                seen.add(("after", following))
            preceding = normalize(text[start - 1 : start] if start else "")[-1:]
            if preceding and "" not in before and preceding not in before:
                seen.add(("before", preceding))
    return seen


def _raw_sql(query: Query) -> tuple[str, list[str]] | None:
    """The whole query as SQL on the stored title and body, if that is exact: every term and
    context is ideographs (so stored text and normal form agree, see ``raw_exact``), and each
    excluded context can be cut out before looking for its term (one context per term, the
    term inside it once, neither overlapping itself or the other)."""
    for term in query.all_terms():
        if not all(map(is_ideographs, (term.text, *term.unless_in))):
            return None
        if term.unless_in and not _cuttable(term.text, term.unless_in):
            return None
    return _sql(query.root)


def _neighbour(query: Query) -> tuple[str, str, int] | None:
    """For a query that is one two-character term T with one context C of three characters
    (T + x or x + T, T inside it once): T's bigram token, the bigram that makes an occurrence
    of T part of C, and its position relative to T's (+1 or -1)."""
    root = query.root
    if not isinstance(root, Term) or len(root.text) != 2 or len(root.unless_in) != 1:
        return None
    (context,) = root.unless_in
    if len(context) != 3 or sum(context.startswith(root.text, i) for i in range(3)) != 1:
        return None
    if context.startswith(root.text):
        return _safe(root.text), _safe(context[1:]), 1
    return _safe(root.text), _safe(context[:2]), -1


def _cuttable(term: str, contexts: tuple[str, ...]) -> bool:
    if len(contexts) != 1:
        return False
    (context,) = contexts
    if context.count(term) != 1 or _overlaps(context, context) or _overlaps(term, term):
        return False
    return not (_overlaps(context, term) or _overlaps(term, context))


def _overlaps(a: str, b: str) -> bool:
    """A proper suffix of ``a`` is a proper prefix of ``b``."""
    return any(a.endswith(b[:k]) for k in range(1, min(len(a), len(b))))


def _sql(node: Node) -> tuple[str, list[str]]:
    match node:
        case Term(text=text, unless_in=contexts):
            if contexts:
                cut = "instr(replace({}, ?, char(1)), ?)"  # the contexts cut out
                sql = f"({cut.format('a.title')} OR {cut.format('body_text(a.body)')})"
                return sql, [contexts[0], text, contexts[0], text]
            return "(instr(a.title, ?) OR instr(body_text(a.body), ?))", [text, text]
        case And(parts) | Or(parts):
            compiled = [_sql(p) for p in parts]
            joiner = " AND " if isinstance(node, And) else " OR "
            return joiner.join(f"({s})" for s, _ in compiled), [p for _, ps in compiled for p in ps]
        case Not(part):
            sql, params = _sql(part)
            return f"NOT ({sql})", params
    raise TypeError(node)


def _safe(text: str) -> str:
    """ASCII that the ``ascii`` tokenizer would take for a separator, moved out of its way
    (the index's own characters, should a text hold them, made _FOREIGN first)."""
    if _RESERVED.search(text):
        text = _RESERVED.sub(_FOREIGN, text)
    for c in _COMMON_SEPARATORS:  # str.replace is several times faster than a callback
        if c in text:
            text = text.replace(c, _MOVED[ord(c)])
    if _SEPARATOR.search(text):
        text = _SEPARATOR.sub(lambda m: _MOVED[ord(m.group())], text)
    return text


def _tokens(text: str) -> str:
    """Normalised text as FTS5 ``ascii`` tokens: the bigram starting at every character, in
    order (the last one closed by an end mark), so a phrase of bigrams is a substring and a
    bigram prefix is one character."""
    if not text:
        return ""
    codes = array("I", (_safe(text) + _END).encode("utf-32-le"))
    out = array("I", [32]) * (3 * len(codes) - 3)  # "ab bc cd d$", built at C speed
    out[0::3], out[1::3] = codes[:-1], codes[1:]
    return out.tobytes().decode("utf-32-le")


def _phrase(text: str) -> str:
    """A term as a phrase of its bigrams; one character as a bigram prefix."""
    if len(text) < 2:
        return f'"{_safe(text)}" *'
    return '"' + " ".join(_bigrams(text)) + '"'


def _bigrams(text: str) -> list[str]:
    """The index tokens of a text's bigrams (none for one character)."""
    return [a + b for a, b in pairwise(_safe(text))]


def _meta(kind: str, value: str) -> str:
    return f"\U000f1002{kind}{value.encode().hex()}"


def _grams(row: Any) -> tuple[str, str, str]:
    """A stored row's index tokens."""
    return _index_tokens(normalize(row["title"]), normalize(_text(row["body"])), row)


def _index_tokens(title: str, body: str, row: Any) -> tuple[str, str, str]:
    """Columns b, t and m of ``grams``: normalised body and title; source, channel and the
    title's characters (so that a one-character term finds its title hits without a prefix
    query)."""
    meta = ["\U000f1001", _meta("s", row["source"])]
    if row["channel"]:
        meta.append(_meta("c", row["channel"]))
    meta += (_meta("u", c) for c in dict.fromkeys(title))  # the title's characters
    return _tokens(body), _tokens(title), " ".join(meta)


def _newest_first(group: list[tuple[str, str, int]]) -> list[int]:
    """The rowids of (published_at, id, rowid) newest first, then by id ascending."""
    group.sort(key=lambda g: g[1])  # stable: the ids' order stays among equal times
    group.sort(key=lambda g: g[0], reverse=True)
    return [rowid for *_, rowid in group]


@functools.lru_cache(maxsize=1 << 16)  # a trend labels thousands of days, each many times
def _day_label(day: int) -> str:
    return (EPOCH + timedelta(days=day)).isoformat()


def _time_range(since: datetime | None, until: datetime | None) -> tuple[str, tuple[object, ...]]:
    """``since`` ≤ published_at < ``until`` on the rowid: whole days by range, a day cut in
    the middle by looking at its articles' times."""
    clauses: list[str] = []
    params: list[object] = []
    published = "(SELECT published_at FROM articles WHERE rowid = g.rowid)"
    if since:
        day, midnight = _day(since)
        clauses.append("g.rowid >= ?")
        params.append(day << SLOT_BITS)
        if not midnight:
            clauses.append(f"(g.rowid >= ? OR {published} >= ?)")
            params += [(day + 1) << SLOT_BITS, iso(since)]
    if until:
        day, midnight = _day(until)
        if midnight:
            clauses.append("g.rowid < ?")
            params.append(day << SLOT_BITS)
        else:
            clauses.append(f"g.rowid < ? AND (g.rowid < ? OR {published} < ?)")
            params += [(day + 1) << SLOT_BITS, day << SLOT_BITS, iso(until)]
    return "".join(f" AND {c}" for c in clauses), tuple(params)


def _day(moment: datetime) -> tuple[int, bool]:
    local = moment.astimezone(SHANGHAI) if moment.tzinfo else moment
    midnight = (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    return max(0, (local.date() - EPOCH).days), midnight


@dataclasses.dataclass(frozen=True)
class _Row:
    """An article version as written: its columns before the store's bookkeeping, the body
    compressed, whether its ideographs match as stored, and its index tokens."""

    values: dict[str, object]
    body: bytes
    raw_exact: bool
    grams: tuple[str, str, str]


@dataclasses.dataclass(frozen=True)
class _Learnt:
    phrases: tuple[str, ...]  # each proves the term outside its contexts
    covered: list[tuple[str, int, int]] | None  # decided, if every unproven article was read
    unproven: float  # else the estimated share of the articles with the term and a context
    per_article: float  # occurrences of the term in a sampled article


@dataclasses.dataclass(frozen=True)
class _Prepared:
    id: str
    content_hash: str
    row: _Row | None  # None: stored with this content already, when the batch was prepared


def _row(values: dict[str, object]) -> _Row:
    title, raw_title = normalize_noting_raw(str(values["title"]))
    body, raw_body = normalize_noting_raw(str(values["body"]))
    grams = _index_tokens(title, body, values)
    return _Row(values, _zipped(values["body"]), raw_title and raw_body, grams)


def _row_values(article: Article) -> dict[str, object]:
    """The item's fields as columns of the articles table (the store's bookkeeping: None)."""
    data = {name: getattr(article, name, None) for name in _COLUMNS}
    data.update(
        published_at=iso(article.published_at),
        published_precision=str(article.published_precision),
    )
    return {
        k: json.dumps(v, ensure_ascii=False) if k in _JSON_COLUMNS else v for k, v in data.items()
    }


def _decode(data: dict[str, object]) -> dict[str, object]:
    return {k: json.loads(v) if k in _JSON_COLUMNS else v for k, v in data.items()}


def _article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(**_decode(_record(row)))


def _record(row: sqlite3.Row) -> dict[str, object]:
    """The record's columns as stored in JSON (versions) and in the index: the body as text."""
    return {name: _text(row[name]) if name == "body" else row[name] for name in _COLUMNS}


def _zdict(record: dict[str, object]) -> bytes:
    """What an old version is compressed against: the next version's title and body."""
    return f"{record['title']}\n{record['body']}".encode()[-32768:]


def _delta(record: dict[str, object], successor: dict[str, object]) -> bytes:
    """An old version: zlib of its JSON with the next version's text as the dictionary, so
    what did not change costs a few bytes (a diff, decoded by zlib)."""
    z = zlib.compressobj(9, zdict=_zdict(successor))
    return z.compress(json.dumps(record, ensure_ascii=False).encode()) + z.flush()


def _undelta(data: bytes, successor: dict[str, object]) -> dict[str, object]:
    z = zlib.decompressobj(zdict=_zdict(successor))
    return json.loads(z.decompress(data) + z.flush())


def _zipped(body: object) -> bytes:
    """zlib's format, by ISA-L: 3x zlib's level 1 on Chinese text, 3 % larger."""
    return isal_zlib.compress(str(body).encode(), 1)


def _text(body: bytes | str) -> str:
    """A stored body: zlib of UTF-8 (schema 3), or text (a schema-2 row being migrated)."""
    return isal_zlib.decompress(body).decode() if isinstance(body, bytes) else body


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
