"""Which subscribers' rules an article matches: one scan of its text for all rules.

Each rule has an *anchor*: terms of which at least one must occur for the rule to be true
(the rarest term an AND needs; every branch of an OR; a rule that can be true with no term
at all, such as ``NOT 广告``, is evaluated on every article). Only the anchors are searched
for (Hyperscan's literal matcher, or an Aho–Corasick automaton where Hyperscan has no
wheel), so an article's normalised title and body are scanned once and only the rules
whose anchor occurs are evaluated, with the search language's own exact
semantics (``Term.spans``). Rarity comes from character-gram document frequencies
(``gram_frequencies`` over a sample of articles, e.g. the store's recent ones); without
them the longest term is taken as the rarest, and of terms as long, the one fewer rules
share (a partner in many rules, 发展 or 经济, is a generic word). A common partner
(``发展 AND 钱塘新区``) thus costs nothing on the many articles that only mention 发展.

Per article the work past normalising is kept to what a match needs: one scan of title and
body (as UTF-16, by Hyperscan), whose hits also decide and locate the anchors, and their
excluded contexts are checked at those hits (``钱塘 -钱塘江``: is 钱塘江 written around
this 钱塘?) instead of searched for; a rule that is a term or an OR of terms is true
wherever its anchor occurs. Rules share their terms' answers: each distinct term is decided
and located once per article, the other terms by a search of title and body, and each
distinct list of positive terms is answered (found terms, spans merged and mapped back to
the original text by ``store.textnorm.NormalForm``) once for all the rules holding it.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs

try:  # not built for every platform (no Linux ARM wheel): Aho–Corasick stands in
    import hyperscan
except ImportError:  # pragma: no cover
    hyperscan = None

from alerts.subscriptions import Subscriber
from store.base import StoredArticle
from store.query import And, Node, Not, Or, Query, Term
from store.textnorm import NormalForm, normalize

Span = tuple[int, int]


class RuleMatch(NamedTuple):  # one is built for every match: at a third of a dataclass's cost
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
    decide: Decision | None  # query.evaluate compiled; None: true wherever its anchor occurs
    positive: _Positive  # query.terms
    sources: frozenset[str] | None  # the subscriber's sources (None: all)


@dataclass(frozen=True, eq=False)  # one for each distinct list: compared (and hashed) by identity
class _Positive:
    """A rule's positive terms: (term number, as written) each, and the distinct numbers."""

    terms: tuple[tuple[int, str], ...]
    numbers: tuple[int, ...]
    raws: tuple[str, ...]


Oracle = Callable[[int], bool]  # is the term of this number present?
Decision = Callable[[Oracle], bool]


def _compiled(node: Node, number: Callable[[Term], int]) -> Decision:
    """``Query.evaluate`` for one node as nested closures, in the same order (and/or
    short-circuit left to right): a rule is decided without walking its tree each time."""
    match node:
        case Term():
            n = number(node)
            return lambda has: has(n)
        case And(parts):
            return functools.reduce(_both, (_compiled(p, number) for p in parts))
        case Or(parts):
            return functools.reduce(_either, (_compiled(p, number) for p in parts))
        case Not(part):
            inner = _compiled(part, number)
            return lambda has: not inner(has)
    raise TypeError(node)


def _any_term(node: Node) -> bool:
    """Whether ``node`` is a term or an OR of terms (with no excluded contexts): true where
    any of them occurs, which is where its anchor does."""
    match node:
        case Term():
            return not node.unless_in
        case Or(parts):
            return all(map(_any_term, parts))
    return False


def _both(a: Decision, b: Decision) -> Decision:
    return lambda has: a(has) and b(has)


def _either(a: Decision, b: Decision) -> Decision:
    return lambda has: a(has) or b(has)


def gram_frequencies(texts: Iterable[str]) -> dict[str, float]:
    """Document frequency (0–1) of every character and character bigram of the normalised
    texts: an estimate of how often a term occurs (never more often than its rarest gram)."""
    counts: Counter[str] = Counter()
    documents = 0
    for text in texts:
        normal = normalize(text)
        counts.update(set(normal) | {normal[i : i + 2] for i in range(len(normal) - 1)})
        documents += 1
    return {gram: n / documents for gram, n in counts.items()} if documents else {}


