"""The fallback chain: drifted layouts, API errors, missing fields, pages with no body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from support import REPLICA, crawl_offline, make_spider, replica_response

from crawler.spiders.tidenews import ApiError, api_data
from model.article import Precision

RENAMED = "http://www.xsnet.cn/news/szjj/2019_1/3025310.shtml"  # .xs_content → .xs_article
TOPIC_LINE = "http://www.xsnet.cn/2019_subject/bjxsd/hsdhz/3132090.shtml"
NO_TIME = "https://tidenews.com.cn/news.html?id=3470003"  # unfamiliar classes, no time shown


def parse(source: str, url: str) -> tuple[list[object], object]:
    spider = make_spider(source)
    return list(spider.parse_article(replica_response(url, {"article_url": url}))), spider


def test_a_renamed_body_class_is_drift_counted_per_selector() -> None:
    (article,), spider = parse("xsnet", RENAMED)
    stats = spider.crawler.stats
    assert stats.get_value("tidewatch/selector_miss/body/.xs_content") == 1
    assert article.extraction["body"].startswith("generic:")
    assert article.body.startswith("本报讯（记者 洪凯 通讯员 王敏）")  # the lead stays
    assert (article.authors, article.contributors) == (["洪凯"], ["王敏"])


def forbid_generic(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Make the generic extractor fail the test if it runs."""

    def no_generic(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"generic extraction ran {where}")

    monkeypatch.setattr("crawler.spiders.html.generic", no_generic)


def test_a_page_the_selectors_read_whole_has_no_drift_and_no_generic_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_generic(monkeypatch, "on a page the selectors read whole")
    (article,), spider = parse("xsnet", "http://www.xsnet.cn/news/szjj/2019_1/3025270.shtml")
    assert not [k for k in spider.crawler.stats.get_stats() if "selector_miss" in k]
    assert article.extraction["body"] == "css:.xs_content"


def test_time_and_source_on_one_info_line() -> None:
    (article,), spider = parse("xsnet", TOPIC_LINE)
    assert article.published_at.isoformat() == "2019-10-08T09:30:00+08:00"
    assert article.origin == "萧山日报"
    assert spider.crawler.stats.get_value("tidewatch/selector_miss/origin/.confrom | .info") == 1


def test_an_api_error_keeps_what_the_page_gave() -> None:
    spider = make_spider("tidenews")
    (request,) = spider.parse_article(replica_response(NO_TIME, {"article_url": NO_TIME}))
    assert isinstance(request, Request) and "detail?id=3470003" in request.url
    (article,) = spider.parse_detail(replica_response(request.url, request.meta))
    assert spider.crawler.stats.get_value("tidewatch/errors/api_error") == 1  # code 10010
    assert article.title == "萧山机场三期新航站楼启用 首日保障航班超500架次"
    assert article.body.startswith("6月19日，杭州萧山国际机场")
    assert (article.authors, article.contributors) == (["方力"], ["韩雪"])
    assert article.published_precision is Precision.UNKNOWN  # first seen, not invented
    assert article.extraction["published_at"] == "missing"
    assert spider.crawler.stats.get_value("tidewatch/missing/published_at") == 1


def test_a_page_without_a_title_takes_its_first_sentence(tmp_path: Path) -> None:
    spider = make_spider("xsnet")
    url = "http://www.xsnet.cn/news/szjj/2019_1/3025320.shtml"
    response = replica_response(url, {"article_url": url})
    html = response.text.replace('<h1 class="con_title">萧山发布首批数字经济重点项目</h1>', "")
    html = html.replace("<title>萧山发布首批数字经济重点项目_时政经济_萧山网</title>", "")
    (article,) = spider.parse_article(response.replace(body=html.encode("gb18030")))
    assert (
        article.title
        == "昨日，萧山区发布首批数字经济重点项目清单，共有28个项目入选，总投资超过120亿元"
    )
    assert article.extraction["title"] == "body:first-sentence"


def test_an_unextracted_page_is_forgotten_once_it_extracts() -> None:
    url = "http://www.xsnet.cn/news/shms/2019_1/3025303.shtml"
    spider = make_spider("xsnet")
    assert list(spider.parse_article(replica_response(url, {"article_url": url}))) == []
    assert spider.unextracted.count("xsnet") == 1
    fixed = replica_response("http://www.xsnet.cn/news/szjj/2019_1/3025270.shtml")
    (article,) = make_spider("xsnet").parse_article(
        fixed.replace(url=url, request=Request(url, meta={"article_url": url}))
    )
    assert article.url == url
    assert spider.unextracted.count("xsnet") == 0


def test_a_script_shell_with_a_failing_api_is_remembered() -> None:
    url = "https://tidenews.com.cn/news.html?id=3470002"
    pages = crawl_offline(spider := make_spider("tidenews"), [url])
    assert pages == {}
    (page,) = spider.unextracted.pages("tidenews")
    assert page["url"] == url and "code 10010" in page["reason"]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"code": 0, "data": [1, 2]}, "data"),
        ({"code": 10010, "message": "busy", "data": None}, "code 10010"),
        ([1, 2, 3], "not an object"),
        ({"code": "zero", "data": {}}, "code"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{'code': 0}", "not JSON"),
    ],
)
def test_bad_api_answers_are_api_errors(answer: object, problem: str) -> None:
    body = answer if isinstance(answer, str) else json.dumps(answer)
    with pytest.raises(ApiError, match=problem):
        api_data(body.encode())


def test_an_oversized_api_answer_is_refused_before_parsing() -> None:
    with pytest.raises(ApiError, match="over"):
        api_data(b'{"code": 0, "data": {"x": "' + b"a" * (5 * 2**20) + b'"}}')


def test_the_replica_api_answers_validate() -> None:
    for path in (REPLICA / "app-api.zjol.com.cn" / "api" / "detail").glob("30*.json"):
        body = path.read_bytes()
        if json.loads(body)["code"] == 0:
            assert "article" in api_data(body)


NO_ENPPROPERTY = "https://xsrb.xsnet.cn/html/2026-03/18/content_79496_19374631.htm"


def test_an_epaper_page_without_its_comment_is_dated_by_its_edition_without_a_generic_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_generic(monkeypatch, "for a date the URL gives")
    (article,), _ = parse("xsrb", NO_ENPPROPERTY)
    assert article.extraction["published_at"] == "url:edition-date"
    assert article.published_at.isoformat() == "2026-03-18T00:00:00+08:00"
    assert article.published_precision is Precision.DAY
