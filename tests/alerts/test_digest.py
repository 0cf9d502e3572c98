"""alerts.digest: groups by rule, ordering, subjects, same-story folding, ids and highlights."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from pathlib import Path

import pytest
from support import EXPECTED, expected, expected_article

from alerts.digest import Digest, build_digest, digest_id
from alerts.ledger import Ledger, PendingMatch
from alerts.matcher import Matcher
from alerts.subscriptions import Subscriber
from model.article import Article
from store.base import article_id
from store.query import parse
from store.sqlite import SqliteStore
from store.textnorm import normalize

SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}
XS_SEED = ("www.xsnet.cn", "3025263")  # 数字经济
CHAO_SEED = ("tidenews.com.cn", "3041187")  # 钱塘 (title), 新型工业化 (body)
QIANTANG_DISTRICT = ("tidenews.com.cn", "69db7c9238547700016fac51")  # 钱塘区 (title)
ACROSS_THE_RIVER = ("xsrb.xsnet.cn", "content_79496_19374630")  # 萧山钱塘 (title)
PROVINCE = ("tidenews.com.cn", "3464706")  # a 浙江日报 story on 潮新闻: 新型工业化
EMAIL = "editor@newsroom.example.com"
SLOT = "2025-03-09T08:00:00+08:00"


def article(host: str, stem: str, **changes: object) -> Article:
    return expected_article(host, stem, **changes)


def every_article() -> list[Article]:
    return [article(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]


def the_same_story_in_the_epaper() -> Article:
    """3464706 as the 萧山日报 e-paper printed it: another URL and source, lightly edited."""
    original = article(*PROVINCE)
    body = original.body.replace("我省", "全省", 1).replace("。", "。\n", 1) + "\n（据浙江日报）"
    return dataclasses.replace(
        original,
        url="https://xsrb.xsnet.cn/html/2026-06/16/content_80001_19400001.htm",
        source="xsrb",
        published_at=datetime.fromisoformat("2026-06-16T00:00:00+08:00"),
        body=body,
    )


def subscriber(*rules: str, language: str = "zh") -> Subscriber:
    return Subscriber(email=EMAIL, name="萧山新闻编辑部", rules=list(rules), language=language)


def digest_of(
    who: Subscriber, articles: list[Article], store: SqliteStore, ledger: Ledger
) -> Digest:
    """Store the articles, record the subscriber's matches, build the digest of what is pending."""
    for a in articles:
        store.upsert(a)
    matcher = Matcher([who])
    changes = store.changes(after=ledger.cursor())
    if changes:
        ledger.record([(c, matcher.match(c.article)) for c in changes], changes[-1].seq)
    digest = build_digest(who, ledger.pending(who.email), store, SLOT)
    assert digest is not None
    return digest


def urls(digest: Digest, rule: str) -> list[str]:
    return next([i.article.url for i in items] for r, items in digest.groups if r == rule)


# -- groups and order --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rules",
    [("钱塘", "数字经济", "新型工业化"), ("新型工业化", "数字经济", "钱塘"), ("数字经济", "钱塘")],
)
def test_groups_follow_the_order_of_the_subscribers_rules(
    rules: tuple[str, ...], store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber(*rules), every_article(), store, ledger)
    assert [rule for rule, _ in digest.groups] == list(rules)


def test_rules_without_matches_have_no_group(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("台风", "数字经济", "广告"), every_article(), store, ledger)
    assert [rule for rule, _ in digest.groups] == ["数字经济"]


