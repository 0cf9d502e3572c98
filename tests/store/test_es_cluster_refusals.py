"""What a real Elasticsearch 8.x cluster refuses or decides otherwise than the recording fake
used to, found by the second review against the 8.x reference: keyword values over Lucene's
term limit, two writers recording the same article's next version, point-in-time paging, and
date bounds finer than the millisecond a ``date`` field holds. Each rule is enforced by
``fake_es.FakeElasticsearch`` as the cluster enforces it, and each test fails on the store as
it was before the fix."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

import fake_es
import pytest
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError
from fake_es import FakeElasticsearch
from support import expected_article

import store.elasticsearch as es_module
from model.article import Article
from model.clock import SHANGHAI
from store.base import Outcome, article_id
from store.elasticsearch import ElasticsearchStore, mapping_version, template_body
from store.query import parse

ALIAS = "tidewatch-articles"
INDEX = f"{ALIAS}-v{mapping_version()}"
SEEN = f"{ALIAS}-seen"
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(es_module, "now", lambda: NOW)


def an_article(key: str, body: str = "钱塘区发布数字经济新政。", **changes: Any) -> Article:
    base = expected_article("tidenews.com.cn", "3041187", extraction={"title": "css:test"})
    return dataclasses.replace(
        base,
        url=f"https://tidenews.com.cn/news.html?id={key}",
        title=f"报道{key}",
        body=body,
        published_at=NOW - timedelta(hours=1),
        **changes,
    )


# -- keyword values over Lucene's term limit ----------------------------------------------------

LONG = 40_000  # UTF-8 bytes over MAX_TERM_BYTES, in every shape a hostile page can send


def hostile(key: str) -> Article:
    """Every keyword field a page or a server fills, far over 32,766 UTF-8 bytes: a URL of
    ASCII, names of ideographs (3 bytes each), an image URL of emoji (4 bytes each)."""
    a = an_article(
        key,
        channel="频道" * 7_000,
        origin="来源" * 7_000,
        authors=["记者", "张" * 14_000],
        contributors=["通讯员" * 5_000],
        editor="编" * 14_000,
        images=["https://img.tidenews.com.cn/" + "🌊" * 10_001],
    )
    a.url += "&p=" + "x" * LONG
    a.validators = {"etag": '"' + "e" * LONG + '"', "last_modified": "l" * LONG}
    return a


def test_the_fake_refuses_an_immense_keyword_as_the_cluster_does(fake: FakeElasticsearch) -> None:
    """Lucene refuses a whole document holding one term over 32,766 UTF-8 bytes: an indexed
    keyword ("immense term") and a doc-values-only one (index: false) alike; a value over
    ``ignore_above`` is neither indexed nor in doc values, and passes."""
    store = ElasticsearchStore(fake.url)
    client = store.es
    client.indices.create(
        index="k",
        mappings={
            "properties": {
                "indexed": {"type": "keyword"},
                "doc_values": {"type": "keyword", "index": False},
                "stored_only": {"type": "keyword", "index": False, "doc_values": False},
                "ignored": {"type": "keyword", "ignore_above": 8191},
                "text": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
            }
        },
    )
    big = "钱" * 10_923  # 32,769 bytes in 10,923 characters
    with pytest.raises(BadRequestError, match='immense term in field="indexed"'):
        client.index(index="k", id="1", document={"indexed": big})
    with pytest.raises(BadRequestError, match='DocValuesField "doc_values" is too large'):
        client.index(index="k", id="2", document={"doc_values": [big]})
    with pytest.raises(BadRequestError, match=r'immense term in field="text\.raw"'):
        client.index(index="k", id="3", document={"text": big})
    client.index(index="k", id="4", document={"stored_only": big, "ignored": big})
    client.index(index="k", id="5", document={"indexed": "钱" * 10_922})  # 32,766 bytes
    assert sorted(fake.docs("k")) == ["4", "5"]
    store.close()


def test_no_article_is_refused_for_an_immense_keyword(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    """Every keyword a page fills has ``ignore_above`` 8,191 characters (at most 32,764
    bytes): the whole article is written, kept in full in _source, found by its text,
    and its history and side document too; where the mapping lacked it, the cluster
    refused the article (BulkError) and a crawl lost it on every run."""
    a, b = hostile("long"), an_article("short")
    assert es.upsert_many([a, b]) == [Outcome.NEW, Outcome.NEW]
    stored = es.get(article_id(a.url))
    assert stored is not None
    for name in ("url", "channel", "origin", "authors", "contributors", "editor", "images"):
        assert getattr(stored, name) == getattr(a, name), name
    known = es.validators(a.url)
    assert known is not None and known.etag == a.validators["etag"]
    hits = es.search(parse("数字经济"))
    assert sorted(h.article.url for h in hits) == sorted([a.url, b.url])
    assert es.count_matches(parse("数字经济")).total == 2
    assert [v["url"] for v in es.versions(article_id(a.url))] == [a.url]
    properties = fake.indices[INDEX].mappings["properties"]
    limited = {n for n, spec in properties.items() if spec.get("ignore_above")}
    assert limited >= {"url", "channel", "origin", "authors", "contributors", "editor", "images"}


def test_an_index_without_ignore_above_gets_it_in_place(
    fake: FakeElasticsearch, caplog: pytest.LogCaptureFixture
) -> None:
    """An index (and side indices) of mapping version 2 had no ``ignore_above``: ``create``
    puts it on the existing fields (an updatable parameter, no reindex), after which the
    cluster takes the article it refused before."""
    store = ElasticsearchStore(fake.url)
    old = template_body(ALIAS)["template"]["mappings"]
    for spec in old["properties"].values():
        spec.pop("ignore_above", None)
    old["_meta"] = {"version": 2}
    client = store.es
    client.indices.create(index=f"{ALIAS}-v2", mappings=old)
    client.indices.put_alias(index=f"{ALIAS}-v2", name=ALIAS)
    seen = {
        "dynamic": "strict",
        "properties": {
            "last_seen": {"type": "date"},
            "etag": {"type": "keyword", "index": False},
            "last_modified": {"type": "keyword", "index": False},
        },
    }
    client.indices.create(index=SEEN, mappings=seen)
    with caplog.at_level(logging.WARNING, logger="store.elasticsearch"):
        assert store.create() == f"{ALIAS}-v2"
    assert "`tidewatch index reindex` recomputes it" in caplog.text  # text_plain of before
    assert fake.indices[f"{ALIAS}-v2"].mappings["properties"]["url"]["ignore_above"] == 8191
    assert fake.indices[SEEN].mappings["properties"]["etag"]["ignore_above"] == 8191
    assert store.upsert_many([hostile("after")]) == [Outcome.NEW]
    store.close()


# -- two writers recording the same article's next version -------------------------------------


def racing_writer(
    fake: FakeElasticsearch, aid: str, monkeypatch: pytest.MonkeyPatch
) -> ElasticsearchStore:
    """A second writer (another crawler) that read the article before the first one wrote:
    its first look at the index answers as it was then."""
    other = ElasticsearchStore(fake.url)
    looks = [other._known([aid])]
    fresh = other._known
    monkeypatch.setattr(other, "_known", lambda ids: looks.pop() if looks else fresh(ids))
    return other


def edited(a: Article, note: str) -> Article:
    return dataclasses.replace(a, body=a.body + note)


def history(fake: FakeElasticsearch, aid: str) -> list[tuple[int, str]]:
    records = [d["record"] for d in fake.docs(f"{ALIAS}-versions").values()]
    return sorted((r["version"], r["body"]) for r in records if r["id"] == aid)


@pytest.mark.parametrize("first", ["existing", "new"])
def test_the_loser_of_a_version_race_records_the_next_version(
    fake: FakeElasticsearch,
    es: ElasticsearchStore,
    monkeypatch: pytest.MonkeyPatch,
    first: str,
) -> None:
    """Both writers read version N and claim N + 1 with other content: the version document
    is created, so one wins and the other gets a 409. The loser used to count the 409 as
    its own earlier write: its content went into the article under the winner's version
    number and into no version record (a version lost, the history and the article at odds).
    Now it builds on the winner's version and records N + 2."""
    base = an_article("race")
    aid = article_id(base.url)
    if first == "existing":
        es.upsert_many([base])
    other = racing_writer(fake, aid, monkeypatch)
    mine, theirs = edited(base, "补充一。"), edited(base, "补充二。")
    n = 1 if first == "existing" else 0
    assert es.upsert_many([mine]) == [Outcome.UPDATED if n else Outcome.NEW]
    assert other.upsert_many([theirs]) == [Outcome.UPDATED]
    older = [(1, base.body)] if n else []
    assert history(fake, aid) == [*older, (n + 1, mine.body), (n + 2, theirs.body)]
    current = es.get(aid)
    assert current is not None and (current.version, current.body) == (n + 2, theirs.body)
    assert [v["body"] for v in es.versions(aid)] == [b for _, b in history(fake, aid)]
    changes = [c for c in fake.docs(f"{ALIAS}-changes").values() if c["kind"] != "void"]
    assert sorted(c["version"] for c in changes) == list(range(1, n + 3))  # one each
    feed = es.changes()  # a number the loser reserved in vain is voided: no wait at it
    assert [c.article.version for c in feed] == [n + 2] * (n + 2)
    other.close()


