"""The matcher's scan finds every occurrence of every anchor, overlapping ones included, with
Hyperscan and with the Aho–Corasick automaton that stands in where Hyperscan has no wheel:
both against a brute-force search, and the whole matcher against the naive evaluation."""

from __future__ import annotations

import random

import pytest
from test_matcher_exactness import article, oracle, rule, subscribers, text

from alerts import matcher as matcher_module
from alerts.matcher import Matcher, _scanner

# Pieces of patterns and texts: ideographs (two bytes in UTF-16, some sharing a byte), ASCII
# (a NUL byte each), an astral character (a surrogate pair) and a line break.
ALPHABET = ["钱", "塘", "江", "一", "丁", "上", "a", "b", "1", "\x00", "𠀀", "\n", "ĉ", "ċ"]


@pytest.fixture(params=["hyperscan", "aho-corasick"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "hyperscan":
        if matcher_module.hyperscan is None:
            pytest.skip("hyperscan has no wheel for this platform")
    else:
        monkeypatch.setattr(matcher_module, "hyperscan", None)
    return request.param


def brute_force(patterns: list[bytes], data: bytes) -> list[tuple[int, int]]:
    return sorted(
        (i, at)
        for i, p in enumerate(patterns)
        for at in range(len(data) - len(p) + 1)
        if data.startswith(p, at)
    )


@pytest.mark.parametrize("seed", range(3))
def test_the_scan_finds_every_occurrence_overlapping_ones_too(engine: str, seed: int) -> None:
    rng = random.Random(seed)
    words = {"".join(rng.choices(ALPHABET, k=rng.randint(1, 4))) for _ in range(300)}
    patterns = [w.encode("utf-16-le") for w in sorted(words)]
    scan = _scanner(patterns)
    assert scan is not None
    for _ in range(40):
        data = "".join(rng.choices(ALPHABET, k=rng.randint(0, 200))).encode("utf-16-le")
        found = scan(data)
        ends = [at + len(patterns[i]) for i, at in found]
        assert ends == sorted(ends)  # in text order of where they end
        assert sorted(found) == brute_force(patterns, data)  # odd offsets included


def test_a_scan_without_patterns_is_none_and_the_matcher_finds_nothing(engine: str) -> None:
    assert _scanner([]) is None
    assert Matcher([]).match(article("钱塘", "钱塘江")) == []


@pytest.mark.parametrize("seed", range(2))
def test_either_scan_gives_the_naive_evaluations_matches_and_spans(engine: str, seed: int) -> None:
    rng = random.Random(1000 + seed)
    people = list(subscribers(list(dict.fromkeys(rule(rng) for _ in range(160)))))
    matcher = Matcher(people, frequencies={"钱塘": 0.9, "数字": 0.01})
    found = 0
    for _ in range(40):
        item = article(text(rng, rng.randint(0, 6)), text(rng, rng.randint(0, 60)))
        want = oracle(people, item)
        assert matcher.match(item) == want, (item.title, item.body)
        found += len(want)
    assert found > 50


def test_one_character_anchors_are_found_by_their_class_exactly(engine: str) -> None:
    """One-character terms, regex metacharacters among them, with longer ones sharing
    their characters: the class and the scan together give the naive matches."""
    singles = ["钱", "江", "]", "^", "-", "\\", "1", "𠀀", "a"]
    rules = [*singles, "钱塘", "钱 江", "塘 -钱塘", "a OR 钱塘江", "𠀀 1", "NOT 江"]
    people = list(subscribers(rules))
    matcher = Matcher(people)
    assert matcher._singles is not None and "钱塘" in matcher._needles
    rng = random.Random(5)
    pieces = [*singles, "塘", "钱塘江", "①", "…", " ", "\n", "Ａ", "𠀀", "\ud840"]
    for _ in range(150):
        body = "".join(rng.choices(pieces, k=rng.randint(0, 30)))
        item = article(body[:3], body)
        assert matcher.match(item) == oracle(people, item), body
