"""Shared fixtures: the replica sites, spiders built as Scrapy builds them, a clean environment.

Saved-page tests read the replica through ``Mirror.answer``: the same bytes and headers the
HTTP server sends, so a parse test and a real crawl see identical input.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.seeds import load_sources
from crawler.spiderloader import spider_class
from tidewatch.config import REPO_ROOT, Config
from tidewatch.mirror import Mirror, MirrorServer

TESTS = Path(__file__).parent
REPLICA = TESTS / "replica"
EXPECTED = TESTS / "fixtures" / "expected"
SEEDS = REPO_ROOT / "seeds"
SIGNING_SALT = "replica-test-salt"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test depends on the developer's TIDEWATCH_* variables."""
    for name in list(os.environ):
        if name.startswith("TIDEWATCH_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def mirror() -> Mirror:
    return Mirror(REPLICA)


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


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data")


@pytest.fixture
def replica_copy(tmp_path: Path) -> Path:
    """A private copy of the replica that a test may edit (an article changes, a page breaks)."""
    root = tmp_path / "replica"
    shutil.copytree(REPLICA, root)
    return root


@pytest.fixture
def replica_server(replica_copy: Path) -> MirrorServer:
    with MirrorServer(replica_copy, signing_salt=SIGNING_SALT) as server:
        yield server


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
