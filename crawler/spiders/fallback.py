"""The spiders' view of the generic extractor and the precision-aware date helpers.

The spiders read the generic extraction through one function, :func:`generic`, whatever
``crawler/extract/generic.py`` does inside; until that module exists, a thin adapter over
today's helpers stands in (same ``Extracted`` shape), so the fallback chain is one code path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from model.article import Precision

try:  # the extractor helper's module; absent on branches that predate it
    from crawler.extract.generic import Extracted
    from crawler.extract.generic import extract as _extract
except ImportError:  # pragma: no cover - replaced by the real module once merged
    _extract = None

    @dataclass
    class Extracted:  # type: ignore[no-redef]
        title: str | None = None
        published_at: datetime | None = None
        published_precision: Precision = Precision.UNKNOWN
        body: str | None = None
        origin: str | None = None
        authors: list[str] = field(default_factory=list)
        contributors: list[str] = field(default_factory=list)
        editor: str | None = None
        images: list[str] = field(default_factory=list)
        methods: dict[str, str] = field(default_factory=dict)
        selectors: dict[str, str] = field(default_factory=dict)


try:
    from crawler.extract.dates import parse_moment
except ImportError:  # pragma: no cover - the extractor helper adds it
    from crawler.extract.dates import parse_datetime

    @dataclass(frozen=True)
    class _Moment:
        at: datetime
        precision: Precision

    _CLOCK = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}(\s*[:：分]\s*\d{2})?")

    def parse_moment(text: str) -> _Moment | None:  # type: ignore[misc]
        at = parse_datetime(text)
        if at is None:
            return None
        clock = _CLOCK.search(text)
        if clock is None:
            return _Moment(at, Precision.DAY)
        return _Moment(at, Precision.SECOND if clock.group(1) else Precision.MINUTE)


def generic(html: str, url: str, *, earliest: date | None = None) -> Extracted:
    """Every field the generic extractor finds on a page, with how and where it found it."""
    if _extract is not None:
        return _extract(html, url, earliest=earliest)
    return _adapter(html, url)


def _adapter(html: str, url: str) -> Extracted:
    """Today's helpers in the Extracted shape: labels in the visible text, metas, trafilatura."""
    from parsel import Selector

    from crawler.extract.byline import parse_byline
    from crawler.extract.html import (
        AUTHOR_LABELS,
        EDITOR_LABELS,
        ORIGIN_LABELS,
        after_label,
        generic_body,
    )

    page = Selector(text=html)
    found = Extracted(
        title=None,
        published_at=None,
        published_precision=Precision.UNKNOWN,
        body=None,
        origin=None,
        authors=[],
        contributors=[],
        editor=None,
        images=[],
        methods={},
        selectors={},
    )
    title = (
        page.css("h1").xpath("normalize-space(.)").get()
        or page.css("meta[property='og:title']::attr(content)").get()
    )
    if title:
        found.title, found.methods["title"] = title.strip(), "generic:h1"
    nodes = [
        t.strip()
        for t in page.xpath("//body//text()[not(ancestor::script|ancestor::style)]").getall()
        if t.strip()
    ]
    head = " ".join(nodes)[:2000]
    moment = parse_moment(head)
    if moment:
        found.published_at, found.published_precision = moment.at, moment.precision
        found.methods["published_at"] = "text"
    for name, labels in (("origin", ORIGIN_LABELS), ("editor", EDITOR_LABELS)):
        value = next((v for t in nodes if (v := after_label(t, labels))), None)
        if value:
            setattr(found, name, value)
            found.methods[name] = "label"
    author = next((v for t in nodes if (v := after_label(t, AUTHOR_LABELS))), None)
    if author and (byline := parse_byline(author)):
        found.authors, found.contributors = byline.authors, byline.contributors
        found.methods["authors"] = "label"
    if css := _densest_block(page):
        found.selectors["body"] = css
        found.methods["body"] = "paragraph-density"
    lines = generic_body(html, url)
    if lines:
        found.body = "\n".join(lines)
        found.methods.setdefault("body", "trafilatura")
    return found


def _densest_block(page: Any) -> str | None:
    """The element whose own paragraphs hold the most text, as a CSS selector (if unique)."""
    best, best_len = None, 80  # less text than this is no article
    for element in page.xpath("//body//*[count(p) >= 2]"):
        length = sum(len(t) for t in element.xpath("./p//text()").getall())
        if length > best_len:
            best, best_len = element, length
    if best is None:
        return None
    tag = best.root.tag
    classes = (best.attrib.get("class") or "").split()
    css = tag + "".join(f".{c}" for c in classes if re.fullmatch(r"[\w-]+", c))
    return css if len(page.css(css)) == 1 else None
