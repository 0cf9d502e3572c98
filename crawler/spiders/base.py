"""What every source's spider does: entry points, list pages, article requests, error counting.

Subclasses only say how to read an article page (``parse_article``). Stats under
``tidewatch/`` feed the crawl summary: articles new/updated/unchanged, errors by kind.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed
from w3lib.url import canonicalize_url

from crawler.middlewares import NotModified
from crawler.seeds import Source
from model.article import Article
from model.clock import now
from tidewatch.config import load_config

REQUIRED_FIELDS = ("title", "published_at", "body")


class NewsSpider(Spider):
    source: ClassVar[Source]

    def __init__(
        self,
        start_url: str | Iterable[str] | None = None,
        url: str | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.allowed_domains = list(self.source.hosts)
        self.start_url_overrides = _as_list(start_url)
        self.article_urls = _as_list(url)
        self._list_pages = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_scheduled, signal=signals.request_scheduled)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        config = settings.get("TIDEWATCH_CONFIG") or load_config()
        delay = cls.source.politeness.download_delay
        if config.download_delay is not None:  # an operator's fixed delay: no auto-throttling
            delay = config.download_delay
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        settings.set(
            "CONCURRENT_REQUESTS_PER_DOMAIN", cls.source.politeness.concurrency, priority="spider"
        )

    # -- URLs -------------------------------------------------------------------------------

    @classmethod
    def handles_url(cls, url: str) -> bool:
        return (urlsplit(url).hostname or "") in cls.source.hosts

    def canonical(self, url: str) -> str:
        """The one spelling of an article URL: no fragment, only the query keys that matter."""
        parts = urlsplit(url)
        query = parts.query
        if self.source.keep_query:
            keep = set(self.source.keep_query)
            query = urlencode([(k, v) for k, v in parse_qsl(query) if k in keep])
        return canonicalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))

    def is_article(self, url: str) -> bool:
        return any(re.match(p, url) for p in self.source.article_url_patterns)

    def is_list(self, url: str) -> bool:
        return any(re.match(p, url) for p in self.source.list_url_patterns)

    # -- requests ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for url in self.article_urls:
            yield self.article_request(self.canonical(url))
        if self.article_urls and not self.start_url_overrides:
            return  # --url alone: just those articles
        for url in self.start_url_overrides or self.source.entry_urls(now().date()):
            yield self.entry_request(url)

    def entry_request(self, url: str) -> Request:
        if self.is_article(self.canonical(url)):
            return self.article_request(self.canonical(url))
        return self.list_request(url)

    def list_request(self, url: str, **meta: Any) -> Request | None:
        """A list page, within the source's per-run page budget."""
        if self._list_pages >= self.source.max_list_pages:
            return None
        self._list_pages += 1
        return Request(url, callback=self.parse_list, errback=self.on_error, meta=meta)

    def article_request(self, url: str, **meta: Any) -> Request:
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"article_url": url, **meta},
        )

    # -- parsing ----------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Request]:
        """Every article link on a list page, plus further list pages and the next page."""
        hrefs = response.css("a::attr(href)").getall()
        urls = dict.fromkeys(self.canonical(response.urljoin(h.strip())) for h in hrefs)
        for url in urls:  # sidebars repeat links; one request each is enough
            if self.is_article(url):
                yield self.article_request(url)
            elif self.is_list(url) and (request := self.list_request(url)):
                yield request
        text = self.source.next_page_text
        if text:
            nxt = response.xpath("//a[normalize-space(.)=$t]/@href", t=text).get()
            if nxt and (request := self.list_request(response.urljoin(nxt))):
                yield request

    def parse_article(self, response: Response) -> Iterator[Article | Request]:
        raise NotImplementedError

    def build_article(
        self,
        url: str,
        fields: dict[str, Any],
        extraction: dict[str, str],
        validators: dict[str, str] | None = None,
    ) -> Article | None:
        """An Article if every required field is there; otherwise count it and return None."""
        missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
        if missing:
            self.count_error("incomplete_article", url, "missing " + ", ".join(missing))
            return None
        return Article(
            url=url,
            source=self.name,
            extraction=extraction,
            validators=validators or {},
            **{k: v for k, v in fields.items() if v not in (None, [])},
        )

    # -- errors -----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        if failure.check(NotModified):
            return  # unchanged since the last crawl: not an error
        kind, reason = _classify(failure)
        self.count_error(kind, failure.request.url, reason)

    def on_scheduled(self, request: Request) -> None:
        """Count redirects off our hosts: Scrapy's OffsiteMiddleware drops them silently."""
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from and not self.handles_url(request.url):
            reason = f"redirected off the allowed hosts to {request.url}"
            self.count_error("offsite", redirected_from[0], reason)

    def count_error(self, kind: str, url: str, reason: str) -> None:
        self.crawler.stats.inc_value(f"tidewatch/errors/{kind}")
        self.crawler.stats.set_value("tidewatch/last_error", f"{kind}: {url}: {reason}")
        self.logger.error("%s: %s (%s)", kind, url, reason)


def _classify(failure: Failure) -> tuple[str, str]:
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status}", f"HTTP {status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        return ("offsite" if "offsite" in message else "ignored"), message
    if failure.check(ResponseDataLossError, ResponseFailed):
        return "truncated", "connection closed before the whole response arrived"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout", str(failure.value)
    if failure.check(DNSLookupError):
        return "dns", str(failure.value)
    return "network", f"{failure.type.__name__}: {failure.value}"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split() if v]  # `scrapy crawl -a url="a b"` passes one string
    return list(value)
