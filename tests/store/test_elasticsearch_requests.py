"""Request-level tests of the Elasticsearch store: the exact requests it sends (template and
mappings, bulk actions, compiled queries, aggregations, auth headers) and its logic around
the answers, without a cluster. The official client talks real HTTP to
``fake_es.FakeElasticsearch``, which analyses the ``*.uni`` sub-fields only as a toy model of
``cjk_bigram``: whether the compiled queries are right on a real analyser is the contract
suite's job, on a real cluster."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, timedelta
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
from store import elasticsearch_store
from store.base import Outcome, article_id, rank_and_snippet
from store.elasticsearch import (
    FIELDS,
    SORT,
    BulkError,
    ElasticsearchStore,
    compile_term,
    mapping_version,
    plan_for,
    template_body,
    text_plain,
)
from store.query import parse
from tidewatch.config import REPO_ROOT, Config

ES_URL = os.environ.get("TIDEWATCH_ES_URL")  # read before conftest clears TIDEWATCH_*
MAPPINGS = REPO_ROOT / "store" / "mappings"
ALIAS = "tidewatch-articles"
INDEX = f"{ALIAS}-v{mapping_version()}"
CHANGES = "tidewatch-articles-changes"
SEQ = "tidewatch-articles-seq"
VERSIONS = "tidewatch-articles-versions"
SEEN = "tidewatch-articles-seen"
SIDES = [CHANGES, SEQ, VERSIONS, SEEN]
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=SHANGHAI)
SEEN_AT = "2026-03-18T09:30:00+08:00"
PLAIN = {"term": {"text_plain": True}}
NOT_PLAIN = {"bool": {"must_not": [PLAIN]}}
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


def either(query: Any) -> dict[str, Any]:
    """``query(field)`` on the title or the body sub-field."""
    return {
        "bool": {
            "should": [query("title.uni"), query("body.uni")],
            "minimum_should_match": 1,
        }
    }


def chain(text: str) -> Any:
    """What an ideograph term compiles to on one field: its token (one or two
    characters) or its bigrams at consecutive positions."""

    def on(field: str) -> dict[str, Any]:
        if len(text) <= 2:
            return {"term": {field: text}}
        return {"span_near": {"clauses": spans(text, field), "slop": 0, "in_order": True}}

    return on


def spans(text: str, field: str) -> list[dict[str, Any]]:
    return [{"span_term": {field: text[i : i + 2]}} for i in range(len(text) - 1)]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(es_module, "now", lambda: NOW)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The bulk helper's back-off sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(bulk_helpers, "time", SimpleNamespace(sleep=slept.append))
    return slept


def calls(fake: FakeElasticsearch) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests]


def searches(fake: FakeElasticsearch) -> list[dict[str, Any]]:
    return [r.body for r in fake.calls(endpoint="_search")]


# -- index management ---------------------------------------------------------------------------


def test_create_sends_the_template_then_side_indices_index_and_alias(
    fake: FakeElasticsearch,
) -> None:
    store = ElasticsearchStore(fake.url)
    assert store.create() == INDEX == "tidewatch-articles-v3"
    assert calls(fake) == [
        ("GET", "/_nodes/plugins"),  # smartcn / IK sub-fields only where installed
        ("PUT", "/_index_template/tidewatch-articles"),
        ("HEAD", f"/{CHANGES}"),
        ("PUT", f"/{CHANGES}"),
        ("HEAD", f"/{SEQ}"),
        ("PUT", f"/{SEQ}"),
        ("HEAD", f"/{VERSIONS}"),
        ("PUT", f"/{VERSIONS}"),
        ("HEAD", f"/{SEEN}"),
        ("PUT", f"/{SEEN}"),
        ("HEAD", "/_alias/tidewatch-articles"),
        ("HEAD", f"/{INDEX}"),
        ("PUT", f"/{INDEX}"),
        ("PUT", f"/{INDEX}/_alias/tidewatch-articles"),
    ]
    template = fake.requests[1].body
    on_disk = json.loads((MAPPINGS / "articles.json").read_text(encoding="utf-8"))
    del on_disk["_comment"]
    on_disk["index_patterns"] = ["tidewatch-articles-v3", "tidewatch-articles-v3-*"]
    assert template == on_disk == template_body(ALIAS)
    assert template["_meta"]["version"] == mapping_version() == 3
    assert template["template"]["mappings"]["_meta"] == {"version": 3}

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
    assert props["text_plain"] == {"type": "boolean"}
    assert set(FIELDS) <= set(props)  # every stored field is mapped (the mapping is strict)
    assert {"etag", "last_modified", "published_precision"} <= set(props)

    # the index takes its mapping from the template; the side indices bring their own
    assert fake.requests[12].body is None
    for request, name in ((3, "changes"), (5, "seq"), (7, "versions"), (9, "seen")):
        on_disk = json.loads((MAPPINGS / f"{name}.json").read_text(encoding="utf-8"))
        del on_disk["_comment"]
        assert fake.requests[request].body == on_disk
    assert fake.requests[7].body["settings"]["index"]["codec"] == "best_compression"
    assert fake.indices[VERSIONS].mappings["properties"]["record"] == {
        "type": "object",
        "enabled": False,
    }
    assert fake.indices[INDEX].mappings == mappings
    assert fake.aliases == {ALIAS: {INDEX}}


def test_create_again_is_idempotent(fake: FakeElasticsearch) -> None:
    store = ElasticsearchStore(fake.url)
    store.create()
    fake.clear()
    assert store.create() == INDEX
    assert calls(fake) == [
        ("GET", "/_nodes/plugins"),
        ("PUT", "/_index_template/tidewatch-articles"),  # the template is kept up to date
        ("HEAD", f"/{CHANGES}"),
        ("HEAD", f"/{SEQ}"),
        ("HEAD", f"/{VERSIONS}"),
        ("HEAD", f"/{SEEN}"),
        ("HEAD", "/_alias/tidewatch-articles"),
        ("GET", "/_alias/tidewatch-articles"),
        ("GET", f"/{INDEX}/_mapping"),  # up to date: no put-mapping
    ]
    assert sorted(fake.indices) == sorted([CHANGES, INDEX, SEEN, SEQ, VERSIONS])


def test_create_upgrades_an_index_of_mapping_version_one(fake: FakeElasticsearch) -> None:
    """An index made before published_precision and text_plain: the mapping is strict, so
    without a put-mapping every new document would be refused."""
    store = ElasticsearchStore(fake.url)
    old = template_body(ALIAS)["template"]["mappings"]
    for added in ("published_precision", "text_plain"):
        del old["properties"][added]
    old["_meta"] = {"version": 1}
    store.es.indices.create(index=f"{ALIAS}-v1", mappings=old)
    store.es.indices.put_alias(index=f"{ALIAS}-v1", name=ALIAS)
    fake.clear()
    assert store.create() == f"{ALIAS}-v1"  # the data stays where it is
    put, *sides = fake.calls("PUT", "_mapping")
    assert put.path == f"/{ALIAS}-v1/_mapping"
    assert sorted(s.path for s in sides) == sorted(f"/{n}/_mapping" for n in SIDES)
    assert put.body["_meta"] == {"version": 3}
    assert put.body["properties"]["text_plain"] == {"type": "boolean"}
    assert put.body["properties"]["published_precision"] == {"type": "keyword"}
    assert store.upsert_many([article(*PAGES[0])]) == [Outcome.NEW]  # accepted now
    assert fake.docs(ALIAS)[article_id(article(*PAGES[0]).url)]["text_plain"] is True
    fake.clear()
    store.create()
    assert fake.calls("PUT", "_mapping") == []  # once only
    store.close()


def test_articles_older_than_text_plain_are_checked_in_python(fake: FakeElasticsearch) -> None:
    """A document without the field (indexed before version 2) is never trusted to the
    analyser: the exact pass decides it."""
    store = ElasticsearchStore(fake.url)
    store.create()
    a = article(*PAGES[1])
    store.upsert_many([a])
    doc = fake.indices[INDEX].docs[article_id(a.url)]["source"]
    del doc["text_plain"]
    fake.indices[INDEX].refresh()
    assert [h.article.url for h in store.search(parse("钱塘"))] == [a.url]
    assert store.count_matches(parse("钱塘")).total == 1
    store.close()


def test_create_keeps_an_alias_that_a_reindex_moved(fake: FakeElasticsearch) -> None:
    store = ElasticsearchStore(fake.url)
    store.create()
    store.es.indices.create(index=f"{INDEX}-20260318093000")
    store.es.indices.update_aliases(
        actions=[
            {"remove": {"index": INDEX, "alias": ALIAS}},
            {"add": {"index": f"{INDEX}-20260318093000", "alias": ALIAS}},
        ]
    )
    assert store.create() == f"{INDEX}-20260318093000"


def test_a_custom_alias_shapes_every_name(fake: FakeElasticsearch, tmp_path: Path) -> None:
    store = elasticsearch_store(Config(data_dir=tmp_path, es_url=fake.url, es_index="news"))
    assert store.create() == "news-v3"
    assert fake.requests[1].path == "/_index_template/news"
    assert fake.requests[1].body["index_patterns"] == ["news-v3", "news-v3-*"]
    assert sorted(fake.indices) == [
        "news-changes",
        "news-seen",
        "news-seq",
        "news-v3",
        "news-versions",
    ]
    assert fake.aliases == {"news": {"news-v3"}}


# -- writing ------------------------------------------------------------------------------------


def expected_document(a: Article, version: int = 1, first_seen: str = SEEN_AT) -> dict[str, Any]:
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
        "last_seen": SEEN_AT,
        "version": version,
        "extraction": a.extraction,
        "text_plain": True,
        **{k: v for k, v in a.validators.items() if v},
    }


def no_refresh(fake: FakeElasticsearch) -> bool:
    """No request forced or waited for a refresh."""
    return all("refresh" not in r.query for r in fake.requests) and not fake.calls(
        endpoint="_refresh"
    )


def test_new_articles_write_history_then_articles_in_two_bulks_without_refresh(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    batch = [article(*p) for p in PAGES[:3]]
    batch[0].validators = {"etag": '"abc"', "last_modified": "Wed, 16 Jan 2019 07:57:00 GMT"}
    ids = [article_id(a.url) for a in batch]
    assert es.upsert_many(batch) == [Outcome.NEW] * 3

    assert calls(fake) == [
        ("HEAD", f"/{CHANGES}"),  # once per store: refuses to write before `index create`
        ("HEAD", f"/{SEQ}"),
        ("HEAD", f"/{VERSIONS}"),
        ("HEAD", f"/{SEEN}"),
        ("POST", f"/{ALIAS}/_mget"),
        ("POST", f"/{SEQ}/_update/changes"),
        ("PUT", "/_bulk"),  # history: changes, versions, last_seen
        ("PUT", "/_bulk"),  # the articles
    ]
    assert no_refresh(fake)
    _, _, _, _, mget, reserve, side, articles = fake.requests
    assert mget.body == {"ids": ids}
    assert mget.query == {"_source_includes": "content_hash,version,first_seen"}
    assert reserve.body == {
        "script": {"source": "ctx._source.seq += params.n", "params": {"n": 3}},
        "upsert": {"seq": 3},
        "_source": True,
    }
    assert articles.query.get("require_alias") == "true"  # never auto-create a plain index
    assert "require_alias" not in side.query

    changes = fake.bulk_items(index=CHANGES)
    assert [(c.op, c.id) for c in changes] == [("create", f"{i}:1") for i in ids]
    assert [c.source for c in changes] == [
        {"article_id": i, "version": 1, "kind": "new", "at": SEEN_AT, "seq": seq}
        for i, seq in zip(ids, [1, 2, 3], strict=True)
    ]
    versions = fake.bulk_items(index=VERSIONS)
    assert [(v.op, v.id) for v in versions] == [("create", f"{i}:1") for i in ids]
    record = {k: v for k, v in expected_document(batch[0]).items() if k in FIELDS}
    assert versions[0].source == {
        "article_id": ids[0],
        "version": 1,
        "content_hash": batch[0].content_hash(),
        "recorded_at": SEEN_AT,
        "record": record,
    }
    seen = fake.bulk_items(index=SEEN)
    assert [(s.op, s.id) for s in seen] == [("update", i) for i in ids]
    assert seen[0].source == {
        "doc": {"last_seen": SEEN_AT, **batch[0].validators},
        "doc_as_upsert": True,
    }
    docs = fake.bulk_items(index=ALIAS)
    assert all(d.request > changes[-1].request for d in docs)  # the history first
    assert [(d.op, d.id) for d in docs] == [("create", i) for i in ids]  # new: create only
    assert [d.source for d in docs] == [expected_document(a) for a in batch]
    assert docs[0].source["etag"] == '"abc"'
    assert "etag" not in docs[1].source  # no validator, no field

    es.upsert_many([article(*PAGES[3])])  # the counter goes on from where it was
    (change,) = fake.bulk_items(index=CHANGES)[3:]
    assert change.source["seq"] == 4
    assert fake.docs(SEQ) == {"changes": {"seq": 4}}


def test_an_unchanged_article_costs_no_document_write(
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
    assert no_refresh(fake)
    (update,) = fake.bulk_items()
    assert (update.op, update.index, update.id) == ("update", SEEN, article_id(a.url))
    assert update.source == {"doc": {"last_seen": SEEN_AT, "etag": '"v2"'}, "doc_as_upsert": True}
    assert fake.bulk_items(index=ALIAS) == []
    assert es.validators(a.url).etag == '"v2"'  # the side document wins


def test_one_by_one_upserts_cost_four_requests_new_and_two_unchanged_never_a_refresh(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    batch = [article(*p) for p in PAGES]
    es.upsert(batch[0])
    fake.clear()
    for a in batch[1:]:
        assert es.upsert(a) is Outcome.NEW
    assert len(fake.requests) == 4 * 3  # mget, seq, history bulk, article bulk
    fake.clear()
    for a in batch:
        assert es.upsert(a) is Outcome.UNCHANGED
    assert len(fake.requests) == 2 * 4  # mget, last_seen bulk
    assert no_refresh(fake)


def test_a_read_after_its_own_writes_refreshes_once(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    a = article(*PAGES[1])
    es.upsert(a)
    assert fake.docs(ALIAS)  # realtime: written
    assert fake.indices[INDEX].visible == {}  # not yet searchable
    fake.clear()
    assert [h.article.url for h in es.search(parse("钱塘"))] == [a.url]
    (refresh,) = fake.calls(endpoint="_refresh")
    assert fake.requests[0] is refresh
    # only what is searched: versions and last_seen are read by realtime gets
    assert set(refresh.path.strip("/").split("/")[0].split(",")) == {ALIAS, CHANGES}
    es.search(parse("钱塘"))
    es.count_matches(parse("钱塘"))
    assert len(fake.calls(endpoint="_refresh")) == 1  # nothing new written since
    es.touch(a.url)
    assert es.get(article_id(a.url)).last_seen == SEEN_AT  # realtime, no refresh
    es.count()
    assert len(fake.calls(endpoint="_refresh")) == 1  # a touch changes nothing searched
    es.upsert(dataclasses.replace(a, body=a.body + "（更正）"))
    es.close()  # another process must see the crawl that just ended
    assert len(fake.calls(endpoint="_refresh")) == 2
    assert SEEN not in fake.refreshes and VERSIONS not in fake.refreshes


def test_upsert_passes_its_validators(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    a = article(*PAGES[0])
    es.upsert(a, etag='"e1"', last_modified="Wed, 16 Jan 2019 07:57:00 GMT")
    (doc,) = fake.bulk_items(op="create", index=ALIAS)
    assert (doc.source["etag"], doc.source["last_modified"]) == (
        '"e1"',
        "Wed, 16 Jan 2019 07:57:00 GMT",
    )
    fake.clear()
    known = es.validators(a.url)
    assert (known.etag, known.last_modified) == ('"e1"', "Wed, 16 Jan 2019 07:57:00 GMT")
    (mget,) = fake.requests  # the article and its side document in one realtime get
    assert (mget.path, mget.body) == (
        "/_mget",
        {
            "docs": [
                {"_index": ALIAS, "_id": article_id(a.url), "_source": ["etag", "last_modified"]},
                {"_index": SEEN, "_id": article_id(a.url)},
            ]
        },
    )


def test_changed_article_is_version_two_with_an_updated_change_and_both_versions(
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
        **expected_document(edited, version=2, first_seen=SEEN_AT),
        "last_seen": later.isoformat(),
    }
    fake.clear()
    versions = es.versions(aid)
    assert [(v["version"], v["body"]) for v in versions] == [(1, a.body), (2, edited.body)]
    assert versions[0]["first_seen"] == versions[1]["first_seen"] == SEEN_AT
    assert calls(fake) == [("GET", f"/{ALIAS}/_doc/{aid}"), ("POST", f"/{VERSIONS}/_mget")]
    assert fake.requests[1].body == {"ids": [f"{aid}:1", f"{aid}:2"]}  # no search, no refresh
    assert es.versions("0" * 40) == []


def test_touch_updates_the_side_document_of_a_known_article_only(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = article(*PAGES[0])
    assert es.touch(a.url) is False
    assert fake.docs(SEEN) == {}
    es.upsert(a)
    later = datetime(2026, 3, 20, 7, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(es_module, "now", lambda: later)
    fake.clear()
    assert es.touch(a.url) is True
    head, update = fake.requests
    assert (head.method, head.path) == ("HEAD", f"/{ALIAS}/_doc/{article_id(a.url)}")
    assert (update.method, update.path) == ("POST", f"/{SEEN}/_update/{article_id(a.url)}")
    assert update.body == {"doc": {"last_seen": later.isoformat()}, "doc_as_upsert": True}
    assert no_refresh(fake)
    assert es.get(article_id(a.url)).last_seen == later.isoformat()
    assert fake.docs(ALIAS)[article_id(a.url)]["last_seen"] == SEEN_AT  # article untouched
    (listed,) = es.articles()
    assert listed.last_seen == later.isoformat()


# -- partial bulk failures ----------------------------------------------------------------------


def test_an_item_rejected_once_with_429_is_retried_alone(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    batch = [article(*p) for p in PAGES[:3]]
    busy = article_id(batch[1].url)
    fake.fail_items([busy], status=429, times=1, index=ALIAS)
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
    fake.fail_items([broken], status=503, times=1, index=ALIAS)
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        assert es.upsert_many(batch) == [Outcome.NEW] * 3
    bulks = fake.calls(endpoint="_bulk")
    assert len(bulks) == 3  # history, articles, the failed article again
    assert [line for line in bulks[2].body if "create" in line] == [
        {"create": {"_id": broken, "_index": ALIAS}}
    ]
    assert "bulk: 1 of 3 items failed; retrying them" in caplog.text
    assert fake.docs(ALIAS)[broken]["version"] == 1
    assert sleeps == []


def test_items_that_keep_failing_raise_bulk_error_naming_them(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    batch = [article(*p) for p in PAGES]
    bad = sorted(article_id(a.url) for a in batch[1:3])
    fake.fail_items(bad, status=500, times=None, index=ALIAS)
    with pytest.raises(BulkError) as caught:
        es.upsert_many(batch)
    message = str(caught.value)
    assert ALIAS in message and all(i in message for i in bad)
    assert caught.value.ids == set(bad)
    good = {article_id(a.url) for a in batch} - set(bad)
    assert caught.value.outcomes == {i: Outcome.NEW for i in good}
    assert good <= set(fake.docs(ALIAS)) and not set(bad) & set(fake.docs(ALIAS))
    attempts = [d.id for d in fake.bulk_items(index=ALIAS) if d.id in bad]
    assert sorted(attempts) == sorted(bad * 3)  # three attempts each, then reported


def test_a_change_that_cannot_be_recorded_stops_the_article_write(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    a, b = article(*PAGES[0]), article(*PAGES[1])
    fake.fail_items([f"{article_id(a.url)}:1"], status=429, times=None, index=CHANGES)
    with pytest.raises(BulkError, match=CHANGES) as caught:
        es.upsert_many([a, b])
    assert caught.value.ids == {article_id(a.url)}
    assert [d.id for d in fake.bulk_items(index=ALIAS)] == [article_id(b.url)]  # not a
    assert (
        len([c for c in fake.bulk_items(index=CHANGES) if c.id.startswith(article_id(a.url))]) == 9
    )
    assert sleeps == [2, 4] * 3  # 3 store attempts × (1 + 2 client retries)


def test_a_change_already_recorded_is_not_an_error(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    """A write interrupted after the history: writing again gets a 409 for the change."""
    a = article(*PAGES[0])
    aid = article_id(a.url)
    fake.fail_items([aid], status=500, times=None, index=ALIAS)
    with pytest.raises(BulkError):
        es.upsert_many([a])
    fake.fail_items([aid], status=500, times=0, index=ALIAS)
    fake.clear()
    assert es.upsert_many([a]) == [Outcome.NEW]
    bulk = fake.calls(endpoint="_bulk")[0]
    assert bulk.body[0] == {"create": {"_id": f"{aid}:1", "_index": CHANGES}}
    # the number reserved again (2) is voided: a reader passes it at once, no GAP_WAIT
    assert set(fake.docs(CHANGES)) == {f"{aid}:1", "void:2"}
    assert fake.docs(ALIAS)[aid]["version"] == 1
    assert [(c.kind, c.article.id) for c in es.changes()] == [(Outcome.NEW, aid)]
    other = article(*PAGES[1])
    es.upsert_many([other])
    assert [(c.seq, c.article.url) for c in es.changes(after=1)] == [(3, other.url)]


def test_a_change_is_not_lost_when_its_article_write_failed_first(
    fake: FakeElasticsearch, es: ElasticsearchStore, sleeps: list[float]
) -> None:
    late, other = article(*PAGES[0]), article(*PAGES[1])
    fake.fail_items([article_id(late.url)], status=500, times=None, index=ALIAS)
    with pytest.raises(BulkError):
        es.upsert_many([late])  # its change (seq 1) is recorded, the article is not
    fake.fail_items([article_id(late.url)], status=500, times=0, index=ALIAS)
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
    assert len(fake.bulk_items(index=ALIAS)) == 1


def test_writing_before_index_create_makes_no_plain_index(
    fake: FakeElasticsearch, sleeps: list[float]
) -> None:
    """Without the alias, Elasticsearch would auto-create a concrete index under its name,
    with guessed mappings, and `index create` could then never put the alias there."""
    store = ElasticsearchStore(fake.url)
    a = article(*PAGES[0])
    with pytest.raises(BulkError, match="run `tidewatch index create`"):
        store.upsert_many([a])
    assert fake.indices == {}
    assert store.create() == INDEX
    store.close()


def test_documents_fit_the_strict_mapping(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    """The fake rejects unmapped fields as a strict mapping does: every replica article,
    with validators, is accepted."""
    batch = replica_articles()
    for a in batch:
        a.validators = {"etag": '"x"', "last_modified": "Wed, 16 Jan 2019 07:57:00 GMT"}
    assert es.upsert_many(batch) == [Outcome.NEW] * len(batch)
    assert es.count() == len(batch)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("钱塘区数字经济…“新型工业化”，ＡＩ与GDP。２０２５年\u3000发展", True),
        ("⾦融", False),  # a Kangxi radical: NFKC makes it 金
        ("第①条", False),  # NFKC: 1
        ("㈠总则", False),  # NFKC: (一)
        ("Straße", False),  # casefold: ss
        ("café\u0301", False),  # a combining mark
        ("钱\u200b塘", False),  # a format character
        ("ｶﾞ", False),  # half-width kana with a voicing mark
    ],
)
def test_text_plain_flags_what_the_analyser_folds_otherwise(text: str, plain: bool) -> None:
    assert text_plain(text) is plain


# -- compiled queries ---------------------------------------------------------------------------

QIANTANG = either(chain("钱塘"))
QIANTANG_TITLE = chain("钱塘")("title.uni")
EXCLUDE_RIVER = either(
    lambda f: {
        "span_not": {
            "include": {"span_term": {f: "钱塘"}},
            "exclude": {"span_near": {"clauses": spans("钱塘江", f), "slop": 0, "in_order": True}},
        }
    }
)


def tiers(match: dict[str, Any], title: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The two searches of Elasticsearch's exact matches: title hits, then the others."""
    first = {"bool": {"filter": [match, title, PLAIN]}}
    rest: dict[str, Any] = {"bool": {"filter": [match, PLAIN]}}
    if title is not None:
        rest["bool"]["must_not"] = [title]
    return [first, rest] if title is not None else [rest]


