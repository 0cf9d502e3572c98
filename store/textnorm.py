"""One normal form for matching Chinese and Latin text, with a map back to the original.

Search, alert rules and highlighting all match on this form, so ``ＡＩ`` finds ``ai``,
``（钱塘）`` finds ``(钱塘)``, ``café`` finds ``cafe\u0301``, and a highlight still lands on
the characters the reader sees.

Speed: most characters of a Chinese article (ideographs, kana, ASCII) are their own normal
form and their own grapheme cluster. Only runs of the other characters (full-width
punctuation, ``…``, ``①``, whitespace) are folded one by one; the grapheme-cluster loop is
kept for text with combining marks, where a base and its marks must be folded together.
``NormalForm`` is ``normalize``'s text with the map built only when first asked (the alert
matcher normalises every article and maps a few), from the characters that change length.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import regex

MARK = regex.compile(r"\p{M}")  # a combining mark: characters must be folded in clusters
_CLUSTER = regex.compile(r"\X")  # an extended grapheme cluster: a base and its marks
# Exactly str.isspace(): regex's \s disagrees on a few control characters (U+001C…U+001F).
SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # none lies above U+3000
_WHITESPACE = regex.compile(f"[{regex.escape(SPACES)}]+")
_SPACE_SET = frozenset(SPACES)


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


def _specials(text: str) -> set[str]:
    """The distinct characters of ``text`` that are not plain (see _is_plain)."""
    return set("".join(_SPECIAL_RUN.findall(text)))


def _marked(specials: set[str]) -> bool:
    """Whether the text holds a combining mark: marks are never plain, so they are among its
    specials (a few characters, where the whole text is thousands)."""
    return bool(MARK.search("".join(specials)))


# What NFKC composes with the character before it, so that a text holding one must be folded
# in clusters: a combining mark, a conjoining jamo (ᄒ ᅡ ᆫ is 한), and characters that fold
# into one (ﾞ folds into U+3099: ｶﾞ is ガ)
_COMPOSES = regex.compile(r"[\p{M}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")


@cache
def _composes(char: str) -> bool:
    return bool(_COMPOSES.search(char + _FOLD[ord(char)]))


def _composing(specials: set[str]) -> bool:
    """Whether folding the text character by character could differ from folding its
    clusters: such characters are never plain, so they are among its specials."""
    return any(map(_composes, specials))


def _normalized(text: str, specials: set[str]) -> str:
    if _composing(specials):
        return normalize_with_map(text).text
    return _fold_specials(text, specials)


def _fold_specials(text: str, specials: set[str]) -> str:
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


class NormalForm:
    """``normalize(original)`` as ``text``, and a map of its positions back to the original
    that is built only when first asked (most texts a matcher normalises have no hit), at the
    cost of the few characters that do not fold one for one (…, ①, runs of spaces) instead of
    one entry per character. It answers as normalize_with_map(original).span."""

    def __init__(self, original: str) -> None:
        self.original = original
        self._full: NormalText | None = None
        self._pieces: _Pieces | None = None
        self._specials = _specials(original)
        if _composing(self._specials):
            self._full = normalize_with_map(original)
            self.text = self._full.text
        else:
            self.text = _fold_specials(original, self._specials)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty normalised [start, end) back to the original text."""
        return self.spans([(start, end)])[0]

    def spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``span`` of each (non-empty) span."""
        if self._full is None and self._pieces is None:
            self._pieces = _Pieces.of(self.original, self.text, self._specials)
            if self._pieces is None:  # a character joins its neighbours: the full map
                self._full = normalize_with_map(self.original)
        if self._full is not None:
            return [self._full.span(s, e) for s, e in spans]
        assert self._pieces is not None
        return self._pieces.spans(spans)


class _Pieces:
    """Normalised positions back to the original, from the places where normalising is not
    one character for one; elsewhere a position moves by the growth of the pieces before it."""

    __slots__ = ("pieces", "starts")

    def __init__(self, starts: list[int], pieces: list[tuple[int, int, int, int]]) -> None:
        self.starts = starts  # normalised start of each piece
        self.pieces = pieces  # (normalised end, original start, original end, shift after)

    @staticmethod
    def of(original: str, normal: str, specials: set[str]) -> _Pieces | None:
        """The pieces of a text without marks (None if a fold brings a space or a mark,
        which joins its neighbours: ¨ → " ̈", ﾞ → U+3099)."""
        changes: list[tuple[int, int, int]] = []  # (original start, end, normalised length)
        grown = 0
        for c in specials:
            if c in _SPACE_SET:
                continue
            length = _FOLDED_LENGTH[ord(c)]
            if length < 0:
                return None
            if length != 1:
                at = original.find(c)
                while at != -1:
                    changes.append((at, at + 1, length))
                    grown += length - 1
                    at = original.find(c, at + 1)
        if len(original) + grown != len(normal):  # only runs of spaces can account for it
            changes.extend(_space_runs(original, specials & _SPACE_SET))
        changes.sort()
        starts, pieces, shift = [], [], 0  # shift: normalised minus original position
        for o0, o1, length in changes:
            n0 = o0 + shift
            shift += length - (o1 - o0)
            starts.append(n0)
            pieces.append((n0 + length, o0, o1, shift))
        if len(original) + shift != len(normal):  # what the pieces miss: the full map knows
            return None
        return _Pieces(starts, pieces)

    def spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not self.pieces:
            return list(spans)  # one character for one throughout
        starts, pieces, out = self.starts, self.pieces, []
        count = len(starts)
        for s, e in spans:  # a common word may have dozens: the lookups inlined
            i = bisect.bisect_right(starts, s) - 1
            if i + 1 < count and starts[i + 1] <= e - 1:  # the end lies past another piece
                j = bisect.bisect_right(starts, e - 1) - 1
            else:
                j = i
            if i >= 0:
                n1, o0, _, shift = pieces[i]
                s = o0 if s < n1 else s - shift
            if j >= 0:
                n1, _, o1, shift = pieces[j]
                e = o1 if e - 1 < n1 else e - shift
            out.append((s, e))
        return out


class _FoldedLength(dict[int, int]):
    """The length of a character's normal form; -1 if it brings a space or a mark."""

    def __missing__(self, code: int) -> int:
        folded = _FOLD[code]
        joins = any(x.isspace() or MARK.match(x) for x in folded)
        length = self[code] = -1 if joins else len(folded)
        return length


_FOLDED_LENGTH = _FoldedLength()


def _starts_apart(text: str, needle: str) -> Iterator[int]:
    """Where ``needle`` starts, occurrences not overlapping."""
    at = text.find(needle)
    while at != -1:
        yield at
        at = text.find(needle, at + len(needle))


def _space_runs(text: str, spaces: set[str]) -> list[tuple[int, int, int]]:
    """(start, end, 1) of each run of two or more whitespace characters: found from the pairs
    of the ones the text holds (str.find), not by testing every character for whitespace."""
    runs: list[tuple[int, int, int]] = []
    for start in sorted({at for a in spaces for b in spaces for at in _starts_apart(text, a + b)}):
        if runs and start < runs[-1][1]:
            continue  # inside the run already found
        end = start + 2
        while end < len(text) and text[end] in _SPACE_SET:
            end += 1
        runs.append((start, end, 1))
    return runs


def normalize_with_map(text: str) -> NormalText:
    specials = _specials(text)
    if not _composing(specials):
        folded = _fold_specials(text, specials)
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


def _raw_exact(specials: set[str]) -> bool:
    if _marked(specials):
        return False
    return not any(not (folded := _FOLD[ord(c)]) or _IDEOGRAPH.search(folded) for c in specials)
