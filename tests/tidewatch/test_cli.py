"""The `tidewatch` command line: output formats other tools rely on, and clear errors."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import crawl_offline, make_spider

from store.base import EXPORT_FIELDS
from store.sqlite import SqliteStore
from tidewatch.cli import main
from tidewatch.config import REPO_ROOT

SEED_URL = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding the replica's 萧山网 and 潮新闻 articles."""
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    entry = {
        "xsnet": ["http://www.xsnet.cn/news/szjj/"],
        "tidenews": [make_spider("tidenews").source.start_urls[0]],
    }
    for source, urls in entry.items():
        for article in crawl_offline(make_spider(source), urls).values():
            store.upsert(article)
    store.close()
    monkeypatch.setenv("TIDEWATCH_DATA_DIR", str(tmp_path))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_marks_matches_in_title_and_snippet(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "search", "数字经济", "--source", "xsnet")
    assert code == 0
    assert "**数字经济**" in out
    assert SEED_URL in out
    assert out.startswith("1. ")


def test_search_json_schema(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "search", "钱塘 -钱塘江", "--json", "--limit", "50")
    hits = json.loads(out)
    assert code == 0 and hits
    for hit in hits:
        assert set(hit) == {
            "id",
            "url",
            "source",
            "channel",
            "title",
            "published_at",
            "published_precision",
            "first_seen",
            "origin",
            "snippet",
            "highlights",
            "title_highlights",
        }
        for s, e in hit["highlights"]:
            assert hit["snippet"][s:e] == "钱塘"
    assert "https://tidenews.com.cn/news.html?id=3041190" not in [h["url"] for h in hits]


def test_search_since_filters_by_publish_time(data_dir: Path, capsys) -> None:
    _, out, _ = run(capsys, "search", "钱塘", "--since", "2026-01-01", "--json")
    assert {h["published_at"][:4] for h in json.loads(out)} == {"2026"}


def test_search_without_matches_says_so(data_dir: Path, capsys) -> None:
    assert run(capsys, "search", "量子引力波") == (0, "no matches\n", "")


def test_bad_query_points_at_the_problem(data_dir: Path, capsys) -> None:
    code, _, err = run(capsys, "search", "钱塘 AND (数字经济")
    assert code == 2
    assert "'(' is never closed" in err
    caret_line = err.splitlines()[2]
    # under the "(": the indent, then 钱塘 at two terminal columns a character, then " AND "
    assert caret_line.index("^") == len("  ") + 2 * 2 + len(" AND ")


def test_export_writes_exactly_the_public_fields(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "export", "--source", "xsnet")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 5
    assert all(tuple(r) == EXPORT_FIELDS for r in records)
    assert {r["source"] for r in records} == {"xsnet"}
    assert "萧山:创新发展行动 加快新旧动能转换" in out  # UTF-8, not \\u escapes


def test_show_json_includes_how_fields_were_found(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "show", SEED_URL, "--json")
    record = json.loads(out)
    assert code == 0 and record["url"] == SEED_URL
    assert record["extraction"]["title"] == "css:.con_title"


def test_show_prints_a_readable_article(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "show", SEED_URL)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "萧山:创新发展行动 加快新旧动能转换"  # the title first
    assert lines[1].startswith("萧山网 · ") and "2019-01-16 07:57 +08:00" in lines[1]
    assert lines[2] == SEED_URL
    body = out.index("以数字经济加速新旧动能转换")
    fields = out.index("记者 Reporters")
    assert body < fields  # the body before the fields
    assert "记者 Reporters" in out and "洪凯" in out
    assert "[css:.con_title]" not in lines[0]  # methods go with the fields, not the title
    assert "首次发现 First seen" in out and "+08:00" in out.split("首次发现 First seen")[1]
    assert "content_hash" not in out and "first_seen" not in out  # labels in words


