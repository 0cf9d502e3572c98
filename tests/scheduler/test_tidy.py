"""The service tidies the store (merges its index) once no crawl runs, and only then."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from support import EXPECTED, expected_article

from scheduler.service import Service
from store.query import parse
from tidewatch.config import Config


def segments(service: Service) -> int:
    """The index's segments: FTS5 numbers its pages ``segment << 37 | page``."""
    (n,) = service.store._db.execute(
        "SELECT count(DISTINCT rowid >> 37) FROM grams_data WHERE rowid >> 37 > 0"
    ).fetchone()
    return n


def test_the_index_is_merged_when_no_crawl_runs(tmp_path: Path) -> None:
    service = Service(Config(data_dir=tmp_path))
    base = [expected_article(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]
    for i in range(40):  # one batch each: a segment each, merged 16 at a time as they come
        a = base[i % len(base)]
        service.store.upsert(dataclasses.replace(a, url=f"{a.url}?copy={i}"))
    before = segments(service)
    answers = [service.store.count_matches(parse(q)) for q in ("钱塘", "区 -萧山区", "NOT 钱塘")]

    async def after_a_crawl(crawling: bool) -> None:
        service.crawls = {"xsnet": object()} if crawling else {}  # type: ignore[dict-item]
        service._tidy_when_idle()
        if service.tidying is not None:
            await service.tidying

    asyncio.run(after_a_crawl(crawling=True))
    assert service.tidying is None and segments(service) == before  # another crawl runs
    asyncio.run(after_a_crawl(crawling=False))
    assert before >= 4 and segments(service) < before
    assert [service.store.count_matches(parse(q)) for q in ("钱塘", "区 -萧山区", "NOT 钱塘")] == (
        answers
    )
    service.store.close()
    service.runs.close()
