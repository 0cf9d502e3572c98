"""The last step of a crawl: write each article to the store, counting what changed."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import Article
from crawler.runtime import store_for


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        outcome = store_for(self.crawler).upsert(item, **item.validators)
        self.crawler.stats.inc_value(f"tidewatch/articles/{outcome.value}")
        return item
