"""`tidewatch seeds suggest`: a seeds file learnt from a corpus site's list page, then a real
crawl of that site with it, field by field against the corpus's expected values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from support import REPO_ROOT, run_tidewatch

from crawler.seeds import load_source
from crawler.suggest import SuggestError, article_pattern, list_pattern, suggest
from store.sqlite import SqliteStore
from tidewatch.mirror import MirrorServer

CORPUS = REPO_ROOT / "tests" / "corpus"
LISTS = [entry for entry in json.loads((CORPUS / "lists.json").read_text()) if not entry["holdout"]]
FIELDS = ("title", "published_at", "published_precision", "origin", "authors", "editor", "body")


@pytest.fixture(scope="module")
def corpus_server() -> MirrorServer:
    with MirrorServer(CORPUS / "sites") as server:
        yield server


def env_for(server: MirrorServer, tmp_path: Path, seeds: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    return env | {
        "TIDEWATCH_HOST_MAP": server.host_map(),
        "TIDEWATCH_DATA_DIR": str(tmp_path / "data"),
        "TIDEWATCH_SEEDS_DIR": str(seeds),
        "TIDEWATCH_DOWNLOAD_DELAY": "0",
    }


def expected_for(url: str) -> dict[str, Any]:
    host, _, rest = url.split("://", 1)[1].partition("/")
    stem = rest.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return json.loads((CORPUS / "expected" / host / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", LISTS, ids=[e["url"].split("/")[2] for e in LISTS])
def test_suggested_seeds_crawl_the_site(
    entry: dict[str, Any], corpus_server: MirrorServer, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    env = env_for(corpus_server, tmp_path, seeds)
    done = run_tidewatch(env, "seeds", "suggest", entry["url"])
    name = re.search(r"^name = '([a-z0-9_]+)'$", done.stdout, re.M).group(1)
    path = seeds / f"{name}.toml"
    path.write_text(done.stdout, encoding="utf-8")
    source = load_source(path)  # a valid seeds file
    assert all(re.match(source.article_url_patterns[0], url) for url in entry["articles"])

    crawled = run_tidewatch(env, "crawl", name, "--json")
    summary = json.loads(crawled.stdout)
    assert summary["new"] >= len(entry["articles"]), crawled.stderr[-2000:]
    store = SqliteStore(tmp_path / "data" / "tidewatch.sqlite3")
    try:
        stored = {a.url: a.export() for a in store.articles()}
    finally:
        store.close()
    wrong = {}
    for url in entry["articles"]:  # every article of both list pages (the next page followed)
        assert url in stored, f"{url} not stored"
        want, got = expected_for(url), stored[url]
        got["body"] = got["body"].split("\n")
        wrong |= {(url, f): (got[f], want[f]) for f in FIELDS if got[f] != want[f]}
    assert not wrong


def test_the_preview_shows_each_sample_article(corpus_server: MirrorServer) -> None:
    entry = LISTS[0]
    host_map = {h: corpus_server.address for h in corpus_server.hosts()}
    suggestion = suggest(entry["url"], host_map=host_map)
    text = suggestion.toml()
    assert len(suggestion.previews) == 3
    for url, got in suggestion.previews:
        assert f"# {url}" in text and f"title:        {got.title}" in text
    assert suggestion.next_page_text == "下一页"


def test_article_links_cluster_by_path_shape() -> None:
    links = [
        ("http://a.cn/news/szjj/2019_1/3025263.shtml", "萧山创新发展行动加快推进"),
        ("http://a.cn/news/szjj/2019_1/3025270.shtml", "萧山工业投资连续三年增长"),
        ("http://a.cn/news/szjj/2019_2/3031001.shtml", "萧山重大项目推进会召开了"),
        ("http://a.cn/news/szjj/", "时政经济"),
        ("http://a.cn/about/2019.html", "关于"),
    ]
    pattern, members = article_pattern(links, "a.cn")
    assert pattern == r"^http://a\.cn/news/szjj/\d{4}_\d{1,2}/\d+\.shtml$"
    assert len(members) == 3
    assert re.match(pattern, "http://a.cn/news/szjj/2020_12/99999999.shtml")


def test_next_list_pages_are_generalised() -> None:
    pattern = list_pattern("http://a.cn/news/index.shtml", "http://a.cn/news/index_2.shtml")
    assert re.match(pattern, "http://a.cn/news/index_17.shtml")
    assert re.match(pattern, "http://a.cn/news/index.shtml")


def test_an_unreachable_list_page_is_a_clear_error(corpus_server: MirrorServer) -> None:
    host_map = {h: corpus_server.address for h in corpus_server.hosts()}
    with pytest.raises(SuggestError, match="HTTP 404"):
        suggest("http://www.fcdemo-news.cn/no/such/list.html", host_map=host_map)