@pytest.mark.parametrize(
    ("query", "match", "title"),
    [
        ("钱塘", QIANTANG, QIANTANG_TITLE),
        (
            "数字经济 AND 新型工业化",
            {"bool": {"filter": [either(chain("数字经济")), either(chain("新型工业化"))]}},
            {
                "bool": {
                    "should": [chain("数字经济")("title.uni"), chain("新型工业化")("title.uni")],
                    "minimum_should_match": 1,
                }
            },
        ),
        ("钱塘 -钱塘江", EXCLUDE_RIVER, EXCLUDE_RIVER["bool"]["should"][0]),
        (
            "新型工业化 NOT 钱塘",
            {"bool": {"filter": [either(chain("新型工业化")), {"bool": {"must_not": [QIANTANG]}}]}},
            chain("新型工业化")("title.uni"),
        ),
        ("雨", either(chain("雨")), chain("雨")("title.uni")),
        ("NOT 广告", {"bool": {"must_not": [either(chain("广告"))]}}, None),
    ],
)
def test_exact_queries_compile_to_exact_searches(
    fake: FakeElasticsearch, es: ElasticsearchStore, query: str, match: Any, title: Any
) -> None:
    plan = plan_for(parse(query))
    assert plan.exact
    assert (plan.match, plan.title) == (match, title)
    es.search(parse(query), limit=20)
    decided = [b for b in searches(fake) if PLAIN in b["query"]["bool"]["filter"]]
    assert [b["query"] for b in decided] == tiers(match, title)
    for body in decided:
        assert body["sort"] == SORT == [{"published_at": "desc"}, {"id": "asc"}]
        assert body["size"] == 20 and body["track_total_hits"] is False
    # the exact pass only sees documents whose text the analyser may fold otherwise
    residual = [b for b in searches(fake) if b not in decided]
    assert {json.dumps(b["query"]) for b in residual} == {
        json.dumps({"bool": {"filter": [], "must_not": [PLAIN]}})
    }
    assert fake.calls(endpoint="_pit") == []  # single pages: no point in time


