"""Which subscribers' rules an article matches: one pass over its text for all rules.

Every term and exclusion context of every rule goes into one Aho–Corasick automaton; an
article's normalised title and body are scanned once, and only rules that contain a term
found in it (or that have no positive term at all) are evaluated. The scan costs the
length of the text, not rules × text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from alerts.subscriptions import Subscriber
from store.base import StoredArticle
from store.query import Query, Term
from store.textnorm import NormalText, normalize, normalize_with_map

Spans = dict[str, list[tuple[int, int]]]  # needle → [start, end) in one normalised field


@dataclass(frozen=True)
class RuleMatch:
    subscriber: str
    rule: str
    terms: tuple[str, ...]  # the rule's positive terms found, as written
    in_title: bool
    spans: dict[str, list[tuple[int, int]]]  # "title"/"body" → where they are in the article


@dataclass(frozen=True)
class _Rule:
    subscriber: Subscriber
    text: str
    query: Query
    terms: frozenset[Term]  # every term, negated ones included: what decides the rule

    @classmethod
    def of(cls, subscriber: Subscriber, text: str, query: Query) -> _Rule:
        return cls(subscriber, text, query, frozenset(query.all_terms()))


class Matcher:
    def __init__(self, subscribers: Iterable[Subscriber]) -> None:
        self.rules = [_Rule.of(s, text, q) for s in subscribers for text, q in s.queries()]
        self._by_needle: dict[str, list[int]] = defaultdict(list)
        self._always: list[int] = []  # rules true with no term found: "NOT 广告", "A OR NOT B"
        self._automaton = ahocorasick.Automaton()
        for index, rule in enumerate(self.rules):
            for term in rule.query.terms:
                self._by_needle[term.text].append(index)
            if rule.query.evaluate(lambda term: False):
                self._always.append(index)
            for needle in rule.query.needles():
                self._automaton.add_word(needle, needle)
        if len(self._automaton):
            self._automaton.make_automaton()

    def match(self, article: StoredArticle) -> list[RuleMatch]:
        found_in = {
            "title": self._scan(normalize(article.title)),
            "body": self._scan(normalize(article.body)),
        }
        needles = found_in["title"].keys() | found_in["body"].keys()
        candidates = {i for needle in needles for i in self._by_needle.get(needle, ())}
        texts: dict[str, NormalText] = {}  # mapped back to the original only on a match
        matches = []
        for index in sorted(candidates | set(self._always)):
            rule = self.rules[index]
            if not rule.subscriber.wants(article.source):
                continue
            present = {t for t in rule.terms if any(_spans(t, f) for f in found_in.values())}
            if not rule.query.evaluate(present.__contains__):
                continue
            positive = [t for t in rule.query.terms if t in present]
            if not texts:
                texts = {
                    "title": normalize_with_map(article.title),
                    "body": normalize_with_map(article.body),
                }
            spans = {
                field: [texts[field].span(s, e) for s, e in _merged(positive, found)]
                for field, found in found_in.items()
            }
            match = RuleMatch(
                rule.subscriber.email,
                rule.text,
                tuple(t.raw for t in positive),
                bool(spans["title"]),
                spans,
            )
            matches.append(match)
        return matches

    def _scan(self, text: str) -> Spans:
        spans: Spans = defaultdict(list)
        if len(self._automaton):
            for end, needle in self._automaton.iter(text):
                spans[needle].append((end - len(needle) + 1, end + 1))
        return spans


def _spans(term: Term, found: Spans) -> list[tuple[int, int]]:
    """The term's occurrences that no excluded context covers (钱塘 in 钱塘区, not 钱塘江)."""
    occurrences = found.get(term.text, [])
    if not occurrences or not term.unless_in:
        return occurrences
    covers = [c for context in term.unless_in for c in found.get(context, ())]
    return [(s, e) for s, e in occurrences if not any(q <= s and e <= qe for q, qe in covers)]


def _merged(terms: list[Term], found: Spans) -> list[tuple[int, int]]:
    """All the terms' occurrences, overlapping ones merged, in text order."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(span for term in terms for span in _spans(term, found)):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
