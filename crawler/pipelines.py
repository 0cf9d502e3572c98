"""The last step of a crawl: write articles to the store, counting what changed.

SQLite gets each article at once (a crawl killed half-way keeps all it stored).
Elasticsearch gets them in bulk batches of ``es_batch_size``. If the store cannot be
reached, the batch goes to a spool on disk and is sent first by the next write.
"""

from __future__ import annotations

import logging

from elastic_transport import TransportError
from elasticsearch import ApiError
from scrapy.crawler import Crawler

from crawler.runtime import config_for, store_for
from model.article import Article
from store.base import article_id
from store.spool import Spool

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        config = config_for(crawler)
        self.batch_size = config.es_batch_size if config.es_url else 1
        self.spool = Spool(config.spool_dir)
        self.buffer: list[Article] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        from store.elasticsearch import BulkError

        fresh = len(self.buffer)
        # a re-crawled copy replaces its spooled one
        batch = list({a.url: a for a in self.spool.load() + self.buffer}.values())
        self.buffer = []
        if not batch:
            return
        stats = self.crawler.stats
        try:
            outcomes = store_for(self.crawler).upsert_many(batch)
        except BulkError as e:  # some documents refused: keep only those
            kept = [a for a in batch if article_id(a.url) in e.ids] or batch
            self.spool.save(kept)
            stats.inc_value("tidewatch/articles/spooled", len(kept))
            for outcome in e.outcomes.values():
                stats.inc_value(f"tidewatch/articles/{outcome.value}")
            log.error("store refused (%s): %d article(s) kept in %s", e, len(kept), self.spool.path)
            return
        except (TransportError, ApiError, OSError) as e:
            self.spool.save(batch)
            stats.inc_value("tidewatch/articles/spooled", fresh)
            log.error(
                "store unreachable (%s): %d article(s) kept in %s", e, len(batch), self.spool.path
            )
            return
        self.spool.save([])
        for outcome in outcomes:
            stats.inc_value(f"tidewatch/articles/{outcome.value}")
