"""Helpers to run `tidewatch serve` as a real process and watch what it records."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mailsink import FIXTURES, SMTP_PASSWORD, SMTP_USER
from support import SIGNING_SALT

from tidewatch.mirror import MirrorServer

CONFIG = """
data_dir = "{data}"
download_delay = {delay}
web_listen = "127.0.0.1:0"
log_level = "INFO"
subscribers_file = "{subscribers}"
shutdown_grace = 10
backoff_max_minutes = 0.2

[sources.xsnet]
interval_minutes = 0.05
jitter_seconds = 0

[sources.tidenews]
interval_minutes = 0.05
jitter_seconds = 0

[sources.xsrb]
enabled = false
"""


def write_config(folder: Path, subscribers: Path, delay: float = 0) -> Path:
    path = folder / "tidewatch.toml"
    data = folder / "data"
    path.write_text(CONFIG.format(data=data, delay=delay, subscribers=subscribers))
    return path


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tidewatch", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> tuple[int, float]:
    """Send ``sig``; (exit status, seconds it took to exit)."""
    started = time.monotonic()
    process.send_signal(sig)
    code = process.wait(timeout=60)
    return code, time.monotonic() - started


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def query(database: Path, sql: str, *params: object) -> list[tuple]:
    if not database.exists():
        return []
    try:
        with sqlite3.connect(database, timeout=5) as db:
            return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # still being created


def finished_runs(data: Path, source: str) -> int:
    sql = "SELECT count(*) FROM runs WHERE source = ? AND outcome != 'running'"
    rows = query(data / "runs.sqlite3", sql, source)
    return rows[0][0] if rows else 0


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}


def service_env(folder: Path, server: MirrorServer, smtp_port: int, delay: float = 0) -> dict:
    """The environment of a `tidewatch serve` crawling the replica and mailing the test sink."""
    config = write_config(folder, FIXTURES / "newsroom.toml", delay=delay)
    return clean_env() | {
        "TIDEWATCH_CONFIG": str(config),
        "TIDEWATCH_HOST_MAP": server.host_map(),
        "TIDEWATCH_TIDENEWS_SALT": SIGNING_SALT,
        "TIDEWATCH_SMTP_HOST": "127.0.0.1",
        "TIDEWATCH_SMTP_PORT": str(smtp_port),
        "TIDEWATCH_SMTP_SECURITY": "none",
        "TIDEWATCH_SMTP_USER": SMTP_USER,
        "TIDEWATCH_SMTP_PASSWORD": SMTP_PASSWORD,
        "TIDEWATCH_SMTP_BACKOFF": "0",
        "TIDEWATCH_UNSUBSCRIBE_SECRET": "serve-test",
        "TIDEWATCH_BACKFILL_DAYS": "36500",  # the replica's stories are months old
    }
