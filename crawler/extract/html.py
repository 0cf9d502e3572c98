"""Text out of article HTML: labelled values, paragraphs, images, and a generic fallback."""

from __future__ import annotations

import copy
import functools
import re
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from parsel import Selector
from parsel.csstranslator import css2xpath

from crawler.extract.text import clean_line, strip_controls

ORIGIN_LABELS = ("内容来源", "稿件来源", "来源")
EDITOR_LABELS = ("责任编辑", "编辑")
AUTHOR_LABELS = ("作者",)
_ANY_LABEL = re.compile(
    r"(内容来源|稿件来源|来源|责任编辑|编辑|作者|更新时间|发布时间|时间|字号|浏览|阅读)\s*[:：]"
)
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "center",
    "br",
    "hr",
    "founder-content",
}
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "template", "button", "select"}


def after_label(text: str, labels: tuple[str, ...]) -> str | None:
    """The value after ``label：`` up to the next label, e.g. 来源：萧山日报 → 萧山日报."""
    pattern = "|".join(sorted(labels, key=len, reverse=True))
    match = re.search(rf"(?:{pattern})\s*[:：]\s*", text)
    if not match:
        return None
    rest = text[match.end() :]
    if nxt := _ANY_LABEL.search(rest):
        rest = rest[: nxt.start()]
    value = re.split(r"\s{2,}|\u3000", rest.strip())[0].strip()
    return value or None


def element_text(selector: Selector) -> str:
    """The text nodes of an element joined by spaces, control characters removed."""
    texts = (strip_controls(t).strip() for t in selector.css("::text").getall())
    return " ".join(t for t in texts if t)


def paragraphs(
    selector: Selector | etree._Element, base_url: str, drop_selectors: list[str] = ()
) -> tuple[list[str], list[str]]:
    """Paragraph lines and absolute image URLs inside an article body element.

    Block elements and <br> end a line; source-formatting newlines inside a paragraph do not.
    Elements matching ``drop_selectors`` (related news, share bars, notices) are left out.
    """
    root = copy.deepcopy(selector.root if isinstance(selector, Selector) else selector)
    for css in drop_selectors:
        for el in _css_xpath(css)(root):
            _remove(el)
    for el in list(root.iter(*_SKIP_TAGS)):
        _remove(el)
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # their tails stay
    images = []
    for img in root.iter("img"):
        src = img.get("data-src") or img.get("src")
        if src and not src.startswith("data:"):
            images.append(urljoin(base_url, src.strip()))
    chunks: list[str] = []
    _collect(root, chunks)
    lines = (clean_line(line) for line in "".join(chunks).split("\n") if line)
    return [line for line in lines if line], list(dict.fromkeys(images))


def generic_body(html: str, url: str) -> list[str]:
    """Last resort: the generic extractor's body (density scoring), one paragraph per line."""
    from crawler.extract.generic import extract  # generic builds on this module's helpers

    body = extract(html, url).body
    return body.split("\n") if body else []


def clean_title(title: str, site_names: tuple[str, ...]) -> str:
    """Drop a trailing site name: 「标题-潮新闻」 → 「标题」."""
    title = strip_controls(title)
    for name in site_names:
        title = re.sub(rf"\s*[-_|—–｜－＿]+\s*{re.escape(name)}\s*$", "", title)
    return title.strip()


def _collect(root: lxml_html.HtmlElement, out: list[str]) -> None:
    """Text of ``root`` with a newline around each block element, walked without recursion."""
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and PIs have no string tag
        block = tag.lower() in _BLOCK_TAGS
        if event == "start":
            if block:
                out.append("\n")
            if tag and el.text:
                out.append(el.text.replace("\n", " "))
            continue
        if block:
            out.append("\n")
        if el is not root and el.tail:
            out.append(el.tail.replace("\n", " "))


@functools.lru_cache(maxsize=256)
def _css_xpath(css: str) -> etree.XPath:
    """The XPath parsel runs for ``css``, compiled once (drop selectors repeat every page)."""
    return etree.XPath(css2xpath(css))


def _remove(el: lxml_html.HtmlElement) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
