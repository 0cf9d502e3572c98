"""Publish times as Chinese news sites write them, made aware in Asia/Shanghai."""

from __future__ import annotations

import re
from datetime import datetime

from model.clock import SHANGHAI

_PATTERNS = [
    # 2019年1月16日 7:57 / 2019年1月16日7时57分 / 2019年01月16日 07:57:12
    re.compile(
        r"(?P<y>\d{4})\s*年\s*(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
        r"(?:\s*(?P<h>\d{1,2})\s*[:：时]\s*(?P<mi>\d{2})(?:\s*[:：分]\s*(?P<s>\d{2}))?)?"
    ),
    # 2025-03-09 11:20 / 2025/03/09 11:20:21 / 2026-10-02T16:11:41+08:00
    re.compile(
        r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:[T\s]+(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
    ),
]


def parse_datetime(text: str) -> datetime | None:
    """The first date (and time) in ``text``; local times are Asia/Shanghai."""
    found = [(m.start(), m) for p in _PATTERNS for m in [p.search(text)] if m]
    if not found:
        return None
    m = min(found, key=lambda item: item[0])[1]
    try:
        moment = datetime(
            int(m["y"]),
            int(m["mo"]),
            int(m["d"]),
            int(m["h"] or 0),
            int(m["mi"] or 0),
            int(m["s"] or 0),
        )
    except ValueError:
        return None  # 2019年2月30日: not a date, let the next method try
    tz = m.groupdict().get("tz")
    if tz:
        return datetime.fromisoformat(moment.isoformat() + tz.replace("Z", "+00:00")).astimezone(
            SHANGHAI
        )
    return moment.replace(tzinfo=SHANGHAI)


def from_epoch_ms(ms: int | str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, SHANGHAI)


def from_object_id(object_id: str) -> datetime | None:
    """MongoDB ObjectIds start with their creation time in Unix seconds (潮鸣号 post ids)."""
    if not re.fullmatch(r"[0-9a-fA-F]{24}", object_id):
        return None
    return datetime.fromtimestamp(int(object_id[:8], 16), SHANGHAI)
