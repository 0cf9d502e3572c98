"""Tidewatch keeps time in Asia/Shanghai, as ISO 8601 with +08:00: text order is time order."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(SHANGHAI).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO 8601 in Shanghai time; naive datetimes are taken as Shanghai local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI).isoformat()


def parse_since(text: str) -> datetime:
    """``2019-01-16`` (midnight in Shanghai) or a full ISO 8601 time; ValueError otherwise."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time(), SHANGHAI)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
