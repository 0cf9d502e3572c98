"""crawler.extract.dates: publish times as Chinese sites write them, aware in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crawler.extract.dates import (
    date_from_url,
    find_published,
    find_yearless,
    from_epoch_ms,
    from_object_id,
    parse_datetime,
    parse_iso,
)
from model.article import Precision
from model.clock import SHANGHAI


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年1月16日 7:57", "2019-01-16T07:57:00+08:00"),
        ("2019年1月16日\u00a07:57", "2019-01-16T07:57:00+08:00"),  # &nbsp; between
        ("2019年1月16日\u30007:57", "2019-01-16T07:57:00+08:00"),  # ideographic space
        ("2019年1月16日7:57", "2019-01-16T07:57:00+08:00"),
        ("2019年1月16日 7：57", "2019-01-16T07:57:00+08:00"),  # full-width colon
        ("2019年1月16日 ７：５７", "2019-01-16T07:57:00+08:00"),  # full-width digits too
        ("2019年1月16日7时57分", "2019-01-16T07:57:00+08:00"),
        ("2019年01月16日 07:57:12", "2019-01-16T07:57:12+08:00"),
        ("2019 年 1 月 16 日", "2019-01-16T00:00:00+08:00"),  # date only: midnight
        ("发布时间：2019年1月17日 08:20 来源：萧山日报", "2019-01-17T08:20:00+08:00"),
        ("2025-03-09 11:20", "2025-03-09T11:20:00+08:00"),
        ("2025/03/09 11:20:21", "2025-03-09T11:20:21+08:00"),
        ("2025.3.9", "2025-03-09T00:00:00+08:00"),
        ("2026-10-02T16:11:41+08:00", "2026-10-02T16:11:41+08:00"),
        ("2026-10-02T16:11:41+0800", "2026-10-02T16:11:41+08:00"),
    ],
)
def test_parse_datetime(text: str, expected: str) -> None:
    moment = parse_datetime(text)
    assert moment is not None
    assert moment.isoformat() == expected


def test_local_times_are_in_asia_shanghai() -> None:
    moment = parse_datetime("2025-03-09 11:20")
    assert moment is not None
    assert moment.tzinfo == SHANGHAI


def test_utc_z_time_is_converted_to_shanghai() -> None:
    moment = parse_datetime("2026-10-02T08:11:41Z")
    assert moment is not None
    assert moment.isoformat() == "2026-10-02T16:11:41+08:00"


def test_other_offset_is_converted_to_shanghai() -> None:
    moment = parse_datetime("2026-10-02T04:11:41-04:00")
    assert moment is not None
    assert moment.isoformat() == "2026-10-02T16:11:41+08:00"


@pytest.mark.parametrize(
    "text",
    [
        "2019年2月30日",
        "2019年13月1日",
        "2025-02-29 10:00",  # 2025 is not a leap year
        "2019年1月16日 25:00",
        "2019年1月16日 7:61",
    ],
)
def test_impossible_dates_give_none(text: str) -> None:
    assert parse_datetime(text) is None


@pytest.mark.parametrize("text", ["", "没有日期的文字", "萧山日报 第3版", "12:30"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_datetime(text) is None


def test_first_date_in_the_text_wins_over_a_later_one() -> None:
    moment = parse_datetime("更新于2025-03-09 11:20，原文发表于2019年1月16日")
    assert moment == datetime(2025, 3, 9, 11, 20, tzinfo=SHANGHAI)


def test_first_date_in_the_text_wins_even_if_it_is_chronologically_later() -> None:
    moment = parse_datetime("2019年1月16日 转载自 2018-12-01 的报道")
    assert moment == datetime(2019, 1, 16, tzinfo=SHANGHAI)


def test_first_of_two_dates_of_the_same_format_wins() -> None:
    moment = parse_datetime("2019-01-17 08:20 更新 2019-01-18 09:00")
    assert moment == datetime(2019, 1, 17, 8, 20, tzinfo=SHANGHAI)


@pytest.mark.parametrize("ms", [1741490421000, "1741490421000"])
def test_from_epoch_ms(ms: int | str) -> None:
    assert from_epoch_ms(ms).isoformat() == "2025-03-09T11:20:21+08:00"


@pytest.mark.parametrize("object_id", ["69db7c9238547700016fac51", "69DB7C9238547700016FAC51"])
def test_from_object_id_reads_the_creation_time(object_id: str) -> None:
    moment = from_object_id(object_id)
    assert moment is not None
    assert moment.isoformat() == "2026-04-12T19:05:54+08:00"


@pytest.mark.parametrize(
    "object_id",
    [
        "",
        "3041187",
        "69db7c9238547700016fac5",  # 23 hex digits
        "69db7c9238547700016fac51a",  # 25 hex digits
        "g9db7c9238547700016fac51",  # not hex
        " 69db7c9238547700016fac51",
    ],
)
def test_bad_object_ids_give_none(object_id: str) -> None:
    assert from_object_id(object_id) is None


# -- find_published: every common form, with its precision ------------------------------------

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2024年12月3日 9:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("2024年12月3日", "2024-12-03T00:00:00+08:00", Precision.DAY),
        ("2024年12月03日 星期二 09:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("2024年12月3日（周二）", "2024-12-03T00:00:00+08:00", Precision.DAY),
        ("2024-12-03 09:05:12", "2024-12-03T09:05:12+08:00", Precision.SECOND),
        ("2024/12/3", "2024-12-03T00:00:00+08:00", Precision.DAY),
        ("2024.12.03 09:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("发布时间：2024-12-03 09:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("更新时间:2024-12-03 09:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("时间：2024年12月3日", "2024-12-03T00:00:00+08:00", Precision.DAY),
        (
            "发布日期：２０２４－１２－０３　０９：０５",
            "2024-12-03T09:05:00+08:00",
            Precision.MINUTE,
        ),
        ("２０２４年１２月３日", "2024-12-03T00:00:00+08:00", Precision.DAY),
        ("2024年12月3日 下午3:05", "2024-12-03T15:05:00+08:00", Precision.MINUTE),
        ("2024年12月3日 上午9:05", "2024-12-03T09:05:00+08:00", Precision.MINUTE),
        ("2024-12-03T01:05:12Z", "2024-12-03T09:05:12+08:00", Precision.SECOND),
        ("2024-12-03T09:05:12.000+08:00", "2024-12-03T09:05:12+08:00", Precision.SECOND),
        ("二〇二四年十二月三日", "2024-12-03T00:00:00+08:00", Precision.DAY),
        ("成文日期：二〇二五年一月三十一日", "2025-01-31T00:00:00+08:00", Precision.DAY),
    ],
)
def test_find_published_forms(text: str, expected: str, precision: Precision) -> None:
    found = find_published(text, now=NOW)
    assert found is not None
    assert (found[0].isoformat(), found[1]) == (expected, precision)


def test_a_publish_label_wins_over_an_update_label_and_an_earlier_date() -> None:
    text = "更新时间：2024-12-05 10:00 转自2024年11月1日报道 发布时间：2024-12-03 09:05"
    assert find_published(text, now=NOW) == (
        datetime(2024, 12, 3, 9, 5, tzinfo=SHANGHAI),
        Precision.MINUTE,
    )


def test_find_published_respects_the_sanity_window() -> None:
    assert find_published("发布时间：2027-01-01 09:00", now=NOW) is None
    assert find_published("1990年5月1日", now=NOW) is None
    assert find_published("1990年5月1日", now=NOW, earliest=date(1980, 1, 1)) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-28 09:05", "2026-11-28T09:05:00+08:00"),  # this year: already past
        ("12月5日 09:05", "2025-12-05T09:05:00+08:00"),  # 2026-12-05 is still to come
        ("11月30日 晚上8:30", "2026-11-30T20:30:00+08:00"),
    ],
)
def test_find_yearless(text: str, expected: str) -> None:
    found = find_yearless(text, now=NOW)
    assert found is not None and found.at.isoformat() == expected


def test_yearless_needs_a_time_and_takes_the_urls_year() -> None:
    assert find_yearless("12-03", now=NOW) is None
    assert find_yearless("2024-12-03 09:05", now=NOW) is None  # not year-less
    found = find_yearless("12-03 09:05", now=NOW, year=2024)
    assert found is not None and found.at.year == 2024


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("2024-12-03", Precision.DAY),
        ("2024-12-03T00:00:00+08:00", Precision.DAY),  # a CMS that stores dates writes midnight
        ("2024-12-03 00:00:00", Precision.DAY),
        ("2024-12-03T09:05:00+08:00", Precision.SECOND),
        ("2024-12-03 09:05", Precision.MINUTE),
    ],
)
def test_parse_iso_precision(text: str, precision: Precision) -> None:
    found = parse_iso(text)
    assert found is not None and found.precision is precision


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.xsnet.cn/news/shms/2024_12/3025304.shtml", (2024, 12, None)),
        ("http://a.cn/news/20241203/123.html", (2024, 12, 3)),
        ("http://a.cn/html/2024-12/03/content_1.htm", (2024, 12, 3)),
        ("http://a.cn/art/2024/12/3/art_1229_1.html", (2024, 12, 3)),
        ("http://a.cn/xw/202412/t20241203_4021567.shtml", (2024, 12, 3)),
        ("http://a.cn/2024/1203/1.html", (2024, 12, 3)),
        ("http://a.cn/news/123456.html", None),
        ("http://a.cn/2024/13/45/x.html", None),
    ],
)
def test_date_from_url(url: str, expected: tuple | None) -> None:
    found = date_from_url(url)
    assert (found and (found.year, found.month, found.day)) == expected
