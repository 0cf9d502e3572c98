"""Digests under faults, with real servers: a recipient refused, a digest that cannot be
built, two `tidewatch digest` processes at once, an SMTP server that drip-feeds its replies,
and a stop in the middle of a transaction. Nothing lost, nothing doubled, the rest delivered.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from mailsink import (
    BACKFILL_ALL,
    FIXTURES,
    SMTP_PASSWORD,
    SMTP_USER,
    UNSUBSCRIBE_SECRET,
    MailSink,
    fill_store,
)

from alerts.ledger import Ledger
from alerts.service import Alerts, retry_delay
from model.clock import SHANGHAI, now
from store.base import article_id
from tidewatch.cli import main
from tidewatch.config import Config

RIVER = "https://tidenews.com.cn/news.html?id=3041190"  # the only article that says 渔政


def config_for(alerts_config: Config, stem: str, **changes: object) -> Config:
    return alerts_config.model_copy(
        update={"subscribers_file": FIXTURES / f"{stem}.toml", **changes}
    )


def pending(config: Config, email: str) -> int:
    ledger = Ledger(config.ledger_path)
    try:
        return len(ledger.pending(email))
    finally:
        ledger.close()


def environment(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TIDEWATCH_* variables of ``config``, for `tidewatch` run in this process."""
    values = {
        "DATA_DIR": config.data_dir,
        "SUBSCRIBERS_FILE": config.subscribers_file,
        "PUBLIC_URL": config.public_url,
        "MAIL_FROM": config.mail_from,
        "SMTP_HOST": config.smtp_host,
        "SMTP_PORT": config.smtp_port,
        "SMTP_SECURITY": config.smtp_security,
        "SMTP_USER": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_BACKOFF": 0,
        "SMTP_TIMEOUT": config.smtp_timeout,
        "UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
        "BACKFILL_DAYS": BACKFILL_ALL,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"TIDEWATCH_{key}", str(value))


# -- one bad subscriber does not block the others ----------------------------------------------


