"""store.query: the search-box language (terms, phrases, AND/OR/NOT, context exclusion)."""

from __future__ import annotations

import pytest

from store.query import And, Not, Or, QueryError, Term, parse
from store.textnorm import normalize


def matches(query: str, *texts: str) -> bool:
    """Whether ``query`` matches ``texts`` after they are normalised, as the store does."""
    return parse(query).matches_text(*(normalize(t) for t in texts))


def term(text: str, raw: str | None = None, unless_in: tuple[str, ...] = ()) -> Term:
    return Term(text, text if raw is None else raw, unless_in)


# -- parsing ---------------------------------------------------------------------------------


def test_single_term() -> None:
    assert parse("钱塘").root == term("钱塘")


def test_term_is_normalised_but_keeps_its_raw_text() -> None:
    assert parse("ＡＩ").root == term("ai", "AI")  # raw is after NFKC of the whole query


def test_quoted_phrase_is_one_term() -> None:
    assert parse('"digital economy"').root == term("digital economy")


def test_chinese_curly_quotes_make_a_phrase() -> None:
    assert parse("“数字 经济”").root == term("数字 经济")


def test_phrase_whitespace_is_collapsed_and_trimmed() -> None:
    assert parse('" digital \u3000 Economy "').root.text == "digital economy"


def test_terms_side_by_side_are_anded() -> None:
    assert parse("数字经济 萧山").root == And((term("数字经济"), term("萧山")))


def test_explicit_and_is_the_same_as_implicit_and() -> None:
    assert parse("数字经济 AND 萧山").root == parse("数字经济 萧山").root


def test_or() -> None:
    assert parse("钱塘 OR 萧山").root == Or((term("钱塘"), term("萧山")))


def test_not_keyword() -> None:
    assert parse("NOT 广告").root == Not(term("广告"))


def test_lowercase_and_is_a_term_not_an_operator() -> None:
    assert parse("钱塘 and 萧山").root == And((term("钱塘"), term("and"), term("萧山")))


@pytest.mark.parametrize("word", ["or", "not", "Or", "Not"])
def test_operators_are_upper_case_only(word: str) -> None:
    assert term(word.lower(), word) in parse(f"钱塘 {word} 萧山").root.parts


def test_and_binds_tighter_than_or() -> None:
    assert parse("a OR b c").root == Or((term("a"), And((term("b"), term("c")))))


def test_and_binds_tighter_than_or_on_the_left_too() -> None:
    assert parse("a b OR c").root == Or((And((term("a"), term("b"))), term("c")))


def test_parentheses_group() -> None:
    assert parse("(钱塘 OR 萧山) 数字经济").root == And(
        (Or((term("钱塘"), term("萧山"))), term("数字经济"))
    )


def test_full_width_parentheses_group_like_ascii_ones() -> None:
    assert parse("（钱塘 OR 萧山）数字经济").root == parse("(钱塘 OR 萧山) 数字经济").root


def test_hyphen_inside_a_word_is_not_an_exclusion() -> None:
    assert parse("COVID-19").root == term("covid-19", "COVID-19")


def test_positive_terms_are_listed_once_and_exclude_negated_ones() -> None:
    query = parse("钱塘 OR (钱塘 萧山) NOT 广告")
    assert query.terms == (term("钱塘"), term("萧山"))