def _numbered(subscribers: Iterable[Subscriber]) -> tuple[list[Term], list[_Rule]]:
    """The distinct terms (by text and excluded contexts) and the rules over their numbers,
    with one _Positive for each distinct list of positive terms: rules that share a term or
    a list share its answers for an article."""
    terms: list[Term] = []
    numbers: dict[tuple[str, frozenset[str]], int] = {}
    positives: dict[tuple[tuple[int, str], ...], _Positive] = {}

    def number(term: Term) -> int:
        key = (term.text, frozenset(term.unless_in))
        if (n := numbers.get(key)) is None:
            n = numbers[key] = len(terms)
            terms.append(term)
        return n

    def positive(query: Query) -> _Positive:
        pairs = tuple((number(t), t.raw) for t in query.terms)
        if (known := positives.get(pairs)) is None:
            distinct = tuple(dict.fromkeys(n for n, _ in pairs))
            known = positives[pairs] = _Positive(pairs, distinct, tuple(r for _, r in pairs))
        return known

    rules = [
        _Rule(
            s,
            text,
            q,
            frozenset(q.all_terms()),
            None if _any_term(q.root) else _compiled(q.root, number),
            positive(q),
            None if s.sources is None else frozenset(s.sources),
        )
        for s in subscribers
        for text, q in s.queries()
    ]
    return terms, rules


