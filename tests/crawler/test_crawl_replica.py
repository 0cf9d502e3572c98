"""Whole crawls: `tidewatch crawl` in a real process, the replica behind a real HTTP server,
articles in a real SQLite file."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import REPO_ROOT, expected, expected_cases, run_tidewatch, tidewatch_env

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


RENAMED = "http://www.xsnet.cn/news/szjj/2019_1/3025310.shtml"  # .xs_content renamed
BROKEN = "http://www.xsnet.cn/news/shms/2019_1/3025303.shtml"  # no body at all


def test_a_changed_layout_is_stored_and_reported_as_drift(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    summary = crawl(replica_server, tmp_path, "xsnet", "--url", RENAMED)
    assert summary["new"] == 1 and summary["errors"] == {}
    article = stored(tmp_path)[RENAMED]
    assert article.extraction["body"].startswith("generic:")
    assert article.body.split("\n") == expected("www.xsnet.cn", "3025310")["body"]
    assert (
        "layout drift: seeds body selectors ['.xs_content'] matched nothing" in (summary["stderr"])
    )
    assert summary["selector_misses"] == {  # the renamed block held byline and editor
        "body/.xs_content": 1,
        "byline/[class*=con_edit]": 1,
        "editor/[class*=con_edit] | .editor": 1,
    }


def test_a_page_not_extracted_is_listed_retried_and_forgotten_once_it_extracts(
    replica_server: MirrorServer, replica_copy: Path, tmp_path: Path
) -> None:
    summary = crawl(replica_server, tmp_path, "xsnet", "--url", BROKEN)
    assert summary["errors"] == {"unextracted": 1} and summary["new"] == 0
    env = tidewatch_env(replica_server, tmp_path)
    status = json.loads(run_tidewatch(env, "status", "--json").stdout)
    (xsnet,) = [row for row in status if row["source"] == "xsnet"]
    assert xsnet["unextracted_count"] == 1
    assert xsnet["unextracted"][0]["url"] == BROKEN
    assert "no recognisable body" in xsnet["unextracted"][0]["reason"]
    assert "pages not extracted: 1" in run_tidewatch(env, "status").stdout

    # the page is fixed; the next run (its usual list pages) asks for it again by itself
    page = replica_copy / "www.xsnet.cn/news/shms/2019_1/3025303.shtml"
    page.write_bytes((replica_copy / "www.xsnet.cn/news/szjj/2019_1/3025270.shtml").read_bytes())
    replica_server.mirror.reload()
    summary = crawl(replica_server, tmp_path, "xsnet")
    assert BROKEN in stored(tmp_path)
    status = json.loads(run_tidewatch(env, "status", "--json").stdout)
    assert [row["unextracted_count"] for row in status if row["source"] == "xsnet"] == [0]


def test_a_listing_of_2000_articles_is_taken_a_budget_at_a_time_newest_first(
    replica_server: MirrorServer, replica_copy: Path, tmp_path: Path
) -> None:
    site = replica_copy / "www.xsnet.cn"
    article = (site / "news/szjj/2019_1/3025270.shtml").read_bytes()
    ids = list(range(4_001_999, 3_999_999, -1))  # the listing shows the newest first
    (site / "news/big/2019_1").mkdir(parents=True)
    for n in ids:
        (site / f"news/big/2019_1/{n}.shtml").write_bytes(article)
    links = "".join(
        f'<li><a href="/news/big/2019_1/{n}.shtml">第{n}号文章标题</a></li>' for n in ids
    )
    (site / "news/big/index.shtml").write_text(f"<html><body><ul>{links}</ul></body></html>")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (REPO_ROOT / "seeds/xsnet.toml").read_text(encoding="utf-8")
    text = text.replace(
        'start_urls = ["http://www.xsnet.cn/news/szjj/"]',
        'start_urls = ["http://www.xsnet.cn/news/big/"]',
    )
    (seeds / "xsnet.toml").write_text(
        text.replace("max_list_pages = 5", "max_list_pages = 5\nmax_articles_per_run = 25"),
        encoding="utf-8",
    )
    for name in ("xsrb", "tidenews"):
        (seeds / f"{name}.toml").write_bytes((REPO_ROOT / f"seeds/{name}.toml").read_bytes())

    data = tmp_path / "data"
    first = crawl(replica_server, data, "xsnet", TIDEWATCH_SEEDS_DIR=str(seeds))
    fetched = [r for r in replica_server.requests if r.path.startswith("/news/big/2019_1/")]
    assert len(fetched) == 25 and first["new"] == 25
    assert set(stored(data)) == {f"http://www.xsnet.cn/news/big/2019_1/{n}.shtml" for n in ids[:25]}

    before = len(replica_server.requests)
    second = crawl(replica_server, data, "xsnet", TIDEWATCH_SEEDS_DIR=str(seeds))
    again = [r for r in replica_server.requests[before:] if "/news/big/2019_1/" in r.path]
    assert len(again) == 25 and second["new"] == 25  # the next 25 newest, none re-checked
    assert set(stored(data)) == {f"http://www.xsnet.cn/news/big/2019_1/{n}.shtml" for n in ids[:50]}


class HostileHandler(BaseHTTPRequestHandler):
    """Answers no news site should give: too big, a gzip bomb, a trickle."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the crawler hung up
            getattr(self, "_" + self.path.rsplit("/", 1)[-1].split(".")[0])()

    def _head(self, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def _5000001(self) -> None:  # announced larger than the limit
        self._head(Content_Length=str(3 * 2**20))
        self.wfile.write(b"<p>" + b"x" * (3 * 2**20 - 3))

    def _5000002(self) -> None:  # no length announced, just keeps coming
        self.close_connection = True
        self._head(Connection="close")
        for _ in range(48):
            self.wfile.write(b"x" * 65536)

    def _5000003(self) -> None:  # 60 KiB of gzip that inflates to 64 MiB
        body = gzip.compress(b"\0" * (64 * 2**20), compresslevel=9)
        self._head(Content_Encoding="gzip", Content_Length=str(len(body)))
        self.wfile.write(body)

    def _5000004(self) -> None:  # a byte every half second: every read is on time
        self._head(Content_Length="100")
        for _ in range(100):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.5)


