"""Alert fixtures: a real SMTP server on loopback and a configuration pointing at it.
(Helpers to import — MailSink, fill_store — are in mailsink.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from mailsink import FIXTURES, SMTP_PASSWORD, SMTP_USER, MailSink, free_port

from tidewatch.config import Config


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    """A plain SMTP server that requires AUTH LOGIN/PLAIN (allowed without TLS on loopback)."""
    sink = MailSink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=sink.authenticate,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


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
        unsubscribe_secret="test-unsubscribe-secret",
    )
