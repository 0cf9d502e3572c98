"""Whole crawls: `tidewatch crawl` in a real process, the replica behind a real HTTP server,
articles in a real SQLite file."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import expected, expected_cases, run_tidewatch, tidewatch_env

from store.sqlite import SqliteStore
from tidewatch.mirror import MirrorServer

XSRB_ISSUE = "https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm"
ENTRY = {"xsnet": [], "xsrb": ["--start-url", XSRB_ISSUE], "tidenews": []}
EXPECTED_NEW = {"xsnet": 5, "xsrb": 3, "tidenews": 6}  # articles reachable from the entries
HOSTS = {"xsnet": "www.xsnet.cn", "xsrb": "xsrb.xsnet.cn", "tidenews": "tidenews.com.cn"}
SEED_PAGE = "www.xsnet.cn/news/szjj/2019_1/3025263.shtml"


def crawl(server: MirrorServer, data_dir: Path, source: str, *args: str, **env: str) -> Any:
    done = run_tidewatch(tidewatch_env(server, data_dir, **env), "crawl", source, "--json", *args)
    summary = json.loads(done.stdout)
    summary["stderr"] = done.stderr
    return summary


def stored(data_dir: Path) -> dict[str, Any]:
    store = SqliteStore(data_dir / "tidewatch.sqlite3")
    try:
        return {a.url: a for a in store.articles()}
    finally:
        store.close()


@pytest.mark.parametrize("source", ENTRY)
def test_crawl_twice_second_run_is_incremental(
    source: str, replica_server: MirrorServer, tmp_path: Path
) -> None:
    first = crawl(replica_server, tmp_path, source, *ENTRY[source])
    assert (first["new"], first["updated"], first["unchanged"]) == (EXPECTED_NEW[source], 0, 0)
    articles = stored(tmp_path)
    for stem in expected_cases(HOSTS[source]):
        want = expected(HOSTS[source], stem)
        if want["url"] in articles:  # every field, end to end
            got = articles[want["url"]].export()
            assert {k: got[k] for k in want if k != "body"} == {
                k: v for k, v in want.items() if k != "body"
            }
            assert got["body"].split("\n") == want["body"]
    fetched_before = len(replica_server.requests)

    second = crawl(replica_server, tmp_path, source, *ENTRY[source])
    assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, EXPECTED_NEW[source])
    again = replica_server.requests[fetched_before:]
    article_fetches = [r for r in again if "If-None-Match" in r.headers]
    assert len(article_fetches) == EXPECTED_NEW[source]
    assert {r.status for r in article_fetches} == {304}  # known pages were not downloaded again
    assert {a.version for a in stored(tmp_path).values()} == {1}
    assert stored(tmp_path).keys() == articles.keys()


def test_changed_article_gets_a_new_version(
    replica_server: MirrorServer, replica_copy: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    crawl(replica_server, data, "xsnet")
    page = replica_copy / SEED_PAGE
    html = page.read_bytes().decode("gb18030")
    page.write_bytes(html.replace("强化大平台支撑", "强化大平台支撑作用").encode("gb18030"))

    summary = crawl(replica_server, data, "xsnet")
    assert (summary["new"], summary["updated"], summary["unchanged"]) == (0, 1, 4)
    url = "http://" + SEED_PAGE
    article = stored(data)[url]
    assert article.version == 2 and "强化大平台支撑作用" in article.body
    store = SqliteStore(data / "tidewatch.sqlite3")
    try:
        assert [c.kind.value for c in store.changes() if c.article.url == url] == ["new", "updated"]
        assert "强化大平台支撑作用" not in store.versions(article.id)[0]["body"]
    finally:
        store.close()


def test_bad_input_is_counted_and_the_crawl_goes_on(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    summary = crawl(
        replica_server, tmp_path, "xsnet", "--start-url", "http://www.xsnet.cn/news/shms/"
    )
    assert summary["errors"] == {
        "http_404": 1,
        "http_500": 1,
        "unextracted": 1,
        "offsite": 1,
        "truncated": 1,
    }
    articles = stored(tmp_path)
    assert summary["new"] == len(articles)
    for good in ("shms/2019_1/3025304", "shms/2019_1/3025305"):  # GBK, missing/wrong charset
        assert f"http://www.xsnet.cn/news/{good}.shtml" in articles
    log = summary["stderr"]
    for url_part, reason in [
        ("3025299", "HTTP 404"),
        ("3025300", "HTTP 500"),
        ("3025301", "connection closed"),
        ("3025302", "off the allowed hosts"),
        ("3025303", "no recognisable body"),
    ]:
        assert any(url_part in line and reason in line for line in log.splitlines()), url_part
    assert not any("3025303" in url for url in stored(tmp_path))


def test_wrong_signing_salt_is_an_api_error(replica_server: MirrorServer, tmp_path: Path) -> None:
    summary = crawl(replica_server, tmp_path, "tidenews", TIDEWATCH_TIDENEWS_SALT="wrong")
    assert summary["errors"] == {"api_error": 1} and summary["new"] == 0
    assert "wrong" not in summary["stderr"]  # the secret never reaches the log


def test_url_option_fetches_one_article(replica_server: MirrorServer, tmp_path: Path) -> None:
    summary = crawl(replica_server, tmp_path, "xsnet", "--url", "http://" + SEED_PAGE)
    assert (summary["pages"], summary["new"]) == (1, 1)
    assert list(stored(tmp_path)) == ["http://" + SEED_PAGE]


def test_crawl_killed_half_way_resumes_without_duplicates_or_loss(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    slow = tidewatch_env(replica_server, tmp_path, TIDEWATCH_DOWNLOAD_DELAY="1")
    command = [sys.executable, "-m", "tidewatch", "crawl", "tidenews"]
    process = subprocess.Popen(command, env=slow, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    database = tmp_path / "tidewatch.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _count(database) < 2:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    before = _count(database)
    assert 2 <= before < EXPECTED_NEW["tidenews"], stderr[-2000:]

    summary = crawl(replica_server, tmp_path, "tidenews")
    assert summary["new"] + summary["unchanged"] == EXPECTED_NEW["tidenews"]
    assert summary["new"] == EXPECTED_NEW["tidenews"] - before
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        urls = [row[0] for row in db.execute("SELECT url FROM articles")]
        feed = db.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert len(urls) == len(set(urls)) == EXPECTED_NEW["tidenews"] == feed


def _count(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=1) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the crawler is still creating the schema
