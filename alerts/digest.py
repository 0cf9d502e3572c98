"""A subscriber's digest: pending matches grouped by rule — title hits first, newest first —
one entry per story.

The same story often runs on two sources (a 浙江日报 piece on 潮新闻 and in the e-paper);
articles whose bodies are near-identical fold into one entry that links to both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from alerts.ledger import PendingMatch
from alerts.subscriptions import Subscriber
from store.base import ArticleStore, SearchHit, StoredArticle, highlight
from store.query import parse
from store.textnorm import normalize

SHINGLE = 5  # characters: long enough to be specific in Chinese, short enough to survive edits
SAME_STORY = 0.6  # Jaccard similarity of body shingles above which two articles are one story


@dataclass
class DigestItem:
    hit: SearchHit
    updated: bool  # sent before; changed since with a newly matching term
    also: list[StoredArticle] = field(default_factory=list)  # the same story elsewhere

    @property
    def article(self) -> StoredArticle:
        return self.hit.article


@dataclass
class Digest:
    id: str
    subscriber: Subscriber
    slot: str
    groups: list[tuple[str, list[DigestItem]]]
    match_ids: list[int]

    @property
    def message_id(self) -> str:
        return f"<digest-{self.id}@tidewatch>"

    def subject(self) -> str:
        if self.subscriber.language == "en":
            parts = [
                f"{rule}: {len(items)} article{'s' * (len(items) > 1)}"
                for rule, items in self.groups
            ]
            return "[Tidewatch] " + " · ".join(parts)
        return "【Tidewatch】" + " · ".join(
            f"{rule} {len(items)} 篇" for rule, items in self.groups
        )


def digest_id(subscriber: str, matches: list[PendingMatch]) -> str:
    """Stable for the same matches of the same article versions, so a resent digest keeps
    its Message-ID while an update about a changed article gets a new one."""
    key = subscriber + ":" + ",".join(f"{m.id}v{m.version}" for m in sorted(matches, key=_id))
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _id(match: PendingMatch) -> int:
    return match.id


def build_digest(
    subscriber: Subscriber, matches: list[PendingMatch], store: ArticleStore, slot: str
) -> Digest | None:
    """The digest for these matches, or None when nothing in them can be shown."""
    groups = []
    kept: list[PendingMatch] = []
    for rule in subscriber.rules:
        query = parse(rule)
        items = []
        for m in (m for m in matches if m.rule == rule):
            article = store.get(m.article_id)
            if article is None:
                continue
            hit = highlight(query, article) or SearchHit(article, article.body[:120], [], [])
            items.append(DigestItem(hit, m.updated))
            kept.append(m)
        if items:
            # title hits rank above body hits; newest first within each
            items.sort(
                key=lambda i: (bool(i.hit.title_highlights), i.article.published_at), reverse=True
            )
            groups.append((rule, fold_same_stories(items)))
    if not groups:
        return None
    ids = [m.id for m in kept]
    return Digest(digest_id(subscriber.email, kept), subscriber, slot, groups, ids)


def fold_same_stories(items: list[DigestItem]) -> list[DigestItem]:
    """Keep the first (newest) of each group of near-identical articles; list the others."""
    kept: list[tuple[DigestItem, set[str]]] = []
    for item in items:
        shingles = _shingles(item.article.body)
        twin = next((k for k, s in kept if _similar(shingles, s)), None)
        if twin is not None and twin.article.url != item.article.url:
            twin.also.append(item.article)
        elif twin is None:
            kept.append((item, shingles))
    return [item for item, _ in kept]


def _shingles(text: str) -> set[str]:
    text = normalize(text)
    return {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}


def _similar(a: set[str], b: set[str]) -> bool:
    return len(a & b) / len(a | b) >= SAME_STORY if a and b else False
