"""Check the corpus against itself: every expected file has its page, every page is accounted for.

    python3 tests/corpus/check.py          # exit status 1 and one line per problem if any

For each ``expected/<host>/<name>.json`` (dev corpus and ``holdout/``):
- the page exists where the mirror would serve its URL (``routes.toml`` routes included);
- the page decodes with the charset a browser would pick (HTTP header from ``routes.toml``,
  then ``<meta>``; with neither, UTF-8 if it is valid, else gb18030 with replacement);
- the title, every ``body`` paragraph, every author, contributor, editor and origin occur in
  the page's visible text (scripts, styles and comments removed; whitespace ignored);
- every image's file name occurs in the page;
- ``published_at`` and ``published_precision`` agree, and the schema has every field.
Every HTML file under ``sites/`` is an article with an expected file or a list page named in
``lists.json``. Standard library only.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
ROOTS = [HERE, HERE / "holdout"]
FIELDS = {
    "url",
    "title",
    "published_at",
    "published_precision",
    "origin",
    "authors",
    "contributors",
    "editor",
    "channel",
    "body",
    "images",
    "family",
    "traits",
    "encoding",
}
PRECISIONS = {"second", "minute", "day", "unknown"}
HTML_SUFFIXES = {".html", ".htm", ".shtml"}
INDEX_FILES = ("index.shtml", "index.html", "index.htm")
SPACE = re.compile(r"[\s\u3000\xa0]+")


class _Text(HTMLParser):
    """Visible text: everything but script, style and comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return SPACE.sub("", "".join(parser.parts))


def squeeze(text: str) -> str:
    return SPACE.sub("", text)


def routes(host_dir: Path) -> dict:
    file = host_dir / "routes.toml"
    return tomllib.loads(file.read_text(encoding="utf-8")) if file.exists() else {}


def resolve(root: Path, url: str) -> tuple[Path | None, str | None]:
    """The file the mirror serves for ``url`` and the Content-Type it sends."""
    split = urlsplit(url)
    host_dir = root / "sites" / split.hostname
    table = routes(host_dir)
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    content_type = table.get("defaults", {}).get("content_type")
    rel = split.path
    for route in table.get("route", []):
        want = {k: str(v) for k, v in route.get("query", {}).items()}
        if route["path"] == split.path and all(query.get(k) == v for k, v in want.items()):
            rel = route.get("file", rel)
            content_type = route.get("content_type", content_type)
            break
    target = host_dir / rel.lstrip("/")
    if target.is_dir():
        target = next((target / n for n in INDEX_FILES if (target / n).is_file()), target)
    return (target if target.is_file() else None), content_type


def charset_of(data: bytes, content_type: str | None) -> str | None:
    for source in (content_type or "", data[:4096].decode("ascii", errors="replace")):
        found = re.search(r"charset\s*=\s*[\"']?([\w-]+)", source, re.I)
        if found:
            return found.group(1).lower()
    return None


def decode(data: bytes, content_type: str | None) -> tuple[str, str]:
    """The page text as a browser decodes it, and the charset used."""
    charset = charset_of(data, content_type)
    if charset in ("gb2312", "gbk", "gb18030", "x-gbk"):
        return data.decode("gb18030", errors="replace"), charset
    if charset:
        return data.decode(charset, errors="replace"), charset
    try:
        return data.decode("utf-8"), "utf-8 (sniffed)"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030 (sniffed)"


def check_article(root: Path, exp_file: Path, problems: list[str]) -> Path | None:
    where = exp_file.relative_to(root)
    data = json.loads(exp_file.read_text(encoding="utf-8"))

    def bad(message: str) -> None:
        problems.append(f"{where}: {message}")

    missing = FIELDS - data.keys()
    if missing:
        bad(f"missing fields {sorted(missing)}")
        return None
    if urlsplit(data["url"]).hostname != exp_file.parent.name:
        bad(f"url host is not {exp_file.parent.name}")
    page, content_type = resolve(root, data["url"])
    if page is None:
        bad(f"no page for {data['url']}")
        return None
    raw = page.read_bytes()
    html, _ = decode(raw, content_type)
    text = visible_text(html)
    if not data["title"] or squeeze(data["title"]) not in text:
        bad(f"title {data['title']!r} not in the page")
    if not data["body"]:
        bad("empty body")
    for i, para in enumerate(data["body"]):
        if not para.strip() or para != para.strip():
            bad(f"body[{i}] is blank or has outer whitespace")
        elif squeeze(para) not in text:
            bad(f"body[{i}] not in the page: {para[:40]!r}")
    people = data["authors"] + data["contributors"] + [data["editor"], data["origin"]]
    for value in filter(None, people):
        if squeeze(value) not in text:
            bad(f"{value!r} not in the page text")
    for image in data["images"]:
        if urlsplit(image).path.rsplit("/", 1)[-1] not in html:
            bad(f"image {image} not in the page")
    precision, published = data["published_precision"], data["published_at"]
    if precision not in PRECISIONS:
        bad(f"unknown precision {precision!r}")
    elif (published is None) != (precision == "unknown"):
        bad("published_at and published_precision disagree")
    elif published and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", published):
        bad(f"published_at {published!r} is not ISO 8601 with +08:00")
    elif precision == "day" and not published.endswith("T00:00:00+08:00"):
        bad("day precision with a time of day")
    elif precision == "minute" and not published.endswith(":00+08:00"):
        bad("minute precision with seconds")
    return page


def check_root(
    root: Path, problems: list[str], lists_file: Path = HERE / "lists.json", holdout: bool = False
) -> tuple[int, int]:
    """Check one corpus root (``sites/`` + ``expected/``); the number of articles and list pages."""
    pages: set[Path] = set()
    expected = sorted((root / "expected").glob("*/*.json"))
    for exp_file in expected:
        page = check_article(root, exp_file, problems)
        if page:
            pages.add(page.resolve())
    lists = json.loads(lists_file.read_text(encoding="utf-8"))
    list_pages = 0
    for entry in lists:
        if entry.get("holdout", False) != holdout:
            continue
        for url in filter(None, (entry["url"], entry.get("next"))):
            page, _ = resolve(root, url)
            if page is None:
                problems.append(f"lists.json: no page for {url}")
            else:
                pages.add(page.resolve())
                list_pages += 1
        for url in entry["articles"]:
            if not re.search(entry["article_pattern"], urlsplit(url).path):
                problems.append(f"lists.json: {url} does not match {entry['article_pattern']}")
    for file in sorted((root / "sites").rglob("*")):
        is_page = file.suffix in HTML_SUFFIXES
        if file.is_file() and is_page and file.resolve() not in pages:
            problems.append(f"{file.relative_to(root)}: neither an article nor a list page")
    return len(expected), list_pages


def main() -> int:
    problems: list[str] = []
    for root in ROOTS:
        articles, lists = check_root(root, problems, holdout=root != HERE)
        print(f"tests/{root.relative_to(HERE.parent)}: {articles} articles, {lists} list pages")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
