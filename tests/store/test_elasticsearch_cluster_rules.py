"""What a real Elasticsearch 8.x cluster refuses or answers otherwise than a lenient fake
would, one test per rule the store once broke (the review against the 8.x reference and the
8.19 client). Each rule is one that ``fake_es.FakeElasticsearch`` now enforces as the
cluster does: template patterns and the merge of a template with a create-index request,
``action.auto_create_index: false``, ``index.max_result_window``, the clause limit (every
leaf of a query tree, every span term of a phrase on a token graph), search.max_buckets,
strict mappings, and version conflicts of updates (``retry_on_conflict``)."""

from __future__ import annotations

import dataclasses
import fnmatch
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch
from fake_es import FakeElasticsearch
from support import expected_article

import store.elasticsearch as es_module
from model.article import Article
from model.clock import SHANGHAI
from store.base import Outcome, article_id
from store.elasticsearch import BulkError, ElasticsearchStore, mapping_version
from store.query import parse

ALIAS = "tidewatch-articles"
INDEX = f"{ALIAS}-v{mapping_version()}"
SIDE = [f"{ALIAS}-{name}" for name in ("changes", "seq", "versions", "seen")]
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(es_module, "now", lambda: NOW)


def articles(n: int, body: str, title: str = "报道") -> list[Article]:
    base = expected_article("tidenews.com.cn", "3041187", extraction={"title": "css:test"})
    return [
        dataclasses.replace(
            base,
            url=f"https://tidenews.com.cn/news.html?id={title}-{i}",
            title=f"{title}（{i}）",
            body=body,
            published_at=NOW - timedelta(hours=i + 1),
        )
        for i in range(n)
    ]


# -- index management ---------------------------------------------------------------------------


def test_the_article_template_shapes_article_indices_only(fake: FakeElasticsearch) -> None:
    """A composable template applies to every new index its patterns match, merged field by
    field under the create request's own mapping: ``<alias>-v*`` matched
    ``<alias>-versions``, which got the article fields, analysers and ``_meta``."""
    store = ElasticsearchStore(fake.url)
    store.create()
    patterns = fake.templates[ALIAS]["index_patterns"]
    for side in SIDE:
        assert not any(fnmatch.fnmatchcase(side, p) for p in patterns), side
        assert "title" not in fake.indices[side].mappings["properties"], side
        assert "analysis" not in fake.indices[side].settings, side
        assert "_meta" not in fake.indices[side].mappings, side
    for index in (INDEX, f"{INDEX}-20260318093000"):  # create, and a reindex's new index
        assert any(fnmatch.fnmatchcase(index, p) for p in patterns), index
    assert set(fake.indices[f"{ALIAS}-versions"].mappings["properties"]) == {
        "article_id",
        "version",
        "content_hash",
        "recorded_at",
        "record",
    }
    store.close()


def test_create_makes_every_index_a_write_needs(fake: FakeElasticsearch) -> None:
    """Where ``action.auto_create_index`` is off, the change counter's index must exist
    before the first write reserves numbers in it (it used to be auto-created, with a
    guessed mapping); a store refuses to write while any side index is missing."""
    fake.auto_create_index = False
    store = ElasticsearchStore(fake.url)
    store.create()
    seq = fake.indices[f"{ALIAS}-seq"].mappings
    assert seq["dynamic"] == "strict" and seq["properties"]["seq"]["type"] == "long"
    batch = articles(3, "钱塘区新闻。")
    assert store.upsert_many(batch) == [Outcome.NEW] * 3
    assert [c.seq for c in store.changes()] == [1, 2, 3]
    store.close()

    del fake.indices[f"{ALIAS}-seq"]
    fresh = ElasticsearchStore(fake.url)
    with pytest.raises(BulkError, match=f"{ALIAS}-seq missing: run `tidewatch index create`"):
        fresh.upsert_many(articles(1, "新的一篇。", title="新"))
    assert f"{ALIAS}-seq" not in fake.indices
    fresh.close()


# -- the change feed ----------------------------------------------------------------------------


