"""The article store: where crawling ends and alerting begins."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.base import ArticleStore
    from store.elasticsearch import ElasticsearchStore
    from tidewatch.config import Config


def open_store(config: Config) -> ArticleStore:
    """The store the configuration selects: Elasticsearch if ``es_url`` is set, else the
    embedded SQLite file."""
    if config.es_url:
        return elasticsearch_store(config)
    from store.sqlite import SqliteStore

    return SqliteStore(config.store_path)


def elasticsearch_store(config: Config) -> ElasticsearchStore:
    """The Elasticsearch store with the configuration's URL, credentials, CA and names (the
    store itself takes plain values and imports nothing upstream)."""
    from store.elasticsearch import ElasticsearchStore

    def secret(value: object) -> str | None:
        return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]

    return ElasticsearchStore(
        config.es_url,
        api_key=secret(config.es_api_key),
        user=config.es_user,
        password=secret(config.es_password),
        ca_file=config.es_ca_file,
        alias=config.es_index,
        batch_size=config.es_batch_size,
    )
