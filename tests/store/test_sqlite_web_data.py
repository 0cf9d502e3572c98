"""web/data.py on a real SQLite store: totals, per-source counts and trends come from the
store's exact counts, with the filters applied before the page is cut."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

from support import expected_article

from model.clock import SHANGHAI
from store.query import parse
from store.sqlite import SqliteStore
from web import data


def test_search_and_trend_totals_are_exact_after_filters(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "store.sqlite3")
    base = expected_article("www.xsnet.cn", "3025263")
    new = datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)
    old = datetime(2021, 3, 1, 9, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/t/{i}.shtml",
            title=f"快讯 {i}",
            body="钱塘江畔。" if i < 1100 else "钱塘区通告。",
            channel="文化体育" if i % 3 == 0 else "时政经济",
            published_at=(new + timedelta(hours=i)) if i < 1100 else (old + timedelta(days=i)),
        )
        for i in range(1160)
    ]
    store.upsert_many(made)
    query = parse("钱塘")
    culture = data.search(store, query, channel="文化体育", per_page=20, page=3)
    expected_culture = sum(1 for a in made if a.channel == "文化体育")
    assert (culture["total"], culture["total_is_exact"], culture["capped"]) == (
        expected_culture,
        True,
        False,
    )
    assert culture["pages"] == -(-expected_culture // 20) and len(culture["hits"]) == 20
    assert all(h["channel"] == "文化体育" for h in culture["hits"])
    older = data.search(store, parse("钱塘 -钱塘江"), until="2021-12-31")
    assert older["total"] == sum(1 for a in made[1100:] if a.published_at.year <= 2021)
    trend = data.trend(store, query, since="2021-01-01", until="2026-12-31")
    assert trend["bucket"] == "month" and trend["total"] == len(made)
    assert sum(v for row in trend["days"] for k, v in row.items() if k != "day") == len(made)
    store.close()