def test_a_single_character_exclusion_is_inside_not_overlapping() -> None:
    compiled = compile_term(parse("雨 -雨伞").root, "body.uni")
    assert compiled.exact
    assert compiled.query == {
        "span_not": {
            "include": {"span_term": {"body.uni": "雨"}},
            "exclude": {"span_term": {"body.uni": "雨伞"}},
            "pre": 1,
        }
    }


@pytest.mark.parametrize(
    ("query", "exact"),
    [
        ("钱塘 -钱塘江 -钱塘区", True),
        ("塘塘 -塘塘江", True),  # two characters: overlapping by two is being inside
        (
            "哈哈哈 -哈哈哈笑",
            False,
        ),  # 哈哈哈哈笑: the first 哈哈哈 overlaps the context, not inside
        ("ai", False),  # a substring of a word
        ("AI芯片", False),
        ('"数字 经济"', False),  # a space inside the phrase
        ("カメラ", False),  # kana: tokenised otherwise
        ("钱塘 -“钱塘 江”", False),
        ("(钱塘 OR 萧山) 数字经济 -广告", True),
    ],
)
def test_which_queries_elasticsearch_decides(query: str, exact: bool) -> None:
    assert plan_for(parse(query)).exact is exact


def test_superset_queries_for_what_cannot_be_exact() -> None:
    plan = plan_for(parse("AI芯片 NOT 广告x"))
    assert not plan.exact
    assert plan.match == {
        "bool": {
            "filter": [
                either(
                    lambda f: {
                        "bool": {
                            "filter": [{"wildcard": {f: {"value": "*ai*"}}}, {"term": {f: "芯片"}}]
                        }
                    }
                ),
                {"match_all": {}},  # NOT of a superset would narrow
            ]
        }
    }
    assert plan_for(parse("カメラ")).match == either(lambda f: {"match_phrase": {f: "カメラ"}})


