"""One normal form for matching Chinese and Latin text, with a map back to the original.

Search, alert rules and highlighting all match on this form, so ``ＡＩ`` finds ``ai``,
``（钱塘）`` finds ``(钱塘)``, ``café`` finds ``cafe\u0301``, and a highlight still lands on
the characters the reader sees.

Speed: most characters of a Chinese article (ideographs, kana, ASCII) are their own normal
form and their own grapheme cluster. Only runs of the other characters (full-width
punctuation, ``…``, ``①``, whitespace) are folded one by one; the grapheme-cluster loop is
kept for text with combining marks, where a base and its marks must be folded together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

MARK = regex.compile(r"\p{M}")  # a combining mark: characters must be folded in clusters
_CLUSTER = regex.compile(r"\X")  # an extended grapheme cluster: a base and its marks
# Exactly str.isspace(): regex's \s disagrees on a few control characters (U+001C…U+001F).
SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # none lies above U+3000
_WHITESPACE = regex.compile(f"[{regex.escape(SPACES)}]+")


@dataclass(frozen=True)
class NormalText:
    text: str
    starts: tuple[int, ...]  # starts[i]: where normalised char i comes from in the original
    ends: tuple[int, ...]  # ends[i]: the end of that original cluster

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) back to the original text."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else (self.ends or (0,))[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]


class _FoldTable(dict[int, str]):
    """Per-character NFKC + casefold, computed once per character, for str.translate."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold(chr(code))
        return folded


_FOLD = _FoldTable()


@cache
def fold(cluster: str) -> str:
    """One character's or cluster's normal form: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", cluster).casefold()


# Where plain characters are looked for: ASCII, Latin-1, general punctuation, CJK punctuation,
# kana, and the CJK ideographs.
_CANDIDATES = [(0x21, 0x7E), (0xA1, 0x24F), (0x2010, 0x2027), (0x3001, 0x30FF)]
_CANDIDATES += [(0x3400, 0x4DBF), (0x4E00, 0x9FFF)]


def _is_plain(c: str) -> bool:
    """Its own normal form, not whitespace, and never part of a larger grapheme cluster."""
    return fold(c) == c and not c.isspace() and not _JOINS.match(c)


def _plain_class() -> str:
    ranges: list[list[int]] = []
    for first, last in _CANDIDATES:
        for code in range(first, last + 1):
            if not _is_plain(chr(code)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges
    )


# A character that may join its neighbours in a grapheme cluster (marks, ZWJ, prepended
# characters, jamo, regional indicators, pictographs, CR before LF). Without one, every
# character is a cluster of its own and may be folded alone.
_JOINS = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\p{GCB=LF}\r]|\p{ExtPict}|\r\n")
# Runs of the other characters (combining marks among them: they join clusters, so are never
# plain). Stdlib re: 10x faster than regex on this class.
_SPECIAL_RUN = re.compile(f"[^{_plain_class()}]+")
_WHITESPACE_RUN = re.compile(f"[{re.escape(SPACES)}]+")
_SPACE_RUN = re.compile(" {2,}")


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD)


def normalize(text: str) -> str:
    """NFKC, case-folded, every whitespace run made one space (= normalize_with_map().text)."""
    return _normalized(text, _specials(text))


def normalize_noting_raw(text: str) -> tuple[str, bool]:
    """``normalize(text)`` and ``ideographs_match_raw(text)``, from one look at the text."""
    specials = _specials(text)
    return _normalized(text, specials), _raw_exact(specials)


def _specials(text: str) -> str:
    """The distinct characters of ``text`` that are not their own plain normal form."""
    return "".join(set("".join(_SPECIAL_RUN.findall(text))))


def _normalized(text: str, specials: str) -> str:
    if MARK.search(specials):  # marks are never plain, so they are among the specials
        return normalize_with_map(text).text
    return _fold_specials(text, specials)


def _fold_specials(text: str, specials: str) -> str:
    """Each character not its own normal form folded, each whitespace run made one space. An
    article has a few distinct such characters (，：（）\n) many times over: replacing each
    distinct one is several times faster than a callback per run, and the same unless a
    fold makes another of them (µ → μ)."""
    folds = [(c, _FOLD[ord(c)]) for c in specials]
    if any(x != c and x in specials for c, folded in folds for x in folded):
        return _WHITESPACE_RUN.sub(" ", _SPECIAL_RUN.sub(_fold_run, text))
    spaces = set()
    for c, folded in folds:
        if folded != c:
            text = text.replace(c, folded)
        spaces.update(x for x in folded if x.isspace())
    for space in spaces - {" "}:
        text = text.replace(space, " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def normalize_with_map(text: str) -> NormalText:
    if not MARK.search(text):
        folded = normalize(text)
        # Nothing shrank (so nothing grew, … and ① against runs of spaces): one for one
        if (
            len(folded) == len(text)
            and not _WHITESPACE_PAIR.search(text)
            and not _SPACE_BRINGING.search(text)
        ):
            return NormalText(folded, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
        if not _JOINS.search(text):  # every character is its own cluster (…, ①, ㈠, spaces)
            return _map_by_characters(text)
    out = _Builder()
    for match in _CLUSTER.finditer(text):
        out.cluster(match.start(), match.end(), fold(match.group()))
    return out.result()


class _Builder:
    """The normalised text and its map, appended cluster by cluster."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.space = False  # the last normalised character is a space

    def plain(self, start: int, end: int, text: str) -> None:
        """Characters that are their own normal form and cluster: the identity map."""
        if start < end:
            self.out.append(text[start:end])
            self.starts.extend(range(start, end))
            self.ends.extend(range(start + 1, end + 1))
            self.space = False

    def cluster(self, start: int, end: int, folded: str) -> None:
        for c in folded:
            if c.isspace():
                if self.space:
                    self.ends[-1] = end
                    continue
                c = " "
            self.out.append(c)
            self.starts.append(start)
            self.ends.append(end)
            self.space = c == " "

    def result(self) -> NormalText:
        return NormalText("".join(self.out), tuple(self.starts), tuple(self.ends))


