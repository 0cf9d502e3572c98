"""萧山日报 e-paper (Founder layout): 版面 pages, and metadata from the enpproperty comment."""

from __future__ import annotations

from datetime import date

from support import make_spider, replica_response

from crawler.spiders.epaper import enp_properties

NODE_1 = "https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm"
CONTENT = "https://xsrb.xsnet.cn/html/2026-03/18/content_79495_19374621.htm"


def test_page_list_yields_its_articles_and_the_other_pages() -> None:
    spider = make_spider("xsrb")
    requests = list(spider.parse_list(replica_response(NODE_1)))
    articles = sorted(r.url for r in requests if r.meta.get("article_url"))
    pages = sorted(r.url for r in requests if r.callback == spider.parse_list)
    assert articles == [CONTENT, CONTENT.replace("19374621", "19374622")]
    assert pages == [NODE_1, NODE_1.replace("node_1", "node_2")]


def test_enpproperty_comment_is_read() -> None:
    props = enp_properties(replica_response(CONTENT).text)
    assert props["date"] == "2026-03-18"
    assert props["nodename"] == "第01版：要闻"
    assert props["author"] == "记者 沈佳颖 通讯员 周洁"


def test_fields_record_the_enpproperty_methods() -> None:
    (article,) = make_spider("xsrb").parse_article(
        replica_response(CONTENT, {"article_url": CONTENT})
    )
    assert article.extraction["published_at"] == "enpproperty:date"
    assert article.extraction["channel"] == "enpproperty:nodename"
    assert article.extraction["origin"] == "seeds:title"


def test_dated_start_urls_cover_today_and_yesterday() -> None:
    source = make_spider("xsrb").source
    assert source.entry_urls(date(2026, 3, 1)) == [
        "https://xsrb.xsnet.cn/html/2026-03/01/node_1.htm",
        "https://xsrb.xsnet.cn/html/2026-02/28/node_1.htm",
    ]
