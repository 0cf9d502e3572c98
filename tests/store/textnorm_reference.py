"""store.textnorm as it was before its fast paths, kept as the reference it must agree with.

Search, alert rules and highlighting all match on this form, so ``ＡＩ`` finds ``ai``,
``（钱塘）`` finds ``(钱塘)``, ``café`` finds ``cafe\u0301``, and a highlight still lands on
the characters the reader sees.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

# what NFKC composes with the character before it (a combining mark, a conjoining jamo), in
# the text or in a character's fold (ﾞ folds into U+3099): characters must be folded in clusters
_COMPOSES = regex.compile(r"[\p{M}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")
_CLUSTER = regex.compile(r"\X")  # an extended grapheme cluster: a base and its marks
# Exactly str.isspace(): regex's \s disagrees on a few control characters (U+001C…U+001F).
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # none lies above U+3000
_WHITESPACE = regex.compile(f"[{regex.escape(_SPACES)}]+")


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
        folded = self[code] = _fold(chr(code))
        return folded


_FOLD = _FoldTable()


@cache
def _fold(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster).casefold()


def _composes(text: str) -> bool:
    return bool(_COMPOSES.search(text) or _COMPOSES.search(text.translate(_FOLD)))


def normalize(text: str) -> str:
    """NFKC, case-folded, every whitespace run made one space (= normalize_with_map().text)."""
    if _composes(text):
        return normalize_with_map(text).text
    return _WHITESPACE.sub(" ", text.translate(_FOLD))  # the common case, at C speed


def normalize_with_map(text: str) -> NormalText:
    if not _composes(text):
        folded = normalize(text)
        # one character for one: the map is the identity (the same length alone is not
        # enough: in "㈠\t\t" an expansion and a shrinking run of spaces cancel out)
        if len(folded) == len(text) and all(len(_fold(c)) == 1 for c in text):
            return NormalText(folded, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _CLUSTER.finditer(text):
        for c in _fold(match.group()):
            if c.isspace():
                if out and out[-1] == " ":
                    ends[-1] = match.end()
                    continue
                c = " "
            out.append(c)
            starts.append(match.start())
            ends.append(match.end())
    return NormalText("".join(out), tuple(starts), tuple(ends))
