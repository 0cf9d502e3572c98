"""Digests delivered over real SMTP (aiosmtpd on loopback): content, retries, exactly once."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from mailsink import SMTP_PASSWORD, SMTP_USER, MailSink, fill_store
from pydantic import SecretStr

from alerts.ledger import Ledger
from alerts.service import Alerts
from alerts.unsubscribe import UnsubscribeApp, load_secret
from model.article import Article
from model.clock import now
from store.base import ArticleStore
from store.sqlite import SqliteStore
from tidewatch.config import Config

XS_SEED = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
CHAO_SEED = "https://tidenews.com.cn/news.html?id=3041187"
EDITOR = "editor@newsroom.example.com"


@pytest.fixture
def store(alerts_config: Config) -> Iterator[SqliteStore]:
    store = fill_store(alerts_config)
    yield store
    store.close()


def run_alerts(config: Config, store: ArticleStore, at: datetime | None = None) -> list:
    alerts = Alerts(config, store, clock=(lambda: at) if at else now)
    try:
        alerts.match_new_articles()
        return alerts.send_due()
    finally:
        alerts.close()


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def sections(text: str) -> dict[str, str]:
    """The plain-text part's groups: rule → its section."""
    chunks = text.split("\n== ")[1:]
    return {chunk.split(" (", 1)[0]: chunk for chunk in chunks}


