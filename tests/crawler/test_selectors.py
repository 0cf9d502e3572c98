"""crawler.selectors and crawler.spiders.page: the seeds selectors matched from one pass over
a page give exactly what parsel's XPath gives, on every saved page we have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from support import REPLICA, SEEDS, replica_response

from crawler.extract.encoding import decoded
from crawler.seeds import load_sources
from crawler.selectors import CandidateFinder, CompiledSelector, PageIndex, compile_chain
from crawler.spiders.page import Page

TESTS = Path(__file__).resolve().parent.parent
PAGES = TESTS / "fixtures" / "pages"
EDGE_CASES = PAGES / "selector-edge-cases.html"
ROOTS = (REPLICA, TESTS / "corpus" / "sites", TESTS / "corpus" / "holdout" / "sites", PAGES)
HTML_FILES = sorted(
    f for root in ROOTS for f in root.rglob("*") if f.suffix in (".html", ".htm", ".shtml")
)
_XPATH_TEXT = etree.XPath("descendant-or-self::text()")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
# selectors the seeds do not use today, in the shapes they could
INVENTED = [
    "div p",
    "div > p",
    "*",
    "div *",
    "ul li a",
    "li > a.title",
    "body > div .x",
    "a[href*=news]",
    "[id^=c]",
    "[class]",
    "p[class~=copyright]",
    "[class~='a b']",
    "div[id]",
    "div.content p",
    "html > body",
    "body div > p",
    "[class*=time]",
    "[class*='']",
    "[CLASS*=con]",
    "DIV P",
    "li a[href]",
    "p.copyright",
    "table td",
    "div div div",
    "[id=content]",
    ".time.info",
    ".article-meta .time",
    ".article-meta > .time",
    "#ozoom founder-content",
    "#ozoom",
    "td.font01",
    "h1.title",
    "p[data-x='1']",
]
UNINDEXED = ["p + p", "li ~ li", "p:first-child", "h1, .time", "h1::text", "a::attr(href)"]


def _documents() -> list[tuple[str, object]]:
    return [
        (str(f), Selector(text=f.read_bytes().decode("utf-8", "replace")).root) for f in HTML_FILES
    ]


def _common_selectors() -> list[str]:
    """The seeds' selectors (fields and drop lists) and the invented ones."""
    sources = load_sources(SEEDS).values()
    found = {css for source in sources for field in source.fields.values() for css in field}
    found |= {css for source in sources for css in source.drop_selectors}
    return sorted(found | set(INVENTED) | set(UNINDEXED))


def _own_selectors(root: object) -> list[str]:
    """Selectors for the classes and ids that one page has (so that some match)."""
    found: set[str] = set()
    for element in root.iter(etree.Element):
        for token in (element.get("class") or "").split():
            if _NAME.fullmatch(token):
                found |= {f".{token}", f"div .{token}", f"{element.tag}.{token}"}
        if _NAME.fullmatch(ident := element.get("id") or ""):
            found |= {f"#{ident}", f"#{ident} p", f"#{ident} > *"}
    return sorted(found)


def _same(want: list[object], got: list[object]) -> bool:
    """The same elements (the same nodes), or the same strings, in the same order."""
    return len(want) == len(got) and all(
        a is b or (isinstance(a, str) and a == b) for a, b in zip(want, got, strict=True)
    )


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, object]]:
    return _documents()


def test_the_pages_and_selectors_are_many(documents: list[tuple[str, object]]) -> None:
    assert len(documents) >= 100
    assert sum(len(_own_selectors(root)) for _, root in documents) >= 1000


@pytest.mark.parametrize("share", [1, 2], ids=["all-indexed", "half-indexed"])
def test_index_matches_what_xpath_matches(documents: list[tuple[str, object]], share: int) -> None:
    """Same elements, same order, on every page: selectors the finder was built for come from
    its candidates; the others (every second one in ``half-indexed``) by tag or by XPath."""
    common = [CompiledSelector(css) for css in _common_selectors()]
    differences = []
    for name, root in documents:
        compiled = common + [CompiledSelector(css) for css in _own_selectors(root)]
        index = PageIndex(root, CandidateFinder(compiled[::share]))
        for selector in compiled:
            if not _same(selector.xpath(root), selector.matches(root, index)):
                differences.append(f"{name}: {selector.css}")
    assert differences == []


