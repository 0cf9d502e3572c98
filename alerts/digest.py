"""A subscriber's digest: one entry per story, tagged with every rule it matched.

Matches are per (article, rule); a digest turns them into stories. An article that matches
several rules appears once, under the first of them in the subscriber's order, tagged with
all. The same story often runs on two sources (a 浙江日报 piece on 潮新闻 and in the e-paper):
articles whose bodies are near-identical fold into one entry that names both. Inside a group
the newest come first; a title hit only breaks ties between stories of the same day.

An update (an article sent before that now matches a new term) says when it changed and shows
the paragraph that changed, found by comparing the store's last two versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from alerts.ledger import PendingMatch
from alerts.snippet import paragraphs, snippet
from alerts.subscriptions import Subscriber
from store.base import ArticleStore, SearchHit, StoredArticle
from store.query import Query, merge_spans
from store.textnorm import normalize, normalize_with_map

SHINGLE = 5  # characters: long enough to be specific in Chinese, short enough to survive edits
SAME_STORY = 0.6  # Jaccard similarity of body shingles above which two articles are one story
SUBJECT_LABELS = 3  # rule names in a subject; more are summed up
MAX_STORIES = 100  # per digest: the rest stay pending for the next one, newest first


@dataclass
class DigestItem:
    hit: SearchHit
    updated: bool  # sent before; changed since with a newly matching term
    rules: list[str] = field(default_factory=list)  # every rule it matched, subscriber order
    also: list[StoredArticle] = field(default_factory=list)  # the same story elsewhere
    updated_at: str | None = None  # when the changed version was stored
    changed: bool = False  # the snippet is a paragraph that changed in that version

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

    def message_id(self, domain: str = "tidewatch.invalid") -> str:
        return f"<digest-{self.id}@{domain}>"

    @property
    def items(self) -> list[DigestItem]:
        return [item for _, items in self.groups for item in items]

    def label(self, rule: str) -> str:
        return self.subscriber.label(rule)

    def subject(self) -> str:
        """Distinct stories, new and updated, and the rules' readable names."""
        updates = sum(item.updated for item in self.items)
        fresh = len(self.items) - updates
        rules = [r for r in self.subscriber.rules if any(r in i.rules for i in self.items)]
        names = [self.label(r) for r in rules[:SUBJECT_LABELS]]
        more = len(rules) - len(names)
        if self.subscriber.language == "en":
            counts = [
                f"{n} {word}{'s' * (n != 1)}"
                for n, word in ((fresh, "new article"), (updates, "updated article"))
                if n
            ]
            tail = ", ".join(names) + (f" and {more} more" if more else "")
            return f"[Tidewatch] {', '.join(counts)}: {tail}"
        counts = [f"{n} 篇{word}" for n, word in ((fresh, "新文章"), (updates, "更新")) if n]
        tail = "、".join(names) + (f" 等 {len(rules)} 个关键词" if more else "")
        return f"【Tidewatch】{'，'.join(counts)}：{tail}"


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
    queries = dict(subscriber.queries())
    by_article: dict[str, list[PendingMatch]] = {}
    for m in matches:
        if m.rule in queries:
            by_article.setdefault(m.article_id, []).append(m)
    items, matched = [], {}
    for article_id, found in by_article.items():
        article = store.get(article_id)
        if article is None:
            continue
        rules = [r for r in subscriber.rules if any(m.rule == r for m in found)]
        items.append(_item(article, rules, [queries[r] for r in rules], found, store))
        matched[article_id] = found
    if not items:
        return None
    items.sort(key=_newest, reverse=True)
    items = items[:MAX_STORIES]
    kept = [m for item in items for m in matched[item.article.id]]
    groups = []
    folded = fold_same_stories(items)
    for item in folded:
        item.rules = [r for r in subscriber.rules if r in item.rules]
    for rule in subscriber.rules:
        if members := [i for i in folded if i.rules[0] == rule]:
            groups.append((rule, members))
    ids = [m.id for m in kept]
    return Digest(digest_id(subscriber.email, kept), subscriber, slot, groups, ids)


def _newest(item: DigestItem) -> tuple[str, bool, str]:
    """By time; a title hit ranks first only among stories of the same day."""
    published = item.article.published_at
    return published[:10], bool(item.hit.title_highlights), published


def _item(
    article: StoredArticle,
    rules: list[str],
    queries: list[Query],
    matches: list[PendingMatch],
    store: ArticleStore,
) -> DigestItem:
    updated = any(m.updated for m in matches)
    sent = max((m.sent_version for m in matches if m.sent_version), default=None)
    changed, updated_at = _changed_paragraphs(store, article, sent) if updated else (set(), None)
    title_spans, body_spans = _hits(article.title, queries), _hits(article.body, queries)
    text, spans, paragraph = snippet(article.body, body_spans, prefer=changed)
    hit = SearchHit(article, text, spans, title_spans)
    return DigestItem(hit, updated, rules, [], updated_at, paragraph in changed)


def _changed_paragraphs(
    store: ArticleStore, article: StoredArticle, sent: int | None
) -> tuple[set[int], str]:
    """Indices of the paragraphs of ``article`` not in the version last sent (else the one
    before it), and when the current version was stored."""
    versions = store.versions(article.id)
    stored_at = str(versions[-1].get("last_seen") or article.last_seen) if versions else None
    earlier = [v for v in versions[:-1] if sent is None or v.get("version") == sent]
    if not earlier:
        return set(), stored_at or article.last_seen
    before = {line.strip() for line in str(earlier[-1].get("body", "")).split("\n")}
    changed = {
        i for i, (_, line) in enumerate(paragraphs(article.body)) if line.strip() not in before
    }
    return changed, stored_at or article.last_seen


def _hits(text: str, queries: list[Query]) -> list[tuple[int, int]]:
    """Where any of the queries' positive terms are in ``text``, merged, in text order."""
    mapped = normalize_with_map(text)
    return merge_spans(
        mapped.span(s, e) for q in queries for s, e in q.highlight_spans(mapped.text)
    )


def fold_same_stories(items: list[DigestItem]) -> list[DigestItem]:
    """Keep the first (newest) of each group of near-identical articles; list the others,
    and tag the one kept with every rule any of them matched."""
    kept: list[tuple[DigestItem, set[str]]] = []
    for item in items:
        shingles = _shingles(item.article.body)
        twin = next((k for k, s in kept if _similar(shingles, s)), None)
        if twin is None:
            kept.append((item, shingles))
            continue
        if twin.article.url != item.article.url:
            twin.also.append(item.article)
        twin.rules = list(dict.fromkeys([*twin.rules, *item.rules]))
        twin.updated = twin.updated or item.updated
    return [item for item, _ in kept]


def _shingles(text: str) -> set[str]:
    text = normalize(text)
    return {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}


def _similar(a: set[str], b: set[str]) -> bool:
    return len(a & b) / len(a | b) >= SAME_STORY if a and b else False
