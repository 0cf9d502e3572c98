"""The ArticleStore contract, run against every backend (as APScheduler runs one job-store
suite against each store). Articles come from the replica's expected-value files."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from support import EXPECTED, expected, expected_article

from model.article import Article
from model.clock import SHANGHAI
from store.base import EXPORT_FIELDS, ArticleStore, Outcome, article_id
from store.elasticsearch import ElasticsearchStore
from store.query import parse
from store.sqlite import SqliteStore

SEED_XS = ("www.xsnet.cn", "3025263")  # 萧山: 数字经济, 钱江世纪城 …
SEED_TIDE = ("tidenews.com.cn", "3041187")  # 钱塘新区, 新型工业化
QIANTANG_RIVER_ONLY = ("tidenews.com.cn", "3041190")  # mentions 钱塘江 only


def article(host: str, stem: str, **changes: object) -> Article:
    return expected_article(host, stem, **{"extraction": {"title": "css:test"}, **changes})


def all_articles() -> list[Article]:
    return [article(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]


ES_URL = os.environ.get("TIDEWATCH_ES_URL")  # read before the fixtures clear TIDEWATCH_*


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    if request.param == "sqlite":
        backend = SqliteStore(tmp_path / "store.sqlite3")
        yield backend
        backend.close()
        return
    if not ES_URL:
        pytest.skip("no Elasticsearch cluster: set TIDEWATCH_ES_URL to run this suite on one")
    alias = f"tidewatch-test-{uuid.uuid4().hex[:12]}"
    backend = ElasticsearchStore(ES_URL, alias=alias)
    backend.create()
    try:
        yield backend
    finally:
        # by name: ES 8 refuses wildcard deletes (action.destructive_requires_name)
        for index in backend.es.indices.get(index=f"{alias}*", expand_wildcards="all"):
            backend.es.indices.delete(index=index)
        backend.es.indices.delete_index_template(name=alias)
        backend.close()


@pytest.fixture
def filled(store: ArticleStore) -> ArticleStore:
    for a in all_articles():
        store.upsert(a)
    return store


def titles(hits: list) -> list[str]:
    return [h.article.title for h in hits]


# -- writing ----------------------------------------------------------------------------------


def test_first_write_is_new_then_unchanged(store: ArticleStore) -> None:
    a = article(*SEED_XS)
    assert store.upsert(a) is Outcome.NEW
    assert store.upsert(a) is Outcome.UNCHANGED
    assert store.count() == 1


def test_changed_content_is_a_new_version(store: ArticleStore) -> None:
    store.upsert(article(*SEED_XS))
    first = store.get(article_id(article(*SEED_XS).url))
    edited = article(*SEED_XS, body=article(*SEED_XS).body + "\n（更正）")
    assert store.upsert(edited) is Outcome.UPDATED
    second = store.get(first.id)
    assert (first.version, second.version) == (1, 2)
    assert second.first_seen == first.first_seen
    assert second.content_hash != first.content_hash
    assert second.body.endswith("（更正）")


def test_provenance_changes_alone_do_not_make_a_version(store: ArticleStore) -> None:
    store.upsert(article(*SEED_XS))
    again = article(*SEED_XS, extraction={"title": "trafilatura"}, validators={"etag": '"x"'})
    assert store.upsert(again) is Outcome.UNCHANGED


def test_id_is_a_stable_hash_of_the_canonical_url(store: ArticleStore) -> None:
    a = article(*SEED_XS)
    store.upsert(a)
    (stored,) = store.articles()
    assert stored.id == article_id(a.url) == article_id(a.url)
    assert len(stored.id) == 40


def test_validators_are_kept_for_conditional_fetches(store: ArticleStore) -> None:
    a = article(*SEED_XS)
    assert store.validators(a.url) is None
    store.upsert(a, etag='"abc"', last_modified="Wed, 16 Jan 2019 07:57:00 GMT")
    known = store.validators(a.url)
    assert (known.etag, known.last_modified) == ('"abc"', "Wed, 16 Jan 2019 07:57:00 GMT")


def test_touch_marks_a_known_article_seen(store: ArticleStore) -> None:
    a = article(*SEED_XS)
    assert store.touch(a.url) is False
    store.upsert(a)
    assert store.touch(a.url) is True


# -- reading ----------------------------------------------------------------------------------


def test_export_has_exactly_the_public_fields(filled: ArticleStore) -> None:
    for stored in filled.articles():
        record = stored.export()
        assert tuple(record) == EXPORT_FIELDS
        assert record["published_at"].endswith("+08:00")
        assert record["first_seen"].endswith("+08:00")
        assert isinstance(record["authors"], list) and isinstance(record["images"], list)


def test_articles_filter_by_source_and_since(filled: ArticleStore) -> None:
    since = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    recent = list(filled.articles(since=since))
    assert recent and all(a.published_at >= "2026-01-01T00:00:00+08:00" for a in recent)
    assert {a.source for a in filled.articles(source="xsrb")} == {"xsrb"}
    assert filled.count("xsrb") == len(list(filled.articles(source="xsrb"))) == 3


def test_round_trip_keeps_every_field(store: ArticleStore) -> None:
    a = article(*SEED_TIDE)
    store.upsert(a)
    stored = store.get(article_id(a.url))
    assert (stored.title, stored.body, stored.authors, stored.contributors) == (
        a.title,
        a.body,
        a.authors,
        a.contributors,
    )
    assert stored.published_at == "2025-03-09T11:20:00+08:00"
    assert stored.extraction == {"title": "css:test"}


# -- search -----------------------------------------------------------------------------------


def test_short_chinese_term_finds_longer_words(filled: ArticleStore) -> None:
    hits = filled.search(parse("钱塘"), limit=100)
    bodies = [h.article.title + h.article.body for h in hits]
    assert any("钱塘区" in b for b in bodies) and any("钱塘新区" in b for b in bodies)


def test_term_does_not_match_its_characters_apart(store: ArticleStore) -> None:
    apart = article(
        *SEED_XS,
        url="http://www.xsnet.cn/x/1.shtml",
        title="数字 与 经济",
        body="数字化转型带动经济增长。",
    )
    store.upsert(apart)
    store.upsert(article(*SEED_XS))
    assert [h.article.url for h in store.search(parse("数字经济"))] == [article(*SEED_XS).url]


def test_context_exclusion(filled: ArticleStore) -> None:
    river = expected(*QIANTANG_RIVER_ONLY)["title"]
    assert river in titles(filled.search(parse("钱塘"), limit=100))
    found = titles(filled.search(parse("钱塘 -钱塘江"), limit=100))
    assert river not in found
    assert expected(*SEED_TIDE)["title"] in found  # 钱塘新区 and 钱塘江 both: still a match


def test_boolean_operators(filled: ArticleStore) -> None:
    both = set(titles(filled.search(parse("钱塘 AND 新型工业化"), limit=100)))
    either = set(titles(filled.search(parse("钱塘 OR 新型工业化"), limit=100)))
    without = set(titles(filled.search(parse("新型工业化 NOT 钱塘"), limit=100)))
    assert both and both < either
    assert without and not (without & both)


def test_title_hits_rank_above_body_hits_then_newest_first(filled: ArticleStore) -> None:
    hits = filled.search(parse("数字经济"), limit=100)
    in_title = [bool(h.title_highlights) for h in hits]
    assert in_title == sorted(in_title, reverse=True) and True in in_title and False in in_title
    titled = [h.article.published_at for h in hits if h.title_highlights]
    assert titled == sorted(titled, reverse=True)


def test_highlights_point_at_the_matched_text(filled: ArticleStore) -> None:
    for hit in filled.search(parse("新型工业化"), limit=100):
        assert hit.highlights or hit.title_highlights
        for s, e in hit.highlights:
            assert hit.snippet[s:e] == "新型工业化"
        for s, e in hit.title_highlights:
            assert hit.article.title[s:e] == "新型工业化"


def test_full_width_and_case_are_folded(store: ArticleStore) -> None:
    a = article(*SEED_XS, body="ＡＩ赋能制造业，Digital Economy 加速。")
    store.upsert(a)
    assert store.search(parse("ai")) and store.search(parse('"digital economy"'))
    (hit,) = store.search(parse("ai"))
    s, e = hit.highlights[0]
    assert hit.snippet[s:e] == "ＡＩ"  # the reader's characters, not the normal form


def test_search_filters_and_limit(filled: ArticleStore) -> None:
    assert {h.article.source for h in filled.search(parse("钱塘"), source="xsrb")} == {"xsrb"}
    since = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert all(h.article.published_at >= "2026" for h in filled.search(parse("钱塘"), since=since))
    assert len(filled.search(parse("钱塘"), limit=2)) == 2


def test_no_match_is_an_empty_list(filled: ArticleStore) -> None:
    assert filled.search(parse("量子引力波")) == []


# -- change feed ------------------------------------------------------------------------------


def test_change_feed_reports_new_and_updated_after_a_cursor(store: ArticleStore) -> None:
    a, b = article(*SEED_XS), article(*SEED_TIDE)
    store.upsert(a)
    store.upsert(b)
    first = store.changes()
    assert [(c.kind, c.article.url) for c in first] == [(Outcome.NEW, a.url), (Outcome.NEW, b.url)]
    cursor = first[-1].seq
    assert store.changes(after=cursor) == []
    store.upsert(a)  # unchanged: not a change
    store.upsert(dataclasses.replace(a, title=a.title + "（更新）"))
    (change,) = store.changes(after=cursor)
    assert change.kind is Outcome.UPDATED and change.article.version == 2
    assert change.seq > cursor


def test_change_feed_pages_with_limit(filled: ArticleStore) -> None:
    seen, cursor = [], 0
    while page := filled.changes(after=cursor, limit=4):
        assert len(page) <= 4
        seen += [c.article.url for c in page]
        cursor = page[-1].seq
    assert sorted(seen) == sorted(a.url for a in all_articles())
