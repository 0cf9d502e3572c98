"""The alert ledger: every (subscriber, article, rule) match and whether it was sent.

A durable SQLite file beside the store. Matching and the change-feed cursor advance in one
transaction, so a crash re-reads the same changes and records nothing twice. A match is
``pending`` until a digest takes it (``sending``), and ``sent`` only after the mail server
accepted that digest; a failed send puts it back to ``pending``.

Per subscriber it also keeps the last slot sent, an unsubscribe, the preferences set from the
mail's preferences page (they override the subscribers file), failures with the time of the
next retry, and the claim of the one sender allowed to build and send that subscriber's
digest now (two ``tidewatch digest`` runs at once never send the same digest twice).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from alerts.matcher import RuleMatch
from model import sqlitefile
from model.clock import iso, now
from store.base import Change

SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS matches (
    id          INTEGER PRIMARY KEY,
    subscriber  TEXT NOT NULL,
    article_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    rule        TEXT NOT NULL,
    terms       TEXT NOT NULL,
    spans       TEXT NOT NULL DEFAULT '{}',
    in_title    INTEGER NOT NULL,
    updated     INTEGER NOT NULL DEFAULT 0,
    resend      INTEGER NOT NULL DEFAULT 0,  -- new terms arrived while it was being sent
    status      TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dropped')),
    digest_id   TEXT,
    matched_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (subscriber, article_id, rule)
);
CREATE INDEX IF NOT EXISTS matches_by_status ON matches (subscriber, status);
CREATE TABLE IF NOT EXISTS digests (
    id          TEXT PRIMARY KEY,
    subscriber  TEXT NOT NULL,
    slot        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    message_id  TEXT,
    subject     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE TABLE IF NOT EXISTS subscribers (
    email            TEXT PRIMARY KEY,
    last_slot        TEXT,
    unsubscribed_at  TEXT
);
CREATE TABLE IF NOT EXISTS preferences (
    email       TEXT PRIMARY KEY,
    paused      INTEGER NOT NULL DEFAULT 0,
    frequency   TEXT,                         -- NULL: the subscribers file's
    dropped     TEXT NOT NULL DEFAULT '[]',   -- rules the subscriber removed
    updated_at  TEXT NOT NULL
);
"""
# Columns added since the first schema: (table, name, declaration).
ADDED_COLUMNS = (
    ("subscribers", "failures", "INTEGER NOT NULL DEFAULT 0"),  # failed passes in a row
    ("subscribers", "last_error", "TEXT"),
    ("subscribers", "next_retry", "TEXT"),  # no new attempt before this time
    ("subscribers", "claimed_by", "TEXT"),  # host:pid:nonce of the sender working on it
    ("subscribers", "claimed_at", "TEXT"),
    ("subscribers", "profile", "TEXT"),  # name, rules, labels from the file, for the pages
    ("matches", "sent_version", "INTEGER"),  # the article version last sent: what changed since
)


@dataclass(frozen=True)
class Preferences:
    paused: bool = False
    frequency: str | None = None
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    failures: int
    last_error: str | None
    next_retry: str | None


@dataclass(frozen=True)
class Profile:
    """What the preferences page shows: the subscriber as the subscribers file has it."""

    name: str = ""
    frequency: str = ""
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule, label)


@dataclass(frozen=True)
class PendingMatch:
    id: int
    subscriber: str
    article_id: str
    rule: str
    version: int  # the article version that matched
    terms: tuple[str, ...]
    spans: dict[str, list[list[int]]]  # where the terms were in the version that matched
    in_title: bool
    updated: bool
    digest_id: str | None
    sent_version: int | None = None  # the version the subscriber last received, if any


