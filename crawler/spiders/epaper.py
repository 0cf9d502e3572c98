"""E-papers on the Founder 数字报 system (萧山日报): 版面 pages node_N.htm → content_*.htm.

A paper dates its articles by day only, so their ``published_precision`` is ``day``.
Founder pages carry their metadata in an ``<!--enpproperty …/enpproperty-->`` comment: the
date, byline and 版面 name are read from there; the text from ``founder-content``. Without
the comment, the edition's date in the page's URL (``/html/2026-03/18/``) is the day.
"""

from __future__ import annotations

import re

from crawler.extract.byline import Byline, parse_byline
from crawler.extract.dates import date_from_url, plausible
from crawler.spiders.html import NOTHING, Found, HtmlSpider, moment
from crawler.spiders.page import Page
from model.article import Precision

_ENP = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.S)
_TAG = re.compile(r"<(\w+)>(.*?)</\1>", re.S)


def enp_properties(html: str) -> dict[str, str]:
    comment = _ENP.search(html)
    if not comment:
        return {}
    return {tag: value.strip() for tag, value in _TAG.findall(comment.group(1))}


class EpaperSpider(HtmlSpider):
    def published_at(self, page: Page) -> Found:
        """The paper's date: a day, never an invented 00:00 (``Precision.DAY``)."""
        found = moment(enp_properties(page.text).get("date", ""))
        if found:
            return found, "enpproperty:date"
        by_selectors = super().published_at(page)
        if by_selectors[0]:
            return by_selectors
        edition = date_from_url(page.url)  # the paper's own sign: no generic pass for it
        day = edition.moment() if edition else None
        if day and plausible(day, earliest=self.source.earliest):
            return (day, Precision.DAY), "url:edition-date"
        return NOTHING

    def byline(self, page: Page) -> tuple[Byline, str | None]:
        byline = parse_byline(enp_properties(page.text).get("author", ""))
        return (byline, "enpproperty:author") if byline else super().byline(page)

    def channel(self, page: Page) -> Found:
        node = enp_properties(page.text).get("nodename")
        return (node, "enpproperty:nodename") if node else super().channel(page)

    def origin(self, page: Page) -> Found:
        found = super().origin(page)
        return found if found[0] else (self.source.title, "seeds:title")

    def title(self, page: Page) -> Found:
        found = super().title(page)
        if found[0]:
            return found
        title = enp_properties(page.text).get("title")
        return (title, "enpproperty:title") if title else NOTHING
