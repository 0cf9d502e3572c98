"""The development corpus is consistent, and its self-check catches what it claims to catch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import check
import pytest

from tidewatch.mirror import Mirror

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("root", check.ROOTS, ids=["dev", "holdout"])
def test_corpus_checks_clean(root: Path) -> None:
    problems: list[str] = []
    articles, _ = check.check_root(root, problems, holdout=root != HERE)
    assert articles >= (48 if root == HERE else 12)
    assert problems == []


def test_corpus_size_and_families() -> None:
    families: dict[str, set[str]] = {}
    for file in (HERE / "expected").glob("*/*.json"):
        family = json.loads(file.read_text(encoding="utf-8"))["family"]
        families.setdefault(family, set()).add(file.parent.name)
    assert len(families) >= 14
    lists = json.loads((HERE / "lists.json").read_text(encoding="utf-8"))
    assert len({urlsplit(entry["url"]).hostname for entry in lists}) >= 4


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    shutil.copytree(HERE / "sites", tmp_path / "sites")
    shutil.copytree(HERE / "expected", tmp_path / "expected")
    shutil.copy(HERE / "lists.json", tmp_path / "lists.json")
    return tmp_path


def _problems(root: Path) -> list[str]:
    problems: list[str] = []
    check.check_root(root, problems, lists_file=root / "lists.json")
    return problems


def test_check_reports_a_paragraph_missing_from_the_page(corpus_copy: Path) -> None:
    file = corpus_copy / "expected/www.hzdemo.gov.cn/art_812262_59103377.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    data["body"][1] = data["body"][1].replace("5000万元", "8000万元")
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _problems(corpus_copy) == [
        f"{file.relative_to(corpus_copy)}: body[1] not in the page: {data['body'][1][:40]!r}"
    ]


def test_check_reports_a_page_nobody_accounts_for(corpus_copy: Path) -> None:
    (corpus_copy / "sites/www.hzdemo.gov.cn/stray.html").write_text("<p>x</p>", encoding="utf-8")
    assert _problems(corpus_copy) == [
        "sites/www.hzdemo.gov.cn/stray.html: neither an article nor a list page"
    ]


def test_broken_gbk_page_has_no_charset_and_two_replacement_characters() -> None:
    url = "http://www.tzdemo-news.cn/news/tzxw/2024_12/311622.htm"
    page, content_type = check.resolve(HERE, url)
    raw = page.read_bytes()
    assert check.charset_of(raw, content_type) is None
    text, charset = check.decode(raw, content_type)
    assert charset == "gb18030 (sniffed)"
    assert text.count("\ufffd") == 2
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")  # strict GBK refuses it: a decoder must replace, not give up


def test_mirror_serves_every_article_and_list_page() -> None:
    lists = json.loads((HERE / "lists.json").read_text(encoding="utf-8"))
    for root in check.ROOTS:
        mirror = Mirror(root / "sites")
        urls = [
            json.loads(f.read_text(encoding="utf-8"))["url"]
            for f in (root / "expected").glob("*/*.json")
        ]
        if root == HERE:
            urls += [u for entry in lists for u in (entry["url"], entry["next"])]
        for url in urls:
            split = urlsplit(url)
            target = split.path + (f"?{split.query}" if split.query else "")
            assert mirror.answer(split.hostname, target).status == 200, url
    second = Mirror(HERE / "sites").answer(
        "www.zsdemo.gov.cn", "/col/col1229/index.html?uid=4521&pageNum=2"
    )
    assert "我市召开海洋经济高质量发展推进会" in second.body.decode("utf-8")  # page 2, its own file
