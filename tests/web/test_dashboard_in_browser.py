"""The dashboard as a person sees it: a real `tidewatch serve` crawls the replica on schedules
of seconds, and headless Chromium (Debian's ``chromium``, driven by Playwright) reads every
page it serves — status, search (hits, empty, no hits, a bad query), article, 404, trends —
at a desktop's 1280 px and a phone's 390 px.

The e-paper (萧山日报) is enabled: the replica holds no edition for today, so it is the
unhealthy source the status page's banner must report. Screenshots are kept in
``test-artifacts/`` (git-ignored) for a person to look at after a run.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import serving
from mailsink import smtp_sink
from playwright.sync_api import Browser, Locator, Page, expect
from support import ARTIFACTS, REPLICA, SIGNING_SALT, assert_chinese_glyphs_render, system_chromium

from tidewatch.mirror import MirrorServer

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NAMES = {"xsnet": "萧山网", "xsrb": "萧山日报", "tidenews": "潮新闻"}
HEALTHY = ("xsnet", "tidenews")
SEED_URL = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
SEED_TITLE = "萧山:创新发展行动 加快新旧动能转换"
WEB_UI = re.compile(r"web UI on (http://127\.0\.0\.1:\d+/)")
ZONED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? \+08:00")
CONFIG = """
data_dir = "{data}"
download_delay = 0
web_listen = "127.0.0.1:0"
log_level = "INFO"
subscribers_file = "{subscribers}"
shutdown_grace = 10
backoff_max_minutes = 0.2

[sources.xsnet]
interval_minutes = 0.05
jitter_seconds = 0

[sources.tidenews]
interval_minutes = 0.05
jitter_seconds = 0

