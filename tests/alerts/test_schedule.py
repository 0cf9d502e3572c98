"""Digests on a schedule: a slot that passed while the service was down is sent once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from mailsink import FIXTURES, MailSink, fill_store

from alerts.ledger import Ledger
from alerts.service import Alerts
from model.clock import SHANGHAI
from store.sqlite import SqliteStore
from tidewatch.config import Config


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def digests_at(config: Config, store: SqliteStore, moment: datetime) -> list:
    alerts = Alerts(config, store, clock=lambda: moment)
    try:
        alerts.match_new_articles()
        return alerts.send_due()
    finally:
        alerts.close()


def test_a_slot_missed_while_down_is_sent_once_at_start_up(
    smtp_server: tuple[MailSink, int], alerts_config: Config, tmp_path: Path
) -> None:
    sink, _ = smtp_server
    config = alerts_config.model_copy(update={"subscribers_file": FIXTURES / "daily.toml"})
    store = fill_store(config, ("xsnet",))
    assert [r.status for r in digests_at(config, store, at(18, 7, 30))] == ["sent"]  # 17th 08:00
    assert digests_at(config, store, at(18, 7, 45)) == []  # the 18th's 08:00 is not here yet
    store.close()

    store = fill_store(config, ("tidenews",))  # new articles; the service is down at 08:00
    assert [r.status for r in digests_at(config, store, at(18, 10, 5))] == ["sent"]  # start-up
    assert digests_at(config, store, at(18, 10, 6)) == []  # not twice
    assert digests_at(config, store, at(19, 7, 59)) == []
    store.close()
    assert len(sink.messages) == 2
    second = sink.messages[1].get_body(("plain",)).get_content()
    assert "https://tidenews.com.cn/news.html?id=3041187" in second


def test_a_first_digest_covers_only_the_backfill_window(
    smtp_server: tuple[MailSink, int], alerts_config: Config
) -> None:
    sink, _ = smtp_server
    config = alerts_config.model_copy(update={"backfill_days": 3})
    store = fill_store(config)  # stories from 2019 to 2026-06-16
    moment = datetime(2026, 6, 18, 10, 0, tzinfo=SHANGHAI)
    (report,) = digests_at(config, store, moment)
    assert report.status == "sent"
    text = sink.messages[0].get_body(("plain",)).get_content()
    dates = re.findall(r"\n  \S+ · (?:来源：\S+ · )?(\d{4}-\d\d-\d\d)", text)
    assert dates and all(day >= "2026-06-15" for day in dates), dates
    assert "2019-" not in text and "2025-" not in text
    ledger = Ledger(config.ledger_path)
    assert ledger.pending("editor@newsroom.example.com") == []  # the backlog is dropped …
    ledger.close()
    assert digests_at(config, store, moment + timedelta(minutes=5)) == []  # … not sent later
    store.close()


def test_the_window_is_configurable_and_later_digests_are_not_limited(
    smtp_server: tuple[MailSink, int], alerts_config: Config
) -> None:
    sink, _ = smtp_server
    config = alerts_config.model_copy(update={"backfill_days": 90})
    store = fill_store(config, ("tidenews",))
    moment = datetime(2026, 6, 18, 10, 0, tzinfo=SHANGHAI)
    assert [r.status for r in digests_at(config, store, moment)] == ["sent"]
    text = sink.messages[0].get_body(("plain",)).get_content()
    assert "2026-04-12" in text and "2025-" not in text  # 90 days back, not more
    store.close()
    store = fill_store(config, ("xsnet",))  # older stories crawled later: not a first digest
    assert [r.status for r in digests_at(config, store, moment + timedelta(hours=1))] == ["sent"]
    assert "2019-01-16" in sink.messages[1].get_body(("plain",)).get_content()
    store.close()
