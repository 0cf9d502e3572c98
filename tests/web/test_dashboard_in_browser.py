"""The dashboard as a person sees it: a real `tidewatch serve` crawls the replica on schedules
of seconds, and headless Chromium (Debian's ``chromium``, driven by Playwright) reads the
status, search, article and trends pages it serves.

Screenshots are kept in ``test-artifacts/`` (git-ignored) for a person to look at after a run.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from urllib.parse import urlencode

import pytest
import serving
from mailsink import smtp_sink
from playwright.sync_api import Browser, Page, expect
from support import ARTIFACTS, REPLICA, SIGNING_SALT, assert_chinese_glyphs_render, system_chromium

from tidewatch.mirror import MirrorServer

VIEWPORT = {"width": 1280, "height": 900}

ENABLED = ("xsnet", "tidenews")
HEALTH = {"xsnet": "healthy", "tidenews": "healthy", "xsrb": "disabled"}
SEED_URL = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
SEED_TITLE = "萧山:创新发展行动 加快新旧动能转换"
WEB_UI = re.compile(r"web UI on (http://127\.0\.0\.1:\d+/)")


@dataclass
class Service:
    process: Popen[bytes]
    url: str
    data: Path
    log: Path

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as answer:
            return json.loads(answer.read())

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`tidewatch serve` against the replica, once each enabled source has crawled once."""
    folder = tmp_path_factory.mktemp("dashboard")
    with (
        smtp_sink() as (_, smtp_port),
        MirrorServer(REPLICA, signing_salt=SIGNING_SALT) as replica,  # read, never written
    ):
        env = serving.service_env(folder, replica, smtp_port)
        log, data = folder / "serve.log", folder / "data"
        process = serving.start(env, log)
        try:
            serving.wait_for(
                lambda: (
                    WEB_UI.search(log.read_text(errors="replace")) or process.poll() is not None
                ),
                "the web UI log line",
                timeout=30,
            )
            found = WEB_UI.search(log.read_text(errors="replace"))
            assert found, f"`tidewatch serve` exited {process.poll()}:\n{log.read_text()[-3000:]}"
            serving.wait_for(
                lambda: min(serving.finished_runs(data, s) for s in ENABLED) >= 1,
                "a finished crawl of each enabled source",
                timeout=40,
            )
            yield Service(process, found.group(1), data, log)
        finally:
            if process.poll() is None:
                serving.stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with system_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # what a test can check: no page script ran an alert()
    try:
        yield page
    finally:
        context.close()
    assert not dialogs, f"a page opened dialogs: {dialogs}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"dashboard-{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_status_page_shows_sources_chart_and_runs(service: Service, page: Page) -> None:
    page.goto(service.url)
    expect(page).to_have_title("Tidewatch · 状态")
    expect(page.locator("h1")).to_have_text("状态 Status")  # no "scheduler stopped" badge
    assert_chinese_glyphs_render(page)

    for source, health in HEALTH.items():
        row = page.locator(f"tr.source[data-source={source}]")
        expect(row).to_have_count(1)
        badge = row.locator("span.health")
        expect(badge).to_be_visible()
        expect(badge).to_have_text(health)
        expect(badge).to_have_class(f"health {health}")
    expect(page.locator("tr.source")).to_have_count(len(HEALTH))

    status = service.get_json("/api/status")
    today = status["articles_per_day"][-1]
    per_day = page.locator("section").filter(has=page.locator("h2", has_text="Articles per day"))
    chart = per_day.locator("svg.chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 50, box
    bars = chart.locator(f"rect.bar[data-day='{today['day']}']")
    assert bars.count() >= 1, f"no bar for {today['day']}"
    sql = (
        "SELECT source, sum(new + updated) FROM runs WHERE started_at LIKE ? GROUP BY source "
        "HAVING sum(new + updated) > 0"
    )
    crawled = dict(serving.query(service.data / "runs.sqlite3", sql, today["day"] + "%"))
    assert set(crawled) >= set(ENABLED), crawled  # the first crawls found articles
    drawn = {
        bar.get_attribute("data-source"): int(bar.get_attribute("data-count")) for bar in bars.all()
    }
    assert drawn == crawled == {s: today[s] for s in crawled}, (drawn, crawled, today)
    for bar in bars.all():
        assert float(bar.get_attribute("height")) > 0
    older = chart.locator(f"rect.bar:not([data-day='{today['day']}'])")
    expect(older).to_have_count(0)  # the replica was crawled today, and only today

    runs = page.locator("table#runs tr:has(td)")
    assert runs.count() >= len(ENABLED)  # (the service keeps crawling: no exact count)
    listed = {row.locator("td").first.inner_text() for row in runs.all()}
    assert listed >= set(ENABLED), listed
    expect(page.get_by_text("no runs yet")).to_have_count(0)
    screenshot(page, "status")


def test_search_highlights_the_seed_article(service: Service, page: Page) -> None:
    page.goto(service.url + "search")
    box = page.locator("input[name=q]")
    expect(box).to_be_visible()
    box.fill("数字经济")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索 Search").click()
    assert "q=%E6%95%B0%E5%AD%97%E7%BB%8F%E6%B5%8E" in page.url
    expect(box).to_have_value("数字经济")
    expect(page.locator("#query-error")).to_have_count(0)

    api = service.get_json("/api/search?" + urlencode({"q": "数字经济"}))
    count = page.locator("p#count")
    expect(count).to_be_visible()
    expect(count).to_contain_text(f"{api['total']} articles")
    assert api["total"] >= 1
    for source, n in api["per_source"].items():
        expect(page.locator(f"#count .per-source[data-source={source}]")).to_have_text(
            f"{source} {n}"
        )
    assert "xsnet" in api["per_source"]

    result = page.locator("div.result").filter(has_text=SEED_TITLE)
    expect(result).to_have_count(1)
    title = result.locator("a").first
    expect(title).to_be_visible()
    expect(title).to_have_text(SEED_TITLE)
    seed_id = next(h["id"] for h in api["hits"] if h["url"] == SEED_URL)
    expect(title).to_have_attribute("href", f"/article/{seed_id}")
    expect(result.get_by_role("link", name="original")).to_have_attribute("href", SEED_URL)
    hits = result.locator(".snippet mark.hit")
    assert hits.count() >= 1
    for hit in hits.all():
        expect(hit).to_be_visible()
        expect(hit).to_have_text("数字经济")
    colour = hits.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(255, 229, 143)", colour  # the yellow of .hit
    assert_chinese_glyphs_render(page)
    screenshot(page, "search")

    with page.expect_navigation():
        title.click()
    assert page.url == f"{service.url}article/{seed_id}"
    expect(page.locator("h1")).to_have_text(SEED_TITLE)


def test_a_bad_query_shows_an_error_and_markup_stays_text(service: Service, page: Page) -> None:
    answer = page.goto(service.url + "search?" + urlencode({"q": "(钱塘"}))
    assert answer.status == 200
    error = page.locator("#query-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("查询有误 Query error:")
    expect(error).to_contain_text("column")
    expect(page.locator("p#count")).to_have_count(0)
    expect(page.locator("input[name=q]")).to_have_value("(钱塘")
    screenshot(page, "search-error")

    hostile = "<script>alert(1)</script>"
    page.goto(service.url + "search")
    page.locator("input[name=q]").fill(hostile)
    with page.expect_navigation():
        page.locator("input[name=q]").press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator("input[name=q]")).to_have_value(hostile)
    assert page.title() == f"Tidewatch · 搜索 {hostile}"
    assert page.locator("script").count() == 0
    shown = page.locator("#query-error, p#count")
    expect(shown).to_have_count(1)  # the query was either refused or run, as text
    assert page.dialogs == []


def test_article_page_lists_stored_fields_and_versions(service: Service, page: Page) -> None:
    api = service.get_json("/api/search?" + urlencode({"q": "数字经济"}))
    seed_id = next(h["id"] for h in api["hits"] if h["url"] == SEED_URL)
    page.goto(f"{service.url}article/{seed_id}")
    expect(page).to_have_title(SEED_TITLE)
    expect(page.locator("h1")).to_have_text(SEED_TITLE)

    def field(name: str):
        return page.locator("table#fields tr").filter(has=page.locator(f"th:text-is('{name}')"))

    expect(field("url").locator("td a")).to_have_attribute("href", SEED_URL)
    expect(field("source").locator("td")).to_have_text("xsnet")
    expect(field("origin").locator("td")).to_contain_text("萧山日报")
    expect(field("authors").locator("td")).to_contain_text("洪凯")
    expect(field("editor").locator("td")).to_contain_text("邱璐")
    expect(field("published_at").locator("td")).to_contain_text("2019-01-16T07:57:00+08:00")
    expect(page.get_by_text("以数字经济加速新旧动能转换", exact=False)).to_be_visible()
    versions = page.locator("table#versions tr:has(td)")
    assert versions.count() >= 1
    expect(versions.first.locator("td").nth(2)).to_have_text(SEED_TITLE)
    assert_chinese_glyphs_render(page)
    screenshot(page, "article")


def test_trends_page_charts_mentions(service: Service, page: Page) -> None:
    query = urlencode({"q": "钱塘", "since": "2019-01-01", "until": "2026-12-31"})
    page.goto(f"{service.url}trends?{query}")
    expect(page.locator(".error")).to_have_count(0)
    heading = page.locator("h2").filter(has_text="「钱塘」")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("2019-01-01 – 2026-12-31")
    total = int(page.locator("#total").inner_text())
    assert total > 0
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    assert bars.count() >= 1
    assert sum(int(bar.get_attribute("data-count")) for bar in bars.all()) == total
    rows = page.locator("table#trend tr:has(td)")
    assert rows.count() >= 1
    screenshot(page, "trends")


def test_trend_bars_over_years_are_wide_enough_to_see(service: Service, page: Page) -> None:
    query = urlencode({"q": "钱塘", "since": "2019-01-01", "until": "2026-12-31"})
    page.goto(f"{service.url}trends?{query}")
    for bar in page.locator("svg.chart rect.bar").all():
        box = bar.bounding_box()
        assert box and box["width"] >= 2, f"a bar {box and box['width']:.2f} px wide"


def test_service_stops_on_sigterm(service: Service) -> None:
    code, seconds = serving.stop(service.process)
    assert code == 0 and seconds < 15, service.tail()