def test_count_and_trend_come_from_aggregations_over_the_exact_query(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    es.upsert_many(replica_articles())
    fake.clear()
    since, until = datetime(2025, 1, 1, tzinfo=SHANGHAI), datetime(2027, 1, 1, tzinfo=SHANGHAI)
    counts = es.count_matches(parse("钱塘"), channel="时政", since=since, until=until)
    body = searches(fake)[0]
    filters = [
        {"term": {"channel": "时政"}},
        {
            "range": {
                "published_at": {
                    "gte": "2025-01-01T00:00:00+08:00",
                    "lt": "2027-01-01T00:00:00+08:00",
                }
            }
        },
    ]
    by_source = {"source": {"terms": {"field": "source"}}}
    assert body == {
        "query": {"bool": {"filter": [QIANTANG, PLAIN, *filters]}},
        "size": 0,
        "track_total_hits": False,
        "aggs": {"buckets": {"composite": {"size": 1000, "sources": [by_source]}}},
    }
    assert counts.exact
    fake.clear()
    es.trend(parse("钱塘"), bucket="month", source="tidenews")
    month = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": "month",
            "time_zone": "Asia/Shanghai",
            "format": "yyyy-MM",
        }
    }
    assert searches(fake)[0] == {
        "query": {"bool": {"filter": [QIANTANG, PLAIN, {"term": {"source": "tidenews"}}]}},
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "buckets": {"composite": {"size": 1000, "sources": [{"bucket": month}, by_source]}}
        },
    }
    with pytest.raises(ValueError, match="bucket"):
        es.trend(parse("钱塘"), bucket="week")