def test_hostile_answers_are_too_large_or_timeout_never_stored(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (REPO_ROOT / "seeds/xsnet.toml").read_text(encoding="utf-8")
    limits = "max_list_pages = 5\ndownload_maxsize = 1048576\ndownload_warnsize = 262144\n"
    limits += "download_timeout = 3\n"
    (seeds / "xsnet.toml").write_text(text.replace("max_list_pages = 5\n", limits), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")} | {
        "TIDEWATCH_HOST_MAP": f"www.xsnet.cn=127.0.0.1:{server.server_address[1]}",
        "TIDEWATCH_DATA_DIR": str(tmp_path / "data"),
        "TIDEWATCH_SEEDS_DIR": str(seeds),
        "TIDEWATCH_DOWNLOAD_DELAY": "0",
    }
    urls = [f"http://www.xsnet.cn/news/szjj/2019_1/500000{n}.shtml" for n in range(1, 5)]
    args = [a for url in urls for a in ("--url", url)]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tidewatch", "crawl", "xsnet", "--json", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    summary = json.loads(done.stdout)
    assert summary["errors"] == {"too_large": 3, "timeout": 1}, done.stderr[-3000:]
    assert summary["new"] == 0


def test_scrapy_check_runs_the_seeds_contracts_against_the_replica(
    replica_server: MirrorServer, replica_copy: Path, tmp_path: Path
) -> None:
    env = tidewatch_env(replica_server, tmp_path)
    command = [sys.executable, "-m", "scrapy", "check"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Ran 7 contracts" in done.stderr and "OK" in done.stderr

    page = replica_copy / SEED_PAGE  # the article the xsnet contract fetches loses its body
    page.write_bytes((replica_copy / "www.xsnet.cn/news/shms/2019_1/3025303.shtml").read_bytes())
    replica_server.mirror.reload()
    broken = subprocess.run(
        [*command, "xsnet"], env=env, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT
    )
    assert broken.returncode != 0 and "FAILED" in broken.stderr


def test_a_broken_api_and_a_missing_date_still_store_the_article(
    replica_server: MirrorServer, replica_copy: Path, tmp_path: Path
) -> None:
    url = "https://tidenews.com.cn/news.html?id=3470003"  # unfamiliar classes, no time shown
    summary = crawl(replica_server, tmp_path, "tidenews", "--url", url)
    assert summary["new"] == 1 and summary["errors"] == {"api_error": 1}  # code 10010
    assert "code 10010" in summary["stderr"]
    article = stored(tmp_path)[url]
    assert article.published_precision == "unknown"
    assert article.published_at == article.first_seen  # no invented time
    assert article.extraction["published_at"] == "missing"
    assert article.extraction["body"].startswith("generic:")
    assert (article.authors, article.contributors) == (["方力"], ["韩雪"])

    page = replica_copy / "tidenews.com.cn/news/3470003.html"  # new bytes, same article
    page.write_text(page.read_text(encoding="utf-8") + "<!-- cache 2 -->\n", encoding="utf-8")
    replica_server.mirror.reload()
    again = crawl(replica_server, tmp_path, "tidenews", "--url", url)
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert stored(tmp_path)[url].published_at == article.published_at  # first seen stays put
