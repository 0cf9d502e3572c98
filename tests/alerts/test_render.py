"""alerts.render: autoescaped HTML with highlight spans, a plain-text twin, labels per language."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import pytest
from support import SEEDS, expected, expected_article

from alerts.digest import Digest, build_digest
from alerts.ledger import Ledger
from alerts.matcher import Matcher
from alerts.render import RenderedDigest, marked, render, segments
from alerts.subscriptions import Subscriber
from crawler.seeds import load_sources
from model.article import Article, Precision
from store.sqlite import SqliteStore

SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}
SOURCE_TITLES = {name: source.title for name, source in load_sources(SEEDS).items()}
CHAO_SEED = ("tidenews.com.cn", "3041187")
PROVINCE = ("tidenews.com.cn", "3464706")  # a 浙江日报 story on 潮新闻: 新型工业化
UNSUBSCRIBE = "https://tidewatch.example.com/unsubscribe?token=ZWRpdG9y.0123abcd&lang=zh"
EMAIL = "editor@newsroom.example.com"
SLOT = "2025-03-09T08:00:00+08:00"
SCRIPT = "<script>alert(1)</script>"


def article(host: str, stem: str, **changes: object) -> Article:
    return expected_article(host, stem, **changes)


def hostile() -> Article:
    """The seed article with markup and ampersands where a careless template would break."""
    return article(
        *CHAO_SEED,
        title=f"杭州钱塘{SCRIPT}新区 R&D 中心 & 产业",
        body=f'{SCRIPT}钱塘新区 R&D 中心落成 & 投用。<img src=x onerror="alert(2)">',
    )


def the_same_story_in_the_epaper() -> Article:
    original = article(*PROVINCE)
    return dataclasses.replace(
        original,
        url="https://xsrb.xsnet.cn/html/2026-06/16/content_80001_19400001.htm",
        source="xsrb",
        published_at=datetime.fromisoformat("2026-06-16T00:00:00+08:00"),
        published_precision=Precision.DAY,  # the e-paper gives a date, no time
        body=original.body.replace("我省", "全省", 1) + "\n（据浙江日报）",
    )


def subscriber(*rules: str, language: str = "zh", name: str = "萧山新闻编辑部") -> Subscriber:
    return Subscriber(email=EMAIL, name=name, rules=list(rules), language=language)


def digest_of(
    who: Subscriber,
    articles: list[Article],
    store: SqliteStore,
    ledger: Ledger,
    updated: bool = False,
) -> Digest:
    for a in articles:
        store.upsert(a)
    matcher = Matcher([who])
    changes = store.changes(after=ledger.cursor())
    ledger.record([(c, matcher.match(c.article)) for c in changes], changes[-1].seq)
    matches = [dataclasses.replace(m, updated=updated) for m in ledger.pending(who.email)]
    digest = build_digest(who, matches, store, SLOT)
    assert digest is not None
    return digest


def rendered(
    who: Subscriber,
    articles: list[Article],
    store: SqliteStore,
    ledger: Ledger,
    updated: bool = False,
) -> RenderedDigest:
    return render(digest_of(who, articles, store, ledger, updated), UNSUBSCRIBE, SOURCE_TITLES)


# -- escaping ----------------------------------------------------------------------------------


def test_html_escapes_markup_from_the_article(store: SqliteStore, ledger: Ledger) -> None:
    html = rendered(subscriber("钱塘"), [hostile()], store, ledger).html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_html_escapes_ampersands_from_the_article(store: SqliteStore, ledger: Ledger) -> None:
    html = rendered(subscriber("钱塘"), [hostile()], store, ledger).html
    assert "R&amp;D" in html and " &amp; " in html
    assert "R&D" not in html and " & " not in html


def test_html_wraps_hits_in_spans(store: SqliteStore, ledger: Ledger) -> None:
    html = rendered(subscriber("钱塘"), [hostile()], store, ledger).html
    assert re.search(
        r'<a class="title"[^>]*>杭州<span class="hit"[^>]*>钱塘</span>&lt;script', html
    )
    assert re.search(r'<div class="snippet"[^>]*>&lt;script&gt;.*?<span class="hit"', html)
    assert len(re.findall(r'<span class="hit"[^>]*>钱塘</span>', html)) == 2  # title, snippet


def test_html_escapes_the_subscribers_name_and_rule_label(
    store: SqliteStore, ledger: Ledger
) -> None:
    rule = '钱塘 -"<广告>"'
    who = Subscriber(
        email=EMAIL, name="<b>编辑部</b>", rules=[rule], labels={rule: "<i>钱塘</i> & 区"}
    )
    html = rendered(who, [article(*CHAO_SEED)], store, ledger).html
    assert "<b>" not in html and "&lt;b&gt;编辑部&lt;/b&gt;" in html
    assert "<i>" not in html and "&lt;i&gt;钱塘&lt;/i&gt; &amp; 区" in html
    assert "<广告>" not in html  # the rule's syntax is never shown


def test_text_part_keeps_the_article_text_as_written(store: SqliteStore, ledger: Ledger) -> None:
    text = rendered(subscriber("钱塘"), [hostile()], store, ledger).text
    assert f"* 杭州【钱塘】{SCRIPT}新区 R&D 中心 & 产业" in text
    assert f"  {SCRIPT}【钱塘】新区 R&D 中心落成 & 投用。" in text
    assert "&lt;" not in text and "&amp;" not in text and "<span" not in text


# -- what each entry shows ---------------------------------------------------------------------


def test_entry_links_to_the_original_url(store: SqliteStore, ledger: Ledger) -> None:
    url = expected(*CHAO_SEED)["url"]
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert f'<a class="title" href="{url}"' in out.html
    assert f"\n  {url}\n" in out.text


def test_url_with_an_ampersand_is_escaped_in_the_href(store: SqliteStore, ledger: Ledger) -> None:
    url = "https://tidenews.com.cn/news.html?id=3041187&from=app"
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED, url=url)], store, ledger)
    assert 'href="https://tidenews.com.cn/news.html?id=3041187&amp;from=app"' in out.html
    assert f"\n  {url}\n" in out.text


def test_entry_shows_source_title_origin_and_publish_time(
    store: SqliteStore, ledger: Ledger
) -> None:
    out = rendered(subscriber("新型工业化"), [article(*PROVINCE)], store, ledger)
    assert SOURCE_TITLES["tidenews"] == "潮新闻"
    assert re.search(
        r'潮新闻 · 来源：浙江日报 · <span class="when"[^>]*>2026-06-16 12:00 \+08:00<', out.html
    )
    assert "  潮新闻 · 来源：浙江日报 · 2026-06-16 12:00 +08:00\n" in out.text


def test_source_without_a_title_is_shown_by_name(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("新型工业化"), [article(*PROVINCE)], store, ledger)
    out = render(digest, UNSUBSCRIBE, {})
    assert "  tidenews · 来源：浙江日报 · 2026-06-16 12:00 +08:00\n" in out.text


def test_entry_without_an_origin_has_no_origin_label(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED, origin=None)], store, ledger)
    assert "来源" not in out.text and "来源：" not in out.html
    assert "  潮新闻 · 2025-03-09 11:20 +08:00\n" in out.text


def test_updated_badge(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger, updated=True)
    assert "的这场发展大会上,用“新”回答 [已更新]\n" in out.text
    assert re.search(r"<span [^>]*>已更新</span>", out.html)


def test_no_updated_badge_for_a_first_mention(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert "已更新" not in out.text and "已更新" not in out.html


def test_same_story_elsewhere_line(store: SqliteStore, ledger: Ledger) -> None:
    epaper = the_same_story_in_the_epaper()
    out = rendered(subscriber("新型工业化"), [article(*PROVINCE), epaper], store, ledger)
    both = (
        f"  同一报道亦见 萧山日报：{epaper.title} · 来源：浙江日报 · 2026-06-16\n    {epaper.url}\n"
    )
    assert both in out.text  # the other version's title, source and time
    link = f'<a href="{re.escape(epaper.url)}"[^>]*>{re.escape(epaper.title)}</a>'
    assert re.search("同一报道亦见 萧山日报：" + link + " · 来源：浙江日报 · 2026-06-16", out.html)
    assert out.text.count("\n* ") == 1  # one entry for both


def test_group_heading_counts_entries(store: SqliteStore, ledger: Ledger) -> None:
    articles = [article(*CHAO_SEED), article(*PROVINCE), article("tidenews.com.cn", "3041190")]
    out = rendered(subscriber("新型工业化", "钱塘"), articles, store, ledger)
    assert "\n== 新型工业化 (2 篇) ==\n" in out.text and "\n== 钱塘 (1 篇) ==\n" in out.text
    assert out.text.index("== 新型工业化") < out.text.index("== 钱塘")
    assert re.search(r'<h2 class="rule"[^>]*>新型工业化 <span[^>]*>2 篇</span></h2>', out.html)
    assert "  关键词：新型工业化 · 钱塘\n" in out.text  # the seed, tagged with both


def test_subject_is_the_digests_subject(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    out = render(digest, UNSUBSCRIBE, SOURCE_TITLES)
    assert out.subject == digest.subject() == "【Tidewatch】1 篇新文章：钱塘"
    assert out.text.startswith("【Tidewatch】1 篇新文章：钱塘\n")
    assert "<title>【Tidewatch】1 篇新文章：钱塘</title>" in out.html


def test_unsubscribe_url_in_both_parts(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert out.text.endswith(f"\n退订这些提醒: {UNSUBSCRIBE}")
    assert f'href="{UNSUBSCRIBE.replace("&", "&amp;")}"' in out.html


# -- languages ---------------------------------------------------------------------------------


def test_chinese_labels(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert "萧山新闻编辑部，您好：" in out.text and '<html lang="zh-CN">' in out.html
    assert "以下是与您的关键词匹配的新文章。" in out.html
    assert "Hello" not in out.text and "Unsubscribe" not in out.html


def test_english_labels(store: SqliteStore, ledger: Ledger) -> None:
    who = subscriber("新型工业化", language="en", name="Industry analyst")
    epaper = the_same_story_in_the_epaper()
    out = rendered(who, [article(*PROVINCE), epaper], store, ledger, updated=True)
    assert out.subject == "[Tidewatch] 1 updated article: 新型工业化"
    intro = "These articles changed, and now match your keywords."
    assert f"Hello Industry analyst,\n{intro}\n" in out.text
    assert "\n== 新型工业化 (1 article) ==\n" in out.text
    assert " [updated]\n" in out.text
    assert "  潮新闻 · Source: 浙江日报 · 2026-06-16 12:00 +08:00" in out.text
    assert f"  Same story on 萧山日报: {epaper.title} · Source: 浙江日报 · 2026-06-16\n" in out.text
    assert out.text.endswith(f"\nUnsubscribe from these alerts: {UNSUBSCRIBE}")
    assert '<html lang="en">' in out.html and "Source: 浙江日报" in out.html
    assert "：" not in out.text.replace(epaper.title, "")  # no full-width colon in English
    for chinese in ("您好", "已更新", "同一报道亦见", "退订", "篇", "来源"):
        assert chinese not in out.text and chinese not in out.html


# -- segments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans", "pieces"),
    [
        ("钱塘新区", [], [("钱塘新区", False)]),
        ("", [], []),
        ("钱塘", [(0, 2)], [("钱塘", True)]),
        ("钱塘新区", [(0, 2)], [("钱塘", True), ("新区", False)]),
        ("杭州钱塘", [(2, 4)], [("杭州", False), ("钱塘", True)]),
        ("杭州钱塘新区", [(2, 4)], [("杭州", False), ("钱塘", True), ("新区", False)]),
        ("钱塘萧山", [(0, 2), (2, 4)], [("钱塘", True), ("萧山", True)]),
        (
            "a钱塘b萧山c",
            [(1, 3), (4, 6)],
            [("a", False), ("钱塘", True), ("b", False), ("萧山", True), ("c", False)],
        ),
        ("ＡＩ产业", [(0, 2)], [("ＡＩ", True), ("产业", False)]),
    ],
)
def test_segments(text: str, spans: list[tuple[int, int]], pieces: list[tuple[str, bool]]) -> None:
    assert segments(text, spans) == pieces
    assert "".join(piece for piece, _ in pieces) == text


@pytest.mark.parametrize(
    ("pieces", "text"),
    [
        ([], ""),
        ([("钱塘新区", False)], "钱塘新区"),
        ([("杭州", False), ("钱塘", True), ("新区", False)], "杭州【钱塘】新区"),
        ([("钱塘", True), ("萧山", True)], "【钱塘】【萧山】"),
    ],
)
def test_marked(pieces: list[tuple[str, bool]], text: str) -> None:
    assert marked(pieces) == text


# -- dates, sources, links ---------------------------------------------------------------------


ACROSS_THE_RIVER = ("xsrb.xsnet.cn", "content_79496_19374630")  # the e-paper: 萧山钱塘


def test_a_date_only_time_is_shown_as_a_date_never_as_midnight(
    store: SqliteStore, ledger: Ledger
) -> None:
    epaper = article(*ACROSS_THE_RIVER, published_precision=Precision.DAY)
    out = rendered(subscriber("钱塘"), [epaper], store, ledger)
    assert "  萧山日报 · 2026-03-18\n" in out.text
    assert '<span class="when" style="white-space:nowrap;">2026-03-18</span>' in out.html
    assert "00:00" not in out.text and "00:00" not in out.html


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("zh", "2025-03-09（首次发现日期，原文未注明时间）"),
        ("en", "2025-03-09 (first seen; the page gives no date)"),
    ],
)
def test_an_unknown_time_shows_the_first_seen_date_with_a_note(
    language: str, shown: str, store: SqliteStore, ledger: Ledger
) -> None:
    undated = article(*CHAO_SEED, published_precision=Precision.UNKNOWN)
    out = rendered(subscriber("钱塘", language=language), [undated], store, ledger)
    assert shown in out.text and shown in out.html
    assert "11:20" not in out.text


def test_an_origin_that_repeats_the_source_is_not_shown(store: SqliteStore, ledger: Ledger) -> None:
    epaper = article(*ACROSS_THE_RIVER, origin="萧山日报")
    out = rendered(subscriber("钱塘"), [epaper], store, ledger)
    assert "萧山日报 · 来源" not in out.text and "来源：萧山日报" not in out.html
    assert out.text.count("萧山日报") == 1


def test_times_carry_their_zone(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    assert "2025-03-09 11:20 +08:00" in out.text and "2025-03-09 11:20 +08:00" in out.html


def test_each_entry_opens_in_tidewatch_and_the_mail_links_the_preferences(
    store: SqliteStore, ledger: Ledger
) -> None:
    digest = digest_of(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    preferences = "https://tidewatch.example.com/preferences?token=abc.def"
    out = render(
        digest,
        UNSUBSCRIBE,
        SOURCE_TITLES,
        preferences_url=preferences,
        public_url="https://tidewatch.example.com/",
    )
    link = f"https://tidewatch.example.com/article/{digest.items[0].article.id}"
    assert f'<a class="open" href="{link}"' in out.html and ">在 Tidewatch 中打开</a>" in out.html
    assert f"  在 Tidewatch 中打开：{link}\n" in out.text
    assert f'<a class="preferences" href="{preferences}"' in out.html
    assert f"管理订阅（暂停、频率、关键词）: {preferences}\n" in out.text


def test_titles_look_like_links(store: SqliteStore, ledger: Ledger) -> None:
    out = rendered(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    (style,) = re.findall(r'<a class="title" href="[^"]*" style="([^"]*)"', out.html)
    assert "text-decoration:underline" in style and "color:#0a58a8" in style


# -- updates -----------------------------------------------------------------------------------


def test_an_update_says_so_and_shows_the_changed_paragraph(
    store: SqliteStore, ledger: Ledger
) -> None:
    who = subscriber("钱塘 OR 数字经济")
    xs = article("www.xsnet.cn", "3025263")  # 数字经济, no 钱塘
    first = digest_of(who, [xs], store, ledger)
    ledger.begin_digest(first.id, EMAIL, SLOT, first.subject(), first.match_ids)
    ledger.digest_sent(first.id, first.message_id(), 1)
    added = "萧山与钱塘两地签订协议，将共建跨江产业园。"
    body = xs.body.split("\n")
    edited = dataclasses.replace(xs, body="\n".join([*body[:2], added, *body[2:]]))
    store.upsert(edited)
    changes = store.changes(after=ledger.cursor())
    ledger.record([(c, Matcher([who]).match(c.article)) for c in changes], changes[-1].seq)
    update = build_digest(who, ledger.pending(EMAIL), store, SLOT)  # the ledger's own flag
    assert update is not None
    (item,) = update.items
    assert item.updated and item.changed and item.hit.snippet == added
    assert item.updated_at == store.versions(item.article.id)[-1]["last_seen"]
    assert update.subject() == "【Tidewatch】1 篇更新：钱塘 / 数字经济"
    out = render(update, UNSUBSCRIBE, SOURCE_TITLES)
    assert "  [更新的段落]\n  萧山与【钱塘】两地签订协议，将共建跨江产业园。\n" in out.text
    assert f" · 更新于 {item.updated_at[:10]} {item.updated_at[11:16]} +08:00" in out.text
    assert re.search(r'<div class="snippet changed"[^>]*>萧山与<span class="hit"', out.html)
    english = dataclasses.replace(update, subscriber=who.model_copy(update={"language": "en"}))
    assert english.subject() == "[Tidewatch] 1 updated article: 钱塘 / 数字经济"


def test_new_and_updated_stories_are_counted_apart(store: SqliteStore, ledger: Ledger) -> None:
    digest = digest_of(subscriber("钱塘"), [article(*CHAO_SEED)], store, ledger)
    digest.items[0].updated = True
    store.upsert(article(*ACROSS_THE_RIVER))
    both = digest_of(subscriber("钱塘"), [], store, ledger)
    both.items[0].updated = True
    assert both.subject() == "【Tidewatch】1 篇新文章，1 篇更新：钱塘"


def test_the_changed_paragraph_is_found_against_the_version_last_sent(
    store: SqliteStore, ledger: Ledger
) -> None:
    """Two edits after the mail: the paragraph that now matches came with the first, an
    unrelated one with the second. Compared with the version sent, the first still shows."""
    who = subscriber("钱塘 OR 数字经济")
    matcher = Matcher([who])
    xs = article("www.xsnet.cn", "3025263")
    first = digest_of(who, [xs], store, ledger)
    ledger.begin_digest(first.id, EMAIL, SLOT, first.subject(), first.match_ids)
    ledger.digest_sent(first.id, first.message_id(), 1)
    added = "萧山与钱塘两地签订协议，将共建跨江产业园。"
    body = xs.body.split("\n")
    for edit in (
        [*body[:2], added, *body[2:]],
        [*body[:2], added, *body[2:], "（本报补充报道。）"],
    ):
        store.upsert(dataclasses.replace(xs, body="\n".join(edit)))
        changes = store.changes(after=ledger.cursor())
        ledger.record([(c, matcher.match(c.article)) for c in changes], changes[-1].seq)
    update = build_digest(who, ledger.pending(EMAIL), store, SLOT)
    assert update is not None
    (item,) = update.items
    assert len(store.versions(item.article.id)) == 3
    assert item.updated and item.changed and item.hit.snippet == added
