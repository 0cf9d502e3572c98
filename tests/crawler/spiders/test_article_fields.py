"""Every field of every replica article, per source: one small test per field.

Expected values live in tests/fixtures/expected/<host>/<page>.json, written from the pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import crawl_offline, expected, expected_cases, make_spider

from model.article import Article

# Where each source's articles are discovered in the replica; the layout variants (a 专题
# info line, a renamed body class, unfamiliar 潮新闻 classes, a 潮鸣号 account elsewhere) are
# linked from no listing and fetched by URL.
ENTRY_POINTS = {
    "xsnet": [
        "http://www.xsnet.cn/news/szjj/",
        "http://www.xsnet.cn/news/shms/",
        "http://www.xsnet.cn/2019_subject/bjxsd/hsdhz/3132090.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025310.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025320.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025330.shtml",  # the con_edit block renamed
    ],
    "xsrb": [
        "https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm",
        "https://xsrb.xsnet.cn/html/2026-03/18/content_79496_19374631.htm",  # no enpproperty
    ],
    "tidenews": [
        "https://app-api.zjol.com.cn/api/article/channel_list?channel_id=5d8b4d25cf8dfd0001a4143c",
        "https://tidenews.com.cn/news.html?id=3470001",
        "https://tidenews.com.cn/tmh_news.html?id=6a5dc07af2c7840001941a2c",
    ],
}
HOSTS = {"xsnet": "www.xsnet.cn", "xsrb": "xsrb.xsnet.cn", "tidenews": "tidenews.com.cn"}
CASES = [(source, stem) for source, host in HOSTS.items() for stem in expected_cases(host)]
BOILERPLATE = (
    "相关新闻",
    "版权声明",
    "图片新闻",
    "头条推荐",
    "视频推荐",
    "热门资讯",
    "相关内容",
    "转载请注明出处",
    "上一篇",
    "下一篇",
    "版权所有",
)


@pytest.fixture(scope="module")
def crawled() -> dict[str, dict[str, Article]]:
    return {
        source: crawl_offline(make_spider(source), urls) for source, urls in ENTRY_POINTS.items()
    }


@pytest.fixture(params=CASES, ids=[f"{s}:{stem}" for s, stem in CASES])
def case(request: pytest.FixtureRequest, crawled: dict[str, dict[str, Article]]) -> Any:
    source, stem = request.param
    want = expected(HOSTS[source], stem)
    assert want["url"] in crawled[source], f"{want['url']} was not crawled"
    return crawled[source][want["url"]], want


def test_title(case: Any) -> None:
    article, want = case
    assert article.title == want["title"]


def test_published_at(case: Any) -> None:
    article, want = case
    assert article.published_at.isoformat() == want["published_at"]


def test_published_precision(case: Any) -> None:
    article, want = case
    assert article.published_precision == want["published_precision"]


def test_origin(case: Any) -> None:
    article, want = case
    assert article.origin == want["origin"]


def test_authors(case: Any) -> None:
    article, want = case
    assert article.authors == want["authors"]


def test_contributors(case: Any) -> None:
    article, want = case
    assert article.contributors == want["contributors"]


def test_editor(case: Any) -> None:
    article, want = case
    assert article.editor == want["editor"]


def test_channel(case: Any) -> None:
    article, want = case
    assert article.channel == want["channel"]


def test_body(case: Any) -> None:
    article, want = case
    assert article.body.split("\n") == want["body"]


def test_images(case: Any) -> None:
    article, want = case
    assert article.images == want["images"]


def test_body_has_no_boilerplate(case: Any) -> None:
    article, _ = case
    assert not [word for word in BOILERPLATE if word in article.body]


def test_every_field_records_its_method(case: Any) -> None:
    article, _ = case
    present = [f for f in ("title", "published_at", "body") if getattr(article, f)]
    assert set(present) <= set(article.extraction)
    assert "encoding" in article.extraction or article.extraction["body"] == "api:detail"


@pytest.mark.parametrize("source", HOSTS)
def test_source_and_canonical_urls(source: str, crawled: dict[str, dict[str, Article]]) -> None:
    for url, article in crawled[source].items():
        assert article.source == source
        assert article.url == url and "127.0.0.1" not in url