# -- exact results on the fake's toy analysis ---------------------------------------------------


def synthetic(n: int, title: str, body: str, start: datetime, **fields: Any) -> list[Article]:
    base = article(*PAGES[1])
    return [
        dataclasses.replace(
            base,
            url=f"https://tidenews.com.cn/news.html?id={title}{n}-{i}",
            title=f"{title}（{i}）",
            body=body,
            published_at=start - timedelta(hours=i),
            **fields,
        )
        for i in range(n)
    ]


@pytest.fixture
def river(fake: FakeElasticsearch, es: ElasticsearchStore) -> list[Article]:
    """The issue's case, scaled down: 1,100 newest articles mentioning only 钱塘江, then
    60 older ones with a real 钱塘, 3 of them in the title."""
    newest = datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI)
    older = datetime(2024, 6, 1, 12, 0, tzinfo=SHANGHAI)
    batch = synthetic(1100, "潮讯", "钱塘江两岸春意浓，钱塘江大桥车流平稳。", newest)
    batch += synthetic(57, "区讯", "钱塘江畔，钱塘区新设产业园，数字经济加快发展。", older)
    batch += synthetic(3, "钱塘区发布", "钱塘江边举行发布会。", older + timedelta(days=1))
    assert es.upsert_many(batch) == [Outcome.NEW] * len(batch)
    return batch


