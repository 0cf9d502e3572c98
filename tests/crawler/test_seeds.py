"""crawler.seeds: the real seeds files load, and a broken one names its file, line and field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from crawler.seeds import SeedsError, Source, load_source, load_sources

TESTS = Path(__file__).parent.parent
SEEDS = TESTS.parent / "seeds"
BROKEN = TESTS / "fixtures" / "seeds_broken"


def seeds_error(stem: str) -> str:
    path = BROKEN / f"{stem}.toml"
    with pytest.raises(SeedsError) as caught:
        load_source(path)
    return str(caught.value)


# -- the real seeds files --------------------------------------------------------------------


def test_the_three_seeds_files_load_by_name() -> None:
    sources = load_sources(SEEDS)
    assert sorted(sources) == ["tidenews", "xsnet", "xsrb"]
    assert all(isinstance(s, Source) for s in sources.values())


@pytest.mark.parametrize(
    ("name", "spider", "hosts"),
    [
        ("xsnet", "html", ["www.xsnet.cn"]),
        ("tidenews", "tidenews", ["tidenews.com.cn", "app-api.zjol.com.cn"]),
        ("xsrb", "epaper", ["xsrb.xsnet.cn"]),
    ],
)
def test_seeds_file_fields(name: str, spider: str, hosts: list[str]) -> None:
    source = load_source(SEEDS / f"{name}.toml")
    assert (source.name, source.spider, source.hosts) == (name, spider, hosts)


def test_xsnet_values_are_read_from_the_file() -> None:
    source = load_source(SEEDS / "xsnet.toml")
    assert source.encoding == "gb18030"
    assert source.politeness.download_delay == 2.0
    assert source.schedule.interval_minutes == 30
    assert source.selectors("body") == [".xs_content"]
    assert source.selectors("no-such-field") == []
    assert source.channels == {"szjj": "时政经济"}


def test_tidenews_has_an_api_table() -> None:
    source = load_source(SEEDS / "tidenews.toml")
    assert source.api is not None
    assert source.api.signing_salt_env == "TIDEWATCH_TIDENEWS_SALT"


def test_xsrb_is_scheduled_by_cron() -> None:
    source = load_source(SEEDS / "xsrb.toml")
    assert source.schedule.cron == "30 6 * * *"
    assert source.schedule.interval_minutes is None


def test_source_is_frozen() -> None:
    source = load_source(SEEDS / "xsnet.toml")
    with pytest.raises(ValueError):
        source.name = "other"


# -- entry_urls ------------------------------------------------------------------------------


def test_entry_urls_fill_date_templates_for_start_days() -> None:
    source = load_source(SEEDS / "xsrb.toml")  # start_days = 2
    assert source.entry_urls(date(2026, 3, 1)) == [
        "https://xsrb.xsnet.cn/html/2026-03/01/node_1.htm",
        "https://xsrb.xsnet.cn/html/2026-02/28/node_1.htm",
    ]


def test_entry_urls_go_back_across_a_year_boundary() -> None:
    source = load_source(SEEDS / "xsrb.toml").model_copy(update={"start_days": 3})
    assert source.entry_urls(date(2026, 1, 2)) == [
        "https://xsrb.xsnet.cn/html/2026-01/02/node_1.htm",
        "https://xsrb.xsnet.cn/html/2026-01/01/node_1.htm",
        "https://xsrb.xsnet.cn/html/2025-12/31/node_1.htm",
    ]


def test_entry_urls_keep_plain_urls_once() -> None:
    source = load_source(SEEDS / "xsnet.toml").model_copy(update={"start_days": 5})
    assert source.entry_urls(date(2026, 3, 1)) == ["http://www.xsnet.cn/news/szjj/"]


# -- broken seeds files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "line", "field", "problem"),
    [
        ("negative_download_delay", 18, "politeness.download_delay", "greater than or equal to 0"),
        ("schedule_two_triggers", 21, "schedule", "exactly one of interval_minutes or cron"),
        ("bad_url_pattern", 9, "article_url_patterns", "bad regular expression"),
        ("unknown_encoding", 15, "encoding", "unknown encoding 'gb18031'"),
        ("unknown_top_level_key", 14, "max_pages", "Extra inputs are not permitted"),
        ("unknown_field_name", 25, "fields", "unknown field(s) ['bodyy']"),
        ("name_mismatch", 4, "name", "must match the file name 'name_mismatch'"),
    ],
)
def test_broken_seeds_name_file_line_and_field(
    stem: str, line: int, field: str, problem: str
) -> None:
    message = seeds_error(stem)
    assert message.startswith(f"{BROKEN / stem}.toml, line {line}, {field}: ")
    assert problem in message


def test_toml_syntax_error_names_file_line_and_column() -> None:
    message = seeds_error("toml_syntax_error")
    assert message.startswith(f"{BROKEN / 'toml_syntax_error.toml'}: ")
    assert "(at line 19, column 13)" in message


def test_start_url_off_hosts_names_file_and_problem() -> None:
    message = seeds_error("start_url_off_hosts")
    assert message.startswith(f"{BROKEN / 'start_url_off_hosts.toml'}, line ")
    assert "'http://xsnet.cn/news/szjj/' is not on hosts ['www.xsnet.cn']" in message


def test_start_url_off_hosts_names_line_and_field() -> None:
    message = seeds_error("start_url_off_hosts")
    assert re.search(r", line 8, start_urls: ", message)


def test_error_under_a_commented_table_header_names_the_key_line() -> None:
    message = seeds_error("channel_name_not_text")
    assert message.startswith(f"{BROKEN / 'channel_name_not_text.toml'}, line 35, channels.szjj: ")


def test_load_sources_on_an_empty_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(SeedsError, match="no seeds files"):
        load_sources(tmp_path)


def test_load_sources_stops_at_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "xsnet.toml").write_bytes((SEEDS / "xsnet.toml").read_bytes())
    (tmp_path / "unknown_encoding.toml").write_bytes(
        (BROKEN / "unknown_encoding.toml").read_bytes()
    )
    with pytest.raises(SeedsError, match=r"unknown_encoding\.toml, line 15, encoding"):
        load_sources(tmp_path)


# -- limits and selectors ----------------------------------------------------------------------


def test_limits_have_sane_defaults() -> None:
    source = load_source(SEEDS / "tidenews.toml")
    assert source.max_articles_per_run == 500
    assert (source.download_maxsize, source.download_warnsize) == (8 * 2**20, 2 * 2**20)
    assert source.download_timeout == 30


@pytest.mark.parametrize(
    ("addition", "field", "problem"),
    [
        ("download_maxsize = 65536\ndownload_warnsize = 131072", "download_warnsize", "above"),
        ("max_articles_per_run = 0", "max_articles_per_run", "greater than or equal to 1"),
        ("download_maxsize = 100", "download_maxsize", "greater than or equal to 16384"),
        ('generic_fields = ["bodyy"]', "generic_fields", "unknown field(s) ['bodyy']"),
        ('drop_selectors = ["p..copyright"]', "drop_selectors", "bad CSS selector"),
    ],
)
def test_bad_limits_and_selectors_name_file_line_and_field(
    tmp_path: Path, addition: str, field: str, problem: str
) -> None:
    text = (SEEDS / "xsnet.toml").read_text(encoding="utf-8")
    if "generic_fields" in addition:  # the seeds' own key goes, the bad one takes its place
        text = re.sub(r"(?m)^generic_fields = .*$", "", text)
    text = text.replace("max_list_pages = 5\n", f"max_list_pages = 5\n{addition}\n")
    path = tmp_path / "xsnet.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedsError) as caught:
        load_source(path)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith(field))
    assert str(caught.value).startswith(f"{path}, line {line}, {field}: ")
    assert problem in str(caught.value)


def test_a_bad_field_selector_names_its_field(tmp_path: Path) -> None:
    text = (SEEDS / "xsnet.toml").read_text(encoding="utf-8")
    path = tmp_path / "xsnet.toml"
    path.write_text(text.replace('body = [".xs_content"]', 'body = [".xs_content >"]'), "utf-8")
    with pytest.raises(SeedsError, match=r"line \d+, fields: fields.body: bad CSS selector"):
        load_source(path)
