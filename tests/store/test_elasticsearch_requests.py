"""Request-level tests of the Elasticsearch store: the exact requests it sends (template and
mappings, bulk actions, queries, auth headers) and its logic around the answers, without a
cluster. The official client talks real HTTP to ``fake_es.FakeElasticsearch``, which does
no text analysis: search *semantics* are the contract suite's job, on a real cluster."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import AuthenticationException
from elasticsearch.helpers import actions as bulk_helpers
from fake_es import FakeElasticsearch
from pydantic import SecretStr
from support import expected_article

import store.elasticsearch as es_module
from model.article import Article
from model.clock import SHANGHAI
from store.base import Outcome, article_id
from store.elasticsearch import (
    CANDIDATES,
    FIELDS,
    BulkError,
    ElasticsearchStore,
    mapping_version,
    prefilter,
    template_body,
)
from store.query import parse
from tidewatch.config import REPO_ROOT, Config

ES_URL = os.environ.get("TIDEWATCH_ES_URL")  # read before conftest clears TIDEWATCH_*
MAPPINGS = REPO_ROOT / "store" / "mappings"
ALIAS = "tidewatch-articles"
CHANGES = "tidewatch-articles-changes"
SEQ = "tidewatch-articles-seq"
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=SHANGHAI)
SEEN = "2026-03-18T09:30:00+08:00"
PAGES = [
    ("www.xsnet.cn", "3025263"),
    ("tidenews.com.cn", "3041187"),
    ("tidenews.com.cn", "3041190"),
    ("xsrb.xsnet.cn", "content_79495_19374621"),
]


def article(host: str, stem: str, **changes: Any) -> Article:
    return expected_article(host, stem, **{"extraction": {"title": "css:test"}, **changes})


def replica_articles() -> list[Article]:
    from support import EXPECTED

    return [article(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]


def wildcard(run: str) -> dict[str, Any]:
    """What prefilter() makes of a run of ASCII letters or digits: a substring of a token."""
    fields = ("title.uni", "body.uni")
    return {
        "bool": {
            "should": [{"wildcard": {field: {"value": f"*{run}*"}}} for field in fields],
            "minimum_should_match": 1,
        }
    }


def phrase(text: str) -> dict[str, Any]:
    """What prefilter() makes of one term: a phrase on either bigram+unigram sub-field."""
    return {
        "bool": {
            "should": [{"match_phrase": {"title.uni": text}}, {"match_phrase": {"body.uni": text}}],
            "minimum_should_match": 1,
        }
    }


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(es_module, "now", lambda: NOW)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The bulk helper's back-off sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(bulk_helpers, "time", SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def fake() -> Iterator[FakeElasticsearch]:
    with FakeElasticsearch() as server:
        yield server


@pytest.fixture
def es(fake: FakeElasticsearch, tmp_path: Path) -> Iterator[ElasticsearchStore]:
    """A created store; the fake's request log starts empty."""
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url))
    store.create()
    fake.clear()
    yield store
    store.close()


def calls(fake: FakeElasticsearch) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests]


# -- index management ---------------------------------------------------------------------------