def test_a_feed_read_larger_than_the_result_window_pages(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``from + size`` of one search may not pass index.max_result_window (10,000): a
    reader asking for more changes than that gets them page by page, never a 400."""
    batch = articles(7, "钱塘区新闻。")
    es.upsert_many(batch)
    fake.clear()
    assert [c.seq for c in es.changes(limit=50_000)] == list(range(1, 8))
    (search,) = fake.calls(endpoint="_search")
    assert search.body["size"] == es_module.MAX_PAGE

    monkeypatch.setattr(es_module, "MAX_PAGE", 3)
    fake.clear()
    feed = es.changes(after=1, limit=5)
    assert [(c.seq, c.article.url) for c in feed] == [(s, batch[s - 1].url) for s in range(2, 7)]
    bodies = [r.body for r in fake.calls(endpoint="_search")]
    assert [(b["query"]["range"]["seq"]["gt"], b["size"]) for b in bodies] == [(1, 3), (4, 2)]
    assert [c.seq for c in es.changes(after=6, limit=5)] == [7]


# -- queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "カタカナテキストマイニングシステム",  # 17 katakana: fib(18) = 2,584 paths
        "インターナショナルフォーラムサミット",  # ー is katakana to the tokenizer too
        "ありがとうございましたおつかれさまでした",  # 20 hiragana
        "대한민국국회의사당앞에서열린기자회견",  # 18 hangul syllables
    ],
)
def test_a_long_kana_or_hangul_phrase_stays_under_the_clause_limit(
    fake: FakeElasticsearch, es: ElasticsearchStore, phrase: str
) -> None:
    """cjk_bigram with unigrams makes a token graph (each bigram spans two positions), and
    a match_phrase on a graph is one span clause per path: n characters have fib(n + 1)
    paths, more than max_clause_count (at least 1,024) from 16 on. Long runs are sent as
    short phrases, all required, and the exact pass decides the documents they admit."""
    cut = len(phrase) // 2
    inside, broken = (
        articles(1, f"会上，{phrase}。", "命中"),
        articles(1, f"会上，{phrase[:cut]}・{phrase[cut:]}。", "断开"),
    )
    es.upsert_many(inside + broken)
    fake.clear()
    hits = es.search(parse(phrase))
    assert [h.article.url for h in hits] == [inside[0].url]
    assert es.count_matches(parse(phrase)).total == 1
    phrases = [
        q
        for body in (r.body for r in fake.calls(endpoint="_search"))
        for q in _leaves(body.get("query", {}), "match_phrase")
    ]
    assert phrases, "the phrase is asked of Elasticsearch"
    assert all(len(text) <= es_module.PHRASE_RUN for q in phrases for text in q.values())


def test_the_fake_refuses_a_phrase_with_too_many_graph_clauses(fake: FakeElasticsearch) -> None:
    """The rule the test above relies on, as the fake enforces it: each path's span terms
    count against the limit, so 11 characters (1,164 span terms) are already too many."""
    store = ElasticsearchStore(fake.url)
    store.create()
    store.upsert_many(articles(1, "テスト"))
    store.es.indices.refresh(index=ALIAS)
    assert [es_module.graph_terms(n) for n in (4, 10, 11)] == [15, 655, 1164]
    ten = "インターナショナ" + "ルフ"
    ok = store.es.search(index=ALIAS, query={"match_phrase": {"body.uni": ten}})
    assert ok["hits"]["hits"] == []
    with pytest.raises(BadRequestError, match="too_many_nested_clauses"):
        store.es.search(index=ALIAS, query={"match_phrase": {"body.uni": ten + "ォ"}})
    store.close()


def _leaves(query: Any, kind: str) -> Iterator[dict[str, Any]]:
    if isinstance(query, dict):
        for key, value in query.items():
            if key == kind:
                yield value
            else:
                yield from _leaves(value, kind)
    elif isinstance(query, list):
        for item in query:
            yield from _leaves(item, kind)


# -- concurrent writers -------------------------------------------------------------------------


def test_side_document_updates_retry_on_a_concurrent_writers_conflict(
    fake: FakeElasticsearch, es: ElasticsearchStore, caplog: pytest.LogCaptureFixture
) -> None:
    """An update is a get and a conditional write: another crawler updating the same
    ``last_seen`` document in between is a 409 version conflict. ``retry_on_conflict`` has
    Elasticsearch re-run the update on the newer document instead of failing the item (a
    batch re-sent, or a ``touch`` that raised ConflictError)."""
    (a,) = articles(1, "钱塘区新闻。")
    aid = article_id(a.url)
    seen = f"{ALIAS}-seen"
    fake.fail_items([aid], status=409, times=1, index=seen)
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        assert es.upsert_many([a]) == [Outcome.NEW]
    assert len(fake.calls(endpoint="_bulk")) == 2  # history, then the article: no re-send
    assert "failed; retrying" not in caplog.text
    (item,) = [line for r in fake.calls(endpoint="_bulk") for line in r.body if "update" in line]
    assert item["update"]["retry_on_conflict"] == es_module.CONFLICT_RETRIES

    fake.fail_items([aid], status=409, times=2, index=seen)
    assert es.touch(a.url) is True
    (update,) = [r for r in fake.calls("POST", "_update") if r.path.startswith(f"/{seen}/")]
    assert update.query["retry_on_conflict"] == str(es_module.CONFLICT_RETRIES)
    assert fake.docs(seen)[aid]["last_seen"] == NOW.isoformat()

    fake.fail_items([aid], status=409, times=es_module.CONFLICT_RETRIES + 1, index=seen)
    with pytest.raises(ApiError):  # conflicts beyond the retries are errors, never success
        es.touch(a.url)


# -- the fake's own strictness ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_kwargs", "error"),
    [
        ({"size": 10_001}, "Result window is too large"),
        ({"from_": 9_990, "size": 20}, "Result window is too large"),
        ({"sort": [{"title": "asc"}]}, "Text fields are not optimised"),
        ({"aggs": {"t": {"terms": {"field": "body"}}}, "size": 0}, "Text fields are not"),
        (
            {"sort": [{"id": "asc"}], "search_after": ["a", 1]},
            "search_after has 2 value\\(s\\) but sort has 1",
        ),
        (
            {"sort": [{"id": "asc"}], "search_after": ["a"], "from_": 5},
            "`from` parameter must be set to 0",
        ),
    ],
)
def test_the_fake_refuses_searches_a_cluster_refuses(
    fake: FakeElasticsearch, request_kwargs: dict[str, Any], error: str
) -> None:
    store = ElasticsearchStore(fake.url)
    store.create()
    client: Elasticsearch = store.es
    with pytest.raises(BadRequestError, match=error):
        client.search(index=ALIAS, **request_kwargs)
    store.close()


def test_the_fake_answers_pit_searches_and_totals_as_a_cluster_does(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    es.upsert_many(articles(3, "钱塘区新闻。"))
    es.es.indices.refresh(index=ALIAS)
    client = es.es
    pit = client.open_point_in_time(index=ALIAS, keep_alive="1m")["id"]
    first = client.search(pit={"id": pit}, sort=[{"published_at": "desc"}], size=2)
    assert [len(h["sort"]) for h in first["hits"]["hits"]] == [2, 2]  # + the _shard_doc value
    rest = client.search(
        pit={"id": pit},
        sort=[{"published_at": "desc"}],
        size=2,
        search_after=first["hits"]["hits"][-1]["sort"],
    )
    assert len(rest["hits"]["hits"]) == 1
    client.close_point_in_time(id=pit)
    assert "total" not in client.search(index=ALIAS, track_total_hits=False)["hits"]
    assert client.search(index=ALIAS)["hits"]["total"] == {"value": 3, "relation": "eq"}
    with pytest.raises(BadRequestError, match="failed to parse field \\[at\\]"):
        client.index(index=f"{ALIAS}-changes", id="x", document={"at": "2026-03-18 09:30"})


# -- documents and the strict mapping -----------------------------------------------------------


def test_only_mapped_validators_are_written(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    """The mappings are strict: a validator the fetcher kept beyond etag and last_modified
    made Elasticsearch refuse the whole article (strict_dynamic_mapping_exception), where
    the SQLite store keeps the two it knows and ignores the rest."""
    (a,) = articles(1, "钱塘区新闻。")
    a.validators = {"etag": '"v1"', "cache_control": "no-cache", "last_modified": ""}
    assert es.upsert_many([a]) == [Outcome.NEW]
    aid = article_id(a.url)
    assert "cache_control" not in fake.docs(ALIAS)[aid]
    assert fake.docs(f"{ALIAS}-seen")[aid] == {"last_seen": NOW.isoformat(), "etag": '"v1"'}
    known = es.validators(a.url)
    assert (known.etag, known.last_modified) == ('"v1"', None)


def test_decomposed_hangul_is_left_to_the_exact_pass() -> None:
    """NFKC of a cluster composes conjoining jamo (ᄀ + ᅡ) into the syllable 가, as
    store.textnorm does where it folds clusters (a text with a combining mark); the
    analyser keeps the jamo, so such a text is never trusted to the .uni fields."""
    assert es_module.text_plain("大韩民国 가나다") is True  # precomposed syllables
    for text in ("\u1100\u1161", "한국\u11a8", "\ua960\u1161", "\ud7b0"):
        assert es_module.text_plain(text) is False, ascii(text)


def test_long_feeds_and_their_articles_are_read_in_bounded_requests(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = articles(5, "钱塘区新闻。")
    es.upsert_many(batch)
    monkeypatch.setattr(es_module, "MAX_PAGE", 2)
    fake.clear()
    assert [c.article.url for c in es.changes(limit=100)] == [a.url for a in batch]
    mgets = fake.calls(endpoint="_mget")
    assert mgets and all(len(r.body["ids"]) <= 2 for r in mgets)
    assert sorted(i for r in mgets if r.path == f"/{ALIAS}/_mget" for i in r.body["ids"]) == sorted(
        article_id(a.url) for a in batch
    )


def test_a_query_beyond_the_clause_limit_is_decided_by_the_exact_pass(
    fake: FakeElasticsearch, es: ElasticsearchStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Lucene 9 counts every leaf of a query tree (each span_term of each bigram chain, on
    both fields and again for the title tier) against max_clause_count, at least 1,024 on
    an 8.x node: 60 ten-character names OR-ed are 1,620 leaves, a 400 for the whole
    search. Such a query is checked in Python over every article instead."""
    names = [
        "".join(chr(0x4E00 + 37 * (10 * n + i) % 20_000) for i in range(10)) for n in range(60)
    ]
    query = parse(" OR ".join(names))
    assert es_module.leaves(compile_query_of(query)) > 1_024
    titled, body, apart, none = articles(4, "无关。")
    titled = dataclasses.replace(
        titled, title=f"{names[7]}开幕", published_at=NOW - timedelta(days=9)
    )
    body = dataclasses.replace(body, body=f"消息：{names[42]}。")
    apart = dataclasses.replace(apart, body=f"消息：{names[3][:5]}，{names[3][5:]}。")
    es.upsert_many([titled, body, apart, none])
    fake.clear()
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        hits = es.search(query)
    assert [h.article.url for h in hits] == [titled.url, body.url]
    assert "too many clauses" in caplog.text
    assert es.count_matches(query).total == 2
    assert sum(n for per in es.trend(query, bucket="day").values() for n in per.values()) == 2
    assert all(
        es_module.leaves(r.body.get("query")) <= 1_024 for r in fake.calls(endpoint="_search")
    )


def compile_query_of(query: Any) -> dict[str, Any]:
    return es_module.compile_query(query.root).query


# -- aggregations -------------------------------------------------------------------------------


def test_trends_and_per_source_counts_page_past_the_bucket_limit(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One answer may hold at most search.max_buckets buckets (65,536), sub-buckets
    included: a daily trend of years of articles from a few sources passes it, and a terms
    aggregation stops at its size. A composite aggregation pages through every (day,
    source) bucket exactly. Scaled down here: 50 buckets an answer, pages of 20."""
    fake.max_buckets = 50
    monkeypatch.setattr(es_module, "MAX_PAGE", 20)
    made = [
        dataclasses.replace(
            a,
            source=f"site{i % 3}",
            published_at=datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI) + timedelta(days=i),
        )
        for i, a in enumerate(articles(45, "钱塘区新闻。"))
    ]
    es.upsert_many(made)
    expected: dict[str, dict[str, int]] = {}
    for a in made:
        day = a.published_at.strftime("%Y-%m-%d")  # Shanghai days: 23:30 is not the next day
        expected.setdefault(day, {}).setdefault(a.source, 0)
        expected[day][a.source] += 1
    assert es.trend(parse("钱塘"), bucket="day") == dict(sorted(expected.items()))
    assert min(expected) == "2025-12-31"
    assert es.trend(parse("钱塘"), bucket="month") == {
        "2025-12": {"site0": 1},
        "2026-01": {"site0": 10, "site1": 11, "site2": 10},
        "2026-02": {"site0": 4, "site1": 4, "site2": 5},
    }
    counts = es.count_matches(parse("钱塘"))
    assert (counts.total, counts.by_source, counts.exact) == (
        45,
        {"site0": 15, "site1": 15, "site2": 15},
        True,
    )
    monkeypatch.setattr(es_module, "MAX_PAGE", 2)  # more sources than one page holds
    fake.clear()
    assert es.counts_by_source() == {"site0": 15, "site1": 15, "site2": 15}
    assert len(fake.calls(endpoint="_search")) == 2