def test_a_refused_recipient_is_recorded_and_the_others_get_their_mail(
    smtp_server: tuple[MailSink, int],
    alerts_config: Config,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sink, _ = smtp_server
    sink.refuse_recipients = {"middle@example.com"}
    config = config_for(alerts_config, "three")
    fill_store(config).close()
    environment(config, monkeypatch)

    assert main(["digest"]) == 1  # the run says it failed …
    out, err = capsys.readouterr()
    assert "middle@example.com: failed" in out and "550" in out
    assert "not delivered to middle@example.com" in err
    assert sorted(r for rs in sink.recipients for r in rs) == [
        "first@example.com",
        "last@example.com",
    ]  # … but everyone else got mail
    ledger = Ledger(config.ledger_path)
    failure = ledger.failure("middle@example.com")
    assert failure.failures == 1 and "550" in failure.last_error
    assert len(ledger.pending("middle@example.com")) == 1  # nothing lost
    assert ledger.failures().keys() == {"middle@example.com"}
    ledger.close()

    assert main(["digest"]) == 1  # within the backoff: named again, not retried yet
    out, _ = capsys.readouterr()
    assert "middle@example.com: deferred" in out and len(sink.messages) == 2


def test_failures_back_off_and_a_retry_that_succeeds_clears_them(
    smtp_server: tuple[MailSink, int], alerts_config: Config
) -> None:
    sink, _ = smtp_server
    sink.refuse_recipients = {"middle@example.com"}
    config = config_for(alerts_config, "three")
    store = fill_store(config)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    waits = []
    for failure in range(1, 4):
        at = start + sum(waits, timedelta())
        alerts = Alerts(config, store, clock=lambda at=at: at)
        alerts.match_new_articles()
        reports = {r.subscriber: r for r in alerts.send_due()}
        assert reports["middle@example.com"].status == "failed"
        next_retry = alerts.ledger.failure("middle@example.com").next_retry
        assert datetime.fromisoformat(next_retry) == at + retry_delay(failure)
        alerts.close()
        waits.append(retry_delay(failure))
    assert [w.total_seconds() for w in waits] == [60, 120, 240]

    sink.refuse_recipients = set()
    at = start + sum(waits, timedelta())
    alerts = Alerts(config, store, clock=lambda: at)
    (report,) = alerts.send_due()
    assert (report.subscriber, report.status) == ("middle@example.com", "sent")
    assert alerts.ledger.failures() == {}
    alerts.close()
    store.close()
    assert Counter(r for rs in sink.recipients for r in rs)["middle@example.com"] == 1


def test_a_digest_that_cannot_be_built_does_not_stop_the_others(
    smtp_server: tuple[MailSink, int], alerts_config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    sink, _ = smtp_server
    config = config_for(alerts_config, "three")
    store = fill_store(config)
    alerts = Alerts(config, store)
    alerts.match_new_articles()
    # a real fault: the one article only the middle subscriber wants is corrupt on disk
    with sqlite3.connect(config.store_path) as db:
        db.execute(
            "UPDATE articles SET authors = '[\"unterminated' WHERE id = ?", (article_id(RIVER),)
        )
    reports = {r.subscriber: r for r in alerts.send_due()}
    alerts.close()
    store.close()
    assert reports["first@example.com"].status == "sent"
    assert reports["last@example.com"].status == "sent"
    middle = reports["middle@example.com"]
    assert middle.status == "failed" and "could not build the digest" in middle.detail
    assert "JSONDecodeError" in middle.detail
    assert len(sink.messages) == 2 and pending(config, "middle@example.com") == 1
    assert "digest to middle@example.com could not be built" in caplog.text


# -- two senders at once -----------------------------------------------------------------------


def test_two_digest_processes_at_once_send_each_digest_exactly_once(
    smtp_server: tuple[MailSink, int], alerts_config: Config, tmp_path: Path
) -> None:
    sink, _ = smtp_server
    sink.delay = 0.3  # each DATA takes a while: the two runs overlap for real
    template = tmp_path / "template.sqlite3"
    fill_store(config_for(alerts_config, "many", data_dir=tmp_path / "fill")).close()
    shutil.copy(tmp_path / "fill" / "tidewatch.sqlite3", template)
    emails = [f"{n}@example.com" for n in ("one", "two", "three", "four", "five", "six")]
    for attempt in range(4):
        config = config_for(alerts_config, "many", data_dir=tmp_path / f"run{attempt}")
        config.data_dir.mkdir()
        shutil.copy(template, config.store_path)
        before = len(sink.messages)
        env = process_env(config)
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "tidewatch", "digest"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        got = Counter(r for rs in sink.recipients[before:] for r in rs)
        assert got == Counter(emails), f"attempt {attempt}: {got}\n{outputs}"
        sent = sum(out.count(": sent ") for out, _ in outputs)
        assert sent == len(emails)


def process_env(config: Config) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    return env | {
        "TIDEWATCH_DATA_DIR": str(config.data_dir),
        "TIDEWATCH_SUBSCRIBERS_FILE": str(config.subscribers_file),
        "TIDEWATCH_PUBLIC_URL": config.public_url,
        "TIDEWATCH_SMTP_HOST": "127.0.0.1",
        "TIDEWATCH_SMTP_PORT": str(config.smtp_port),
        "TIDEWATCH_SMTP_SECURITY": "none",
        "TIDEWATCH_SMTP_USER": SMTP_USER,
        "TIDEWATCH_SMTP_PASSWORD": SMTP_PASSWORD,
        "TIDEWATCH_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET,
        "TIDEWATCH_BACKFILL_DAYS": str(BACKFILL_ALL),
    }


def test_a_claim_is_held_by_one_sender_and_expires_when_it_dies(ledger: Ledger) -> None:
    at, ttl = now(), timedelta(minutes=15)
    assert ledger.claim("a@example.com", "host:1:aaaa", at, ttl) is True
    assert ledger.claim("a@example.com", "host:2:bbbb", at, ttl) is False  # held
    assert ledger.claim("b@example.com", "host:2:bbbb", at, ttl) is True  # per subscriber
    assert ledger.claim("a@example.com", "host:2:bbbb", at + ttl + timedelta(seconds=1), ttl)
    ledger.release("a@example.com", "host:1:aaaa")  # the old holder cannot release it now
    assert not ledger.claim("a@example.com", "host:3:cccc", at, ttl)


def test_a_claim_of_a_dead_process_on_this_host_is_taken_over_at_once(ledger: Ledger) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    holder = f"{socket.gethostname()}:{dead.stdout.strip()}:dead"
    at = now()
    assert ledger.claim("a@example.com", holder, at, timedelta(hours=1))
    assert ledger.claim("a@example.com", "other:1:x", at, timedelta(hours=1))


# -- SMTP deadlines and stops: a hostile server on loopback --------------------------------------


@contextmanager
def drip_server(script: bytes, every: float, hang_after_data: bool = False) -> Iterator[int]:
    """A raw-socket SMTP server that sends ``script`` one byte every ``every`` seconds, or
    (``hang_after_data``) answers properly until DATA's end and then never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    done = threading.Event()
    connections: list[socket.socket] = []

    def speak(conn: socket.socket) -> None:
        conn.settimeout(0.2)
        try:
            if hang_after_data:
                honest(conn)
            else:
                for byte in script:
                    if done.wait(every):
                        return
                    conn.sendall(bytes([byte]))
                done.wait()
        except OSError:
            return

    def honest(conn: socket.socket) -> None:
        conn.sendall(b"220 hang.example ESMTP\r\n")
        buffer, in_data = b"", False
        while not done.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return
            buffer += chunk
            while b"\r\n" in buffer and not in_data:
                line, buffer = buffer.split(b"\r\n", 1)
                verb = line[:4].upper()
                if verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    in_data = True
                elif verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-hang.example\r\n250 AUTH PLAIN LOGIN\r\n")
                elif verb == b"AUTH":
                    conn.sendall(b"235 ok\r\n")
                else:
                    conn.sendall(b"250 ok\r\n")
            if in_data and b"\r\n.\r\n" in buffer:
                done.wait()  # the message is in; the answer never comes
                return

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(conn)
            threading.Thread(target=speak, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join()
        listener.close()
        for conn in connections:
            conn.close()


def test_a_drip_feeding_server_fails_within_the_deadline_and_the_match_stays_pending(
    alerts_config: Config,
) -> None:
    with drip_server(b"220 slow.example ESMTP ready\r\n", every=2.0) as port:
        config = config_for(
            alerts_config, "three", smtp_port=port, smtp_timeout=3.0, smtp_attempts=4
        )
        store = fill_store(config, ("tidenews",))
        alerts = Alerts(config, store)
        alerts.match_new_articles()
        started = time.monotonic()
        reports = alerts.send_due(only="middle@example.com")
        elapsed = time.monotonic() - started
        alerts.close()
        store.close()
    (report,) = reports
    assert elapsed < 3.0 + 1.0, f"one send took {elapsed:.1f} s with a 3 s deadline"
    assert report.status == "failed" and "no answer within 3 s" in report.detail
    assert pending(config, "middle@example.com") == 1


def test_a_stop_during_the_transaction_aborts_it_within_a_second(alerts_config: Config) -> None:
    with drip_server(b"", every=0, hang_after_data=True) as port:
        config = config_for(alerts_config, "three", smtp_port=port, smtp_timeout=120.0)
        store = fill_store(config)
        alerts = Alerts(config, store)
        alerts.match_new_articles()
        waiting = {s.email: pending(config, s.email) for s in alerts.subscribers}
        reports: list = []
        worker = threading.Thread(target=lambda: reports.extend(alerts.send_due()))
        worker.start()
        time.sleep(1.5)  # the first digest's DATA is in, and the server keeps quiet
        assert worker.is_alive()
        stopped = time.monotonic()
        alerts.abort()
        worker.join(timeout=5)
        took = time.monotonic() - stopped
        alerts.close()
        store.close()
    assert not worker.is_alive() and took < 1.0, f"the stop took {took:.1f} s"
    (report,) = reports  # the subscribers after it were not started
    assert (report.subscriber, report.status) == ("first@example.com", "aborted")
    assert {email: pending(config, email) for email in waiting} == waiting  # all still pending
    ledger = Ledger(config.ledger_path)
    (digest,) = ledger.digests("first@example.com")
    assert digest["status"] == "failed" and "stopped" in digest["last_error"]
    assert ledger.failures() == {}  # a stop is not the subscriber's failure
    ledger.close()


def test_a_stop_event_given_to_send_due_works_like_abort(alerts_config: Config) -> None:
    with drip_server(b"", every=0, hang_after_data=True) as port:
        config = config_for(alerts_config, "three", smtp_port=port, smtp_timeout=120.0)
        store = fill_store(config)
        alerts = Alerts(config, store)
        alerts.match_new_articles()
        stop = threading.Event()
        reports: list = []
        worker = threading.Thread(target=lambda: reports.extend(alerts.send_due(stop=stop)))
        worker.start()
        time.sleep(1.5)
        stopped = time.monotonic()
        stop.set()
        worker.join(timeout=5)
        took = time.monotonic() - stopped
        alerts.close()
        store.close()
    assert took < 1.0 and [r.status for r in reports] == ["aborted"]


def test_the_status_shows_failing_subscribers_and_mail_set_up_warnings(
    smtp_server: tuple[MailSink, int], alerts_config: Config
) -> None:
    from alerts.mail import setup_warnings

    sink, _ = smtp_server
    sink.refuse_recipients = {"middle@example.com"}
    config = config_for(alerts_config, "three")
    store = fill_store(config)
    alerts = Alerts(config, store)
    alerts.match_new_articles()
    alerts.send_due()
    counts = alerts.ledger.delivery_counts()
    alerts.close()
    store.close()
    middle = counts["middle@example.com"]
    assert middle["failing"] == 1 and "550" in middle["last_error"] and middle["next_retry"]
    assert "failing" not in counts["first@example.com"]
    assert setup_warnings(config) == []  # a public URL and a real From domain
    dump = config.model_dump()
    loopback = Config(**{**dump, "public_url": "http://127.0.0.1:8080", "mail_from": None})
    warnings = setup_warnings(loopback)
    assert len(warnings) == 2 and "public_url is http://127.0.0.1:8080" in warnings[0]
    assert "tidewatch@localhost" in warnings[1]
    assert setup_warnings(loopback.model_copy(update={"smtp_host": None})) == []  # the outbox


def test_loopback_links_with_real_smtp_are_logged_loudly(
    alerts_config: Config, store, caplog: pytest.LogCaptureFixture
) -> None:
    config = Config(**{**alerts_config.model_dump(), "public_url": "http://localhost:8080"})
    alerts = Alerts(config, store)
    alerts.close()
    assert alerts.warnings and "public_url is http://localhost:8080" in caplog.text
    assert any(r.levelname == "ERROR" for r in caplog.records)
