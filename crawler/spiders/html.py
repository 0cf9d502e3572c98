"""Article pages read with the selectors of a seeds file, tried in order, then generic fallbacks.

Each field records the method that produced it (``css:.con_title``, ``trafilatura`` …) in
``Article.extraction``, so a layout change shows up as a shift in methods, not silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.extract.byline import Byline, is_byline_paragraph, parse_byline
from crawler.extract.dates import parse_datetime
from crawler.extract.encoding import decoded
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
from crawler.spiders.base import NewsSpider
from model.article import Article

T = TypeVar("T")
Found = tuple[Any, str | None]  # (value, method)
NOTHING: Found = (None, None)


class HtmlSpider(NewsSpider):
    """A source whose articles are server-rendered HTML pages (萧山网)."""

    def parse_article(self, response: Response) -> Iterator[Article | Any]:
        page, how = decoded(response, self.source.encoding)
        fields, extraction = self.extract(page)
        generic_or_none = extraction.get("body") in (None, "trafilatura")
        if generic_or_none and (fallback := self.body_fallback(response)):
            yield fallback  # a site's own source of the text beats a generic guess
            return
        extraction["encoding"] = how
        if how.startswith("lossy") or "wrong" in how:
            self.crawler.stats.inc_value("tidewatch/warnings/charset")
            self.logger.warning("charset: %s decoded as %s", response.url, how)
        article = self.build_article(response.url, fields, extraction, _validators(response))
        if article:
            yield article

    def extract(self, page: TextResponse) -> tuple[dict[str, Any], dict[str, str]]:
        found: dict[str, Found] = {
            "title": self.title(page),
            "published_at": self.published_at(page),
            "origin": self.origin(page),
            "editor": self.editor(page),
            "channel": self.channel(page),
        }
        (lines, images), body_method = self.body(page)
        byline, byline_method = self.byline(page)
        if not byline and lines and is_byline_paragraph(lines[0]):
            byline, byline_method = parse_byline(lines[0]), "body:first-line"
        if byline_method == "body:first-line" or (lines and _repeats(lines[0], byline)):
            lines = lines[1:]  # the byline is in authors/contributors now, not body text
        found["body"] = ("\n".join(lines), body_method)
        found["images"] = (images, body_method if images else None)
        found["authors"] = (byline.authors, byline_method)
        found["contributors"] = (byline.contributors, byline_method)
        fields = {name: value for name, (value, _) in found.items()}
        extraction = {name: method for name, (_, method) in found.items() if method}
        return fields, extraction

    # -- one method per field: (value, how it was found) --------------------------------------

    def title(self, page: TextResponse) -> Found:
        def convert(text: str) -> str | None:
            return clean_title(text, (self.source.title,)) or None

        found = self.first(page, "title", convert)
        if found[0]:
            return found
        fallbacks = {
            "meta:og:title": "meta[property='og:title']::attr(content)",
            "html:title": "title::text",
        }
        return self._first_of(page, fallbacks, convert)

    def published_at(self, page: TextResponse) -> Found:
        found = self.first(page, "published_at", parse_datetime)
        if found[0]:
            return found
        metas = {
            "meta:article:published_time": "meta[property='article:published_time']",
            "meta:publishdate": "meta[name=publishdate]",
        }
        found = self._first_of(
            page, {k: f"{css}::attr(content)" for k, css in metas.items()}, parse_datetime
        )
        # No generic date guessing past this point: guessers invent dates (trafilatura's
        # htmldate invented 216 of 511 on WCXB); a missing date fails the article loudly.
        return found

    def origin(self, page: TextResponse) -> Found:
        return self.first(page, "origin", _origin)

    def editor(self, page: TextResponse) -> Found:
        return self.first(page, "editor", lambda t: after_label(t, EDITOR_LABELS))

    def byline(self, page: TextResponse) -> tuple[Byline, str | None]:
        found = self.first(
            page, "byline", lambda t: parse_byline(after_label(t, AUTHOR_LABELS) or "") or None
        )
        return (found[0] or Byline(), found[1])

    def channel(self, page: TextResponse) -> Found:
        found = self.first(page, "breadcrumb", _last_crumb)
        if found[0]:
            return found
        if listed := page.meta.get("channel"):
            return listed, "listing"
        segments = page.url.split("/")
        for code, name in self.source.channels.items():
            if code in segments:
                return name, f"seeds:channels.{code}"
        return NOTHING

    def body(self, page: TextResponse) -> tuple[tuple[list[str], list[str]], str | None]:
        for css in self.source.selectors("body"):
            for element in page.css(css):
                lines, images = paragraphs(element, page.url, self.source.drop_selectors)
                lines = self.keep_lines(lines)
                if lines:
                    return (lines, images), f"css:{css}"
        lines = self.keep_lines(generic_body(page.text, page.url))
        return (lines, []), ("trafilatura" if lines else None)

    def body_fallback(self, response: Response) -> Request | None:
        """Another request that can supply the body when the page has none (an API)."""
        return None

    def keep_lines(self, lines: list[str]) -> list[str]:
        drop = [re.compile(p) for p in self.source.drop_lines]
        return [line for line in lines if not any(p.search(line) for p in drop)]

    # -- helpers ----------------------------------------------------------------------------

    def first(self, page: TextResponse, field: str, convert: Callable[[str], T | None]) -> Found:
        """The first selector of the seeds field whose text converts to a value."""
        return self._first_of(
            page, {f"css:{css}": css for css in self.source.selectors(field)}, convert
        )

    @staticmethod
    def _first_of(
        page: TextResponse, selectors: dict[str, str], convert: Callable[[str], T | None]
    ) -> Found:
        for method, css in selectors.items():
            for match in page.css(css):
                text = match.get() if "::" in css else element_text(match)
                value = convert(text.strip()) if text and text.strip() else None
                if value:
                    return value, method
        return NOTHING


def _origin(text: str) -> str | None:
    """来源：萧山日报 → 萧山日报; a bare short name (潮新闻) is taken as it is."""
    labelled = after_label(text, ORIGIN_LABELS)
    if labelled:
        return labelled
    if "：" in text or ":" in text or len(text) > 20:
        return None
    return text


def _last_crumb(text: str) -> str | None:
    """萧山网 > 新闻 > 时政经济 > 正文 → 时政经济."""
    crumbs = [c.strip() for c in re.split(r"[>›»]|&gt;", text)]
    crumbs = [c for c in crumbs if c and c != "正文"]
    return crumbs[-1] if len(crumbs) > 1 else None


def _repeats(line: str, byline: Byline) -> bool:
    """A first body line that only restates the byline already found elsewhere."""
    return bool(byline) and is_byline_paragraph(line) and parse_byline(line) == byline


def _validators(response: Response) -> dict[str, str]:
    headers = {"etag": b"ETag", "last_modified": b"Last-Modified"}
    return {k: v.decode("latin-1") for k, h in headers.items() if (v := response.headers.get(h))}
