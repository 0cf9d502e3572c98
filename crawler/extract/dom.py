"""A page as lines of text, the way a reader sees them, walked without recursion.

``parse`` builds a bounded lxml tree: libxml2 stops at 255 levels without ``huge_tree``
and at about 2,048 with it, silently dropping everything deeper. A page nested that deep
is re-parsed flat (container tags removed), so its text is kept; ``Page.flattened`` says so.
``lines`` turns an element into reader lines with one iterative walk (no RecursionError on
any depth), keeping for each line the block element it sits in, its link text and images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler.extract.text import clean_line, punctuation_count, strip_controls

MAX_DEPTH = 2000  # below libxml2's huge_tree cap (2,048), so reaching it means truncation
MAX_HTML_CHARS = 8_000_000  # a bigger page is cut: no article is that long

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "blockquote",
        "pre",
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
        "address",
        "form",
        "fieldset",
        "legend",
        "details",
        "summary",
        "founder-content",
        "founder-title",
        "founder-introtitle",
        "founder-subtitle",
    ]
)
JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "template",
    "button",
    "select",
    "textarea",
    "input",
    "svg",
    "canvas",
    "object",
    "embed",
    "video",
    "audio",
    "map",
    "head",
)
_KEEP_WHEN_FLAT = frozenset(
    [
        "html",
        "head",
        "body",
        "title",
        "meta",
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "img",
        "a",
        "time",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)\b[^>]*?(/?)>")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass
class Page:
    root: lxml_html.HtmlElement
    flattened: bool = False  # nested beyond MAX_DEPTH: container tags were removed


def parse(html: str) -> Page:
    """A tree of ``html``; never raises on depth, size or control characters."""
    html = _XML_DECLARATION.sub("", strip_controls(html[:MAX_HTML_CHARS]))
    root = _build(html)
    if _depth(root) < MAX_DEPTH:
        return Page(root)
    return Page(_build(_flatten(html)), flattened=True)


def _build(html: str) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(html or "<html></html>", parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml_html.document_fromstring("<html><body></body></html>", parser=parser)
    return root


def _depth(root: lxml_html.HtmlElement) -> int:
    depths = {root: 0}
    deepest = 0
    for el in root.iterdescendants():
        d = depths[el.getparent()] + 1
        depths[el] = d
        deepest = max(deepest, d)
    return deepest


def _flatten(html: str) -> str:
    """``html`` with every tag but paragraphs, breaks, headings, links and images removed."""

    def keep(match: re.Match[str]) -> str:
        tag = match[2].lower()
        if tag in _KEEP_WHEN_FLAT:
            return match[0]
        return "<br>" if tag in BLOCK_TAGS else ""

    return _TAG.sub(keep, html)


def clean(root: lxml_html.HtmlElement) -> None:
    """Remove what a reader never sees: scripts, styles, forms' controls, hidden elements."""
    etree.strip_elements(root, *JUNK_TAGS, with_tail=False)
    for el in root.xpath(
        "//*[@hidden or @aria-hidden='true' or contains(translate(@style,"
        "'DISPLAYNOE','displaynoe'),'display')]"
    ):
        if (
            el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or _HIDDEN.search(el.get("style", ""))
        ):
            _drop(el)


def _drop(el: lxml_html.HtmlElement) -> None:
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()  # keeps the tail


# -- lines ------------------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    block: lxml_html.HtmlElement  # the block element the line sits in
    index: int
    link_chars: int = 0
    images: list[str] = field(default_factory=list)  # images that sit on this line

    @cached_property
    def chars(self) -> int:
        return len(self.text.replace(" ", ""))

    @cached_property
    def punctuation(self) -> int:
        return punctuation_count(self.text)

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass
class _Builder:
    base_url: str
    lines: list[Line] = field(default_factory=list)
    images: list[tuple[int, str]] = field(default_factory=list)  # (line index, url)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    pending_images: list[str] = field(default_factory=list)

    def add(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text.replace(" ", "").strip())

    def image(self, url: str) -> None:
        self.pending_images.append(url)

    def flush(self, block: lxml_html.HtmlElement) -> None:
        text = clean_line("".join(self.parts))
        if text:
            line = Line(text, block, len(self.lines), min(self.link_chars, len(text)))
            line.images = self.pending_images
            self.lines.append(line)
            self.pending_images = []
        self.parts = []
        self.link_chars = 0


