"""`tidewatch status`: per source, the last run, its outcome, health, the next run, and the
pages not extracted (fetched, but with no recognisable body; re-tried every run)."""

from __future__ import annotations

from typing import Any

from crawler.seeds import load_sources
from crawler.unextracted import read_status
from scheduler.health import FAILED, HEALTHY, INTERRUPTED
from scheduler.runs import RunLog
from scheduler.schedules import effective_schedule
from tidewatch.config import Config


def source_status(config: Config, runs: RunLog) -> list[dict[str, Any]]:
    """One row per source, from ``runs`` (a snapshot, for rows that agree with each other)."""
    rows = []
    for name, source in sorted(load_sources(config.seeds_dir).items()):
        last = runs.last_finished(name)
        failures = runs.failures(name)
        enabled = effective_schedule(source, config) is not None
        unextracted, unextracted_count = read_status(config.data_dir, name)
        rows.append(
            {
                "source": name,
                "health": _health(last.outcome if last else None, failures, enabled),
                "last_run": last.started_at if last else None,
                "outcome": last.outcome if last else None,
                "reason": last.reason if last else None,
                "new": last.new if last else None,
                "updated": last.updated if last else None,
                "errors": last.errors if last else {},
                "consecutive_failures": failures,
                "next_run": runs.next_run(name),
                "unextracted": unextracted,  # pages not extracted: url, reason, times
                "unextracted_count": unextracted_count,
            }
        )
    return rows


def _health(outcome: str | None, failures: int, enabled: bool) -> str:
    if not enabled:
        return "disabled"
    if outcome is None:
        return "unknown"
    if failures or outcome == FAILED:
        return "failing"
    return "healthy" if outcome in (HEALTHY, INTERRUPTED) else "degraded"
