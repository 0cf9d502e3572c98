"""What every source's spider does: entry points, list pages, article requests, error counting.

Subclasses only say how to read an article page (``parse_article``). Stats under
``tidewatch/`` feed the crawl summary: articles new/updated/unchanged, errors by kind.

Article requests from listings are budgeted (``max_articles_per_run``): pages the store does
not know yet go first, in listing order (newest first); known pages are re-checked with what
is left once the listings are done; new pages beyond the budget wait in the backlog
(``crawler/unextracted.py``) for the next run, newest first. Pages that came out with no
body last time are asked for again, conditionally.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed
from w3lib.url import canonicalize_url

from crawler.middlewares import NotModified
from crawler.seeds import Source
from crawler.unextracted import UnextractedPages, unextracted_for
from model.clock import now
from tidewatch.config import load_config

REFETCH_UNEXTRACTED = 50  # pages with no body last time, asked for again per run


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
        self._article_requests = 0
        self._listed: set[str] = set()
        self._rechecks: list[tuple[str, dict[str, Any]]] = []
        self._overflow: list[tuple[str, float, dict[str, Any]]] = []
        self._unextracted_urls: set[str] | None = None
        self._listing_seq = 0
        self._run_started_ms = int(now().timestamp() * 1000)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
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
        settings.set("DOWNLOAD_MAXSIZE", cls.source.download_maxsize, priority="spider")
        settings.set("DOWNLOAD_WARNSIZE", cls.source.download_warnsize, priority="spider")
        settings.set("DOWNLOAD_TIMEOUT", cls.source.download_timeout, priority="spider")

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
        return any(p.match(url) for p in self._article_patterns())

    def is_list(self, url: str) -> bool:
        return any(p.match(url) for p in self._list_patterns())

    @classmethod
    def _article_patterns(cls) -> list[re.Pattern[str]]:
        if "_compiled_articles" not in cls.__dict__:
            cls._compiled_articles = [re.compile(p) for p in cls.source.article_url_patterns]
        return cls._compiled_articles

    @classmethod
    def _list_patterns(cls) -> list[re.Pattern[str]]:
        if "_compiled_lists" not in cls.__dict__:
            cls._compiled_lists = [re.compile(p) for p in cls.source.list_url_patterns]
        return cls._compiled_lists

    # -- requests ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for url in self.article_urls:
            yield self.article_request(self.canonical(url))
        if self.article_urls and not self.start_url_overrides:
            return  # --url alone: just those articles
        for url in self.start_url_overrides or self.source.entry_urls(now().date()):
            if request := self.entry_request(url):
                yield request
        for page in self.unextracted.pages(self.name, limit=REFETCH_UNEXTRACTED):
            self._listed.add(page["url"])
            yield self.article_request(page["url"], refetch=True)

    def entry_request(self, url: str) -> Request | None:
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
        self._article_requests += 1
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"article_url": url, **meta},
        )

    def listed_article(self, url: str, newness: float = 0.0, **meta: Any) -> Request | None:
        """An article a listing names: requested now, re-checked later, or left for next run."""
        if url in self._listed:
            return None  # sidebars and later pages repeat links; one request each is enough
        self._listed.add(url)
        if self.known(url):
            self._rechecks.append((url, meta))
            return None
        if self._article_requests >= self.source.max_articles_per_run:
            self._overflow.append((url, newness, meta))
            return None
        return self.article_request(url, **meta)

    def listing_newness(self, published_ms: float | None = None) -> float:
        """A sort key, larger for newer: the listed publish time, else the listing order
        (the top of the first page is the newest) within this run."""
        self._listing_seq += 1
        if published_ms:
            return float(published_ms) * 1000
        return self._run_started_ms * 1000 - self._listing_seq

    def known(self, url: str) -> bool:
        """Whether the store already has ``url`` (a re-check, not a new article)."""
        from crawler.runtime import store_for

        try:
            return store_for(self.crawler).validators(url) is not None
        except Exception as e:  # store down: treat it as new, the pipeline reports the store
            self.logger.warning("store unreachable (%s): %s counted as new", e, url)
            return False

    @property
    def unextracted(self) -> UnextractedPages:
        return unextracted_for(self.crawler)

    def on_idle(self) -> None:
        """Listings done: spend what is left of the budget on the backlog, then re-checks."""
        room = self.source.max_articles_per_run - self._article_requests
        requests = []
        for url, meta in self.unextracted.take_backlog(self.name, room):
            if url not in self._listed:  # not already asked for in this run
                self._listed.add(url)
                requests.append(self.article_request(url, **json.loads(meta)))
        while self._rechecks and self._article_requests < self.source.max_articles_per_run:
            url, meta = self._rechecks.pop(0)
            requests.append(self.article_request(url, **meta))
        if self._rechecks:
            self.crawler.stats.inc_value("tidewatch/articles/recheck_skipped", len(self._rechecks))
            self._rechecks = []
        self._save_overflow()
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def on_closed(self) -> None:
        self._save_overflow()

    def _save_overflow(self) -> None:
        if not self._overflow:
            return
        entries = [(u, n, json.dumps(m, ensure_ascii=False)) for u, n, m in self._overflow]
        self.unextracted.defer(self.name, entries)
        self.crawler.stats.inc_value("tidewatch/articles/deferred", len(entries))
        self.logger.warning(
            "%d articles over max_articles_per_run (%d) left for the next run",
            len(entries),
            self.source.max_articles_per_run,
        )
        self._overflow = []

    # -- parsing ----------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterator[Request]:
        """Every article link on a list page, plus further list pages and the next page."""
        hrefs = response.css("a::attr(href)").getall()
        urls = dict.fromkeys(self.canonical(response.urljoin(h.strip())) for h in hrefs)
        for url in urls:
            if self.is_article(url):
                if request := self.listed_article(url, newness=self.listing_newness()):
                    yield request
            elif self.is_list(url) and (request := self.list_request(url)):
                yield request
        text = self.source.next_page_text
        if text:
            nxt = response.xpath("//a[normalize-space(.)=$t]/@href", t=text).get()
            if nxt and (request := self.list_request(response.urljoin(nxt))):
                yield request

    def parse_article(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    # -- errors -----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        if failure.check(NotModified):
            return  # unchanged since the last crawl: not an error
        kind, reason = classify(failure)
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


def classify(failure: Failure) -> tuple[str, str]:
    """(error kind, reason) of a failed request, as the crawl summary counts it."""
    message = str(failure.value)
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status}", f"HTTP {status}"
    if failure.check(IgnoreRequest):
        if "DOWNLOAD_MAXSIZE" in message:  # decompressed past the limit (a gzip bomb)
            return "too_large", message
        return ("offsite" if "offsite" in message else "ignored"), message
    if failure.check(DownloadCancelledError, CancelledError):
        # Scrapy cancels a download whose size (announced or received) passes DOWNLOAD_MAXSIZE
        return "too_large", message or "download cancelled: larger than DOWNLOAD_MAXSIZE"
    if failure.check(ResponseDataLossError, ResponseFailed, DownloadFailedError):
        return "truncated", "connection closed before the whole response arrived"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout", message  # includes a response that trickles in past the timeout
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns", message
    if failure.check(DownloadConnectionRefusedError):
        return "network", f"connection refused: {message}"
    return "network", f"{failure.type.__name__}: {failure.value}"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split() if v]  # `scrapy crawl -a url="a b"` passes one string
    return list(value)
