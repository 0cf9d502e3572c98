"""Benchmark: articles per second through parse + store, on the replica's article pages.

Each replica article page is parsed by its source's spider and written to a fresh SQLite
store under a distinct URL, so every write is a real insert. Prints rates and peak memory.

    python bench/parse_store.py [--articles 3000]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from support import EXPECTED, expected, make_spider, replica_response  # noqa: E402

from store.sqlite import SqliteStore  # noqa: E402

SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}


def pages() -> list[tuple[str, str]]:
    """(source, url) of every replica page the HTML spiders parse directly."""
    out = []
    for path in sorted(EXPECTED.glob("*/*.json")):
        url = expected(path.parent.name, path.stem)["url"]
        if "3095412" not in url:  # the JS shell needs a second request; not a page parse
            out.append((SOURCES[path.parent.name], url))
    return out


def main() -> None:
    logging.disable(logging.WARNING)  # the replica's bad-charset page warns on every parse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()

    spiders = {name: make_spider(name) for name in set(SOURCES.values())}
    responses = [(spiders[s], replica_response(u, {"article_url": u})) for s, u in pages()]
    total_bytes = sum(len(r.body) for _, r in responses)
    rounds = max(1, args.articles // len(responses))

    tracemalloc.start()
    started = time.perf_counter()
    parsed = [a for _ in range(rounds) for spider, r in responses for a in spider.parse_article(r)]
    parse_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        for n, article in enumerate(parsed):
            store.upsert(dataclasses.replace(article, url=f"{article.url}#bench-{n}"))
        store_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for n, article in enumerate(parsed):  # the re-crawl case: nothing changed
            store.upsert(dataclasses.replace(article, url=f"{article.url}#bench-{n}"))
        unchanged_seconds = time.perf_counter() - started
        store.close()
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    n = len(parsed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:           {n} ({len(responses)} pages, {total_bytes / 1024:.0f} KiB)")
    print(f"parse:              {n / parse_seconds:8.0f} articles/s")
    print(f"store (insert):     {n / store_seconds:8.0f} articles/s")
    print(f"store (unchanged):  {n / unchanged_seconds:8.0f} articles/s")
    print(f"parse + store:      {n / (parse_seconds + store_seconds):8.0f} articles/s")
    print(f"peak traced memory: {peak_traced / 2**20:8.1f} MiB")
    print(f"peak RSS:           {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