def test_the_exclusion_finds_the_older_matches_under_many_newer_non_matches(
    fake: FakeElasticsearch, es: ElasticsearchStore, river: list[Article]
) -> None:
    hits = es.search(parse("钱塘 -钱塘江"), limit=20)
    assert len(hits) == 20
    assert [h.article.title for h in hits[:3]] == [f"钱塘区发布（{i}）" for i in range(3)]
    assert all(not h.title_highlights for h in hits[3:])
    counts = es.count_matches(parse("钱塘 -钱塘江"))
    assert (counts.total, counts.by_source, counts.exact) == (60, {"tidenews": 60}, True)
    months = Counter(a.published_at.strftime("%Y-%m") for a in river[1100:])
    assert es.trend(parse("钱塘 -钱塘江"), bucket="month") == {
        month: {"tidenews": n} for month, n in sorted(months.items())
    }
    everything = [a for a in river]
    want = rank_and_snippet(
        parse("钱塘 -钱塘江"), [es.get(article_id(a.url)) for a in everything], 100
    )
    got = es.search(parse("钱塘 -钱塘江"), limit=100)
    assert sorted(h.article.id for h in got) == sorted(h.article.id for h in want)
    # title-first for the plain term too: the three title hits lead, not the newest
    first = es.search(parse("钱塘"), limit=5)
    assert [h.article.title for h in first[:3]] == [f"钱塘区发布（{i}）" for i in range(3)]
    assert es.count_matches(parse("钱塘")).total == 1160


