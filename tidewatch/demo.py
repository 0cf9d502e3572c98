"""`tidewatch demo`: serve the bundled replica sites, crawl them, and show what was stored.

Nothing leaves this machine: every source host is mapped to a loopback mirror of
``tests/replica``, exactly as ``TIDEWATCH_HOST_MAP`` maps hosts to a staging mirror. The
demo's crawls are recorded in the run log like the service's, so `tidewatch status` and the
web UI show them. ``--serve`` then keeps the replica up and runs `tidewatch serve` against
it, until Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

from alerts.mail import Outbox
from alerts.service import Alerts
from crawler.run import run_crawls
from crawler.seeds import Source, load_sources
from crawler.summary import CrawlSummary
from scheduler.health import FAILED, INTERRUPTED, assess
from scheduler.runs import RunLog
from store import open_store
from store.base import ArticleStore
from store.query import parse
from tidewatch.cli import _display_width, mark
from tidewatch.config import REPO_ROOT, Config, parse_host_map
from tidewatch.mirror import MirrorServer

REPLICA = REPO_ROOT / "tests" / "replica"
# The e-paper's start URLs are dated; the replica holds one issue.
ENTRY_POINTS = {"xsrb": {"start_url": ["https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm"]}}
KEYWORDS = ("钱塘", "数字经济", "新型工业化")
DEMO_SALT = "tidewatch-demo-salt"
WEB_UI = re.compile(r"web UI on (https?://\S+)")
READY_SECONDS = 60  # for `serve` to log its web UI address
STOP_SECONDS = 40  # for `serve` to stop after SIGTERM (its crawls get shutdown_grace)


def run_demo(config: Config, out: TextIO) -> int:
    sources = load_sources(config.seeds_dir)
    salt = _signing_salt(sources)
    with MirrorServer(REPLICA, signing_salt=salt) as mirror:
        print(f"Serving the replica of {', '.join(mirror.hosts())} on {mirror.address}", file=out)
        demo_config = config.model_copy(
            update={"host_map": parse_host_map(mirror.host_map()), "download_delay": 0}
        )
        summaries = _recorded_crawls(demo_config, sources)
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
    _next_steps(config, out)
    return 0


def _signing_salt(sources: dict[str, Source]) -> str:
    """The salt the mirror checks API signatures with, just as the real API does."""
    salt = DEMO_SALT
    for var in {s.api.signing_salt_env for s in sources.values() if s.api}:
        salt = os.environ.setdefault(var, salt)
    return salt


def _recorded_crawls(config: Config, sources: dict[str, Source]) -> list[CrawlSummary]:
    """Crawl every source once, each run in the run log with its outcome and health."""
    runs = RunLog(config.data_dir / "runs.sqlite3")
    try:
        started = {name: runs.start(name) for name in sources}
        try:
            summaries = run_crawls(config, {name: ENTRY_POINTS.get(name, {}) for name in sources})
        except BaseException:
            for run_id in started.values():
                runs.finish(run_id, None, INTERRUPTED, "the demo stopped during the crawl")
            raise
        for summary in summaries:
            outcome, reason = assess(summary, 0)
            runs.finish(started[summary.source], summary, outcome, reason)
            runs.record_failures(summary.source, failed=outcome == FAILED)
        return summaries
    finally:
        runs.close()


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


def command() -> str:
    """How to call `tidewatch` from here: ``.venv/bin/tidewatch`` in this repository's venv."""
    script = Path(sys.prefix) / "bin" / "tidewatch"
    if sys.prefix == sys.base_prefix or not script.exists():
        return "tidewatch"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def _next_steps(config: Config, out: TextIO) -> None:
    tw = command()
    steps = [
        (f"{tw} status", "each source's last run and health (the demo's crawls included)"),
        (f"{tw} search '钱塘 -钱塘江'", "search the stored articles"),
        (f"{tw} show URL", "one article, readable (--json for the record)"),
        (f"{tw} demo --serve", f"the web UI on http://{config.web_listen}/ until Ctrl-C"),
    ]
    width = max(_display_width(command) for command, _ in steps)
    print(
        "\nThe errors in the crawl summary are deliberate: the replica keeps a 404 page, a 500,"
        "\na truncated transfer and a redirect off-site, to show that every failure is counted."
        "\n\nNext steps:",
        file=out,
    )
    for command_line, what in steps:
        pad = " " * (width - _display_width(command_line))
        print(f"  {command_line}{pad}  {what}", file=out)


def serve_demo(config: Config, out: TextIO) -> int:
    """Keep the replica up and run `tidewatch serve` against it; print the web UI's address.
    Ctrl-C (or SIGTERM) stops the service, then the replica."""
    salt = _signing_salt(load_sources(config.seeds_dir))
    log_path = config.data_dir / "logs" / "demo-serve.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Scrapy's crawl left its own handlers behind (they would swallow Ctrl-C): take them back
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with MirrorServer(REPLICA, signing_salt=salt) as mirror:
        env = os.environ | {
            "TIDEWATCH_HOST_MAP": mirror.host_map(),
            "TIDEWATCH_DATA_DIR": str(config.data_dir.resolve()),
            "TIDEWATCH_DOWNLOAD_DELAY": "0",
            "TIDEWATCH_LOG_LEVEL": os.environ.get("TIDEWATCH_LOG_LEVEL", "INFO"),
        }
        with log_path.open("ab") as log:
            offset = log.tell()  # the log is appended to: only this run's lines count
            child = subprocess.Popen(
                [sys.executable, "-m", "tidewatch", "serve"], env=env, stdout=log, stderr=log
            )
        try:
            url = _wait_for_url(child, log_path, offset)
            if url is None:
                tail = log_path.read_text(errors="replace")[-2000:]
                print(f"`tidewatch serve` did not start (see {log_path}):\n{tail}", file=out)
                return 1
            print(
                f"\nThe web UI: {url}\n(`tidewatch serve` against the replica on "
                f"{mirror.address}; its log is {log_path}.) Ctrl-C stops both.",
                file=out,
                flush=True,
            )
            return child.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(child)
            print("Stopped the service and the replica.", file=out)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_for_url(child: subprocess.Popen[bytes], log_path: Path, offset: int) -> str | None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and child.poll() is None:
        with log_path.open("rb") as log:
            log.seek(offset)
            found = WEB_UI.search(log.read().decode(errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.2)
    return None


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)  # a terminal's Ctrl-C has already sent SIGINT
    try:
        child.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
