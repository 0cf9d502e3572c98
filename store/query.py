"""The search-box language shared by `tidewatch search` and alert rules.

    钱塘                     a term: exact substring of the normalised text (no segmentation)
    "digital economy"        a phrase (“…” works too)
    数字经济 AND 萧山         both (AND may be left out: terms side by side are ANDed)
    钱塘 OR 萧山              either
    NOT 广告, -广告           absence
    (钱塘 OR 萧山) 数字经济    grouping
    钱塘 -钱塘江              context exclusion: a 钱塘 that is part of 钱塘江 does not count,
                              so "钱塘江 only" fails but "钱塘区 … 钱塘江" matches

A ``-X`` whose text contains a term of its own AND group excludes that context from the
term; any other ``-X`` means NOT X. Operators are upper case, so ``and`` is just a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from store.textnorm import normalize


class QueryError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based in the query as written."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.reason = message
        self.column = column


@dataclass(frozen=True)
class Term:
    text: str  # normalised
    raw: str
    unless_in: tuple[str, ...] = ()  # normalised longer contexts that do not count

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where this term occurs in normalised ``text``, minus excluded contexts."""
        spans = _find_all(text, self.text)
        if not spans or not self.unless_in:
            return spans
        covers = [(q, q + len(c)) for c in self.unless_in for q, _ in _find_all(text, c)]
        return [(s, e) for s, e in spans if not any(q <= s and e <= qe for q, qe in covers)]

    def in_contexts(self) -> tuple[tuple[str, int], ...]:
        """(context, k) for each excluded context and each place k this term has in it: an
        occurrence at s does not count where the text holds that context at s - k."""
        return tuple(
            (c, k)
            for c in self.unless_in
            for k in range(len(c) - len(self.text) + 1)
            if c.startswith(self.text, k)
        )


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Term | And | Or | Not


@dataclass(frozen=True)
class Query:
    source: str
    root: Node
    terms: tuple[Term, ...] = field(default=())  # positive terms, for highlighting

    def evaluate(self, has: Callable[[Term], bool]) -> bool:
        """Decide the query given an oracle saying whether each term is present."""
        return _evaluate(self.root, has)

    def matches_text(self, *texts: str) -> bool:
        """True if the normalised texts (e.g. title, body) satisfy the query."""
        return self.evaluate(lambda t: any(t.spans(x) for x in texts))

    def all_terms(self) -> set[Term]:
        """Every term, negated ones included."""
        return set(_all_terms(self.root))

    def needles(self) -> set[str]:
        """Every string whose occurrences decide this query: all terms and their contexts."""
        return {n for t in self.all_terms() for n in (t.text, *t.unless_in)}

    def highlight_spans(self, text: str) -> list[tuple[int, int]]:
        """Merged spans of positive-term hits in normalised ``text``."""
        return merge_spans(s for t in self.terms for s in t.spans(text))