def test_newest_first_title_hits_only_break_ties_of_the_same_day(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘"), every_article(), store, ledger)
    ((_, items),) = digest.groups
    keys = [(i.article.published_at[:10], bool(i.hit.title_highlights)) for i in items]
    assert keys == sorted(keys, reverse=True)
    assert [i.article.url for i in items] == [
        expected(*PROVINCE)["url"],  # 2026-06-16, 钱塘 in the body only: newest leads
        expected(*QIANTANG_DISTRICT)["url"],  # 2026-04-12, 钱塘区 in the title
        expected(*ACROSS_THE_RIVER)["url"],  # 2026-03-18
        expected("tidenews.com.cn", "3095412")["url"],  # 2025-04-10
        expected("tidenews.com.cn", "3041190")["url"],  # 2025-03-09 15:02
        expected(*CHAO_SEED)["url"],  # 2025-03-09 11:20
        expected("www.xsnet.cn", "3025304")["url"],  # 2019-01-17
    ]


def test_a_title_hit_leads_a_later_body_hit_of_the_same_day(
    store: SqliteStore, ledger: Ledger
) -> None:
    morning = article(*CHAO_SEED)  # 钱塘 in the title, 11:20
    evening = article(
        "tidenews.com.cn",
        "3041190",
        title="杭州渔政开展首轮联合巡查",
        body="3月9日晚，钱塘区渔政部门开展巡查。",
        published_at=datetime.fromisoformat("2025-03-09T21:00:00+08:00"),
    )
    older = article(
        *QIANTANG_DISTRICT, published_at=datetime.fromisoformat("2025-03-08T23:00+08:00")
    )
    digest = digest_of(subscriber("钱塘"), [older, evening, morning], store, ledger)
    assert [i.article.url for i in digest.groups[0][1]] == [morning.url, evening.url, older.url]


def test_body_hits_alone_are_newest_first(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("萧山"), every_article(), store, ledger)
    ((_, items),) = digest.groups
    body_only = [i.article.published_at for i in items if not i.hit.title_highlights]
    assert len(body_only) >= 2 and body_only == sorted(body_only, reverse=True)


def test_an_article_appears_once_tagged_with_every_rule_it_matched(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘", "数字经济", "新型工业化"), every_article(), store, ledger)
    chao = expected(*CHAO_SEED)["url"]
    assert chao in urls(digest, "钱塘") and chao not in urls(digest, "新型工业化")
    (item,) = [i for i in digest.items if i.article.url == chao]
    assert item.rules == ["钱塘", "新型工业化"]
    every = [i.article.url for i in digest.items]
    assert len(every) == len(set(every))  # one entry per story
    assert len(digest.match_ids) == len(set(digest.match_ids)) > len(every)  # all matches go


def test_an_article_goes_under_the_first_of_its_rules_in_the_subscribers_order(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("新型工业化", "钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert [rule for rule, _ in digest.groups] == ["新型工业化"]
    assert digest.items[0].rules == ["新型工业化", "钱塘"]


def test_a_narrower_rule_does_not_repeat_the_wider_ones_group(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘", "钱塘 -钱塘江"), every_article(), store, ledger)
    assert [rule for rule, _ in digest.groups] == ["钱塘"]
    chao = next(i for i in digest.items if i.article.url == expected(*CHAO_SEED)["url"])
    river = next(i for i in digest.items if i.article.url.endswith("id=3041190"))
    assert chao.rules == ["钱塘", "钱塘 -钱塘江"] and river.rules == ["钱塘"]


def test_excluded_context_keeps_an_article_out_of_the_group(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘 -钱塘江"), every_article(), store, ledger)
    found = urls(digest, "钱塘 -钱塘江")
    assert expected("tidenews.com.cn", "3041190")["url"] not in found  # 钱塘江 only
    assert expected(*CHAO_SEED)["url"] in found


# -- subjects and ids --------------------------------------------------------------------------


THREE_AND_ONE = [CHAO_SEED, QIANTANG_DISTRICT, ACROSS_THE_RIVER, XS_SEED]  # 钱塘 ×3, 数字经济 ×1


def test_chinese_subject_counts_stories(store: SqliteStore, ledger: Ledger) -> None:
    articles = [article(*a) for a in THREE_AND_ONE]
    digest = digest_of(subscriber("钱塘", "数字经济"), articles, store, ledger)
    assert digest.subject() == "【Tidewatch】4 篇新文章：钱塘、数字经济"


def test_english_subject_counts_stories_with_a_proper_plural(
    store: SqliteStore, ledger: Ledger
) -> None:
    articles = [article(*a) for a in THREE_AND_ONE]
    digest = digest_of(subscriber("钱塘", "数字经济", language="en"), articles, store, ledger)
    assert digest.subject() == "[Tidewatch] 4 new articles: 钱塘, 数字经济"


def test_a_story_matching_two_rules_is_counted_once(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("钱塘", "新型工业化"), [article(*CHAO_SEED)], store, ledger)
    assert digest.subject() == "【Tidewatch】1 篇新文章：钱塘、新型工业化"


@pytest.mark.parametrize(
    ("rules", "labels", "subject"),
    [
        (["钱塘 -钱塘江"], {}, "【Tidewatch】3 篇新文章：钱塘"),
        (["钱塘 -钱塘江 -广告"], {}, "【Tidewatch】3 篇新文章：钱塘"),
        (["钱塘 OR 萧山"], {}, "【Tidewatch】4 篇新文章：钱塘 / 萧山"),
        (['"钱塘新区" AND NOT 钱塘江'], {}, "【Tidewatch】1 篇新文章：钱塘新区"),
        (
            ["钱塘 -钱塘江"],
            {"钱塘 -钱塘江": "钱塘区（不含钱塘江）"},
            "【Tidewatch】3 篇新文章：钱塘区（不含钱塘江）",
        ),
    ],
)
def test_subjects_use_readable_rule_names_never_the_syntax(
    rules: list[str], labels: dict[str, str], subject: str, store: SqliteStore, ledger: Ledger
) -> None:
    who = Subscriber(email=EMAIL, name="编辑部", rules=rules, labels=labels)
    articles = [article(*a) for a in THREE_AND_ONE]
    digest = digest_of(who, articles, store, ledger)
    assert digest.subject() == subject
    assert not re.search(r"(^|\s)-|\bOR\b|\bNOT\b|\"", digest.subject())


def test_a_long_list_of_rules_is_summed_up_in_the_subject(
    store: SqliteStore, ledger: Ledger
) -> None:
    who = subscriber("钱塘", "数字经济", "新型工业化", "萧山", language="zh")
    digest = digest_of(who, every_article(), store, ledger)
    assert digest.subject().endswith("：钱塘、数字经济、新型工业化 等 4 个关键词")
    english = dataclasses.replace(digest, subscriber=who.model_copy(update={"language": "en"}))
    assert english.subject().endswith(": 钱塘, 数字经济, 新型工业化 and 1 more")


def test_digest_id_is_stable_for_the_same_matches(store: SqliteStore, ledger: Ledger) -> None:
    who = subscriber("钱塘", "数字经济")
    first = digest_of(who, [article(*a) for a in THREE_AND_ONE], store, ledger)
    again = build_digest(who, list(reversed(ledger.pending(EMAIL))), store, "2025-03-10T08:00")
    assert again is not None and again.id == first.id
    assert again.message_id("news.example.com") == first.message_id("news.example.com")
    assert sorted(first.match_ids) == sorted(m.id for m in ledger.pending(EMAIL))


def pending(*ids_and_versions: tuple[int, int]) -> list[PendingMatch]:
    return [
        PendingMatch(i, EMAIL, "a", "钱塘", v, ("钱塘",), {}, False, False, None)
        for i, v in ids_and_versions
    ]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ((EMAIL, pending((1, 1), (2, 1), (3, 1))), (EMAIL, pending((3, 1), (1, 1), (2, 1))), True),
        ((EMAIL, pending((1, 1), (2, 1), (3, 1))), (EMAIL, pending((1, 1), (2, 1))), False),
        ((EMAIL, pending((1, 1), (2, 1), (3, 1))), (EMAIL, pending((1, 1), (2, 1), (4, 1))), False),
        ((EMAIL, pending((1, 1), (2, 1))), ("other@example.com", pending((1, 1), (2, 1))), False),
        ((EMAIL, pending((12, 1), (3, 1))), (EMAIL, pending((1, 1), (23, 1))), False),
        ((EMAIL, pending((1, 1))), (EMAIL, pending((1, 2))), False),  # an update: a new id
    ],
)
def test_digest_id_depends_on_the_subscriber_the_matches_and_their_versions(
    a: tuple[str, list[PendingMatch]], b: tuple[str, list[PendingMatch]], same: bool
) -> None:
    assert (digest_id(*a) == digest_id(*b)) is same
    assert re.fullmatch(r"[0-9a-f]{20}", digest_id(*a))


def test_message_id_format(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert digest.message_id("news.example.com") == f"<digest-{digest.id}@news.example.com>"
    assert re.fullmatch(
        r"<digest-[0-9a-f]{20}@news\.example\.com>", digest.message_id("news.example.com")
    )


def test_an_update_digest_does_not_reuse_the_id_of_the_digest_already_sent(
    store: SqliteStore, ledger: Ledger
) -> None:
    who = subscriber("钱塘 OR 萧山")
    xs = article(*XS_SEED)  # 萧山, no 钱塘
    first = digest_of(who, [xs], store, ledger)
    ledger.begin_digest(first.id, EMAIL, SLOT, first.subject(), first.match_ids)
    ledger.digest_sent(first.id, first.message_id(), 1)
    edited = dataclasses.replace(xs, body=xs.body + "\n萧山与钱塘两地将深化合作。")
    update = digest_of(who, [edited], store, ledger)
    (item,) = update.groups[0][1]
    assert item.updated  # a genuinely new mail about the article's new term …
    assert update.message_id() != first.message_id()  # … must not look like the old one


# -- the same story on two sources -------------------------------------------------------------


def test_near_identical_story_on_two_sources_is_one_entry(
    store: SqliteStore, ledger: Ledger
) -> None:
    epaper = the_same_story_in_the_epaper()
    assert epaper.body != article(*PROVINCE).body
    digest = digest_of(subscriber("新型工业化"), [article(*PROVINCE), epaper], store, ledger)
    ((_, items),) = digest.groups
    (item,) = items
    assert item.article.url == expected(*PROVINCE)["url"]  # the newer one leads
    assert [(a.url, a.source) for a in item.also] == [(epaper.url, "xsrb")]
    assert len(digest.match_ids) == 2  # both matches go out (and are marked sent) together
    assert digest.subject() == "【Tidewatch】1 篇新文章：新型工业化"


def test_different_articles_on_the_same_topic_are_not_folded(
    store: SqliteStore, ledger: Ledger
) -> None:
    digital = [
        article("xsrb.xsnet.cn", "content_79495_19374621"),  # 去年我区数字经济…
        article("tidenews.com.cn", "3420434"),  # 一季度萧山数字经济…
    ]
    digest = digest_of(subscriber("数字经济"), digital, store, ledger)
    ((_, items),) = digest.groups
    assert len(items) == 2 and all(i.also == [] for i in items)


def test_no_article_of_the_replica_is_folded_into_another(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘", "萧山", "新型工业化"), every_article(), store, ledger)
    assert all(i.also == [] for _, items in digest.groups for i in items)


# -- highlights --------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["钱塘", "数字经济", "新型工业化", "钱塘 -钱塘江", "gdp"])
def test_highlights_point_at_the_rules_terms(rule: str, store: SqliteStore, ledger: Ledger) -> None:
    terms = {t.text for t in parse(rule).terms}
    digest = digest_of(subscriber(rule), every_article(), store, ledger)
    ((_, items),) = digest.groups
    for item in items:
        hit = item.hit
        assert hit.highlights or hit.title_highlights, item.article.url
        for s, e in hit.highlights:
            assert normalize(hit.snippet[s:e]) in terms
        for s, e in hit.title_highlights:
            assert normalize(item.article.title[s:e]) in terms


def test_highlights_skip_the_excluded_context(store: SqliteStore, ledger: Ledger) -> None:
    riverside = article(*CHAO_SEED, body="钱塘江畔，钱塘区推进新型工业化。")
    digest = digest_of(subscriber("钱塘 -钱塘江"), [riverside], store, ledger)
    (item,) = digest.groups[0][1]
    assert item.hit.snippet == riverside.body
    assert item.hit.highlights == [(5, 7)]  # 钱塘区, not 钱塘江


# -- what cannot be shown ----------------------------------------------------------------------


def test_no_matches_no_digest(store: SqliteStore) -> None:
    assert build_digest(subscriber("钱塘"), [], store, SLOT) is None


def test_matches_of_articles_no_longer_stored_are_left_out(
    tmp_path: Path, store: SqliteStore, ledger: Ledger
) -> None:
    who = subscriber("钱塘")
    digest_of(who, [article(*CHAO_SEED)], store, ledger)
    elsewhere = SqliteStore(tmp_path / "empty.sqlite3")
    try:
        assert build_digest(who, ledger.pending(EMAIL), elsewhere, SLOT) is None
    finally:
        elsewhere.close()


def test_matches_of_a_rule_the_subscriber_dropped_are_left_out(
    store: SqliteStore, ledger: Ledger
) -> None:
    before = subscriber("钱塘", "新型工业化")
    digest_of(before, [article(*CHAO_SEED)], store, ledger)
    after = subscriber("新型工业化")
    digest = build_digest(after, ledger.pending(EMAIL), store, SLOT)
    assert digest is not None and [rule for rule, _ in digest.groups] == ["新型工业化"]
    (kept,) = digest.match_ids
    assert next(m for m in ledger.pending(EMAIL) if m.id == kept).rule == "新型工业化"


def test_updated_flag_reaches_the_item(store: SqliteStore, ledger: Ledger) -> None:
    who = subscriber("钱塘")
    digest_of(who, [article(*CHAO_SEED)], store, ledger)
    updated = [dataclasses.replace(m, updated=True) for m in ledger.pending(EMAIL)]
    digest = build_digest(who, updated, store, SLOT)
    assert digest is not None and digest.groups[0][1][0].updated
    assert article_id(expected(*CHAO_SEED)["url"]) == digest.groups[0][1][0].article.id


def test_a_digest_is_bounded_and_the_rest_waits_for_the_next(
    store: SqliteStore, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alerts.digest

    monkeypatch.setattr(alerts.digest, "MAX_STORIES", 3)
    who = subscriber("钱塘")
    first = digest_of(who, every_article(), store, ledger)
    assert len(first.items) == 3
    newest = sorted((i.article.published_at for i in first.items), reverse=True)
    ledger.begin_digest(first.id, EMAIL, SLOT, first.subject(), first.match_ids)
    ledger.digest_sent(first.id, first.message_id(), 1)
    rest = build_digest(who, ledger.pending(EMAIL), store, SLOT)
    assert rest is not None and len(rest.items) == 3
    assert all(i.article.published_at <= newest[-1] for i in rest.items)  # older ones, next
