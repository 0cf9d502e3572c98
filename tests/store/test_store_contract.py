"""The ArticleStore contract, run against every backend (as APScheduler runs one job-store
suite against each store). Articles come from the replica's expected-value files."""

from __future__ import annotations

import dataclasses
import os
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import EXPECTED, expected, expected_article, truth

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


def test_an_article_twice_in_one_batch_is_written_once_as_its_last_copy(
    store: ArticleStore,
) -> None:
    first = article(*SEED_XS)
    last = article(*SEED_XS, body=first.body + "\n（更正：量子引力波）")
    other = article(*SEED_TIDE)
    batch = [first, other, last, last]
    assert store.upsert_many(batch) == [Outcome.NEW, Outcome.NEW] + [Outcome.UNCHANGED] * 2
    kept = store.get(article_id(first.url))
    assert (kept.body, kept.version) == (last.body, 1)
    assert len(store.versions(kept.id)) == 1
    assert [c.kind for c in store.changes()] == [Outcome.NEW, Outcome.NEW]
    assert store.count_matches(parse("量子引力波")).total == 1
    assert [h.article.id for h in store.search(parse("量子引力波"))] == [kept.id]
    assert store.count() == 2
    assert store.upsert(first) is Outcome.UPDATED  # the first copy was never stored
    assert store.count_matches(parse("量子引力波")).total == 0


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
    epaper = len(list(EXPECTED.glob("xsrb.xsnet.cn/*.json")))
    assert filled.count("xsrb") == len(list(filled.articles(source="xsrb"))) == epaper


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


def test_versions_list_every_version_oldest_first(store: ArticleStore) -> None:
    a = article(*SEED_XS)
    store.upsert(a)
    store.upsert(article(*SEED_XS, body=a.body + "\n（更正）"))
    store.upsert(article(*SEED_XS, title=a.title + "（二次更正）", body=a.body + "\n（更正）"))
    versions = store.versions(article_id(a.url))
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["body"] == a.body and versions[1]["body"].endswith("（更正）")
    assert versions[2]["title"].endswith("（二次更正）") and versions[0]["authors"] == a.authors


def test_one_and_two_character_terms(store: ArticleStore) -> None:
    texts = {
        "1": "钱在江边。",
        "2": "塘边有钱，江水流过。",
        "3": "钱塘区，江南。",
        "4": "ai 与 a i",
    }
    for stem, body in texts.items():
        store.upsert(article(*SEED_XS, url=f"http://www.xsnet.cn/short/{stem}.shtml", body=body))
    for term, stems in {
        "钱": "123",
        "塘": "23",
        "钱塘": "3",
        "江": "123",
        "ai": "4",
        "a": "4",
    }.items():
        found = {h.article.url.rsplit("/", 1)[1][0] for h in store.search(parse(term), limit=50)}
        assert found == set(stems), term
        assert store.count_matches(parse(term)).total == len(stems)


# -- at scale: 11,000 newer articles mentioning only 钱塘江, 600 older ones with a real 钱塘 ----

RIVER, OLD, TITLED = 11_000, 600, 30


def crowd() -> list[Article]:
    """Newest first: the 钱塘江 crowd in 2026, then the 钱塘 articles in 2020–2021."""
    base = article(*SEED_XS)
    start = datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/river/{i}.shtml",
            source="tidenews" if i % 5 == 0 else "xsnet",
            channel="文化体育" if i % 4 == 0 else "时政经济",
            title=f"江边快讯 第{i}期",
            body=f"第{i}期：钱塘江潮水平稳，沿江步道照常开放。" + ("⼀" if i % 100 == 0 else ""),
            published_at=start + timedelta(minutes=7 * i),
        )
        for i in range(RIVER)
    ]
    old = datetime(2020, 1, 1, 9, 30, tzinfo=SHANGHAI)
    made += [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/district/{i}.shtml",
            source="xsrb" if i % 3 == 0 else "xsnet",
            channel="文化体育" if i % 2 == 0 else "社会民生",
            title=f"钱塘区新闻 {i}" if i < TITLED else f"区县新闻 {i}",
            body=f"钱塘区发布第{i}号通告。"
            + ("钱塘江边也有活动。" if i % 10 == 0 else "")
            + ("（⼀）" if i % 7 == 0 else ""),  # a Kangxi radical: its normal form is 一
            published_at=old + timedelta(hours=17 * i),
        )
        for i in range(OLD)
    ]
    return made


