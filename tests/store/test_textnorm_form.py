"""store.textnorm.NormalForm: normalize's text, and a map built only when asked that answers
every span as the reference's full map does, on text full of what normalising changes
(…, ①, ⑴, ㈠, runs of spaces of every kind, characters bringing a space or a mark, combining
marks, astral characters), and on the real articles in tests/fixtures."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest
import textnorm_reference as reference

from store.textnorm import NormalForm, NormalText, normalize

PIECES = [
    *"钱塘数字经济aAＡｉ，。“”（）·—～",
    *"…①⑴㈠㍿ﬁ𠀀😀ßİµ",
    *["¨", "\u00af", "´", "゛", "ﾞ", "\ufe49", "e\u0301", "\u0345"],  # spaces, marks
    *[" ", "\n", "\t", "\u3000", "\u00a0", "\r\n", "  ", "\u2003", "\n\u3000\u3000"],
]
FIXTURES = Path(__file__).parents[1] / "fixtures"


def slow(text: str) -> NormalText:
    """The reference: store.textnorm before its fast paths (tests/store)."""
    return NormalText(*dataclasses.astuple(reference.normalize_with_map(text)))


def assert_maps_like_the_reference(text: str, every_span: bool = True) -> None:
    form, want = NormalForm(text), slow(text)
    assert form.text == normalize(text) == want.text, text
    n = len(form.text)
    spans = [(s, e) for s in range(n) for e in range(s + 1, n + 1)] if every_span else []
    spans += [(s, s + 1) for s in range(n)] + [(0, n)] * bool(n)
    assert form.spans(spans) == [want.span(s, e) for s, e in spans], text
    for s, e in spans[:50]:
        assert form.span(s, e) == want.span(s, e), (text, s, e)


@pytest.mark.parametrize("seed", range(6))
def test_every_span_maps_as_the_reference_on_varied_text(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        assert_maps_like_the_reference(
            "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24)))
        )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "钱塘",
        "…",
        "……钱塘……",
        "㈠\t\t\tx",  # +2 and -2: the same length, yet not one for one
        "⑴ \n \t 钱塘",
        "…  …  ……",
        "\n\u3000\u3000段落一。\n\u3000\u3000段落二…",  # indented paragraphs
        "   ",
        " \u3000 \n",
        "a ¨b",  # ¨'s space merges with the one before it
        "¨ ¨\u3000゛",
        "数字\u3000\u3000经济①",
        "cafe\u0301 … ①",  # a mark: the full map from the start
        "µ…µ",  # µ folds into μ, another special: the one-run-at-a-time fold
        "𠀀…😀 ①",
    ],
)
def test_edge_cases_map_as_the_reference(text: str) -> None:
    assert_maps_like_the_reference(text)


def test_long_text_with_many_pieces_maps_as_the_reference() -> None:
    rng = random.Random(7)
    text = "".join(rng.choice(PIECES) for _ in range(3_000))
    assert_maps_like_the_reference(text, every_span=False)


def test_real_articles_map_as_the_reference() -> None:
    """Titles and bodies of the saved pages' expected extractions."""
    texts = []
    for path in sorted(FIXTURES.rglob("*.json"))[:200]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict):
            texts += [v for k, v in data.items() if k in ("title", "body") and isinstance(v, str)]
    assert len(texts) > 10
    for text in texts:
        assert_maps_like_the_reference(text, every_span=False)


def test_the_map_is_built_only_when_asked() -> None:
    form = NormalForm("钱塘……\n\u3000\u3000数字①")
    assert form._pieces is None and form._full is None
    assert form.span(2, 8) == (2, 4)  # "......" comes from "……"
    assert form._pieces is not None and form._full is None
