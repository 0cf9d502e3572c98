"""The article store at realistic sizes: search, exact counts, trends, storage and writes.

Builds a synthetic store through the store's own ``upsert_many`` (batches of 500): articles
of about 2,300 characters made of sentences drawn from the replica's bodies
(``tests/fixtures/expected/``), three sources with their own channels, five years of
publication times (the e-paper's at midnight, day precision), and a known density of 钱塘
(about 30 %), 钱塘江 (10 %) and 数字经济 (10 %). Then it prints, per store:

- search top-20, p50/p95 over repeated runs, for 1- to 4-character terms (区 is in every
  article), an absent term, a NOT query and the context exclusions 钱塘 -钱塘江, 萧山 -萧山区 (a
  term in nearly every article, its context in most) and 杭州 -杭州市 (outside its context
  beside many different characters);
- exact total + per-source counts, and a five-year trend by month, with their times;
- bytes per article on disk and new articles inserted per second;
- the same after the store is tidied (``tidy``: its index merged, as the service does once
  no crawl runs).

    .venv/bin/python bench/store_scale.py --size 100000
    .venv/bin/python bench/store_scale.py --size 10000 --peer   # and the old LIKE scan
    .venv/bin/python bench/store_scale.py --size 100000 --floor # and the bare index's rate,
                                                                # with tantivy's if installed

With ``TIDEWATCH_ES_URL`` set, the same figures for Elasticsearch, through the same contract,
on a throwaway index that is deleted afterwards. Figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.article import Article, Precision  # noqa: E402
from model.clock import SHANGHAI  # noqa: E402
from store.base import rank_and_snippet  # noqa: E402
from store.query import parse  # noqa: E402
from store.sqlite import INDEX_TUNING, SqliteStore, _article, _grams  # noqa: E402

EXPECTED = ROOT / "tests" / "fixtures" / "expected"
LENGTH = 2300
START = datetime(2021, 1, 1, tzinfo=SHANGHAI)
YEARS = 5
SOURCES = {  # source: (share, channels)
    "xsnet": (0.6, ["时政经济", "社会民生", "文化体育", "镇街动态", "教育卫生", "专题"]),
    "tidenews": (0.3, ["杭州", "浙江", "财经", "科技", "文旅", "潮鸣号"]),
    "xsrb": (0.1, ["第01版：要闻", "第02版：综合", "第03版：经济", "第04版：文体"]),
}
INJECTED = {  # a sentence carrying the term, and the share of articles that get one
    "钱塘": ("钱塘区召开推进会，部署下一阶段重点工作。", 0.30),
    "钱塘江": ("钱塘江沿岸绿道全线贯通，市民游客纷至沓来。", 0.10),
    "数字经济": ("数字经济核心产业增加值同比增长，成为高质量发展的新引擎。", 0.10),
}
QUERIES = {
    "1 char": "潮",
    "common 1 char": "区",  # in every article
    "2 chars": "钱塘",
    "3 chars": "钱塘江",
    "4 chars": "数字经济",
    "absent": "量子引力波",
    "NOT": "数字经济 NOT 钱塘",
    "exclusion": "钱塘 -钱塘江",
    "common exclusion": "萧山 -萧山区",  # in almost every article, its context in most
    "varied exclusion": "杭州 -杭州市",  # outside its context beside many characters
}
BATCH = 500


def sentences() -> list[str]:
    """Sentences of the replica's bodies, without the measured terms (they are injected)."""
    found: set[str] = set()
    for path in sorted(EXPECTED.glob("*/*.json")):
        for paragraph in json.loads(path.read_text())["body"]:
            for s in paragraph.replace("！", "。").replace("？", "。").split("。"):
                if len(s) >= 6 and not any(term in s for term in ("钱塘", "数字经济")):
                    found.add(s + "。")
    return sorted(found)


def synthetic(count: int, seed: int = 11) -> Iterator[Article]:
    rng = random.Random(seed)
    pool = sentences()
    seconds = YEARS * 365 * 86400
    names = list(SOURCES)
    shares = [SOURCES[s][0] for s in names]
    for i in range(count):
        source = rng.choices(names, shares)[0]
        parts, size = [], 0
        for sentence, share in INJECTED.values():
            if rng.random() < share:
                parts.append(sentence)
                size += len(sentence)
        while size < LENGTH:
            parts.append(rng.choice(pool))
            size += len(parts[-1])
        rng.shuffle(parts)
        paragraphs = ["".join(parts[k : k + 6]) for k in range(0, len(parts), 6)]
        published = START + timedelta(seconds=rng.randrange(seconds))
        precision = Precision.MINUTE
        if source == "xsrb":
            published = published.replace(hour=0, minute=0, second=0)
            precision = Precision.DAY
        title_source = rng.choice(parts)
        yield Article(
            url=f"https://{source}.example/{i}.html",
            source=source,
            title=title_source[: rng.randrange(12, 28)].rstrip("。"),
            published_at=published.replace(microsecond=0),
            body="\n".join(paragraphs),
            channel=rng.choice(SOURCES[source][1]),
            origin=source,
            authors=[rng.choice(["李文涛", "王敏", "陈晓", "张宁"])],
            images=[f"https://{source}.example/img/{i}.jpg"],
            published_precision=precision,
        )


