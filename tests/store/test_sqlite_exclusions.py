"""SQLite's ways of counting ``T -C``: reading the articles that phrases learnt from a sample do
not prove, or comparing the index's positions. Each one, forced, gives the exact answer, and a
learnt phrase only ever proves an occurrence outside every context."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import EXPECTED, expected_article, truth

import store.sqlite as sqlite_store
from model.article import Article
from model.clock import SHANGHAI
from store.query import parse
from store.sqlite import SqliteStore, _surroundings

# the terms and contexts below, side by side, overlapping, across punctuation and spaces, and
# a context's bigrams apart from its term (塘江, 山区)
PIECES = ["钱塘江", "钱塘", "钱塘区", "钱塘江大桥", "在钱塘江", "沿钱塘", "钱 塘", "钱塘，", "江"]
PIECES += ["萧山区", "萧山", "萧山网", "新萧山", "萧山 区", "ＸＳ萧山", "。", "，", "\n"]
PIECES += ["塘江", "山区"]
QUERIES = [
    "钱塘 -钱塘江",  # context to the right, one character longer
    "塘江 -钱塘江",  # context to the left
    "萧山 -新萧山",
    "钱塘 -钱塘江 -钱塘区",  # two contexts
    "钱塘 -钱塘江大桥",  # a longer context
    "钱塘 -在钱塘江",  # the term inside, neither end
    "钱 -钱塘江",  # one character
    "萧山 -萧山区",
]
FILTERS = [
    {},
    {"source": "tidenews"},
    {"channel": "文化体育", "since": datetime(2024, 3, 9, 13, tzinfo=SHANGHAI)},
]


def replica_article() -> Article:
    """The first saved 萧山网 article, as the spider extracts it."""
    return expected_article("www.xsnet.cn", sorted(EXPECTED.glob("www.xsnet.cn/*.json"))[0].stem)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteStore, list[Article]]:
    """Replica sentences with the pieces strewn among them, over three sources and a month."""
    rng = random.Random(29)
    base = replica_article()
    sentences = [s for s in base.body.split("。") if s]
    start = datetime(2024, 3, 1, 8, tzinfo=SHANGHAI)

    def text(pieces: int, sentences_between: int) -> str:
        parts = [rng.choice(PIECES) for _ in range(pieces)]
        parts += [rng.choice(sentences) for _ in range(sentences_between)]
        rng.shuffle(parts)
        return "".join(parts)

    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/mixed/{i}.shtml",
            source=rng.choice(["xsnet", "tidenews", "xsrb"]),
            channel=rng.choice(["时政经济", "文化体育"]),
            title=text(rng.randrange(0, 3), 1)[:40],
            body=text(rng.randrange(1, 12), rng.randrange(0, 6)),
            published_at=start + timedelta(hours=3 * i),
        )
        for i in range(360)
    ]
    store = SqliteStore(tmp_path_factory.mktemp("mixed") / "a.sqlite3")
    store.upsert_many(made)
    yield store, made
    store.close()


@pytest.mark.parametrize("way", ["reading", "positions"])
@pytest.mark.parametrize("sample", [3, 24, 100_000])
@pytest.mark.parametrize("enough", [0, sqlite_store.PROOF_ENOUGH])
def test_every_way_of_counting_an_exclusion_is_exact(
    mixed: tuple[SqliteStore, list[Article]],
    monkeypatch: pytest.MonkeyPatch,
    way: str,
    sample: int,
    enough: int,
) -> None:
    """Small samples learn phrases in many rounds (as many as allowed, with ``enough`` 0) and
    leave articles to read or to compare by positions; a sample larger than the store reads
    every candidate."""
    store, made = mixed
    monkeypatch.setattr(sqlite_store, "PROOF_SAMPLE", sample)
    monkeypatch.setattr(sqlite_store, "PROOF_ENOUGH", enough)
    cost = 0 if way == "reading" else 10**12  # of reading an article, in index positions
    monkeypatch.setattr(sqlite_store, "CHECK_RAW", cost)
    monkeypatch.setattr(sqlite_store, "CHECK_NORMALISED", cost)
    for text in QUERIES:
        for filters in FILTERS:
            expected = truth(text, made, **filters)
            assert expected, (text, filters)  # the corpus holds matches for every case
            counts = store.count_matches(parse(text), **filters)
            assert (counts.total, counts.by_source) == (
                len(expected),
                dict(Counter(a.source for a in expected)),
            ), (text, filters)
            days = store.trend(parse(text), bucket="day", **filters)
            expected_days = Counter(a.published_at.date().isoformat() for a in expected)
            assert {d: sum(per.values()) for d, per in days.items()} == dict(expected_days)


@pytest.mark.parametrize("text", QUERIES)
def test_a_learnt_surrounding_proves_the_term_outside_every_context(text: str) -> None:
    """Whatever text surrounds it, the term beside a character that _surroundings offers as a
    proof is an occurrence outside the contexts."""
    (term,) = parse(text).all_terms()
    rng = random.Random(text)
    alphabet = "".join(PIECES) + "大桥在沿新区网"
    for _ in range(300):
        found = _surroundings(term, "".join(rng.choices(PIECES, k=8)))
        for side, char in found:
            left = "".join(rng.choices(alphabet, k=rng.randrange(0, 5)))
            right = "".join(rng.choices(alphabet, k=rng.randrange(0, 5)))
            if side == "after":
                at, middle = len(left), term.text + char
            else:
                at, middle = len(left) + 1, char + term.text
            spans = term.spans(left + middle + right)
            assert (at, at + len(term.text)) in spans, (side, char, left, right)
    assert not _surroundings(term, term.unless_in[0])  # inside a context: nothing proven


def test_a_surrounding_read_as_stored_is_the_character_the_index_holds() -> None:
    """A text read as stored keeps its ideographic spaces, line ends and full-width commas;
    the index holds their normal forms, which a proof must name to match anything."""
    (term,) = parse("钱塘 -钱塘江").all_terms()
    assert _surroundings(term, "沿钱塘\n", "钱塘　好，到钱塘，") == {("after", " "), ("after", ",")}
    (term,) = parse("塘江 -钱塘江").all_terms()  # the context has a character before, none after
    assert _surroundings(term, "　塘江，\t塘江") == {("before", " ")}


def test_positions_are_compared_where_they_are_few_and_articles_read_where_they_are_many(
    tmp_path: Path,
) -> None:
    """No phrase proves 钱塘 outside 钱塘江 in most articles here (the context holds it), nor
    萧山 outside 萧山区: the estimate compares the context's few positions for the first, and
    reads the articles for the second, whose term fills them twenty times over."""
    store = SqliteStore(tmp_path / "a.sqlite3")
    base = replica_article()
    plain = base.body.replace("钱塘", "").replace("萧山", "")
    start = datetime(2023, 1, 1, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base,
            url=f"http://www.xsnet.cn/e/{i}.shtml",
            title=f"第{i}期",
            body="钱塘江" + "萧山区。" * 20 + ("钱塘区萧山网" if i % 10 == 0 else "") + plain,
            published_at=start + timedelta(hours=i),
        )
        for i in range(300)
    ]
    store.upsert_many(made)
    chosen = []
    original = SqliteStore._positions_cheaper

    def noted(self: SqliteStore, *args: object) -> bool:
        chosen.append(original(self, *args))
        return chosen[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SqliteStore, "_positions_cheaper", noted)
        for text in ("钱塘 -钱塘江", "萧山 -萧山区"):
            assert store.count_matches(parse(text)).total == len(truth(text, made)), text
    assert chosen == [True, False]
    store.close()


@pytest.mark.parametrize("text", ["，新 -济,新", '"(字" -"市(字"', "新， -新，济", 'a.b -"a.b)"'])
def test_positions_of_a_term_with_a_separator_count_exactly(tmp_path: Path, text: str) -> None:
    """A separator in the term or context is a moved character in the index's tokens; the
    positions' path looks for the context's bigram as that token, never moved twice."""
    rng = random.Random(text)
    pieces = ["济,新", "，新", "新，济", "市(字", "(字", "a.b)", "a.b", "钱塘", "。", " "]
    base = replica_article()
    start = datetime(2024, 3, 1, 8, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base, url=f"http://www.xsnet.cn/sep/{i}.shtml", title="",
            body="".join(rng.choices(pieces, k=rng.randrange(1, 6))),
            published_at=start + timedelta(hours=5 * i),
        )
        for i in range(120)
    ]  # fmt: skip
    store = SqliteStore(tmp_path / "a.sqlite3")
    store.upsert_many(made)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in [("PROOF_SAMPLE", 1), ("PROOF_PHRASES", 0), ("CHECK_RAW", 10**12)]:
            patch.setattr(sqlite_store, name, value)
        patch.setattr(sqlite_store, "CHECK_NORMALISED", 10**12)
        expected = truth(text, made)
        assert 0 < len(expected) < len(made)
        assert store.count_matches(parse(text)).total == len(expected)
    store.close()