def test_search_prints_the_total(data_dir: Path, capsys) -> None:
    _, every, _ = run(capsys, "search", "钱塘", "--json", "--limit", "100")
    total = len(json.loads(every))
    code, out, _ = run(capsys, "search", "钱塘", "--limit", "2")
    assert code == 0 and total > 2
    assert out.endswith(f"\n{total} articles match; showing the first 2\n")
    _, out, _ = run(capsys, "search", "钱塘", "--limit", "100")
    assert out.endswith(f"\n{total} articles match; all shown\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl", "nosuch"], "unknown source 'nosuch'; known: tidenews, xsnet, xsrb"),
        (["search", '"unclosed'], "unclosed quote"),
        (["show", "no-such-id"], "no stored article"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    data_dir: Path, capsys, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_bad_configuration_fails_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("TIDEWATCH_DOWNLOAD_DELAY", "-1")
    code, _, err = run(capsys, "export")
    assert code == 2 and "TIDEWATCH_DOWNLOAD_DELAY" in err


def test_bad_since_is_rejected(data_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--since", "yesterday"])
    assert exit_info.value.code == 2
    assert "'yesterday' is not a date" in capsys.readouterr().err


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    return env | {"TIDEWATCH_DATA_DIR": str(tmp_path / "data")}


def test_demo_crawls_the_replica_and_finds_the_keywords(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "demo"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "xsnet: 7 pages, 5 new" in out
    assert "xsrb: 5 pages, 3 new" in out
    assert "tidenews: 11 pages, 6 new" in out
    assert "14 articles" in out
    for keyword in ("钱塘", "数字经济", "新型工业化"):
        assert f"**{keyword}**" in out
    assert "tidewatch status" in out and "demo --serve" in out  # the next steps
    assert "404 page" in out and "deliberate" in out

    # the demo's crawls are in the run log, like the service's: status is not empty
    status = subprocess.run(
        [sys.executable, "-m", "tidewatch", "status", "--json"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows = {r["source"]: r for r in json.loads(status.stdout)}
    assert set(rows) == {"xsnet", "xsrb", "tidenews"}
    for name, new in (("xsnet", 5), ("xsrb", 3), ("tidenews", 6)):
        assert rows[name]["last_run"] and rows[name]["outcome"] == "healthy", rows[name]
        assert rows[name]["new"] == new and rows[name]["health"] == "healthy"


def test_demo_serve_prints_the_web_ui_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a free loopback port for the web UI
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = clean_env(tmp_path) | {"TIDEWATCH_WEB_LISTEN": f"127.0.0.1:{port}"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "tidewatch", "demo", "--serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("The web UI: "):
                break
        url = lines[-1].removeprefix("The web UI: ").strip()
        assert url == f"http://127.0.0.1:{port}/", "".join(lines[-20:])
        with urllib.request.urlopen(url, timeout=10) as answer:
            page = answer.read().decode()
        assert "萧山网" in page and 'id="banner"' in page and "not crawled yet" not in page
        demo.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert demo.returncode == 0
    assert rest.strip().endswith("Stopped the service and the replica.")
    with pytest.raises(OSError):  # the service is gone with it
        urllib.request.urlopen(url, timeout=5)
    serve_lock = tmp_path / "data" / "serve.lock"
    with serve_lock.open("a") as lock:  # no `tidewatch serve` holds the data directory
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_scrapy_sees_the_project(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO_ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["tidenews", "xsnet", "xsrb"], done.stderr


def test_alerts_check_accepts_the_shipped_subscribers(capsys) -> None:
    code, out, _ = run(capsys, "alerts", "check")
    assert code == 0 and out.endswith("subscribers.toml: 2 subscribers, 5 rules: OK\n")


def test_alerts_check_names_the_line_of_a_bad_rule(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    bad = REPO_ROOT / "tests" / "fixtures" / "subscribers" / "bad_unbalanced_parenthesis.toml"
    monkeypatch.setenv("TIDEWATCH_SUBSCRIBERS_FILE", str(bad))
    code, _, err = run(capsys, "alerts", "check")
    assert code == 2 and f"{bad}, line " in err and "'(' is never closed" in err


def test_alerts_test_shows_what_a_rule_would_match(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "alerts", "test", "钱塘 -钱塘江")
    assert code == 0 and "**钱塘**" in out
    assert "https://tidenews.com.cn/news.html?id=3041187" in out
    assert "https://tidenews.com.cn/news.html?id=3041190" not in out  # 钱塘江 only


def test_alerts_test_prints_the_total_and_how_many_are_shown(data_dir: Path, capsys) -> None:
    _, everything, _ = run(capsys, "alerts", "test", "钱塘 -钱塘江", "--limit", "100")
    listed = len([line for line in everything.splitlines() if line[:1].isdigit() and ". " in line])
    assert listed >= 2 and everything.rstrip().endswith(f"\n{listed} articles match")
    _, one, _ = run(capsys, "alerts", "test", "钱塘 -钱塘江", "--limit", "1")
    assert one.rstrip().endswith(f"\n{listed} articles match (showing 1)")
    _, single, _ = run(capsys, "alerts", "test", "渔政")
    assert single.rstrip().endswith("\n1 article matches")


def test_digest_dry_run_prints_and_marks_nothing(
    data_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIDEWATCH_BACKFILL_DAYS", "36500")  # the replica's stories are old
    code, out, _ = run(capsys, "digest", "--dry-run", "--subscriber", "newsroom@example.com")
    assert code == 0 and "newsroom@example.com: dry-run" in out
    assert "篇新文章：钱塘、" in out and "【钱塘】" in out
    assert not (data_dir / "outbox").exists()
    _, again, _ = run(capsys, "digest", "--dry-run", "--subscriber", "newsroom@example.com")
    assert "newsroom@example.com: dry-run" in again  # still pending: nothing was marked sent


def test_digest_for_an_unknown_subscriber_is_a_usage_error(data_dir: Path, capsys) -> None:
    code, _, err = run(capsys, "digest", "--subscriber", "nobody@example.com")
    assert code == 2 and "no subscriber 'nobody@example.com'" in err