class Matcher:
    def __init__(
        self, subscribers: Iterable[Subscriber], *, frequencies: Mapping[str, float] | None = None
    ) -> None:
        self.terms, self.rules = _numbered(subscribers)
        self.frequencies = frequencies or {}
        # how many rules use each term: of two terms as long and as rare by the estimate (or
        # with no estimate), the one many rules share is the generic partner (发展, 经济)
        self._uses = Counter(text for rule in self.rules for text in {t.text for t in rule.terms})
        self._by_anchor: dict[str, list[int]] = {}
        self._always: list[int] = []  # rules with no anchor: "NOT 广告", "A OR NOT B"
        for index, rule in enumerate(self.rules):
            anchor = self._anchor(rule.query.root)
            if anchor is None:
                self._always.append(index)
                continue
            for needle in {t.text for t in anchor}:
                self._by_anchor.setdefault(needle, []).append(index)
        # each term's text if the scan finds all of its occurrences (an anchor), else None:
        # the term is searched for in the text
        self._scanned = [t.text if t.text in self._by_anchor else None for t in self.terms]
        self._covers = [t.in_contexts() for t in self.terms]
        # one-character anchors are found by a character class instead: as two bytes of UTF-16
        # they also match across characters, a hundred times an article for 5,000 of them
        singles = [n for n in self._by_anchor if len(n) == 1]
        self._singles = re.compile(f"[{''.join(map(re.escape, singles))}]") if singles else None
        self._needles = [n for n in self._by_anchor if len(n) > 1]
        self._scan = _scanner([n.encode("utf-16-le", "surrogatepass") for n in self._needles])
        self.evaluated = 0  # candidate rules evaluated so far (for benchmarks)

    def anchors(self) -> list[frozenset[str] | None]:
        """Each rule's anchor needles (None: evaluated on every article)."""
        anchors: list[frozenset[str] | None] = [None] * len(self.rules)
        for needle, indices in self._by_anchor.items():
            for i in indices:
                anchors[i] = (anchors[i] or frozenset()) | {needle}
        return anchors

    def _anchor(self, node: Node) -> frozenset[Term] | None:
        """Terms of which one must occur for ``node`` to be true, as rare as can be; None
        if it can be true with none."""
        match node:
            case Term():
                return frozenset({node})
            case And(parts):
                options = [a for p in parts if (a := self._anchor(p)) is not None]
                return min(options, key=self._cost, default=None)
            case Or(parts):
                branches = [self._anchor(p) for p in parts]
                if any(b is None for b in branches):
                    return None
                return frozenset().union(*branches)  # type: ignore[arg-type]
            case Not():
                return None
        raise TypeError(node)

    def _cost(self, anchor: frozenset[Term]) -> tuple[float, int, int]:
        return (
            sum(self._rarity(t.text) for t in anchor),
            -min(len(t.text) for t in anchor),
            sum(self._uses[t.text] for t in anchor),
        )

    def _rarity(self, text: str) -> float:
        if not self.frequencies:
            return 0.0  # no estimate: the longest term wins (the tie-break)
        grams = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
        return min(self.frequencies.get(g, 0.0) for g in grams)

    def match(self, article: StoredArticle) -> list[RuleMatch]:
        title, body = NormalForm(article.title), NormalForm(article.body)
        # no needle holds a line break (normalised, it is a space): nothing found spans both
        scanned = f"{title.text}\n{body.text}"
        starts, exact = self._starts(scanned)
        anchors = self._by_anchor
        candidates = {i for needle in starts if (rules := anchors.get(needle)) for i in rules}
        if not candidates and not self._always:
            return []
        look = _Look(self, title, body, scanned, starts, exact)
        has, source, rules, matches, evaluated = look.has, article.source, self.rules, [], 0
        for index in sorted(candidates.union(self._always) if self._always else candidates):
            rule = rules[index]
            if rule.sources is None or source in rule.sources:
                evaluated += 1
                if rule.decide is None or rule.decide(has):
                    matches.append(look.rule_match(rule))
        self.evaluated += evaluated
        return matches

    def _found(self, text: str) -> list[str]:
        """The anchors that occur in ``text`` (with repeats)."""
        return [needle for needle, at in self._starts(text)[0].items() for _ in at]

    def _starts(self, text: str) -> tuple[dict[str, list[int]], bool]:
        """Where each anchor occurs in ``text``: its starts in text order, if they are exact
        (no lone surrogate, no astral character; else only which anchors occur is)."""
        starts: dict[str, list[int]] = {}
        if self._scan is None and self._singles is None:
            return starts, True
        try:
            encoded, exact = text.encode("utf-16-le"), True
        except UnicodeEncodeError:  # lone surrogates: two of them would pass for a pair
            encoded, exact = text.encode("utf-16-le", "surrogatepass"), False
        exact = exact and len(encoded) == 2 * len(text)  # else two units for an astral character
        needles = self._needles
        for i, start in self._scan(encoded) if self._scan is not None else ():
            if not start % 2:  # an odd byte offset is not a character boundary: two halves
                starts.setdefault(needles[i], []).append(start // 2)
        if not exact:
            starts = {needle: at for needle, at in starts.items() if needle in text}
        if self._singles is not None:
            for m in self._singles.finditer(text):
                starts.setdefault(m.group(), []).append(m.start())
        return starts, exact


class _Look:
    """One article as the rules see it: each term decided and located once, and each list
    of positive terms answered once, for all the rules that share them; from the scan's
    starts where the scan saw every occurrence."""

    __slots__ = (
        "answers",
        "body",
        "cut",
        "matcher",
        "places_",
        "present",
        "scanned",
        "starts",
        "title",
    )

    def __init__(
        self,
        matcher: Matcher,
        title: NormalForm,
        body: NormalForm,
        scanned: str,
        starts: dict[str, list[int]],
        exact: bool,
    ) -> None:
        self.matcher, self.title, self.body = matcher, title, body
        # the needles' starts in what was scanned (title, line break, body); places_ is None
        # if only which needles occur is exact, not where
        self.scanned, self.starts, self.places_ = scanned, starts, {} if exact else None
        self.cut = len(title.text) + 1  # where the body begins in it
        self.present: dict[int, bool] = {}
        self.answers: dict[_Positive, tuple[tuple[str, ...], dict[str, list[Span]]]] = {}

    def has(self, n: int) -> bool:
        """Whether the term numbered ``n`` occurs (outside its excluded contexts)."""
        if (text := self.matcher._scanned[n]) is not None:  # the scan finds all it holds
            if text not in self.starts:
                return False
            if not self.matcher._covers[n]:
                return True
        if (known := self.present.get(n)) is None:
            if self.matcher.terms[n].unless_in:  # its places decide it: kept, for the match
                known = any(self.places(n))
            else:
                text = self.matcher.terms[n].text
                known = text in self.title.text or text in self.body.text
            self.present[n] = known
        return known

    def places(self, n: int) -> tuple[list[Span], list[Span]]:
        """Where the term numbered ``n`` occurs in the normalised title and body."""
        places = self.places_
        if places is not None and (known := places.get(n)) is not None:
            return known
        text = self.matcher._scanned[n]
        if text is None or places is None:
            term = self.matcher.terms[n]
            known = (term.spans(self.title.text), term.spans(self.body.text))
        else:  # from the scan's starts, less those inside an excluded context
            at, length, cut = self.starts.get(text, ()), len(text), self.cut
            if at and (covers := self.matcher._covers[n]):
                joined = self.scanned
                at = [
                    s
                    for s in at
                    if not any(k <= s and joined.startswith(c, s - k) for c, k in covers)
                ]
            if not at or at[0] >= cut:  # the body only: most often
                known = ([], [(s - cut, s - cut + length) for s in at])
            else:
                known = (
                    [(s, s + length) for s in at if s < cut],
                    [(s - cut, s - cut + length) for s in at if s >= cut],
                )
        if places is not None:
            places[n] = known
        return known

    def rule_match(self, rule: _Rule) -> RuleMatch:
        """The match of a rule found true: its positive terms present, and where they are in
        the original title and body (their spans merged and mapped back)."""
        positive = rule.positive
        if (known := self.answers.get(positive)) is None:
            known = self.answers[positive] = self._answer(positive)
        else:  # a further rule with these terms: lists of its own
            known = (known[0], {name: list(s) for name, s in known[1].items()})
        terms, spans = known
        return RuleMatch(rule.subscriber.email, rule.text, terms, bool(spans["title"]), spans)

    def _answer(self, positive: _Positive) -> tuple[tuple[str, ...], dict[str, list[Span]]]:
        has, numbers = self.has, positive.numbers
        if len(numbers) == 1:  # most rules
            found = numbers if has(numbers[0]) else ()
        else:
            found = [n for n in numbers if has(n)]
        raws = positive.raws
        if len(found) < len(numbers):  # an OR's other branch, a NOT's term
            raws = tuple(raw for n, raw in positive.terms if has(n))
        if len(found) == 1:  # most matches: their spans are the term's own
            title, body = self.places(found[0])
        else:
            places = [self.places(n) for n in found]
            title = sorted(itertools.chain.from_iterable(p[0] for p in places))
            body = sorted(itertools.chain.from_iterable(p[1] for p in places))
        return raws, {
            "title": self.title.spans(_merged(title)) if title else [],
            "body": self.body.spans(_merged(body)) if body else [],
        }


# every (pattern index, byte start) found, in the order of where each ends
Scan = Callable[[bytes], list[tuple[int, int]]]


def _scanner(patterns: list[bytes]) -> Scan | None:
    """A scan for every occurrence of any of ``patterns``, overlapping ones included. On
    10,000 rules' anchors in UTF-16, Hyperscan scans an article in 20 µs, the Aho–Corasick
    automata of ahocorasick_rs (DFA or NFA alike) in 60 and pyahocorasick in 215: the
    automaton outgrows the caches, while Hyperscan's literal matcher filters with a few
    small tables first (bench/match.py)."""
    if not patterns:
        return None
    if hyperscan is not None:
        return _hyperscan(patterns)
    automaton = ahocorasick_rs.BytesAhoCorasick(
        patterns, matchkind=ahocorasick_rs.MatchKind.Standard
    )
    return lambda data: [
        (i, start) for i, start, _ in automaton.find_matches_as_indexes(data, overlapping=True)
    ]


def _hyperscan(patterns: list[bytes]) -> Scan:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(  # each byte escaped: the patterns are UTF-16 and hold NUL bytes
        expressions=["".join(f"\\x{b:02x}" for b in p).encode() for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=0,
    )
    lengths = [len(p) for p in patterns]
    local = threading.local()  # a scratch space is for one scan at a time

    def scan(data: bytes) -> list[tuple[int, int]]:
        scratch = getattr(local, "scratch", None)
        if scratch is None:
            scratch = local.scratch = hyperscan.Scratch(database)
        found: list[tuple[int, int]] = []
        add = found.append
        database.scan(
            data,
            match_event_handler=lambda i, _start, end, _flags, _context: add((i, end - lengths[i])),
            scratch=scratch,
        )
        return found

    return scan


_START, _END = operator.itemgetter(0), operator.itemgetter(1)


def _merged(spans: list[Span]) -> list[Span]:
    """Spans in text order with overlapping or touching ones merged."""
    # most spans touch none: checked at C speed
    if len(spans) < 2 or all(map(operator.lt, map(_END, spans), map(_START, spans[1:]))):
        return spans
    merged: list[Span] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
