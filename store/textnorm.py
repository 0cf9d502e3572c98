"""One normal form for matching Chinese and Latin text, with a map back to the original.

Search, alert rules and highlighting all match on this form, so ``ＡＩ`` finds ``ai``,
``（钱塘）`` finds ``(钱塘)``, and a highlight still lands on the characters the reader sees.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class NormalText:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the original text of normalised char i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) back to the original text."""
        if start >= end:
            return (self.origin[start] if start < len(self.origin) else start,) * 2
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> str:
    """NFKC, case-folded, every whitespace run made one space."""
    return normalize_with_map(text).text


def normalize_with_map(text: str) -> NormalText:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        for c in folded:
            if c.isspace():
                if out and out[-1] == " ":
                    continue
                c = " "
            out.append(c)
            origin.append(i)
    return NormalText("".join(out), tuple(origin))
