"""Publish times as Chinese news sites write them, made aware in Asia/Shanghai.

Every finder also says how precise the page was: ``2024年12月3日`` is a day
(``Precision.DAY``, kept as ``T00:00:00+08:00`` but never shown as 00:00), ``9:05`` a minute,
``09:05:12`` a second. No time of day is ever invented.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from model.article import Precision
from model.clock import SHANGHAI

_WEEKDAY = r"(?:\s*[(（]?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*[)）]?)?"
_TIME = (
    r"(?:[T\s]*(?:(?P<ampm>上午|早上|凌晨|中午|下午|晚上)\s*)?(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{1,2})(?!\d)"
    r"(?:\s*[:分]\s*(?P<s>\d{1,2})(?!\d)(?:\.\d+)?)?\s*(?:分|秒)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d))?)?"
)
_PATTERNS = [
    # 2019年1月16日 7:57 / 2019年1月16日7时57分 / 2019年01月16日 星期三 07:57:12
    re.compile(
        r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
        + _WEEKDAY
        + _TIME
    ),
    # 2025-03-09 11:20 / 2025/03/09 11:20:21 / 2026-10-02T16:11:41.000+08:00 / 2025.3.9
    re.compile(
        r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])"
        + _WEEKDAY
        + _TIME
    ),
]
# Labels that announce the publish time, best first; 更新 (updated) is a weaker claim.
PUBLISH_LABELS = (
    "发布时间",
    "发布日期",
    "发表时间",
    "发表日期",
    "发稿时间",
    "发文日期",
    "首发时间",
    "发布于",
    "发表于",
    "时间",
    "日期",
    "更新时间",
    "更新日期",
)
_LABEL = re.compile(
    r"(?P<label>" + "|".join(PUBLISH_LABELS) + r")\s*[:：]?\s*(?:\d{4}\s*年|\d{4}[-/.]\d)"
)

EARLIEST = date(1995, 1, 1)  # before Chinese news sites went online
FUTURE_SKEW = timedelta(hours=12)


@dataclass(frozen=True)
class Moment:
    """A time found on a page, how precise the page was, and where it sat in the text."""

    at: datetime
    precision: Precision
    position: int = 0
    label: str | None = None


def normalise(text: str) -> str:
    """Full-width digits, colons, hyphens and slashes as ASCII (NFKC keeps the length of CJK),
    and dates in Chinese numerals (二〇二四年十二月三日, official documents) in digits."""
    text = unicodedata.normalize("NFKC", text)
    if "〇" in text or "年" in text:
        text = _CHINESE_DATE.sub(_digits_date, text)
    return text


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_CHINESE_DATE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<mo>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)


def _digits_date(match: re.Match[str]) -> str:
    year = "".join(_CN_DIGITS[c] for c in match["y"])
    return f"{year}年{_cn_number(match['mo'])}月{_cn_number(match['d'])}日"


def _cn_number(text: str) -> int:
    """一 … 三十一: the numbers of months and days."""
    if "十" not in text:
        return int(_CN_DIGITS[text]) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return int(_CN_DIGITS.get(tens, "1") if tens else 1) * 10 + (
        int(_CN_DIGITS[ones]) if ones else 0
    )


def find_moments(text: str) -> list[Moment]:
    """Every valid date (and time) in ``text``, in order of position."""
    text = normalise(text)
    found: dict[int, Moment] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            moment = _moment(match)
            if moment and match.start() not in found:
                found[match.start()] = moment
    labels = [(m.end("label"), m["label"]) for m in _LABEL.finditer(text)]
    moments = []
    for position, moment in sorted(found.items()):
        label = next((name for end, name in labels if 0 <= position - end <= 3), None)
        moments.append(Moment(moment.at, moment.precision, position, label))
    return moments


_YEARLESS = re.compile(
    r"(?<![\d年/.:-])(?P<mo>\d{1,2})(?:\s*月\s*(?P<d1>\d{1,2})\s*日|-(?P<d2>\d{1,2}))\s*"
    r"(?:(?P<ampm>上午|早上|凌晨|中午|下午|晚上)\s*)?"
    r"(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})(?!\d)(?:\s*[:分]\s*(?P<s>\d{2})(?!\d))?"
)


def find_yearless(
    text: str, *, now: datetime | None = None, year: int | None = None
) -> Moment | None:
    """``12月3日 09:05`` or ``12-03 09:05`` (mobile pages): a year from the URL, else the latest
    year that does not put the time in the future. A time of day is required: a bare
    ``12-03`` is too easily something else.
    """
    text = normalise(text)
    latest = (now or datetime.now(SHANGHAI)) + FUTURE_SKEW
    for match in _YEARLESS.finditer(text):
        groups = {**match.groupdict(), "d": match["d1"] or match["d2"], "y": None}
        for candidate in [year] if year else [latest.year, latest.year - 1]:
            moment = _moment(_Groups(groups), candidate)
            if moment and moment.at <= latest:
                return Moment(moment.at, moment.precision, match.start())
    return None


class _Groups(dict):
    """Match-like access to a dict of groups, for ``_moment``."""

    def __getitem__(self, key: str) -> str | None:
        return self.get(key)


def find_published(
    text: str,
    *,
    now: datetime | None = None,
    earliest: date | None = None,
) -> tuple[datetime, Precision] | None:
    """The publish time in a piece of visible text (an info line, a byline paragraph).

    A time after a publish label (发布时间：…) wins over an unlabelled one, 发布 over 更新;
    otherwise the first plausible date. Times in the future or before ``earliest`` are not
    publish times.
    """
    moments = [m for m in find_moments(text) if plausible(m.at, now=now, earliest=earliest)]
    if not moments:
        return None
    best = min(moments, key=lambda m: (label_rank(m.label), m.position))
    return best.at, best.precision


def label_rank(label: str | None) -> int:
    return PUBLISH_LABELS.index(label) if label in PUBLISH_LABELS else len(PUBLISH_LABELS)


def plausible(
    moment: datetime, *, now: datetime | None = None, earliest: date | None = None
) -> bool:
    latest = (now or datetime.now(SHANGHAI)) + FUTURE_SKEW
    return (earliest or EARLIEST) <= moment.astimezone(SHANGHAI).date() and moment <= latest


def parse_datetime(text: str) -> datetime | None:
    """The first date (and time) in ``text``; local times are Asia/Shanghai."""
    found = parse_moment(text)
    return found.at if found else None


def parse_moment(text: str) -> Moment | None:
    """The first date (and time) in ``text`` with its precision."""
    text = normalise(text)
    found = [(m.start(), m) for p in _PATTERNS for m in [p.search(text)] if m]
    if not found:
        return None
    position, match = min(found, key=lambda item: item[0])
    moment = _moment(match)
    return Moment(moment.at, moment.precision, position) if moment else None


def parse_iso(text: str) -> Moment | None:
    """A machine-readable time (``<time datetime>``, metas, JSON-LD): ISO 8601 or a Chinese form.

    ``2024-12-03`` is a day; so is ``2024-12-03T00:00:00``: a CMS that stores dates only
    writes midnight, and a real story published at exactly 00:00:00 is rarer than that.
    """
    moment = parse_moment(text.strip())
    if moment is None:
        return None
    local = moment.at.astimezone(SHANGHAI)
    if moment.precision is not Precision.DAY and local.time() == datetime.min.time():
        return Moment(local, Precision.DAY, moment.position)
    return moment


def _moment(match: re.Match[str], year: int | None = None) -> Moment | None:
    hour, minute, second = match["h"], match["mi"], match["s"]
    if hour is not None and match["ampm"] in ("下午", "晚上") and int(hour) < 12:
        hour = str(int(hour) + 12)  # 下午3:05 is 15:05
    elif hour is not None and match["ampm"] == "中午" and int(hour) < 6:
        hour = str(int(hour) + 12)
    try:
        moment = datetime(
            year or int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
    except ValueError:
        return None  # 2019年2月30日: not a date, let the next method try
    if second is not None:
        precision = Precision.SECOND
    elif hour is not None:
        precision = Precision.MINUTE
    else:
        precision = Precision.DAY
    tz = match["tz"]
    if tz:
        offset = tz.replace("Z", "+00:00")
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        aware = datetime.fromisoformat(moment.isoformat() + offset).astimezone(SHANGHAI)
        return Moment(aware, precision)
    return Moment(moment.replace(tzinfo=SHANGHAI), precision)


# -- URL date paths --------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlDate:
    year: int
    month: int
    day: int | None  # /2024_12/ names a month only

    def moment(self) -> datetime | None:
        if self.day is None:
            return None
        return datetime(self.year, self.month, self.day, tzinfo=SHANGHAI)


_URL_DATES = [
    # /2024-12/03/, /2024/12/3/, /art/2024/12/3/, /2024_12_03/
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-_/](?P<mo>\d{1,2})[-_/](?P<d>\d{1,2})(?=[/_.])"),
    # /20241203/, /t20241203_123.html, /content_20241203_1.htm, /202412/03/, /2024/1203/
    re.compile(r"[/_t](?P<y>(?:19|20)\d{2})(?P<mo>[01]\d)(?P<d>[0-3]\d)(?=[/_.])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<mo>[01]\d)/(?P<d>[0-3]\d)(?=/)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<mo>[01]\d)(?P<d>[0-3]\d)(?=/)"),
    # /2024_12/, /2024-12/, /202412/: a month only
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-_]?(?P<mo>[01]?\d)(?=/)"),
]


def date_from_url(url: str) -> UrlDate | None:
    """The date an article URL's path carries, if any (the host is not looked at)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).split("?")[0]
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            day = match.groupdict().get("d")
            try:
                date(int(match["y"]), int(match["mo"]), int(day or 1))
            except ValueError:
                continue
            return UrlDate(int(match["y"]), int(match["mo"]), int(day) if day else None)
    return None


def from_epoch_ms(ms: int | str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, SHANGHAI)


def from_object_id(object_id: str) -> datetime | None:
    """MongoDB ObjectIds start with their creation time in Unix seconds (潮鸣号 post ids)."""
    if not re.fullmatch(r"[0-9a-fA-F]{24}", object_id):
        return None
    return datetime.fromtimestamp(int(object_id[:8], 16), SHANGHAI)
