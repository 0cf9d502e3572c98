"""The two real articles in shared/seeds/ come out of the crawler exactly as published."""

from __future__ import annotations

import pytest
from support import REPO_ROOT, crawl_offline, make_spider

SHARED_SEEDS = REPO_ROOT.parent / "shared" / "seeds"
SEEDS = {
    "xsnet": (
        "xiaoshan-2019-01-16-innovation.txt",
        "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml",
    ),
    "tidenews": (
        "chaonews-2025-03-09-qiantang.txt",
        "https://tidenews.com.cn/news.html?id=3041187",
    ),
}


def seed_lines(name: str) -> list[str]:
    path = SHARED_SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} not present (shared/ lives beside the repository)")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("source", SEEDS)
def test_seed_article_body_is_the_published_text(source: str) -> None:
    name, url = SEEDS[source]
    lines = seed_lines(name)
    article = crawl_offline(make_spider(source), [url])[url]
    body = article.body.split("\n")
    assert article.title in lines
    # every paragraph is a line of the real article, in the real order, none missing between
    start = lines.index(body[0])
    assert lines[start : start + len(body)] == body
    assert len(body) >= 20


def test_xiaoshan_seed_metadata() -> None:
    name, url = SEEDS["xsnet"]
    seed_lines(name)
    article = crawl_offline(make_spider("xsnet"), [url])[url]
    assert article.published_at.isoformat() == "2019-01-16T07:57:00+08:00"
    assert (article.origin, article.authors, article.editor) == ("萧山日报", ["洪凯"], "邱璐")
    assert article.body.split("\n")[-1].endswith("实现人才生态最优区之梦。")


def test_chaonews_seed_metadata() -> None:
    name, url = SEEDS["tidenews"]
    seed_lines(name)
    article = crawl_offline(make_spider("tidenews"), [url])[url]
    assert article.published_at.isoformat() == "2025-03-09T11:20:00+08:00"
    assert article.authors == ["金檬", "谢春晖"]
    assert article.contributors == ["彭仲莉"]
    assert article.origin == "潮新闻"
    assert "转载请注明出处" not in article.body
    assert article.body.count("受访者供图") == 3 and len(article.images) == 3