def test_the_loser_with_the_same_content_is_unchanged(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two crawlers fetching the same edit: one version, one change, the article once."""
    base = an_article("same")
    aid = article_id(base.url)
    es.upsert_many([base])
    other = racing_writer(fake, aid, monkeypatch)
    edit = edited(base, "补充。")
    assert es.upsert_many([edit]) == [Outcome.UPDATED]
    fake.clear()
    assert other.upsert_many([dataclasses.replace(edit)]) == [Outcome.UNCHANGED]
    assert history(fake, aid) == [(1, base.body), (2, edit.body)]
    (refused,) = fake.bulk_items(index=ALIAS)  # over the copy it read: refused, 409
    assert (refused.op, refused.source["version"]) == ("index", 2)
    assert fake.indices[INDEX].docs[aid]["version"] == 2  # written twice: v1, the winner's v2
    current = es.get(aid)
    assert current is not None and (current.version, current.body) == (2, edit.body)
    assert [(c.seq, c.article.version) for c in es.changes()] == [(1, 2), (2, 2)]
    other.close()


def test_an_older_version_never_overwrites_a_newer_article(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The winner of version 2 is slow: the loser records version 3 and writes the article
    first. The winner's article write is a compare-and-set on the copy it read, so it
    fails (409), reads the article again, finds it newer, and leaves it; a plain index
    used to put version 2 back over version 3."""
    base = an_article("slow")
    aid = article_id(base.url)
    es.upsert_many([base])
    other = racing_writer(fake, aid, monkeypatch)
    mine, theirs = edited(base, "补充一。"), edited(base, "补充二。")
    write = es._write_articles

    def slow(docs: dict[str, Any], known: dict[str, Any]) -> list[dict[str, Any]]:
        assert other.upsert_many([theirs]) == [Outcome.UPDATED]  # meanwhile, the loser
        return write(docs, known)

    monkeypatch.setattr(es, "_write_articles", slow)
    assert es.upsert_many([mine]) == [Outcome.UPDATED]
    current = es.get(aid)
    assert current is not None and (current.version, current.body) == (3, theirs.body)
    assert history(fake, aid) == [(1, base.body), (2, mine.body), (3, theirs.body)]
    writes = [(i.op, i.source["version"]) for i in fake.bulk_items(index=ALIAS)]
    assert writes == [("create", 1), ("index", 3), ("index", 2)]  # the last one refused
    other.close()


# -- words longer than the tokenizer's max_token_length ---------------------------------------


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("k" * 250 + "abcdefghij", "defg"),  # across the split at 255
        ("x" * 300 + "tidewatch", "tidewatch"),  # wholly in the second piece, not at its start
        ("ab." * 83 + "abcdefghij", "efgh"),  # . joins letters: one word of 259 characters
        ("12," * 83 + "1234567890", "5678"),  # , joins digits
        ("ＡＢＣ" * 90, "cab"),  # full-width: folded after the split
    ],
)
def test_a_substring_of_a_word_longer_than_255_characters_is_found(
    es: ElasticsearchStore, word: str, query: str
) -> None:
    """The standard tokenizer splits a word longer than max_token_length (255) every 255
    characters: a ``*run*`` wildcard finds a run that crosses a split in neither piece, and
    the article was never a candidate of the exact pass. Such an article is not
    ``text_plain`` now, so the exact pass decides it."""
    long, short = an_article("long", f"代码：{word}。"), an_article("short", "钱塘区新闻。")
    es.upsert_many([long, short])
    assert [h.article.url for h in es.search(parse(query))] == [long.url]
    assert es.count_matches(parse(query)).total == 1
    assert es.count_matches(parse("代码")).total == 1  # ideographs: the exact pass has it


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("2026년 서울에서 열린 회의。", "년"),  # a digit and Hangul: one word
        ("K팝 공연이 열렸다。", "팝"),  # a Latin letter and Hangul
        ("www.한국.kr 에서。", "한국"),  # across . (MidNumLet)
        # katakana across _ (ExtendNumLet): the fake does not model this one, the cluster does
        ("コード名はabc_カタカナです。", "カタカナ"),
    ],
)
def test_hangul_or_kana_inside_a_latin_or_digit_word_is_found(
    es: ElasticsearchStore, body: str, query: str
) -> None:
    """UAX #29 makes one word of Hangul syllables (letters to it) and the letters or digits
    they touch, and of katakana across _; the standard tokenizer types that word
    <ALPHANUM>, and cjk_bigram leaves it whole: no unigram of its Hangul or kana, so the
    phrase the query sends found nothing in an article marked text_plain. Such an article
    is not text_plain now: the exact pass decides it."""
    inside, apart = an_article("inside", body), an_article("apart", f"{query} 消息。")
    es.upsert_many([inside, apart])
    found = sorted(h.article.url for h in es.search(parse(query)))
    assert found == sorted([inside.url, apart.url])
    assert es.count_matches(parse(query)).total == 2


