"""When Elasticsearch is unreachable mid-crawl, articles are kept and flushed when it comes
back; nothing is lost and the crawl does not fail.

Whole crawls run as real `tidewatch` processes against the replica; "Elasticsearch" is a
closed loopback port, then ``fake_es.FakeElasticsearch`` (which checks requests, not
Elasticsearch's behaviour)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from elastic_transport import ConnectionError as EsConnectionError
from elastic_transport import ConnectionTimeout
from fake_es import FakeElasticsearch, Request
from mailsink import free_port
from scrapy import Spider
from scrapy.utils.test import get_crawler
from support import REPLICA, SIGNING_SALT, expected_article, run_tidewatch, tidewatch_env

from crawler.pipelines import StorePipeline
from model.article import Article
from store.base import Outcome, article_id
from store.elasticsearch import BulkError
from store.spool import Spool
from tidewatch.config import Config
from tidewatch.mirror import MirrorServer

ALIAS = "tidewatch-articles"
XSNET_ARTICLES = 5  # reachable from the xsnet seeds' entry page (test_crawl_replica.py)


def crawl(server: MirrorServer, data: Path, es_url: str, **env: str) -> dict[str, Any]:
    done = run_tidewatch(
        tidewatch_env(server, data, TIDEWATCH_ES_URL=es_url, **env), "crawl", "xsnet", "--json"
    )
    return {**json.loads(done.stdout), "stderr": done.stderr}


def spooled_urls(data: Path) -> list[str]:
    path = data / "spool" / "articles.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines()]


# -- Elasticsearch down for a whole crawl, back for the next -----------------------------------


@dataclass
class Outage:
    down: dict[str, Any]  # summary of the crawl with Elasticsearch unreachable
    spooled: list[str]  # URLs in the spool after it
    back: dict[str, Any]  # summary of the next crawl, Elasticsearch answering
    spooled_after: list[str]
    spool_exists_after: bool
    fake: FakeElasticsearch
    status: str  # `tidewatch index status` after the second crawl


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    """Run once for the tests below: two real crawls of xsnet and an index status."""
    data = tmp_path_factory.mktemp("outage") / "data"
    with MirrorServer(REPLICA, signing_salt=SIGNING_SALT) as server:
        down = crawl(server, data, f"http://127.0.0.1:{free_port()}")  # nothing listens there
        spooled = spooled_urls(data)
        with FakeElasticsearch() as fake:
            env = tidewatch_env(server, data, TIDEWATCH_ES_URL=fake.url)
            run_tidewatch(env, "index", "create")
            back = crawl(server, data, fake.url)
            status = run_tidewatch(env, "index", "status").stdout
            yield Outage(
                down,
                spooled,
                back,
                spooled_urls(data),
                (data / "spool" / "articles.jsonl").exists(),
                fake,
                status,
            )


def test_crawl_with_elasticsearch_unreachable_succeeds_and_spools_every_article(
    outage: Outage,
) -> None:
    summary = outage.down  # run_tidewatch checked the exit status: 0
    assert (summary["pages"], summary["errors"], summary["finish_reason"]) == (7, {}, "finished")
    assert summary["statuses"] == {"200": 7}  # no conditional fetch without the store
    assert (summary["new"], summary["updated"], summary["unchanged"]) == (0, 0, 0)
    assert summary["spooled"] == XSNET_ARTICLES
    assert len(outage.spooled) == len(set(outage.spooled)) == XSNET_ARTICLES
    assert all(url.startswith("http://www.xsnet.cn/") for url in outage.spooled)
    assert "store unreachable" in summary["stderr"]
    assert f"{XSNET_ARTICLES} article(s) kept in" in summary["stderr"]


def test_the_next_crawl_sends_the_spooled_articles_and_empties_the_spool(outage: Outage) -> None:
    summary = outage.back
    assert (summary["errors"], summary["spooled"]) == ({}, 0)
    assert summary["new"] >= XSNET_ARTICLES
    want = {article_id(url) for url in outage.spooled}
    indexed = outage.fake.bulk_items(index=ALIAS)
    assert {item.id for item in indexed} == want
    assert set(outage.fake.docs(ALIAS)) == want  # ids: sha1 of the canonical URL
    for doc in outage.fake.docs(ALIAS).values():
        assert doc["id"] == article_id(doc["url"]) and doc["version"] == 1
        assert doc["source"] == "xsnet" and doc["title"] and doc["body"]
    changes = outage.fake.docs(f"{ALIAS}-changes")
    assert sorted(c["article_id"] for c in changes.values()) == sorted(want)  # one change each
    assert not outage.spool_exists_after and outage.spooled_after == []
    assert "xsnet             5 articles" in outage.status
    assert "spooled, waiting for the index: 0" in outage.status


def test_the_next_crawl_writes_each_article_exactly_once(outage: Outage) -> None:
    indexed = [item.id for item in outage.fake.bulk_items(index=ALIAS)]
    assert sorted(indexed) == sorted(article_id(url) for url in outage.spooled)
    assert outage.back["new"] == XSNET_ARTICLES


# -- Elasticsearch goes down half-way through a crawl ------------------------------------------


def first_article_bulk(request: Request) -> bool:
    return request.endpoint == "_bulk" and any(
        op in ("index", "create") and meta.get("_index") == ALIAS
        for line in request.body or []
        for op, meta in line.items()
    )


def test_elasticsearch_going_down_mid_crawl_loses_nothing(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with FakeElasticsearch() as fake:
        env = tidewatch_env(replica_server, data, TIDEWATCH_ES_URL=fake.url)
        run_tidewatch(env, "index", "create")
        fake.down_after = first_article_bulk  # answers the first batch, then drops connections
        first = crawl(replica_server, data, fake.url, TIDEWATCH_ES_BATCH_SIZE="2")
        assert (first["new"], first["spooled"], first["errors"]) == (2, 3, {})
        assert fake.down and any(r.dropped for r in fake.requests)
        written = set(fake.docs(ALIAS))
        spooled = spooled_urls(data)
        assert len(written) == 2 and len(spooled) == 3
        assert not written & {article_id(u) for u in spooled}

        fake.down = False
        second = crawl(replica_server, data, fake.url, TIDEWATCH_ES_BATCH_SIZE="2")
        assert (second["spooled"], second["errors"]) == (0, {})
        assert second["statuses"].get("304") == 2  # what was stored is only re-validated
        assert spooled_urls(data) == []
        docs = fake.docs(ALIAS)
        assert set(docs) == written | {article_id(u) for u in spooled}
        assert len(docs) == XSNET_ARTICLES
        assert all(d["version"] == 1 for d in docs.values())
        changes = fake.docs(f"{ALIAS}-changes").values()
        assert sorted(c["article_id"] for c in changes) == sorted(docs)  # one change each
        assert sorted(c["seq"] for c in changes) == sorted({c["seq"] for c in changes})


# -- the pipeline on its own -------------------------------------------------------------------


class FlakyStore:
    """Fails its first ``failures`` writes with ``error``, then stores (all NEW)."""

    def __init__(self, error: BaseException, failures: int = 1) -> None:
        self.error, self.failures = error, failures
        self.batches: list[list[Article]] = []

    def upsert_many(self, articles: list[Article]) -> list[Outcome]:
        self.batches.append(list(articles))
        if self.failures:
            self.failures -= 1
            raise self.error
        return [Outcome.NEW] * len(articles)

    def upsert(self, article: Article, **_: str | None) -> Outcome:
        (outcome,) = self.upsert_many([article])
        return outcome

    def close(self) -> None:
        pass


def pipeline_with(store: FlakyStore, tmp_path: Path, batch: int = 2) -> StorePipeline:
    config = Config(data_dir=tmp_path, es_url="http://127.0.0.1:9", es_batch_size=batch)
    crawler = get_crawler(Spider, {"TIDEWATCH_CONFIG": config})
    crawler._tidewatch_store = store  # what store_for() hands out
    return StorePipeline.from_crawler(crawler)


def articles(n: int) -> list[Article]:
    base = expected_article("www.xsnet.cn", "3025263", extraction={"title": "css:test"})
    return [
        expected_article(
            "www.xsnet.cn",
            "3025263",
            url=f"http://www.xsnet.cn/news/szjj/2019_1/{9000 + i}.shtml",
            extraction=base.extraction,
            validators={"etag": f'"e{i}"'},
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    "error",
    [
        EsConnectionError("Connection refused"),
        ConnectionTimeout("timed out"),
        OSError("network unreachable"),
    ],
    ids=["connection", "timeout", "oserror"],
)
def test_pipeline_spools_a_failed_batch_and_sends_it_first_next_time(
    error: BaseException, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore(error)
    pipeline = pipeline_with(store, tmp_path)
    a, b, c = articles(3)
    for item in (a, b):
        assert pipeline.process_item(item) is item  # the crawl goes on
    stats = pipeline.crawler.stats
    assert stats.get_value("tidewatch/articles/spooled") == 2
    assert stats.get_value("tidewatch/articles/new") is None
    assert Spool(tmp_path / "spool").load() == [a, b]  # every field, validators included
    assert "2 article(s) kept in" in caplog.text

    pipeline.process_item(c)
    pipeline.close_spider()
    assert store.batches == [[a, b], [a, b, c]]  # the spool first, then what is new
    assert stats.get_value("tidewatch/articles/new") == 3
    assert stats.get_value("tidewatch/articles/spooled") == 2
    assert not (tmp_path / "spool" / "articles.jsonl").exists()


def test_pipeline_keeps_spooling_while_the_store_stays_down(tmp_path: Path) -> None:
    store = FlakyStore(EsConnectionError("Connection refused"), failures=2)
    pipeline = pipeline_with(store, tmp_path)
    batch = articles(5)
    for item in batch:
        pipeline.process_item(item)
    pipeline.close_spider()
    stats = pipeline.crawler.stats
    assert [len(b) for b in store.batches] == [2, 4, 5]
    assert stats.get_value("tidewatch/articles/spooled") == 4  # counted once each
    assert stats.get_value("tidewatch/articles/new") == 5
    assert Spool(tmp_path / "spool").load() == []


def test_pipeline_counts_refused_documents_as_store_errors_and_keeps_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore(BulkError("not written to tidewatch-articles: ['x']: rejected"))
    pipeline = pipeline_with(store, tmp_path)
    a, b = articles(2)
    pipeline.process_item(a)
    pipeline.process_item(b)
    stats = pipeline.crawler.stats
    assert stats.get_value("tidewatch/errors/store_error") == 2
    assert stats.get_value("tidewatch/articles/new") is None
    assert Spool(tmp_path / "spool").load() == [a, b]
    assert f"store_error: {a.url}" in caplog.text and f"store_error: {b.url}" in caplog.text


def test_pipeline_turns_an_unexpected_failure_into_store_errors_not_a_dropped_item(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FlakyStore(ValueError("a bug, not an outage"), failures=99)
    pipeline = pipeline_with(store, tmp_path, batch=1)
    item = articles(1)[0]
    assert pipeline.process_item(item) is item
    assert pipeline.crawler.stats.get_value("tidewatch/errors/store_error") == 1
    assert "Traceback" in caplog.text  # a bug shows its traceback in the log
    assert Spool(tmp_path / "spool").load() == [item]  # and loses nothing
