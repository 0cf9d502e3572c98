"""Corpora, rules and brute-force answers for the stores' differential test.

Everything is drawn from ``random.Random(seed)``: a small alphabet, so that terms collide
often; articles with and without the characters ``textnorm`` folds; publication times on
Asia/Shanghai and UTC midnights; later versions that change the body, title, source, channel
or day. Rules are drawn from the rule language (``store.query``) with terms taken from the
corpus's own text. The truth is the plain definition: ``parse(rule).matches_text`` on the
normalised title and body of each article as last written, filters applied here.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta

from model.article import Article, Precision
from model.clock import SHANGHAI
from store.base import article_id
from store.query import Query, QueryError, parse
from store.textnorm import normalize

IDEOGRAPHS = "钱塘江区杭州市萧山数字经济新型工业化"
WORDS = ["钱塘", "钱塘江", "钱塘区", "萧山", "萧山区", "数字经济", "新型工业化", "杭州市", "江区"]
PUNCTUATION = "，。、“”（）：;,.()-#&_[]@~"  # the last ones are rare separators for FTS5
# folded by normalize: full-width Latin and digits, circled digits, half-width kana,
# conjoining jamo (NFKC composes them into the syllable beside them), folds that change the
# length (ß ﬁ Ⅻ, İ gains a mark) and Kangxi radicals that fold into ideographs (⼭ 山, ⼯ 工)
RICH = ["Ａ", "ｂ", "Ｂ", "１", "①", "②", "カ", "ｶ", "é", "한", "\u1112\u1161\u11ab"]
RICH += ["ß", "ﬁ", "Ⅻ", "İ", "⼭", "⼯", "⼭⼯", "ｶﾞ"]
RICH += ["\U000f002c", "\U000f1000"]  # the SQLite index's own characters: a moved ",", its end
MARKED = "e\u0301"  # in a few articles only: a mark sends the whole text down the slow path
LATIN = ["a", "B", "z", "Z", "0", "1", "7", "ai", "AI"]
SPACES = [" ", "  ", "\n", "\u3000", "\t"]
SOURCES = ["xsnet", "xsrb", "tidenews", "潮新闻app"]
CHANNELS = [None, None, "时政", "经济", "文化体育"]
# few enough days that many articles share one, across a year boundary and months
DAYS = [datetime(2019, 12, 31), datetime(2020, 1, 1), datetime(2023, 6, 30), datetime(2023, 7, 1)]
DAYS += [datetime(2026, 2, 28), datetime(2026, 3, 1)]


@dataclasses.dataclass(frozen=True)
class Corpus:
    seed: int
    first: list[Article]  # as first written
    updates: list[list[Article]]  # later batches of new versions (same URLs)

    def final(self) -> list[Article]:
        """The articles as stored once every batch is written: the last version of each URL."""
        latest = {a.url: a for a in self.first}
        for batch in self.updates:
            latest.update((a.url, a) for a in batch)
        return list(latest.values())


def corpus(seed: int, size: int) -> Corpus:
    rng = random.Random(seed)
    sources = SOURCES[: rng.choice((3, 4))]
    moments = [_moment(rng) for _ in range(size // 3)]  # shared: publication-time ties
    first = [_article(rng, n, sources, moments) for n in range(size)]
    latest = {a.url: a for a in first}
    updates = []
    for _ in range(2):  # some articles are revised twice
        batch = [
            _revised(rng, latest[a.url], sources, moments) for a in rng.sample(first, size // 5)
        ]
        latest.update((a.url, a) for a in batch)
        updates.append(batch)
    return Corpus(seed, first, updates)


def _article(rng: random.Random, n: int, sources: list[str], moments: list) -> Article:
    # else ideographs and ASCII only: the store's raw_exact rows
    rich = rng.choice((False, True, True, "marked")) if rng.random() < 0.7 else False
    published, precision = rng.choice(moments) if rng.random() < 0.4 else _moment(rng)
    return Article(
        url=f"https://example.test/{n}",
        source=rng.choice(sources),
        channel=rng.choice(CHANNELS),
        title=_text(rng, rng.randint(0, 30), rich),
        body=_text(rng, rng.choice((0, rng.randint(1, 40), rng.randint(1, 600))), rich),
        published_at=published,
        published_precision=precision,
    )


def _moment(rng: random.Random) -> tuple[datetime, Precision]:
    """A publication time: a minute of the day, Shanghai midnight (as a time and as a day),
    UTC midnight (08:00 in Shanghai, given in UTC), or a minute either side of midnight."""
    day = rng.choice(DAYS) + timedelta(days=rng.choice((0, 0, 0, 1, 45, 400)))
    kind = rng.randrange(6)
    if kind == 0:
        return day.replace(tzinfo=SHANGHAI), Precision.DAY
    if kind == 1:
        return day.replace(tzinfo=SHANGHAI), Precision.MINUTE
    if kind == 2:
        return day.replace(tzinfo=UTC), Precision.MINUTE
    if kind == 3:
        edge = rng.choice((timedelta(minutes=-1), timedelta(minutes=1)))
        return (day + edge).replace(tzinfo=SHANGHAI), Precision.MINUTE
    minute = timedelta(minutes=rng.randrange(24 * 60))
    return (day + minute).replace(tzinfo=SHANGHAI), Precision.MINUTE


def _text(rng: random.Random, length: int, rich: bool | str) -> str:
    """About ``length`` characters of words, ideographs, punctuation, Latin and spaces."""
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice(WORDS))
        elif roll < 0.65:
            parts.append(rng.choice(IDEOGRAPHS))
        elif roll < 0.75:
            parts.append(rng.choice(PUNCTUATION))
        elif roll < 0.83:
            parts.append(rng.choice(LATIN))
        elif roll < 0.9:
            parts.append(rng.choice(SPACES) if rich else " ")
        elif rich:
            parts.append(MARKED if rich == "marked" and roll > 0.98 else rng.choice(RICH))
    return "".join(parts)[:length] if rng.random() < 0.5 else "".join(parts)


def _revised(rng: random.Random, a: Article, sources: list[str], moments: list) -> Article:
    """A new version: a changed body, title, source, channel or day (or several)."""
    changes: dict[str, object] = {}
    rich = rng.choice((False, True, "marked"))
    for change in rng.sample(["body", "title", "source", "channel", "day"], rng.randint(1, 3)):
        if change == "body":
            changes["body"] = _mutated(rng, a.body, rich)
        elif change == "title":
            changes["title"] = _text(rng, rng.randint(0, 30), rich)
        elif change == "source":
            changes["source"] = rng.choice([s for s in sources if s != a.source])
        elif change == "channel":
            changes["channel"] = rng.choice([c for c in CHANNELS if c != a.channel])
        else:
            published, precision = rng.choice(moments)
            changes.update(published_at=published, published_precision=precision)
    revised = dataclasses.replace(a, **changes)
    # the content hash leaves out source and channel: a change of those alone is no version
    if revised.content_hash() == a.content_hash():
        revised = dataclasses.replace(revised, body=revised.body + rng.choice(WORDS))
    return revised


def _mutated(rng: random.Random, body: str, rich: bool | str) -> str:
    cut = rng.randint(0, len(body))
    return body[:cut] + _text(rng, rng.randint(1, 80), rich) + body[cut + rng.randint(0, 40) :]


# -- rules ---------------------------------------------------------------------------------


def rules(seed: int, articles: list[Article], count: int) -> list[str]:
    """Rules that parse, of every shape the language has, on terms from ``articles``."""
    rng = random.Random(seed * 7919 + 1)
    texts = [t for a in articles for t in (a.title, a.body) if t]
    out: list[str] = []
    shapes = [_single, _one_character, _pair, _either, _negated, _grouped, _excluding]
    shapes += [_excluding, _excluding, _two_contexts, _neighbour, _lone_minus, _nested]
    shapes += [_ideographic, _deep]
    while len(out) < count:
        rule = rng.choice(shapes)(rng, texts)
        try:
            parse(rule)
        except QueryError:
            continue
        out.append(rule)
    return out


def _term(rng: random.Random, texts: list[str], length: int | None = None) -> str:
    """A term as written: a piece of an article as stored (1–5 characters), sometimes in
    other forms that fold to it (full-width, other case), or absent from every article."""
    if rng.random() < 0.12:
        return "".join(rng.choice(IDEOGRAPHS + "ＡｂカéZ") for _ in range(rng.randint(1, 5)))
    text = rng.choice(texts)
    length = length or rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
    start = rng.randrange(max(1, len(text) - length + 1))
    piece = text[start : start + length]
    if rng.random() < 0.2:
        piece = _widened(rng, piece)
    elif rng.random() < 0.1:
        piece = _twin(rng, piece)
    return piece


def _twin(rng: random.Random, piece: str) -> str:
    """The piece with what the SQLite index could take for its own characters: a "," made
    its moved form U+F002C (or the reverse), or the end mark U+F1000 after it."""
    if "," in piece or "\U000f002c" in piece:
        return piece.translate({ord(","): "\U000f002c", 0xF002C: ","})
    return piece + rng.choice((",", "\U000f002c", "\U000f1000"))


def _widened(rng: random.Random, piece: str) -> str:
    """Full-width or case-flipped forms of the piece's ASCII: the store must fold them."""
    out = []
    for c in piece:
        if "!" <= c <= "~" and rng.random() < 0.7:
            c = chr(ord(c) + 0xFEE0)
        elif c.isascii() and c.isalpha():
            c = c.swapcase()
        out.append(c)
    return "".join(out)


