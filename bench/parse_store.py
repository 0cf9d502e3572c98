"""Benchmark: articles per second through parse + store, on the replica's article pages.

Every replica article page that the HTML spiders read in one request is parsed by its
source's spider from a fresh response (a crawl never parses the same response object twice,
and parsel caches the parsed tree on it) and written to a fresh SQLite store under a distinct
URL, so every write is a real insert. The timed passes run without tracemalloc; peak memory
is measured in a separate, smaller pass. Bare trafilatura on the same pages is the peer.
Parse is also given per second of the process's CPU time: on a machine shared with other
work the wall-clock figure says more about the neighbours than about the parser.

    python bench/parse_store.py [--articles 3000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import logging
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import trafilatura  # noqa: E402
from scrapy import Request  # noqa: E402
from scrapy.http import HtmlResponse  # noqa: E402
from support import EXPECTED, expected, make_spider, replica_response  # noqa: E402

from crawler.pipelines import SQLITE_BATCH  # noqa: E402
from store.sqlite import SqliteStore  # noqa: E402
from tidewatch.config import Config  # noqa: E402

# replica variants whose layout drifted on purpose: the generic path reads them (reported apart)
DRIFTED = ("3132090", "3025310", "3025330", "3470001")
SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}


def pages(drifted: bool = False) -> list[tuple[str, str]]:
    """(source, url) of the replica pages the HTML spiders parse directly: those the seeds
    selectors read, or (``drifted``) the variants only the generic path reads."""
    out = []
    for path in sorted(EXPECTED.glob("*/*.json")):
        url = expected(path.parent.name, path.stem)["url"]
        if "3095412" in url:  # the JS shell needs a second request; not a page parse
            continue
        if (path.stem in DRIFTED) == drifted:
            out.append((SOURCES[path.parent.name], url))
    return out


def fresh(raw: list[tuple[object, HtmlResponse]], rounds: int) -> list[tuple[object, HtmlResponse]]:
    """New response objects, as a crawl gets them: same bytes, nothing parsed yet."""
    return [
        (
            spider,
            HtmlResponse(
                url=r.url,
                status=r.status,
                headers=r.headers,
                body=r.body,
                request=Request(r.url, meta={"article_url": r.url}),
            ),
        )
        for _ in range(rounds)
        for spider, r in raw
    ]


def parse_all(work: list[tuple[object, HtmlResponse]]) -> list[object]:
    return [a for spider, r in work for a in spider.parse_article(r)]


def main() -> None:
    logging.disable(logging.WARNING)  # the replica's bad-charset page warns on every parse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--profile", action="store_true", help="print the parse hot spots")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp) / "data")
        spiders = {name: make_spider(name, config) for name in set(SOURCES.values())}
        raw = [(spiders[s], replica_response(u, {"article_url": u})) for s, u in pages()]
        total_bytes = sum(len(r.body) for _, r in raw)
        rounds = max(1, args.articles // len(raw))
        parse_all(fresh(raw, 1))  # warm-up: imports, compiled selectors

        work = fresh(raw, rounds)
        started, cpu_started = time.perf_counter(), time.process_time()
        parsed = parse_all(work)
        parse_seconds = time.perf_counter() - started
        parse_cpu_seconds = time.process_time() - cpu_started
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(parse_all, fresh(raw, max(1, rounds // 4)))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)

        store = SqliteStore(Path(tmp) / "bench.sqlite3")
        renamed = [dataclasses.replace(a, url=f"{a.url}#bench-{n}") for n, a in enumerate(parsed)]
        batches = [renamed[i : i + SQLITE_BATCH] for i in range(0, len(renamed), SQLITE_BATCH)]
        started, cpu_started = time.perf_counter(), time.process_time()
        for batch in batches:  # as the crawl's pipeline writes them: a transaction per batch
            store.upsert_many(batch)
        store_seconds = time.perf_counter() - started
        store_cpu_seconds = time.process_time() - cpu_started
        started = time.perf_counter()
        for batch in batches:  # the re-crawl case: nothing changed
            store.upsert_many(batch)
        unchanged_seconds = time.perf_counter() - started
        store.close()

        drifted = [(spiders[s], replica_response(u, {"article_url": u})) for s, u in pages(True)]
        work = fresh(drifted, max(1, rounds // 10))
        started = time.perf_counter()
        drift_rate = len(parse_all(work)) / (time.perf_counter() - started)

        peer = [r.text for _, r in fresh(raw, 1)] * max(1, min(rounds, 20))
        started = time.perf_counter()
        for (_, r), html in zip(fresh(raw, len(peer) // len(raw)), peer, strict=False):
            trafilatura.extract(html, url=r.url, include_tables=True)
        peer_rate = len(peer) / (time.perf_counter() - started)

        tracemalloc.start()  # memory: a separate pass, not timed
        parse_all(fresh(raw, max(1, rounds // 10)))
        _, peak_traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    n = len(parsed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:              {n} ({len(raw)} pages, {total_bytes / 1024:.0f} KiB), one core")
    print(f"parse:                 {n / parse_seconds:8.0f} articles/s")
    print(f"parse (CPU time):      {n / parse_cpu_seconds:8.0f} articles/s of one core's time")
    print(f"store (insert):        {n / store_seconds:8.0f} articles/s")
    print(f"store (unchanged):     {n / unchanged_seconds:8.0f} articles/s")
    print(f"store (insert, CPU):   {n / store_cpu_seconds:8.0f} articles/s of one core's time")
    print(f"parse + store:         {n / (parse_seconds + store_seconds):8.0f} articles/s")
    both_cpu = parse_cpu_seconds + store_cpu_seconds
    print(f"parse + store (CPU):   {n / both_cpu:8.0f} articles/s of one core's time")
    print(f"parse (drifted pages): {drift_rate:8.0f} articles/s (generic extraction)")
    print(f"peer: trafilatura:     {peer_rate:8.0f} pages/s (same pages, body only)")
    print(
        f"peak traced (parse):   {peak_traced / 2**20:8.1f} MiB over {max(1, rounds // 10)} rounds"
    )
    print(f"peak RSS:              {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
