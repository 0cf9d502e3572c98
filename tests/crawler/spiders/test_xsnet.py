"""萧山网 list pages, paging, and the pages that must not become articles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from scrapy import Request
from support import make_spider, replica_response

LIST_1 = "http://www.xsnet.cn/news/szjj/"
LIST_2 = "http://www.xsnet.cn/news/szjj/index_2.shtml"


def requests_from_list(url: str) -> list[Request]:
    spider = make_spider("xsnet")
    return list(spider.parse_list(replica_response(url)))


def test_list_page_yields_every_article_link_once() -> None:
    articles = [r.url for r in requests_from_list(LIST_1) if r.meta.get("article_url")]
    assert sorted(articles) == [
        "http://www.xsnet.cn/2019_subject/bjxsd/hsdhz/3132056.shtml",  # a sidebar link
        "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025270.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025281.shtml",
        "http://www.xsnet.cn/news/szjj/2019_1/3025295.shtml",
    ]


def test_list_page_follows_the_next_page_link() -> None:
    follow = [r.url for r in requests_from_list(LIST_1) if r.callback.__name__ == "parse_list"]
    assert follow == [LIST_2]


def test_last_list_page_has_no_next_page() -> None:
    follow = [r for r in requests_from_list(LIST_2) if r.callback.__name__ == "parse_list"]
    assert follow == []


def test_navigation_and_sidebar_links_are_not_articles() -> None:
    urls = [r.url for r in requests_from_list(LIST_1)]
    assert not [u for u in urls if u.rstrip("/").endswith(("xsnet.cn", "/news"))]


def test_list_page_budget_stops_paging() -> None:
    spider = make_spider("xsnet")
    spider._list_pages = spider.source.max_list_pages  # the budget is spent
    follow = [
        r
        for r in spider.parse_list(replica_response(LIST_1))
        if r and r.callback == spider.parse_list
    ]
    assert follow == []


async def collect(iterator: AsyncIterator[Request]) -> list[Request]:
    return [request async for request in iterator]


def test_url_argument_fetches_only_that_article() -> None:
    url = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml#comments"
    spider = make_spider("xsnet", url=[url])
    (request,) = asyncio.run(collect(spider.start()))
    assert request.url == url.split("#")[0]
    assert request.callback == spider.parse_article


def test_start_urls_default_to_the_seeds() -> None:
    spider = make_spider("xsnet")
    urls = [r.url for r in asyncio.run(collect(spider.start()))]
    assert urls == spider.source.start_urls


def test_start_url_argument_replaces_the_seeds() -> None:
    spider = make_spider("xsnet", start_url="http://www.xsnet.cn/news/shms/")
    urls = [r.url for r in asyncio.run(collect(spider.start()))]
    assert urls == ["http://www.xsnet.cn/news/shms/"]


def test_wrong_declared_charset_is_decoded_and_recorded() -> None:
    url = "http://www.xsnet.cn/news/shms/2019_1/3025305.shtml"
    spider = make_spider("xsnet")
    (article,) = spider.parse_article(replica_response(url, {"article_url": url}))
    assert article.extraction["encoding"] == "fallback:gb18030 (declared utf-8 is wrong)"
    assert spider.crawler.stats.get_value("tidewatch/warnings/charset") == 1


def test_missing_charset_page_is_read_as_gbk() -> None:
    url = "http://www.xsnet.cn/news/shms/2019_1/3025304.shtml"
    (article,) = make_spider("xsnet").parse_article(replica_response(url, {"article_url": url}))
    assert "钱塘新区" in article.body
    assert article.extraction["encoding"].endswith("gb18030")


def test_page_without_a_body_is_counted_and_remembered_not_stored() -> None:
    url = "http://www.xsnet.cn/news/shms/2019_1/3025303.shtml"
    spider = make_spider("xsnet")
    assert list(spider.parse_article(replica_response(url, {"article_url": url}))) == []
    stats = spider.crawler.stats
    assert stats.get_value("tidewatch/errors/unextracted") == 1
    assert "3025303" in stats.get_value("tidewatch/last_error")
    (page,) = spider.unextracted.pages("xsnet")
    assert page["url"] == url and "no recognisable body" in page["reason"]
    assert spider.unextracted.validators(url).etag  # for the conditional re-fetch


def test_special_topic_template_fields_come_from_their_own_labels() -> None:
    url = "http://www.xsnet.cn/2019_subject/bjxsd/hsdhz/3132056.shtml"
    (article,) = make_spider("xsnet").parse_article(replica_response(url, {"article_url": url}))
    assert article.extraction["origin"] == "css:.info"  # 内容来源, not 来源
    assert article.extraction["channel"] == "css:.position"
