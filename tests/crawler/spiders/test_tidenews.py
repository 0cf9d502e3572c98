"""潮新闻: signed API discovery, paging by sort_number, envelope errors, the API fallback."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from support import REPLICA, SIGNING_SALT, make_spider, replica_response

from crawler.signing import zjol_signature
from tidewatch.mirror import Mirror

LIST = "https://app-api.zjol.com.cn/api/article/channel_list?channel_id=5d8b4d25cf8dfd0001a4143c"
SALT_ENV = "TIDEWATCH_TIDENEWS_SALT"


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_channel_list_yields_articles_with_their_channel() -> None:
    spider = make_spider("tidenews")
    results = list(spider.parse_channel_list(replica_response(LIST)))
    articles = [r for r in results if r.meta.get("article_url")]
    assert [query(r.url)["id"] for r in articles] == [
        "3464706",
        "3420434",
        "69db7c9238547700016fac51",
        "3095412",
        "3041187",
    ]
    assert {r.meta["listing"]["channel"] for r in articles} == {"杭州"}


def test_next_list_page_starts_after_the_last_sort_number() -> None:
    spider = make_spider("tidenews")
    first = json.loads(replica_response(LIST).text)["data"]["article_list"]
    (nxt,) = [
        r for r in spider.parse_channel_list(replica_response(LIST)) if r.meta.get("api_page")
    ]
    params = query(nxt.url)
    assert params["start"] == str(first[-1]["sort_number"])
    assert params["list_count"] == str(spider.api.page_size) and params["channel_id"]
    assert nxt.meta["api_page"] == 2


def test_paging_stops_at_an_empty_list() -> None:
    spider = make_spider("tidenews")
    page_3 = LIST + "&start=1741427172000"
    assert list(spider.parse_channel_list(replica_response(page_3))) == []


def test_error_envelope_is_counted_with_its_code() -> None:
    spider = make_spider("tidenews")
    url = "https://app-api.zjol.com.cn/api/article/detail?id=3040001"
    response = replica_response(url, {"for_article": "x", "validators": {}})
    assert list(spider.parse_detail(response)) == []  # no page body either: nothing to store
    stats = spider.crawler.stats
    assert stats.get_value("tidewatch/errors/api_error") == 1
    assert stats.get_value("tidewatch/errors/unextracted") == 1
    assert "code 40004" in stats.get_value("tidewatch/last_error")


def test_js_shell_page_falls_back_to_the_api_detail() -> None:
    spider = make_spider("tidenews")
    url = "https://tidenews.com.cn/news.html?id=3095412"
    (request,) = spider.parse_article(replica_response(url, {"article_url": url}))
    assert isinstance(request, Request)
    assert request.url == "https://app-api.zjol.com.cn/api/article/detail?id=3095412"
    assert request.meta["for_article"] == url
    (article,) = spider.parse_detail(replica_response(request.url, request.meta))
    assert article.url == url
    fields = ("title", "published_at", "origin", "authors", "body", "images", "channel")
    assert {article.extraction[f] for f in fields} == {"api:detail"}
    assert article.extraction["editor"] == "missing"  # neither the shell nor the API has one


def test_chaoming_post_date_comes_from_its_object_id() -> None:
    url = "https://tidenews.com.cn/tmh_news.html?id=69db7c9238547700016fac51"
    (article,) = make_spider("tidenews").parse_article(replica_response(url, {"article_url": url}))
    assert article.extraction["published_at"] == "url:object-id"
    assert article.published_at.isoformat() == "2026-04-12T19:05:54+08:00"


def test_api_requests_are_signed_with_the_salt_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SALT_ENV, SIGNING_SALT)
    request = make_spider("tidenews").entry_request(LIST)
    headers = {k.decode().upper(): v[0].decode() for k, v in request.headers.items()}
    expected = zjol_signature(
        "/api/article/channel_list",
        headers["X-SESSION-ID"],
        headers["X-REQUEST-ID"],
        headers["X-TIMESTAMP"],
        SIGNING_SALT,
    )
    assert headers["X-SIGNATURE"] == expected
    assert headers["USER-AGENT"].startswith("zjolapp;")
    # and the replica API, which checks signatures like the real one, accepts it
    target = urlsplit(LIST).path + "?" + urlsplit(LIST).query
    answer = Mirror(REPLICA, SIGNING_SALT).answer("app-api.zjol.com.cn", target, headers)
    assert json.loads(answer.body)["code"] == 0


def test_without_a_salt_requests_go_unsigned_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spider = make_spider("tidenews")
    assert b"X-SIGNATURE" not in spider.entry_request(LIST).headers
    assert SALT_ENV in caplog.text
    assert SIGNING_SALT not in caplog.text


def test_a_js_shell_goes_to_the_api_without_a_generic_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page whose text is all drawn by JavaScript has nothing to extract: the generic
    extractor is not run (it would be thrown away), the site's API is asked instead."""

    def no_generic(*args: object, **kwargs: object) -> None:
        raise AssertionError("the generic extractor ran on a script shell")

    monkeypatch.setattr("crawler.spiders.html.generic", no_generic)
    url = "https://tidenews.com.cn/news.html?id=3095412"
    spider = make_spider("tidenews")
    (result,) = spider.parse_article(replica_response(url, {"article_url": url}))
    assert isinstance(result, Request) and "/api/article/detail" in result.url
    assert spider.crawler.stats.get_value("tidewatch/pages/script_shell") == 1


HOSTILE = "https://app-api.zjol.com.cn/api/article/channel_list?channel_id="


@pytest.mark.parametrize(
    ("channel", "errors", "problem"),
    [
        ("hostile_data_list", 1, "data"),
        ("hostile_string_list", 1, "article_list"),
        ("hostile_deep", 1, "nested too deeply"),
        ("hostile_items", 4, "article_list[3]: published_at"),
    ],
)
def test_wrongly_shaped_channel_lists_are_api_errors(
    channel: str, errors: int, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    spider = make_spider("tidenews")
    requests = list(spider.parse_channel_list(replica_response(HOSTILE + channel)))
    assert spider.crawler.stats.get_value("tidewatch/errors/api_error") == errors
    assert problem in caplog.text and HOSTILE + channel in caplog.text
    if channel == "hostile_items":  # the one good item of five is still followed
        articles = [r.url for r in requests if r.meta.get("article_url")]
        assert articles == ["https://tidenews.com.cn/news.html?id=3041187"]
