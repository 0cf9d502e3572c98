"""Both stores against brute force, on generated corpora and rules nobody has seen.

Each seed makes a corpus (``differential_corpus``: a small alphabet so that terms collide,
folded forms, day boundaries of two zones, later versions) and rules of every shape the
language has. For each rule and filter set, the store's answers must equal the plain
definition (``Query.matches_text`` on the normalised text as last written): every page of
``search`` (each match once, in the documented order: title hits first, then newest first),
``count_matches`` per source, and ``trend`` by day and by month in Asia/Shanghai. The SQLite
store is also run with its thresholds pushed to extremes, so that each of its ways to answer
(reading, prefix queries, learnt phrases, positions) is taken on the same cases.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from differential_corpus import (
    Corpus,
    buckets,
    corpus,
    filter_sets,
    matching,
    rank,
    ranked,
    rules,
)
from fake_es import FakeElasticsearch

import store.sqlite as sqlite_store
from model.article import Article
from model.clock import iso
from store.base import ArticleStore, Outcome, SearchHit
from store.elasticsearch import ElasticsearchStore
from store.query import Query, Term, parse
from store.sqlite import SqliteStore

# to hunt, more seeds and larger corpora: DIFFERENTIAL_SEEDS=20 DIFFERENTIAL_SIZE=400,
# and seeds not tried before: DIFFERENTIAL_FIRST=21
FIRST_SEED = int(os.environ.get("DIFFERENTIAL_FIRST", "1"))
SEEDS = tuple(range(FIRST_SEED, FIRST_SEED + int(os.environ.get("DIFFERENTIAL_SEEDS", "3"))))
# articles a corpus: several pages per rule, many on one day and source
SIZE = int(os.environ.get("DIFFERENTIAL_SIZE", "100"))
RULES = 30  # a seed
PAGE = 7
HUGE = 10**12
# the SQLite store's constants, each set sending its queries down other paths
PROFILES: dict[str, dict[str, int]] = {
    "defaults": {},
    # one character: the prefix query after one article read; T -C: decided while learning
    "prefix": {"SCAN_FIRST": 0, "SCAN_SHARE": 0, "PROOF_SAMPLE": HUGE},
    # one character: every article read; T -C: many phrases from samples of two, positions
    "learnt-positions": {"SCAN_FIRST": HUGE, "PROOF_SAMPLE": 2, "PROOF_SHARE": HUGE}
    | {"PROOF_ENOUGH": -1, "PROOF_PHRASES": 8, "CHECK_RAW": HUGE, "CHECK_NORMALISED": HUGE},
    # T -C: many phrases, then the unproven articles read
    "learnt-read": {"PROOF_SAMPLE": 2, "PROOF_SHARE": HUGE, "PROOF_ENOUGH": -1}
    | {"PROOF_PHRASES": 8, "CHECK_RAW": 0, "CHECK_NORMALISED": 0},
    # T -C: no phrase, positions at once
    "positions": {"PROOF_SAMPLE": 1, "PROOF_PHRASES": 0, "CHECK_RAW": HUGE}
    | {"CHECK_NORMALISED": HUGE},
}
# Elasticsearch (on the fake) disagreements found by this test, reported and left out until
# fixed: (seed, rule)
ES_KNOWN: set[tuple[int, str]] = set()


def written(store: ArticleStore, made: Corpus) -> ArticleStore:
    """The corpus written as a crawl would: batches, single upserts, then the new versions."""
    first = made.first
    assert store.upsert_many(first[:60]) == [Outcome.NEW] * 60
    for a in first[60:75]:
        assert store.upsert(a) is Outcome.NEW
    assert store.upsert_many(first[75:]) == [Outcome.NEW] * (len(first) - 75)
    for batch in made.updates:
        assert store.upsert_many(batch) == [Outcome.UPDATED] * len(batch)
    assert store.upsert(made.final()[0]) is Outcome.UNCHANGED
    last = made.final()[1]  # given twice in one batch, an article is written as its last copy
    edited = dataclasses.replace(last, title=last.title + "又", body="又" + last.body)
    assert store.upsert_many([edited, last]) == [Outcome.UNCHANGED] * 2
    return store


@pytest.fixture(scope="module")
def corpora() -> dict[int, Corpus]:
    return {seed: corpus(seed, SIZE) for seed in SEEDS}


@pytest.fixture(scope="module")
def sqlite_stores(
    corpora: dict[int, Corpus], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[int, SqliteStore]]:
    stores = {}
    for seed, made in corpora.items():
        path = tmp_path_factory.mktemp(f"differential-{seed}") / "store.sqlite3"
        stores[seed] = written(SqliteStore(path), made)
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture(scope="module")
def es_stores(corpora: dict[int, Corpus]) -> Iterator[dict[int, ElasticsearchStore]]:
    with FakeElasticsearch() as fake:
        stores = {}
        for seed, made in corpora.items():
            store = ElasticsearchStore(fake.url, alias=f"differential-{seed}")
            store.create()
            stores[seed] = written(store, made)
        yield stores
        for store in stores.values():
            store.close()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("seed", SEEDS)
def test_sqlite_equals_brute_force(
    sqlite_stores: dict[int, SqliteStore],
    corpora: dict[int, Corpus],
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    profile: str,
) -> None:
    for name, value in PROFILES[profile].items():
        monkeypatch.setattr(sqlite_store, name, value)
    only = STEERED.get(profile)
    failures = disagreements(sqlite_stores[seed], corpora[seed], f"sqlite/{profile}", only=only)
    assert not failures, "\n".join(failures[:10])


@pytest.mark.parametrize("seed", SEEDS)
def test_elasticsearch_equals_brute_force(
    es_stores: dict[int, ElasticsearchStore], corpora: dict[int, Corpus], seed: int
) -> None:
    skip = {rule for s, rule in ES_KNOWN if s == seed}
    # fewer rules and every other filter set: the fake evaluates each request in Python
    es, made = es_stores[seed], corpora[seed]
    failures = disagreements(es, made, "elasticsearch", skip, rule_count=RULES * 4 // 5, step=2)
    assert not failures, "\n".join(failures[:10])


def test_sqlite_before_the_updates(corpora: dict[int, Corpus], tmp_path: Path) -> None:
    """The first versions alone, so that an answer right only after updates is caught too."""
    made = corpora[SEEDS[0]]
    first = Corpus(made.seed, made.first, [])
    store = SqliteStore(tmp_path / "store.sqlite3")
    try:
        store.upsert_many(first.first)
        failures = disagreements(store, first, "sqlite/before-updates", rule_count=12)
    finally:
        store.close()
    assert not failures, "\n".join(failures[:10])


def one_character(query: Query) -> bool:
    """A query the SCAN_ constants steer: one character alone (read, then the prefix)."""
    root = query.root
    return isinstance(root, Term) and len(root.text) == 1 and not root.unless_in


def excluding(query: Query) -> bool:
    """A query the PROOF_ and CHECK_ constants steer: one term with excluded contexts."""
    return isinstance(query.root, Term) and bool(query.root.unless_in)


def either(query: Query) -> bool:
    return one_character(query) or excluding(query)


# the queries each profile sends elsewhere than the defaults do (the others it leaves alone)
STEERED = {
    "prefix": either,
    "learnt-positions": either,
    "learnt-read": excluding,
    "positions": excluding,
}


def disagreements(
    store: ArticleStore,
    made: Corpus,
    label: str,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
    rule_count: int = RULES,
    only: Callable[[Query], bool] | None = None,
    step: int = 1,
) -> list[str]:
    """Every (rule, filters) whose answers differ from brute force, described to reproduce."""
    articles = made.final()
    failures = []
    for rule in rules(made.seed, articles, rule_count):
        if rule in skip or (only and not only(parse(rule))):
            continue
        for filters in filter_sets(made.seed, articles)[::step]:
            where = f"{label} seed={made.seed} rule={rule!r} filters={filters}"
            problems = compare(store, articles, rule, filters)
            failures += [f"{where}: {p}" for p in problems]
    return failures


def compare(store: ArticleStore, articles: list[Article], rule: str, filters: dict) -> list[str]:
    query = parse(rule)
    truth = matching(query, articles, filters)
    problems = searched(store, query, filters, truth, {a.url: a for a in articles})
    counts = store.count_matches(query, **filters)
    want = dict(Counter(a.source for a in truth))
    if (counts.total, counts.by_source, counts.exact) != (len(truth), want, True):
        problems.append(f"count_matches {counts}, want total {len(truth)} {want}")
    for bucket in ("day", "month"):
        got = store.trend(query, bucket=bucket, **filters)
        if got != (want_trend := buckets(truth, bucket)):
            problems.append(f"trend by {bucket} {got}, want {want_trend}")
    return problems


def searched(
    store: ArticleStore, query: Query, filters: dict, truth: list[Article], by_url: dict
) -> list[str]:
    """Every page: each match once, in the contract's order exactly (title hits first, then
    newest first, then by id), as last written."""
    hits = paged(store, query, filters, limit=len(truth) + 2 * PAGE)
    urls = [h.article.url for h in hits]
    if Counter(urls) != Counter(a.url for a in truth):
        missing = sorted({a.url for a in truth} - set(urls))
        wrong = sorted(u for u, n in Counter(urls).items() if n > 1 or u not in by_url)
        wrong += sorted(set(urls) - {a.url for a in truth})
        return [f"search: missing {missing}, extra or repeated {wrong}"]
    want = [a.url for a in ranked(query, truth)]
    problems = stale(hits, by_url, query)
    if urls != want:
        at = next(i for i, pair in enumerate(zip(urls, want, strict=True)) if pair[0] != pair[1])
        got, wanted = (f"{u} {rank(query, by_url[u])}" for u in (urls[at], want[at]))
        problems.append(f"search order at {at}: got {got}, want {wanted}")
    return problems


def paged(store: ArticleStore, query: Query, filters: dict, limit: int) -> list[SearchHit]:
    """Every page of PAGE hits, by offset, until a short page (at most ``limit`` hits)."""
    hits: list[SearchHit] = []
    while len(hits) <= limit:
        page = store.search(query, limit=PAGE, offset=len(hits), **filters)
        hits += page
        if len(page) < PAGE:
            break
    return hits


def stale(hits: list[SearchHit], by_url: dict, query: Query) -> list[str]:
    """Hits whose record is not the article's last version, or whose tier is wrong."""
    problems = []
    for hit in hits:
        a, got = by_url[hit.article.url], hit.article
        want = (a.title, a.body, a.source, a.channel, iso(a.published_at))
        if (got.title, got.body, got.source, got.channel, got.published_at) != want:
            problems.append(f"search: {a.url} is not its last version")
        if bool(hit.title_highlights) != rank(query, a)[0]:
            problems.append(f"search: {a.url} title highlights {hit.title_highlights}")
    return problems
