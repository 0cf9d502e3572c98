"""crawler.extract.html: labelled values, paragraphs and images, titles, the generic fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.html import (
    AUTHOR_LABELS,
    EDITOR_LABELS,
    ORIGIN_LABELS,
    after_label,
    clean_title,
    element_text,
    generic_body,
    paragraphs,
)

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
BASE_URL = "http://www.xsnet.cn/news/shms/2019_1/3025304.shtml"


def body_of(inner_html: str) -> Selector:
    """The ``.content`` element of a page whose body is ``inner_html``."""
    page = Selector(text=f'<html><body><div class="content">{inner_html}</div></body></html>')
    return page.css(".content")[0]


def lines_of(inner_html: str, drop_selectors: list[str] = ()) -> list[str]:
    return paragraphs(body_of(inner_html), BASE_URL, drop_selectors)[0]


def images_of(inner_html: str) -> list[str]:
    return paragraphs(body_of(inner_html), BASE_URL)[1]


# -- after_label -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来源：萧山日报", "萧山日报"),  # full-width colon
        ("来源:萧山日报", "萧山日报"),  # half-width colon
        ("来源 ： 萧山日报", "萧山日报"),
        ("内容来源：萧山网", "萧山网"),
        ("内容来源:萧山网", "萧山网"),
        ("稿件来源：萧山日报", "萧山日报"),
        ("数据来源于网络 来源：萧山日报", "萧山日报"),  # 来源 without a colon is not a label
    ],
)
def test_after_label_origin(text: str, expected: str) -> None:
    assert after_label(text, ORIGIN_LABELS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来源：萧山日报 作者：李维维", "萧山日报"),
        ("内容来源：萧山网 责任编辑：王雯", "萧山网"),
        ("来源：萧山日报发布时间：2019-01-17 08:20", "萧山日报"),
        ("来源：萧山日报 字号：大 中 小", "萧山日报"),
        ("来源：萧山日报  2019-01-17 08:20", "萧山日报"),  # two spaces end the value
        ("来源：萧山日报\u30002019-01-17", "萧山日报"),  # so does an ideographic space
    ],
)
def test_after_label_value_stops_at_the_next_label_or_gap(text: str, expected: str) -> None:
    assert after_label(text, ORIGIN_LABELS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("责任编辑：王雯", "王雯"),
        ("编辑：王雯", "王雯"),
        ("编辑:王雯", "王雯"),
        ("来源：萧山日报 责任编辑：王雯", "王雯"),
    ],
)
def test_after_label_editor(text: str, expected: str) -> None:
    assert after_label(text, EDITOR_LABELS) == expected


def test_after_label_editor_is_not_confused_by_responsible_editor() -> None:
    # 责任编辑 contains 编辑: the value must not start with the rest of the longer label
    assert after_label("责任编辑：王雯", ("编辑",)) == "王雯"


def test_after_label_author() -> None:
    assert after_label("作者：记者 洪凯 来源：潮新闻", AUTHOR_LABELS) == "记者 洪凯"


@pytest.mark.parametrize("text", ["萧山日报", "来源：", "来源： 作者：李维维", "责任编辑：王雯"])
def test_after_label_without_a_value_gives_none(text: str) -> None:
    assert after_label(text, ORIGIN_LABELS) is None


# -- paragraphs ------------------------------------------------------------------------------


def test_each_block_element_is_a_line() -> None:
    html = "<p>第一段</p><div>第二段</div><h2>小标题</h2><ul><li>一</li><li>二</li></ul>"
    assert lines_of(html) == ["第一段", "第二段", "小标题", "一", "二"]


def test_br_ends_a_line() -> None:
    assert lines_of("<p>第一行<br>第二行<br/>第三行</p>") == ["第一行", "第二行", "第三行"]


def test_source_newlines_inside_a_paragraph_do_not_split_it() -> None:
    lines = lines_of("<p>钱塘江流域正式进入\n禁渔期，\n  巡查开始。</p>")
    assert len(lines) == 1
    assert lines[0].replace(" ", "") == "钱塘江流域正式进入禁渔期，巡查开始。"


def test_inline_elements_flow_into_their_line() -> None:
    assert lines_of("<p>萧山<strong>数字经济</strong>核心<a href='#'>产业</a>增长</p>") == [
        "萧山数字经济核心产业增长"
    ]


def test_ideographic_space_indentation_is_stripped() -> None:
    assert lines_of("<p>\u3000\u30001月16日上午，义蓬街道举办招聘会。</p>") == [
        "1月16日上午，义蓬街道举办招聘会。"
    ]


def test_nbsp_padding_is_stripped_and_inner_runs_collapsed() -> None:
    assert lines_of("<p>&nbsp;&nbsp;萧山 \u3000 日报&nbsp;</p>") == ["萧山 日报"]


def test_empty_blocks_give_no_lines() -> None:
    assert lines_of("<p></p><p> \u3000 </p><p>正文</p><div><br></div>") == ["正文"]


def test_script_style_and_friends_are_removed() -> None:
    html = (
        "<p>正文</p><script>var ad = '广告';</script><style>p{color:red}</style>"
        "<noscript>请启用脚本</noscript><button>分享</button>"
    )
    assert lines_of(html) == ["正文"]


def test_text_after_a_removed_script_is_kept() -> None:
    assert lines_of("<p>前文<script>x()</script>后文</p>") == ["前文后文"]


def test_comments_are_dropped_but_text_after_them_is_kept() -> None:
    assert lines_of("<p>前文<!-- 注释 -->后文</p>") == ["前文后文"]


def test_drop_selectors_remove_the_element_but_keep_its_tail() -> None:
    html = "<p>前文<span class='share'>分享到微信</span>后文</p>"
    assert lines_of(html, [".share"]) == ["前文后文"]


def test_drop_selectors_keep_the_tail_of_a_first_child() -> None:
    html = "<p><span class='share'>分享</span>正文开始</p>"
    assert lines_of(html, [".share"]) == ["正文开始"]


def test_drop_selectors_keep_the_tail_after_a_previous_sibling() -> None:
    html = "<p>甲<b>乙</b>丙<span class='share'>分享</span>丁</p>"
    assert lines_of(html, [".share"]) == ["甲乙丙丁"]


def test_drop_selectors_remove_whole_blocks() -> None:
    html = "<p>正文</p><p class='copyright'>转载请注明出处</p><div class='related'>相关新闻</div>"
    assert lines_of(html, ["p.copyright", "div.related"]) == ["正文"]


def test_drop_selectors_do_not_change_the_callers_selector() -> None:
    element = body_of("<p>正文</p><p class='copyright'>版权</p>")
    paragraphs(element, BASE_URL, ["p.copyright"])
    assert element.css("p.copyright::text").get() == "版权"


def test_image_urls_are_made_absolute() -> None:
    html = (
        "<img src='/uploadfile/2019/0116/20190116075721601.jpg'>"
        "<img src='photo.jpg'><img src='https://img.example.com/a.png'>"
    )
    assert images_of(html) == [
        "http://www.xsnet.cn/uploadfile/2019/0116/20190116075721601.jpg",
        "http://www.xsnet.cn/news/shms/2019_1/photo.jpg",
        "https://img.example.com/a.png",
    ]


def test_image_urls_are_deduplicated_in_order() -> None:
    html = "<img src='/a.jpg'><img src='/b.jpg'><img src='http://www.xsnet.cn/a.jpg'>"
    assert images_of(html) == ["http://www.xsnet.cn/a.jpg", "http://www.xsnet.cn/b.jpg"]


def test_lazy_data_src_wins_over_a_placeholder_src() -> None:
    html = "<img data-src='/real.jpg' src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
    assert images_of(html) == ["http://www.xsnet.cn/real.jpg"]


def test_data_uri_images_are_skipped() -> None:
    assert images_of("<img src='data:image/png;base64,iVBORw0KGgo='><img>") == []


def test_images_inside_dropped_elements_are_left_out() -> None:
    element = body_of("<img src='/a.jpg'><div class='related'><img src='/ad.jpg'></div>")
    assert paragraphs(element, BASE_URL, [".related"])[1] == ["http://www.xsnet.cn/a.jpg"]


def test_element_text_joins_text_nodes_with_spaces() -> None:
    element = body_of("<span>来源：萧山日报</span>\n<span>  责任编辑：王雯 </span>")
    assert element_text(element) == "来源：萧山日报 责任编辑：王雯"


# -- clean_title -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("钱塘江禁渔期开始-潮新闻", "钱塘江禁渔期开始"),
        ("钱塘江禁渔期开始 - 潮新闻", "钱塘江禁渔期开始"),
        ("钱塘江禁渔期开始_潮新闻", "钱塘江禁渔期开始"),
        ("钱塘江禁渔期开始 | 潮新闻", "钱塘江禁渔期开始"),
        ("钱塘江禁渔期开始——潮新闻", "钱塘江禁渔期开始"),
        ("钱塘江禁渔期开始 – 潮新闻 ", "钱塘江禁渔期开始"),
        ("  钱塘江禁渔期开始  ", "钱塘江禁渔期开始"),
        ("潮新闻-钱塘江禁渔期开始", "潮新闻-钱塘江禁渔期开始"),  # only a trailing name
        ("潮新闻", "潮新闻"),  # no separator: the title is the name itself
        (
            "萧山国际机场三期项目建设加速推进_时政经济_萧山网",
            "萧山国际机场三期项目建设加速推进_时政经济",
        ),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title, ("潮新闻", "萧山网")) == expected


def test_clean_title_escapes_regex_characters_in_names() -> None:
    assert clean_title("标题-A+B.cn", ("A+B.cn",)) == "标题"
    assert clean_title("标题-AAB-cn", ("A+B.cn",)) == "标题-AAB-cn"


@pytest.mark.parametrize("title", ["钱塘江禁渔期开始｜潮新闻", "钱塘江禁渔期开始－潮新闻"])
def test_clean_title_full_width_separators(title: str) -> None:
    assert clean_title(title, ("潮新闻",)) == "钱塘江禁渔期开始"


# -- generic_body ----------------------------------------------------------------------------


def test_generic_body_keeps_the_article_and_drops_navigation_and_footer() -> None:
    html = (PAGES / "generic_article.html").read_text(encoding="utf-8")
    lines = generic_body(html, "http://www.xsnet.cn/news/shms/2025_3/3400001.shtml")
    assert lines[0].startswith("3月1日零时起，钱塘江流域正式进入为期四个月的禁渔期。")
    assert lines[-1].endswith("沿江群众对生态保护的认同感不断增强。")
    assert len(lines) == 4
    assert not any("版权所有" in line or "首页" in line or "热点排行" in line for line in lines)


def test_generic_body_of_an_empty_page_is_empty() -> None:
    assert generic_body("<html><body></body></html>", "http://www.xsnet.cn/") == []


def test_control_characters_never_reach_a_field() -> None:
    element = body_of("<span>来源：萧山\x1b[31m日报\x1b[0m</span><p>正文\x07第一段\u0085</p>")
    assert element_text(element) == "来源：萧山日报 正文第一段"
    assert lines_of("<p>正文\x00\x1b[1m第一段\u0085</p>") == ["正文第一段"]
    assert clean_title("标题\x1b[31m-潮新闻", ("潮新闻",)) == "标题"