def test_create_sends_the_template_then_index_alias_and_change_feed(
    fake: FakeElasticsearch, tmp_path: Path
) -> None:
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url))
    assert store.create() == "tidewatch-articles-v1"
    assert calls(fake) == [
        ("GET", "/_nodes/plugins"),  # smartcn / IK sub-fields only where installed
        ("PUT", "/_index_template/tidewatch-articles"),
        ("HEAD", "/_alias/tidewatch-articles"),
        ("HEAD", "/tidewatch-articles-v1"),
        ("PUT", "/tidewatch-articles-v1"),
        ("PUT", "/tidewatch-articles-v1/_alias/tidewatch-articles"),
        ("HEAD", "/tidewatch-articles-changes"),
        ("PUT", "/tidewatch-articles-changes"),
    ]
    template = fake.requests[1].body
    on_disk = json.loads((MAPPINGS / "articles.json").read_text(encoding="utf-8"))
    del on_disk["_comment"]
    on_disk["index_patterns"] = ["tidewatch-articles-v*"]
    assert template == on_disk == template_body(ALIAS)
    assert template["_meta"]["version"] == mapping_version() == 1

    settings, mappings = template["template"]["settings"], template["template"]["mappings"]
    analysis = settings["analysis"]
    (bigram_filter,) = [name for name, f in analysis["filter"].items() if f["type"] == "cjk_bigram"]
    assert analysis["filter"][bigram_filter]["output_unigrams"] is True
    assert analysis["analyzer"]["cjk_uni"]["tokenizer"] == "standard"
    assert analysis["analyzer"]["cjk_uni"]["filter"] == ["cjk_width", "lowercase", bigram_filter]
    props = mappings["properties"]
    assert mappings["dynamic"] == "strict"
    for text_field in ("title", "body"):
        assert props[text_field]["type"] == "text"
        assert props[text_field]["analyzer"] == "cjk"
        assert props[text_field]["fields"]["uni"] == {"type": "text", "analyzer": "cjk_uni"}
    for keyword in ("id", "url", "source", "channel", "origin", "authors", "editor"):
        assert props[keyword]["type"] == "keyword", keyword
    assert props["published_at"] == {"type": "date"}
    assert set(FIELDS) <= set(props)  # every stored field is mapped (the mapping is strict)
    assert {"etag", "last_modified"} <= set(props)

    # the index takes its mapping from the template; the change feed brings its own
    assert fake.requests[4].body is None
    changes = json.loads((MAPPINGS / "changes.json").read_text(encoding="utf-8"))
    assert fake.requests[7].body == {"mappings": changes["mappings"]}
    assert fake.indices["tidewatch-articles-v1"].mappings == mappings
    assert fake.aliases == {ALIAS: {"tidewatch-articles-v1"}}


def test_create_again_is_idempotent(fake: FakeElasticsearch, tmp_path: Path) -> None:
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url))
    store.create()
    fake.clear()
    assert store.create() == "tidewatch-articles-v1"
    assert calls(fake) == [
        ("GET", "/_nodes/plugins"),
        ("PUT", "/_index_template/tidewatch-articles"),  # the template is kept up to date
        ("HEAD", "/_alias/tidewatch-articles"),
        ("GET", "/_alias/tidewatch-articles"),
    ]
    assert sorted(fake.indices) == ["tidewatch-articles-changes", "tidewatch-articles-v1"]


def test_create_keeps_an_alias_that_a_reindex_moved(
    fake: FakeElasticsearch, tmp_path: Path
) -> None:
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url))
    store.create()
    store.es.indices.create(index="tidewatch-articles-v1-20260318093000")
    store.es.indices.update_aliases(
        actions=[
            {"remove": {"index": "tidewatch-articles-v1", "alias": ALIAS}},
            {"add": {"index": "tidewatch-articles-v1-20260318093000", "alias": ALIAS}},
        ]
    )
    assert store.create() == "tidewatch-articles-v1-20260318093000"


def test_a_custom_index_name_shapes_every_name(fake: FakeElasticsearch, tmp_path: Path) -> None:
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url, es_index="news"))
    assert store.create() == "news-v1"
    assert fake.requests[1].path == "/_index_template/news"
    assert fake.requests[1].body["index_patterns"] == ["news-v*"]
    assert sorted(fake.indices) == ["news-changes", "news-v1"]
    assert fake.aliases == {"news": {"news-v1"}}


# -- writing ------------------------------------------------------------------------------------


