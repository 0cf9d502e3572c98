"""The dashboard's JSON endpoints, /healthz, /metrics and its safety rules, called as WSGI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from mailsink import fill_store
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from support import expected_article

from alerts.ledger import Ledger
from alerts.unsubscribe import UnsubscribeApp
from crawler.summary import CrawlSummary
from model.article import Article, Precision
from model.clock import SHANGHAI
from scheduler.health import FAILED, HEALTHY
from scheduler.runs import RunLog
from store.base import article_id
from store.sqlite import REVISION_TTL, SqliteStore
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
    config = Config(
        data_dir=tmp_path,
        sources={"xsrb": SourceOverride(enabled=False)},
        backfill_days=36500,  # the replica's stories are months old
    )
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


def dashboard(
    parts: dict[str, Any], running: Running | None = None, status_ttl: float = 0
) -> Dashboard:
    return Dashboard(
        parts["config"],
        parts["store"],
        parts["runs"],
        parts["ledger"],
        UnsubscribeApp(parts["ledger"], b"secret"),
        running or Running(),
        status_ttl=status_ttl,  # each call sees the state it just made; the cache has its test
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
        "mail_warnings",
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
    assert status == "400 Bad Request" and "is never closed" in page.decode()
    assert '<pre class="caret"' in page.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + quote("钱塘") + "&since=2026/01/01", "since: '2026/01/01' is not a date"),
        ("q=" + quote("钱塘") + "&until=2026-02-30", "until: '2026-02-30' is not a date"),
        ("q=" + quote("钱塘") + "&since=2026-03-01&until=2026-01-01", "since 2026-03-01 is after"),
    ],
)
def test_bad_dates_are_400_naming_the_field(app: Dashboard, query: str, message: str) -> None:
    for path in ("/api/search", "/search", "/trends"):
        status, _, body = call(app, path, query)
        assert status == "400 Bad Request", path
        assert message.replace("'", "&#39;") in body.decode() or message in body.decode()


def test_an_unknown_page_is_a_styled_404(app: Dashboard) -> None:
    for path in ("/article/nope", "/nothing-here"):
        status, headers, body = call(app, path)
        assert status == "404 Not Found" and headers["Content-Type"].startswith("text/html")
        assert "找不到 Not found" in body.decode() and "<header>" in body.decode()


def test_empty_search_shows_syntax_and_the_newest_articles(app: Dashboard) -> None:
    status, _, body = call(app, "/search")
    html = body.decode()
    assert status == "200 OK" and 'id="syntax"' in html and "钱塘 -钱塘江" in html
    assert html.count('<div class="result">') == 10  # 11 stored, the newest 10 listed
    status, _, body = call(app, "/search", "source=xsnet")
    assert body.decode().count('<div class="result">') == 5


def test_status_page_names_sources_and_the_unhealthy_since_when(parts: dict[str, Any]) -> None:
    runs: RunLog = parts["runs"]
    for _ in range(2):
        runs.finish(runs.start("tidenews"), CrawlSummary("tidenews"), FAILED, "nothing fetched")
        runs.record_failures("tidenews", failed=True)
    first_failure = runs.runs("tidenews", limit=2)[-1].started_at
    html = call(dashboard(parts), "/")[2].decode()
    assert "1 of 2 sources unhealthy since" in html
    assert "潮新闻: failing since" in html and "萧山网" in html and "萧山日报" in html
    assert html.count("nothing fetched") == 2 + 1 + 1  # two runs, the source row, the banner
    since = first_failure[:16].replace("T", " ") + " +08:00"
    assert f"since {since}" in html


def test_status_page_lists_pages_not_extracted(parts: dict[str, Any], monkeypatch) -> None:
    from web import data

    original = data.status

    def with_unextracted(*args: Any) -> dict[str, Any]:  # the spiders' keys, when present
        status = original(*args)
        status["sources"][0]["unextracted"] = [
            {
                "url": "https://tidenews.com.cn/news.html?id=9",
                "reason": "no publication time",
                "first_seen": "2026-11-30T08:00:00+08:00",
                "last_tried": "2026-12-01T08:00:00+08:00",
            }
        ]
        status["sources"][0]["unextracted_count"] = 3
        return status

    monkeypatch.setattr(data, "status", with_unextracted)
    html = call(dashboard(parts), "/")[2].decode()
    assert "Pages not extracted" in html and "no publication time" in html
    assert "2026-11-30 08:00 +08:00" in html
    assert "潮新闻: 3 pages not extracted in all; the 1 most recent are listed." in html


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


def metric_families(app: Dashboard) -> dict[str, Any]:
    status, headers, body = call(app, "/metrics")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {f.name: f for f in text_string_to_metric_families(body.decode())}


def samples(family: Any) -> dict[tuple, float]:
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples}


def test_metrics_parse_as_prometheus_text_and_follow_its_naming_rules(
    app: Dashboard, parts: dict[str, Any]
) -> None:
    families = metric_families(app)
    text = call(app, "/metrics")[2].decode()
    for name, family in families.items():
        assert re.fullmatch(r"tidewatch_[a-z_]+", name), name
        assert family.documentation, f"{name} has no HELP"
        if family.type == "counter":  # the parser strips _total; the exposition has it
            assert f"# TYPE {name}_total counter" in text
        else:
            assert not name.endswith("_total"), name
    assert samples(families["tidewatch_up"]) == {(): 1}
    runs = samples(families["tidewatch_runs"])
    assert runs[(("outcome", "healthy"), ("source", "xsnet"))] == 1
    crawled = samples(families["tidewatch_articles"])
    assert crawled[(("kind", "new"), ("source", "tidenews"))] == 6


def test_metrics_have_stored_articles_health_and_last_success_for_every_source(
    app: Dashboard, parts: dict[str, Any]
) -> None:
    families = metric_families(app)
    stored = samples(families["tidewatch_articles_stored"])
    assert stored == {
        (("source", "xsnet"),): parts["store"].count("xsnet"),
        (("source", "tidenews"),): parts["store"].count("tidenews"),
        (("source", "xsrb"),): 0,
    }
    assert stored[(("source", "xsnet"),)] == 5
    health = samples(families["tidewatch_source_health"])
    assert health[(("source", "xsnet"), ("state", "healthy"))] == 1
    assert health[(("source", "xsrb"), ("state", "disabled"))] == 1
    for source in ("xsnet", "tidenews", "xsrb"):  # exactly one state per source is 1
        assert sum(v for k, v in health.items() if k[0] == ("source", source)) == 1
    last = samples(families["tidewatch_last_success_timestamp_seconds"])
    assert set(last) == {(("source", s),) for s in ("xsnet", "tidenews", "xsrb")}
    assert last[(("source", "xsrb"),)] == 0  # never succeeded: present, 0 (Unix epoch)
    assert last[(("source", "xsnet"),)] > 1.7e9


def test_metrics_count_digests_but_never_name_subscribers(
    app: Dashboard, parts: dict[str, Any]
) -> None:
    from alerts.mail import Outbox
    from alerts.service import Alerts
    from alerts.subscriptions import load_subscribers

    alerts = Alerts(parts["config"], parts["store"], sender=Outbox(parts["config"].outbox_dir))
    try:  # real digests, delivered to the outbox
        alerts.match_new_articles()
        sent = [r for r in alerts.send_due() if r.status == "sent"]
    finally:
        alerts.close()
    assert sent
    text = call(app, "/metrics")[2].decode()
    assert samples(metric_families(app)["tidewatch_digests_sent"]) == {(): len(sent)}
    for family in metric_families(app).values():
        for sample in family.samples:
            assert "subscriber" not in sample.labels, sample
            assert not any("@" in v for v in sample.labels.values()), sample
    subscribers = load_subscribers(parts["config"].subscribers_file, {"xsnet", "xsrb", "tidenews"})
    for who in subscribers:
        assert who.email not in text


def test_promtool_finds_nothing_to_complain_about(app: Dashboard) -> None:
    if not shutil.which("promtool"):
        if os.environ.get("CI"):
            pytest.fail("promtool missing under CI: .ci/run installs Debian's prometheus")
        pytest.skip("promtool missing: apt-get install prometheus")
    body = call(app, "/metrics")[2]
    done = subprocess.run(
        ["promtool", "check", "metrics"], input=body, capture_output=True, timeout=30
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_article_page_shows_fields_and_versions(app: Dashboard) -> None:
    status, _, page = call(app, f"/article/{article_id(SEED)}")
    html = page.decode()
    assert status == "200 OK" and "萧山日报" in html and "洪凯" in html and 'id="versions"' in html
    assert call(app, "/article/nope")[0] == "404 Not Found"


@pytest.mark.parametrize(
    ("precision", "shown", "hidden"),
    [
        (Precision.DAY, ">2026-03-18<", "2026-03-18 00:00"),  # a date-only e-paper: no 00:00
        (Precision.MINUTE, "2026-03-18 00:00 +08:00", "first seen"),  # a real midnight
        (Precision.UNKNOWN, "(no date on the page: first seen)", "00:00 +08:00</time>"),
    ],
)
def test_publication_times_are_shown_as_precisely_as_the_page_gave_them(
    parts: dict[str, Any], precision: Precision, shown: str, hidden: str
) -> None:
    store = parts["store"]
    url = "https://xsrb.xsnet.cn/html/2026-03/18/content_9_1.htm"
    store.upsert(
        Article(
            url=url,
            source="xsrb",
            title="精度测试 一篇报纸文章",
            published_at=datetime(2026, 3, 18, tzinfo=SHANGHAI),
            body="钱塘区 第一段。",
            published_precision=precision,
        )
    )
    article = call(dashboard(parts), f"/article/{article_id(url)}")[2].decode()
    byline = article.split('id="byline"')[1].split("</p>")[0]
    hits = call(dashboard(parts), "/search", "q=" + quote("精度测试"))[2].decode()
    meta = hits.split('class="muted meta"')[1].split("</div>")[0]
    for html in (byline, meta):
        assert shown in html and hidden not in html, html
        assert "萧山日报" in html


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


def test_trends_default_to_the_span_of_the_matches(app: Dashboard) -> None:
    html = call(app, "/trends", "q=" + quote("钱塘"))[2].decode()
    api = json.loads(call(app, "/api/search", "q=" + quote("钱塘") + "&per_page=100")[2])
    days = sorted(h["published_at"][:10] for h in api["hits"])
    assert f'<span id="total">{api["total"]}</span>' in html
    assert "covers every stored article mentioning it" in html
    assert f"– {days[-1]}" in html  # the range ends at the newest match
    nowhere = call(app, "/trends", "q=" + quote("量子引力波"))[2].decode()
    assert 'id="nowhere"' in nowhere and "No stored article mentions 「量子引力波」" in nowhere
    helped = call(app, "/trends")[2].decode()
    assert 'id="trend-help"' in helped and "<svg" not in helped


def test_a_trend_with_no_dates_counts_once_and_as_its_explicit_range_does(
    parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, asked = parts["store"], []
    real_trend = store.trend

    def counted_trend(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return real_trend(*args, **kwargs)

    monkeypatch.setattr(store, "trend", counted_trend)
    html = call(dashboard(parts), "/trends", "q=" + quote("钱塘"))[2].decode()
    assert len(asked) == 1  # the span's counts per day make the bars too
    (since, until) = re.search(r"showing (\S+) – (\S+),", html).groups()
    explicit = call(
        dashboard(parts), "/trends", urlencode({"q": "钱塘", "since": since, "until": until})
    )
    bars = re.compile(r"<rect[^>]*>")
    assert bars.findall(html) == bars.findall(explicit[2].decode()) and bars.findall(html)


def test_status_warns_when_real_smtp_sends_loopback_links(parts: dict[str, Any]) -> None:
    quiet = call(dashboard(parts), "/")[2].decode()
    assert "Mail set-up" not in quiet
    parts["config"] = parts["config"].model_copy(update={"smtp_host": "smtp.example.net"})
    page = call(dashboard(parts), "/")[2].decode()
    assert "Mail set-up" in page and "TIDEWATCH_PUBLIC_URL" in page
    assert json.loads(call(dashboard(parts), "/api/status")[2])["mail_warnings"]


def test_status_is_computed_once_a_second_however_many_ask(
    parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.data

    computed = []
    real = web.data.status
    monkeypatch.setattr(web.data, "status", lambda *a: computed.append(1) or real(*a))
    app = dashboard(parts, status_ttl=60)
    for _ in range(20):
        assert call(app, "/api/status")[0].startswith("200")
    assert len(computed) == 1


def test_identical_searches_cost_one_query_until_another_process_writes(
    parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, app = parts["store"], dashboard(parts)
    asked = []
    real = store.count_matches
    monkeypatch.setattr(store, "count_matches", lambda *a, **k: asked.append(1) or real(*a, **k))
    query = "q=" + quote("钱塘")
    first = json.loads(call(app, "/api/search", query)[2])
    for _ in range(5):
        assert json.loads(call(app, "/api/search", query)[2]) == first
    assert len(asked) == 1

    other = SqliteStore(store.path)  # a crawl, in another connection, stores one more 钱塘
    url = "http://www.xsnet.cn/news/szjj/2019_1/9999.shtml"
    other.upsert(expected_article("www.xsnet.cn", "3025263", url=url, title="钱塘观察"))
    other.close()
    time.sleep(REVISION_TTL)  # another process's commit is seen within REVISION_TTL
    again = json.loads(call(app, "/api/search", query)[2])
    assert len(asked) == 2 and again["total"] == first["total"] + 1