def build(store: Any, count: int) -> tuple[float, float]:
    """New articles per second through upsert_many: wall clock, and per second of this
    process's CPU time (the machine is shared, so the second is the steadier figure)."""
    elapsed, cpu = 0.0, time.process_time()
    batch: list[Article] = []
    for article in synthetic(count):
        batch.append(article)
        if len(batch) == BATCH:
            elapsed += _timed(store.upsert_many, batch)
            batch = []
    if batch:
        elapsed += _timed(store.upsert_many, batch)
    return count / elapsed, count / (time.process_time() - cpu)


def _timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _once(fn: Any) -> tuple[Any, float, float]:
    """The result, its wall time and its CPU time, in ms."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def percentiles(fn: Any, runs: int) -> tuple[float, float, float]:
    """p50 and p95 wall time, and the median CPU time, in ms."""
    times, cpu = [], []
    for _ in range(runs):
        start = time.process_time()
        times.append(_timed(fn) * 1000)
        cpu.append((time.process_time() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return statistics.median(times), p95, statistics.median(cpu)


def measure(
    name: str, store: Any, size_bytes: Any, count: int, rate: tuple[float, float], runs: int
) -> None:
    print(f"\n== {name}: {count:,} articles ==")
    print(
        f"insert, new articles: {rate[0]:,.0f}/s wall, {rate[1]:,.0f}/s of CPU time "
        f"(upsert_many, batches of {BATCH})"
    )
    if size_bytes is not None:
        print(f"storage: {size_bytes() / count / 1024:.1f} KiB per article")
    since, until = START, START.replace(year=START.year + YEARS)
    for label, text in QUERIES.items():
        query = parse(text)
        p50, p95, cpu = percentiles(lambda q=query: store.search(q, limit=20), runs)
        counts, counted, counted_cpu = _once(lambda q=query: store.count_matches(q))
        trend, trended, trended_cpu = _once(
            lambda q=query: store.trend(q, bucket="month", since=since, until=until)
        )
        in_trend = sum(n for per in trend.values() for n in per.values())
        exact = "exact" if counts.exact else "NOT exact"
        print(
            f"{label:>16} {text!r:<16} search p50 {p50:6.1f} p95 {p95:6.1f} cpu {cpu:6.1f} ms | "
            f"count {counts.total:>7,} ({exact}, {len(counts.by_source)} sources) "
            f"{counted:7.1f} ms (cpu {counted_cpu:.1f}) | trend {len(trend)} months {in_trend:,} "
            f"{trended:7.1f} ms (cpu {trended_cpu:.1f})"
        )


def like_scan(store: SqliteStore, text: str) -> None:
    """The peer: schema 2's search, a LIKE scan over every article, ranked in Python."""
    pattern = f"%{text}%"
    rows = store._db.execute(
        "SELECT * FROM articles WHERE title LIKE ? OR body_text(body) LIKE ?", (pattern, pattern)
    ).fetchall()
    rank_and_snippet(parse(text), [_article(r) for r in rows], 20)


