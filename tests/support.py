"""Test helpers shared by every test folder: the replica, expected values, spiders offline.

Saved-page tests read the replica through ``Mirror.answer``: the same bytes and headers the
HTTP server sends, so a parse test and a real crawl see identical input. (Fixtures live in
conftest.py; plain helpers live here so that any test module can import them.)
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.seeds import load_sources
from crawler.spiderloader import spider_class
from model.article import Article
from store.query import parse
from store.textnorm import normalize
from tidewatch.config import REPO_ROOT, Config
from tidewatch.mirror import Mirror, MirrorServer

TESTS = Path(__file__).parent
REPLICA = TESTS / "replica"
EXPECTED = TESTS / "fixtures" / "expected"
SEEDS = REPO_ROOT / "seeds"
SIGNING_SALT = "replica-test-salt"
ARTIFACTS = REPO_ROOT / "test-artifacts"  # screenshots CI keeps
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; a test tool's own browser download fails here
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # no attempts to reach the (closed) internet
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def replica_response(url: str, meta: dict[str, Any] | None = None) -> Response:
    """The response a crawl gets for ``url`` (canonical), read from the replica files."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    answer = Mirror(REPLICA).answer(parts.hostname or "", target)
    content_type = answer.headers.get("Content-Type", "")
    cls = HtmlResponse if "html" in content_type else TextResponse
    return cls(
        url=url,
        status=answer.status,
        headers=answer.headers,
        body=answer.body,
        request=Request(url, meta=meta or {}),
    )


def expected(host: str, stem: str) -> dict[str, Any]:
    return json.loads((EXPECTED / host / f"{stem}.json").read_text(encoding="utf-8"))


SOURCE_OF_HOST = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}


def expected_article(host: str, stem: str, **changes: Any) -> Article:
    """The Article a spider makes of a replica page, built from its expected-value file."""
    data = expected(host, stem)
    made = Article(
        url=data["url"],
        source=SOURCE_OF_HOST[host],
        title=data["title"],
        published_at=datetime.fromisoformat(data["published_at"]),
        body="\n".join(data["body"]),
        channel=data["channel"],
        origin=data["origin"],
        authors=data["authors"],
        contributors=data["contributors"],
        editor=data["editor"],
        images=data["images"],
    )
    return dataclasses.replace(made, **changes)


def expected_cases(host: str) -> list[str]:
    return sorted(p.stem for p in (EXPECTED / host).glob("*.json"))


def make_spider(name: str, config: Config | None = None, **arguments: Any) -> Spider:
    """A spider for a seeds source, built through a real (unstarted) Scrapy crawler."""
    cls = spider_class(load_sources(SEEDS)[name])
    settings = {"TIDEWATCH_CONFIG": config or Config(), "LOG_LEVEL": "WARNING"}
    crawler = get_crawler(cls, settings)
    spider = cls.from_crawler(crawler, **arguments)
    crawler.spider = spider
    return spider


def crawl_offline(spider: Spider, start_urls: list[str]) -> dict[str, Any]:
    """Run a spider's callbacks over the replica without a network or a reactor.

    Follows every request the spider yields (list pages, articles, API fallbacks) once, as
    Scrapy's dupefilter would, skipping non-200 answers as HttpErrorMiddleware would.
    Returns the items by URL.
    """
    pending = [spider.entry_request(url) for url in start_urls]
    seen: set[str] = set()
    items: dict[str, Any] = {}
    while pending:
        request = pending.pop(0)
        if request is None or request.url in seen:
            continue
        seen.add(request.url)
        response = replica_response(request.url, request.meta)
        if response.status != 200:
            continue
        for result in request.callback(response) or ():
            if isinstance(result, Request):
                pending.append(result)
            else:
                items[result.url] = result
    return items


def tidewatch_env(server: MirrorServer, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `tidewatch` process that sees the replica instead of the web."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    return env | {
        "TIDEWATCH_HOST_MAP": server.host_map(),
        "TIDEWATCH_DATA_DIR": str(data_dir),
        "TIDEWATCH_DOWNLOAD_DELAY": "0",
        "TIDEWATCH_TIDENEWS_SALT": SIGNING_SALT,
        **extra,
    }


def run_tidewatch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`tidewatch ARGS…` as a real process; fails the test if it exits non-zero."""
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"tidewatch {' '.join(args)}:\n{done.stderr[-3000:]}"
    return done


CHROMIUM_INSTALL = "apt-get install chromium fonts-wqy-microhei"


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None. A fresh machine skips them with the
    install command; CI (``CI`` set) must run them, so there a missing browser fails."""
    if CHROMIUM.exists():
        return None
    return f"{CHROMIUM} is missing: install it with `{CHROMIUM_INSTALL}`"


@contextmanager
def system_chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright. Skips when it is missing, except under CI,
    where a skipped browser test would hide a broken page: there it fails."""
    missing = chromium_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (CI is set: browser tests must run)")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def assert_chinese_glyphs_render(page: Page, font_of: str = "body") -> None:
    """Every Chinese character on the page is drawn as itself, in the font of ``font_of``,
    not as the missing-glyph box (what a machine without a Chinese font shows)."""
    missing = page.evaluate(
        """selector => {
        const font = '32px ' + getComputedStyle(document.querySelector(selector)).fontFamily;
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 48;
        const g = canvas.getContext('2d', {willReadFrequently: true});
        const draw = ch => {
            g.clearRect(0, 0, 48, 48);
            g.font = font;
            g.fillText(ch, 4, 38);
            return g.getImageData(0, 0, 48, 48).data.join();
        };
        const box = draw('\\u{10FFFD}');  // a private-use character: no font has it
        const chars = new Set(document.body.innerText.match(/\\p{Script=Han}/gu));
        return [...chars].filter(ch => draw(ch) === box);
    }""",
        font_of,
    )
    assert not missing, (
        f"{len(missing)} Chinese characters render as empty boxes ({''.join(missing[:20])}…): "
        "no Chinese font is installed; run `apt-get install fonts-wqy-microhei` (.ci/run does this)"
    )


def truth(text: str, made: list[Article], **filters: object) -> list[Article]:
    """The exact matches, decided here from the articles as written, newest first."""
    query = parse(text)
    since, until = filters.get("since"), filters.get("until")
    return sorted(
        (
            a
            for a in made
            if query.matches_text(normalize(a.title), normalize(a.body))
            and filters.get("source") in (None, a.source)
            and filters.get("channel") in (None, a.channel)
            and (since is None or a.published_at >= since)
            and (until is None or a.published_at < until)
        ),
        key=lambda a: a.published_at,
        reverse=True,
    )