@pytest.fixture(scope="module", params=["sqlite", "elasticsearch"])
def crowded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ArticleStore, list[Article]]]:
    made = crowd()
    if request.param == "sqlite":
        backend: ArticleStore = SqliteStore(tmp_path_factory.mktemp("crowd") / "store.sqlite3")
    elif not ES_URL:
        pytest.skip("no Elasticsearch cluster: set TIDEWATCH_ES_URL to run this suite on one")
    else:
        alias = f"tidewatch-test-{uuid.uuid4().hex[:12]}"
        backend = ElasticsearchStore(ES_URL, alias=alias)
        backend.create()
    for start in range(0, len(made), 500):
        backend.upsert_many(made[start : start + 500])
    yield backend, made
    if isinstance(backend, ElasticsearchStore):
        for index in backend.es.indices.get(index=f"{backend.alias}*", expand_wildcards="all"):
            backend.es.indices.delete(index=index)
        backend.es.indices.delete_index_template(name=backend.alias)
    backend.close()


def test_exclusion_finds_the_old_matches_under_a_crowd_of_contexts(crowded) -> None:
    store, made = crowded
    expected_urls = [a.url for a in truth("钱塘 -钱塘江", made)]
    assert len(expected_urls) == OLD
    counts = store.count_matches(parse("钱塘 -钱塘江"))
    assert (counts.total, counts.exact) == (OLD, True)
    assert counts.by_source == dict(Counter(a.source for a in truth("钱塘 -钱塘江", made)))
    hits = store.search(parse("钱塘 -钱塘江"), limit=100)
    assert [bool(h.title_highlights) for h in hits[:TITLED]] == [True] * TITLED
    assert {h.article.url for h in hits} <= set(expected_urls) and len(hits) == 100


def test_title_hits_come_first_however_many_newer_body_hits(crowded) -> None:
    store, made = crowded
    hits = store.search(parse("钱塘"), limit=20)
    assert all(h.title_highlights for h in hits) and len(hits) == 20
    newest_titled = [a.url for a in truth("钱塘", made) if "钱塘" in a.title][:20]
    assert [h.article.url for h in hits] == newest_titled
    after = store.search(parse("钱塘"), limit=20, offset=20)
    assert [bool(h.title_highlights) for h in after] == [True] * 10 + [False] * 10
    assert after[10].article.url == truth("钱塘", made)[0].url  # then the newest body hit


def test_pages_with_offset_cover_every_match_once_in_order(crowded) -> None:
    store, _ = crowded
    query = parse("钱塘 -钱塘江")
    pages = [store.search(query, limit=50, offset=n) for n in range(0, OLD + 50, 50)]
    urls = [h.article.url for page in pages for h in page]
    assert len(urls) == len(set(urls)) == OLD and pages[-1] == []
    assert urls == [h.article.url for h in store.search(query, limit=OLD)]
    body_hits = [h.article.published_at for h in store.search(query, limit=OLD)[TITLED:]]
    assert body_hits == sorted(body_hits, reverse=True)


@pytest.mark.parametrize(
    "filters",
    [
        {"channel": "文化体育"},
        {"until": datetime(2021, 12, 31, tzinfo=SHANGHAI)},
        {"source": "xsrb", "channel": "文化体育"},
        {"since": datetime(2020, 6, 1, 12, 30, tzinfo=SHANGHAI)},
        {"since": datetime(2026, 1, 20, 14, tzinfo=SHANGHAI), "source": "tidenews"},
    ],
)
@pytest.mark.parametrize(
    "text", ["钱塘", "钱塘 -钱塘江", "江 NOT 通告", "钱塘 -钱塘江 -钱塘区", "一", "塘江 -钱塘江"]
)
def test_filters_apply_before_the_limit(crowded, filters: dict, text: str) -> None:
    store, made = crowded
    expected_matches = truth(text, made, **filters)
    counts = store.count_matches(parse(text), **filters)
    assert counts.total == len(expected_matches)
    assert counts.by_source == dict(Counter(a.source for a in expected_matches))
    hits = store.search(parse(text), limit=100, **filters)
    assert len(hits) == min(100, len(expected_matches))
    assert {h.article.url for h in hits} <= {a.url for a in expected_matches}
    last = store.search(parse(text), limit=100, offset=max(0, len(expected_matches) - 5), **filters)
    assert len(last) == min(5, len(expected_matches))


def test_trend_counts_every_match_past_ten_thousand(crowded) -> None:
    store, made = crowded
    trend = store.trend(parse("钱塘"), bucket="month")
    expected_months: dict[str, Counter[str]] = {}
    for a in truth("钱塘", made):
        expected_months.setdefault(a.published_at.strftime("%Y-%m"), Counter())[a.source] += 1
    assert trend == {m: dict(c) for m, c in sorted(expected_months.items())}
    assert sum(n for per in trend.values() for n in per.values()) == RIVER + OLD
    days = store.trend(
        parse("钱塘 -钱塘江"), bucket="day", since=datetime(2021, 1, 1, tzinfo=SHANGHAI)
    )
    expected_days = Counter(
        a.published_at.date().isoformat()
        for a in truth("钱塘 -钱塘江", made, since=datetime(2021, 1, 1, tzinfo=SHANGHAI))
    )
    assert {d: sum(per.values()) for d, per in days.items()} == dict(expected_days)


