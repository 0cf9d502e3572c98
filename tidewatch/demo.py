"""`tidewatch demo`: serve the bundled replica sites, crawl them, and show what was stored.

Nothing leaves this machine: every source host is mapped to a loopback mirror of
``tests/replica``, exactly as ``TIDEWATCH_HOST_MAP`` maps hosts to a staging mirror.
"""

from __future__ import annotations

import os
from typing import TextIO

from alerts.mail import Outbox
from alerts.service import Alerts
from crawler.run import run_crawls
from crawler.seeds import load_sources
from store import open_store
from store.base import ArticleStore
from store.query import parse
from tidewatch.cli import mark
from tidewatch.config import REPO_ROOT, Config, parse_host_map
from tidewatch.mirror import MirrorServer

REPLICA = REPO_ROOT / "tests" / "replica"
# The e-paper's start URLs are dated; the replica holds one issue.
ENTRY_POINTS = {"xsrb": {"start_url": ["https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm"]}}
KEYWORDS = ("钱塘", "数字经济", "新型工业化")


def run_demo(config: Config, out: TextIO) -> int:
    sources = load_sources(config.seeds_dir)
    salt_vars = {s.api.signing_salt_env for s in sources.values() if s.api}
    salt = "tidewatch-demo-salt"
    for var in salt_vars:  # the mirror checks signatures just as the real API does
        salt = os.environ.setdefault(var, salt)
    with MirrorServer(REPLICA, signing_salt=salt) as mirror:
        print(f"Serving the replica of {', '.join(mirror.hosts())} on {mirror.address}", file=out)
        demo_config = config.model_copy(
            update={"host_map": parse_host_map(mirror.host_map()), "download_delay": 0}
        )
        summaries = run_crawls(demo_config, {name: ENTRY_POINTS.get(name, {}) for name in sources})
    print("\nCrawl summary", file=out)
    for summary in summaries:
        print(f"  {summary.line()}", file=out)
    store = open_store(config)
    try:
        print(f"\nStored in {config.store_path}: {store.count()} articles", file=out)
        for keyword in KEYWORDS:
            hits = store.search(parse(keyword), limit=3)
            print(f"\nSearch {keyword}: top {len(hits)}", file=out)
            for hit in hits:
                a = hit.article
                print(f"  [{a.source}] {a.title}  ({a.published_at[:10]})", file=out)
                print(f"      {mark(hit.snippet, hit.highlights, out.isatty())}", file=out)
        _digests(config, store, out)
    finally:
        store.close()
    print("\nTry: tidewatch search '钱塘 -钱塘江'   tidewatch export --source xsnet", file=out)
    return 0


def _digests(config: Config, store: ArticleStore, out: TextIO) -> None:
    """Match the crawl against the subscribers file; digests go to the outbox, never to SMTP."""
    # the replica's stories are months old: a real first digest would leave them all out
    every_story = config.model_copy(update={"backfill_days": 36500})
    alerts = Alerts(every_story, store, sender=Outbox(config.outbox_dir))
    try:
        matched = alerts.match_new_articles()
        reports = alerts.send_due()
    finally:
        alerts.close()
    print(f"\nAlerts: {matched} new matches for {config.subscribers_file.name}", file=out)
    for report in reports:
        eml = config.outbox_dir / f"{report.digest_id}.eml"
        print(f"  {report.subscriber}: {report.subject} → {eml}", file=out)
