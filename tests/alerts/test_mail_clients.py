"""The digest as mail clients read it: parsed by npm's mailparser (not Python's email package),
so one-click unsubscribe, the list headers and the Chinese subject work outside Python.

The parser is pinned in tests/alerts/js/package.json and its lock file; the test installs it
with `npm ci` on first use. Without node/npm it skips, except under CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from mailsink import MailSink, fill_store

from alerts.service import Alerts
from alerts.unsubscribe import check_token, load_secret, unsubscribe_url
from tidewatch.config import Config

JS = Path(__file__).parent / "js"
EDITOR = "editor@newsroom.example.com"
INSTALL = f"npm ci --prefix {JS}"


@pytest.fixture(scope="module")
def mailparser() -> Path:
    """The installed parser script; installs the pinned mailparser on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        reason = f"node and npm are needed to run mailparser: apt-get install nodejs npm; {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    if not (JS / "node_modules" / "mailparser").is_dir():
        done = subprocess.run(
            [npm, "ci", "--prefix", str(JS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            message = f"{INSTALL} failed: {done.stderr[-2000:]}"
            pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return JS / "parse.js"


def parsed(script: Path, raw: bytes) -> dict:
    done = subprocess.run(
        ["node", str(script)], input=raw, capture_output=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def sent(config: Config, sink: MailSink, sources: tuple[str, ...] = ("xsnet", "tidenews")) -> bytes:
    """The newsroom digest delivered over SMTP, as the bytes the server received."""
    store = fill_store(config, sources)
    alerts = Alerts(config, store)
    try:
        alerts.match_new_articles()
        (report,) = alerts.send_due()
    finally:
        alerts.close()
        store.close()
    assert report.status == "sent"
    return sink.raw[-1]


@pytest.fixture
def raw_digest(alerts_config: Config, smtp_server: tuple[MailSink, int]) -> tuple[bytes, str]:
    link = unsubscribe_url(alerts_config, load_secret(alerts_config), EDITOR)
    return sent(alerts_config, smtp_server[0]), link


def test_mailparser_finds_the_one_click_unsubscribe_url(
    mailparser: Path, raw_digest: tuple[bytes, str], alerts_config: Config
) -> None:
    raw, link = raw_digest
    mail = parsed(mailparser, raw)
    assert mail["list"]["unsubscribe"]["url"] == link
    assert check_token(load_secret(alerts_config), link.split("token=")[1]) is not None
    assert mail["listUnsubscribePost"] == "List-Unsubscribe=One-Click"
    (header,) = [x for x in raw.splitlines() if x.startswith(b"List-Unsubscribe:")]
    assert header == f"List-Unsubscribe: <{link}>".encode()  # plain ASCII, one line


def test_mailparser_reads_the_list_id_sender_and_subject(
    mailparser: Path, raw_digest: tuple[bytes, str]
) -> None:
    raw, _ = raw_digest
    mail = parsed(mailparser, raw)
    assert mail["list"]["id"]["id"] == "alerts.tidewatch.example.com"
    assert mail["list"]["id"]["name"] == "Tidewatch keyword alerts"
    assert mail["autoSubmitted"] == "auto-generated"
    assert mail["from"] == [{"name": "Tidewatch", "address": "alerts@tidewatch.example.com"}]
    assert mail["to"] == [{"name": "萧山新闻编辑部", "address": "editor@newsroom.example.com"}]
    assert (
        mail["subject"].startswith("【Tidewatch】")
        and "篇新文章：钱塘、数字经济" in mail["subject"]
    )
    assert mail["messageId"].endswith("@tidewatch.example.com>")
    assert "【钱塘】" in mail["text"] and '<span class="hit"' in mail["html"]


def test_long_unsubscribe_links_stay_on_one_line(
    mailparser: Path, alerts_config: Config, smtp_server: tuple[MailSink, int]
) -> None:
    """A long public_url path: still one unfolded ASCII line that mailparser reads."""
    config = alerts_config.model_copy(
        update={"public_url": "https://alerts.newsroom.example.com/" + "tidewatch/" * 8}
    )
    raw = sent(config, smtp_server[0], ("xsnet",))
    url = parsed(mailparser, raw)["list"]["unsubscribe"]["url"]
    assert url == unsubscribe_url(config, load_secret(config), EDITOR) and len(url) > 150
    (line,) = [x for x in raw.splitlines() if x.startswith(b"List-Unsubscribe:")]
    assert line == f"List-Unsubscribe: <{url}>".encode()
