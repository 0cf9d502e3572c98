"""A digest as a person sees it: rendered by headless Chromium (Debian's ``chromium``) to PNG
screenshots at a mail client's reading-pane width and at a phone's, then checked for what is
visible — headings, titles, highlights, links — down to the pixels of the screenshots.

The HTML and the screenshots are kept in ``test-artifacts/`` (git-ignored) for a person to
look at after a run.
"""

from __future__ import annotations

import base64
import shutil
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mailsink import fill_store
from playwright.sync_api import Page, expect
from support import ARTIFACTS, assert_chinese_glyphs_render, system_chromium

from alerts.service import Alerts
from tidewatch.config import Config

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

KEYWORDS = ("钱塘", "数字经济", "新型工业化")
SEED_TITLES = {
    "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml": "萧山:创新发展行动 加快新旧动能转换",
    "https://tidenews.com.cn/news.html?id=3041187": (
        "如何冲向5000亿?杭州钱塘的这场发展大会上,用“新”回答"
    ),
}
# a desktop mail client, and a phone
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def digest(alerts_config: Config, tmp_path: Path) -> tuple[Path, str]:
    """The real digest for the newsroom subscriber: its HTML part as a file, and its subject."""
    store = fill_store(alerts_config)
    alerts = Alerts(alerts_config, store)
    try:
        alerts.match_new_articles()
        (report,) = alerts.send_due(dry_run=True)
    finally:
        alerts.close()
        store.close()
    path = tmp_path / "digest.html"
    path.write_text(report.rendered.html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(path, ARTIFACTS / "digest.html")
    return path, report.subject


@contextmanager
def chromium_page(width: int, height: int) -> Iterator[Page]:
    with system_chromium() as browser:
        yield browser.new_page(viewport={"width": width, "height": height})


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_digest_reads_as_intended_in_chromium(
    viewport: str, digest: tuple[Path, str], alerts_config: Config
) -> None:
    html, subject = digest
    width, height = VIEWPORTS[viewport]
    screenshot = ARTIFACTS / f"digest-{viewport}-{width}px.png"
    screenshot.unlink(missing_ok=True)
    with chromium_page(width, height) as page:
        page.goto(html.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")

        assert_chinese_glyphs_render(page, font_of="a.title")
        assert page.title() == subject
        expect(page.locator("h1")).to_have_text(subject.removeprefix("【Tidewatch】"))
        expect(page.locator("h1")).to_be_visible()
        expect(page.get_by_text("萧山新闻编辑部，您好：")).to_be_visible()

        headings = page.locator("h2.rule")
        expect(headings).to_have_count(len(KEYWORDS))
        for heading, keyword in zip(headings.all(), KEYWORDS, strict=True):
            expect(heading).to_be_visible()
            assert heading.inner_text().split()[0] == keyword

        for url, title in SEED_TITLES.items():
            links = page.locator("a.title").filter(has_text=title)
            assert links.count() >= 1, f"{title!r} is not in the digest"
            for link in links.all():
                expect(link).to_be_visible()
                expect(link).to_have_text(title)
                expect(link).to_have_attribute("href", url)

        for link in page.locator("a.title").all():  # titles look like links
            style = link.evaluate("e => getComputedStyle(e).textDecorationLine")
            assert "underline" in style
        opens = page.locator("a.open")
        assert opens.count() == page.locator("a.title").count()
        assert opens.first.get_attribute("href").startswith(alerts_config.public_url + "/article/")
        expect(page.locator(".when").first).to_contain_text("+08:00")
        expect(page.locator("a.preferences")).to_be_visible()

        unsubscribe = page.locator("a.unsubscribe")
        expect(unsubscribe).to_be_visible()
        expect(unsubscribe).to_have_text("退订这些提醒")
        assert unsubscribe.get_attribute("href").startswith(alerts_config.public_url + "/")

        layout = page.evaluate(LAYOUT_JS)
        scroll_width = layout["scrollWidth"]
        assert scroll_width <= width + 1, f"{scroll_width}px wide: the page scrolls sideways"
        for box in layout["titles"]:
            assert box["width"] > 0 and box["height"] > 0, box
            assert box["left"] >= 0 and box["right"] <= width + 1, f"title cut off: {box}"

        hits = layout["hits"]
        assert {hit["text"] for hit in hits} == set(KEYWORDS)
        for hit, locator in zip(hits, page.locator(".hit").all(), strict=True):
            expect(locator).to_be_visible()
            assert hit["text"] in KEYWORDS, hit
            assert hit["background"][3] > 0, f"highlight without a background: {hit}"
            assert hit["background"] != hit["behind"], f"highlight invisible on its row: {hit}"
            assert hit["background"] != layout["pageBackground"], hit
            assert contrast(hit["colour"], hit["background"]) >= 4.5, f"hard to read: {hit}"

        page.screenshot(path=screenshot, full_page=True)
        png = screenshot.read_bytes()
        assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
        png_width, png_height = struct.unpack(">II", png[16:24])
        assert png_width == width
        assert png_height == max(layout["scrollHeight"], height)

        pixels = decoded_pixels(page, png, hits, layout["pageBackground"])
    # not blank: text in many anti-aliased shades, and little of the page is bare background
    assert pixels["colours"] > 100, f"a blank screenshot: {pixels['colours']} colours"
    assert pixels["share_of_page_background"] < 0.9, "the screenshot is mostly bare background"
    for hit, yellow in zip(hits, pixels["highlight_share"], strict=True):
        assert yellow > 0.15, f"highlight {hit} not visible in the screenshot ({yellow:.0%})"


LAYOUT_JS = """() => {
    const rgba = colour => {
        const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
        return [r, g, b, a];
    };
    const behind = el => {
        for (let e = el.parentElement; e; e = e.parentElement) {
            const c = rgba(getComputedStyle(e).backgroundColor);
            if (c[3] > 0) return c;
        }
        return [255, 255, 255, 1];
    };
    const page = r => ({left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX,
                        bottom: r.bottom + scrollY, width: r.width, height: r.height});
    const box = el => page(el.getBoundingClientRect());
    return {
        scrollWidth: document.scrollingElement.scrollWidth,
        scrollHeight: document.scrollingElement.scrollHeight,
        pageBackground: rgba(getComputedStyle(document.body).backgroundColor),
        titles: [...document.querySelectorAll('a.title')].map(box),
        hits: [...document.querySelectorAll('.hit')].map(el => ({
            text: el.innerText, lines: [...el.getClientRects()].map(page),
            colour: rgba(getComputedStyle(el).color),
            background: rgba(getComputedStyle(el).backgroundColor), behind: behind(el),
        })),
    };
}"""


def contrast(foreground: list[float], background: list[float]) -> float:
    """WCAG contrast ratio of two opaque colours (4.5 is the minimum for body text)."""

    def luminance(colour: list[float]) -> float:
        channels = [c / 255 for c in colour[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def decoded_pixels(page: Page, png: bytes, hits: list[dict], page_background: list) -> dict:
    """The screenshot decoded by the browser: how many colours, how much bare page background,
    and for each highlight the share of its box painted in its background colour."""
    page.set_content("<canvas></canvas>")
    return page.evaluate(
        """async ([data, hits, background]) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + data;
        await image.decode();
        const canvas = document.querySelector('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const g = canvas.getContext('2d');
        g.drawImage(image, 0, 0);
        const px = g.getImageData(0, 0, image.width, image.height).data;
        const colours = new Set();
        let bare = 0;
        for (let i = 0; i < px.length; i += 4) {
            colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            if (px[i] === background[0] && px[i + 1] === background[1]
                && px[i + 2] === background[2]) bare++;
        }
        const share = ({lines, background: [r, g2, b]}) => {
            let inside = 0, painted = 0;
            for (const box of lines) {  // a highlight may wrap: one box per line
                for (let y = Math.ceil(box.top); y < Math.floor(box.bottom); y++) {
                    for (let x = Math.ceil(box.left); x < Math.floor(box.right); x++) {
                        const i = (y * image.width + x) * 4;
                        inside++;
                        if (px[i] === r && px[i + 1] === g2 && px[i + 2] === b) painted++;
                    }
                }
            }
            return inside ? painted / inside : 0;
        };
        return {
            colours: colours.size,
            share_of_page_background: bare / (px.length / 4),
            highlight_share: hits.map(share),
        };
    }""",
        [base64.b64encode(png).decode(), hits, page_background],
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("which", ["preferences", "unsubscribe"])
def test_preferences_and_unsubscribe_pages_fit_the_screen(
    viewport: str, which: str, alerts_config: Config, tmp_path: Path
) -> None:
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from alerts.ledger import Ledger
    from alerts.unsubscribe import UnsubscribeApp, load_secret, make_token

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    store = fill_store(alerts_config, ("xsnet",))
    Alerts(alerts_config, store).close()  # the subscriber's rules, for the page
    store.close()
    ledger = Ledger(alerts_config.ledger_path)
    secret = load_secret(alerts_config)
    server = make_server("127.0.0.1", 0, UnsubscribeApp(ledger, secret), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    width, height = VIEWPORTS[viewport]
    token = make_token(secret, "editor@newsroom.example.com", which)
    try:
        with chromium_page(width, height) as page:
            page.goto(f"http://127.0.0.1:{server.server_port}/{which}?token={token}")
            expect(page.locator("h1")).to_be_visible()
            for button in page.locator("button").all():
                expect(button).to_be_visible()
                box = button.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
            if which == "preferences":
                expect(page.locator("ul.rules li")).to_have_count(3)
                page.locator("li.rule", has_text="数字经济").get_by_role("button").click()
                expect(page.locator(".saved")).to_be_visible()
                expect(page.locator("li.dropped")).to_have_count(1)
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            assert scroll_width <= width + 1, f"{scroll_width}px wide on a {width}px screen"
            page.screenshot(path=ARTIFACTS / f"{which}-{viewport}-{width}px.png", full_page=True)
    finally:
        server.shutdown()
        server.server_close()
        ledger.close()
    if which == "preferences":
        ledger = Ledger(alerts_config.ledger_path)
        assert ledger.preferences("editor@newsroom.example.com").dropped == ("数字经济",)
        ledger.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_update_digest_shows_what_changed(
    viewport: str, alerts_config: Config, tmp_path: Path
) -> None:
    import dataclasses
    from datetime import datetime

    from model.article import Article

    store = fill_store(alerts_config, ("xsnet",))
    alerts = Alerts(alerts_config, store)
    try:
        alerts.match_new_articles()
        alerts.send_due()  # the first digest, to the test SMTP server
        seed = next(a for a in store.articles() if a.url in SEED_TITLES)
        fields = {f.name for f in dataclasses.fields(Article)} & set(seed.export())
        values = {name: seed.export()[name] for name in fields}
        values["published_at"] = datetime.fromisoformat(seed.published_at)
        values["body"] = seed.body + "\n萧山与钱塘两地签订协议，将共建跨江产业园。"
        store.upsert(Article(**values))
        alerts.match_new_articles()
        (report,) = alerts.send_due(dry_run=True)
    finally:
        alerts.close()
        store.close()
    assert report.subject == "【Tidewatch】1 篇更新：钱塘"
    html = tmp_path / "update.html"
    html.write_text(report.rendered.html, encoding="utf-8")
    width, height = VIEWPORTS[viewport]
    with chromium_page(width, height) as page:
        page.goto(html.as_uri())
        expect(page.locator(".badge")).to_have_text("已更新")
        expect(page.locator(".changed-label")).to_have_text("更新的段落")
        expect(page.locator(".snippet.changed")).to_contain_text("萧山与钱塘两地签订协议")
        expect(page.locator(".updated-at")).to_contain_text("+08:00")
        expect(page.get_by_text("以下文章有更新，更新后的内容与您的关键词匹配。")).to_be_visible()
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= width + 1, f"{scroll_width}px wide on a {width}px screen"
        page.screenshot(path=ARTIFACTS / f"update-{viewport}-{width}px.png", full_page=True)
