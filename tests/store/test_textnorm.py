"""store.textnorm: one NFKC, case-folded, space-collapsed form with a map back to the original."""

from __future__ import annotations

import json
import random

import pytest
import textnorm_reference as reference
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXPECTED

from store.textnorm import (
    NormalForm,
    NormalText,
    ideographs_match_raw,
    normalize,
    normalize_with_map,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＩ", "ai"),  # full-width Latin → half-width, then case-folded
        ("AI", "ai"),
        ("（钱塘）", "(钱塘)"),  # full-width parentheses → ASCII
        ("１２３", "123"),  # full-width digits
        ("钱塘：萧山", "钱塘:萧山"),  # full-width colon
        ("数字经济", "数字经济"),  # CJK ideographs are left alone
        ("ﬁle", "file"),  # ligature expanded
        ("Straße", "strasse"),  # case folding, not just lower()
        ("…", "..."),  # horizontal ellipsis is a compatibility character
    ],
)
def test_normalize_folds_width_case_and_compatibility_forms(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("钱塘\u3000区", "钱塘 区"),  # ideographic space
        ("钱塘\n区", "钱塘 区"),
        ("钱塘\r\n\t区", "钱塘 区"),
        ("a \u3000\n b", "a b"),  # a mixed run is still one space
        ("a\u00a0b", "a b"),  # no-break space (&nbsp;)
        ("钱塘  区", "钱塘 区"),
    ],
)
def test_whitespace_runs_collapse_to_one_space(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_leading_and_trailing_whitespace_is_collapsed_not_stripped() -> None:
    assert normalize("\u3000\u3000钱塘\n\n") == " 钱塘 "


@pytest.mark.parametrize(
    "text",
    [
        "\u3000\u3000ＡＩ赋能（钱塘）ﬁ\n新区",
        " \u00a8 ",  # NFKC gives a space followed by a combining mark
        "a\u2028\u2029b",  # line and paragraph separators
        "a\x1c\x1fb",  # control characters that str.isspace() calls whitespace
        "x\x85y",  # next line (NEL)
        "ﬁ \u3000 ﬂ",
        "㈱Ⅻ",
        "\u3000\u3000钱塘\n\n",
    ],
)
def test_normalize_equals_text_of_normalize_with_map(text: str) -> None:
    assert normalize(text) == normalize_with_map(text).text


def test_starts_has_one_entry_per_normalised_char() -> None:
    normal = normalize_with_map("ＡＩ\u3000\n钱塘")
    assert normal.text == "ai 钱塘"
    assert normal.starts == (0, 1, 2, 4, 5)


def test_ligature_expansion_points_both_letters_at_the_ligature() -> None:
    normal = normalize_with_map("ﬁle")
    assert normal.text == "file"
    assert normal.starts == (0, 0, 1, 2)


def test_span_maps_back_through_full_width_chars() -> None:
    original = "ＡＩ（钱塘）新区"
    normal = normalize_with_map(original)
    start = normal.text.index("钱塘")
    s, e = normal.span(start, start + 2)
    assert original[s:e] == "钱塘"


def test_span_of_a_full_width_latin_word_covers_the_full_width_chars() -> None:
    original = "发展ＡＩ产业"
    normal = normalize_with_map(original)
    start = normal.text.index("ai")
    s, e = normal.span(start, start + 2)
    assert original[s:e] == "ＡＩ"


def test_span_after_collapsed_whitespace_lands_on_the_original_chars() -> None:
    original = "钱塘\u3000\u3000\n\n数字经济"
    normal = normalize_with_map(original)
    start = normal.text.index("数字经济")
    s, e = normal.span(start, start + 4)
    assert original[s:e] == "数字经济"


def test_span_inside_an_expanded_ligature_covers_the_whole_ligature() -> None:
    original = "ﬁnance"
    normal = normalize_with_map(original)
    assert normal.span(0, 1) == (0, 1)  # just the "f" of "ﬁ" → the ligature
    assert normal.span(0, 3) == (0, 2)  # "fin" → "ﬁn"


def test_empty_span_maps_to_an_insertion_point() -> None:
    normal = normalize_with_map("ＡＩ钱塘")
    assert normal.span(2, 2) == (2, 2)


def test_empty_text_has_empty_map() -> None:
    assert normalize_with_map("") == NormalText("", (), ())


def test_canonically_equivalent_texts_normalise_alike() -> None:
    assert normalize("cafe\u0301") == normalize("caf\u00e9")


def test_fast_and_mapped_forms_agree_on_random_text() -> None:
    """normalize() takes a C-speed path; it must equal the mapped form on any input."""
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    pool = [*"钱塘ＡＩ（）ﬁß①¨Åǅ㍻abcXYZ，。ｅ\x9d", *spaces, "e\u0301", "\u0308", "\u200b", "\r\n"]
    rng = random.Random(20261122)
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 10)))
        assert normalize(text) == normalize_with_map(text).text, repr(text)


