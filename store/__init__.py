"""The article store: where crawling ends and alerting begins."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.base import ArticleStore
    from tidewatch.config import Config


def open_store(config: Config) -> ArticleStore:
    """The store the configuration selects: Elasticsearch if ``es_url`` is set, else the
    embedded SQLite file."""
    if config.es_url:
        from store.elasticsearch import ElasticsearchStore

        return ElasticsearchStore(config)
    from store.sqlite import SqliteStore

    return SqliteStore(config.store_path)
