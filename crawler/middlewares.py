"""Incremental re-crawls: ask for an article only if it changed since we stored it, or since
we last failed to extract it (``crawler/unextracted.py``)."""

from __future__ import annotations

import logging
import sqlite3

from elastic_transport import TransportError
from elasticsearch import ApiError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.runtime import store_for
from crawler.unextracted import unextracted_for
from store.base import ArticleStore, StoreError

logger = logging.getLogger(__name__)


class NotModified(IgnoreRequest):
    """The server says the stored copy is current (HTTP 304)."""


class ConditionalFetchMiddleware:
    """Adds If-None-Match / If-Modified-Since to article requests the store already knows;
    a 304 marks the article seen and ends the request without a download."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalFetchMiddleware:
        return cls(crawler)

    @property
    def store(self) -> ArticleStore:
        return store_for(self.crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("article_url"):
            return
        try:
            known = self.store.validators(request.meta["article_url"])
        except (TransportError, ApiError, OSError, StoreError, sqlite3.Error) as e:
            # store down: fetch it all, lose nothing (the pipeline reports the store's failure)
            logger.warning("store unreachable (%s): fetching %s unconditionally", e, request.url)
            return
        known = known or unextracted_for(self.crawler).validators(request.meta["article_url"])
        if known and known.etag:
            request.headers.setdefault(b"If-None-Match", known.etag)
        if known and known.last_modified:
            request.headers.setdefault(b"If-Modified-Since", known.last_modified)

    def process_response(self, request: Request, response: Response) -> Response:
        url = request.meta.get("article_url")
        if response.status == 304 and url:
            if unextracted_for(self.crawler).tried(url):  # still the page we could not read
                self.crawler.stats.inc_value("tidewatch/unextracted/not_modified")
            else:
                self._touch(url)
                self.crawler.stats.inc_value("tidewatch/articles/unchanged")
            raise NotModified(f"not modified: {request.url}")
        return response

    def _touch(self, url: str) -> None:
        """Record that the stored copy was seen again; a store that refuses is a store_error."""
        try:
            self.store.touch(url)
        except (TransportError, ApiError, OSError, StoreError, sqlite3.Error) as e:
            self.crawler.stats.inc_value("tidewatch/errors/store_error")
            self.crawler.stats.set_value("tidewatch/last_error", f"store_error: {url}: {e}")
            logger.error("store_error: %s: last seen not recorded (%s)", url, e)
