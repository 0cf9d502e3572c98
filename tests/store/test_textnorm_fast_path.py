"""store.textnorm's fast paths give exactly the reference's answer (the grapheme-cluster
loop, unless every character folds into one) on text where expansions (…, ①, ⑴, ㈠) and
shrinking runs of spaces cancel out in length, and next to characters that bring a space
of their own (¨ → " ̈")."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest
import textnorm_reference as reference

from store.textnorm import (
    _CANDIDATES,
    _SPECIAL_RUN,
    MARK,
    NormalText,
    fold,
    ideographs_match_raw,
    normalize,
    normalize_noting_raw,
    normalize_with_map,
)

PIECES = [
    *"钱塘数字经济aAＡｉ，。“”（）",
    *"…①⑴㈠㍿ﬁ𠀀😀ßİ",
    *["¨", "\u00af", "´", "゛", "\ufe49"],  # bring a space
    *[" ", "\n", "\t", "\u3000", "\u00a0", "\r\n", "  ", "\u2003"],
]


def slow(text: str) -> NormalText:
    """The reference: store.textnorm before its fast paths (tests/store)."""
    return NormalText(*dataclasses.astuple(reference.normalize_with_map(text)))


@pytest.mark.parametrize("seed", range(6))
def test_the_map_equals_the_cluster_loop_on_varied_text(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        want = slow(text)
        assert normalize_with_map(text) == want, text
        assert normalize(text) == want.text, text


@pytest.mark.parametrize(
    "text",
    [
        "㈠\t\t\tx",  # +2 and -2: the same length, yet not one for one
        "⑴ \n \t 钱塘",
        "…  …  ……",
        "a ¨b",  # ¨'s space merges with the one before it
        "¨ ¨\u3000゛",
        "数字\u3000\u3000经济①",
    ],
)
def test_cancelling_lengths_are_not_taken_for_one_for_one(text: str) -> None:
    assert normalize_with_map(text) == slow(text)


def test_plain_text_still_takes_the_identity_map() -> None:
    text = "萧山日报，数字经济。\n钱塘区 AI"
    mapped = normalize_with_map(text)
    assert mapped.starts == tuple(range(len(text))) and mapped == slow(text)


MARKED = [*PIECES, "e\u0301", "\u0301", "\u3099", "か\u3099", "⼀", "\u2f00", "豈", "\u200b"]


@pytest.mark.parametrize("seed", range(4))
def test_one_look_gives_normal_form_and_raw_exactness_as_separate_looks(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(400):
        text = "".join(rng.choice(MARKED) for _ in range(rng.randint(0, 30)))
        assert normalize_noting_raw(text) == (slow(text).text, ideographs_match_raw(text)), text
        assert ideographs_match_raw(text) == reference_raw_exact(text), text


def reference_raw_exact(text: str) -> bool:
    """ideographs_match_raw as first written: a combining mark anywhere, or a character that
    folds into an ideograph or into nothing, makes the stored text unfit."""
    if MARK.search(text):
        return False
    return not any(not (f := fold(c)) or re.search(r"[\u3400-\u4dbf\u4e00-\u9fff]", f)
                   for c in text if fold(c) != c)  # fmt: skip


def test_no_plain_character_is_a_combining_mark() -> None:
    """normalize looks for marks only among a text's special characters."""
    plain = [chr(c) for first, last in _CANDIDATES for c in range(first, last + 1)
             if not _SPECIAL_RUN.match(chr(c))]  # fmt: skip
    assert len(plain) > 20_000 and not [c for c in plain if MARK.match(c)]
