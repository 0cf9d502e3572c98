"""Fixtures shared by the store's tests: the recording Elasticsearch fake, and a store on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_es import FakeElasticsearch

from store.elasticsearch import ElasticsearchStore


@pytest.fixture
def fake() -> Iterator[FakeElasticsearch]:
    with FakeElasticsearch() as server:
        yield server


@pytest.fixture
def es(fake: FakeElasticsearch) -> Iterator[ElasticsearchStore]:
    """A created store; the fake's request log starts empty."""
    store = ElasticsearchStore(fake.url)
    store.create()
    fake.clear()
    yield store
    store.close()
