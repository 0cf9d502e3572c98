"""What every crawler component shares for one crawl: the configuration and the open store."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

from store import open_store
from store.base import ArticleStore
from tidewatch.config import Config, load_config


def config_for(crawler: Crawler) -> Config:
    """The Config the CLI handed in, or one read from the environment (plain `scrapy crawl`)."""
    return crawler.settings.get("TIDEWATCH_CONFIG") or load_config()


def store_for(crawler: Crawler) -> ArticleStore:
    """One store per crawl, opened on first use and closed when the engine stops."""
    store = getattr(crawler, "_tidewatch_store", None)
    if store is None:
        store = open_store(config_for(crawler))
        crawler._tidewatch_store = store  # type: ignore[attr-defined]
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store
