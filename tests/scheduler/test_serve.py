"""`tidewatch serve` as a real process against the replica: schedules of seconds, real SMTP,
SIGTERM and restart, SIGKILL in the middle of a crawl."""

from __future__ import annotations

import contextlib
import itertools
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from mailsink import FIXTURES, SMTP_PASSWORD, SMTP_USER, MailSink, fill_store, free_port
from serving import (
    clean_env,
    finished_runs,
    query,
    quiet_env,
    service_env,
    start,
    stop,
    wait_for,
)
from support import SIGNING_SALT, run_tidewatch

from tidewatch.config import Config
from tidewatch.mirror import MirrorServer

SEED_URLS = {
    "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml",
    "https://tidenews.com.cn/news.html?id=3041187",
}


def urls_mailed(sink: MailSink) -> list[str]:
    """Every (article link) listed in every digest received, duplicates kept."""
    links = []
    for message in sink.messages:
        text = message.get_body(("plain",)).get_content()
        links += [line.strip() for line in text.splitlines() if line.startswith("  http")]
    return links


def test_crawls_on_schedule_sends_once_stops_and_continues(
    replica_server: MirrorServer, smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    sink, port = smtp_server
    env, data = service_env(tmp_path, replica_server, port), tmp_path / "data"
    log = tmp_path / "serve.log"
    service = start(env, log)
    try:
        wait_for(
            lambda: min(finished_runs(data, s) for s in ("xsnet", "tidenews")) >= 2,
            "two crawls of each source",
        )
    finally:
        code, seconds = stop(service)
    assert code == 0 and seconds < 15, log.read_text()[-3000:]
    assert len(sink.messages) >= 1
    mailed = urls_mailed(sink)
    assert set(mailed) >= SEED_URLS
    received = len(sink.messages)

    service = start(env, log)  # a restart picks up where it left off
    try:
        before = finished_runs(data, "xsnet")
        wait_for(lambda: finished_runs(data, "xsnet") >= before + 2, "crawls after restart")
    finally:
        code, _ = stop(service)
    assert code == 0
    assert len(sink.messages) == received  # nothing new on the sites: nothing sent again
    outcomes = [row[0] for row in query(data / "runs.sqlite3", "SELECT outcome FROM runs")]
    # a SIGTERM that lands mid-crawl leaves that run "interrupted"; nothing else may go wrong
    assert set(outcomes) <= {"healthy", "interrupted"}, log.read_text()[-3000:]
    assert outcomes.count("healthy") >= 4


def test_killed_mid_crawl_loses_nothing_and_delivers_every_alert(
    replica_server: MirrorServer, smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    sink, port = smtp_server
    data, log = tmp_path / "data", tmp_path / "serve.log"
    slow = service_env(tmp_path, replica_server, port, delay=1)  # about 10 s per crawl
    service = start(slow, log)
    store = data / "tidewatch.sqlite3"
    wait_for(
        lambda: (query(store, "SELECT count(*) FROM articles") or [(0,)])[0][0] >= 2,
        "the first articles of a slow crawl",
    )
    running = query(data / "runs.sqlite3", "SELECT count(*) FROM runs WHERE outcome = 'running'")
    assert running[0][0] >= 1  # killed while crawling
    code, _ = stop(service, signal.SIGKILL)
    assert code == -signal.SIGKILL

    fast = service_env(tmp_path, replica_server, port)
    service = start(fast, log)
    try:
        wait_for(
            lambda: min(finished_runs(data, s) for s in ("xsnet", "tidenews")) >= 2,
            "crawls after the restart",
        )
        wait_for(lambda: set(urls_mailed(sink)) >= SEED_URLS, "the seed articles mailed")
    finally:
        stop(service)
    assert query(store, "PRAGMA integrity_check") == [("ok",)]
    assert query(data / "alerts.sqlite3", "PRAGMA integrity_check") == [("ok",)]
    urls = [row[0] for row in query(store, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == 11  # 5 萧山网 + 6 潮新闻, none twice
    interrupted = query(
        data / "runs.sqlite3", "SELECT count(*) FROM runs WHERE outcome = ?", "interrupted"
    )
    assert interrupted[0][0] >= 1
    unsent = "SELECT count(*) FROM matches WHERE status IN ('pending', 'sending')"
    pending = query(data / "alerts.sqlite3", unsent)
    assert pending == [(0,)]  # every alert went out
    mailed = urls_mailed(sink)
    matched_articles = query(
        data / "alerts.sqlite3", "SELECT count(DISTINCT article_id) FROM matches"
    )
    assert len(set(mailed)) == matched_articles[0][0]


def test_a_failing_source_backs_off_tells_the_operator_and_recovers(
    replica_server: MirrorServer, smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    sink, port = smtp_server
    down = free_port()  # 潮新闻 is unreachable until a server appears on this port
    env = service_env(tmp_path, replica_server, port) | {
        "TIDEWATCH_HOST_MAP": f"www.xsnet.cn={replica_server.address},"
        f"tidenews.com.cn=127.0.0.1:{down},app-api.zjol.com.cn=127.0.0.1:{down}",
        "TIDEWATCH_OPERATOR_EMAIL": "ops@tidewatch.example.com",
    }
    data, log = tmp_path / "data", tmp_path / "serve.log"
    service = start(env, log)
    try:
        wait_for(lambda: finished_runs(data, "tidenews") >= 3, "three failed runs", timeout=120)
        sql = "SELECT started_at FROM runs WHERE source = 'tidenews' ORDER BY id"
        starts = [row[0] for row in query(data / "runs.sqlite3", sql)]
        gaps = [_seconds(b) - _seconds(a) for a, b in itertools.pairwise(starts)]
        assert gaps[1] > gaps[0] + 2, gaps  # longer waits after each failure (3 s, 6 s, 12 s …)
        status = json.loads(run_tidewatch(env, "status", "--json").stdout)
        tide = next(s for s in status if s["source"] == "tidenews")
        assert tide["health"] == "failing" and tide["consecutive_failures"] >= 2
        alarms = [m for m in sink.messages if m["To"] == "ops@tidewatch.example.com"]
        assert len(alarms) == 1 and "tidenews is failing" in alarms[0]["Subject"]

        with MirrorServer(replica_server.mirror.root, port=down, signing_salt=SIGNING_SALT):
            wait_for(lambda: _last_outcome(data, "tidenews") == "healthy", "recovery", 60)
    finally:
        stop(service)
    status = json.loads(run_tidewatch(env, "status", "--json").stdout)
    tide = next(s for s in status if s["source"] == "tidenews")
    assert (tide["health"], tide["consecutive_failures"]) == ("healthy", 0)
    # the run that recovered stored all six; a later one (every 3 s) may find nothing new
    sql = "SELECT sum(new) FROM runs WHERE source = 'tidenews' AND outcome = 'healthy'"
    assert query(data / "runs.sqlite3", sql) == [(6,)]


def _seconds(moment: str) -> float:
    return datetime.fromisoformat(moment).timestamp()


def _last_outcome(data: Path, source: str) -> str | None:
    rows = query(
        data / "runs.sqlite3",
        "SELECT outcome FROM runs WHERE source = ? AND outcome "
        "!= 'running' ORDER BY id DESC LIMIT 1",
        source,
    )
    return rows[0][0] if rows else None


def test_serve_refuses_bad_configuration_at_start(tmp_path: Path) -> None:
    env = clean_env() | {"TIDEWATCH_DATA_DIR": str(tmp_path), "TIDEWATCH_SMTP_PORT": "smtp"}
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "TIDEWATCH_SMTP_PORT" in done.stderr
    bad = FIXTURES / "bad_unbalanced_parenthesis.toml"
    env = clean_env() | {
        "TIDEWATCH_DATA_DIR": str(tmp_path),
        "TIDEWATCH_SUBSCRIBERS_FILE": str(bad),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and f"{bad}, line " in done.stderr


def test_one_service_per_data_directory(
    replica_server: MirrorServer, smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    _, port = smtp_server
    env = service_env(tmp_path, replica_server, port)
    first = start(env, tmp_path / "first.log")
    try:
        wait_for(lambda: (tmp_path / "data" / "serve.lock").exists(), "the first service")
        done = subprocess.run(
            [sys.executable, "-m", "tidewatch", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        stop(first)
    assert done.returncode == 2
    assert f"another `tidewatch serve` (pid {first.pid}) uses" in done.stderr


@contextmanager
def silent_smtp() -> Iterator[tuple[int, list[socket.socket]]]:
    """An "SMTP server" on loopback that accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        listener.close()
        for sock in accepted:
            sock.close()


def test_sigterm_during_a_hung_digest_stops_within_grace_and_keeps_matches_pending(
    smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    data, log, grace = tmp_path / "data", tmp_path / "serve.log", 3
    fill_store(Config(data_dir=data), ("xsnet", "tidenews")).close()
    ledger = data / "alerts.sqlite3"
    with silent_smtp() as (port, accepted):
        env = quiet_env(
            tmp_path,
            grace=grace,
            TIDEWATCH_SMTP_HOST="127.0.0.1",
            TIDEWATCH_SMTP_PORT=str(port),
            TIDEWATCH_SMTP_SECURITY="none",
            TIDEWATCH_SMTP_TIMEOUT="120",  # per read: the silent server would hold it all
        )
        service = start(env, log)
        try:
            wait_for(lambda: accepted, "the digest's SMTP connection", timeout=30)
            wait_for(
                lambda: (
                    query(ledger, "SELECT count(*) FROM digests WHERE status = 'sending'") == [(1,)]
                ),
                "a digest being sent",
            )
        finally:
            code, seconds = stop(service)
    assert code == 0, log.read_text()[-3000:]
    assert seconds < grace + 5, (seconds, log.read_text()[-3000:])
    statuses = dict(query(ledger, "SELECT status, count(*) FROM matches GROUP BY status"))
    assert statuses and "sent" not in statuses, statuses  # nothing marked sent: still to send
    assert "aborted stopped during the SMTP transaction" in log.read_text()  # not abandoned
    assert seconds < grace, seconds  # the abort, not the grace, ended the hung send

    sink, sink_port = smtp_server  # the next start, with a working server, delivers them
    env |= {"TIDEWATCH_SMTP_PORT": str(sink_port)}
    env |= {"TIDEWATCH_SMTP_USER": SMTP_USER, "TIDEWATCH_SMTP_PASSWORD": SMTP_PASSWORD}
    service = start(env, log)
    try:
        wait_for(lambda: sink.messages, "the digest delivered after the restart")
        wait_for(
            lambda: query(ledger, "SELECT count(*) FROM matches WHERE status != 'sent'") == [(0,)],
            "every match marked sent",
        )
    finally:
        stop(service)
    assert len(sink.messages) == 1
    assert sum(statuses.values()) == query(ledger, "SELECT count(*) FROM matches")[0][0]


WEAK = [
    "k9",
    "x" * 40,
    "change-me-to-a-long-random-secret-please",
    "abcdabcdabcdabcdabcdabcdabcdabcd",
]


@pytest.mark.parametrize("variable", ["TIDEWATCH_UNSUBSCRIBE_SECRET", "TIDEWATCH_WEB_TOKEN"])
@pytest.mark.parametrize("command", [["serve"], ["digest", "--dry-run"]])
def test_weak_secrets_refuse_to_start(tmp_path: Path, variable: str, command: list[str]) -> None:
    for weak in WEAK:
        env = quiet_env(tmp_path) | {variable: weak}
        done = subprocess.run(
            [sys.executable, "-m", "tidewatch", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, (weak, done.stderr)
        assert variable in done.stderr and "secrets.token_urlsafe(32)" in done.stderr
        assert weak not in done.stderr  # the error never repeats the secret
        assert "Traceback" not in done.stderr


def test_a_weak_hand_written_unsubscribe_key_file_refuses_to_start(tmp_path: Path) -> None:
    env = quiet_env(tmp_path)
    del env["TIDEWATCH_UNSUBSCRIBE_SECRET"]  # the key comes from data/unsubscribe.key
    key = tmp_path / "data" / "unsubscribe.key"
    key.parent.mkdir(parents=True)
    key.write_text("0" * 64)
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and f"{key}: the unsubscribe key repeats" in done.stderr
    key.unlink()  # as the message says: a strong key is made in its place
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "digest", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(set(key.read_text().strip())) > 8
