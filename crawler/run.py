"""Run crawls to completion in this process (the CLI's `crawl` and `demo`)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.summary import CrawlSummary
from tidewatch.config import Config


def scrapy_settings(config: Config) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TIDEWATCH_CONFIG", config, priority="cmdline")
    settings.set("LOG_LEVEL", config.log_level, priority="cmdline")
    return settings


def run_crawls(config: Config, jobs: dict[str, dict[str, Any]]) -> list[CrawlSummary]:
    """Crawl each source (name → spider arguments) concurrently; block until all finish.

    A Twisted reactor cannot restart, so call this once per process; the long-running
    service uses an asyncio-driven runner instead.
    """
    process = CrawlerProcess(scrapy_settings(config))
    crawlers = {}
    for name, arguments in jobs.items():
        crawlers[name] = process.create_crawler(name)
        process.crawl(crawlers[name], **arguments)
    process.start()
    return [CrawlSummary.from_stats(name, c.stats.get_stats()) for name, c in crawlers.items()]
