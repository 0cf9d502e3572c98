"""Benchmark: indexing throughput (articles/s) of the article stores.

The SQLite store always; the Elasticsearch store too when ``TIDEWATCH_ES_URL`` is set (with
``TIDEWATCH_ES_USER``/``_PASSWORD``/``_API_KEY``/``_CA_FILE`` as for tidewatch itself), in a
throwaway index that is deleted afterwards: in bulk (``upsert_many`` in batches of
``es_batch_size``) versus one by one (``upsert``: two bulk requests per article, each
waiting for a refresh, so that part uses fewer articles). Articles are the replica's
expected articles, copied under distinct URLs so that every write is a new article.

    python bench/index_throughput.py [--articles 2000] [--single 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from support import EXPECTED, expected_article  # noqa: E402

from model.article import Article  # noqa: E402
from store.sqlite import SqliteStore  # noqa: E402
from tidewatch.config import load_config  # noqa: E402


def replica_articles(count: int, tag: str) -> list[Article]:
    """``count`` articles cycled from the replica, each under its own URL."""
    pages = sorted(EXPECTED.glob("*/*.json"))
    base = [expected_article(p.parent.name, p.stem) for p in pages]
    return [
        dataclasses.replace(base[n % len(base)], url=f"{base[n % len(base)].url}#{tag}-{n}")
        for n in range(count)
    ]


def rate(write: Callable[[list[Article]], object], articles: list[Article]) -> float:
    started = time.perf_counter()
    write(articles)
    return len(articles) / (time.perf_counter() - started)


def one_by_one(store: object) -> Callable[[list[Article]], None]:
    def write(articles: list[Article]) -> None:
        for a in articles:
            store.upsert(a)  # type: ignore[attr-defined]

    return write


def in_batches(store: object, size: int) -> Callable[[list[Article]], None]:
    def write(articles: list[Article]) -> None:
        for start in range(0, len(articles), size):
            store.upsert_many(articles[start : start + size])  # type: ignore[attr-defined]

    return write


def line(label: str, articles: int, per_second: float) -> None:
    print(f"{label:<56} {articles:>6} articles {per_second:>8.0f} articles/s")


def bench_sqlite(count: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.sqlite3")
        try:
            line(
                "sqlite: upsert, one by one (new)",
                count,
                rate(one_by_one(store), replica_articles(count, "one")),
            )
            line(
                f"sqlite: upsert_many, batches of {batch} (new)",
                count,
                rate(in_batches(store, batch), replica_articles(count, "many")),
            )
            line(
                f"sqlite: upsert_many, batches of {batch} (unchanged)",
                count,
                rate(in_batches(store, batch), replica_articles(count, "many")),
            )
        finally:
            store.close()


def bench_elasticsearch(count: int, single: int) -> None:
    from store import elasticsearch_store

    alias = f"tidewatch-bench-{uuid.uuid4().hex[:8]}"
    config = load_config().model_copy(update={"es_index": alias})
    store = elasticsearch_store(config)
    batch = config.es_batch_size
    try:
        store.create()
        line(
            f"elasticsearch: upsert_many, batches of {batch} (new)",
            count,
            rate(in_batches(store, batch), replica_articles(count, "many")),
        )
        line(
            f"elasticsearch: upsert_many, batches of {batch} (unchanged)",
            count,
            rate(in_batches(store, batch), replica_articles(count, "many")),
        )
        line(
            "elasticsearch: upsert, one by one (new)",
            single,
            rate(one_by_one(store), replica_articles(single, "one")),
        )
    finally:
        # by name: ES 8 refuses wildcard deletes (action.destructive_requires_name)
        for index in store.es.indices.get(index=f"{alias}*", expand_wildcards="all"):
            store.es.indices.delete(index=index)
        store.es.indices.delete_index_template(name=alias)
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles per bulk run")
    parser.add_argument(
        "--single", type=int, default=50, help="articles for Elasticsearch one by one"
    )
    args = parser.parse_args()
    batch = load_config({}).es_batch_size
    bench_sqlite(args.articles, batch)
    if os.environ.get("TIDEWATCH_ES_URL"):
        bench_elasticsearch(args.articles, args.single)
    else:
        print("elasticsearch: not measured (no cluster: set TIDEWATCH_ES_URL to measure it)")


if __name__ == "__main__":
    main()