def _map_by_characters(text: str) -> NormalText:
    """The map with per-character work only where one character does not fold into one
    non-space character (…, ①, whitespace); elsewhere the map is the identity."""
    out = _Builder()
    done = 0
    for match in _SPECIAL_RUN.finditer(text):
        for i in range(match.start(), match.end()):
            if _ONE_FOR_ONE[ord(text[i])]:
                continue
            out.plain(done, i, text)
            out.cluster(i, i + 1, _FOLD[ord(text[i])])
            done = i + 1
    out.plain(done, len(text), text)
    folded = normalize(text)  # the characters; the builder kept the unfolded ones in place
    return NormalText(folded, tuple(out.starts), tuple(out.ends))


class _OneForOne(dict[int, bool]):
    """Whether a character folds into exactly one character, and neither is a space."""

    def __missing__(self, code: int) -> bool:
        c, folded = chr(code), _FOLD[code]
        one = self[code] = len(folded) == 1 and not c.isspace() and not folded.isspace()
        return one


_ONE_FOR_ONE = _OneForOne()

_WHITESPACE_PAIR = re.compile(f"[{re.escape(SPACES)}]{{2}}")  # a run that shrinks to one space
# A character whose normal form brings a space (¨ → " ̈"), which merges with a neighbouring
# one: besides whitespace runs, the only way normalising shrinks a text.
_SPACE_BRINGING = re.compile(
    "["
    + "".join(
        re.escape(chr(c))
        for c in range(0x30000)
        if unicodedata.decomposition(chr(c))
        and not chr(c).isspace()
        and any(f.isspace() for f in fold(chr(c)))
    )
    + "]"
)


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def is_ideographs(text: str) -> bool:
    """True if ``text`` is CJK ideographs only (all plain: their own normal form)."""
    return bool(text) and _IDEOGRAPH.sub("", text) == ""


def ideographs_match_raw(text: str) -> bool:
    """True if strings of CJK ideographs occur in ``text`` exactly where they occur in
    ``normalize(text)``: no combining mark, and no character folds into an ideograph or into
    nothing. Then a search for ideographs may look at the text as stored."""
    return _raw_exact(_specials(text))


def _raw_exact(specials: str) -> bool:
    if MARK.search(specials):
        return False
    return not any(not (folded := _FOLD[ord(c)]) or _IDEOGRAPH.search(folded) for c in specials)