PIECES = ["钱塘江", "钱塘", "塘江", "钱", "江", "钱 塘", "钱塘，江", "钱塘区", "沿江", "。", "新闻"]


@pytest.mark.parametrize("text", ["钱塘 -钱塘江", "塘江 -钱塘江", "钱塘 -钱塘区"])
def test_exclusion_counts_on_every_arrangement_of_term_and_context(
    store: ArticleStore, text: str
) -> None:
    """Occurrences of the term inside and outside its context, side by side, overlapping, at
    the start or end of a title or body, apart across punctuation: counted exactly."""
    rng = random.Random(17)
    base = article(*SEED_XS)
    start = datetime(2024, 3, 1, 8, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/mix/{i}.shtml",
            source=rng.choice(["xsnet", "tidenews"]),
            channel=rng.choice(["时政经济", "文化体育"]),
            title="".join(rng.choices(PIECES, k=rng.randrange(1, 4))),
            body="".join(rng.choices(PIECES, k=rng.randrange(1, 9))),
            published_at=start + timedelta(hours=5 * i),
        )
        for i in range(300)
    ]
    store.upsert_many(made)
    for filters in ({}, {"source": "tidenews"}, {"since": start + timedelta(days=20, hours=3)}):
        expected_matches = truth(text, made, **filters)
        counts = store.count_matches(parse(text), **filters)
        assert counts.total == len(expected_matches), filters
        assert counts.by_source == dict(Counter(a.source for a in expected_matches))
        days = store.trend(parse(text), bucket="day", **filters)
        expected_days = Counter(a.published_at.date().isoformat() for a in expected_matches)
        assert {d: sum(per.values()) for d, per in days.items()} == dict(expected_days)


KANA = "カタカナテキストマイニングシステム"  # 17 characters, one katakana word
HIRAGANA = "ありがとうございましたおつかれさまでした"
HANGUL = "대한민국국회의사당앞에서열린기자회견"
FOREIGN = [
    f"会上提到{KANA}。",
    f"会上提到{KANA[:8]}・{KANA[8:]}。",  # apart: a middle dot between
    f"{HIRAGANA}と述べた。",
    f"{HIRAGANA[:10]}、{HIRAGANA[10:]}。",
    f"首尔消息：{HANGUL}。",
    f"首尔消息：{HANGUL[:9]} {HANGUL[9:]}。",
    "韩文\u1100\u1161\u1102\u1161（分解的字母）。",  # 가나 as conjoining jamo
    "インターナショナルフォーラムサミット开幕。",
]


@pytest.mark.parametrize(
    "text",
    [
        KANA,
        HIRAGANA,
        HANGUL,
        "\u1100\u1161\u1102\u1161",
        "ナショナルフォーラム",
        f"{KANA} -{KANA}システム",
        "テキスト",
    ],
)
def test_long_kana_hangul_and_jamo_are_matched_exactly(store: ArticleStore, text: str) -> None:
    """Other CJK scripts: long runs (a phrase over the analyser's token graph must stay
    under its clause limit), runs apart across punctuation or a space, and Hangul written
    as conjoining jamo."""
    base = article(*SEED_XS)
    start = datetime(2025, 9, 1, 8, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/foreign/{i}.shtml",
            title=f"外文报道{i}",
            body=body,
            published_at=start + timedelta(hours=i),
        )
        for i, body in enumerate(FOREIGN)
    ]
    store.upsert_many(made)
    expected_urls = [a.url for a in truth(text, made)]
    assert expected_urls, "every query here matches something"
    assert [h.article.url for h in store.search(parse(text), limit=50)] == expected_urls
    assert store.count_matches(parse(text)).total == len(expected_urls)


def test_validators_beyond_etag_and_last_modified_do_not_refuse_the_article(
    store: ArticleStore,
) -> None:
    a = article(*SEED_XS, validators={"etag": '"v1"', "cache_control": "no-cache"})
    assert store.upsert_many([a]) == [Outcome.NEW]
    known = store.validators(a.url)
    assert (known.etag, known.last_modified) == ('"v1"', None)
    assert store.get(article_id(a.url)).title == a.title


def test_tidying_changes_no_answer(filled: ArticleStore) -> None:
    queries = [parse(q) for q in ("钱塘", "区", "钱塘 -钱塘江", "数字经济 NOT 钱塘")]

    def answers() -> list[object]:
        return [(filled.search(q, limit=50), filled.count_matches(q)) for q in queries]

    before = answers()
    while not filled.tidy(5):
        pass
    assert answers() == before
