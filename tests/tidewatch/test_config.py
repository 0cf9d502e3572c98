"""tidewatch.config: defaults, TOML file, TIDEWATCH_* overrides, errors naming their origin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidewatch.config import REPO_ROOT, Config, ConfigError, load_config, parse_host_map


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tidewatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    config = load_config({})
    assert config == Config()
    assert config.data_dir == Path("data")
    assert config.seeds_dir == REPO_ROOT / "seeds"
    assert config.host_map == {}
    assert config.download_delay is None
    assert config.log_level == "WARNING"


def test_store_path_is_inside_the_data_dir() -> None:
    assert Config(data_dir=Path("/srv/tw")).store_path == Path("/srv/tw/tidewatch.sqlite3")


def test_load_config_reads_os_environ_when_no_dict_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIDEWATCH_LOG_LEVEL", "debug")
    assert load_config().log_level == "DEBUG"


def test_an_explicit_environ_ignores_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDEWATCH_LOG_LEVEL", "debug")
    assert load_config({}).log_level == "WARNING"


def test_environment_overrides(tmp_path: Path) -> None:
    config = load_config(
        {
            "TIDEWATCH_DATA_DIR": str(tmp_path / "data"),
            "TIDEWATCH_SEEDS_DIR": str(tmp_path / "seeds"),
            "TIDEWATCH_DOWNLOAD_DELAY": "0.5",
            "TIDEWATCH_LOG_LEVEL": "info",
            "TIDEWATCH_HOST_MAP": "www.xsnet.cn=127.0.0.1:8001",
        }
    )
    assert config.data_dir == tmp_path / "data"
    assert config.seeds_dir == tmp_path / "seeds"
    assert config.download_delay == 0.5
    assert config.log_level == "INFO"
    assert config.host_map == {"www.xsnet.cn": "127.0.0.1:8001"}


def test_zero_download_delay_is_allowed() -> None:
    assert load_config({"TIDEWATCH_DOWNLOAD_DELAY": "0"}).download_delay == 0


def test_empty_variable_means_unset() -> None:
    assert load_config({"TIDEWATCH_DOWNLOAD_DELAY": ""}).download_delay is None


def test_unrelated_variables_are_ignored() -> None:
    assert load_config({"TIDEWATCH_NOT_A_KEY": "1", "PATH": "/bin"}) == Config()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.xsnet.cn=127.0.0.1:8001", {"www.xsnet.cn": "127.0.0.1:8001"}),
        (
            " www.xsnet.cn = 127.0.0.1:8001 , tidenews.com.cn=127.0.0.1:8002 ",
            {"www.xsnet.cn": "127.0.0.1:8001", "tidenews.com.cn": "127.0.0.1:8002"},
        ),
        ("WWW.XSNET.CN=127.0.0.1:8001", {"www.xsnet.cn": "127.0.0.1:8001"}),
        ("a.cn=https://mirror:8443,", {"a.cn": "https://mirror:8443"}),  # trailing comma
        ("a.cn=1,,b.cn=2", {"a.cn": "1", "b.cn": "2"}),
        ("", {}),
    ],
)
def test_parse_host_map(text: str, expected: dict[str, str]) -> None:
    assert parse_host_map(text) == expected


@pytest.mark.parametrize("item", ["oops", "=127.0.0.1:8001", "a.cn=", " a.cn = "])
def test_parse_host_map_rejects_items_that_are_not_host_address(item: str) -> None:
    with pytest.raises(ValueError, match="is not host=address"):
        parse_host_map(f"b.cn=127.0.0.1:8002,{item}")


def test_invalid_host_map_item_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"TIDEWATCH_HOST_MAP": "www.xsnet.cn=127.0.0.1:8001, oops"})
    assert "TIDEWATCH_HOST_MAP" in str(caught.value)
    assert "'oops' is not host=address" in str(caught.value)


def test_negative_download_delay_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"TIDEWATCH_DOWNLOAD_DELAY: .*greater than or equal"):
        load_config({"TIDEWATCH_DOWNLOAD_DELAY": "-1"})


def test_non_numeric_download_delay_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"TIDEWATCH_DOWNLOAD_DELAY: .*valid number"):
        load_config({"TIDEWATCH_DOWNLOAD_DELAY": "两秒"})


def test_unknown_log_level_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"TIDEWATCH_LOG_LEVEL: .*unknown log level 'LOUD'"):
        load_config({"TIDEWATCH_LOG_LEVEL": "LOUD"})


def test_every_bad_value_is_reported() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"TIDEWATCH_LOG_LEVEL": "loud", "TIDEWATCH_DOWNLOAD_DELAY": "-1"})
    assert "TIDEWATCH_LOG_LEVEL" in str(caught.value)
    assert "TIDEWATCH_DOWNLOAD_DELAY" in str(caught.value)


def test_config_file_values(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        'data_dir = "/srv/tidewatch"\ndownload_delay = 3\nlog_level = "error"\n'
        'host_map = "www.xsnet.cn=127.0.0.1:8001"\n',
    )
    config = load_config({"TIDEWATCH_CONFIG": str(path)})
    assert config.data_dir == Path("/srv/tidewatch")
    assert config.download_delay == 3
    assert config.log_level == "ERROR"
    assert config.host_map == {"www.xsnet.cn": "127.0.0.1:8001"}


def test_config_file_host_map_may_be_a_table(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[host_map]\n"www.xsnet.cn" = "127.0.0.1:8001"\n')
    config = load_config({"TIDEWATCH_CONFIG": str(path)})
    assert config.host_map == {"www.xsnet.cn": "127.0.0.1:8001"}


def test_config_file_host_map_table_hosts_are_case_blind(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[host_map]\n"WWW.XSNET.CN" = "127.0.0.1:8001"\n')
    config = load_config({"TIDEWATCH_CONFIG": str(path)})
    assert config.host_map == {"www.xsnet.cn": "127.0.0.1:8001"}


def test_environment_wins_over_the_config_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'download_delay = 3\nlog_level = "ERROR"\n')
    config = load_config({"TIDEWATCH_CONFIG": str(path), "TIDEWATCH_DOWNLOAD_DELAY": "0.25"})
    assert config.download_delay == 0.25
    assert config.log_level == "ERROR"  # not overridden: the file's value stays


def test_bad_value_in_the_file_names_file_and_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, "download_delay = -2\n")
    with pytest.raises(ConfigError) as caught:
        load_config({"TIDEWATCH_CONFIG": str(path)})
    assert f"{path} [download_delay]: " in str(caught.value)


def test_unknown_key_in_the_file_is_named(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'log_level = "INFO"\ndownload_dealy = 1\n')
    with pytest.raises(ConfigError, match=r"unknown key\(s\) download_dealy") as caught:
        load_config({"TIDEWATCH_CONFIG": str(path)})
    assert str(path) in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match="configuration file not found") as caught:
        load_config({"TIDEWATCH_CONFIG": str(path)})
    assert str(path) in str(caught.value)


def test_config_file_with_a_toml_syntax_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'log_level = "INFO"\ndownload_delay 1\n')
    with pytest.raises(ConfigError, match=r"line 2") as caught:
        load_config({"TIDEWATCH_CONFIG": str(path)})
    assert str(path) in str(caught.value)


def test_config_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError):
        Config(colour="blue")


STRONG = "Zq3v8KpX2mT9wRb4Ls7Nd1Fh6Jc0Gy5A"  # 32 bytes of varied characters


@pytest.mark.parametrize("variable", ["TIDEWATCH_UNSUBSCRIBE_SECRET", "TIDEWATCH_WEB_TOKEN"])
@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("k9", "is 2 bytes long, at least 32"),
        ("t0ken", "is 5 bytes long"),
        (STRONG[:31], "is 31 bytes long"),
        ("钱塘" * 5, "is 30 bytes long"),  # bytes, not characters
        ("a" * 64, "repeats too few characters"),
        ("ab12" * 10, "repeats too few characters"),
        ("change-me-to-a-long-random-secret-value", "placeholder"),
        ("REPLACE_ME_WITH_A_REAL_TOKEN_0123456789", "placeholder"),
        ("your-secret-goes-here-1234567890abcdef", "placeholder"),
    ],
)
def test_weak_secrets_are_refused(variable: str, weak: str, why: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config({variable: weak})
    message = str(error.value)
    assert variable in message and why in message
    assert "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'" in message
    assert weak not in message


def test_strong_secrets_are_accepted() -> None:
    import secrets

    for value in (
        STRONG,
        secrets.token_urlsafe(32),
        secrets.token_hex(16),
        "钱塘江大潮八月十八日最为壮观",
    ):
        config = load_config({"TIDEWATCH_WEB_TOKEN": value, "TIDEWATCH_UNSUBSCRIBE_SECRET": value})
        assert config.web_token.get_secret_value() == value


def test_web_allowed_hosts_from_the_environment_and_the_file(tmp_path: Path) -> None:
    config = load_config({"TIDEWATCH_WEB_ALLOWED_HOSTS": " News.Example.org, ,dash.example.net "})
    assert config.web_allowed_hosts == ["news.example.org", "dash.example.net"]
    path = write_config(tmp_path, 'web_allowed_hosts = ["A.example"]\n')
    assert load_config({"TIDEWATCH_CONFIG": str(path)}).web_allowed_hosts == ["a.example"]


def test_web_server_limits_are_bounded() -> None:
    config = load_config({})
    assert (config.web_threads, config.web_connection_limit) == (8, 100)
    assert (config.web_idle_timeout, config.web_request_timeout) == (30, 20)
    for variable, value in (
        ("TIDEWATCH_WEB_THREADS", "0"),
        ("TIDEWATCH_WEB_CONNECTION_LIMIT", "1000000"),
        ("TIDEWATCH_WEB_IDLE_TIMEOUT", "-1"),
        ("TIDEWATCH_WEB_REQUEST_TIMEOUT", "forever"),
    ):
        with pytest.raises(ConfigError, match=variable):
            load_config({variable: value})