def test_offsets_page_across_the_tiers(es: ElasticsearchStore, river: list[Article]) -> None:
    query = parse("钱塘 -钱塘江")
    pages = [es.search(query, limit=7, offset=o) for o in range(0, 70, 7)]
    ids = [h.article.id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == 60
    assert ids == [h.article.id for h in es.search(query, limit=100)]


def test_filters_apply_inside_the_query_before_any_limit(
    es: ElasticsearchStore, river: list[Article]
) -> None:
    until = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    assert es.count_matches(parse("钱塘"), until=until).total == 60
    assert len(es.search(parse("钱塘"), until=until, limit=100)) == 60
    since = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert es.count_matches(parse("钱塘 -钱塘江"), since=since).total == 0
    assert es.count_matches(parse("钱塘"), source="xsnet").total == 0


def test_inexact_queries_page_through_candidates_until_the_page_is_full(
    fake: FakeElasticsearch,
    es: ElasticsearchStore,
    river: list[Article],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``哈`` is nowhere; ``园ai`` is a Latin substring plus ideographs: a superset query,
    and the exact pass reads candidate pages (in a point in time) until 20 matches are
    found, however many candidates come first."""
    monkeypatch.setattr(es_module, "SCAN_PAGE", 50)
    older = datetime(2023, 1, 1, tzinfo=SHANGHAI)
    # 200 near misses (园 and "ai" apart) newer than 30 matches ("园ai" inside "园aid")
    misses = synthetic(200, "近似", "产业园 said ai", older)
    matches = synthetic(30, "命中", "产业园aid 项目", older - timedelta(days=30))
    es.upsert_many(misses + matches)
    fake.clear()
    query = parse("园ai")
    assert not plan_for(query).exact
    hits = es.search(query, limit=20)
    assert [h.article.title for h in hits] == [f"命中（{i}）" for i in range(20)]
    pages = [b for b in searches(fake) if "pit" in b]
    assert len(pages) >= 5 and all(b["size"] == 50 for b in pages)
    streams: dict[str, list[dict[str, Any]]] = {}
    for body in pages:
        streams.setdefault(body["pit"]["id"], []).append(body)
    longest = max(streams.values(), key=len)
    assert len(longest) >= 5  # 200 misses, 20 matches: at least 5 pages of 50
    assert ["search_after" in b for b in longest] == [False] + [True] * (len(longest) - 1)
    assert len(fake.calls("POST", "_pit")) == len(fake.calls("DELETE", "_pit")) >= 1
    counts = es.count_matches(query)
    assert (counts.total, counts.exact) == (30, True)  # counted by paging, no cap
    assert es.trend(query, bucket="day") == _day_counts(matches)


def _day_counts(articles: list[Article]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for a in articles:
        day = a.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        out.setdefault(day, {}).setdefault(a.source, 0)
        out[day][a.source] += 1
    return dict(sorted(out.items()))


def test_analysis_differences_only_widen(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    """Punctuation between characters (the toy analysis, like the real one, still puts
    数 字，经 济 at consecutive positions) never makes a match; a folded character the
    analyser does not know (⾦融 is 金融 after NFKC) is found by the exact pass."""
    start = datetime(2025, 5, 1, tzinfo=SHANGHAI)
    apart = synthetic(1, "标点", "数字，经济与金　融。", start)
    folded = synthetic(1, "康熙部首", "⾦融支持数字经济。", start - timedelta(days=1))
    es.upsert_many(apart + folded)
    assert fake.docs(ALIAS)[article_id(folded[0].url)]["text_plain"] is False
    assert [h.article.url for h in es.search(parse("数字经济"))] == [folded[0].url]
    assert [h.article.url for h in es.search(parse("金融"))] == [folded[0].url]
    assert es.count_matches(parse("金融")).total == 1
    assert es.count_matches(parse("数字经济")).total == 1


# -- reading ------------------------------------------------------------------------------------


def test_articles_pages_with_search_after(fake: FakeElasticsearch) -> None:
    store = ElasticsearchStore(fake.url, batch_size=2)
    store.create()
    batch = [article(*p) for p in PAGES] + [
        article(*PAGES[0], url="http://www.xsnet.cn/x/2.shtml")  # same time: ids break ties
    ]
    store.upsert_many(batch)
    fake.clear()
    listed = list(store.articles(source=None))
    want = sorted(batch, key=lambda a: (a.published_at, article_id(a.url)))
    assert [a.url for a in listed] == [a.url for a in want]
    pages = [r.body for r in fake.calls(endpoint="_search")]
    assert len(pages) == 3  # 2 + 2 + 1
    first = pages[0]
    assert first == {
        "query": {"bool": {"filter": []}},
        "size": 2,
        "sort": [{"published_at": "asc"}, {"id": "asc"}],
        "track_total_hits": False,
    }
    for n in (1, 2):
        after = pages[n]["search_after"]
        last = want[2 * n - 1]
        assert after[1] == article_id(last.url)
        assert after[0] == int(last.published_at.timestamp() * 1000)  # a date's sort value
        assert {k: v for k, v in pages[n].items() if k != "search_after"} == first
    fake.clear()
    list(store.articles(source="xsnet", since=datetime(2019, 1, 1, tzinfo=SHANGHAI)))
    assert searches(fake)[0]["query"] == {
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
    es.count()  # the refresh after the writes
    fake.clear()
    feed = es.changes(after=1, limit=10)
    assert [(c.seq, c.kind, c.article.url, c.article.version) for c in feed] == [
        (2, Outcome.NEW, b.url, 1),
        (3, Outcome.UPDATED, a.url, 2),
    ]
    search, mget, seen = fake.requests
    assert (search.path, mget.path, seen.path) == (
        f"/{CHANGES}/_search",
        f"/{ALIAS}/_mget",
        f"/{SEEN}/_mget",
    )
    assert search.body == {
        "query": {"range": {"seq": {"gt": 1}}},
        "sort": [{"seq": "asc"}],
        "size": 10,
        "track_total_hits": False,
    }
    assert mget.body == {"ids": [article_id(b.url), article_id(a.url)]}
    fake.clear()
    assert es.changes(after=3) == []
    assert calls(fake) == [("POST", f"/{CHANGES}/_search")]  # nothing to fetch


def test_a_reader_waits_at_numbers_another_writer_has_reserved_but_not_written(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    """Two writers: the first reserves seq 2 and 3, then is slow to write them; the second
    writes seq 4 meanwhile. A reader stops before 2 instead of passing it, then reads all in
    order once the slow writer is done."""
    a, b, c = article(*PAGES[0]), article(*PAGES[1]), article(*PAGES[2])
    es.upsert_many([a])
    slow = ElasticsearchStore(fake.url)
    reserved, release = threading.Event(), threading.Event()
    bulk = slow._bulk

    def held(actions: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        reserved.set()  # its numbers are taken; its change documents not yet written
        release.wait(10)
        return bulk(actions, **kwargs)

    slow._bulk = held  # type: ignore[method-assign]
    writer = threading.Thread(target=slow.upsert_many, args=([b, dataclasses.replace(c)],))
    writer.start()
    assert reserved.wait(10)
    es.upsert_many([dataclasses.replace(a, title=a.title + "（更新）")])
    es.count()  # searchable
    assert [change.seq for change in es.changes(after=0)] == [1]
    assert es.changes(after=1) == []
    release.set()
    writer.join(10)
    slow._refresh()
    assert [(ch.seq, ch.article.url) for ch in es.changes(after=1)] == [
        (2, b.url),
        (3, c.url),
        (4, a.url),
    ]
    slow.close()


def test_numbers_a_stopped_writer_never_wrote_are_passed_after_the_wait(
    fake: FakeElasticsearch,
    es: ElasticsearchStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = article(*PAGES[0]), article(*PAGES[1])
    es.upsert_many([a])
    ElasticsearchStore(fake.url)._reserve(2)  # a writer that stopped after reserving 2 and 3
    es.upsert_many([b])
    es.count()
    waited = NOW + timedelta(seconds=es_module.GAP_WAIT - 1)
    monkeypatch.setattr(es_module, "now", lambda: waited)
    assert [change.seq for change in es.changes(after=0)] == [1]
    waited = NOW + timedelta(seconds=es_module.GAP_WAIT)
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        assert [(ch.seq, ch.article.url) for ch in es.changes(after=0)] == [(1, a.url), (4, b.url)]
    assert "passes seq 2…3: reserved 300 s ago and never written" in caplog.text


def test_count_and_counts_by_source(fake: FakeElasticsearch, es: ElasticsearchStore) -> None:
    articles = replica_articles()
    es.upsert_many(articles)
    es.count()
    fake.clear()
    assert es.count("xsrb") == sum(a.source == "xsrb" for a in articles)
    assert fake.requests[0].path == f"/{ALIAS}/_count"
    assert fake.requests[0].body == {"query": {"bool": {"filter": [{"term": {"source": "xsrb"}}]}}}
    counts = es.counts_by_source()
    assert counts["xsrb"] == es.count("xsrb") and sum(counts.values()) == es.count()
    assert fake.requests[1].body == {
        "query": {"match_all": {}},
        "aggs": {
            "buckets": {
                "composite": {"size": 1000, "sources": [{"source": {"terms": {"field": "source"}}}]}
            }
        },
        "size": 0,
        "track_total_hits": False,
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


def test_the_store_takes_plain_values_and_imports_nothing_upstream() -> None:
    source = (REPO_ROOT / "store" / "elasticsearch.py").read_text(encoding="utf-8")
    assert "tidewatch" not in "".join(
        line for line in source.splitlines() if line.startswith(("import", "from"))
    )
    with pytest.raises(ValueError, match="URL"):
        ElasticsearchStore()


# -- authentication -----------------------------------------------------------------------------

API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
PASSWORD = "pa55w0rd-s3cret-7Qx"


def secrets_kept(text: str) -> bool:
    encoded = base64.b64encode(f"elastic:{PASSWORD}".encode()).decode()
    return API_KEY not in text and PASSWORD not in text and encoded not in text


def test_api_key_is_sent_as_an_apikey_header(fake: FakeElasticsearch, tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, es_url=fake.url, es_api_key=SecretStr(API_KEY))
    store = elasticsearch_store(config)
    store.create()
    assert {r.headers.get("authorization") for r in fake.requests} == {f"ApiKey {API_KEY}"}
    store.close()


def test_user_and_password_are_sent_as_basic_auth(fake: FakeElasticsearch, tmp_path: Path) -> None:
    config = Config(
        data_dir=tmp_path, es_url=fake.url, es_user="elastic", es_password=SecretStr(PASSWORD)
    )
    store = elasticsearch_store(config)
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
    store = elasticsearch_store(config)
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
        store = elasticsearch_store(config)
        with pytest.raises(AuthenticationException) as refused:
            store.create()
        errors.append(refused.value)
        store.close()
        closed_port = refusing.port
    config = Config(data_dir=tmp_path, es_url=f"http://127.0.0.1:{closed_port}", **credentials)
    store = elasticsearch_store(config)
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
