"""Failures of a real `tidewatch serve`: a port already taken, a store that breaks under a
running service, and what the log keeps (the traceback, zoned times, no credentials)."""

from __future__ import annotations

import http.client
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from mailsink import fill_store
from serving import quiet_env, web_service

from tidewatch.config import Config

HOLD_PORT = """
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(120)
"""


def test_a_port_in_use_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_PORT], stdout=subprocess.PIPE, text=True
    )  # a second process holds the port
    try:
        port = int(holder.stdout.readline())
        env = quiet_env(tmp_path, listen=f"127.0.0.1:{port}")
        done = subprocess.run(
            [sys.executable, "-m", "tidewatch", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("tidewatch:")]
    assert errors == [
        f"tidewatch: cannot listen on 127.0.0.1:{port}: the address is already in use (web_listen)"
    ]
    assert "Traceback" not in done.stderr


def test_a_store_breaking_mid_service_gives_a_bare_500_and_a_logged_traceback(
    tmp_path: Path,
) -> None:
    store_path = Config(data_dir=tmp_path / "data").store_path
    fill_store(Config(data_dir=tmp_path / "data"), ("xsnet", "tidenews")).close()
    with web_service(quiet_env(tmp_path), tmp_path / "serve.log") as service:
        search = service.url + "search?q=" + quote("钱塘")
        with urllib.request.urlopen(search, timeout=10) as answer:
            assert answer.status == 200  # the store works…
        size = store_path.stat().st_size
        with open(store_path, "r+b") as broken:  # …until its pages are overwritten
            broken.seek(4096)
            broken.write(os.urandom(size - 4096))
        with sqlite3.connect(store_path) as other:  # a write the service sees: its cache goes
            other.execute("PRAGMA user_version = 99")
        failures = []
        for path in ("search?q=" + quote("数字经济"), "api/search?q=" + quote("新型工业化")):
            try:
                urllib.request.urlopen(service.url + path, timeout=10)
            except urllib.error.HTTPError as e:
                failures.append((e.code, e.read()))
        assert failures, "a broken store went unnoticed"
        for code, body in failures:
            assert code == 500
            assert body == b"internal error: the service log has the details\n"
        assert urllib.request.urlopen(service.url + "healthz", timeout=10).status == 200
        log = service.log.read_text()
    assert "Traceback" in log and "is not a readable Tidewatch store" in log  # details: the log


def test_credentials_never_reach_the_log_and_times_carry_their_zone(tmp_path: Path) -> None:
    secret = "web-token-that-must-not-be-logged-3e8a1f"
    env = quiet_env(tmp_path, level="DEBUG", TIDEWATCH_WEB_TOKEN=secret)
    with web_service(env, tmp_path / "serve.log") as service:
        for path in (
            f"/api/status?token={secret}",
            f"/api/search?q=x&token={secret}&page=1",
            f"/nope?api_key={secret}",
            f"/unsubscribe?token={secret}",
            f"/healthz?password={secret}&secret={secret}",
        ):
            connection = http.client.HTTPConnection(service.host, service.port, timeout=10)
            connection.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
            connection.getresponse().read()
            connection.close()
        time.sleep(0.3)
        log = service.log.read_text()
    assert secret not in log
    assert "GET /api/status?token=[redacted] 200" in log
    assert "token=[redacted]&page=1" in log
    times = re.findall(r"^(\S+) (?:DEBUG|INFO|WARNING|ERROR) ", log, re.MULTILINE)
    assert times and all(t.endswith("+08:00") for t in times), times[:3]
    assert re.search(r"\+08:00 INFO tidewatch\.serve: web UI on http://", log)
    assert not re.search(r"WARNING tidewatch\.serve: (serving|web UI|stopping|stopped)", log)
