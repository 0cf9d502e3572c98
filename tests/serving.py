"""Helpers to run `tidewatch serve` as a real process and watch what it records."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mailsink import FIXTURES, SMTP_PASSWORD, SMTP_USER
from support import SIGNING_SALT

from tidewatch.mirror import MirrorServer

UNSUBSCRIBE_SECRET = "serve-test-unsubscribe-key-5d1f8a93c7e2b640"  # strong: 32+ bytes, random
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
        "TIDEWATCH_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
        "TIDEWATCH_BACKFILL_DAYS": "36500",  # the replica's stories are months old
    }


QUIET_CONFIG = """
data_dir = "{data}"
web_listen = "{listen}"
log_level = "{level}"
subscribers_file = "{subscribers}"
shutdown_grace = {grace}

[sources.xsnet]
enabled = false

[sources.tidenews]
enabled = false

[sources.xsrb]
enabled = false
"""
WEB_UI = re.compile(r"web UI on (http://[^/\s]+/)")


@dataclass
class WebService:
    """A running `tidewatch serve` and the address its web UI answers on."""

    process: subprocess.Popen[bytes]
    url: str
    host: str
    port: int
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def quiet_env(
    folder: Path, listen: str = "127.0.0.1:0", level: str = "INFO", grace: float = 10, **extra: str
) -> dict[str, str]:
    """A `tidewatch serve` that crawls nothing (every source disabled): only its web UI, its
    digests (to the outbox unless TIDEWATCH_SMTP_HOST is given) and its shutdown."""
    path = folder / "tidewatch.toml"
    path.write_text(
        QUIET_CONFIG.format(
            data=folder / "data",
            listen=listen,
            level=level,
            grace=grace,
            subscribers=FIXTURES / "newsroom.toml",
        )
    )
    return clean_env() | {
        "TIDEWATCH_CONFIG": str(path),
        "TIDEWATCH_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
        "TIDEWATCH_BACKFILL_DAYS": "36500",  # the replica's stories are months old
        **extra,
    }


@contextmanager
def web_service(env: dict[str, str], log: Path, timeout: float = 30) -> Iterator[WebService]:
    """Start `tidewatch serve`, wait for its "web UI on" line, SIGTERM it at the end."""
    process = start(env, log)
    try:
        wait_for(
            lambda: WEB_UI.search(log.read_text(errors="replace")) or process.poll() is not None,
            "the web UI log line",
            timeout=timeout,
        )
        found = WEB_UI.search(log.read_text(errors="replace"))
        assert found, f"`tidewatch serve` exited {process.poll()}:\n{log.read_text()[-3000:]}"
        address = urlsplit(found.group(1))
        yield WebService(process, found.group(1), address.hostname, address.port, log)
    finally:
        if process.poll() is None:
            stop(process)
