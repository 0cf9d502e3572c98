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
from store.textnorm import normalize

Spans = dict[str, list[tuple[int, int]]]  # needle → [start, end) in one normalised field


@dataclass(frozen=True)
class RuleMatch:
    subscriber: str
    rule: str
    terms: tuple[str, ...]  # the rule's positive terms found, as written
    in_title: bool


@dataclass(frozen=True)
class _Rule:
    subscriber: Subscriber
    text: str
    query: Query


class Matcher:
    def __init__(self, subscribers: Iterable[Subscriber]) -> None:
        self.rules = [_Rule(s, text, query) for s in subscribers for text, query in s.queries()]
        self._by_needle: dict[str, list[int]] = defaultdict(list)
        self._always: list[int] = []  # rules with no positive term: "NOT 广告" matches by absence
        self._automaton = ahocorasick.Automaton()
        for index, rule in enumerate(self.rules):
            for term in rule.query.terms:
                self._by_needle[term.text].append(index)
            if not rule.query.terms:
                self._always.append(index)
            for needle in rule.query.needles():
                self._automaton.add_word(needle, needle)
        if len(self._automaton):
            self._automaton.make_automaton()

    def match(self, article: StoredArticle) -> list[RuleMatch]:
        title, body = self._scan(normalize(article.title)), self._scan(normalize(article.body))
        candidates = sorted(
            {i for needle in title.keys() | body.keys() for i in self._by_needle.get(needle, ())}
            | set(self._always)
        )
        matches = []
        for index in candidates:
            rule = self.rules[index]
            if not rule.subscriber.wants(article.source):
                continue
            found = {t for t in rule.query.all_terms() if _present(t, title) or _present(t, body)}
            if rule.query.evaluate(lambda t, found=found: t in found):
                positive = [t for t in rule.query.terms if t in found]
                matches.append(
                    RuleMatch(
                        rule.subscriber.email,
                        rule.text,
                        tuple(t.raw for t in positive),
                        any(_present(t, title) for t in positive),
                    )
                )
        return matches

    def _scan(self, text: str) -> Spans:
        spans: Spans = defaultdict(list)
        if len(self._automaton):
            for end, needle in self._automaton.iter(text):
                spans[needle].append((end - len(needle) + 1, end + 1))
        return spans


def _present(term: Term, spans: Spans) -> bool:
    """An occurrence of the term that no excluded context covers (钱塘 in 钱塘区, not 钱塘江)."""
    occurrences = spans.get(term.text)
    if not occurrences:
        return False
    covers = [c for context in term.unless_in for c in spans.get(context, ())]
    return any(not any(q <= s and e <= qe for q, qe in covers) for s, e in occurrences)
