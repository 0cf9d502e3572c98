"""The preferences page, round trip over real HTTP: a link from a real digest, a change made
with the page's own forms, and the next digests following it (rules dropped, paused, resumed,
another frequency, resubscribed)."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from mailsink import MailSink, fill_store

from alerts.ledger import Ledger
from alerts.service import Alerts
from alerts.subscriptions import Frequency
from alerts.unsubscribe import UnsubscribeApp, load_secret, make_token
from store.sqlite import SqliteStore
from tidewatch.config import Config

EDITOR = "editor@newsroom.example.com"
DIGITAL_ONLY = "https://tidenews.com.cn/news.html?id=3420434"  # 数字经济, no 钱塘


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(alerts_config: Config) -> Iterator[str]:
    """The endpoint behind a real threaded HTTP server on loopback, on the alerts ledger."""
    ledger = Ledger(alerts_config.ledger_path)
    app = UnsubscribeApp(ledger, load_secret(alerts_config))
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        ledger.close()


def digest(config: Config, store: SqliteStore) -> list:
    alerts = Alerts(config, store)
    try:
        alerts.match_new_articles()
        return alerts.send_due()
    finally:
        alerts.close()


def fetch(url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, page and final URL (redirects followed, as a browser does)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data)) as answer:
            return answer.status, answer.read().decode(), answer.url
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), url


def preferences_link(sink: MailSink, site: str) -> str:
    text = sink.messages[-1].get_body(("plain",)).get_content()
    (link,) = re.findall(r"管理订阅（暂停、频率、关键词）: (\S+)", text)
    html = sink.messages[-1].get_body(("html",)).get_content()
    assert f'class="preferences" href="{link}"' in html
    assert link.startswith("https://tidewatch.example.com/preferences?token=")
    return site + link.removeprefix("https://tidewatch.example.com")


def groups(sink: MailSink) -> list[str]:
    text = sink.messages[-1].get_body(("plain",)).get_content()
    return [chunk.split(" (", 1)[0] for chunk in text.split("\n== ")[1:]]


def test_the_page_from_the_mail_changes_what_the_next_digests_bring(
    smtp_server: tuple[MailSink, int], alerts_config: Config, site: str
) -> None:
    sink, _ = smtp_server
    store = fill_store(alerts_config, ("xsnet",))
    assert [r.status for r in digest(alerts_config, store)] == ["sent"]
    link = preferences_link(sink, site)

    status, page, _ = fetch(link)
    assert status == 200 and 'name="viewport" content="width=device-width' in page
    assert EDITOR in page and "接收中" in page
    assert page.count('<li class="rule">') == 3  # 钱塘, 数字经济, 新型工业化

    status, page, final = fetch(link, {"action": "drop", "rule": "数字经济"})
    assert status == 200 and final.endswith("&saved=1") and "已保存" in page
    assert re.search(r'<li class="dropped">数字经济<form', page)

    fill_store(alerts_config, ("tidenews",)).close()  # new stories, some about 数字经济 only
    assert [r.status for r in digest(alerts_config, store)] == ["sent"]
    assert "数字经济" not in groups(sink) and "钱塘" in groups(sink)
    assert DIGITAL_ONLY not in sink.messages[-1].get_body(("plain",)).get_content()

    fetch(link, {"action": "pause"})
    fill_store(alerts_config, ("xsrb",)).close()
    assert digest(alerts_config, store) == [] and len(sink.messages) == 2  # paused: no mail
    status, page, _ = fetch(link)
    assert "已暂停" in page and 'value="resume"' in page

    fetch(link, {"action": "resume"})
    fetch(link, {"action": "restore", "rule": "数字经济"})
    status, page, _ = fetch(link)
    assert "接收中" in page and page.count('<li class="rule">') == 3
    store.close()


def test_frequency_set_on_the_page_overrides_the_subscribers_file(
    alerts_config: Config, site: str, store: SqliteStore
) -> None:
    link = (
        f"{site}/preferences?token={make_token(load_secret(alerts_config), EDITOR, 'preferences')}"
    )
    status, page, _ = fetch(link, {"action": "frequency", "frequency": "weekly mon 08:00"})
    assert status == 200 and '<option value="weekly mon 08:00" selected>' in page
    alerts = Alerts(alerts_config, store)
    try:
        (listed,) = alerts.subscribers
        assert listed.frequency == "immediate"  # the file says so …
        effective, paused = alerts._effective(listed)
        assert effective.schedule == Frequency("weekly", effective.schedule.at, 0) and not paused
    finally:
        alerts.close()
    status, page, _ = fetch(link, {"action": "frequency", "frequency": "default"})
    assert '<option value="default" selected>' in page


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"action": "frequency", "frequency": "monthly"}, "must be immediate"),
        ({"action": "frequency", "frequency": "daily 25:00"}, "bad time"),
        ({"action": "drop", "rule": "not a rule of mine"}, "unknown action"),
        ({"action": "explode"}, "unknown action"),
    ],
)
def test_bad_changes_are_refused(
    alerts_config: Config, site: str, store: SqliteStore, form: dict[str, str], problem: str
) -> None:
    Alerts(alerts_config, store).close()  # the profiles the page shows are in the ledger
    token = make_token(load_secret(alerts_config), EDITOR, "preferences")
    status, page, _ = fetch(f"{site}/preferences?token={token}", form)
    assert status == 400 and problem in page


def test_the_last_rule_cannot_be_dropped(
    alerts_config: Config, site: str, store: SqliteStore
) -> None:
    Alerts(alerts_config, store).close()
    link = (
        f"{site}/preferences?token={make_token(load_secret(alerts_config), EDITOR, 'preferences')}"
    )
    assert fetch(link, {"action": "drop", "rule": "钱塘"})[0] == 200
    assert fetch(link, {"action": "drop", "rule": "数字经济"})[0] == 200
    status, page, _ = fetch(link, {"action": "drop", "rule": "新型工业化"})
    assert status == 400 and "pause" in page


def test_unsubscribe_then_resubscribe_from_the_page(
    smtp_server: tuple[MailSink, int], alerts_config: Config, site: str
) -> None:
    sink, _ = smtp_server
    store = fill_store(alerts_config, ("xsnet",))
    digest(alerts_config, store)
    link = preferences_link(sink, site)
    unsubscribe = sink.messages[-1]["List-Unsubscribe"].strip("<>")
    status, page, _ = fetch(site + unsubscribe.removeprefix("https://tidewatch.example.com"), {})
    assert status == 200 and "已退订" in page and "/preferences?token=" in page

    fill_store(alerts_config, ("tidenews",)).close()
    assert digest(alerts_config, store) == []
    status, page, _ = fetch(link)
    assert "已退订" in page and 'value="resubscribe"' in page
    fetch(link, {"action": "resubscribe"})
    status, page, _ = fetch(link)
    assert 'value="resubscribe"' not in page

    fill_store(alerts_config, ("xsrb",)).close()  # mail resumes with what matches from now on
    assert [r.status for r in digest(alerts_config, store)] == ["sent"]
    assert "xsrb.xsnet.cn" in sink.messages[-1].get_body(("plain",)).get_content()
    store.close()


def test_an_unsubscribe_token_does_not_open_the_preferences(
    alerts_config: Config, site: str
) -> None:
    secret = load_secret(alerts_config)
    assert fetch(f"{site}/preferences?token={make_token(secret, EDITOR)}")[0] == 400
    wrong = make_token(secret, EDITOR, "preferences")
    assert fetch(f"{site}/unsubscribe?token={wrong}", {})[0] == 400
    assert fetch(f"{site}/preferences?token={wrong}")[0] == 200
