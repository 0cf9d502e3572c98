"""Article pages read field by field, falling back across every source of truth.

Per field, in order: the seeds selectors (compiled once per source), what the site itself
says elsewhere (the e-paper's ``enpproperty`` comment, the 潮鸣号 ObjectId …), the page's
generic extraction (``crawler/extract/generic.py``), then an API (潮新闻 ``detail``). Each
stored field records the one that produced it in ``Article.extraction`` (``css:.time``,
``enpproperty:date``, ``generic:…``, ``api:detail``), or ``missing``.

A page with a body is always stored: a missing title becomes the body's first sentence, a
missing time the page's first sighting with ``Precision.UNKNOWN``. A page with no body is
remembered in ``crawler/unextracted.py`` instead. A seeds selector that matched nothing
while the generic path found the field is counted per selector
(``tidewatch/selector_miss/<field>/<selectors>``): that is layout drift, and the run is
degraded (``scheduler/health.py``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.extract.byline import Byline, is_byline_paragraph, parse_byline
from crawler.extract.dates import parse_moment
from crawler.extract.generic import extract as generic
from crawler.extract.html import (
    AUTHOR_LABELS,
    EDITOR_LABELS,
    ORIGIN_LABELS,
    after_label,
    clean_title,
    paragraphs,
)
from crawler.selectors import CandidateFinder, CompiledSelector
from crawler.spiders.base import NewsSpider
from crawler.spiders.page import Page
from model.article import Article, Precision
from model.clock import SHANGHAI, now

T = TypeVar("T")
Found = tuple[Any, str | None]  # (value, method)
NOTHING: Found = (None, None)
MISSING = "missing"
SELECTOR_MISS = "tidewatch/selector_miss/"
# article field → the seeds [fields] key whose selectors produce it
SEEDS_KEY = {
    "title": "title",
    "published_at": "published_at",
    "origin": "origin",
    "editor": "editor",
    "authors": "byline",
    "body": "body",
}
REQUIRED = ("title", "published_at", "body")
_VISIBLE_PARAGRAPHS = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
)
# a cheap sign that a page names a field the selectors missed (raw HTML, one C-level scan)
_LABELS = {
    "origin": re.compile(r"(?:来源|出处)\s*[:：]"),
    "byline": re.compile(r"(?:作者|记者)\s*[:：]"),
    "editor": re.compile(r"编辑\s*[:：]"),
}
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_LEAD_BYLINE = re.compile(
    r"^(?:本报讯|讯|据.{0,6}报道)?\s*[（(]\s*((?:见习记者|实习记者|首席记者|记者|通讯员|实习生)"
    r"[^（）()]{1,40})[）)]"
)
_END_BYLINE = re.compile(
    r"^[（(]\s*((?:见习记者|实习记者|首席记者|记者|通讯员|实习生)[^（）()]{1,40})[）)]$"
)


class HtmlSpider(NewsSpider):
    """A source whose articles are server-rendered HTML pages (萧山网)."""

    _compiled: ClassVar[dict[str, list[CompiledSelector]]]
    _finder: ClassVar[CandidateFinder]

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        """An article page: every field, by the seeds selectors first."""
        page = Page(response, self.source.encoding, self.finder())
        how = page.encoding_note
        if how.startswith("lossy") or "wrong" in how:
            self.crawler.stats.inc_value("tidewatch/warnings/charset")
            self.logger.warning("charset: %s decoded as %s", response.url, how)
        found = self.extract(page)
        found["encoding"] = (how, how)
        self.fill_from_generic(page, found)
        if self.wants_api(found) and (request := self.api_fallback(response, found)):
            yield request
            return
        yield from self.finish(page.url, found, _validators(response))

    # -- the layers -------------------------------------------------------------------------

    def extract(self, page: Page) -> dict[str, Found]:
        """Seeds selectors and the site's own signs, field by field."""
        found: dict[str, Found] = {
            "title": self.title(page),
            "published_at": self.published_at(page),
            "origin": self.origin(page),
            "editor": self.editor(page),
            "channel": self.channel(page),
        }
        (lines, images), body_method = self.body(page)
        byline, byline_method = self.byline(page)
        found["body"] = (lines, body_method)
        found["images"] = (images, body_method if images else None)
        found["authors"] = (byline.authors, byline_method)
        found["contributors"] = (byline.contributors, byline_method)
        return found

    def fill_from_generic(self, page: Page, found: dict[str, Found]) -> None:
        """Fields the selectors did not give, from the page's generic extraction.

        Asked for only when a required field (title, time, body) is missing, or one of the
        seeds' ``generic_fields`` is missing while the page shows its label (``编辑：``): a
        page the selectors read costs no generic pass, and an optional field the page simply
        lacks does not trigger one. Once it runs, it fills every missing field that has
        selectors too.
        """
        generic_fields = self.source.generic_fields
        missing = [name for name in SEEDS_KEY if not found[name][0]]
        if not any(
            n in REQUIRED or (SEEDS_KEY[n] in generic_fields and _labelled(SEEDS_KEY[n], page.text))
            for n in missing
        ):
            return  # an optional field the page does not name (no 编辑：): no generic pass
        wanted = [
            name
            for name in missing
            if name in REQUIRED
            or SEEDS_KEY[name] in generic_fields
            or self.source.selectors(SEEDS_KEY[name])
        ]
        if is_script_shell(page):  # nothing to read here: the API, if any, has the article
            self.crawler.stats.inc_value("tidewatch/pages/script_shell")
            return
        got = generic(page.text, page.url, earliest=self.source.earliest)
        values = {
            "title": _plausible_title(got.title, self.source.title),
            "published_at": (got.published_at, got.published_precision)
            if got.published_at
            else None,
            "origin": got.origin,
            "editor": got.editor,
            "authors": got.authors,
        }
        for name in wanted:
            method = "generic:" + (got.methods.get(name) or "extractor")
            if name in ("origin", "editor", "authors") and _in_a_list(got.selectors.get(name)):
                continue  # a 编辑/来源 in a related or hot-news list is another article's
            if name == "body":
                lines, images, method = self._generic_body(page, got)
                if lines:
                    found["body"] = (lines, method)
                    if images and not found["images"][0]:
                        found["images"] = (images, method)
                value = lines
            elif name == "authors":
                value = got.authors or got.contributors
                if value:
                    found["authors"] = (got.authors, method)
                    found["contributors"] = (got.contributors, method)
            else:
                value = values[name]
                if value:
                    found[name] = (value, method)
            if value:
                self._count_drift(name, page.url)

    def _generic_body(self, page: Page, got: Any) -> tuple[list[str], list[str], str]:
        """The generic body, read with the seeds' conventions from the element it found."""
        css = (got.selectors or {}).get("body")
        if css:
            try:
                elements = page.css(css)
            except Exception:  # a selector the extractor wrote that parsel cannot read
                elements = []
            if len(elements) == 1:
                lines, images = paragraphs(elements[0], page.url, self.source.drop_selectors)
                if lines := self.keep_lines(lines):
                    return lines, images, f"generic:css:{css}"
        lines = self.keep_lines([line for line in (got.body or "").split("\n") if line.strip()])
        return lines, list(got.images or []), "generic:" + (got.methods.get("body") or "text")

    def _count_drift(self, name: str, url: str) -> None:
        selectors = self.source.selectors(SEEDS_KEY[name])
        if not selectors:
            return
        key = f"{SELECTOR_MISS}{SEEDS_KEY[name]}/{' | '.join(selectors)}"
        stats = self.crawler.stats
        if not stats.get_value(key):
            self.logger.warning(
                "layout drift: seeds %s selectors %s matched nothing on %s; generic extraction "
                "took over",
                SEEDS_KEY[name],
                selectors,
                url,
            )
        stats.inc_value(key)

    def wants_api(self, found: dict[str, Found]) -> bool:
        return any(not found[name][0] for name in REQUIRED)

    def api_fallback(self, response: Response, found: dict[str, Found]) -> Request | None:
        """Another request that can supply what the page lacks (an API); None if there is none."""
        return None

    # -- the end of the chain ------------------------------------------------------------------

    def finish(
        self,
        url: str,
        found: dict[str, Found],
        validators: dict[str, str],
        why: str = "",
    ) -> Iterator[Article]:
        """The article, with fallbacks for what is still missing; or, with no body, nothing
        but a record in the unextracted pages."""
        extraction = {"encoding": found["encoding"][0]} if "encoding" in found else {}
        lines, body_method = found["body"]
        lines = self.clean_body(list(lines or []), found)
        if not lines:
            reason = "no recognisable body" + (
                f" (seeds body {self.source.selectors('body')} matched nothing)"
                if self.source.selectors("body")
                else ""
            )
            self.not_extracted(url, validators, reason + why)
            return
        stats = self.crawler.stats
        title, title_method = found["title"]
        if not title:
            title, title_method = first_sentence(lines), "body:first-sentence"
        moment, time_method = found["published_at"]
        if moment:
            published, precision = moment
        else:
            published, precision, time_method = self.first_seen(url), Precision.UNKNOWN, MISSING
        values = {
            "title": title,
            "published_at": published,
            "origin": found["origin"][0],
            "editor": found["editor"][0],
            "channel": found["channel"][0],
            "authors": list(found["authors"][0] or []),
            "contributors": list(found["contributors"][0] or []),
            "body": "\n".join(lines),
            "images": list(found["images"][0] or []),
        }
        methods = {name: method for name, (_, method) in found.items() if name in values}
        methods.update(title=title_method, published_at=time_method, body=body_method)
        for name, value in values.items():
            method = (methods.get(name) if value else None) or MISSING
            extraction[name] = method
            if method == MISSING or method == "body:first-sentence":
                stats.inc_value(f"tidewatch/missing/{name}")
            elif not method.startswith("css:"):
                stats.inc_value(f"tidewatch/fallback/{name}/{method.split(':')[0]}")
        self.extracted(url)
        yield Article(
            url=url,
            source=self.name,
            extraction=extraction,
            validators=validators,
            published_precision=precision,
            **{k: v for k, v in values.items() if v not in (None, [])},
        )

    def clean_body(self, lines: list[str], found: dict[str, Found]) -> list[str]:
        """Body conventions: dropped notice lines; a stand-alone byline paragraph near the top
        leaves the body for authors/contributors; a closing ``（记者 … 通讯员 …）`` and a lead such
        as ``本报讯（记者 …）`` stay in the text, and name the authors if nothing else did."""
        lines = self.keep_lines(lines)
        byline = Byline(list(found["authors"][0] or []), list(found["contributors"][0] or []))
        for index in range(min(2, len(lines))):
            if is_byline_paragraph(lines[index]):
                if not byline:
                    byline = parse_byline(lines[index])
                    found["authors"] = (byline.authors, "body:byline-line")
                    found["contributors"] = (byline.contributors, "body:byline-line")
                del lines[index]
                break
        if not byline and lines and (end := _END_BYLINE.match(lines[-1])):
            byline = parse_byline(end.group(1))
            found["authors"] = (byline.authors, "body:byline-end")
            found["contributors"] = (byline.contributors, "body:byline-end")
        if not byline and lines and (lead := _LEAD_BYLINE.match(lines[0])):
            names = parse_byline(re.sub(r"\S+\s*摄$", "", lead.group(1)))
            if names:
                found["authors"] = (names.authors, "body:lead")
                found["contributors"] = (names.contributors, "body:lead")
        return lines

    def not_extracted(self, url: str, validators: dict[str, str], reason: str) -> None:
        self.count_error("unextracted", url, reason)
        try:
            self.unextracted.remember(url, self.name, validators, reason)
        except sqlite3.Error as e:  # a full disk or a locked file: the run must say so
            self.count_error("store_error", url, f"could not remember the page: {e}")

    def extracted(self, url: str) -> None:
        if self._unextracted_urls is None:
            self._unextracted_urls = self.unextracted.urls(self.name)
        if url in self._unextracted_urls:
            self.unextracted.forget(url)
            self._unextracted_urls.discard(url)
            self.crawler.stats.inc_value("tidewatch/unextracted/recovered")

    def first_seen(self, url: str) -> datetime:
        """When Tidewatch first saw the page: stable across re-crawls, so no false update."""
        from crawler.runtime import store_for
        from store.base import article_id

        try:
            stored = store_for(self.crawler).get(article_id(url))
        except Exception:  # an unreachable store is the pipeline's error to report
            stored = None
        if stored is not None:
            return datetime.fromisoformat(stored.first_seen).astimezone(SHANGHAI)
        return now()

    # -- one method per field: (value, how it was found) --------------------------------------

    def title(self, page: Page) -> Found:
        return self.first(page, "title", lambda t: clean_title(t, (self.source.title,)) or None)

    def published_at(self, page: Page) -> Found:
        return self.first(page, "published_at", moment)

    def origin(self, page: Page) -> Found:
        return self.first(page, "origin", _origin)

    def editor(self, page: Page) -> Found:
        return self.first(page, "editor", lambda t: after_label(t, EDITOR_LABELS))

    def byline(self, page: Page) -> tuple[Byline, str | None]:
        found = self.first(
            page, "byline", lambda t: parse_byline(after_label(t, AUTHOR_LABELS) or "") or None
        )
        return (found[0] or Byline(), found[1])

    def channel(self, page: Page) -> Found:
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

    def body(self, page: Page) -> tuple[tuple[list[str], list[str]], str | None]:
        for selector in self.compiled("body"):
            for element in page.elements(selector):
                lines, images = paragraphs(element, page.url, self.source.drop_selectors)
                lines = self.keep_lines(lines)
                if lines:
                    return (lines, images), f"css:{selector.css}"
        return ([], []), None

    def keep_lines(self, lines: list[str]) -> list[str]:
        drop = self._drop_lines()
        return [line for line in lines if not any(p.search(line) for p in drop)]

    # -- helpers ----------------------------------------------------------------------------

    @classmethod
    def compiled(cls, field: str) -> list[CompiledSelector]:
        if "_compiled" not in cls.__dict__:
            cls._compiled = {
                name: [CompiledSelector(css) for css in selectors]
                for name, selectors in cls.source.fields.items()
            }
        return cls._compiled.get(field, [])

    @classmethod
    def finder(cls) -> CandidateFinder:
        """One XPath that finds, on a page, every element a seeds selector could match."""
        if "_finder" not in cls.__dict__:
            cls._finder = CandidateFinder(
                [s for name in cls.source.fields for s in cls.compiled(name)]
            )
        return cls._finder

    @classmethod
    def _drop_lines(cls) -> list[re.Pattern[str]]:
        if "_compiled_drop_lines" not in cls.__dict__:
            cls._compiled_drop_lines = [re.compile(p) for p in cls.source.drop_lines]
        return cls._compiled_drop_lines

    def first(self, page: Page, field: str, convert: Callable[[str], T | None]) -> Found:
        """The first seeds selector of ``field`` whose text converts to a value."""
        for selector in self.compiled(field):
            for match in page.select(selector):
                text = selector.text(match).strip()
                if text and (value := convert(text)):
                    return value, f"css:{selector.css}"
        return NOTHING


