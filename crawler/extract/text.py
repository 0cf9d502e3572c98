"""Text as a reader sees it: control characters gone, whitespace normalised, padding trimmed."""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline (ESC of terminal colour codes, NUL, U+0085 …),
# plus the BOM and zero-width characters that editors paste into titles.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u200b-\u200d\u2060]")
# What a terminal colour code leaves once its ESC is gone: "[31m"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

CHINESE_PUNCTUATION = frozenset("，。！？；：“”、‘’（）《》…—")


def strip_controls(text: str) -> str:
    """``text`` without control characters (newline and tab stay): never stored, never shown."""
    if not _CONTROL.search(text):  # the usual case; a colour code needs ESC, a control too
        return text
    return _CONTROL.sub("", _ANSI.sub("", text))


def clean_line(text: str) -> str:
    """One line: controls removed, every run of spaces (full-width too) one space, trimmed."""
    return _SPACES.sub(" ", strip_controls(text).replace("\n", " ")).strip()


def clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_line(value) or None


def punctuation_count(text: str) -> int:
    return sum(1 for ch in text if ch in CHINESE_PUNCTUATION)


def visible_length(text: str) -> int:
    """Characters that are not whitespace."""
    return len(text) - sum(1 for ch in text if ch.isspace())
