"""An article response decoded once and parsed once: what every field of a page reads.

Scrapy would decode a response again after its charset is corrected (a second response),
and parse it on first use of ``response.selector``; the seeds selectors, the site's own signs,
the script-shell test and the generic path all read this one text and this one tree instead.
The tree is built as parsel builds it (``create_root_node``), with lxml's plain
``etree.HTMLParser``: the same nodes, without ``lxml.html``'s Python class lookup for every
element touched. The seeds selectors match on it through one index of the candidates
(``crawler/selectors.py``), each selector once per page.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from parsel import Selector, SelectorList
from parsel.selector import create_root_node
from scrapy.http import HtmlResponse, TextResponse

from crawler.extract.encoding import decoded, decoded_text
from crawler.selectors import CandidateFinder, CompiledSelector, PageIndex


class Page:
    """One article response: its URL and meta, its text, its tree, and how it was decoded."""

    __slots__ = (
        "_finder",
        "_index",
        "_matches",
        "_response",
        "_selector",
        "encoding_note",
        "root",
        "text",
        "url",
    )

    def __init__(
        self,
        response: TextResponse,
        fallback_encoding: str | None,
        finder: CandidateFinder | None = None,
    ) -> None:
        """``finder``: the candidates of the source's seeds selectors, found once a page."""
        self.url = response.url
        self._response = response
        if isinstance(response, HtmlResponse):
            self.text, self.encoding_note = decoded_text(response, fallback_encoding)
            self.root = create_root_node(self.text, etree.HTMLParser, base_url=self.url)
            self._selector: Selector | None = None
        else:  # what Scrapy makes of other text (XML, or a type parsel guesses): as it is
            response, self.encoding_note = decoded(response, fallback_encoding)
            self.text = response.text
            self._selector = response.selector
            self.root = self._selector.root
        self._finder = finder
        self._index: PageIndex | None = None
        self._matches: dict[str, list[Any]] = {}

    @property
    def meta(self) -> dict[str, Any]:
        """The request's meta (Scrapy's error, as before, for a response without a request)."""
        return self._response.meta

    @property
    def selector(self) -> Selector:
        """A parsel selector on the page's own tree (made on first use, never re-parsed)."""
        if self._selector is None:
            self._selector = Selector(root=self.root, type="html")
        return self._selector

    def css(self, query: str) -> SelectorList[Selector]:
        return self.selector.css(query)

    def select(self, selector: CompiledSelector) -> list[Any]:
        """What a seeds selector matches on this page, worked out once per page."""
        if (found := self._matches.get(selector.css)) is None:
            if self._index is None and self._finder is not None:
                self._index = PageIndex(self.root, self._finder)
            found = self._matches[selector.css] = selector.matches(self.root, self._index)
        return found

    def elements(self, selector: CompiledSelector) -> list[Any]:
        """The elements a seeds selector matches (none for ``::text`` or ``::attr()``)."""
        return [] if selector.pseudo else self.select(selector)
