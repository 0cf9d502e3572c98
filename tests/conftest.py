"""Fixtures shared by every test folder (helpers to import are in support.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailsink import MailSink, smtp_sink
from support import REPLICA, SIGNING_SALT

from tidewatch.config import Config
from tidewatch.mirror import Mirror, MirrorServer


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's TIDEWATCH_* variables."""
    for name in list(os.environ):
        if name.startswith("TIDEWATCH_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def mirror() -> Mirror:
    return Mirror(REPLICA)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data")


@pytest.fixture
def replica_copy(tmp_path: Path) -> Path:
    """A private copy of the replica that a test may edit (an article changes, a page breaks)."""
    root = tmp_path / "replica"
    shutil.copytree(REPLICA, root)
    return root


@pytest.fixture
def replica_server(replica_copy: Path) -> MirrorServer:
    with MirrorServer(replica_copy, signing_salt=SIGNING_SALT) as server:
        yield server


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    """A plain SMTP server that requires AUTH LOGIN/PLAIN (allowed without TLS on loopback)."""
    with smtp_sink() as server:
        yield server