def sqlite(count: int, runs: int, peer: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        store = SqliteStore(path)
        rate = build(store, count)

        def size() -> int:  # the database's pages, wherever they are (the WAL may hold some)
            (pages,) = store._db.execute("PRAGMA page_count").fetchone()
            return pages * store._db.execute("PRAGMA page_size").fetchone()[0]

        measure("sqlite, as written", store, size, count, rate, runs)
        started = time.perf_counter()
        while not store.tidy(60):  # as the service does once no crawl runs
            pass
        tidied = f"sqlite, tidied (index merged in {time.perf_counter() - started:.0f} s)"
        measure(tidied, store, size, count, rate, runs)
        if peer:
            for text in ("钱塘", "量子引力波"):
                p50, p95, _ = percentiles(lambda t=text: like_scan(store, t), 3)
                print(f"peer: schema-2 LIKE scan {text!r}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        store.close()


def index_alone(count: int) -> None:
    """The floor under the insert rate: the same articles' grams written straight into a bare
    FTS5 table tuned like the store's, timing only the index (no Python preparation, no
    rows); then into tantivy, a peer engine, when it is installed (``pip install tantivy``).
    One after the other: tantivy merges in threads of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        engines = [_BareFts5]
        try:
            import tantivy  # noqa: F401

            engines.append(_BareTantivy)
        except ImportError:
            print("(peer: pip install tantivy to time it on the same grams)")
        for engine_type in engines:
            engine = engine_type(Path(tmp) / engine_type.name)
            for batch in _grams_batches(count):
                engine.timed(engine.write, batch)
            engine.timed(engine.close)
            print(
                f"floor: {engine.name} (same grams with positions, a commit per batch, rowids "
                f"in order): {count / engine.wall:,.0f}/s wall, {count / engine.cpu:,.0f}/s "
                "of CPU time"
            )


def _grams_batches(count: int) -> Iterator[list[tuple[int, str, str, str]]]:
    rows = []
    for i, article in enumerate(synthetic(count)):
        row = {"body": article.body, "title": article.title, "source": article.source,
               "channel": article.channel}  # fmt: skip
        rows.append((i + 1, *_grams(row)))
        if len(rows) == BATCH or i == count - 1:
            yield rows
            rows = []


class _BareIndex:
    """A bare index of grams, and the time spent in it."""

    name = ""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0  # seconds

    def timed(self, fn: Any, *args: Any) -> None:
        _, wall, cpu = _once(lambda: fn(*args))  # CPU: the process's threads, all of them
        self.wall += wall / 1000
        self.cpu += cpu / 1000


class _BareFts5(_BareIndex):
    name = "bare FTS5"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA cache_size = -32000")
        self.db.execute(
            "CREATE VIRTUAL TABLE g USING fts5 (b, t, m, tokenize = 'ascii', content = '', "
            "columnsize = 0)"
        )
        for name, value in INDEX_TUNING.items():
            self.db.execute("INSERT INTO g (g, rank) VALUES (?, ?)", (name, value))

    def write(self, rows: list[tuple[int, str, str, str]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO g (rowid, b, t, m) VALUES (?, ?, ?, ?)", rows)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


class _BareTantivy(_BareIndex):
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        super().__init__()
        self.document = tantivy.Document
        schema = tantivy.SchemaBuilder()
        schema.add_integer_field("key", indexed=True, fast=True)
        for field in "btm":
            schema.add_text_field(field, tokenizer_name="whitespace", index_option="position")
        path.mkdir()
        self.writer = tantivy.Index(schema.build(), path=str(path)).writer(num_threads=1)

    def write(self, rows: list[tuple[int, str, str, str]]) -> None:
        for key, b, t, m in rows:
            self.writer.add_document(self.document(key=key, b=b, t=t, m=m))
        self.writer.commit()

    def close(self) -> None:
        self.writer.wait_merging_threads()


def elasticsearch(url: str, count: int, runs: int) -> None:
    from store.elasticsearch import ElasticsearchStore

    alias = f"tidewatch-bench-{uuid.uuid4().hex[:8]}"
    store = ElasticsearchStore(
        url,
        alias=alias,
        api_key=os.environ.get("TIDEWATCH_ES_API_KEY"),
        user=os.environ.get("TIDEWATCH_ES_USER"),
        password=os.environ.get("TIDEWATCH_ES_PASSWORD"),
        ca_file=os.environ.get("TIDEWATCH_ES_CA_FILE"),
    )
    store.create()
    try:
        rate = build(store, count)
        store.es.indices.refresh(index=alias)
        measure("elasticsearch", store, None, count, rate, runs)
    finally:
        for index in store.es.indices.get(index=f"{alias}*", expand_wildcards="all"):
            store.es.indices.delete(index=index)
        store.es.indices.delete_index_template(name=alias)
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="articles (1000, 10000, …)")
    parser.add_argument("--runs", type=int, default=20, help="searches per term")
    parser.add_argument("--peer", action="store_true", help="also time schema 2's LIKE scan")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the bare index (and tantivy) on the same grams",
    )
    args = parser.parse_args()
    print(f"synthetic articles of about {LENGTH} characters; machine load varies the figures")
    sqlite(args.size, args.runs, args.peer)
    if args.floor:
        index_alone(args.size)
    if url := os.environ.get("TIDEWATCH_ES_URL"):
        elasticsearch(url, args.size, args.runs)
    else:
        print("\n(elasticsearch: set TIDEWATCH_ES_URL for the same figures on a cluster)")


if __name__ == "__main__":
    main()
