"""The last step of a crawl: write articles to the store in batches, counting what changed.

An article counts as new, updated or unchanged only once the store has committed it. A batch
goes to the store when it holds ``batch_size`` articles or its oldest article has waited
``FLUSH_SECONDS``, and at the end of the crawl: one transaction (SQLite) or one bulk request
(Elasticsearch) per batch. A crawl killed mid-batch loses no committed article, and the
uncommitted ones are unknown to the store, so the next crawl fetches them again.

When the store refuses a batch (locked past its wait, disk full, corrupt, unreachable), its
articles are tried one by one until the first refusal; the rest are kept in a spool on disk
and sent first by the next write. Every refused article is
an error of kind ``store_error``, named in the log with its URL; the crawl fails its health.
If even the spool cannot be written (the same full disk), the log lists what the next crawl
will fetch again.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from elastic_transport import TransportError
from elasticsearch import ApiError
from scrapy.crawler import Crawler

from crawler.runtime import config_for, store_for
from model.article import Article
from store.base import StoreError, article_id
from store.spool import Spool

log = logging.getLogger(__name__)

SQLITE_BATCH = 200  # articles per transaction: large enough to amortise the commit
FLUSH_SECONDS = 2.0  # nor does an article wait long for its commit
MAX_BODY_CHARS = 300_000  # the longest real articles are ~30,000; settings or seeds may change it
LOGGED_URLS = 20  # per failed batch: the log names this many refused articles, then counts


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = config_for(crawler)
        self.batch_size = config.es_batch_size if config.es_url else SQLITE_BATCH
        # Elasticsearch across a network can be briefly away; a local SQLite file cannot
        self.outages = (TransportError, ApiError, OSError) if config.es_url else ()
        self.max_body_chars = crawler.settings.getint("TIDEWATCH_MAX_BODY_CHARS", MAX_BODY_CHARS)
        self.spool = Spool(config.spool_dir)
        self.buffer: list[Article] = []
        self.oldest = 0.0  # when the first article of the buffer arrived

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        if self._too_large(item):
            return item
        if not self.buffer:
            self.oldest = time.monotonic()
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.oldest > FLUSH_SECONDS:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        from store.elasticsearch import BulkError

        fresh = len(self.buffer)
        # a re-crawled copy replaces its spooled one
        batch = list({a.url: a for a in self._spooled() + self.buffer}.values())
        self.buffer = []
        if not batch:
            return
        try:
            outcomes = store_for(self.crawler).upsert_many(batch)
        except BulkError as e:  # some documents refused: keep only those
            kept = [a for a in batch if article_id(a.url) in e.ids] or batch
            self._count_outcomes(e.outcomes.values())
            self._refused(kept, e)
            return
        except self.outages as e:  # Elasticsearch unreachable: an outage, not a loss
            self._keep(batch)
            self.crawler.stats.inc_value("tidewatch/articles/spooled", fresh)
            log.error(
                "store unreachable (%s): %d article(s) kept in %s", e, len(batch), self.spool.path
            )
            return
        except Exception as e:  # whatever stopped the commit, nothing is lost
            if not isinstance(e, StoreError | sqlite3.Error | OSError):
                log.exception("store_error: unexpected failure writing %d article(s)", len(batch))
            self._one_by_one(batch, e)
            return
        self._keep([])
        self._count_outcomes(outcomes)

    def _one_by_one(self, batch: list[Article], error: Exception) -> None:
        """The batch failed as a whole: commit what the store still takes, until it refuses."""
        store = store_for(self.crawler)
        for done, article in enumerate(batch):
            try:
                outcome = store.upsert(article, **article.validators)
            except Exception as e:  # counted and kept by _refused
                self._refused(batch[done:], e)
                return
            self._count_outcomes([outcome])
        log.warning("store took the batch one by one after refusing it whole (%s)", error)
        self._keep([])

    def _refused(self, articles: list[Article], error: Exception) -> None:
        """The store would not commit ``articles``: count, name and keep each one."""
        stats = self.crawler.stats
        stats.inc_value("tidewatch/errors/store_error", len(articles))
        stats.set_value("tidewatch/last_error", f"store_error: {articles[0].url}: {error}")
        kept = self._keep(articles)
        where = f"kept in {self.spool.path}" if kept else "the next crawl fetches them again"
        log.error("store_error: %d article(s) not stored (%s); %s", len(articles), error, where)
        for article in articles[:LOGGED_URLS]:
            log.error("store_error: %s", article.url)
        if len(articles) > LOGGED_URLS:
            log.error("store_error: … and %d more", len(articles) - LOGGED_URLS)

    def _too_large(self, item: Article) -> bool:
        if len(item.body) <= self.max_body_chars:
            return False
        reason = f"body of {len(item.body):,} characters, over {self.max_body_chars:,}"
        self.crawler.stats.inc_value("tidewatch/errors/too_large")
        self.crawler.stats.set_value("tidewatch/last_error", f"too_large: {item.url}: {reason}")
        log.error("too_large: %s (%s): not stored", item.url, reason)
        return True

    def _count_outcomes(self, outcomes: object) -> None:
        for outcome in outcomes:  # type: ignore[attr-defined]
            self.crawler.stats.inc_value(f"tidewatch/articles/{outcome.value}")

    def _spooled(self) -> list[Article]:
        try:
            return self.spool.load()
        except (OSError, ValueError, TypeError) as e:  # it must not stop new writes either
            aside = self.spool.path.with_suffix(f".unreadable-{int(time.time())}")
            log.error("spool %s unreadable (%s): moved to %s", self.spool.path, e, aside)
            self.spool.path.replace(aside)
            return []

    def _keep(self, articles: list[Article]) -> bool:
        """Replace the spool with ``articles``; False if the disk would not take them."""
        try:
            self.spool.save(articles)
        except OSError as e:
            log.error("spool %s not written (%s)", self.spool.path, e)
            return False
        return True
