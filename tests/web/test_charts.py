"""Chart geometry: round y-axis maxima, bars centred on their labels, at both widths."""

from __future__ import annotations

import pytest

from web.charts import VIEWS, axis_top, bar_chart


@pytest.mark.parametrize(
    ("peak", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (3, 3, 1), (6, 6, 2), (14, 15, 5), (120, 150, 50), (999, 1000, 200)],
)
def test_the_y_axis_ends_at_a_round_maximum_above_the_peak(peak: int, top: int, step: int) -> None:
    assert axis_top(peak) == (top, step)
    assert top >= peak and top // step <= 5


@pytest.mark.parametrize("days", [1, 2, 7, 30, 96, 365])
def test_every_label_sits_under_its_bars_and_inside_the_plot(days: int) -> None:
    rows = [{"day": f"k{n:03d}", "a": n % 4, "b": (n * 7) % 3} for n in range(days)]
    chart = bar_chart(rows, ["a", "b"], title="t", names={"a": "甲"}, colours={})
    assert [v.name for v in chart.views] == [name for name, *_ in VIEWS]
    for view, (_, _, _, most) in zip(chart.views, VIEWS, strict=True):
        assert 1 <= len(view.labels) <= most + 1
        for label in view.labels:
            assert view.left <= label.x <= view.right
            for bar in (b for b in view.bars if b.key == label.key):
                assert bar.x <= label.x <= bar.x + bar.width
                assert abs(bar.x + bar.width / 2 - label.x) < 1e-9
        for bar in view.bars:  # stacked bars stand on the baseline, below the top
            assert bar.y >= view.ticks[-1][1] - 1e-9 and bar.y + bar.height <= view.baseline + 1e-9


def test_values_are_in_tips_the_table_and_the_aria_label() -> None:
    rows = [{"day": "2026-12-01", "a": 3, "b": 2}, {"day": "2026-12-02"}]
    chart = bar_chart(
        rows, ["a", "b"], title="Articles", names={"a": "萧山网"}, colours={}, label=lambda k: k[5:]
    )
    assert chart.aria == "Articles, 12-01 to 12-02: 5 in all, at most 5 on 12-01"
    assert chart.table == [("12-01", [3, 2])]  # the empty day is left out
    tips = {b.tip for b in chart.views[0].bars}
    assert tips == {"12-01 · 萧山网: 3", "12-01 · b: 2"}


def test_an_empty_chart_says_so() -> None:
    chart = bar_chart([{"day": "d"}], ["a"], title="T", names={}, colours={}, empty_text="none")
    assert chart.total == 0 and chart.aria == "T: none" and chart.top == 1
    assert all(not v.bars for v in chart.views)


def test_the_pager_shows_the_ends_and_the_pages_around_the_current_one() -> None:
    from web.app import pager

    assert pager(1, 1) == [1]
    assert pager(1, 5) == [1, 2, 3, None, 5]
    assert pager(200, 429) == [1, None, 198, 199, 200, 201, 202, None, 429]
    assert pager(429, 429) == [1, None, 427, 428, 429]
    assert pager(4, 7) == [1, 2, 3, 4, 5, 6, 7]
