"""The dashboard's JSON endpoints, /healthz, /metrics and its safety rules, called as WSGI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from mailsink import fill_store
from pydantic import SecretStr

from alerts.ledger import Ledger
from alerts.unsubscribe import UnsubscribeApp
from crawler.summary import CrawlSummary
from scheduler.health import FAILED, HEALTHY
from scheduler.runs import RunLog
from store.base import article_id
from tidewatch.config import Config, ConfigError, SourceOverride
from web.app import Dashboard, check_exposure

SEED = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
TOKEN = "t0ken-for-the-dashboard-tests-9c1e4b7a2f"  # strong enough: 32+ bytes


class Running:
    """The scheduler's state, switchable by a test."""

    value = True

    def __call__(self) -> bool:
        return self.value


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = Config(data_dir=tmp_path, sources={"xsrb": SourceOverride(enabled=False)})
    store = fill_store(config, ("xsnet", "tidenews"))
    runs, ledger = RunLog(tmp_path / "runs.sqlite3"), Ledger(config.ledger_path)
    for source, new in (("xsnet", 5), ("tidenews", 6)):
        summary = CrawlSummary(source, pages=7, new=new, statuses={"200": 7})
        runs.finish(runs.start(source), summary, HEALTHY, f"{new} new")
    yield {"config": config, "store": store, "runs": runs, "ledger": ledger}
    store.close()
    runs.close()
    ledger.close()


@pytest.fixture
def app(parts: dict[str, Any]) -> Dashboard:
    return dashboard(parts)


def dashboard(parts: dict[str, Any], running: Running | None = None) -> Dashboard:
    return Dashboard(
        parts["config"],
        parts["store"],
        parts["runs"],
        parts["ledger"],
        UnsubscribeApp(parts["ledger"], b"secret"),
        running or Running(),
    )


def call(app: Dashboard, path: str, query: str = "", **headers: str) -> tuple[str, dict, bytes]:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING=query, **headers)
    answer: dict[str, Any] = {}

    def start(status: str, header_list: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(header_list))

    body = b"".join(app(environ, start))
    return answer["status"], answer["headers"], body


def test_api_status_schema(app: Dashboard) -> None:
    status, headers, body = call(app, "/api/status")
    payload = json.loads(body)
    assert status == "200 OK" and headers["Content-Type"].startswith("application/json")
    assert set(payload) == {
        "scheduler_running",
        "healthy",
        "sources",
        "articles_per_day",
        "articles_per_run",
        "runs",
        "digests",
    }
    assert payload["healthy"] is True
    per_run = [{k: v for k, v in r.items() if k != "day"} for r in payload["articles_per_run"]]
    assert per_run == [{"xsnet": 5}, {"tidenews": 6}]  # oldest first
    rows = {s["source"]: s for s in payload["sources"]}
    assert {name: r["health"] for name, r in rows.items()} == {
        "tidenews": "healthy",
        "xsnet": "healthy",
        "xsrb": "disabled",
    }
    for row in rows.values():
        assert set(row) >= {
            "health",
            "last_run",
            "outcome",
            "new",
            "updated",
            "errors",
            "consecutive_failures",
            "next_run",
        }
    assert len(payload["articles_per_day"]) == 30
    today = payload["articles_per_day"][-1]
    assert (today["xsnet"], today["tidenews"]) == (5, 6)
    run = payload["runs"][0]
    assert set(run) >= {"source", "started_at", "outcome", "pages", "new", "errors", "statuses"}


def test_api_search_schema_and_highlights(app: Dashboard) -> None:
    status, _, body = call(app, "/api/search", "q=" + quote("数字经济") + "&source=xsnet")
    payload = json.loads(body)
    assert status == "200 OK"
    assert set(payload) >= {"query", "total", "per_source", "page", "pages", "hits"}
    assert payload["per_source"] == {"xsnet": payload["total"]} and payload["total"] >= 2
    seed = next(h for h in payload["hits"] if h["url"] == SEED)
    assert seed["id"] == article_id(SEED)
    for start, end in seed["highlights"]:
        assert seed["snippet"][start:end] == "数字经济"