def expected_document(a: Article, version: int = 1, first_seen: str = SEEN) -> dict[str, Any]:
    return {
        "id": article_id(a.url),
        "url": a.url,
        "source": a.source,
        "channel": a.channel,
        "title": a.title,
        "published_at": a.published_at.isoformat(),
        "published_precision": str(a.published_precision),
        "origin": a.origin,
        "authors": a.authors,
        "contributors": a.contributors,
        "editor": a.editor,
        "body": a.body,
        "images": a.images,
        "content_hash": a.content_hash(),
        "first_seen": first_seen,
        "last_seen": SEEN,
        "version": version,
        "extraction": a.extraction,
        **{k: v for k, v in a.validators.items() if v},
    }


def test_new_articles_reserve_seqs_then_write_changes_before_articles(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    batch = [article(*p) for p in PAGES[:3]]
    batch[0].validators = {"etag": '"abc"', "last_modified": "Wed, 16 Jan 2019 07:57:00 GMT"}
    ids = [article_id(a.url) for a in batch]
    assert es.upsert_many(batch) == [Outcome.NEW] * 3

    assert calls(fake) == [
        ("HEAD", f"/{ALIAS}-changes"),  # once per store: refuses to write before `index create`
        ("POST", f"/{ALIAS}/_mget"),
        ("POST", f"/{SEQ}/_update/changes"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
    ]
    _, mget, reserve, change_bulk, article_bulk = fake.requests
    assert mget.body == {"ids": ids}
    assert mget.query == {"_source_includes": "content_hash,version,first_seen"}
    assert reserve.body == {
        "script": {"source": "ctx._source.seq += params.n", "params": {"n": 3}},
        "upsert": {"seq": 3},
        "_source": True,
    }
    assert reserve.query == {"retry_on_conflict": "20"}
    assert change_bulk.query["refresh"] == article_bulk.query["refresh"] == "true"
    assert article_bulk.query.get("require_alias") == "true"  # never auto-create a plain index

    changes = fake.bulk_items(index=CHANGES)
    assert [(c.op, c.id) for c in changes] == [("create", f"{i}:1") for i in ids]
    assert [c.source for c in changes] == [
        {"article_id": i, "version": 1, "kind": "new", "at": SEEN, "seq": seq}
        for i, seq in zip(ids, [1, 2, 3], strict=True)
    ]
    docs = fake.bulk_items(index=ALIAS)
    assert all(d.request > changes[-1].request for d in docs)  # the feed first
    assert [(d.op, d.id) for d in docs] == [("index", i) for i in ids]
    assert [d.source for d in docs] == [expected_document(a) for a in batch]
    assert docs[0].source["etag"] == '"abc"'
    assert "etag" not in docs[1].source  # no validator, no field

    es.upsert_many([article(*PAGES[3])])  # the counter goes on from where it was
    (change,) = fake.bulk_items(index=CHANGES)[3:]
    assert change.source["seq"] == 4
    assert fake.docs(SEQ) == {"changes": {"seq": 4}}


def test_unchanged_article_only_refreshes_last_seen_and_validators(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    a = article(*PAGES[0])
    es.upsert_many([a])
    fake.clear()
    again = dataclasses.replace(
        a, extraction={"title": "trafilatura"}, validators={"etag": '"v2"', "last_modified": ""}
    )
    assert es.upsert_many([again]) == [Outcome.UNCHANGED]
    assert calls(fake) == [("POST", f"/{ALIAS}/_mget"), ("PUT", "/_bulk")]  # no seq, no change
    (update,) = fake.bulk_items()
    assert (update.op, update.index, update.id) == ("update", ALIAS, article_id(a.url))
    assert update.source == {"doc": {"last_seen": SEEN, "etag": '"v2"'}}


def test_upsert_passes_its_validators(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    a = article(*PAGES[0])
    es.upsert(a, etag='"e1"', last_modified="Wed, 16 Jan 2019 07:57:00 GMT")
    (doc,) = fake.bulk_items(op="index")
    assert (doc.source["etag"], doc.source["last_modified"]) == (
        '"e1"',
        "Wed, 16 Jan 2019 07:57:00 GMT",
    )
    known = es.validators(a.url)
    assert (known.etag, known.last_modified) == ('"e1"', "Wed, 16 Jan 2019 07:57:00 GMT")
    assert fake.requests[-1].query == {"_source_includes": "etag,last_modified"}


def test_changed_article_is_version_two_with_an_updated_change(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = article(*PAGES[0])
    es.upsert_many([a])
    later = datetime(2026, 3, 19, 8, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(es_module, "now", lambda: later)
    fake.clear()
    edited = dataclasses.replace(a, body=a.body + "\n（更正）")
    assert es.upsert_many([edited]) == [Outcome.UPDATED]
    aid = article_id(a.url)
    (change,) = fake.bulk_items(index=CHANGES)
    assert (change.op, change.id) == ("create", f"{aid}:2")
    assert change.source == {
        "article_id": aid,
        "version": 2,
        "kind": "updated",
        "at": later.isoformat(),
        "seq": 2,
    }
    (doc,) = fake.bulk_items(index=ALIAS)
    assert doc.op == "index"
    assert doc.source == {
        **expected_document(edited, version=2, first_seen=SEEN),
        "last_seen": later.isoformat(),
    }


def test_touch_updates_last_seen_of_a_known_article_only(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    a = article(*PAGES[0])
    assert es.touch(a.url) is False
    es.upsert(a)
    fake.clear()
    assert es.touch(a.url) is True
    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", f"/{ALIAS}/_update/{article_id(a.url)}")
    assert request.body == {"doc": {"last_seen": SEEN}}


# -- partial bulk failures ----------------------------------------------------------------------


def test_an_item_rejected_once_with_429_is_retried_alone(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    batch = [article(*p) for p in PAGES[:3]]
    busy = article_id(batch[1].url)
    fake.fail_items([busy], status=429, times=1)
    assert es.upsert_many(batch) == [Outcome.NEW] * 3
    sends = [[d.id for d in fake.bulk_items(index=ALIAS) if d.request == n] for n in range(20)]
    sends = [s for s in sends if s]
    assert sends == [[article_id(a.url) for a in batch], [busy]]
    assert sleeps == [2]  # the client's back-off
    assert set(fake.docs(ALIAS)) == {article_id(a.url) for a in batch}


def test_an_item_failing_once_otherwise_is_retried_alone_by_the_store(
    fake: FakeElasticsearch,
    es: ElasticsearchStore,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch = [article(*p) for p in PAGES[:3]]
    broken = article_id(batch[2].url)
    fake.fail_items([broken], status=503, times=1)
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        assert es.upsert_many(batch) == [Outcome.NEW] * 3
    bulks = [r for r in fake.calls(endpoint="_bulk")]
    assert len(bulks) == 3  # changes, articles, the failed article again
    assert [line for line in bulks[2].body if "index" in line] == [
        {"index": {"_id": broken, "_index": ALIAS}}
    ]
    assert "bulk: 1 of 3 items failed; retrying them" in caplog.text
    assert fake.docs(ALIAS)[broken]["version"] == 1
    assert sleeps == []


def test_items_that_keep_failing_raise_bulk_error_naming_them(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    batch = [article(*p) for p in PAGES]
    bad = sorted(article_id(a.url) for a in batch[1:3])
    fake.fail_items(bad, status=500, times=None)
    with pytest.raises(BulkError) as caught:
        es.upsert_many(batch)
    message = str(caught.value)
    assert ALIAS in message and all(i in message for i in bad)
    good = {article_id(a.url) for a in batch} - set(bad)
    assert good <= set(fake.docs(ALIAS)) and not set(bad) & set(fake.docs(ALIAS))
    attempts = [d.id for d in fake.bulk_items(index=ALIAS) if d.id in bad]
    assert sorted(attempts) == sorted(bad * 3)  # three attempts each, then reported


def test_a_change_that_cannot_be_recorded_stops_the_article_write(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    a = article(*PAGES[0])
    fake.fail_items([f"{article_id(a.url)}:1"], status=429, times=None)
    with pytest.raises(BulkError, match=CHANGES):
        es.upsert_many([a])
    assert fake.bulk_items(index=ALIAS) == []  # no article without its change
    assert len(fake.bulk_items(index=CHANGES)) == 9  # 3 store attempts × (1 + 2 client retries)
    assert sleeps == [2, 4] * 3


def test_a_change_already_recorded_is_not_an_error(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    """A write interrupted after the change feed: writing again gets a 409 for the change."""
    a = article(*PAGES[0])
    aid = article_id(a.url)
    fake.fail_items([aid], status=500, times=None)
    with pytest.raises(BulkError):
        es.upsert_many([a])
    fake.fail_items([aid], status=500, times=0)
    fake.clear()
    assert es.upsert_many([a]) == [Outcome.NEW]
    bulk = fake.calls(endpoint="_bulk")[0]
    assert bulk.body[0] == {"create": {"_id": f"{aid}:1", "_index": CHANGES}}
    assert set(fake.docs(CHANGES)) == {f"{aid}:1"}
    assert fake.docs(ALIAS)[aid]["version"] == 1
    assert [(c.kind, c.article.id) for c in es.changes()] == [(Outcome.NEW, aid)]


def test_a_change_is_not_lost_when_its_article_write_failed_first(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    late, other = article(*PAGES[0]), article(*PAGES[1])
    fake.fail_items([article_id(late.url)], status=500, times=None)
    with pytest.raises(BulkError):
        es.upsert_many([late])  # its change (seq 1) is recorded, the article is not
    fake.fail_items([article_id(late.url)], status=500, times=0)
    es.upsert_many([other])  # seq 2
    assert es.changes() == []  # the feed waits at seq 1: a reader's cursor cannot pass it
    assert es.upsert_many([late]) == [Outcome.NEW]  # the spool sends it again
    seen = es.changes()
    assert [(c.seq, c.article.url) for c in seen] == [(1, late.url), (2, other.url)]


def test_the_same_article_twice_in_one_batch_is_written_once(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    a = article(*PAGES[0])
    assert es.upsert_many([a, dataclasses.replace(a)]) == [Outcome.NEW, Outcome.UNCHANGED]
    assert len(fake.bulk_items(op="index", index=ALIAS)) == 1


def test_writing_before_index_create_makes_no_plain_index(
    fake: FakeElasticsearch, tmp_path: Path, sleeps: list[float]
) -> None:
    """Without the alias, Elasticsearch would auto-create a concrete index under its name,
    with guessed mappings, and `index create` could then never put the alias there."""
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url))
    a = article(*PAGES[0])
    with pytest.raises(BulkError, match="run `tidewatch index create`"):
        store.upsert_many([a])
    assert ALIAS not in fake.indices
    assert store.create() == "tidewatch-articles-v1"
    store.close()


def test_documents_fit_the_strict_mapping(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    """The fake rejects unmapped fields as a strict mapping does: every replica article,
    with validators, is accepted."""
    batch = replica_articles()
    for a in batch:
        a.validators = {"etag": '"x"', "last_modified": "Wed, 16 Jan 2019 07:57:00 GMT"}
    assert es.upsert_many(batch) == [Outcome.NEW] * len(batch)
    assert es.count() == len(batch)


# -- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "must"),
    [
        ("钱塘", phrase("钱塘")),
        ("ＡＩ", wildcard("ai")),  # the normal form; a substring of a word ("said") counts too
        ('"digital economy"', {"bool": {"must": [wildcard("digital"), wildcard("economy")]}}),
        ("AI芯片", {"bool": {"must": [wildcard("ai"), phrase("芯片")]}}),
        ("ß", {"match_all": {}}),  # casefolds to "ss", which Elasticsearch's lowercase does not
        ("钱塘 AND 新型工业化", {"bool": {"must": [phrase("钱塘"), phrase("新型工业化")]}}),
        (
            "钱塘 OR 新型工业化",
            {"bool": {"should": [phrase("钱塘"), phrase("新型工业化")], "minimum_should_match": 1}},
        ),
        ("新型工业化 NOT 钱塘", {"bool": {"must": [phrase("新型工业化"), {"match_all": {}}]}}),
        ("钱塘 -钱塘江", phrase("钱塘")),  # the context is left to the exact pass
    ],
)
def test_search_sends_phrases_on_the_unigram_fields(
    fake: FakeElasticsearch, es: ElasticsearchStore, query: str, must: dict[str, Any]
) -> None:
    es.search(parse(query))
    (request,) = fake.requests
    assert (request.method, request.path) == ("POST", f"/{ALIAS}/_search")
    assert request.body == {
        "query": {"bool": {"must": [must], "filter": []}},
        "size": CANDIDATES,
        "sort": [{"published_at": "desc"}],
    }


def test_search_filters_by_source_and_since(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    es.search(parse("钱塘"), source="xsrb", since=datetime(2026, 1, 1, tzinfo=SHANGHAI))
    assert fake.requests[0].body["query"]["bool"]["filter"] == [
        {"term": {"source": "xsrb"}},
        {"range": {"published_at": {"gte": "2026-01-01T00:00:00+08:00"}}},
    ]


def test_prefilter_of_nested_queries() -> None:
    assert prefilter(parse("(钱塘 OR 萧山) 数字经济 -广告").root) == {
        "bool": {
            "must": [
                {"bool": {"should": [phrase("钱塘"), phrase("萧山")], "minimum_should_match": 1}},
                phrase("数字经济"),
                {"match_all": {}},  # NOT only narrows: left to the exact pass
            ]
        }
    }
    assert prefilter(parse("钱塘 -钱塘江").root) == phrase("钱塘")
    assert prefilter(parse("NOT 广告").root) == {"match_all": {}}
    assert prefilter(parse("雨").root) == phrase("雨")  # one character: the unigram sub-field
    with pytest.raises(TypeError):
        prefilter("钱塘")  # type: ignore[arg-type]


def test_the_exact_pass_decides_among_the_candidates(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    """The fake admits every document (no analysis); what comes back is the store's exact
    pass — the same code SQLite uses, not Elasticsearch's matching."""
    river = article(*PAGES[2])  # 钱塘江 only
    both = article(*PAGES[1])  # 钱塘新区 and 钱塘江
    apart = article(
        *PAGES[0],
        url="http://www.xsnet.cn/x/1.shtml",
        title="数字 与 经济",
        body="数字化带动经济。",
    )
    es.upsert_many([river, both, apart])
    hits = es.search(parse("钱塘 -钱塘江"), limit=100)
    assert [h.article.url for h in hits] == [both.url]
    assert es.search(parse("数字经济")) == []
    assert len(fake.docs(ALIAS)) == 3


def test_articles_pages_with_search_after(fake: FakeElasticsearch, tmp_path: Path) -> None:
    store = ElasticsearchStore(Config(data_dir=tmp_path, es_url=fake.url, es_batch_size=2))
    store.create()
    batch = [article(*p) for p in PAGES] + [
        article(*PAGES[0], url="http://www.xsnet.cn/x/2.shtml")  # same time: ids break ties
    ]
    store.upsert_many(batch)
    fake.clear()
    listed = list(store.articles(source=None))
    want = sorted(batch, key=lambda a: (a.published_at, article_id(a.url)))
    assert [a.url for a in listed] == [a.url for a in want]
    searches = fake.calls(endpoint="_search")
    assert len(searches) == 3  # 2 + 2 + 1
    first = searches[0].body
    assert first == {
        "query": {"bool": {"filter": []}},
        "size": 2,
        "sort": [{"published_at": "asc"}, {"id": "asc"}],
    }
    for n in (1, 2):
        after = searches[n].body["search_after"]
        last = want[2 * n - 1]
        assert after[1] == article_id(last.url)
        assert after[0] == int(last.published_at.timestamp() * 1000)  # a date's sort value
        assert {k: v for k, v in searches[n].body.items() if k != "search_after"} == first
    fake.clear()
    list(store.articles(source="xsnet", since=datetime(2019, 1, 1, tzinfo=SHANGHAI)))
    assert fake.requests[0].body["query"] == {
        "bool": {
            "filter": [
                {"term": {"source": "xsnet"}},
                {"range": {"published_at": {"gte": "2019-01-01T00:00:00+08:00"}}},
            ]
        }
    }
    store.close()


def test_changes_reads_the_feed_after_a_cursor_then_the_articles(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    a, b = article(*PAGES[0]), article(*PAGES[1])
    es.upsert_many([a, b])
    es.upsert_many([dataclasses.replace(a, title=a.title + "（更新）")])
    fake.clear()
    feed = es.changes(after=1, limit=10)
    assert [(c.seq, c.kind, c.article.url, c.article.version) for c in feed] == [
        (2, Outcome.NEW, b.url, 1),
        (3, Outcome.UPDATED, a.url, 2),
    ]
    search, mget = fake.requests
    assert (search.path, mget.path) == (f"/{CHANGES}/_search", f"/{ALIAS}/_mget")
    assert search.body == {
        "query": {"range": {"seq": {"gt": 1}}},
        "sort": [{"seq": "asc"}],
        "size": 10,
    }
    assert mget.body == {"ids": [article_id(b.url), article_id(a.url)]}
    fake.clear()
    assert es.changes(after=3) == []
    assert calls(fake) == [("POST", f"/{CHANGES}/_search")]  # nothing to fetch


def test_count_and_counts_by_source(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    es.upsert_many(replica_articles())
    fake.clear()
    assert es.count("xsrb") == 3
    assert fake.requests[0].path == f"/{ALIAS}/_count"
    assert fake.requests[0].body == {"query": {"bool": {"filter": [{"term": {"source": "xsrb"}}]}}}
    counts = es.counts_by_source()
    assert counts["xsrb"] == 3 and sum(counts.values()) == es.count()
    assert fake.requests[1].body == {
        "aggs": {"sources": {"terms": {"field": "source", "size": 100}}},
        "size": 0,
    }


def test_get_and_validators_of_a_missing_article(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    assert es.get("0" * 40) is None
    assert es.validators("http://www.xsnet.cn/none.shtml") is None
    a = article(*PAGES[1])
    es.upsert(a)
    stored = es.get(article_id(a.url))
    assert (stored.title, stored.authors, stored.extraction) == (a.title, a.authors, a.extraction)
    assert stored.published_at == "2025-03-09T11:20:00+08:00"


# -- authentication -----------------------------------------------------------------------------

API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
PASSWORD = "pa55w0rd-s3cret-7Qx"


def secrets_kept(text: str) -> bool:
    encoded = base64.b64encode(f"elastic:{PASSWORD}".encode()).decode()
    return API_KEY not in text and PASSWORD not in text and encoded not in text


def test_api_key_is_sent_as_an_apikey_header(fake: FakeElasticsearch, tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, es_url=fake.url, es_api_key=SecretStr(API_KEY))
    store = ElasticsearchStore(config)
    store.create()
    assert {r.headers.get("authorization") for r in fake.requests} == {f"ApiKey {API_KEY}"}
    store.close()


def test_user_and_password_are_sent_as_basic_auth(fake: FakeElasticsearch, tmp_path: Path) -> None:
    config = Config(
        data_dir=tmp_path, es_url=fake.url, es_user="elastic", es_password=SecretStr(PASSWORD)
    )
    store = ElasticsearchStore(config)
    store.create()
    (header,) = {r.headers.get("authorization") for r in fake.requests}
    scheme, token = header.split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(token).decode("utf-8") == f"elastic:{PASSWORD}"
    store.close()


def test_a_non_ascii_password_is_sent_as_utf8(fake: FakeElasticsearch, tmp_path: Path) -> None:
    password = "pässwörd-s3cret"
    config = Config(
        data_dir=tmp_path, es_url=fake.url, es_user="elastic", es_password=SecretStr(password)
    )
    store = ElasticsearchStore(config)
    store.create()
    token = fake.requests[0].headers["authorization"].removeprefix("Basic ")
    assert base64.b64decode(token).decode("utf-8") == f"elastic:{password}"


def test_no_credentials_no_authorization_header(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    es.count()
    assert "authorization" not in fake.requests[0].headers


@pytest.mark.parametrize("kind", ["api_key", "basic"])
def test_secrets_never_reach_logs_or_errors(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    credentials: dict[str, Any] = (
        {"es_api_key": SecretStr(API_KEY)}
        if kind == "api_key"
        else {"es_user": "elastic", "es_password": SecretStr(PASSWORD)}
    )
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    with FakeElasticsearch(require_authorization="ApiKey something-else") as refusing:
        config = Config(data_dir=tmp_path, es_url=refusing.url, **credentials)
        store = ElasticsearchStore(config)
        with pytest.raises(AuthenticationException) as refused:
            store.create()
        errors.append(refused.value)
        store.close()
        closed_port = refusing.port
    config = Config(data_dir=tmp_path, es_url=f"http://127.0.0.1:{closed_port}", **credentials)
    store = ElasticsearchStore(config)
    store.es = store.es.options(max_retries=0)
    with pytest.raises(TransportConnectionError) as unreachable:
        store.count()
    errors.append(unreachable.value)
    texts = [caplog.text, repr(config), str(config), repr(store.es)]
    texts += [f"{e!s} {e!r} {getattr(e, 'body', '')}" for e in errors]
    assert caplog.text  # the client did log the failing requests
    assert all(secrets_kept(t) for t in texts)


# -- the shared contract on a real cluster ------------------------------------------------------


@pytest.mark.elasticsearch
def test_contract_suite_runs_on_a_real_cluster_when_given() -> None:
    """The fake cannot analyse text, so the behavioural contract (search semantics above
    all) runs against ElasticsearchStore only on a real cluster."""
    if not ES_URL:
        pytest.skip(
            "no Elasticsearch cluster: set TIDEWATCH_ES_URL to run the store contract suite "
            "(tests/store/test_store_contract.py) on ElasticsearchStore; the fake checks "
            "requests only"
        )
    contract = Path(__file__).with_name("test_store_contract.py")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(contract), "-q", "-k", "elasticsearch", "-rs"],
        env={**os.environ, "TIDEWATCH_ES_URL": ES_URL},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "skipped" not in done.stdout.splitlines()[-1], done.stdout[-2000:]


def test_no_analysis_plugin_no_segmenting_sub_fields(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    es.create()
    fields = fake.templates["tidewatch-articles"]["template"]["mappings"]["properties"]
    assert set(fields["title"]["fields"]) == {"uni", "raw"} and set(fields["body"]["fields"]) == {
        "uni"
    }


@pytest.mark.parametrize(
    ("plugins", "sub_fields"),
    [
        (["analysis-smartcn"], {"smart": "smartcn"}),
        (["analysis-ik"], {"ik": "ik_max_word"}),
        (
            ["analysis-smartcn", "analysis-ik", "repository-s3"],
            {"smart": "smartcn", "ik": "ik_max_word"},
        ),
    ],
)
def test_installed_analysis_plugins_add_sub_fields(
    fake: FakeElasticsearch, es: ElasticsearchStore, plugins: list[str], sub_fields: dict[str, str]
) -> None:
    fake.plugins = plugins
    es.create()
    fields = fake.templates["tidewatch-articles"]["template"]["mappings"]["properties"]
    for text in ("title", "body"):
        for name, analyzer in sub_fields.items():
            assert fields[text]["fields"][name]["analyzer"] == analyzer