def test_digest_lists_both_seed_articles_under_their_keywords(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    (report,) = run_alerts(alerts_config, store)
    assert report.status == "sent"
    (message,) = sink.messages
    text, _ = parts(message)
    groups = sections(text)
    assert list(groups) == ["钱塘", "数字经济", "新型工业化"]
    assert CHAO_SEED in groups["钱塘"] and CHAO_SEED not in groups["新型工业化"]  # once …
    assert "关键词：钱塘 · 新型工业化" in groups["钱塘"]  # … tagged with both rules
    assert text.count(f"\n  {CHAO_SEED}\n") == 1
    assert XS_SEED in groups["数字经济"]
    assert XS_SEED not in groups["钱塘"]  # the 萧山 article never says 钱塘


def test_headers(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    run_alerts(alerts_config, store)
    (message,) = sink.messages
    assert sink.recipients == [[EDITOR]]
    assert getaddresses([message["To"]]) == [("萧山新闻编辑部", EDITOR)]
    assert message["From"] == "Tidewatch <alerts@tidewatch.example.com>"
    stories = len({url for url in re.findall(r"\n  (https?://\S+)\n", parts(message)[0])})
    assert message["Subject"] == f"【Tidewatch】{stories} 篇新文章：钱塘、数字经济、新型工业化"
    assert re.fullmatch(r"<digest-[0-9a-f]{20}@tidewatch\.example\.com>", message["Message-ID"])
    assert message["Date"]
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://tidewatch.example.com/unsubscribe?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Tidewatch keyword alerts <alerts.tidewatch.example.com>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert sink.logins == [(SMTP_USER, SMTP_PASSWORD)]


def test_both_parts_with_highlights_and_links(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    run_alerts(alerts_config, store)
    (message,) = sink.messages
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert "【钱塘】" in text and "【数字经济】" in text and "【新型工业化】" in text
    assert '<span class="hit"' in html and ">钱塘</span>" in html
    assert f'href="{CHAO_SEED}"' in html and f'href="{XS_SEED}"' in html
    assert "如何冲向5000亿?杭州【钱塘】的这场发展大会上" in text  # hits in titles too
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.replace("&", "&amp;") in html and unsubscribe in text
    assert "萧山日报" in html and "潮新闻" in html  # origin and source names


def test_second_run_sends_nothing_new(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    run_alerts(alerts_config, store)
    assert run_alerts(alerts_config, store) == []
    assert len(sink.messages) == 1


def test_refused_attempts_are_retried(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    sink.refuse_next = 2
    (report,) = run_alerts(alerts_config, store)
    assert (report.status, report.detail) == ("sent", "3 attempt(s)")
    assert sink.refused == 2 and len(sink.messages) == 1


def test_a_server_that_keeps_refusing_loses_nothing(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    sink.refuse_next = 99
    config = alerts_config.model_copy(update={"smtp_attempts": 3})
    (report,) = run_alerts(config, store)
    assert report.status == "failed" and "451" in report.detail
    ledger = Ledger(config.ledger_path)
    pending = len(ledger.pending(EDITOR))
    failure = ledger.failure(EDITOR)
    ledger.close()
    assert pending == 15  # every match (one per article and rule) still pending
    assert failure.failures == 1 and "451" in failure.last_error and failure.next_retry

    sink.refuse_next = 0
    (waiting,) = run_alerts(config, store)  # the next pass, within the backoff
    assert waiting.status == "deferred" and "451" in waiting.detail and sink.messages == []
    later = datetime.fromisoformat(failure.next_retry) + timedelta(seconds=1)
    (report,) = run_alerts(config, store, at=later)
    assert report.status == "sent" and len(sink.messages) == 1
    assert report.articles == 12  # stories, not matches
    assert run_alerts(config, store, at=later) == []


def test_wrong_password_fails_and_is_never_logged(
    smtp_server: tuple[MailSink, int],
    alerts_config: Config,
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink, _ = smtp_server
    config = alerts_config.model_copy(update={"smtp_password": SecretStr("wrong-Päss-42")})
    (report,) = run_alerts(config, store)
    assert report.status == "failed" and report.detail.startswith("535")
    assert sink.messages == []
    assert "wrong-Päss-42" not in caplog.text and SMTP_PASSWORD not in caplog.text


def test_crash_between_send_and_mark_resends_the_same_message(
    smtp_server: tuple[MailSink, int],
    alerts_config: Config,
    store: SqliteStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sink, _ = smtp_server

    def crash(*args: object) -> None:
        raise SystemExit("killed after the server accepted the message")

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "digest_sent", crash)
        with pytest.raises(SystemExit):
            run_alerts(alerts_config, store)
    assert len(sink.messages) == 1

    (report,) = run_alerts(alerts_config, store)  # the restarted service
    assert report.status == "sent"
    first, second = sink.messages
    assert first["Message-ID"] == second["Message-ID"]  # a receiver can drop the duplicate
    assert run_alerts(alerts_config, store) == []


def republish(store: ArticleStore, url: str, extra: str) -> None:
    """The site edits an article: the crawler stores a new version."""
    a = next(a for a in store.articles() if a.url == url)
    edited = Article(
        url=a.url,
        source=a.source,
        title=a.title,
        published_at=datetime.fromisoformat(a.published_at),
        body=a.body + "\n" + extra,
        channel=a.channel,
        origin=a.origin,
        authors=a.authors,
        contributors=a.contributors,
        editor=a.editor,
        images=a.images,
    )
    store.upsert(edited)


def test_changed_article_is_resent_only_with_a_new_term(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    run_alerts(alerts_config, store)
    republish(store, XS_SEED, "（本报记者补充报道。）")  # changed, no new keyword
    assert run_alerts(alerts_config, store) == []
    republish(store, XS_SEED, "萧山与钱塘两地将深化合作。")  # now it also says 钱塘
    (report,) = run_alerts(alerts_config, store)
    assert report.articles == 1 and len(sink.messages) == 2
    text, html = parts(sink.messages[1])
    assert list(sections(text)) == ["钱塘"] and XS_SEED in text
    assert "[已更新]" in text and "已更新</span>" in html


def test_one_click_unsubscribe_stops_all_mail(
    smtp_server: tuple[MailSink, int], alerts_config: Config, store: SqliteStore
) -> None:
    sink, _ = smtp_server
    run_alerts(alerts_config, store)
    link = sink.messages[0]["List-Unsubscribe"].strip("<>")
    ledger = Ledger(alerts_config.ledger_path)
    app = UnsubscribeApp(ledger, load_secret(alerts_config))

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    with make_server("127.0.0.1", 0, app, handler_class=Quiet) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        local = f"http://127.0.0.1:{server.server_port}" + link.split("tidewatch.example.com")[1]
        post = urllib.request.Request(local, data=b"List-Unsubscribe=One-Click", method="POST")
        with urllib.request.urlopen(post) as answer:  # what a mail client's button does
            assert answer.status == 200 and EDITOR in answer.read().decode()
        server.shutdown()
    ledger.close()

    republish(store, XS_SEED, "萧山与钱塘两地将深化合作。")
    assert run_alerts(alerts_config, store) == []
    assert len(sink.messages) == 1


def test_without_smtp_digests_go_to_the_outbox(alerts_config: Config, store: SqliteStore) -> None:
    config = alerts_config.model_copy(update={"smtp_host": None})
    (report,) = run_alerts(config, store)
    (eml,) = config.outbox_dir.glob("*.eml")
    assert eml.stem == report.digest_id
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == report.subject
    assert "【钱塘】" in message.get_body(("plain",)).get_content()
