"""Is a source healthy? Judged from each crawl's summary, as Spidermon judges spider stats."""

from __future__ import annotations

from crawler.summary import CrawlSummary

HEALTHY, DEGRADED, FAILED, INTERRUPTED = "healthy", "degraded", "failed", "interrupted"


def assess(summary: CrawlSummary | None, exit_code: int | None) -> tuple[str, str]:
    """(outcome, reason) of one crawl run."""
    if summary is None:
        return FAILED, f"the crawl process ended with status {exit_code} and no summary"
    if summary.pages == 0:
        return FAILED, f"nothing could be fetched ({summary.last_error or 'no response'})"
    if refused := summary.errors.get("store_error", 0):
        return FAILED, f"the store refused {refused} article(s) ({summary.last_error})"
    incomplete = summary.errors.get("incomplete_article", 0)
    if summary.articles == 0 and not incomplete:
        return DEGRADED, "no articles found: did the list pages change?"
    if incomplete >= max(1, summary.articles):  # most article pages came out without fields
        seen = incomplete + summary.articles
        return DEGRADED, f"{incomplete} of {seen} article pages had no title, time or body"
    return HEALTHY, f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"


def backoff_seconds(interval: float, failures: int, cap: float) -> float:
    """After ``failures`` failed runs in a row, wait this long before the next try."""
    return min(interval * 2**failures, cap) if failures else interval
