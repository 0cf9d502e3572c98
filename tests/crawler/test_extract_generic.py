"""crawler.extract.generic: every field of pages it has no selectors for.

The development corpus (``tests/corpus``) is checked field by field, body by character-F1;
the holdout is not used here (it only estimates unseen pages, in the bench). The pages in
``tests/fixtures/pages`` cover one hard case each: comments longer than the article under
hashed class names, related lists and captions, ``<br>`` paragraphs with a full-width date,
control characters, deep nesting, a date-only meta, GBK with broken bytes.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract import dom
from crawler.extract.encoding import decode_bytes
from crawler.extract.generic import Extracted, extract, strip_title_suffix
from model.article import Precision
from model.clock import SHANGHAI

TESTS = Path(__file__).parent.parent
PAGES = TESTS / "fixtures" / "pages"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)
URL = "http://www.example.cn/news/ms/2024_12/123456.shtml"


def _measure():
    """bench/extract_measure.py: the corpus loader and character-F1 the bench uses too."""
    path = TESTS.parent / "bench" / "extract_measure.py"
    spec = importlib.util.spec_from_file_location("extract_measure", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("extract_measure", module)
    spec.loader.exec_module(module)
    return module


MEASURE = _measure()
CASES = MEASURE.load(MEASURE.CORPUS)


def page(name: str, url: str = URL) -> Extracted:
    raw = (PAGES / name).read_bytes()
    return extract(decode_bytes(raw), url, now=NOW)


# -- the development corpus -----------------------------------------------------------------


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 40
    assert len({case.expected["family"] for case in CASES}) >= 12


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_page_fields(case) -> None:
    want = case.expected
    got = extract(case.html, case.url, now=NOW)
    assert got.title == want["title"]
    published = got.published_at.isoformat() if got.published_at else None
    assert published == want["published_at"]
    assert got.published_precision == Precision(want["published_precision"])
    assert got.authors == want["authors"]
    assert got.contributors == want["contributors"]
    assert got.origin == want["origin"]
    assert got.editor == want["editor"]
    assert got.images == want["images"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_page_body_f1(case) -> None:
    got = extract(case.html, case.url, now=NOW)
    f1 = MEASURE.char_f1(got.body, "\n".join(case.expected["body"]))
    assert f1 >= 0.95, f"{case.name}: body character-F1 {f1:.3f}"


def test_char_f1() -> None:
    assert MEASURE.char_f1("钱塘新区", "钱塘新区") == 1.0
    assert MEASURE.char_f1(None, "钱塘") == 0.0
    assert MEASURE.char_f1("钱塘 江", "钱塘区") == pytest.approx(2 / 3)


# -- hard cases, one fixture page each -----------------------------------------------------------


def test_comments_longer_than_the_article_under_hashed_classes() -> None:
    got = page("comments_longer_hashed.html")
    assert got.body is not None
    lines = got.body.split("\n")
    assert len(lines) == 5
    assert lines[0].startswith("清晨六点")
    assert not any("网友" in line or "回复" in line for line in lines)
    assert got.title == "湘湖早市烟火气十足"
    assert got.published_at == datetime(2024, 12, 3, 7, 45, tzinfo=SHANGHAI)
    assert (got.origin, got.authors, got.editor) == ("萧山日报", ["陈晓"], "周敏")


def test_captions_and_sub_headings_are_paragraphs_and_related_lists_are_not() -> None:
    got = page("related_captions_byline_first.html")
    assert got.body is not None
    assert got.body.split("\n") == [
        "清晨六点，湘湖边的早市已经热闹起来，摊主们忙着摆放新鲜的蔬菜和水产。",
        "早市一角。记者 董怡 摄",
        "“这里的菜都是附近农户自己种的，价格实惠，品质也放心。”在早市买菜二十多年的王阿姨说。",
        "图为市民在早市选购蔬菜",
        "据了解，早市由街道统一规划管理，设置了120个摊位，每天接待市民约3000人次。",
        "小标题：早市升级",
        "街道相关负责人表示，下一步将完善早市的遮阳棚和排水设施，并引入智慧支付，让市民买得更舒心。",
    ]
    # the byline paragraph before the text is a field, and the photographer is no author
    assert (got.authors, got.contributors) == (["金晶"], ["陈婉"])
    assert got.images == [
        "http://www.example.cn/img/2024/a1.jpg",
        "http://www.example.cn/img/2024/a2.jpg",  # data-src, not the placeholder
    ]
    assert got.published_precision is Precision.DAY


def test_br_paragraphs_lead_and_closing_bylines_full_width_date() -> None:
    got = page("br_paragraphs_fullwidth_date.html")
    assert got.body is not None
    lines = got.body.split("\n")
    assert len(lines) == 4
    assert lines[0].startswith("本报讯（记者 张晓燕 通讯员 李明）清晨六点")  # a lead stays
    assert lines[-1].endswith("（记者 张晓燕）")  # part of the article text: it stays
    assert (got.authors, got.contributors) == (["张晓燕"], ["李明"])
    assert got.published_at == datetime(2024, 12, 3, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.DAY  # ２０２４年１２月３日: no time invented
    assert got.title == "湘湖早市烟火气十足"


def test_a_date_only_meta_is_a_day_never_midnight() -> None:
    got = page("meta_day_only.html", "http://www.example.cn/news/ms/123456.shtml")
    assert got.published_at == datetime(2024, 12, 3, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.DAY
    assert got.methods["published_at"] == "meta:pubdate"
    assert got.title == "湘湖早市烟火气十足"
    assert got.editor == "周敏"
    assert "编辑" not in (got.body or "")


def test_gbk_page_with_broken_bytes_extracts_in_chinese() -> None:
    got = page("gbk_broken_no_charset.html")
    assert got.title == "湘湖景区春季游客量创新高"
    assert got.body is not None and got.body.count("\ufffd") == 2
    assert got.published_at == datetime(2023, 4, 6, 10, 32, tzinfo=SHANGHAI)
    assert (got.authors, got.contributors, got.editor) == (["陈晓"], ["王丽"], "周敏")


# -- control characters -------------------------------------------------------------------------

_CONTROLS = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]}


def test_control_characters_are_stripped_from_every_field() -> None:
    raw = (PAGES / "control_characters.html").read_bytes()
    assert b"\x1b[31m" in raw and b"\x00" in raw and "\u0085".encode() in raw
    got = page("control_characters.html")
    texts = [got.title, got.body, got.origin, got.editor, *got.authors, *got.images]
    for text in filter(None, texts):
        assert not _CONTROLS & set(text), repr(text)
        assert "[31m" not in text and "[1m" not in text
    assert got.title == "湘湖早市烟火气…十足"  # &#x85; is … to a browser too
    assert got.origin == "萧山日报"
    assert got.authors == ["陈晓"]
    assert got.editor == "周敏"
    assert got.published_at == datetime(2024, 12, 3, 7, 45, 12, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.SECOND


# -- deep nesting -------------------------------------------------------------------------------


def test_1300_levels_of_nesting_give_the_body() -> None:
    got = page("deep_nesting_1300.html")
    assert got.body is not None and len(got.body.split("\n")) == 5
    assert got.title == "湘湖早市烟火气十足"
    assert "page" not in got.methods  # within libxml2's limits: parsed as it is


def test_100000_levels_of_nesting_are_flattened_not_lost() -> None:
    html = (PAGES / "deep_nesting_1300.html").read_text(encoding="utf-8")
    deeper = html.replace("<div>" * 1300, "<div>" * 100_000).replace(
        "</div>" * 1300, "</div>" * 100_000
    )
    got = extract(deeper, URL, now=NOW)
    assert "flattened" in got.methods["page"]
    assert got.body is not None and len(got.body.split("\n")) == 5
    assert got.published_at == datetime(2024, 12, 3, 7, 45, tzinfo=SHANGHAI)


def test_deep_nesting_without_text_is_a_clear_no_body() -> None:
    got = extract("<html><body>" + "<div>" * 100_000 + "</div>" * 100_000, URL, now=NOW)
    assert got.body is None
    assert got.methods["body"] == "missing"


def test_deeply_nested_json_ld_is_ignored() -> None:
    html = (PAGES / "meta_day_only.html").read_text(encoding="utf-8")
    hostile = '<script type="application/ld+json">' + "[" * 100_000 + "</script></head>"
    got = extract(html.replace("</head>", hostile), URL, now=NOW)
    assert got.body is not None


def test_the_line_walk_is_iterative() -> None:
    html = "<html><body>" + "<span>" * 5000 + "正文，内容。" + "</span>" * 5000 + "</body></html>"
    parsed = dom.parse(html)
    lines, _ = dom.lines(parsed.root, URL)
    assert "正文，内容。" in [line.text for line in lines]


# -- no article ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html", ["", "<html></html>", "<html><body><div id='app'></div></body></html>", "\x00\x1b"]
)
def test_a_page_without_text_has_no_body(html: str) -> None:
    got = extract(html, URL, now=NOW)
    assert got.body is None
    assert got.published_at is None or got.methods["published_at"] == "url-path"
    assert got.published_precision in (Precision.UNKNOWN, Precision.DAY)


def test_a_page_with_only_a_url_date_has_day_precision() -> None:
    html = "<html><body><h1>标题</h1><p>正文第一段，写了一些内容，还有标点。</p></body></html>"
    got = extract(html, "http://www.example.cn/art/2024/12/3/art_1229_1.html", now=NOW)
    assert got.published_at == datetime(2024, 12, 3, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.DAY
    assert got.methods["published_at"] == "url-path"


def test_times_outside_the_sanity_window_are_not_publish_times() -> None:
    html = (
        "<html><body><h1>一篇文章的标题</h1><div>发布时间：2031-01-01 08:00</div>"
        "<p>正文第一段，写了一些内容，还有标点。正文第二句，也有标点。</p></body></html>"
    )
    assert extract(html, URL, now=NOW).published_at is None  # the future
    old = html.replace("2031-01-01", "1990-05-01")
    assert extract(old, URL, now=NOW).published_at is None  # before the default earliest
    got = extract(old, URL, now=NOW, earliest=date(1980, 1, 1))
    assert got.published_at == datetime(1990, 5, 1, 8, 0, tzinfo=SHANGHAI)


# -- titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("湘湖早市烟火气十足_民生频道_某某新闻网", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足 - 某某新闻网", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足|某某日报", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足｜某某日报", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足__商贸_产业资讯_新浪网", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足 - 民生 - 某某新闻网", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足——某某新闻网", "湘湖早市烟火气十足"),
        ("湘湖早市烟火气十足", "湘湖早市烟火气十足"),
    ],
)
def test_title_suffixes_are_removed(title: str, expected: str) -> None:
    assert strip_title_suffix(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "湘湖早市烟火气十足_民生频道_某某新闻网",
        "湘湖早市烟火气十足 - 某某新闻网",
        "湘湖早市烟火气十足|某某日报",
        "湘湖早市烟火气十足__商贸_产业资讯_新浪网",
        "某某新闻网-湘湖早市烟火气十足",
    ],
)
def test_the_heading_the_title_repeats_wins(title: str) -> None:
    html = (PAGES / "meta_day_only.html").read_text(encoding="utf-8")
    html = html.replace("湘湖早市烟火气十足 - 民生 - 某某新闻网", title)
    got = extract(html, URL, now=NOW)
    assert got.title == "湘湖早市烟火气十足"
    assert got.methods["title"] == "h2+title"


def test_a_logo_in_h1_is_not_the_title() -> None:
    html = (
        "<html><head><title>湘湖早市烟火气十足_某某新闻网</title></head><body>"
        "<h1 class='logo'>某某新闻网</h1><div class='content'>"
        "<p>正文第一段，写了一些内容，还有标点。</p><p>正文第二段，写了一些内容，还有标点。</p>"
        "</div></body></html>"
    )
    assert extract(html, URL, now=NOW).title == "湘湖早市烟火气十足"


def test_recommendations_with_summaries_ads_and_inline_related_links_are_not_body() -> None:
    got = page("portal_recommendations.html")
    assert got.body is not None
    lines = got.body.split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("12月2日，钱塘区正式发布")
    assert got.images == []  # the banner links to an advertiser: no body image
    assert got.editor == "郑宇"  # （责任编辑：郑宇） closing the body is a field, not text
    assert (got.authors, got.contributors, got.origin) == (["钟晓"], ["林思远"], "钱塘发布")
    assert got.selectors["body"] == "#artibody"


def test_a_one_paragraph_flash_beats_a_longer_teaser_list() -> None:
    got = page("flash_news_short.html")
    assert got.body == (
        "记者从市气象台获悉，受冷空气影响，明天起我市将有一次明显降温过程，最低气温将降至零下2℃。"
    )


def test_the_h1_beats_a_nearer_subtitle_and_a_closing_date_is_read() -> None:
    got = page("gov_notice_subtitle_closing_date.html", "http://www.example.gov.cn/tzgg/1.html")
    assert got.title == "关于开展2025年冬季消防安全检查的通知"
    assert got.published_at == datetime(2025, 12, 2, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.DAY
    assert got.methods["published_at"] == "text:after-body"
    assert got.body is not None and got.body.startswith("各街道办事处、区级有关部门：")


def test_comment_times_never_give_a_day_only_post_its_time_of_day() -> None:
    got = page("blog_day_with_comment_times.html", "https://blog.example.cn/p/12")
    assert got.published_at == datetime(2024, 12, 10, tzinfo=SHANGHAI)
    assert got.published_precision is Precision.DAY
    assert got.authors == ["湖边人"]
    assert got.title == "湘湖边的冬日散步"
    assert got.body is not None and "访客" not in got.body and len(got.body.split("\n")) == 3


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_page_selectors_find_their_field(case) -> None:
    """``seeds suggest`` turns ``selectors`` into seeds: each must select its field's text."""
    got = extract(case.html, case.url, now=NOW)
    selector = Selector(text=case.html)
    values = {
        "title": got.title,
        "origin": got.origin,
        "editor": got.editor,
        "authors": (got.authors or got.contributors or [None])[0],
        "body": (got.body or "").split("\n")[0][:20] or None,
    }
    assert "body" in got.selectors and "title" in got.selectors
    for name, css in got.selectors.items():
        found = selector.css(css)
        assert found, f"{name}: {css} selects nothing"
        text = re.sub(r"\s+", "", " ".join(" ".join(el.css("::text").getall()) for el in found))
        if values.get(name):
            assert re.sub(r"\s+", "", values[name]) in text, f"{name}: {css}"


def test_a_javascript_shell_gives_the_body_of_its_embedded_state() -> None:
    got = page("js_shell_state.html", "https://m.example.cn/news/123")
    assert got.methods["body"] == "script:json"
    assert got.body is not None and len(got.body.split("\n")) == 3
    assert got.images == ["https://img.example.cn/a.jpg"]
    assert got.title == "湘湖早市烟火气十足"
    assert got.published_precision is Precision.SECOND  # 07:45:00 from the meta, as stated


def test_a_javascript_shell_without_state_has_no_body() -> None:
    shell = TESTS / "replica" / "tidenews.com.cn" / "news" / "3095412.html"
    got = extract(shell.read_text(encoding="utf-8"), "https://tidenews.com.cn/news.html?id=3095412")
    assert got.body is None  # the spider then asks the detail API


def test_teasers_inside_the_article_container_are_not_body() -> None:
    got = page("teasers_inside_content.html")
    assert got.body is not None
    lines = got.body.split("\n")
    assert len(lines) == 5 and lines[-1] == "（完）"
    assert not any("新去处" in line or "相关新闻" in line for line in lines)