# -- points in time -----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "asked_again"), [(403, False), (405, False), (500, True)])
def test_a_cluster_refusing_points_in_time_still_pages_every_candidate(
    fake: FakeElasticsearch, es: ElasticsearchStore, status: int, asked_again: bool
) -> None:
    """A proxy or a role may refuse ``POST <index>/_pit``: the exact pass pages with plain
    search_after on the live index (the alias named, as a PIT search must not), finds
    every match, and asks for a PIT again only if the refusal may pass (a 500)."""
    matching = [an_article(f"m{i}", f"产业园aid 项目{i}。") for i in range(7)]
    missing = [an_article(f"x{i}", "产业园 said ai。") for i in range(9)]
    es.upsert_many(matching + missing)
    fake.refuse_pit = status
    es_module_page = es_module.SCAN_PAGE
    try:
        es_module.SCAN_PAGE = 4
        hits = es.search(parse("园ai"), limit=50)
        assert es.count_matches(parse("园ai")).total == 7
    finally:
        es_module.SCAN_PAGE = es_module_page
    assert sorted(h.article.url for h in hits) == sorted(a.url for a in matching)
    pages = [r for r in fake.calls(endpoint="_search") if r.body and r.body.get("size") == 4]
    assert len(pages) >= 4 and all("pit" not in r.body for r in pages)
    assert all(r.path == f"/{ALIAS}/_search" for r in pages)
    assert (len(fake.calls("POST", "_pit")) > 1) is asked_again


