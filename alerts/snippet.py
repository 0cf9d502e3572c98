"""Digest snippets that read like text: whole sentences around the first hit, never a photo
caption or credit line, and the article's lead when only the title matched.

Chinese sentences end at 。！？ (or their ASCII twins), optionally followed by a closing quote
or bracket; a window is cut there, not in the middle of a word.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*")
CLAUSE_END = re.compile(r"[，、；;,：:]")
# 受访者供图 · 通讯员 陆俊 供图 · 会议现场。 记者 丁晓岚 摄 · （图片来源：视觉中国） · 图为…
CREDIT = re.compile(r"(供图|(?<!拍)摄|摄影|图片来源[:：]\S*|资料图片?|视觉中国|图虫创意)$")
CAPTION_START = re.compile(r"^(图为|图片来源|图源|上图|下图|左图|右图|题图)")
MAX_CAPTION = 100  # characters: a photo caption with its credit is short
LENGTH = 120  # characters a snippet aims for


def is_caption(line: str) -> bool:
    text = line.strip().strip("（）()【】[] ")
    if not text:
        return True
    if CAPTION_START.match(text):
        return True
    return len(text) <= MAX_CAPTION and bool(CREDIT.search(text))


def paragraphs(body: str) -> list[tuple[int, str]]:
    """(offset, text) of every line of the body."""
    out, at = [], 0
    for line in body.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def snippet(
    body: str, spans: list[tuple[int, int]], prefer: set[int] | None = None
) -> tuple[str, list[tuple[int, int]], int | None]:
    """A snippet of ``body`` around its first hit ``spans`` (offsets in body), with the hits
    re-based, and the index of the paragraph it came from. ``prefer``: paragraph indices to
    look in first (the paragraphs that changed). With no hit outside captions: the lead."""
    lines = paragraphs(body)
    readable = [i for i, (_, text) in enumerate(lines) if not is_caption(text)]
    order = [i for i in readable if prefer and i in prefer] + [
        i for i in readable if not (prefer and i in prefer)
    ]
    for index in order:
        start, text = lines[index]
        inside = [(s - start, e - start) for s, e in spans if start <= s and e <= start + len(text)]
        if inside:
            window, shifted = _window(text, inside)
            return window, shifted, index
    if not readable:
        return "", [], None
    index = readable[0]
    window, _ = _window(lines[index][1], [])
    return window, [], index


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Whole sentences from the one holding the first hit, up to about LENGTH characters."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    starts = [0, *ends[:-1]]
    anchor = spans[0][0] if spans else 0
    first = next(i for i, end in enumerate(ends) if anchor < end or end == len(text))
    begin, stop = starts[first], ends[first]
    for end in ends[first + 1 :]:
        if end - begin > LENGTH:
            break
        stop = end
    prefix = suffix = ""
    if stop - begin > LENGTH * 3 // 2:  # one very long sentence: cut at clauses around the hit
        begin = _clause_before(text, begin, anchor - LENGTH // 4)
        stop = _clause_after(text, max(anchor, begin) + LENGTH, stop)
        prefix = "…" if begin > starts[first] else ""
        suffix = "…" if stop < ends[first] else ""
    while begin < stop and text[begin].isspace():
        begin += 1
    shift = len(prefix) - begin
    window = prefix + text[begin:stop].strip() + suffix
    kept = [(s + shift, e + shift) for s, e in spans if begin <= s and e <= stop]
    return window, kept


def _clause_before(text: str, floor: int, at: int) -> int:
    cuts = [m.end() for m in CLAUSE_END.finditer(text, floor, max(floor, at))]
    return cuts[-1] if cuts else max(floor, at)


def _clause_after(text: str, at: int, ceiling: int) -> int:
    found = CLAUSE_END.search(text, min(at, ceiling), ceiling)
    return found.end() if found else min(at, ceiling)
