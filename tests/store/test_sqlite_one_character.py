"""SQLite's search for a one-character term: title hits by the titles' characters, then the
rest found by reading the newest articles while enough of them hold the character, and by
the index once they do not. Each way, forced or switched to part-way, pages in the same order
as the articles as written."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

import pytest
from support import EXPECTED, expected_article, truth

import store.sqlite as sqlite_store
from model.article import Article
from model.clock import SHANGHAI
from store.query import parse
from store.sqlite import SqliteStore
from store.textnorm import normalize

CHARACTERS = [
    "潮",  # in most of the newest bodies, rare further back: reading gives way to the index
    "鲸",  # in a few articles only: the index, after the first reading
    "Ｑ",  # full width, normalised to Q, in titles and bodies alike
]
FILTERS = [
    {},
    {"source": "tidenews"},
    {"channel": "文化体育", "since": datetime(2024, 3, 9, 13, tzinfo=SHANGHAI)},
    {"until": datetime(2024, 3, 20, 7, 30, tzinfo=SHANGHAI)},
]
WAYS = {  # (SCAN_FIRST, SCAN_SHARE)
    "as shipped": (sqlite_store.SCAN_FIRST, sqlite_store.SCAN_SHARE),
    "reading only": (10**9, 1),
    "index only": (0, 10**9),
}


@pytest.fixture(scope="module")
def made_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteStore, list[Article]]:
    """400 articles over a month, one every 1.8 hours: 潮 in four of five of the newest 150
    bodies and one in twenty before; 鲸 in seven; Ｑ in one in ten titles and one in ten
    bodies; a few of each in titles."""
    rng = random.Random(41)
    base = expected_article("www.xsnet.cn", sorted(EXPECTED.glob("www.xsnet.cn/*.json"))[0].stem)
    sentences = [s + "。" for s in base.body.replace("潮", "").split("。") if s]
    start = datetime(2024, 3, 1, 8, tzinfo=SHANGHAI)
    made = []
    for i in range(400):
        body = [rng.choice(sentences) for _ in range(rng.randrange(2, 8))]
        title = rng.choice(sentences)[:18]
        if rng.random() < (0.8 if i >= 250 else 0.05):
            body.insert(rng.randrange(len(body) + 1), "潮涌钱塘。")
        if i % 57 == 3:
            body.append("鲸")
        if rng.random() < 0.1:
            body.insert(0, "ＱＱ群")
        if rng.random() < 0.1:
            title = rng.choice(["潮", "Ｑ", "鲸"]) + title
        made.append(
            dataclasses.replace(
                base,
                url=f"http://www.xsnet.cn/one/{i}.shtml",
                source=rng.choice(["xsnet", "tidenews", "xsrb"]),
                channel=rng.choice(["时政经济", "文化体育"]),
                title=title,
                body="".join(body),
                published_at=start + timedelta(minutes=108 * i),
            )
        )
    rng.shuffle(made)  # arrival order is not publication order
    store = SqliteStore(tmp_path_factory.mktemp("one") / "a.sqlite3")
    for at in range(0, len(made), 100):
        store.upsert_many(made[at : at + 100])
    yield store, made
    store.close()


def page_order(character: str, made: list[Article], **filters: object) -> list[str]:
    """Title hits, newest first, then the rest, newest first."""
    found = truth(character, made, **filters)
    key = normalize(character)
    in_title = [a.url for a in found if key in normalize(a.title)]
    return in_title + [a.url for a in found if key not in normalize(a.title)]


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("character", CHARACTERS)
def test_every_way_pages_a_one_character_term_in_order(
    made_store: tuple[SqliteStore, list[Article]],
    monkeypatch: pytest.MonkeyPatch,
    way: str,
    character: str,
) -> None:
    store, made = made_store
    first, share = WAYS[way]
    monkeypatch.setattr(sqlite_store, "SCAN_FIRST", first)
    monkeypatch.setattr(sqlite_store, "SCAN_SHARE", share)
    for filters in FILTERS:
        expected = page_order(character, made, **filters)
        assert len(expected) > 3, (character, filters)  # the corpus holds matches for each
        for offset, limit in [(0, 20), (20, 20), (7, 50), (95, 30), (0, 1000)]:
            hits = store.search(parse(character), limit=limit, offset=offset, **filters)
            got = [h.article.url for h in hits]
            assert got == expected[offset : offset + limit], (character, filters, offset)


def test_title_characters_are_index_tokens_that_follow_corrections(
    made_store: tuple[SqliteStore, list[Article]],
) -> None:
    """A corrected title loses the characters it no longer has, and gains the new ones."""
    store, made = made_store
    article = next(a for a in made if "鲸" not in a.title and "鲸" not in a.body)
    store.upsert(dataclasses.replace(article, title="鲸" + article.title))
    assert article.url in [h.article.url for h in store.search(parse("鲸"), limit=1000)]
    store.upsert(article)  # corrected back
    assert article.url not in [h.article.url for h in store.search(parse("鲸"), limit=1000)]