def test_span_covers_a_combining_sequence() -> None:
    original = "数字 cafe\u0301 经济"
    normal = normalize_with_map(original)
    start = normal.text.index("café")
    s, e = normal.span(start, start + 4)
    assert original[s:e] == "cafe\u0301"


# -- the fast paths agree with the reference implementation -----------------------------------

ODD = (
    " \u00a0\u3000\n\r\t\x1c\x85\u2028…①㈠㈱Ⅻﬁßİ\u0301\u0308\u3099\u200d\u200c\u0600"
    "\u1100\u1161\u11a8가ｶﾞ\U0001f600\U0001f1e8\U0001f1f3，：（）ＡＩaAe钱塘江⼀豈\u00a8µμ½ǅǆ"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(ODD) | st.characters(), max_size=40))
def test_normalize_with_map_agrees_with_the_reference(text: str) -> None:
    mine, theirs = normalize_with_map(text), reference.normalize_with_map(text)
    assert (mine.text, mine.starts, mine.ends) == (theirs.text, theirs.starts, theirs.ends)
    assert normalize(text) == reference.normalize(text)


def test_agreement_on_articles_with_expanding_characters() -> None:
    for path in sorted(EXPECTED.glob("*/*.json")):
        body = "\n".join(json.loads(path.read_text())["body"])
        for text in (body, body.replace("。", "…"), body.replace("，", "①\u3000\u3000")):
            mine, theirs = normalize_with_map(text), reference.normalize_with_map(text)
            assert (mine.text, mine.starts, mine.ends) == (theirs.text, theirs.starts, theirs.ends)


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("钱塘，江…①", True),
        ("⼀二", False),
        ("㈠号", False),
        ("cafe\u0301", False),
        ("\uf900", False),
        ("豈", True),
    ],
)
def test_ideographs_match_raw_only_when_nothing_folds_into_an_ideograph(
    text: str, raw: bool
) -> None:
    assert ideographs_match_raw(text) is raw


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u1112\u1161\u11ab", "\ud55c"),  # conjoining jamo: NFKC composes them into 한
        ("\u1112\u1161\u11abß①", "\ud55css1"),  # beside folds that change the length
        ("가\u11a8钱", "\uac01钱"),  # a syllable and a trailing jamo: 각
        ("ｶﾞ", "ガ"),  # ﾞ folds into U+3099, which composes with the kana before it
        ("ｶﾞ…", "ガ..."),
        ("钱ﾞ  ﬁ", "钱\u3099 fi"),
    ],
)
def test_what_nfkc_composes_is_composed_by_every_form(text: str, expected: str) -> None:
    """One normal form whatever else the text holds: the store's index (normalize) and its
    highlights (normalize_with_map) once disagreed on these, and a match was dropped."""
    assert normalize(text) == normalize_with_map(text).text == NormalForm(text).text == expected