# -- errors -------------------------------------------------------------------------------------


def test_a_document_refused_for_good_is_sent_once_and_named_by_its_url(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    """A 400 (a mapping refusal) is the same on every try: the item is not sent again, and
    the error names the article's URL, the index, the status and the cluster's reason,
    where it named only an id after three identical refusals."""
    good, bad = an_article("good"), an_article("bad")
    fake.fail_items([article_id(bad.url)], status=400, times=None, index=ALIAS)
    with pytest.raises(es_module.BulkError) as caught:
        es.upsert_many([good, bad])
    message = str(caught.value)
    assert bad.url in message and f"{ALIAS}/{article_id(bad.url)}: 400 injected_failure" in message
    assert good.url not in message and caught.value.ids == {article_id(bad.url)}
    assert caught.value.outcomes == {article_id(good.url): Outcome.NEW}
    sent = [i.id for i in fake.bulk_items(index=ALIAS)]
    assert sent.count(article_id(bad.url)) == 1


def test_an_error_names_twenty_items_and_counts_the_rest(
    fake: FakeElasticsearch, es: ElasticsearchStore
) -> None:
    batch = [an_article(f"n{i}") for i in range(25)]
    fake.fail_items([article_id(a.url) for a in batch], status=400, times=None, index=ALIAS)
    with pytest.raises(es_module.BulkError, match=r"and 5 more$") as caught:
        es.upsert_many(batch)
    assert str(caught.value).count("https://tidenews.com.cn/") == 20
    assert len(caught.value.ids) == 25


def test_credentials_in_the_url_never_reach_an_error_or_a_log(
    fake: FakeElasticsearch, caplog: pytest.LogCaptureFixture
) -> None:
    """``https://user:password@host`` is taken apart by the client into a Basic header,
    shown as ``<hidden>``: neither a refusal nor an unreachable cluster prints it."""
    secret = "Tide-Watch-Pass-9f3"
    fake.require_authorization = "Basic ZWxhc3RpYzpvdGhlcg=="  # elastic:other
    caplog.set_level(logging.DEBUG)
    store = ElasticsearchStore(f"http://elastic:{secret}@127.0.0.1:{fake.port}")
    errors = []
    with pytest.raises(ApiError) as refused:
        store.create()
    errors.append(refused.value)
    store.close()
    gone = ElasticsearchStore(f"http://elastic:{secret}@127.0.0.1:1")
    gone.es = gone.es.options(max_retries=0)
    with pytest.raises(TransportError) as unreachable:
        gone.count()
    errors.append(unreachable.value)
    texts = [caplog.text, repr(store.es), repr(gone.es)]
    texts += [f"{e!s} {e!r} {getattr(e, 'body', '')}" for e in errors]
    assert caplog.text and not any(secret in t for t in texts)


def test_every_point_in_time_is_closed_when_a_page_stops_early_or_a_search_fails(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A point in time holds segments on the cluster until closed or expired: a search that
    needs only the first page of candidates, or whose second page fails, closes its PIT."""
    monkeypatch.setattr(es_module, "SCAN_PAGE", 3)
    es.upsert_many([an_article(f"p{i}", f"产业园aid 项目{i}。") for i in range(10)])
    assert len(es.search(parse("园ai"), limit=2)) == 2
    assert fake.calls("POST", "_pit") and fake._pits == {}
    pages = iter(range(100))
    real = fake._search

    def failing(name: Any, body: dict[str, Any], query: dict[str, str]) -> Any:
        if "pit" in body and next(pages) == 1:
            raise fake_es.ApiFailure(500, "node_failure", "a node left")
        return real(name, body, query)

    monkeypatch.setattr(fake, "_search", failing)
    with pytest.raises(ApiError):
        es.search(parse("园ai"), limit=50)
    assert fake._pits == {}


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"sort": [{"_id": "asc"}]},
        {"sort": ["_id"]},
        {"aggs": {"ids": {"terms": {"field": "_id"}}}, "size": 0},
    ],
)
def test_the_fake_refuses_sorting_or_aggregating_on_id(
    es: ElasticsearchStore, request_kwargs: dict[str, Any]
) -> None:
    """8.x refuses fielddata on ``_id`` by default: the store sorts and pages by its own
    ``id`` keyword field, and the fake now refuses what the cluster refuses."""
    with pytest.raises(BadRequestError, match="Fielddata access on the _id field"):
        es.es.search(index=ALIAS, **request_kwargs)


def test_a_writer_losing_every_round_reports_the_article_unwritten(
    fake: FakeElasticsearch, es: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Races are bounded (CLAIM_ROUNDS): a writer out of rounds says so, naming the URL,
    and writes nothing over the winner; the pipeline keeps the article for the next run."""
    base = an_article("busy")
    aid = article_id(base.url)
    es.upsert_many([base])
    other = racing_writer(fake, aid, monkeypatch)
    es.upsert_many([edited(base, "补充一。")])
    monkeypatch.setattr(es_module, "CLAIM_ROUNDS", 1)
    with pytest.raises(es_module.BulkError, match="lost every version race") as caught:
        other.upsert_many([edited(base, "补充二。")])
    assert base.url in str(caught.value) and caught.value.ids == {aid}
    current = es.get(aid)
    assert current is not None and current.body.endswith("补充一。")
    monkeypatch.setattr(es_module, "CLAIM_ROUNDS", 5)
    assert other.upsert_many([edited(base, "补充二。")]) == [Outcome.UPDATED]  # sent again
    assert [v for v, _ in history(fake, aid)] == [1, 2, 3]
    other.close()


def test_the_fake_refuses_shard_doc_outside_a_point_in_time(es: ElasticsearchStore) -> None:
    with pytest.raises(BadRequestError, match=r"\[_shard_doc\] sort field cannot be used"):
        es.es.search(index=ALIAS, sort=[{"_shard_doc": "asc"}])


# -- date bounds finer than a millisecond -------------------------------------------------------


@pytest.mark.parametrize("apart", [1, 500, 999, 1000, 1001])
def test_a_bound_between_milliseconds_parts_times_as_the_exact_bound_does(
    es: ElasticsearchStore, apart: int
) -> None:
    """``date`` fields hold milliseconds, and the cluster cuts a finer bound down to one: a
    since or until inside the millisecond after a publication time would take it in, or
    leave it out, the wrong way round."""
    published = NOW - timedelta(hours=1)
    es.upsert(an_article("ms"))
    query, bound = parse("钱塘"), published + timedelta(microseconds=apart)
    assert es.count_matches(query, since=bound).total == 0
    assert es.search(query, since=bound) == []
    assert es.count_matches(query, until=bound).total == 1
    trend = es.trend(query, bucket="day", until=bound)
    assert sum(n for per_source in trend.values() for n in per_source.values()) == 1
    assert es.count_matches(query, since=published).total == 1
    assert es.count_matches(query, until=published).total == 0