def parse(source: str) -> Query:
    """Parse a query; raises QueryError naming the column of the problem."""
    parser = _Parser(source)
    root = parser.parse()
    return Query(source, root, tuple(dict.fromkeys(_positive_terms(root))))


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every occurrence, overlapping ones included: a plain loop of ``find`` (2–3× faster
    than a generator when the needle is rare, as the matcher's terms are)."""
    length, out = len(needle), []
    at = text.find(needle)
    while at != -1:
        out.append((at, at + length))
        at = text.find(needle, at + 1)
    return out


def _evaluate(node: Node, has: Callable[[Term], bool]) -> bool:
    match node:
        case Term():
            return has(node)
        case And(parts):
            return all(_evaluate(p, has) for p in parts)
        case Or(parts):
            return any(_evaluate(p, has) for p in parts)
        case Not(part):
            return not _evaluate(part, has)
    raise TypeError(node)


def _all_terms(node: Node) -> Iterator[Term]:
    match node:
        case Term():
            yield node
        case And(parts) | Or(parts):
            for p in parts:
                yield from _all_terms(p)
        case Not(part):
            yield from _all_terms(part)


def _positive_terms(node: Node) -> Iterator[Term]:
    match node:
        case Term():
            yield node
        case And(parts) | Or(parts):
            for p in parts:
                yield from _positive_terms(p)


# -- parsing ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<minus>-)(?=[^\s)]) |
        "(?P<quoted>[^"]*)(?P<qend>"?) | “(?P<cquoted>[^”]*)(?P<cqend>”?) |
        (?P<word>[^\s()"“]+)
    )""",
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class _Token:
    kind: str  # lparen rparen minus term AND OR NOT
    column: int
    text: str = ""


@dataclass(frozen=True)
class _Exclusion:
    node: Node


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        # NFKC makes （） and ＡＮＤ plain; columns[i] maps NFKC text back to the query as written
        folded = [unicodedata.normalize("NFKC", ch) for ch in source]
        self.columns = [i + 1 for i, f in enumerate(folded) for _ in f] + [len(source) + 1]
        self.tokens = list(self._tokenize("".join(folded)))
        self.pos = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("empty query", 1)
        node = self._or()
        if self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            raise QueryError(f"unexpected {_describe(tok)}", tok.column)
        return node

    def _tokenize(self, text: str) -> Iterator[_Token]:
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                break  # only trailing whitespace left
            token = m.group(0)
            column = self.columns[m.start() + len(token) - len(token.lstrip())]
            pos = m.end()
            if m["lparen"]:
                yield _Token("lparen", column)
            elif m["rparen"]:
                yield _Token("rparen", column)
            elif m["minus"]:
                yield _Token("minus", column)
            elif m["word"]:
                word = m["word"]
                yield _Token(word, column) if word in _OPERATORS else _Token("term", column, word)
            else:
                closed = m["qend"] if m["quoted"] is not None else m["cqend"]
                if not closed:
                    raise QueryError("unclosed quote", column)
                yield _Token(
                    "term", column, m["quoted"] if m["quoted"] is not None else m["cquoted"]
                )

    def _peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def _or(self) -> Node:
        parts = [self._and()]
        while (tok := self._peek()) and tok.kind == "OR":
            self._take()
            parts.append(self._and(after=tok))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self, after: _Token | None = None) -> Node:
        items: list[Node | _Exclusion] = []
        while (tok := self._peek()) and tok.kind not in ("OR", "rparen"):
            if tok.kind == "AND":
                self._take()
                if not items:
                    raise QueryError("AND has nothing on its left", tok.column)
                if not (nxt := self._peek()) or nxt.kind in ("OR", "rparen", "AND"):
                    raise QueryError("AND has nothing on its right", tok.column)
                continue
            items.append(self._unary())
        if not items:
            where = after or self._peek()
            column = where.column if where else len(self.source) + 1
            what = f"{where.kind} has nothing on its right" if after else "expected a term"
            raise QueryError(what, column)
        return _resolve_exclusions(items)

    def _unary(self) -> Node | _Exclusion:
        tok = self._take()
        if tok.kind == "NOT":
            if not (nxt := self._peek()) or nxt.kind in ("OR", "AND", "rparen"):
                raise QueryError("NOT has nothing to negate", tok.column)
            return Not(self._as_node(self._unary()))
        if tok.kind == "minus":
            return _Exclusion(self._as_node(self._unary()))
        if tok.kind == "lparen":
            node = self._or()
            if not (close := self._peek()) or close.kind != "rparen":
                raise QueryError("'(' is never closed", tok.column)
            self._take()
            return node
        if tok.kind == "term":
            text = normalize(tok.text).strip()
            if not text:
                raise QueryError("empty term", tok.column)
            return Term(text, tok.text)
        raise QueryError(f"unexpected {_describe(tok)}", tok.column)

    @staticmethod
    def _as_node(item: Node | _Exclusion) -> Node:
        return Not(item.node) if isinstance(item, _Exclusion) else item


def _resolve_exclusions(items: list[Node | _Exclusion]) -> Node:
    terms = [i for i in items if isinstance(i, Term)]
    contexts: dict[Term, list[str]] = {t: [] for t in terms}
    parts: list[Node] = []
    for item in items:
        if not isinstance(item, _Exclusion):
            continue
        ctx = item.node
        owners = [
            t for t in terms if isinstance(ctx, Term) and t.text in ctx.text and t.text != ctx.text
        ]
        for t in owners:
            contexts[t].append(ctx.text)
        if not owners:
            parts.append(Not(ctx))
    resolved = [
        Term(i.text, i.raw, tuple(contexts[i])) if isinstance(i, Term) and contexts[i] else i
        for i in items
        if not isinstance(i, _Exclusion)
    ]
    parts = resolved + parts  # a lone "-广告" is just NOT 广告
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _describe(tok: _Token) -> str:
    return {"lparen": "'('", "rparen": "')'", "minus": "'-'"}.get(tok.kind, tok.kind)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) spans in order, overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