class Ledger:
    def __init__(self, path: Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlitefile.connect(path, synchronous="FULL")  # a sent mark survives power loss
        self._lock = threading.RLock()
        self._db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        with self._write():
            for table, name, declaration in ADDED_COLUMNS:
                have = {r["name"] for r in self._db.execute(f"PRAGMA table_info({table})")}
                if name not in have:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    # -- matching ---------------------------------------------------------------------------

    def cursor(self, name: str = "store") -> int:
        row = self._db.execute("SELECT seq FROM cursors WHERE name = ?", (name,)).fetchone()
        return row["seq"] if row else 0

    def record(
        self, results: Iterable[tuple[Change, list[RuleMatch]]], cursor: int, name: str = "store"
    ) -> int:
        """Store the matches of a batch of changes and move the cursor past them, atomically.

        Returns how many matches became pending. An article already sent is pending again
        only if it now matches a term it did not match before (it is then marked updated).
        """
        pending = 0
        at = iso(now())
        with self._write():
            if self.cursor(name) >= cursor > 0:
                return 0  # another process recorded this batch meanwhile
            blocked = {
                r["email"]
                for r in self._db.execute(
                    "SELECT email FROM subscribers WHERE unsubscribed_at IS NOT NULL"
                )
            }
            for change, matches in results:
                for m in matches:
                    if m.subscriber not in blocked:
                        pending += self._record_one(change, m, at)
            self._db.execute(
                "INSERT INTO cursors VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = ?",
                (name, cursor, cursor),
            )
        return pending

    def _record_one(self, change: Change, m: RuleMatch, at: str) -> int:
        key = (m.subscriber, change.article.id, m.rule)
        row = self._db.execute(
            "SELECT id, terms, status FROM matches WHERE subscriber = ? AND article_id = ? "
            "AND rule = ?",
            key,
        ).fetchone()
        if row is None:
            seen_before = self._db.execute(  # the subscriber got this article for another rule
                "SELECT 1 FROM matches WHERE subscriber = ? AND article_id = ? AND status = 'sent'",
                key[:2],
            ).fetchone()
            self._db.execute(
                "INSERT INTO matches (subscriber, article_id, version, rule, terms, spans, "
                "in_title, updated, status, matched_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    *key[:2],
                    change.article.version,
                    m.rule,
                    _terms(m.terms),
                    json.dumps(m.spans),
                    m.in_title,
                    seen_before is not None,
                    at,
                ),
            )
            return 1
        known = tuple(json.loads(row["terms"]))
        terms = _terms((*known, *(t for t in m.terms if t not in known)))
        if row["status"] == "sent":
            if not set(m.terms) - set(known):
                return 0  # changed, but nothing new for this rule: do not send it again
            self._db.execute(
                "UPDATE matches SET status = 'pending', updated = 1, terms = ?, spans = ?, "
                "version = ?, in_title = ?, digest_id = NULL, matched_at = ? WHERE id = ?",
                (terms, json.dumps(m.spans), change.article.version, m.in_title, at, row["id"]),
            )
            return 1
        resend = row["status"] == "sending" and bool(set(m.terms) - set(known))
        self._db.execute(
            "UPDATE matches SET terms = ?, spans = ?, version = ?, in_title = ?, "
            "resend = resend OR ? WHERE id = ?",
            (terms, json.dumps(m.spans), change.article.version, m.in_title, resend, row["id"]),
        )
        return int(resend)

    # -- digests ----------------------------------------------------------------------------

    def pending(self, subscriber: str) -> list[PendingMatch]:
        return self._matches("subscriber = ? AND status = 'pending'", (subscriber,))

    def in_digest(self, digest_id: str) -> list[PendingMatch]:
        return self._matches("digest_id = ?", (digest_id,))

    def unfinished_digests(self) -> list[sqlite3.Row]:
        """Digests whose sending was interrupted (a crash between send and mark)."""
        return self._db.execute(
            "SELECT * FROM digests WHERE status = 'sending' ORDER BY created_at"
        ).fetchall()

    def begin_digest(
        self, digest_id: str, subscriber: str, slot: str, subject: str, match_ids: list[int]
    ) -> None:
        with self._write():
            self._db.execute(
                "INSERT INTO digests (id, subscriber, slot, status, subject, created_at) "
                "VALUES (?, ?, ?, 'sending', ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "status = 'sending'",
                (digest_id, subscriber, slot, subject, iso(now())),
            )
            self._db.executemany(
                "UPDATE matches SET status = 'sending', digest_id = ? WHERE id = ?",
                [(digest_id, i) for i in match_ids],
            )

    def digest_sent(self, digest_id: str, message_id: str, attempts: int) -> None:
        at = iso(now())
        with self._write():
            digest = self._db.execute(
                "SELECT subscriber, slot FROM digests WHERE id = ?", (digest_id,)
            ).fetchone()
            self._db.execute(
                "UPDATE digests SET status = 'sent', message_id = ?, sent_at = ?, "
                "attempts = attempts + ? WHERE id = ?",
                (message_id, at, attempts, digest_id),
            )
            self._db.execute(  # a match that changed meanwhile goes out again, as updated
                "UPDATE matches SET sent_at = ?, sent_version = version, "
                "status = CASE WHEN resend THEN 'pending' "
                "ELSE 'sent' END, updated = updated OR resend, "
                "digest_id = CASE WHEN resend THEN NULL ELSE digest_id END, resend = 0 "
                "WHERE digest_id = ?",
                (at, digest_id),
            )
            self._set_slot(digest["subscriber"], digest["slot"])

    def digest_failed(self, digest_id: str, error: str, attempts: int) -> None:
        with self._write():
            self._db.execute(
                "UPDATE digests SET status = 'failed', last_error = ?, attempts = attempts + ? "
                "WHERE id = ?",
                (error, attempts, digest_id),
            )
            self._db.execute(
                "UPDATE matches SET status = 'pending', digest_id = NULL WHERE digest_id = ?",
                (digest_id,),
            )

    def digests(self, subscriber: str | None = None) -> list[sqlite3.Row]:
        where, params = ("WHERE subscriber = ?", (subscriber,)) if subscriber else ("", ())
        return self._db.execute(
            f"SELECT * FROM digests {where} ORDER BY created_at", params
        ).fetchall()

    def delivery_counts(self) -> dict[str, dict[str, object]]:
        """Per subscriber: digests sent and failed, matches waiting, and — for one whose last
        pass failed — ``failing`` (passes in a row), ``last_error`` and ``next_retry``."""
        counts: dict[str, dict[str, object]] = {}
        for row in self._db.execute(
            "SELECT subscriber, status, count(*) AS n FROM digests GROUP BY 1, 2"
        ):
            counts.setdefault(row["subscriber"], {"sent": 0, "failed": 0, "pending": 0})
            if row["status"] in ("sent", "failed"):
                counts[row["subscriber"]][row["status"]] = row["n"]
        for row in self._db.execute(
            "SELECT subscriber, count(*) AS n FROM matches WHERE status = 'pending' GROUP BY 1"
        ):
            counts.setdefault(row["subscriber"], {"sent": 0, "failed": 0, "pending": 0})
            counts[row["subscriber"]]["pending"] = row["n"]
        for email, failure in self.failures().items():
            counts.setdefault(email, {"sent": 0, "failed": 0, "pending": 0}).update(
                failing=failure.failures,
                last_error=failure.last_error,
                next_retry=failure.next_retry,
            )
        return counts

    # -- subscribers ------------------------------------------------------------------------

    def last_slot(self, subscriber: str) -> str | None:
        row = self._db.execute(
            "SELECT last_slot FROM subscribers WHERE email = ?", (subscriber,)
        ).fetchone()
        return row["last_slot"] if row else None

    def skip_slot(self, subscriber: str, slot: str) -> None:
        """A slot passed with nothing to send: the next digest waits for the next slot."""
        with self._write():
            self._set_slot(subscriber, slot)

    def _set_slot(self, subscriber: str, slot: str) -> None:
        self._db.execute(
            "INSERT INTO subscribers (email, last_slot) VALUES (?, ?) ON CONFLICT (email) "
            "DO UPDATE SET last_slot = max(coalesce(last_slot, ''), excluded.last_slot)",
            (subscriber, slot),
        )

    def drop(self, match_ids: Iterable[int]) -> None:
        """Pending matches that can no longer be sent (their rule was removed)."""
        with self._write():
            self._db.executemany(
                "UPDATE matches SET status = 'dropped' WHERE id = ? AND status = 'pending'",
                [(i,) for i in match_ids],
            )

    def unsubscribe(self, email: str) -> None:
        """No more mail to this address: its pending matches are dropped."""
        with self._write():
            self._db.execute(
                "INSERT INTO subscribers (email, unsubscribed_at) VALUES (?, ?) ON CONFLICT "
                "(email) DO UPDATE SET unsubscribed_at = excluded.unsubscribed_at",
                (email, iso(now())),
            )
            self._db.execute(
                "UPDATE matches SET status = 'dropped' WHERE subscriber = ? AND status = 'pending'",
                (email,),
            )

    def is_unsubscribed(self, email: str) -> bool:
        row = self._db.execute(
            "SELECT unsubscribed_at FROM subscribers WHERE email = ?", (email,)
        ).fetchone()
        return bool(row and row["unsubscribed_at"])

    def has_received(self, subscriber: str) -> bool:
        """Whether any digest was ever delivered to this subscriber."""
        row = self._db.execute(
            "SELECT 1 FROM digests WHERE subscriber = ? AND status = 'sent' LIMIT 1", (subscriber,)
        ).fetchone()
        return row is not None

    # -- claims: one sender per subscriber at a time ------------------------------------------

    def claim(self, subscriber: str, owner: str, at: datetime, ttl: timedelta) -> bool:
        """Take the subscriber for ``owner``, atomically; False while another live sender holds
        it. A claim older than ``ttl``, or held by a dead process on this host, is taken over."""
        with self._write():
            self._ensure(subscriber)
            row = self._db.execute(
                "SELECT claimed_by, claimed_at FROM subscribers WHERE email = ?", (subscriber,)
            ).fetchone()
            holder = row["claimed_by"]
            if holder and holder != owner and not _stale(holder, row["claimed_at"], at, ttl):
                return False
            self._db.execute(
                "UPDATE subscribers SET claimed_by = ?, claimed_at = ? WHERE email = ? "
                "AND (claimed_by IS NULL OR claimed_by = ? OR claimed_by = ?)",
                (owner, iso(at), subscriber, holder, owner),
            )
            return True

    def release(self, subscriber: str, owner: str) -> None:
        with self._write():
            self._db.execute(
                "UPDATE subscribers SET claimed_by = NULL, claimed_at = NULL "
                "WHERE email = ? AND claimed_by = ?",
                (subscriber, owner),
            )

    # -- failures: recorded, retried with backoff --------------------------------------------

    def record_failure(self, subscriber: str, error: str, retry_at: datetime) -> int:
        """One more failed pass for this subscriber; returns how many in a row."""
        with self._write():
            self._ensure(subscriber)
            self._db.execute(
                "UPDATE subscribers SET failures = failures + 1, last_error = ?, next_retry = ? "
                "WHERE email = ?",
                (error[:2000], iso(retry_at), subscriber),
            )
            return self.failure(subscriber).failures

    def clear_failures(self, subscriber: str) -> None:
        with self._write():
            self._db.execute(
                "UPDATE subscribers SET failures = 0, last_error = NULL, next_retry = NULL "
                "WHERE email = ?",
                (subscriber,),
            )

    def failure(self, subscriber: str) -> Failure:
        row = self._db.execute(
            "SELECT failures, last_error, next_retry FROM subscribers WHERE email = ?",
            (subscriber,),
        ).fetchone()
        return (
            Failure(row["failures"], row["last_error"], row["next_retry"])
            if row
            else (Failure(0, None, None))
        )

    def failures(self) -> dict[str, Failure]:
        """Every subscriber whose last pass failed."""
        return {
            r["email"]: Failure(r["failures"], r["last_error"], r["next_retry"])
            for r in self._db.execute(
                "SELECT email, failures, last_error, next_retry FROM subscribers "
                "WHERE failures > 0 ORDER BY email"
            )
        }

    # -- preferences: set from the mail's preferences page -----------------------------------

    def preferences(self, subscriber: str) -> Preferences:
        row = self._db.execute(
            "SELECT paused, frequency, dropped FROM preferences WHERE email = ?", (subscriber,)
        ).fetchone()
        if row is None:
            return Preferences()
        return Preferences(bool(row["paused"]), row["frequency"], tuple(json.loads(row["dropped"])))

    def set_preferences(self, subscriber: str, preferences: Preferences) -> None:
        with self._write():
            self._db.execute(
                "INSERT INTO preferences (email, paused, frequency, dropped, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET "
                "paused = excluded.paused, frequency = excluded.frequency, "
                "dropped = excluded.dropped, updated_at = excluded.updated_at",
                (
                    subscriber,
                    preferences.paused,
                    preferences.frequency,
                    _terms(preferences.dropped),
                    iso(now()),
                ),
            )

    def resubscribe(self, subscriber: str) -> None:
        """Undo an unsubscribe: mail resumes with articles matched from now on."""
        with self._write():
            self._db.execute(
                "UPDATE subscribers SET unsubscribed_at = NULL WHERE email = ?", (subscriber,)
            )

    def save_profiles(self, profiles: dict[str, Profile]) -> None:
        """The subscribers file as the pages need it (they run without reading it)."""
        with self._write():
            for email, p in profiles.items():
                self._ensure(email)
                self._db.execute(
                    "UPDATE subscribers SET profile = ? WHERE email = ?",
                    (json.dumps([p.name, p.frequency, p.rules], ensure_ascii=False), email),
                )

    def profile(self, subscriber: str) -> Profile | None:
        row = self._db.execute(
            "SELECT profile FROM subscribers WHERE email = ?", (subscriber,)
        ).fetchone()
        if not row or not row["profile"]:
            return None
        name, frequency, rules = json.loads(row["profile"])
        return Profile(name, frequency, [(r, label) for r, label in rules])

    def _ensure(self, subscriber: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO subscribers (email) VALUES (?)", (subscriber,))

    def _matches(self, where: str, params: tuple[object, ...]) -> list[PendingMatch]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM matches WHERE {where} ORDER BY id", params
            ).fetchall()
        return [
            PendingMatch(
                r["id"],
                r["subscriber"],
                r["article_id"],
                r["rule"],
                r["version"],
                tuple(json.loads(r["terms"])),
                json.loads(r["spans"]),
                bool(r["in_title"]),
                bool(r["updated"]),
                r["digest_id"],
                r["sent_version"],
            )
            for r in rows
        ]


class _Transaction:
    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db, self.lock = db, lock

    def __enter__(self) -> None:
        self.lock.acquire()
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def claimant() -> str:
    """A sender's identity: this host and process, plus a nonce (one per Alerts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def _stale(holder: str, claimed_at: str | None, at: datetime, ttl: timedelta) -> bool:
    if not claimed_at or datetime.fromisoformat(claimed_at) + ttl < at:
        return True
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: does the process exist?
    except ProcessLookupError:
        return True  # the sender died (SIGKILL, power cut): its claim is void
    except PermissionError:
        pass
    return False


def _terms(terms: Iterable[str]) -> str:
    return json.dumps(list(terms), ensure_ascii=False)
