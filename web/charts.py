"""Stacked bar charts as plain geometry for the SVG template (web/templates/chart.html).

Each bar sits centred in its slot and its x label is centred on the same slot, so labels
stay under their bars whatever the number of bars. The y axis ends at a round maximum
(1, 2 or 5 times a power of ten per gridline), so a reader can tell 3 from 30.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

# (name, viewBox width, height, most x labels): the SVG scales to its container, so the
# phone's view is drawn narrow rather than shrunk into unreadable text.
VIEWS = (("wide", 900, 240, 12), ("narrow", 380, 220, 4))
LEFT, RIGHT, TOP, BOTTOM = 40, 24, 12, 34  # room for the y ticks and the x labels
MAX_BAR = 44


@dataclass(frozen=True)
class Bar:
    key: str
    source: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str | None
    tip: str


@dataclass(frozen=True)
class Label:
    key: str
    text: str
    x: float


@dataclass(frozen=True)
class View:
    """The chart drawn for one width: ``wide`` for desktops, ``narrow`` for phones (fewer
    labels, the same user-unit font size, so text stays legible when the SVG scales down)."""

    name: str
    width: int
    height: int
    left: int
    right: int
    baseline: int
    ticks: list[tuple[int, float]]  # (value, y)
    bars: list[Bar]
    labels: list[Label]


@dataclass
class Chart:
    title: str
    aria: str
    peak: int
    top: int  # the y axis' maximum
    views: list[View]
    table: list[tuple[str, list[int]]]  # (label, count per source) of the non-empty rows
    sources: list[str]
    total: int
    empty_text: str = ""
    colours: dict[str, str] = field(default_factory=dict)


def axis_top(peak: int) -> tuple[int, int]:
    """(maximum, step) of a y axis for counts up to ``peak``: at most 5 gridlines, round steps."""
    if peak <= 0:
        return 1, 1
    magnitude = 10 ** max(0, math.floor(math.log10(peak / 5)) if peak > 5 else 0)
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if step * 5 >= peak:
            return step * math.ceil(peak / step), step
    raise AssertionError("unreachable: 10 × magnitude always covers the peak")


def bar_chart(
    rows: list[dict[str, object]],
    sources: list[str],
    *,
    title: str,
    names: dict[str, str],
    colours: dict[str, str],
    label: Callable[[str], str] = str,
    href: Callable[[str, str], str | None] = lambda key, source: None,
    empty_text: str = "nothing in this range",
) -> Chart:
    """One stacked bar per row (``{"day": key, source: count, …}``), one colour per source."""
    totals = [sum(int(row.get(s) or 0) for s in sources) for row in rows]
    peak = max(totals, default=0)
    top, step = axis_top(peak)
    views = [
        _view(name, width, height, labels, rows, sources, top, step, names, label, href)
        for name, width, height, labels in VIEWS
    ]
    total = sum(totals)
    if total:
        at = rows[totals.index(peak)]["day"]
        span = f"{label(str(rows[0]['day']))} to {label(str(rows[-1]['day']))}"
        aria = f"{title}, {span}: {total} in all, at most {peak} on {label(str(at))}"
    else:
        aria = f"{title}: {empty_text}"
    return Chart(
        title=title,
        aria=aria,
        peak=peak,
        top=top,
        views=views,
        table=[
            (label(str(row["day"])), [int(row.get(s) or 0) for s in sources])
            for row, n in zip(rows, totals, strict=True)
            if n
        ],
        sources=sources,
        total=total,
        empty_text=empty_text,
        colours=colours,
    )


def _view(
    name: str,
    width: int,
    height: int,
    max_labels: int,
    rows: list[dict[str, object]],
    sources: list[str],
    top: int,
    step: int,
    names: dict[str, str],
    label: Callable[[str], str],
    href: Callable[[str, str], str | None],
) -> View:
    baseline = height - BOTTOM
    scale = (baseline - TOP) / top
    slot = (width - RIGHT - LEFT) / max(1, len(rows))
    bar_width = min(slot * 0.7, MAX_BAR)
    every = max(1, math.ceil(len(rows) / max_labels))
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, row in enumerate(rows):
        key = str(row["day"])
        centre = LEFT + slot * (i + 0.5)
        y = float(baseline)
        for source in sources:
            count = int(row.get(source) or 0)
            if not count:
                continue
            h = count * scale
            y -= h
            tip = f"{label(key)} · {names.get(source, source)}: {count}"
            x = centre - bar_width / 2
            bars.append(Bar(key, source, count, x, y, bar_width, h, href(key, source), tip))
        last_apart = i == len(rows) - 1 and i % every >= every / 2  # not on its neighbour
        if i % every == 0 or last_apart:
            labels.append(Label(key, label(key), centre))
    ticks = [(v, baseline - v * scale) for v in range(0, top + 1, step)]
    return View(name, width, height, LEFT, width - RIGHT, baseline, ticks, bars, labels)
