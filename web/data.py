"""What the dashboard shows, as plain data: the pages and the JSON endpoints share it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from alerts.ledger import Ledger
from alerts.mail import setup_warnings
from model.clock import now, parse_since
from scheduler.runs import Run, RunLog
from scheduler.status import source_status
from store.base import ArticleStore
from store.query import Query
from tidewatch.config import Config

DAYS = 30
MONTHLY_AFTER_DAYS = 92  # longer trend ranges are counted per month


def status(config: Config, runs: RunLog, ledger: Ledger, scheduler_running: bool) -> dict[str, Any]:
    with RunLog.snapshot(runs.path) as view:  # the sources and the runs tables agree
        sources = source_status(config, view)
        recent = view.runs(limit=200)
    since = (now().date() - timedelta(days=DAYS - 1)).isoformat()
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for run in recent:
        if run.started_at[:10] >= since:
            per_day[run.started_at[:10]][run.source] += run.new + run.updated
    days = [(now().date() - timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    return {
        "scheduler_running": scheduler_running,
        "healthy": scheduler_running and all(s["health"] != "failing" for s in sources),
        "sources": sources,
        "articles_per_day": [{"day": d, **per_day.get(d, {})} for d in days],
        "articles_per_run": [  # the last 50 runs, oldest first
            {"day": r.started_at[:16].replace("T", " "), r.source: r.new + r.updated}
            for r in reversed(recent[:50])
        ],
        "runs": [run_row(r) for r in recent[:50]],
        "digests": ledger.delivery_counts(),
        "mail_warnings": setup_warnings(config),  # real SMTP while links point at loopback
    }


def search(
    store: ArticleStore,
    query: Query,
    *,
    source: str | None = None,
    channel: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> dict[str, Any]:
    """One page of hits, with the exact number of matches per source across all pages.
    ``until`` is a day, included."""
    filters = {
        "source": source,
        "channel": channel,
        "since": parse_since(since) if since else None,
        "until": _day_after(until) if until else None,
    }
    counts = store.count_matches(query, **filters)
    hits = store.search(query, **filters, limit=per_page, offset=(page - 1) * per_page)
    return {
        "total": counts.total,
        "total_is_exact": counts.exact,
        "capped": not counts.exact,  # the older name of "not total_is_exact"
        "per_source": counts.by_source,
        "page": page,
        "pages": max(1, -(-counts.total // per_page)),
        "hits": [h.as_dict() for h in hits],
    }


def trend(
    store: ArticleStore,
    query: Query,
    since: str | None = None,
    until: str | None = None,
    per_day: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """Articles mentioning the query per day (per month over long ranges) and source
    (default: the last 30 days), counted by the store with no cap; or taken from ``per_day``,
    the store's trend by day over all time, when the caller has it already."""
    last = date.fromisoformat(until) if until else now().date()
    first = date.fromisoformat(since) if since else last - timedelta(days=DAYS - 1)
    if first > last:
        raise ValueError(f"since {first} is after until {last}")
    by_month = (last - first).days > MONTHLY_AFTER_DAYS  # thousands of 1-px bars say nothing
    width = 7 if by_month else 10  # "2026-03" or "2026-03-18"
    if per_day is None:
        counts = store.trend(
            query,
            bucket="month" if by_month else "day",
            since=parse_since(first.isoformat()),
            until=_day_after(last.isoformat()),
        )
    else:
        counts = _bucketed(per_day, first, last, width)
    return {
        "query": query.source,
        "bucket": "month" if by_month else "day",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "days": [{"day": label, **counts.get(label, {})} for label in _labels(first, last, width)],
        "sources": sorted({s for per_source in counts.values() for s in per_source}),
        "total": sum(n for per_source in counts.values() for n in per_source.values()),
        "total_is_exact": True,
    }


def _bucketed(
    per_day: dict[str, dict[str, int]], first: date, last: date, width: int
) -> dict[str, dict[str, int]]:
    """Daily counts from ``first`` to ``last`` added up per bucket (a label ``width`` long)."""
    counts: dict[str, Counter[str]] = {}
    for day, per_source in per_day.items():
        if first.isoformat() <= day <= last.isoformat():
            counts.setdefault(day[:width], Counter()).update(per_source)
    return {label: dict(c) for label, c in counts.items()}


def _day_after(day: str) -> datetime:
    """The exclusive end of an inclusive ``until`` day (midnight after it, Shanghai)."""
    return parse_since((date.fromisoformat(day) + timedelta(days=1)).isoformat())


def _labels(first: date, last: date, width: int) -> list[str]:
    labels = [
        (first + timedelta(days=n)).isoformat()[:width] for n in range((last - first).days + 1)
    ]
    return list(dict.fromkeys(labels))


def run_row(r: Run) -> dict[str, Any]:
    """One run as the status page and /api/status show it."""
    return {
        "id": r.id,
        "source": r.source,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "outcome": r.outcome,
        "reason": r.reason,
        "pages": r.pages,
        "new": r.new,
        "updated": r.updated,
        "errors": r.errors,
        "statuses": r.statuses,
        "last_error": r.last_error,
    }
