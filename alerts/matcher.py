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
body (as UTF-16, by Hyperscan), whose hits also decide and locate the anchors; the other
terms are looked up once each; spans are mapped back to the original text only for the
fields that have them (``store.textnorm.NormalForm``: from the few characters that do not
normalise one for one).
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

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
    decide: Decision  # query.evaluate, compiled


Oracle = Callable[[Term], bool]
Decision = Callable[[Oracle], bool]


def _compiled(node: Node) -> Decision:
    """``Query.evaluate`` for one node as nested closures, in the same order (and/or
    short-circuit left to right): a rule is decided without walking its tree each time."""
    match node:
        case Term():
            return lambda has: has(node)
        case And(parts):
            return functools.reduce(_both, map(_compiled, parts))
        case Or(parts):
            return functools.reduce(_either, map(_compiled, parts))
        case Not(part):
            inner = _compiled(part)
            return lambda has: not inner(has)
    raise TypeError(node)


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


class Matcher:
    def __init__(
        self, subscribers: Iterable[Subscriber], *, frequencies: Mapping[str, float] | None = None
    ) -> None:
        self.rules = [
            _Rule(s, text, q, frozenset(q.all_terms()), _compiled(q.root))
            for s in subscribers
            for text, q in s.queries()
        ]
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
        forms = {"title": NormalForm(article.title), "body": NormalForm(article.body)}
        fields = {name: form.text for name, form in forms.items()}
        title, body = fields["title"], fields["body"]
        # no anchor holds a line break (normalised, it is a space): nothing found spans both
        hits, exact = self._hits(f"{title}\n{body}")
        found = {needle for needle, _ in hits}
        starts: dict[str, list[int]] = {}  # where the scan found each anchor, if exact
        for needle, at in hits if exact else ():
            starts.setdefault(needle, []).append(at)
        cut = len(title) + 1  # where the body begins in what was scanned
        anchors = self._by_anchor
        candidates = {i for needle in found for i in anchors[needle]}
        # each term decided once per article, and located only for a match; keyed by the
        # term's identity, as hashing a frozen dataclass costs more than deciding the term
        present: dict[int, bool] = {}
        spans: dict[int, dict[str, list[Span]]] = {}

        def has(term: Term) -> bool:
            if (known := present.get(id(term))) is None:
                if term.text in anchors and term.text not in found:
                    known = False  # the scan found every anchor that occurs
                elif term.text in found and not term.unless_in:
                    known = True
                elif term.unless_in:  # its spans decide it: kept, for where it matches
                    known = any(where(term).values())
                else:
                    known = term.text in title or term.text in body
                present[id(term)] = known
            return known

        def where(term: Term) -> dict[str, list[Span]]:
            if (known := spans.get(id(term))) is None:
                if term.text in starts and not term.unless_in:  # the scan found them all
                    n = len(term.text)
                    at = starts[term.text]
                    known = {
                        "title": [(s, s + n) for s in at if s < cut],
                        "body": [(s - cut, s - cut + n) for s in at if s >= cut],
                    }
                else:
                    known = {name: term.spans(t) for name, t in fields.items()}
                spans[id(term)] = known
            return known

        matches = []
        for index in sorted(candidates.union(self._always)):
            rule = self.rules[index]
            if not rule.subscriber.wants(article.source):
                continue
            self.evaluated += 1
            if not rule.decide(has):
                continue
            positive = [t for t in rule.query.terms if has(t)]
            places = [where(t) for t in positive]
            located = {}
            for name, form in forms.items():
                merged = _merged([place[name] for place in places])
                located[name] = form.spans(merged) if merged else []
            matches.append(
                RuleMatch(
                    rule.subscriber.email,
                    rule.text,
                    tuple(t.raw for t in positive),
                    bool(located["title"]),
                    located,
                )
            )
        return matches

    def _found(self, text: str) -> list[str]:
        """The anchors that occur in ``text`` (with repeats)."""
        return [needle for needle, _ in self._hits(text)[0]]

    def _hits(self, text: str) -> tuple[list[tuple[str, int]], bool]:
        """Every occurrence of an anchor in ``text``: (anchor, start), each anchor's in text
        order, and whether the starts are exact (no lone surrogate, no astral character)."""
        if self._scan is None and self._singles is None:
            return [], True
        try:
            encoded, exact = text.encode("utf-16-le"), True
        except UnicodeEncodeError:  # lone surrogates: two of them would pass for a pair
            encoded, exact = text.encode("utf-16-le", "surrogatepass"), False
        exact = exact and len(encoded) == 2 * len(text)  # else two units for an astral character
        # an odd byte offset is not a character boundary: two characters' halves
        found = self._scan(encoded) if self._scan is not None else []
        hits = [(self._needles[i], start // 2) for i, start in found if not start % 2]
        if not exact:
            hits = [(needle, at) for needle, at in hits if needle in text]
        if self._singles is not None:
            hits += [(m.group(), m.start()) for m in self._singles.finditer(text)]
        return hits, exact


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


def _merged(groups: list[list[Span]]) -> list[Span]:
    """All the spans, overlapping or touching ones merged, in text order."""
    # one term's spans are in order already; and most spans touch none: checked at C speed
    spans = groups[0] if len(groups) == 1 else sorted(s for group in groups for s in group)
    if all(map(operator.lt, map(_END, spans), map(_START, spans[1:]))):
        return spans
    merged: list[Span] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
