"""`tidewatch seeds suggest LIST_URL [ARTICLE_URL …]`: a seeds file learnt from one list page.

From the list page: the article URL pattern (its links clustered by path shape, the cluster
of long-titled links wins) and the next-page link (``rel=next``, 下一页, ``>``, ``index_2``).
From a few article pages: per-field selectors, where the generic extractor found each field,
kept only where every page agrees and the selector, read the way the spider reads it, gives
the same value the extractor did. The result is TOML that ``crawler/seeds.py`` loads, with a
preview of each article's fields in comments for the operator to check before saving.

Fetching is bounded: at most ``MAX_PAGES`` pages of at most ``MAX_BYTES`` each, each within
``TIMEOUT`` seconds, no redirects followed, and ``TIDEWATCH_HOST_MAP`` honoured (so it works
against a mirror).
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy.http import HtmlResponse
from w3lib.url import canonicalize_url

from crawler.extract.byline import parse_byline
from crawler.extract.encoding import decoded
from crawler.extract.generic import Extracted
from crawler.extract.generic import extract as generic_extract
from crawler.extract.html import AUTHOR_LABELS, EDITOR_LABELS, after_label
from crawler.hostmap import mapped_url
from crawler.spiders.html import CompiledSelector, _origin, clean_title, moment

MAX_BYTES = 4 * 2**20
MAX_PAGES = 8
TIMEOUT = 15.0
SAMPLE_ARTICLES = 3
NEXT_TEXTS = (
    "下一页",
    "下页",
    "后页",
    "下一頁",
    ">",
    "›",
    "»",
    ">>",
    "下一页>",
    "下一页>>",
    "下一版",
    "下一版 >",
    "下一版>",
    "下一版 ›",
)
USER_AGENT = "Mozilla/5.0 (compatible; Tidewatch seeds suggest)"
_TOKEN = re.compile(r"\d+|[^\d]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")  # a channel code or a slug: one token


class SuggestError(ValueError):
    """A page that could not be fetched or read; the message names the URL."""


@dataclass
class Page:
    url: str
    response: HtmlResponse
    encoding: str


@dataclass
class Suggestion:
    name: str
    title: str
    hosts: list[str]
    list_url: str
    article_pattern: str
    list_patterns: list[str]
    next_page_text: str | None
    keep_query: list[str]
    encoding: str | None
    fields: dict[str, list[str]]
    previews: list[tuple[str, Extracted]] = field(default_factory=list)

    def toml(self) -> str:
        """The seeds file, preceded by the preview as comments."""
        out = [f"# Suggested by `tidewatch seeds suggest {self.list_url}`: check the preview,"]
        out += ["# then save as seeds/" + f"{self.name}.toml (the name must match the file)."]
        for url, got in self.previews:
            out += ["#", f"# {url}"] + [f"#   {line}" for line in preview_lines(got)]
        out += [
            "",
            f"name = {_q(self.name)}",
            f"title = {_q(self.title)}",
            'spider = "html"',
            f"hosts = [{', '.join(_q(h) for h in self.hosts)}]",
            f"start_urls = [{_q(self.list_url)}]",
            f"article_url_patterns = [{_q(self.article_pattern)}]",
        ]
        if self.list_patterns:
            out.append(f"list_url_patterns = [{', '.join(_q(p) for p in self.list_patterns)}]")
        out.append(f"next_page_text = {_q(self.next_page_text or '')}")
        out.append("max_list_pages = 5")
        out.append("max_articles_per_run = 500")
        if self.keep_query:
            out.append(f"keep_query = [{', '.join(_q(k) for k in self.keep_query)}]")
        if self.encoding:
            out.append(f"encoding = {_q(self.encoding)}")
        out += ["", "[politeness]", "download_delay = 2.0", "concurrency = 1"]
        out += ["", "[schedule]", "interval_minutes = 30", "jitter_seconds = 60", "", "[fields]"]
        for name, selectors in self.fields.items():
            out.append(f"{name} = [{', '.join(_q(s) for s in selectors)}]")
        rest = [
            f
            for f in ("title", "published_at", "origin", "byline", "editor", "body")
            if f not in self.fields
        ]
        if rest:  # no selector agreed: the generic extractor reads these on every page
            out.insert(
                out.index("[politeness]") - 1,
                f"generic_fields = [{', '.join(_q(f) for f in rest)}]",
            )
        return "\n".join(out) + "\n"


def suggest(
    list_url: str, article_urls: list[str] | None = None, host_map: dict[str, str] | None = None
) -> Suggestion:
    fetcher = Fetcher(host_map or {})
    listing = fetcher.get(list_url)
    links = page_links(listing)
    next_url, next_text = next_page(listing)
    lists = {shape(u, words=True) for u in (list_url, next_url) if u}  # not articles
    pattern, members = article_pattern(links, urlsplit(list_url).hostname or "", lists)
    if pattern is None:
        raise SuggestError(f"{list_url}: no group of article-like links found on the page")
    samples = list(article_urls or []) or [url for url, _ in members[:SAMPLE_ARTICLES]]
    pages = [fetcher.get(url) for url in samples[: MAX_PAGES - 1]]
    extracted = [generic_extract(p.response.text, p.url) for p in pages]
    host = urlsplit(list_url).hostname or ""
    site = site_title(listing, host)
    fields = agreed_selectors(pages, extracted, site)
    gbk = any(p.encoding.endswith(("gb18030", "gbk", "gb2312")) for p in [listing, *pages])
    query_keys = sorted({k for url, _ in members for k, _ in parse_qsl(urlsplit(url).query)})
    return Suggestion(
        name=source_name(host),
        title=site,
        hosts=sorted({host, *(urlsplit(u).hostname or host for u in samples)}),
        list_url=list_url,
        article_pattern=pattern,
        list_patterns=[list_pattern(list_url, next_url)] if next_url else [],
        next_page_text=next_text,
        keep_query=query_keys,
        encoding="gb18030" if gbk else None,
        fields=fields,
        previews=list(zip([p.url for p in pages], extracted, strict=True)),
    )


# -- fetching ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is reported, not followed (it could lead anywhere)


class Fetcher:
    def __init__(self, host_map: dict[str, str]) -> None:
        self.host_map = host_map
        self.fetched = 0
        self.opener = urllib.request.build_opener(_NoRedirect)

    def get(self, url: str) -> Page:
        if self.fetched >= MAX_PAGES:
            raise SuggestError(f"{url}: more than {MAX_PAGES} pages asked for")
        self.fetched += 1
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SuggestError(f"{url}: not an absolute http(s) URL")
        target = mapped_url(url, self.host_map) or url
        request = urllib.request.Request(
            target, headers={"Host": parts.netloc, "User-Agent": USER_AGENT}
        )
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                body = answer.read(MAX_BYTES + 1)
                headers = {k: v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as e:
            raise SuggestError(f"{url}: HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            raise SuggestError(f"{url}: {getattr(e, 'reason', e)}") from None
        if len(body) > MAX_BYTES:
            raise SuggestError(f"{url}: larger than {MAX_BYTES} bytes")
        response = HtmlResponse(url=url, body=body, headers=headers)
        page, how = decoded(response, "gb18030")
        return Page(url, page, how)


# -- the list page -----------------------------------------------------------------------------


def page_links(page: Page) -> list[tuple[str, str]]:
    """(absolute URL without fragment, anchor text) of every link, first occurrence each."""
    seen: dict[str, str] = {}
    for a in page.response.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(page.url, href).split("#")[0]
        text = a.xpath("normalize-space(.)").get() or ""
        if url not in seen or len(text) > len(seen[url]):
            seen[url] = text
    return list(seen.items())


def shape(url: str, words: bool = False) -> tuple[str, ...]:
    """A link's shape: digit runs as D, word segments (channel codes, slugs) as W unless
    ``words``, the rest literal."""
    parts = urlsplit(url)
    out: list[str] = []
    for segment in parts.path.split("/"):
        if _WORD.fullmatch(segment):
            out.append(segment if words else "W")
        else:
            out += ["D" if t.isdigit() else t for t in _TOKEN.findall(segment)]
        out.append("/")
    if parts.query:
        out.append("?")
        out += ["D" if t.isdigit() else t for t in _TOKEN.findall(parts.query)]
    return tuple(out)


def article_pattern(
    links: list[tuple[str, str]], host: str, list_shapes: set[tuple[str, ...]] = frozenset()
) -> tuple[str | None, list[tuple[str, str]]]:
    """The regex of the article links and the links it covers, in page order.

    Candidates: links on the host with a number in them, not shaped like the list page or
    its next page; the group with the most headline-long anchors wins (then the largest: an
    e-paper's 版面 links its articles through image maps, without text).
    """
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for url, text in links:
        parts = urlsplit(url)
        if parts.hostname != host or not re.search(r"\d{3,}", parts.path + parts.query):
            continue
        if shape(url, words=True) in list_shapes:
            continue
        groups[(parts.scheme, *shape(url))].append((url, text))
    scored = [(sum(len(t) >= 5 for _, t in m), len(m), key) for key, m in groups.items()]
    scored = [s for s in scored if s[1] >= 2]
    if not scored:
        return None, []
    _, _, best = max(scored)
    members = groups[best]
    return _regex(best[0], host, [u for u, _ in members]), members


def _regex(scheme: str, host: str, urls: list[str]) -> str:
    """One regex for same-shaped URLs: literal where they agree, \\d{n} / \\d+ / \\w+ where not."""
    token_lists = [_tokens(u) for u in urls]
    pieces = []
    for column in zip(*token_lists, strict=True):
        if all(t == column[0] for t in column) and not column[0].isdigit():
            pieces.append(re.escape(column[0]).replace("/", "/"))
        elif all(t.isdigit() for t in column):
            pieces.append(_digits({len(t) for t in column}))
        else:
            pieces.append(r"[\w-]+")
    return f"^{re.escape(scheme)}://{re.escape(host)}{''.join(pieces)}$"


def _digits(lengths: set[int]) -> str:
    """A year stays four digits and a month or day one or two; ids grow, so any length."""
    if lengths == {4}:
        return r"\d{4}"
    if max(lengths) <= 2:
        return r"\d{1,2}"
    return r"\d+"


def _tokens(url: str) -> list[str]:
    parts = urlsplit(url)
    out: list[str] = []
    for n, segment in enumerate(parts.path.split("/")):
        if n:
            out.append("/")
        if _WORD.fullmatch(segment):
            out.append(segment)
        else:
            out += _TOKEN.findall(segment)
    if parts.query:
        out.append("?")
        out += _TOKEN.findall(parts.query)
    return out


def next_page(page: Page) -> tuple[str | None, str | None]:
    """(URL, anchor text) of the next list page, if the page links one."""
    response = page.response
    rel = response.css("a[rel~=next]::attr(href), link[rel~=next]::attr(href)").get()
    for a in response.css("a[href]"):
        text = a.xpath("normalize-space(.)").get() or ""
        if text in NEXT_TEXTS:
            return urljoin(page.url, a.attrib["href"]), text
    if rel:
        return urljoin(page.url, rel), None
    base = page.url.rsplit("/", 1)[0]
    for url, text in page_links(page):
        if re.fullmatch(re.escape(base) + r"/(index|list)_?[12]\.s?html?", url):
            return url, text if text in NEXT_TEXTS else None
    return None, None


def list_pattern(list_url: str, next_url: str) -> str:
    """The first list page and those like the next one (its page numbers generalised)."""
    list_url, next_url = canonicalize_url(list_url), canonicalize_url(next_url)
    common = os.path.commonprefix([list_url, next_url])  # noqa: RUF071 - by character, on purpose
    common = re.sub(r"\d+$", "", common)  # index_1 / index_12: the number is not common
    generalised = re.sub(r"\\d\+|\d+", r"\\d+", re.escape(next_url[len(common) :]))
    first = re.escape(list_url[len(common) :])
    return f"^{re.escape(common)}(?:{generalised}|{first})$"


# -- article pages ------------------------------------------------------------------------------

_CONVERT = {
    "title": lambda text, site: clean_title(text, (site,)) or None,
    "published_at": lambda text, site: moment(text),
    "origin": lambda text, site: _origin(text),
    "editor": lambda text, site: after_label(text, EDITOR_LABELS),
    "byline": lambda text, site: parse_byline(after_label(text, AUTHOR_LABELS) or text) or None,
}


def agreed_selectors(pages: list[Page], got: list[Extracted], site: str) -> dict[str, list[str]]:
    """Per seeds field, the selector every page's extraction agrees on and that reads back the
    extractor's own value on every page."""
    fields: dict[str, list[str]] = {}
    for name, key in (
        ("title", "title"),
        ("published_at", "published_at"),
        ("origin", "origin"),
        ("editor", "editor"),
        ("byline", "authors"),
        ("body", "body"),
    ):
        chosen = {(g.selectors or {}).get(key) or "" for g in got}
        if len(chosen) != 1 or not (css := chosen.pop()):
            continue
        if re.search(r"#[\w-]*\d", css):
            continue  # an id with a number (#post-2210) names one page, not the layout
        try:
            selector = CompiledSelector(css)
        except Exception:
            continue
        if all(_reads_back(name, selector, p, g, site) for p, g in zip(pages, got, strict=True)):
            fields[name] = [css]
    return fields


def _reads_back(
    name: str, selector: CompiledSelector, page: Page, got: Extracted, site: str
) -> bool:
    root = page.response.selector.root
    if name == "body":
        return len(selector.elements(root)) == 1
    want: Any = {
        "title": got.title,
        "published_at": (got.published_at, got.published_precision) if got.published_at else None,
        "origin": got.origin,
        "editor": got.editor,
        "byline": (got.authors, got.contributors),
    }[name]
    for text in selector.texts(root):
        value = _CONVERT[name](text.strip(), site) if text.strip() else None
        if value:
            if name == "byline":
                value = (value.authors, value.contributors)
            return value == want
    return False


def site_title(page: Page, host: str) -> str:
    """The site's name: og:site_name, else the last part of the <title>, else the host."""
    named = page.response.css("meta[property='og:site_name']::attr(content)").get()
    if named and named.strip():
        return named.strip()
    title = page.response.css("title::text").get() or ""
    parts = [p.strip() for p in re.split(r"[-_|—–｜－＿]+", title) if p.strip()]
    return parts[-1] if len(parts) > 1 else host


def source_name(host: str) -> str:
    """www.fcdemo-news.cn → fcdemo_news: a seeds name (and file name)."""
    labels = [x for x in host.lower().split(".") if x not in ("www", "m", "news", "com", "cn")]
    name = re.sub(r"[^a-z0-9]+", "_", "_".join(labels[:2]) or host).strip("_")
    return name if re.match(r"[a-z]", name) else f"site_{name}"


def preview_lines(got: Extracted) -> list[str]:
    body = (got.body or "").split("\n") if got.body else []
    when = got.published_at.isoformat() if got.published_at else "—"
    return [
        f"title:        {got.title or '—'}",
        f"published_at: {when} ({got.published_precision})",
        f"origin:       {got.origin or '—'}",
        f"authors:      {', '.join(got.authors) or '—'}; contributors: "
        f"{', '.join(got.contributors) or '—'}",
        f"editor:       {got.editor or '—'}",
        f"body:         {len(body)} paragraphs: {(body[0][:40] + '…') if body else '—'}",
        f"images:       {len(got.images)}",
    ]


def _q(text: str) -> str:
    """A TOML literal string when possible (regexes read as written), else a basic string."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
