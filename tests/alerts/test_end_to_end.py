"""Crawl → store → match → digest → SMTP, as separate `tidewatch` processes would run it."""

from __future__ import annotations

from pathlib import Path

from mailsink import BACKFILL_ALL, FIXTURES, SMTP_PASSWORD, SMTP_USER, UNSUBSCRIBE_SECRET, MailSink
from support import run_tidewatch, tidewatch_env

from tidewatch.mirror import MirrorServer

XS_SEED = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
CHAO_SEED = "https://tidenews.com.cn/news.html?id=3041187"


def test_crawled_seed_articles_reach_the_subscriber_once(
    replica_server: MirrorServer, smtp_server: tuple[MailSink, int], tmp_path: Path
) -> None:
    sink, port = smtp_server
    env = tidewatch_env(
        replica_server,
        tmp_path / "data",
        TIDEWATCH_SUBSCRIBERS_FILE=str(FIXTURES / "newsroom.toml"),
        TIDEWATCH_SMTP_HOST="127.0.0.1",
        TIDEWATCH_SMTP_PORT=str(port),
        TIDEWATCH_SMTP_SECURITY="none",
        TIDEWATCH_SMTP_USER=SMTP_USER,
        TIDEWATCH_SMTP_PASSWORD=SMTP_PASSWORD,
        TIDEWATCH_UNSUBSCRIBE_SECRET=UNSUBSCRIBE_SECRET,
        TIDEWATCH_BACKFILL_DAYS=str(BACKFILL_ALL),
        TIDEWATCH_PUBLIC_URL="https://tidewatch.example.com",
    )
    for source in ("xsnet", "tidenews"):
        run_tidewatch(env, "crawl", source)
    digest = run_tidewatch(env, "digest")
    assert "editor@newsroom.example.com: sent" in digest.stdout
    (message,) = sink.messages
    text = message.get_body(("plain",)).get_content()
    groups = {c.split(" (", 1)[0]: c for c in text.split("\n== ")[1:]}
    assert CHAO_SEED in groups["钱塘"] and "关键词：钱塘 · 新型工业化" in groups["钱塘"]
    assert XS_SEED in groups["数字经济"]
    assert SMTP_PASSWORD not in digest.stdout + digest.stderr

    for source in ("xsnet", "tidenews"):
        run_tidewatch(env, "crawl", source)
    again = run_tidewatch(env, "digest")
    assert "0 new matches; 0 digests" in again.stdout
    assert len(sink.messages) == 1