def lines(root: lxml_html.HtmlElement, base_url: str) -> tuple[list[Line], list[str]]:
    """Reader lines of ``root`` and the absolute URLs of its images, in order.

    Block elements and ``<br>`` end a line; source newlines inside a paragraph do not.
    Images that stand on no line of text are attached to the next line.
    """
    builder = _Builder(base_url)
    blocks: list[lxml_html.HtmlElement] = [root]
    links = 0
    page_links: list[bool] = []  # per open <a>: does it lead to another page?
    all_images: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                builder.flush(blocks[-1])
                if tag not in ("br", "hr"):
                    blocks.append(el)
            if tag == "a":
                links += 1
                page_links.append(leads_elsewhere(el.get("href"), base_url))
            elif tag == "img" and (url := image_url(el, base_url)) and not any(page_links):
                builder.image(url)  # an image that links to another page is an ad or a teaser
                all_images.append(url)
            if tag not in ("br", "hr"):
                builder.add(el.text, links > 0)
        else:
            if tag in BLOCK_TAGS and tag not in ("br", "hr"):
                builder.flush(blocks[-1])
                if len(blocks) > 1:
                    blocks.pop()
            if tag == "a":
                links -= 1
                if page_links:
                    page_links.pop()
            if el is not root:
                builder.add(el.tail, links > 0)
    builder.flush(blocks[-1])
    return builder.lines, list(dict.fromkeys(all_images))


_PAGE = re.compile(r"\.(?:s?html?|php|aspx?|jsp)(?:[?#]|$)|/$", re.I)


def leads_elsewhere(href: str | None, base_url: str) -> bool:
    """A link to another page (not to the picture itself, a fragment or a script)."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:")):
        return False
    target = urljoin(base_url, href)
    if base_url and urlsplit(target).hostname != urlsplit(base_url).hostname:
        return True
    return bool(_PAGE.search(urlsplit(target).path + ("?" if urlsplit(target).query else "")))


def image_url(img: lxml_html.HtmlElement, base_url: str) -> str | None:
    for name in ("data-src", "data-original", "data-url", "src"):
        src = (img.get(name) or "").strip()
        if src and not src.startswith(("data:", "javascript:")):
            return urljoin(base_url, src)
    return None


def ancestors_and_self(el: lxml_html.HtmlElement, limit: int = 24) -> list[lxml_html.HtmlElement]:
    """``el`` and at most ``limit - 1`` ancestors: bounded work per line on hostile nesting."""
    chain = [el]
    chain.extend(islice(el.iterancestors(), limit - 1))
    return chain


def css_path(el: lxml_html.HtmlElement) -> str:
    """A CSS selector for ``el``: its id, or its classes under the nearest ancestor with an id."""
    if el.get("id") and re.fullmatch(r"[A-Za-z][\w-]*", el.get("id")):
        return f"#{el.get('id')}"
    parts = []
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("html", "body"):
        parts.append(_css_step(node))
        ident = node.get("id")
        if node is not el and ident and re.fullmatch(r"[A-Za-z][\w-]*", ident):
            parts[-1] = f"#{ident}"
            break
        if node is not el and len(parts) >= 3:
            break
        node = node.getparent()
    return " > ".join(reversed(parts))


def _css_step(el: lxml_html.HtmlElement) -> str:
    classes = [c for c in (el.get("class") or "").split() if re.fullmatch(r"[A-Za-z][\w-]*", c)]
    return el.tag + "".join(f".{c}" for c in classes[:2])
