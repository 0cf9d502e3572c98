"""Alert fixtures: a configuration pointing at the test SMTP server (tests/conftest.py).
(Helpers to import — MailSink, fill_store — are in tests/mailsink.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mailsink import BACKFILL_ALL, FIXTURES, SMTP_PASSWORD, SMTP_USER, UNSUBSCRIBE_SECRET, MailSink

from alerts.ledger import Ledger
from store.sqlite import SqliteStore
from tidewatch.config import Config


@pytest.fixture
def alerts_config(tmp_path: Path, smtp_server: tuple[MailSink, int]) -> Config:
    _, port = smtp_server
    return Config(
        data_dir=tmp_path / "data",
        subscribers_file=FIXTURES / "newsroom.toml",
        public_url="https://tidewatch.example.com",
        mail_from="Tidewatch <alerts@tidewatch.example.com>",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        smtp_backoff=0,
        unsubscribe_secret=UNSUBSCRIBE_SECRET,
        backfill_days=BACKFILL_ALL,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    yield store
    store.close()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    ledger = Ledger(tmp_path / "alerts.sqlite3")
    yield ledger
    ledger.close()
