"""The article store contract: what the crawler writes to and alerting reads from.

Backends (SQLite embedded, Elasticsearch) implement ``ArticleStore``; one behavioural test
suite runs against each. Search semantics are fixed here and in ``store.query``, not by a
backend's analyser: whatever a backend's index decides must equal ``Query.matches_text`` on
the normalised text, and ``highlight`` builds the snippet of each hit shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from model.article import Article
from store.query import Query
from store.textnorm import normalize_with_map

EXPORT_FIELDS = (
    "id",
    "url",
    "source",
    "channel",
    "title",
    "published_at",
    "published_precision",
    "origin",
    "authors",
    "contributors",
    "editor",
    "body",
    "images",
    "content_hash",
    "first_seen",
    "last_seen",
    "version",
)


def article_id(url: str) -> str:
    """Stable id: a hash of the canonical URL, so a re-crawl updates instead of duplicating."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


class StoreError(Exception):
    """A write or read the store could not complete: locked past its wait, disk full, a
    corrupt file, a refused document. The message names the store (file or URL) and what to
    do; whoever catches it counts it as ``store_error`` and never as success."""


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def in_input_order(articles: list[Article], outcomes: dict[str, Outcome]) -> list[Outcome]:
    """A batch's outcomes, one per article given. A batch writes an article's last copy
    only; its first copy carries the outcome, later ones are unchanged."""
    result, reported = [], set()
    for a in articles:
        aid = article_id(a.url)
        result.append(Outcome.UNCHANGED if aid in reported else outcomes[aid])
        reported.add(aid)
    return result


@dataclass(frozen=True)
class StoredArticle:
    id: str
    url: str
    source: str
    channel: str | None
    title: str
    published_at: str
    origin: str | None
    authors: list[str]
    contributors: list[str]
    editor: str | None
    body: str
    images: list[str]
    content_hash: str
    first_seen: str
    last_seen: str
    version: int
    extraction: dict[str, str]
    published_precision: str = "minute"  # model.article.Precision

    def export(self) -> dict[str, object]:
        """The public record: exactly EXPORT_FIELDS, in that order."""
        data = asdict(self)
        return {name: data[name] for name in EXPORT_FIELDS}


@dataclass(frozen=True)
class Validators:
    """What a conditional re-fetch needs to know about a stored page."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) in snippet
    title_highlights: list[tuple[int, int]]  # [start, end) in article.title

    def as_dict(self) -> dict[str, object]:
        """The hit as `search --json` and /api/search give it."""
        a = self.article
        return {
            "id": a.id,
            "url": a.url,
            "source": a.source,
            "channel": a.channel,
            "title": a.title,
            "published_at": a.published_at,
            "published_precision": a.published_precision,
            "first_seen": a.first_seen,
            "origin": a.origin,
            "snippet": self.snippet,
            "highlights": self.highlights,
            "title_highlights": self.title_highlights,
        }


@dataclass(frozen=True)
class Change:
    seq: int
    kind: Outcome
    article: StoredArticle


@dataclass(frozen=True)
class Counts:
    """How many articles match, in all and per source. ``exact`` is False only if capped."""

    total: int
    by_source: dict[str, int]
    exact: bool = True


class ArticleStore(Protocol):
    """Filters everywhere: ``source`` and ``channel`` are exact; ``since`` is inclusive and
    ``until`` exclusive (aware datetimes). They apply inside the store's query, before any
    limit, so totals, pages and trends agree."""

    def upsert(
        self, article: Article, *, etag: str | None = None, last_modified: str | None = None
    ) -> Outcome: ...

    def upsert_many(self, articles: list[Article]) -> list[Outcome]:
        """Write a batch (each article's ``validators`` go with it) as one transaction or
        one bulk request; an outcome is returned only for what is committed. An article
        given twice is written once, as its last copy (``in_input_order``)."""
        ...

    def touch(self, url: str) -> bool: ...

    def validators(self, url: str) -> Validators | None: ...

    def get(self, article_id: str) -> StoredArticle | None: ...

    def versions(self, article_id: str) -> list[dict[str, object]]:
        """Every recorded version of an article, oldest first (both backends)."""
        ...

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
        """One page of exact matches: title hits first, then newest first, then by id
        ascending (a total order: the same on every backend, and pages never overlap)."""
        ...

    def count_matches(
        self,
        query: Query,
        *,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Counts:
        """Exact total and per-source counts of ``search``'s matches, with no limit."""
        ...

    def trend(
        self,
        query: Query,
        *,
        bucket: str,  # "day" (YYYY-MM-DD) or "month" (YYYY-MM), Asia/Shanghai
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, dict[str, int]]:
        """Matches per bucket label and source, exact, with no candidate cap."""
        ...

    def articles(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredArticle]: ...

    def changes(self, after: int = 0, limit: int = 500) -> list[Change]: ...

    def count(self, source: str | None = None) -> int: ...

    def counts_by_source(self) -> dict[str, int]: ...

    def revision(self) -> int | None:
        """A number that changes whenever stored articles change (any writer), so readers may
        keep answers until it does; None if the store cannot tell."""
        ...

    def tidy(self, seconds: float) -> bool:
        """Upkeep that makes later reads faster, for at most about ``seconds``, in steps short
        enough for a writer to wait for; True when none is left."""
        ...

    def close(self) -> None: ...


SNIPPET_BEFORE = 30
SNIPPET_AFTER = 90


def highlight(query: Query, article: StoredArticle) -> SearchHit | None:
    """The article as a hit for ``query`` (snippet and highlights), or None if it fails it."""
    title, body = normalize_with_map(article.title), normalize_with_map(article.body)
    if not query.matches_text(title.text, body.text):
        return None
    title_spans = [title.span(s, e) for s, e in query.highlight_spans(title.text)]
    body_spans = [body.span(s, e) for s, e in query.highlight_spans(body.text)]
    snippet, highlights = _snippet(article.body, body_spans)
    return SearchHit(article, snippet, highlights, title_spans)


def rank_and_snippet(query: Query, candidates: list[StoredArticle], limit: int) -> list[SearchHit]:
    """Exact matching on normalised text; title hits first, then newest first, then by id."""
    hits = [hit for article in candidates if (hit := highlight(query, article))]
    hits.sort(key=lambda h: h.article.id)  # stable: ties of the key below stay in id order
    hits.sort(key=lambda h: (bool(h.title_highlights), h.article.published_at), reverse=True)
    return hits[:limit]


def _snippet(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """A one-line window around the first hit, with the hits inside it re-based."""
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - SNIPPET_BEFORE)
    end = min(len(text), anchor + SNIPPET_AFTER)
    prefix = "…" if start > 0 else ""
    window = prefix + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return window, inside
