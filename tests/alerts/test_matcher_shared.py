"""alerts.matcher decides and locates each distinct term once per article for all the rules
that share it, from the scan's starts where it can (excluded contexts checked at those
starts), and answers each list of positive terms once: every answer equals what
``Term.spans`` and ``Query.evaluate`` say, and every match owns its lists."""

from __future__ import annotations

import random

import pytest
from test_matcher_exactness import DISGUISES, NOISE, article, oracle, subscribers

from alerts.matcher import Matcher, _Look
from alerts.subscriptions import Subscriber
from store.textnorm import NormalForm, normalize

# Terms that overlap themselves and each other, and contexts holding the term once, twice,
# at their start, at their end or in their middle.
TERMS = ["钱塘", "塘江", "钱塘江", "江江", "江", "ai", "1", "..."]
CONTEXTS = {
    "钱塘": ["钱塘江", "老钱塘", "钱塘钱塘", "新钱塘区"],
    "江江": ["江江江", "钱塘江江"],
    "塘江": ["钱塘江", "塘江塘江"],
    "ai": ["aiai", "ai1", "..ai"],
    "1": ["11", "(1)", "1..."],
}
PIECES = ["钱塘", "江", "塘", "钱", "老", "新", "区", *NOISE, *DISGUISES["ai"], *DISGUISES["1"]]
PIECES += [*DISGUISES["..."], "\ud840", "𠀀"]  # a lone surrogate, an astral character


def shared_rule(rng: random.Random) -> str:
    """A rule over the few TERMS, so that many rules share each term and each context."""
    word = rng.choice(TERMS)
    roll = rng.random()
    if roll < 0.3 and word in CONTEXTS:
        chosen = rng.sample(CONTEXTS[word], rng.randint(1, 2))
        return " ".join([word, *(f"-{c}" for c in chosen)])
    if roll < 0.45:
        return f"{word} OR {rng.choice(TERMS)}"
    if roll < 0.6:
        return f"{word} {rng.choice(TERMS)}"
    if roll < 0.7:
        return f"{word} NOT {rng.choice(TERMS)}"
    if roll < 0.8:
        return f"{rng.choice(DISGUISES.get(word, [word]))} {word}"  # the same term, as written
    return word


def shared_text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(pieces))


@pytest.mark.parametrize("seed", range(4))
def test_every_terms_places_equal_term_spans_and_its_presence_their_existence(seed: int) -> None:
    """For every distinct term of the rules (excluded contexts included), the per-article
    answer from the scan's starts is Term.spans of title and body, exactly."""
    rng = random.Random(seed)
    rules = list(dict.fromkeys(shared_rule(rng) for _ in range(120)))
    matcher = Matcher(list(subscribers(rules)))
    assert any(t.unless_in for t in matcher.terms) and len(matcher.terms) < len(rules)
    for _ in range(80):
        title = NormalForm(shared_text(rng, rng.randint(0, 5)))
        body = NormalForm(shared_text(rng, rng.randint(0, 40)))
        scanned = f"{title.text}\n{body.text}"
        starts, exact = matcher._starts(scanned)
        look = _Look(matcher, title, body, scanned, starts, exact)
        for n, term in enumerate(matcher.terms):
            want = (term.spans(title.text), term.spans(body.text))
            assert look.places(n) == want, (term, title.text, body.text)
            assert look.has(n) is bool(want[0] or want[1]), (term, title.text, body.text)


@pytest.mark.parametrize("seed", range(3))
def test_rules_sharing_terms_across_subscribers_match_as_the_naive_evaluation(seed: int) -> None:
    rng = random.Random(50 + seed)
    rules = list(dict.fromkeys(shared_rule(rng) for _ in range(120)))
    people = list(subscribers(rules))
    # every subscriber again, under another address: each rule twice, by two people
    people += [Subscriber(email=f"again.{p.email}", name=p.name, rules=p.rules) for p in people]
    matcher = Matcher(people)
    found = 0
    for _ in range(60):
        body = shared_text(rng, rng.randint(0, 50))
        item = article(shared_text(rng, rng.randint(0, 5)), body)
        assert matcher.match(item) == oracle(people, item), (item.title, body)
        found += len(oracle(people, item))
    assert found > 200


