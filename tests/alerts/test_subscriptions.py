"""alerts.subscriptions: subscriber files load or fail with file, line and reason; digest slots."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from mailsink import FIXTURES
from support import SEEDS

from alerts.subscriptions import (
    Frequency,
    Subscriber,
    load_subscribers,
    parse_frequency,
)
from crawler.seeds import load_sources
from model.clock import SHANGHAI
from tidewatch.config import REPO_ROOT
from tidewatch.tomlfile import FileError

SHIPPED = REPO_ROOT / "alerts" / "subscribers.toml"
KNOWN_SOURCES = set(load_sources(SEEDS))
ENGLISH_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def load_error(stem: str, known_sources: set[str] | None = None) -> str:
    with pytest.raises(FileError) as error:
        load_subscribers(FIXTURES / f"{stem}.toml", known_sources=known_sources)
    return str(error.value)


# -- files that load ---------------------------------------------------------------------------


def test_known_sources_are_the_seeds() -> None:
    assert sorted(KNOWN_SOURCES) == ["tidenews", "xsnet", "xsrb"]


def test_shipped_subscribers_file_loads_against_the_real_sources() -> None:
    newsroom, analyst = load_subscribers(SHIPPED, known_sources=KNOWN_SOURCES)
    assert newsroom.email == "newsroom@example.com"
    assert newsroom.rules == ["钱塘", "数字经济", "新型工业化"]
    assert newsroom.sources is None and newsroom.schedule == Frequency("immediate")
    assert analyst.rules == ["钱塘 -钱塘江", "新型工业化 OR 先进制造业"]
    assert analyst.sources == ["tidenews", "xsrb"] and analyst.language == "en"
    assert analyst.label("新型工业化 OR 先进制造业") == "制造业"
    assert analyst.schedule == Frequency("daily", time(8, 0))


def test_newsroom_fixture_loads() -> None:
    (editor,) = load_subscribers(FIXTURES / "newsroom.toml", known_sources=KNOWN_SOURCES)
    assert editor.email == "editor@newsroom.example.com"
    assert editor.name == "萧山新闻编辑部"
    assert editor.rules == ["钱塘", "数字经济", "新型工业化"]
    assert editor.frequency == "immediate" and editor.language == "zh"


def test_every_rule_of_the_shipped_file_parses_to_a_query() -> None:
    for subscriber in load_subscribers(SHIPPED):
        assert [rule for rule, _ in subscriber.queries()] == subscriber.rules
        assert all(query.terms for _, query in subscriber.queries())


def test_defaults_are_every_source_daily_at_eight_in_chinese() -> None:
    subscriber = Subscriber(email="a@example.com", name="A", rules=["钱塘"])
    assert subscriber.sources is None
    assert subscriber.schedule == Frequency("daily", time(8, 0))
    assert subscriber.language == "zh"


@pytest.mark.parametrize(
    ("sources", "source", "wanted"),
    [
        (None, "xsnet", True),
        (["tidenews", "xsrb"], "xsrb", True),
        (["tidenews", "xsrb"], "xsnet", False),
    ],
)
def test_wants_filters_by_source(sources: list[str] | None, source: str, wanted: bool) -> None:
    subscriber = Subscriber(email="a@example.com", name="A", rules=["钱塘"], sources=sources)
    assert subscriber.wants(source) is wanted


def test_email_domain_is_normalised() -> None:
    subscriber = Subscriber(email="Editor@NewsRoom.Example.COM", name="A", rules=["钱塘"])
    assert subscriber.email == "Editor@newsroom.example.com"


def test_sources_are_not_checked_when_no_known_sources_are_given() -> None:
    (subscriber,) = load_subscribers(FIXTURES / "bad_unknown_source.toml")
    assert subscriber.sources == ["xsnet", "hznews"]


# -- files that fail at load: file, line, field and reason -------------------------------------


@pytest.mark.parametrize(
    ("stem", "line", "field", "reason"),
    [
        (
            "bad_unbalanced_parenthesis",
            11,
            "subscriber.1.rules",
            "rule '(钱塘 OR 萧山 数字经济': '(' is never closed (column 1)",
        ),
        (
            "bad_stray_parenthesis",
            5,
            "subscriber.0.rules",
            "rule '钱塘 OR 萧山)': unexpected ')' (column 9)",
        ),
        ("bad_empty_rule", 6, "subscriber.0.rules", "rule '': empty query (column 1)"),
        ("bad_empty_term", 6, "subscriber.0.rules", """rule '钱塘 ""': empty term (column 4)"""),
        (
            "bad_invalid_email",
            10,
            "subscriber.1.email",
            "invalid email 'analyst-at-example.com': An email address must have an @-sign.",
        ),
        (
            "bad_unknown_source",
            6,
            "subscriber.0.sources",
            "unknown source(s) ['hznews']; known: ['tidenews', 'xsnet', 'xsrb']",
        ),
        ("bad_time_24", 6, "subscriber.0.frequency", "bad time '24:00'; use HH:MM, 00:00 to 23:59"),
        ("bad_weekday", 11, "subscriber.1.frequency", "unknown day 'funday'; use mon … sun"),
        (
            "bad_monthly",
            5,
            "subscriber.0.frequency",
            "frequency 'monthly' must be immediate, hourly, 'daily HH:MM' or 'weekly DAY HH:MM'",
        ),
        ("bad_unknown_key", 6, "subscriber.0.frequncy", "Extra inputs are not permitted"),
    ],
)
def test_bad_subscriber_file_names_file_line_field_and_reason(
    stem: str, line: int, field: str, reason: str
) -> None:
    message = load_error(stem, known_sources=KNOWN_SOURCES)
    assert message == f"{FIXTURES / stem}.toml, line {line}, {field}: {reason}"


def test_duplicate_email_names_the_file_and_the_address() -> None:
    message = load_error("bad_duplicate_email")
    assert message.startswith(f"{FIXTURES / 'bad_duplicate_email.toml'}, line ")
    assert message.endswith("subscriber.1.email: newsroom@example.com is subscribed twice")


def test_duplicate_email_names_the_line_of_the_second_address() -> None:
    message = load_error("bad_duplicate_email")
    assert message.startswith(f"{FIXTURES / 'bad_duplicate_email.toml'}, line 8, ")


def test_load_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=re.escape("bad_monthly.toml, line 5")):
        load_subscribers(FIXTURES / "bad_monthly.toml")


def test_missing_file_is_named() -> None:
    missing = FIXTURES / "no_such_file.toml"
    with pytest.raises(FileError, match=re.escape("no_such_file.toml: file not found")):
        load_subscribers(missing)


# -- frequencies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("immediate", Frequency("immediate")),
        ("hourly", Frequency("hourly")),
        ("daily 08:00", Frequency("daily", time(8, 0))),
        ("daily 7:05", Frequency("daily", time(7, 5))),
        ("  Daily   23:59 ", Frequency("daily", time(23, 59))),
        ("weekly mon 08:00", Frequency("weekly", time(8, 0), 0)),
        ("Weekly SUN 00:00", Frequency("weekly", time(0, 0), 6)),
        ("weekly 周一 08:00", Frequency("weekly", time(8, 0), 0)),
        ("weekly 周二 08:00", Frequency("weekly", time(8, 0), 1)),
        ("weekly 周三 08:00", Frequency("weekly", time(8, 0), 2)),
        ("weekly 周四 08:00", Frequency("weekly", time(8, 0), 3)),
        ("weekly 周五 08:00", Frequency("weekly", time(8, 0), 4)),
        ("weekly 周六 08:00", Frequency("weekly", time(8, 0), 5)),
        ("weekly 周日 08:00", Frequency("weekly", time(8, 0), 6)),
    ],
)
def test_parse_frequency(text: str, frequency: Frequency) -> None:
    assert parse_frequency(text) == frequency


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("daily 24:00", "bad time '24:00'"),
        ("daily 08:60", "bad time '08:60'"),
        ("daily 08:00:00", "bad time '08:00:00'"),
        ("daily", "must be immediate, hourly"),
        ("weekly funday 08:00", "unknown day 'funday'"),
        ("weekly 周八 08:00", "unknown day '周八'"),
        ("weekly mon", "must be immediate, hourly"),
        ("monthly", "frequency 'monthly' must be"),
        ("", "must be immediate, hourly"),
    ],
)
def test_parse_frequency_refuses(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_frequency(text)


@pytest.mark.parametrize(
    ("frequency", "now", "slot"),
    [
        ("immediate", shanghai(2025, 3, 9, 11, 20, 33), shanghai(2025, 3, 9, 11, 20, 33)),
        ("hourly", shanghai(2025, 3, 9, 11, 20, 33), shanghai(2025, 3, 9, 11, 0)),
        ("hourly", shanghai(2025, 3, 9, 11, 0), shanghai(2025, 3, 9, 11, 0)),
        ("hourly", shanghai(2025, 3, 10, 0, 5), shanghai(2025, 3, 10, 0, 0)),
        ("daily 08:00", shanghai(2025, 3, 9, 8, 0), shanghai(2025, 3, 9, 8, 0)),
        ("daily 08:00", shanghai(2025, 3, 9, 23, 59), shanghai(2025, 3, 9, 8, 0)),
        ("daily 08:00", shanghai(2025, 3, 9, 7, 59), shanghai(2025, 3, 8, 8, 0)),
        ("daily 08:00", shanghai(2025, 3, 1, 0, 30), shanghai(2025, 2, 28, 8, 0)),  # month
        ("daily 08:00", shanghai(2025, 1, 1, 7, 0), shanghai(2024, 12, 31, 8, 0)),  # year
        ("daily 00:00", shanghai(2025, 3, 9, 0, 0), shanghai(2025, 3, 9, 0, 0)),
        ("daily 23:30", shanghai(2025, 3, 9, 23, 29), shanghai(2025, 3, 8, 23, 30)),
        # 2025-03-10 is a Monday
        ("weekly mon 08:00", shanghai(2025, 3, 10, 8, 0), shanghai(2025, 3, 10, 8, 0)),
        ("weekly mon 08:00", shanghai(2025, 3, 10, 7, 59), shanghai(2025, 3, 3, 8, 0)),
        ("weekly mon 08:00", shanghai(2025, 3, 11, 6, 0), shanghai(2025, 3, 10, 8, 0)),
        ("weekly mon 08:00", shanghai(2025, 3, 16, 23, 59), shanghai(2025, 3, 10, 8, 0)),
        ("weekly 周日 20:00", shanghai(2025, 3, 9, 20, 0), shanghai(2025, 3, 9, 20, 0)),
        ("weekly 周日 20:00", shanghai(2025, 3, 9, 19, 59), shanghai(2025, 3, 2, 20, 0)),
        ("weekly 周日 20:00", shanghai(2025, 3, 10, 0, 0), shanghai(2025, 3, 9, 20, 0)),
        ("weekly 周三 12:00", shanghai(2025, 1, 1, 12, 0), shanghai(2025, 1, 1, 12, 0)),
        ("weekly 周三 12:00", shanghai(2025, 1, 1, 11, 0), shanghai(2024, 12, 25, 12, 0)),
    ],
)
def test_latest_slot(frequency: str, now: datetime, slot: datetime) -> None:
    assert parse_frequency(frequency).latest_slot(now) == slot


@pytest.mark.parametrize(
    ("name", "weekday"),
    [("周一", 0), ("周二", 1), ("周三", 2), ("周四", 3), ("周五", 4), ("周六", 5), ("周日", 6)],
)
def test_weekly_slot_falls_on_the_named_chinese_weekday(name: str, weekday: int) -> None:
    frequency = parse_frequency(f"weekly {name} 09:30")
    now = shanghai(2025, 3, 12, 10, 0)  # a Wednesday
    slot = frequency.latest_slot(now)
    assert slot.weekday() == weekday and slot.time() == time(9, 30)
    assert now - timedelta(days=7) < slot <= now
    english = parse_frequency(f"weekly {ENGLISH_DAYS[weekday]} 09:30")
    assert slot == english.latest_slot(now)


def test_latest_slot_of_an_instant_given_in_utc_is_the_shanghai_slot() -> None:
    now = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)  # 07:30 on 3-10 in Shanghai
    assert parse_frequency("daily 08:00").latest_slot(now) == shanghai(2025, 3, 9, 8, 0)


# -- control characters and labels -------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "line", "field", "character"),
    [
        ("bad_control_name", 4, "subscriber.0.name", "U+000D"),
        ("bad_control_rule", 9, "subscriber.1.rules", "U+001B"),
        ("bad_control_label", 4, "subscriber.0.rules", "U+0085"),
        ("bad_control_email", 2, "subscriber.0.email", "U+000A"),
    ],
)
def test_control_characters_are_refused_with_file_and_line(
    stem: str, line: int, field: str, character: str
) -> None:
    message = load_error(stem)
    assert message.startswith(f"{FIXTURES / stem}.toml, line {line}, {field}")
    assert f"control character ({character})" in message


@pytest.mark.parametrize("stem", ["bad_control_name", "bad_control_rule", "bad_control_label"])
def test_alerts_check_fails_on_control_characters(
    stem: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tidewatch.cli import main

    monkeypatch.setenv("TIDEWATCH_SUBSCRIBERS_FILE", str(FIXTURES / f"{stem}.toml"))
    assert main(["alerts", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{stem}.toml, line " in err and "control character" in err


@pytest.mark.parametrize(
    "value", ["a\rb", "a\nb", "a\x00b", "a\x7fb", "a\x9bb", "a\u2028b", "\tindent"]
)
def test_every_control_character_is_refused_in_names_and_rules(value: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        Subscriber(email="a@example.com", name=value, rules=["钱塘"])
    with pytest.raises(ValueError, match="control character"):
        Subscriber(email="a@example.com", name="A", rules=[f"钱塘 {value}"])


def test_rule_tables_give_labels_and_plain_rules_keep_their_terms() -> None:
    (who,) = load_subscribers(FIXTURES / "labels.toml", known_sources=KNOWN_SOURCES)
    assert who.rules == ["钱塘 -钱塘江", "新型工业化 OR 先进制造业"]
    assert who.label("新型工业化 OR 先进制造业") == "制造业"
    assert who.label("钱塘 -钱塘江") == "钱塘"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"rule": "钱塘", "label": ""}, "must be 1 to 40 characters"),
        ({"rule": "钱塘", "label": "长" * 41}, "must be 1 to 40 characters"),
        ({"rule": "钱塘", "lable": "x"}, "must be a string or a table"),
        ({"label": "x"}, "must be a string or a table"),
    ],
)
def test_bad_rule_tables_are_refused(entry: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Subscriber(email="a@example.com", name="A", rules=[entry])