# -- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("数字经济 萧山", "萧山数字经济发展", True),
        ("数字经济 萧山", "数字经济发展", False),
        ("钱塘 OR 萧山", "萧山", True),
        ("钱塘 OR 萧山", "滨江", False),
        ("(钱塘 OR 萧山) 数字经济", "钱塘数字经济", True),
        ("(钱塘 OR 萧山) 数字经济", "钱塘制造业", False),
        ("钱塘 NOT 广告", "钱塘新闻", True),
        ("钱塘 NOT 广告", "钱塘广告", False),
        ("钱塘 and 萧山", "钱塘 萧山", False),  # "and" is a term that must be present
        ("钱塘 and 萧山", "钱塘 and 萧山", True),
    ],
)
def test_boolean_matching(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_terms_may_match_in_different_texts() -> None:
    assert matches("钱塘 数字经济", "钱塘新区", "发展数字经济")


def test_context_exclusion_fails_when_the_term_only_occurs_inside_the_context() -> None:
    assert not matches("钱塘 -钱塘江", "钱塘江禁渔期开始")


def test_context_exclusion_matches_when_the_term_also_occurs_elsewhere() -> None:
    assert matches("钱塘 -钱塘江", "钱塘区沿着钱塘江")


def test_context_exclusion_is_order_independent() -> None:
    assert parse("-钱塘江 钱塘").root == parse("钱塘 -钱塘江").root


def test_context_exclusion_is_attached_to_the_term() -> None:
    assert parse("钱塘 -钱塘江").root == term("钱塘", unless_in=("钱塘江",))


def test_lone_minus_means_not() -> None:
    assert parse("-广告").root == Not(term("广告"))
    assert matches("-广告", "新闻")
    assert not matches("-广告", "广告")


def test_minus_of_an_unrelated_word_means_not() -> None:
    assert parse("钱塘 -萧山").root == And((term("钱塘"), Not(term("萧山"))))
    assert not matches("钱塘 -萧山", "钱塘和萧山")


def test_minus_of_a_term_outside_the_and_group_means_not() -> None:
    query = parse("(钱塘 OR 萧山) -钱塘江")
    assert isinstance(query.root, And)
    assert Not(term("钱塘江")) in query.root.parts
    assert not matches("(钱塘 OR 萧山) -钱塘江", "钱塘区沿着钱塘江")


def test_term_is_an_exact_substring_of_unsegmented_chinese() -> None:
    assert matches("数字经济", "大力发展数字经济核心产业")


def test_term_does_not_match_its_characters_spread_apart() -> None:
    assert not matches("数字经济", "数字化赋能经济发展")


def test_phrase_needs_its_words_adjacent() -> None:
    assert matches('"digital economy"', "The Digital Economy grows")
    assert not matches('"digital economy"', "digital and economy")


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ＡＩ", "ai应用场景"),
        ("ai", "ＡＩ应用场景"),
        ("AI", "人工智能Ai"),
        ('"（钱塘）"', "(钱塘)新区"),
        ('"(钱塘)"', "（钱塘）新区"),
        ("５０００亿", "冲向5000亿"),
    ],
)
def test_matching_ignores_width_and_case(query: str, text: str) -> None:
    assert matches(query, text)


# -- highlighting ----------------------------------------------------------------------------


def test_highlight_spans_of_a_single_term() -> None:
    assert parse("钱塘").highlight_spans("钱塘区钱塘") == [(0, 2), (3, 5)]


def test_highlight_spans_merge_overlapping_hits() -> None:
    assert parse("钱塘 钱塘区").highlight_spans("钱塘区") == [(0, 3)]


def test_highlight_spans_merge_adjacent_hits() -> None:
    assert parse("ab cd").highlight_spans("abcd") == [(0, 4)]


def test_highlight_spans_keep_separate_hits_apart() -> None:
    assert parse("ab bc").highlight_spans("abc ab") == [(0, 3), (4, 6)]


def test_highlight_spans_skip_excluded_contexts() -> None:
    assert parse("钱塘 -钱塘江").highlight_spans("钱塘江 钱塘区") == [(4, 6)]


def test_highlight_spans_skip_negated_terms() -> None:
    assert parse("钱塘 NOT 广告").highlight_spans("钱塘广告") == [(0, 2)]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reason", "column"),
    [
        ("", "empty query", 1),
        ("   ", "empty query", 1),
        ('""', "empty term", 1),
        ('钱塘 " "', "empty term", 4),
        ("“ ”", "empty term", 1),
        ('钱塘 "数字经济', "unclosed quote", 4),
        ("钱塘 “数字经济", "unclosed quote", 4),
        ("(钱塘 OR 萧山", "'(' is never closed", 1),
        ("钱塘 (萧山", "'(' is never closed", 4),
        ("钱塘)", "unexpected ')'", 3),
        ("()", "expected a term", 2),
        ("AND 钱塘", "AND has nothing on its left", 1),
        ("钱塘 AND", "AND has nothing on its right", 4),
        ("钱塘 AND OR 萧山", "AND has nothing on its right", 4),
        ("(钱塘 AND) 萧山", "AND has nothing on its right", 5),
        ("钱塘 OR", "OR has nothing on its right", 4),
        ("钱塘 OR OR 萧山", "OR has nothing on its right", 4),
        ("(钱塘 OR) 萧山", "OR has nothing on its right", 5),
        ("OR 钱塘", "expected a term", 1),
        ("NOT", "NOT has nothing to negate", 1),
        ("钱塘 NOT", "NOT has nothing to negate", 4),
        ("NOT OR 钱塘", "NOT has nothing to negate", 1),
        ("(NOT) 钱塘", "NOT has nothing to negate", 2),
    ],
)
def test_query_errors_name_reason_and_column(query: str, reason: str, column: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert (caught.value.reason, caught.value.column) == (reason, column)


def test_query_error_message_includes_the_column() -> None:
    with pytest.raises(QueryError, match=r"^unclosed quote \(column 4\)$"):
        parse('钱塘 "数字经济')


def test_query_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse("")


@pytest.mark.parametrize(("query", "column"), [("钱塘…… )", 6), ("ﬁ )", 3)])
def test_error_column_is_in_the_query_as_written(query: str, column: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.column == column
