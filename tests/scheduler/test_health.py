"""Source health from crawl summaries, backoff, schedules and the run log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import SEEDS

from alerts.subscriptions import parse_frequency
from crawler.seeds import load_sources
from crawler.summary import CrawlSummary
from model.clock import SHANGHAI
from scheduler.health import DEGRADED, FAILED, HEALTHY, alert_key, assess, backoff_seconds
from scheduler.runs import RunLog
from scheduler.schedules import effective_schedule
from scheduler.service import crawl_trigger, digest_trigger
from scheduler.status import source_status
from tidewatch.config import Config, SourceOverride


@dataclass(frozen=True)
class DriftSummary(CrawlSummary):
    """A summary with the extraction counts crawl-safety's summary carries from the stats
    ``tidewatch/selector_miss/<field>/<selectors>`` and ``tidewatch/missing/<field>``."""

    selector_misses: dict[str, int] = field(default_factory=dict)
    missing_fields: dict[str, int] = field(default_factory=dict)


def summary(**fields: object) -> CrawlSummary:
    return DriftSummary(source="xsnet", **fields)


@pytest.mark.parametrize(
    ("run", "outcome", "reason_part"),
    [
        (None, FAILED, "no summary"),
        (summary(pages=0, last_error="dns: x"), FAILED, "nothing could be fetched (dns: x)"),
        (summary(pages=2), DEGRADED, "no articles found"),
        (summary(pages=6, errors={"unextracted": 4}, new=1), DEGRADED, "4 of 5 article pages"),
        (summary(pages=6, errors={"unextracted": 1}, new=4), HEALTHY, "1 pages not extracted"),
        (
            summary(pages=6, new=4, selector_misses={"body/.xs_content": 3}),
            DEGRADED,
            "seeds body selector .xs_content matched nothing on 3 pages",
        ),
        (
            summary(pages=6, new=4, missing_fields={"published_at": 3}),
            DEGRADED,
            "3 of 4 articles stored without a publish time",
        ),
        (summary(pages=6, new=4, missing_fields={"published_at": 1}), HEALTHY, "1 without"),
        (summary(pages=6, unchanged=5, errors={"http_404": 1}), HEALTHY, "5 unchanged"),
    ],
)
def test_assess(run: CrawlSummary | None, outcome: str, reason_part: str) -> None:
    got, reason = assess(run, 1)
    assert got == outcome and reason_part in reason


@pytest.mark.parametrize(
    ("failures", "expected"), [(0, 600), (1, 1200), (2, 2400), (3, 3600), (10, 3600)]
)
def test_backoff_doubles_up_to_the_cap(failures: int, expected: float) -> None:
    assert backoff_seconds(600, failures, cap=3600) == expected


def test_configuration_overrides_a_seeds_schedule() -> None:
    sources = load_sources(SEEDS)
    config = Config(
        sources={
            "xsnet": SourceOverride(cron="*/5 * * * *"),
            "xsrb": SourceOverride(enabled=False),
            "tidenews": SourceOverride(jitter_seconds=0),
        }
    )
    xsnet = effective_schedule(sources["xsnet"], config)
    assert (xsnet.cron, xsnet.interval_minutes) == ("*/5 * * * *", None)
    assert effective_schedule(sources["xsrb"], config) is None
    tide = effective_schedule(sources["tidenews"], config)
    assert (tide.interval_minutes, tide.jitter_seconds) == (10, 0)
    assert effective_schedule(sources["xsnet"], Config()) == sources["xsnet"].schedule


def test_crawl_triggers_follow_the_seeds() -> None:
    sources = load_sources(SEEDS)
    start = datetime(2026, 3, 18, 6, 0, tzinfo=SHANGHAI)
    paper = crawl_trigger(sources["xsrb"].schedule.model_copy(update={"jitter_seconds": 0}))
    assert paper.get_next_fire_time(None, start) == start.replace(minute=30)  # 30 6 * * *
    portal = crawl_trigger(sources["xsnet"].schedule.model_copy(update={"jitter_seconds": 0}))
    assert portal.interval == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        ("hourly", datetime(2026, 3, 18, 7, 0)),
        ("daily 08:00", datetime(2026, 3, 18, 8, 0)),
        ("weekly fri 09:30", datetime(2026, 3, 20, 9, 30)),  # 2026-03-18 is a Wednesday
    ],
)
def test_digest_triggers_fire_at_the_subscribers_times(frequency: str, expected: datetime) -> None:
    start = datetime(2026, 3, 18, 6, 10, tzinfo=SHANGHAI)
    trigger = digest_trigger(parse_frequency(frequency))
    assert trigger.get_next_fire_time(None, start) == expected.replace(tzinfo=SHANGHAI)
    assert digest_trigger(parse_frequency("immediate")) is None  # sent after every crawl


def test_run_log_records_and_interrupts(tmp_path: Path) -> None:
    runs = RunLog(tmp_path / "runs.sqlite3")
    first = runs.start("xsnet")
    runs.finish(first, summary(pages=7, new=5, statuses={"200": 7}), HEALTHY, "5 new")
    runs.start("xsnet")  # the service dies here
    assert runs.interrupt_unfinished("killed") == 1
    latest, earlier = runs.runs("xsnet")
    assert (latest.outcome, latest.reason) == ("interrupted", "killed")
    assert (earlier.new, earlier.statuses, earlier.outcome) == (5, {"200": 7}, HEALTHY)
    assert [runs.record_failures("xsnet", failed=True) for _ in range(2)] == [1, 2]
    assert runs.record_failures("xsnet", failed=False) == 0
    runs.close()


def test_status_reports_health_per_source(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, sources={"xsrb": SourceOverride(enabled=False)})
    runs = RunLog(tmp_path / "runs.sqlite3")
    runs.finish(runs.start("tidenews"), summary(pages=0), FAILED, "nothing could be fetched")
    runs.record_failures("tidenews", failed=True)
    runs.finish(runs.start("xsnet"), summary(pages=3), DEGRADED, "no articles found")
    runs.set_next_run("xsnet", "2026-03-18T08:00:00+08:00")
    status = {row["source"]: row for row in source_status(config, runs)}
    runs.close()
    assert {name: row["health"] for name, row in status.items()} == {
        "tidenews": "failing",
        "xsnet": "degraded",
        "xsrb": "disabled",
    }
    assert status["xsnet"]["next_run"] == "2026-03-18T08:00:00+08:00"
    assert status["tidenews"]["consecutive_failures"] == 1


def test_a_snapshot_of_the_run_log_does_not_see_runs_that_finish_while_it_is_read(
    tmp_path: Path,
) -> None:
    """The status page reads the sources' last runs and then the runs table: a run that
    finishes in between must not show in one and not the other."""
    runs = RunLog(tmp_path / "runs.sqlite3")
    runs.finish(runs.start("tidenews"), summary(pages=6, new=6), HEALTHY, "6 new")
    running = runs.start("tidenews")
    with RunLog.snapshot(runs.path) as view:
        assert view.last_finished("tidenews").reason == "6 new"
        runs.finish(running, summary(pages=6), HEALTHY, "6 unchanged")  # the scheduler's write
        assert [r.outcome for r in view.runs("tidenews")] == ["running", HEALTHY]
        assert view.last_finished("tidenews").reason == "6 new"
    with RunLog.snapshot(runs.path) as view:
        assert view.last_finished("tidenews").reason == "6 unchanged"
    runs.close()


def test_drift_reason_names_every_selector_most_pages_first() -> None:
    misses = {"origin/.confrom | .info": 1, "published_at/.time | .info": 4}
    outcome, reason = assess(summary(pages=5, new=4, selector_misses=misses), 0)
    assert outcome == DEGRADED
    assert reason.index("published_at selector .time | .info matched nothing on 4 pages") < (
        reason.index("origin selector .confrom | .info matched nothing on 1 page ")
    )


def test_status_lists_pages_not_extracted(tmp_path: Path) -> None:
    from crawler.unextracted import UnextractedPages, unextracted_path

    config = Config(data_dir=tmp_path)
    pages = UnextractedPages(unextracted_path(tmp_path))
    url = "http://www.xsnet.cn/news/shms/2019_1/3025303.shtml"
    pages.remember(url, "xsnet", {"etag": '"abc"'}, "no recognisable body")
    pages.close()
    with RunLog.snapshot(tmp_path / "runs.sqlite3") as runs:
        status = {row["source"]: row for row in source_status(config, runs)}
    assert status["xsnet"]["unextracted_count"] == 1
    (row,) = status["xsnet"]["unextracted"]
    assert row["url"] == url and row["reason"] == "no recognisable body"
    assert row["first_seen"] and row["last_tried"]
    assert status["tidenews"]["unextracted"] == [] and status["tidenews"]["unextracted_count"] == 0


def test_the_same_drift_on_more_pages_is_the_same_alert() -> None:
    three = assess(summary(pages=5, new=3, selector_misses={"body/.xs_content": 3}), 0)
    five = assess(summary(pages=9, new=5, selector_misses={"body/.xs_content": 5}), 0)
    other = assess(summary(pages=9, new=5, selector_misses={"published_at/.time": 5}), 0)
    assert alert_key(*three) == alert_key(*five) != alert_key(*other)


def test_an_edition_not_published_yet_says_so() -> None:
    url = "https://xsrb.xsnet.cn/html/2026-12-01/node_1.htm"
    summary = CrawlSummary(
        source="xsrb",
        pages=1,
        errors={"http_404": 1},
        statuses={"404": 1},
        last_error=f"http_404: {url}: HTTP 404",
    )
    assert assess(summary, 0) == (DEGRADED, f"not published yet: {url} answered 404")


def test_summary_carries_selector_misses_and_missing_fields_and_counts_304_pages() -> None:
    stats = {
        "downloader/response_count": 3,
        "response_received_count": 1,  # the two 304s never reach the engine
        "tidewatch/selector_miss/body/.TRS_Editor": 2,
        "tidewatch/missing/published_at": 1,
    }
    summary = CrawlSummary.from_stats("xsnet", stats)
    assert summary.pages == 3
    assert summary.selector_misses == {"body/.TRS_Editor": 2}
    assert summary.missing_fields == {"published_at": 1}
