"""Is a source healthy? Judged from each crawl's summary, as Spidermon judges spider stats."""

from __future__ import annotations

import re

from crawler.summary import CrawlSummary

HEALTHY, DEGRADED, FAILED, INTERRUPTED = "healthy", "degraded", "failed", "interrupted"


def assess(summary: CrawlSummary | None, exit_code: int | None) -> tuple[str, str]:
    """(outcome, reason) of one crawl run.

    Degraded: no articles at all; layout drift (a seeds selector matched nothing and the
    generic extractor took over: the reason names each selector and how many pages it
    missed); most article pages with no recognisable body; or most stored articles without a
    publish time of their own.
    """
    if summary is None:
        return FAILED, f"the crawl process ended with status {exit_code} and no summary"
    if summary.pages == 0:
        return FAILED, f"nothing could be fetched ({summary.last_error or 'no response'})"
    if refused := summary.errors.get("store_error", 0):
        return FAILED, f"the store refused {refused} article(s) ({summary.last_error})"
    unextracted = summary.errors.get("unextracted", 0) + summary.errors.get("incomplete_article", 0)
    if summary.articles == 0 and not unextracted:
        if set(summary.statuses) == {"404"}:  # e.g. an e-paper before the day's pages are up
            return DEGRADED, f"not published yet: {_url_of(summary.last_error)} answered 404"
        return DEGRADED, "no articles found: did the list pages change?"
    if drift := selector_misses(summary):
        return DEGRADED, "layout drift: " + "; ".join(
            f"seeds {field} selector {selectors} matched nothing on {pages} "
            f"page{'s' if pages > 1 else ''} (generic extraction took over)"
            for (field, selectors), pages in drift
        )
    if unextracted >= max(1, summary.articles):  # most article pages came out without a body
        seen = unextracted + summary.articles
        return DEGRADED, f"{unextracted} of {seen} article pages had no recognisable body"
    fresh = summary.new + summary.updated
    untimed = summary.missing_fields.get("published_at", 0)
    if fresh and untimed * 2 > fresh:
        return DEGRADED, f"{untimed} of {fresh} articles stored without a publish time"
    counts = f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"
    notes = []
    if untimed:
        notes.append(f"{untimed} without a publish time")
    if unextracted:
        notes.append(f"{unextracted} pages not extracted")
    return HEALTHY, counts + (f" ({', '.join(notes)})" if notes else "")


def selector_misses(summary: CrawlSummary) -> list[tuple[tuple[str, str], int]]:
    """((seeds field, selectors), pages) from the summary, most pages first.

    The crawl counts them as stats ``tidewatch/selector_miss/<field>/<selectors>``; the
    summary carries them as ``selector_misses`` keyed ``<field>/<selectors>``.
    """
    misses = summary.selector_misses.items()
    found = [(tuple(key.split("/", 1)), pages) for key, pages in misses if "/" in key]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def backoff_seconds(interval: float, failures: int, cap: float) -> float:
    """After ``failures`` failed runs in a row, wait this long before the next try."""
    return min(interval * 2**failures, cap) if failures else interval


def alert_key(outcome: str, reason: str) -> str:
    """What the operator was told about, without the counts: the same drift on 3 pages today
    and 5 tomorrow is one alert (mail once), a different selector breaking is a new one.

    For the service: mail when a run is unhealthy and its key differs from the key of the
    last alert sent for that source; a run that parsed nothing new (every page 304) keeps it.
    """
    return f"{outcome}: " + re.sub(r"\d+", "N", reason)


def _url_of(last_error: str | None) -> str:
    """The URL in a ``kind: URL: reason`` last error, or a phrase when there is none."""
    parts = (last_error or "").split(": ", 2)
    return parts[1] if len(parts) == 3 else "every list page"