[sources.xsrb]
interval_minutes = 0.05
jitter_seconds = 0
"""


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
    """`tidewatch serve` against the replica, once each source has crawled once."""
    folder = tmp_path_factory.mktemp("dashboard")
    with (
        smtp_sink() as (_, smtp_port),
        MirrorServer(REPLICA, signing_salt=SIGNING_SALT) as replica,  # read, never written
    ):
        env = serving.service_env(folder, replica, smtp_port)
        log, data = folder / "serve.log", folder / "data"
        subscribers = serving.FIXTURES / "newsroom.toml"
        Path(env["TIDEWATCH_CONFIG"]).write_text(CONFIG.format(data=data, subscribers=subscribers))
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
                lambda: min(serving.finished_runs(data, s) for s in NAMES) >= 1,
                "a finished crawl of each source",
                timeout=60,
            )
            yield Service(process, found.group(1), data, log)
        finally:
            if process.poll() is None:
                serving.stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with system_chromium() as browser:
        yield browser


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # what a test can check: no page script ran an alert()
    page.viewport_name = request.param
    try:
        yield page
    finally:
        context.close()
    assert not dialogs, f"a page opened dialogs: {dialogs}"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    path = ARTIFACTS / f"dashboard-{name}-{width}px.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def assert_fits(page: Page) -> None:
    """Nothing wider than the screen: tables and charts scroll or shrink in their boxes."""
    widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


def visible_chart(container: Locator) -> Locator:
    """The chart drawn for this width (a wide one on desktops, a narrow one on phones)."""
    chart = container.locator("svg.chart:visible")
    expect(chart).to_have_count(1)
    return chart


def assert_axes_in_place(chart: Locator) -> None:
    """A y axis from 0 to its maximum (at least the tallest bar), x labels under bars."""
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100, box
    ticks = [int(t.get_attribute("data-value")) for t in chart.locator("text.y-tick").all()]
    top = int(chart.get_attribute("data-top"))
    assert ticks[0] == 0 and ticks[-1] == top and ticks == sorted(ticks) and len(ticks) >= 2
    expect(chart.locator("line.grid")).to_have_count(len(ticks))
    totals: dict[str, int] = {}
    for bar in chart.locator("rect.bar").all():
        day = bar.get_attribute("data-day")
        totals[day] = totals.get(day, 0) + int(bar.get_attribute("data-count"))
    assert max(totals.values(), default=0) <= top
    labels = chart.locator("text.x-label")
    assert labels.count() >= 1
    for label in labels.all():
        centre = _centre(label)
        bars = chart.locator(f"rect.bar[data-day='{label.get_attribute('data-day')}']")
        for bar in bars.all():
            b = bar.bounding_box()
            assert b["x"] - 0.5 <= centre <= b["x"] + b["width"] + 0.5, (label.inner_html(), b)
        assert box["x"] <= centre <= box["x"] + box["width"]
    aria = chart.get_attribute("aria-label")
    assert chart.get_attribute("role") == "img" and aria and str(sum(totals.values())) in aria


def _centre(element: Locator) -> float:
    b = element.bounding_box()
    return b["x"] + b["width"] / 2


def store_counts(service: Service) -> dict[str, int]:
    sql = "SELECT source, count(*) FROM articles GROUP BY source"
    return dict(serving.query(service.data / "tidewatch.sqlite3", sql))


# -- status -----------------------------------------------------------------------------------


def test_status_page_summarises_sources_charts_and_runs(service: Service, page: Page) -> None:
    page.goto(service.url)
    expect(page).to_have_title("Tidewatch · 状态")
    expect(page.locator("h1")).to_have_text("状态 Status")  # no "scheduler stopped" badge
    assert_chinese_glyphs_render(page)
    assert_fits(page)

    banner = page.locator("#banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("1 of 3 sources unhealthy since")
    expect(banner.locator("li")).to_have_count(1)
    expect(banner.locator("li")).to_contain_text("萧山日报: degraded since")
    assert ZONED.search(banner.inner_text()), banner.inner_text()

    stored = store_counts(service)
    assert set(stored) == set(HEALTHY)  # no e-paper edition for today in the replica
    for source, name in NAMES.items():
        row = page.locator(f"tr.source[data-source={source}]")
        expect(row).to_have_count(1)
        expect(row.locator(".source-name")).to_have_text(name)
        health = "healthy" if source in HEALTHY else "degraded"
        expect(row.locator("span.health")).to_have_text(health)
        expect(row.locator("span.health")).to_have_class(f"health {health}")
        expect(row.locator("td.stored")).to_have_text(str(stored.get(source, 0)))
        # the reason is the last finished run's, as the runs table on the same page says
        finished = page.locator(f"#runs-table tr.run[data-source={source}]").filter(
            has=page.locator(".reason")
        )
        expect(row.locator(".reason")).to_have_text(finished.first.locator(".reason").inner_text())
        assert ZONED.search(row.inner_text()), row.inner_text()  # the last run, with its zone
    expect(page.locator("tr.source")).to_have_count(len(NAMES))
    if page.viewport_name == "desktop":  # the sources table fits without scrolling
        hidden = page.locator("#sources-section .scroll").evaluate(
            "box => box.scrollWidth - box.clientWidth"
        )
        assert hidden <= 0, f"{hidden} px of the sources table are scrolled out of view"

    per_day = visible_chart(page.locator("#per-day"))
    assert_axes_in_place(per_day)
    today = service.get_json("/api/status")["articles_per_day"][-1]
    bars = per_day.locator(f"rect.bar[data-day='{today['day']}']")
    drawn = {b.get_attribute("data-source"): int(b.get_attribute("data-count")) for b in bars.all()}
    assert set(drawn) == set(HEALTHY), drawn  # the first crawls found articles, today only
    expect(per_day.locator(f"rect.bar:not([data-day='{today['day']}'])")).to_have_count(0)
    expect(per_day.locator("rect.bar title").first).to_contain_text(NAMES[next(iter(drawn))])
    assert_axes_in_place(visible_chart(page.locator("#per-run")))

    runs = page.locator("#runs-table tr.run")
    assert runs.count() >= len(NAMES)
    for row in runs.all()[:10]:  # an error is shown once per run, not twice
        text = row.inner_text()
        reason = row.locator(".reason")
        if reason.count():
            assert text.count(reason.inner_text()) == 1, text
        assert ZONED.search(text), text
    assert {r.locator("td").first.inner_text() for r in runs.all()} >= set(NAMES.values())
    expect(page.get_by_text("no runs yet")).to_have_count(0)
    screenshot(page, "status")

    with page.expect_navigation():  # a bar leads to the runs it counts
        bars.first.click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["day"] == [today["day"]] and query["source"][0] in HEALTHY
    shown = page.locator("#runs-table tr.run")
    assert shown.count() >= 1
    for row in shown.all():
        expect(row.locator("td").first).to_have_text(NAMES[query["source"][0]])
    assert_fits(page)


# -- search -----------------------------------------------------------------------------------


def test_search_finds_highlights_and_filters_by_source(service: Service, page: Page) -> None:
    page.goto(service.url + "search")
    form = page.locator("form.filters")
    controls = form.locator("input, select, button")
    if page.viewport_name == "desktop":  # the whole form on one line
        tops = {round(c.bounding_box()["y"]) for c in controls.all()}
        assert max(tops) - min(tops) <= 4, tops
    else:  # a phone: the query box as wide as the form
        inner = form.bounding_box()["width"] - 24
        assert form.locator("input[name=q]").bounding_box()["width"] >= inner - 2
    box = form.locator("input[name=q]")
    box.fill("数字经济")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索 Search").click()
    assert "q=%E6%95%B0%E5%AD%97%E7%BB%8F%E6%B5%8E" in page.url
    expect(box).to_have_value("数字经济")
    expect(page.locator("#query-error")).to_have_count(0)

    api = service.get_json("/api/search?" + urlencode({"q": "数字经济"}))
    expect(page.locator("p#count")).to_contain_text(f"{api['total']} articles")
    assert api["total"] >= 1 and "xsnet" in api["per_source"]
    for source, n in api["per_source"].items():
        facet = page.locator(f"#facets .per-source[data-source={source}]")
        expect(facet).to_have_text(f"{NAMES[source]} {n}")

    result = page.locator("div.result").filter(has_text=SEED_TITLE)
    expect(result).to_have_count(1)
    title = result.locator("a.title")
    expect(title).to_have_text(SEED_TITLE)
    seed_id = next(h["id"] for h in api["hits"] if h["url"] == SEED_URL)
    expect(title).to_have_attribute("href", f"/article/{seed_id}")
    expect(result.get_by_role("link", name="原文 original")).to_have_attribute("href", SEED_URL)
    expect(result.locator(".meta")).to_contain_text("萧山网 · ")
    expect(result.locator(".meta")).to_contain_text("2019-01-16 07:57 +08:00")
    hits = result.locator(".snippet mark.hit")
    assert hits.count() >= 1
    for hit in hits.all():
        expect(hit).to_have_text("数字经济")
    colour = hits.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(255, 229, 143)", colour  # the yellow of .hit
    assert_chinese_glyphs_render(page)
    assert_fits(page)
    screenshot(page, "search")

    other = next((s for s in api["per_source"] if s != "xsnet"), None)
    for source in filter(None, ("xsnet", other)):  # a count is a filter
        with page.expect_navigation():
            page.locator(f"#facets a.per-source[data-source={source}]").click()
        assert parse_qs(urlsplit(page.url).query)["source"] == [source]
        results = page.locator("div.result .meta")
        expect(results).to_have_count(api["per_source"][source])
        for meta in results.all():
            assert meta.inner_text().startswith(NAMES[source] + " · ")
        expect(page.locator(f"#facets strong[data-source={source}]")).to_be_visible()
        if source == "xsnet" and other:
            with page.expect_navigation():
                page.get_by_role("link", name="全部 all").click()

    with page.expect_navigation():
        page.locator("a.title").first.click()
    assert "/article/" in page.url


def test_empty_search_shows_the_syntax_and_the_latest_articles(
    service: Service, page: Page
) -> None:
    page.goto(service.url + "search")
    syntax = page.locator("#syntax")
    expect(syntax).to_be_visible()
    for example in ("钱塘", "钱塘 -钱塘江", "(钱塘 OR 萧山) 数字经济"):
        code = syntax.locator("code", has_text=re.compile(f"^{re.escape(example)}$"))
        expect(code).to_be_visible()
    latest = page.locator("#latest .result")
    assert latest.count() == min(10, sum(store_counts(service).values()))
    dates = [m.inner_text() for m in page.locator("#latest .meta time").all()]
    assert dates and dates == sorted(dates, reverse=True)  # newest first
    assert all(ZONED.fullmatch(d) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    assert_fits(page)
    screenshot(page, "search-empty")
    with page.expect_navigation():
        syntax.get_by_role("link", name="钱塘 -钱塘江").click()
    expect(page.locator("p#count")).to_be_visible()


def test_a_query_without_hits_says_so_with_a_hint(service: Service, page: Page) -> None:
    page.goto(service.url + "search?" + urlencode({"q": "量子引力波", "source": "xsnet"}))
    none = page.locator("#no-hits")
    expect(none).to_be_visible()
    expect(none).to_contain_text("No articles match 「量子引力波」 with these filters")
    expect(none).to_contain_text("shorter term")
    expect(page.locator("div.result")).to_have_count(0)
    link = none.get_by_role("link", name="without the source, channel and date filters")
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {"q": ["量子引力波"]}
    assert_fits(page)
    screenshot(page, "search-no-hits")


@pytest.mark.parametrize("query", ["钱塘 AND (数字经济", "ＡＩ 钱塘 )", '"未闭合'])
def test_a_bad_query_answers_400_with_a_caret_under_its_column(
    service: Service, page: Page, query: str
) -> None:
    answer = page.goto(service.url + "search?" + urlencode({"q": query}))
    assert answer.status == 400
    error = page.locator("#query-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("查询有误 Query error:")
    api = json.loads(_get_error(service.url + "api/search?" + urlencode({"q": query})))
    column = int(re.search(r"\(column (\d+)\)$", api["error"]).group(1))
    expect(error).to_contain_text(api["error"])
    expect(page.locator("p#count")).to_have_count(0)
    expect(page.locator("input[name=q]")).to_have_value(query)
    # the caret stands under the character at that column of the (NFKC) query
    caret_x, char_x = page.evaluate(
        """column => {
        const pre = document.querySelector('#query-error pre.caret');
        const text = pre.firstChild;  // the query's line
        const range = document.createRange();
        range.setStart(text, column - 1);
        range.setEnd(text, column);
        return [pre.querySelector('.mark').getBoundingClientRect().left,
                range.getBoundingClientRect().left];
    }""",
        column,
    )
    assert abs(caret_x - char_x) <= 1.5, (caret_x, char_x)
    text = page.locator("#query-error pre.caret").inner_text().splitlines()[0]
    assert text == unicodedata.normalize("NFKC", query)
    assert_fits(page)
    if query.startswith("钱塘"):
        screenshot(page, "search-error")


def _get_error(url: str) -> bytes:
    try:
        urllib.request.urlopen(url, timeout=10)
    except HTTPError as e:
        assert e.code == 400
        return e.read()
    raise AssertionError(f"{url} did not answer 400")


def test_markup_in_a_query_stays_text(service: Service, page: Page) -> None:
    hostile = "<script>alert(1)</script>"
    page.goto(service.url + "search")
    page.locator("input[name=q]").fill(hostile)
    with page.expect_navigation():
        page.locator("input[name=q]").press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator("input[name=q]")).to_have_value(hostile)
    assert page.title() == f"Tidewatch · 搜索 {hostile}"
    assert page.locator("script").count() == 0
    expect(page.locator("#query-error, p#count")).to_have_count(1)
    assert page.dialogs == []


# -- article and 404 --------------------------------------------------------------------------


def test_article_page_reads_title_body_then_fields(service: Service, page: Page) -> None:
    api = service.get_json("/api/search?" + urlencode({"q": "数字经济"}))
    seed_id = next(h["id"] for h in api["hits"] if h["url"] == SEED_URL)
    page.goto(f"{service.url}article/{seed_id}")
    expect(page).to_have_title(SEED_TITLE)
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator("#byline")).to_contain_text("萧山网 · ")
    expect(page.locator("#byline")).to_contain_text("2019-01-16 07:57 +08:00")
    body = page.get_by_text("以数字经济加速新旧动能转换", exact=False).first
    expect(body).to_be_visible()
    fields = page.locator("table#fields")
    assert body.bounding_box()["y"] < fields.bounding_box()["y"]  # the text before the fields

    def field(name: str) -> Locator:
        return fields.locator(f"tr[data-field={name}] td")

    labels = fields.locator("th").all_inner_texts()
    assert "记者 Reporters" in labels and "首次发现 First seen" in labels
    assert not {"content_hash", "first_seen", "published_at", "authors"} & set(labels)
    expect(field("url").locator("a")).to_have_attribute("href", SEED_URL)
    expect(field("source")).to_contain_text("萧山网")
    expect(field("origin")).to_contain_text("萧山日报")
    expect(field("authors")).to_contain_text("洪凯")
    expect(field("editor")).to_contain_text("邱璐")
    expect(field("published_at")).to_contain_text("2019-01-16 07:57 +08:00")
    assert ZONED.search(field("first_seen").inner_text())

    images = json.loads(_expected_images())
    thumbs = page.locator("#images .thumbs a")
    expect(thumbs).to_have_count(len(images))
    for thumb, src in zip(thumbs.all(), images, strict=True):
        expect(thumb).to_have_attribute("href", src)
        expect(thumb.locator("img")).to_have_attribute("src", src)
        assert thumb.bounding_box()["width"] <= 200

    versions = page.locator("table#versions tr:has(td)")
    assert versions.count() >= 1
    expect(versions.first.locator("td").nth(2)).to_have_text(SEED_TITLE)
    assert ZONED.search(versions.first.inner_text())
    assert_chinese_glyphs_render(page)
    assert_fits(page)
    screenshot(page, "article")


def _expected_images() -> str:
    path = REPLICA.parent / "fixtures" / "expected" / "www.xsnet.cn" / "3025263.json"
    return json.dumps(json.loads(path.read_text(encoding="utf-8"))["images"])


@pytest.mark.parametrize("path", ["article/0000000000", "no/such/page"])
def test_an_unknown_page_is_a_styled_404(service: Service, page: Page, path: str) -> None:
    answer = page.goto(service.url + path)
    assert answer.status == 404
    expect(page.locator("header")).to_be_visible()
    expect(page.locator("h1")).to_have_text("找不到 Not found")
    expect(page.get_by_role("link", name="搜索 Search the stored articles")).to_be_visible()
    assert_fits(page)
    if path.startswith("article"):
        screenshot(page, "404")


# -- trends -----------------------------------------------------------------------------------


def test_trends_cover_the_data_by_default_and_bars_open_the_search(
    service: Service, page: Page
) -> None:
    page.goto(f"{service.url}trends?{urlencode({'q': '钱塘'})}")
    expect(page.locator(".error")).to_have_count(0)
    heading = page.locator("#trend-heading")
    expect(heading).to_contain_text("Articles mentioning 「钱塘」")
    api = service.get_json("/api/search?" + urlencode({"q": "钱塘", "per_page": 100}))
    total = int(page.locator("#total").inner_text())
    assert total == api["total"] > 0  # no dates given: every match is in the range
    expect(page.locator("#range-note")).to_contain_text("covers every stored article")
    chart = visible_chart(page)
    assert_axes_in_place(chart)
    bars = chart.locator("rect.bar")
    assert sum(int(b.get_attribute("data-count")) for b in bars.all()) == total
    expect(page.locator("details.chart-data table tbody tr").first).to_be_attached()
    assert_fits(page)
    screenshot(page, "trends")

    bar = bars.first
    count, source = int(bar.get_attribute("data-count")), bar.get_attribute("data-source")
    with page.expect_navigation():
        bar.click()
    query = parse_qs(urlsplit(page.url).query)
    assert page.url.startswith(service.url + "search?") and query["source"] == [source]
    assert query["q"] == ["钱塘"] and query["since"][0] <= query["until"][0]
    expect(page.locator("p#count")).to_contain_text(f"{count} articles")


def test_trends_without_matches_in_range_say_where_the_data_is(
    service: Service, page: Page
) -> None:
    empty_range = {"q": "钱塘", "since": "2000-01-01", "until": "2000-02-01"}
    page.goto(f"{service.url}trends?{urlencode(empty_range)}")
    elsewhere = page.locator("#elsewhere")
    expect(elsewhere).to_contain_text("No articles mentioning 「钱塘」 in this range")
    expect(visible_chart(page).locator("text.empty")).to_have_count(1)
    with page.expect_navigation():
        elsewhere.get_by_role("link", name="show that range").click()
    assert int(page.locator("#total").inner_text()) > 0
    assert_fits(page)


def test_trend_bars_over_years_are_wide_enough_to_see(service: Service, page: Page) -> None:
    query = urlencode({"q": "钱塘", "since": "2019-01-01", "until": "2026-12-31"})
    page.goto(f"{service.url}trends?{query}")
    expect(page.locator("#trend-heading")).to_contain_text("2019-01-01 – 2026-12-31")
    bars = visible_chart(page).locator("rect.bar")
    assert bars.count() >= 1
    for bar in bars.all():
        box = bar.bounding_box()
        assert box and box["width"] >= 2, f"a bar {box and box['width']:.2f} px wide"
    assert_fits(page)


def test_service_stops_on_sigterm(service: Service) -> None:
    code, seconds = serving.stop(service.process)
    assert code == 0 and seconds < 15, service.tail()