def test_api_search_pages_and_filters(app: Dashboard) -> None:
    everything = json.loads(call(app, "/api/search", "q=" + quote("钱塘"))[2])
    assert (everything["total"], everything["per_source"]) == (5, {"tidenews": 5})
    second = json.loads(call(app, "/api/search", "q=" + quote("钱塘") + "&per_page=2&page=2")[2])
    assert (second["page"], second["pages"], second["total"]) == (2, 3, 5)
    assert second["hits"] == everything["hits"][2:4]
    dated = json.loads(
        call(app, "/api/search", "q=" + quote("钱塘") + "&since=2026-01-01&until=2026-04-30")[2]
    )
    assert dated["hits"] and all(
        "2026-01" <= h["published_at"][:7] <= "2026-04" for h in dated["hits"]
    )
    channel = json.loads(call(app, "/api/search", "q=" + quote("钱塘") + "&channel=杭州")[2])
    assert channel["hits"] and {h["channel"] for h in channel["hits"]} == {"杭州"}


def test_a_bad_query_is_reported_not_thrown(app: Dashboard) -> None:
    status, _, body = call(app, "/api/search", "q=" + quote("(钱塘"))
    assert status == "400 Bad Request"
    assert json.loads(body)["error"] == "'(' is never closed (column 1)"
    status, _, page = call(app, "/search", "q=" + quote("(钱塘"))
    assert status == "200 OK" and "is never closed" in page.decode()


def test_search_input_never_becomes_markup(app: Dashboard) -> None:
    _, _, page = call(app, "/search", "q=" + quote('<script>alert(1)</script> "x'))
    html = page.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_healthz_goes_red_when_a_source_fails_and_green_when_it_recovers(
    parts: dict[str, Any],
) -> None:
    app = dashboard(parts)
    assert call(app, "/healthz")[0] == "200 OK"
    runs: RunLog = parts["runs"]
    runs.finish(runs.start("tidenews"), CrawlSummary("tidenews"), FAILED, "nothing fetched")
    runs.record_failures("tidenews", failed=True)
    status, _, body = call(app, "/healthz")
    assert status == "503 Service Unavailable"
    assert json.loads(body) == {"ok": False, "problems": ["tidenews is failing"]}
    runs.finish(
        runs.start("tidenews"),
        CrawlSummary("tidenews", pages=7, unchanged=6),
        HEALTHY,
        "6 unchanged",
    )
    runs.record_failures("tidenews", failed=False)
    assert call(app, "/healthz")[0] == "200 OK"


def test_healthz_is_red_when_the_scheduler_is_not_running(parts: dict[str, Any]) -> None:
    running = Running()
    app = dashboard(parts, running)
    running.value = False
    status, _, body = call(app, "/healthz")
    assert status == "503 Service Unavailable"
    assert json.loads(body)["problems"] == ["the scheduler is not running"]


def test_metrics_in_prometheus_format(app: Dashboard) -> None:
    status, headers, body = call(app, "/metrics")
    text = body.decode()
    assert status == "200 OK" and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "tidewatch_up 1" in text
    assert 'tidewatch_runs_total{source="xsnet",outcome="healthy"} 1' in text
    assert 'tidewatch_articles_total{source="tidenews",kind="new"} 6' in text
    assert "# TYPE tidewatch_last_success_timestamp_seconds gauge" in text
    assert 'tidewatch_last_success_timestamp_seconds{source="xsnet"}' in text
    for line in text.splitlines():  # every sample line is NAME{labels} VALUE
        if line and not line.startswith("#"):
            name_labels, value = line.rsplit(" ", 1)
            float(value)
            assert name_labels.startswith("tidewatch_")


def test_article_page_shows_fields_and_versions(app: Dashboard) -> None:
    status, _, page = call(app, f"/article/{article_id(SEED)}")
    html = page.decode()
    assert status == "200 OK" and "萧山日报" in html and "洪凯" in html and 'id="versions"' in html
    assert call(app, "/article/nope")[0] == "404 Not Found"


def test_beyond_loopback_a_token_is_required(parts: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="TIDEWATCH_WEB_TOKEN"):
        check_exposure(Config(web_listen="0.0.0.0:8080"))
    check_exposure(Config(web_listen="127.0.0.1:8080"))
    check_exposure(Config(web_listen="0.0.0.0:8080", web_token=SecretStr(TOKEN)))
    guarded = {
        **parts,
        "config": parts["config"].model_copy(update={"web_token": SecretStr(TOKEN)}),
    }
    app = dashboard(guarded)
    assert call(app, "/api/status")[0] == "401 Unauthorized"
    assert call(app, "/api/status", HTTP_AUTHORIZATION="Bearer wrong")[0] == "401 Unauthorized"
    assert call(app, "/api/status", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[0] == "200 OK"
    assert call(app, "/", HTTP_COOKIE=f"tidewatch_token={TOKEN}")[0] == "200 OK"
    assert call(app, "/unsubscribe", "token=x")[0] == "400 Bad Request"  # public, but checked