def test_rules_with_the_same_terms_get_lists_of_their_own() -> None:
    """Two subscribers' 钱塘 and a rule with the same positive terms: equal answers, computed
    once, yet changing one match's spans changes no other match."""
    rule = ["钱塘", "钱塘 NOT 广告"]
    people = [Subscriber(email=f"s{n}@example.com", name=f"s{n}", rules=rule) for n in range(3)]
    matches = Matcher(people).match(article("钱塘区", "钱塘江边，钱塘新城。"))
    assert len(matches) == 6 and len({repr(m.spans) for m in matches}) == 1
    lists = [spans for m in matches for spans in m.spans.values()]
    assert len({id(x) for x in lists}) == len(lists)  # no list shared
    matches[0].spans["body"].clear()
    assert all(m.spans["body"] == [(0, 2), (5, 7)] for m in matches[1:])


def test_one_term_written_two_ways_is_reported_as_written_both_times() -> None:
    """ＡＩ and ai are one term (one normal form): found once, reported as each was written
    (the query's NFKC form: AI), their spans merged."""
    people = [Subscriber(email="a@example.com", name="a", rules=["ＡＩ ai", "ai OR ＡＩ", "Ai"])]
    item = article("AI", "ａｉ and ai")
    got = Matcher(people).match(item)
    assert got == oracle(people, item)
    assert [m.terms for m in got] == [("AI", "ai"), ("ai", "AI"), ("Ai",)]
    assert got[0].spans == {"title": [(0, 2)], "body": [(0, 2), (7, 9)]}


def test_an_excluded_context_is_checked_at_each_occurrence_the_scan_found() -> None:
    """钱塘 -钱塘钱塘: the term sits twice in its context; each occurrence inside one (at either
    place) is excluded, the others count; contexts at the text's edges and in the title."""
    people = [Subscriber(email="a@example.com", name="a", rules=["钱塘 -钱塘钱塘 -老钱塘"])]
    matcher = Matcher(people)
    cases = [
        ("", "钱塘钱塘", False),  # both inside the one context
        ("", "钱塘钱塘钱塘", False),  # the middle one is inside two
        ("", "老钱塘，钱塘钱塘", False),
        ("钱塘钱塘", "老钱塘", False),
        ("", "钱塘钱塘，钱塘", True),
        ("钱塘", "老钱塘", True),  # the title's counts
        ("老钱", "塘", False),  # no term crosses from the title into the body
    ]
    for title, body, fires in cases:
        item = article(title, body)
        want = oracle(people, item)
        assert bool(want) is fires, (title, body)
        assert matcher.match(item) == want, (title, body)


def test_terms_found_and_located_without_the_scan_where_its_starts_are_not_exact() -> None:
    """An astral character (two UTF-16 units) or a lone surrogate makes the scan's starts
    inexact: the terms are then located by Term.spans, with the same answers."""
    rng = random.Random(7)
    rules = list(dict.fromkeys(shared_rule(rng) for _ in range(80)))
    people = list(subscribers(rules))
    matcher = Matcher(people)
    for odd in ["𠀀", "\ud840", "😀钱塘"]:
        for _ in range(20):
            body = shared_text(rng, rng.randint(0, 12)) + odd + shared_text(rng, 12)
            item = article(odd + shared_text(rng, 3), body)
            assert not matcher._starts(f"{normalize(item.title)}\n{normalize(body)}")[1]
            assert matcher.match(item) == oracle(people, item), body


def test_a_term_or_an_or_of_terms_is_decided_by_its_anchor_alone() -> None:
    """Rules that are a term or an OR of terms are true wherever the scan finds one of them;
    the subscriber's sources still apply."""
    rules = ["钱塘", "萧山 OR 湘湖"]
    papers = Subscriber(email="p@example.com", name="p", rules=rules, sources=["xsnet"])
    tide = Subscriber(email="t@example.com", name="t", rules=rules, sources=["tidenews"])
    matcher = Matcher([papers, tide])
    assert all(rule.decide is None for rule in matcher.rules)
    item = article("湘湖", "钱塘江")
    assert [(m.subscriber, m.rule, m.terms) for m in matcher.match(item)] == [
        ("p@example.com", "钱塘", ("钱塘",)),
        ("p@example.com", "萧山 OR 湘湖", ("湘湖",)),
    ]
    assert matcher.evaluated == 2  # the tidenews subscriber's rules: not for this source