def test_edge_cases_page_exercises_what_it_claims() -> None:
    """Whitespace XPath does not split on (U+3000, U+00A0) keeps one class; tabs and
    newlines split; a duplicate class counts once; a character reference is decoded."""
    root = Selector(text=EDGE_CASES.read_text(encoding="utf-8")).root
    index = PageIndex(root, CandidateFinder([CompiledSelector(".time")]))
    texts = [e.text for e in CompiledSelector(".time").matches(root, index)]
    assert texts == [
        "2019-01-16 07:57",
        "tab, newline and trailing blank around two classes",
        "the same class twice",
        "a class written as a character reference",
        "nested twice",
    ]
    assert len(CompiledSelector("#ozoom").matches(root, PageIndex(root, CandidateFinder([])))) == 2


@pytest.mark.parametrize("css", UNINDEXED)
def test_selectors_the_index_cannot_answer_run_as_xpath(css: str) -> None:
    selector = CompiledSelector(css)
    assert selector.chain is None
    root = Selector(text=EDGE_CASES.read_text(encoding="utf-8")).root
    index = PageIndex(root, CandidateFinder([selector]))
    assert selector.matches(root, index) == selector.xpath(root)
    assert selector.xpath(root), f"{css} should match something on the edge-case page"


@pytest.mark.parametrize("css", ["", "p[", "::", "a >"])
def test_unreadable_css_is_not_indexed(css: str) -> None:
    assert compile_chain(css) is None


def test_element_text_is_the_xpath_text_nodes_joined(
    documents: list[tuple[str, object]],
) -> None:
    selector = CompiledSelector("*")
    for name, root in documents:
        for element in root.iter(etree.Element):
            want = " ".join(t.strip() for t in _XPATH_TEXT(element) if t.strip())
            assert selector.text(element) == want, f"{name}: <{element.tag}>"


# -- Page: one decode, one parse ---------------------------------------------------------


def _replica_urls() -> list[str]:
    urls = []
    for routes in REPLICA.glob("*/routes.toml"):
        host = routes.parent.name
        for f in sorted(routes.parent.rglob("*")):
            if f.suffix in (".html", ".htm", ".shtml"):
                urls.append(f"http://{host}/{f.relative_to(routes.parent).as_posix()}")
    return urls


@pytest.mark.parametrize("fallback", ["gb18030", None])
def test_page_text_and_tree_are_what_scrapy_would_give(fallback: str | None) -> None:
    """For every replica page, served with its headers and with a bare text/html: the text
    of the re-decoded response, and parsel's tree of it."""
    checked = 0
    for url in _replica_urls():
        served = replica_response(url)
        if not isinstance(served, HtmlResponse) or served.status != 200:
            continue
        bare = served.replace(headers={"Content-Type": "text/html"})
        for response in (served, bare):
            page = Page(response, fallback)
            scrapy_page, note = decoded(response, fallback)
            assert page.text == scrapy_page.text, url
            assert page.encoding_note == note, url
            assert etree.tostring(page.root) == etree.tostring(scrapy_page.selector.root), url
            checked += 1
    assert checked >= 40


def test_a_non_html_response_is_read_as_scrapy_reads_it() -> None:
    body = '<?xml version="1.0"?><rss><item><title>钱塘</title></item></rss>'.encode()
    response = TextResponse(
        url="http://www.xsnet.cn/feed.xml",
        body=body,
        headers={"Content-Type": "text/xml; charset=utf-8"},
        request=Request("http://www.xsnet.cn/feed.xml"),
    )
    page = Page(response, None)
    assert page.root.tag == "rss"
    assert page.css("title::text").get() == "钱塘"


def test_a_page_matches_each_selector_once() -> None:
    response = replica_response("http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml")
    selector = CompiledSelector(".con_title")
    page = Page(response, "gb18030", CandidateFinder([selector]))
    first = page.select(selector)
    assert first and page.select(selector) is first
    assert page.css(".con_title")[0].root is first[0]  # parsel reads the same tree


@pytest.mark.parametrize(
    ("prefix", "content_type"),
    [
        (b"\xef\xbb\xbf", "text/html; charset=utf-8"),  # a UTF-8 byte-order mark
        (b"\xef\xbb\xbf", "text/html; charset=gbk"),  # the mark against a wrong label
        (b"", "text/html; charset=iso-8859-1"),  # w3lib names latin-1 cp1252
        (b"", "text/html; charset=gb2312"),  # and gb2312 gb18030
    ],
)
def test_page_text_agrees_with_scrapy_on_marks_and_charset_names(
    prefix: bytes, content_type: str
) -> None:
    url = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
    body = replica_response(url).body
    for raw in (body, body.decode("gb18030").encode("utf-8")):
        response = HtmlResponse(url=url, body=prefix + raw, headers={"Content-Type": content_type})
        page = Page(response, "gb18030")
        scrapy_page, note = decoded(response, "gb18030")
        assert (page.text, page.encoding_note) == (scrapy_page.text, note)