def moment(text: str) -> tuple[datetime, Precision] | None:
    """A publish time and how precise the text was: 2019年1月16日 7:57 → minute."""
    found = parse_moment(text)
    return (found.at, found.precision) if found else None


_LIST_ITEM = re.compile(r"(?:^|[\s>])li(?:[.#\[:\s>]|$)")


def _in_a_list(css: str | None) -> bool:
    """Whether the generic extractor found a field inside a list item (a sidebar entry)."""
    return bool(css and _LIST_ITEM.search(css))


def _labelled(key: str, html: str) -> bool:
    label = _LABELS.get(key)
    return label is None or bool(label.search(html))


def _plausible_title(title: str | None, site: str) -> str | None:
    """A generic title, unless it is too short to be a headline (a sidebar's 图片新闻)."""
    title = clean_title(title or "", (site,))
    return title if len(title) >= 6 else None


def first_sentence(lines: list[str], limit: int = 60) -> str:
    """A title for a page that has none: the body's first sentence, at most ``limit`` chars."""
    first = lines[0]
    if end := _SENTENCE_END.search(first):
        first = first[: end.start()]
    return first[:limit].strip() or lines[0][:limit]


def is_script_shell(page: Page) -> bool:
    """A page whose text is all drawn by JavaScript: no run of visible text looks like prose."""
    texts = _VISIBLE_PARAGRAPHS(page.root)
    return not any(len(t.strip()) >= 40 for t in texts)


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


def _validators(response: Response) -> dict[str, str]:
    headers = {"etag": b"ETag", "last_modified": b"Last-Modified"}
    return {k: v.decode("latin-1") for k, h in headers.items() if (v := response.headers.get(h))}