def quoted(term: str) -> str:
    """The term as the parser reads it back: quoted if it holds spaces, parentheses, quotes, an
    operator or a leading minus (after NFKC, as the parser folds its input)."""
    folded = unicodedata.normalize("NFKC", term)
    plain = not any(c.isspace() or c in '()"“' for c in folded)
    if plain and folded not in ("AND", "OR", "NOT") and not folded.startswith("-"):
        return term
    if '"' not in folded:
        return f'"{term}"'
    return f"“{term.replace('”', '')}”"


def _context(rng: random.Random, texts: list[str], term: str) -> str:
    """A context of ``term``: its normal form extended on the left, the right or both by
    what surrounds one of its occurrences in the corpus (or by random characters)."""
    needle = normalize(term).strip()
    found = [(t, at) for t in map(normal, texts) if (at := t.find(needle)) != -1]
    left, right = rng.choice(((1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (2, 1)))
    left, right = rng.randint(0, left), rng.randint(0, right) or (0 if left else 1)
    if found and rng.random() < 0.85:
        text, at = rng.choice(found)
        return text[max(0, at - left) : at + len(needle) + right]
    return "".join(rng.choice(IDEOGRAPHS) for _ in range(left)) + needle + rng.choice(IDEOGRAPHS)


def _single(rng: random.Random, texts: list[str]) -> str:
    term = _term(rng, texts)
    if rng.random() < 0.3 and not any(c in term for c in '"“”'):
        return rng.choice((f'"{term}"', f"“{term}”"))  # quoted though it need not be
    return quoted(term)


def _one_character(rng: random.Random, texts: list[str]) -> str:
    return quoted(_term(rng, texts, 1))


def _pair(rng: random.Random, texts: list[str]) -> str:
    joiner = rng.choice((" ", " AND ", " ＡＮＤ "))
    return quoted(_term(rng, texts)) + joiner + quoted(_term(rng, texts))


def _either(rng: random.Random, texts: list[str]) -> str:
    terms = [quoted(_term(rng, texts)) for _ in range(rng.randint(2, 3))]
    return " OR ".join(terms)


def _negated(rng: random.Random, texts: list[str]) -> str:
    term, other = quoted(_term(rng, texts)), quoted(_term(rng, texts, rng.randint(1, 3)))
    return rng.choice((f"{term} NOT {other}", f"{term} -{other}", f"NOT {other}"))


def _grouped(rng: random.Random, texts: list[str]) -> str:
    a, b, c, d = (quoted(_term(rng, texts)) for _ in range(4))
    return rng.choice((f"({a} OR {b}) {c}", f"({a} OR {b}) NOT ({c} OR {d})", f"（{a} OR {b}）"))


def _excluding(rng: random.Random, texts: list[str]) -> str:
    term = _term(rng, texts, rng.choice((1, 2, 2, 3)))
    return f"{quoted(term)} -{quoted(_context(rng, texts, term))}"


def _two_contexts(rng: random.Random, texts: list[str]) -> str:
    term = _term(rng, texts, rng.choice((1, 2, 3)))
    contexts = [_context(rng, texts, term) for _ in range(rng.randint(2, 3))]
    if rng.random() < 0.3:  # one that does not hold the term: a plain NOT
        contexts.append(_term(rng, texts, 2))
    return quoted(term) + "".join(f" -{quoted(c)}" for c in contexts)


def _neighbour(rng: random.Random, texts: list[str]) -> str:
    """Two characters and a context one character longer: the positions' path; often with
    a separator in them, which the index holds as a moved character."""
    term = _term(rng, texts, 2)
    if rng.random() < 0.5:
        pairs = [t[i : i + 2] for t in map(normal, texts) for i in _separators(t)]
        term = rng.choice(pairs) if pairs else term
    needle = normalize(term).strip()
    # from a text holding it once: excluding its context leaves that article none
    found = [(t, t.find(needle)) for t in map(normal, texts) if t.count(needle) == 1]
    if not found or len(needle) != 2:
        return _excluding(rng, texts)
    text, at = rng.choice(found)
    if rng.random() < 0.5 and at > 0:
        context = text[at - 1 : at + 2]
    else:
        context = text[at : at + 3] if at + 3 <= len(text) else needle + rng.choice(IDEOGRAPHS)
    return f"{quoted(term)} -{quoted(context)}"


def _separators(text: str) -> list[int]:
    """Where a two-character window of ``text`` holds an ASCII separator (not a space)."""
    return [i for i in range(len(text) - 1) if set(text[i : i + 2]) & set(",.();:-#&_[]@~")]


def _ideographic(rng: random.Random, texts: list[str]) -> str:
    """Words only, an exclusion among them: the whole rule runs as SQL on stored text."""
    term, other = rng.choice(WORDS), rng.choice(WORDS)
    excluding = f"{term} -{_context(rng, texts, term)}"
    shapes = (f"{excluding} NOT {other}", f"({excluding}) -{other}", f"{excluding} {other}")
    return rng.choice(shapes)


def _deep(rng: random.Random, texts: list[str]) -> str:
    """Exclusions under NOT and OR, and a context beside a group (so a plain NOT)."""
    excluding, a, b = _excluding(rng, texts), _term(rng, texts), _term(rng, texts)
    a, b, around = quoted(a), quoted(b), quoted(_context(rng, texts, a))
    shapes = [f"NOT ({excluding})", f"-({excluding})", f"({a} OR {b}) -{around}"]
    shapes += [f"(({a} OR {b}) ({excluding} OR NOT {a}))", f"{a} OR {b} OR ({excluding})"]
    return rng.choice(shapes)


def _lone_minus(rng: random.Random, texts: list[str]) -> str:
    return f"-{quoted(_term(rng, texts))}"


def _nested(rng: random.Random, texts: list[str]) -> str:
    excluding = _excluding(rng, texts)
    other = quoted(_term(rng, texts))
    return rng.choice(
        (f"({excluding}) OR {other}", f"{other} ({excluding})", f"{excluding} {other}")
    )


# -- truth -----------------------------------------------------------------------------------


@functools.cache
def normal(text: str) -> str:
    """``normalize``, once per text: the truth asks for every article's on every rule."""
    return normalize(text)


def matching(query: Query, articles: list[Article], filters: dict[str, object]) -> list[Article]:
    """The articles that satisfy ``query`` and the filters, by the plain definition."""
    since, until = filters.get("since"), filters.get("until")
    return [
        a
        for a in articles
        if filters.get("source") in (None, a.source)
        and filters.get("channel") in (None, a.channel)
        and (since is None or a.published_at >= since)
        and (until is None or a.published_at < until)
        and query.matches_text(normal(a.title), normal(a.body))
    ]


def title_hit(query: Query, a: Article) -> bool:
    """Whether a positive term shows in the title: the first ranking tier."""
    return bool(query.highlight_spans(normal(a.title)))


def rank(query: Query, a: Article) -> tuple[bool, datetime]:
    """The page order's key, descending: title hits first, then newest first."""
    return title_hit(query, a), a.published_at


def ranked(query: Query, found: list[Article]) -> list[Article]:
    """The page order of ``store.base``: by ``rank`` descending, then by id ascending."""
    by_id = sorted(found, key=lambda a: article_id(a.url))
    return sorted(by_id, key=lambda a: rank(query, a), reverse=True)


def buckets(found: list[Article], bucket: str) -> dict[str, dict[str, int]]:
    """Matches per Asia/Shanghai day (YYYY-MM-DD) or month (YYYY-MM) and source."""
    width = 10 if bucket == "day" else 7
    out: dict[str, Counter[str]] = {}
    for a in found:
        label = a.published_at.astimezone(SHANGHAI).date().isoformat()[:width]
        out.setdefault(label, Counter())[a.source] += 1
    return {label: dict(out[label]) for label in sorted(out)}


def filter_sets(seed: int, articles: list[Article]) -> list[dict[str, object]]:
    """No filter, each filter alone and together: times are Shanghai midnights, UTC midnights
    and articles' own publication times (since is inclusive, until exclusive)."""
    rng = random.Random(seed * 31 + 5)
    moments = sorted({a.published_at for a in articles})
    middle = moments[len(moments) // 2]
    midnight = middle.astimezone(SHANGHAI).replace(hour=0, minute=0)
    utc_midnight = middle.astimezone(UTC).replace(hour=0, minute=0)
    sources = sorted({a.source for a in articles})
    return [
        {},
        {"source": rng.choice(sources)},
        {"channel": "经济"},
        {"since": rng.choice(moments)},
        {"until": midnight, "source": rng.choice(sources)},
        {"since": utc_midnight, "until": rng.choice(moments[len(moments) // 2 :])},
        {"since": midnight.astimezone(SHANGHAI), "channel": "时政", "until": moments[-1]},
        {"since": middle, "until": middle},  # nothing: since is inclusive, until exclusive
        {"source": "无此来源"},
        {"channel": "无此频道", "since": moments[0]},
    ]
