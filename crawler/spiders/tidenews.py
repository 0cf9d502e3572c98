"""潮新闻: discovery through the app's signed JSON API, articles from the web pages, and the
API ``detail`` for what a page lacks (a JavaScript shell, a drifted layout).

Every API answer is validated (pydantic) before use: an envelope that is not ``{"code": 0,
"data": {…}}``, items of the wrong shape, a time that is not epoch milliseconds, JSON too
large or too deeply nested: each is an ``api_error`` with the URL, counted, never an
exception. An API error never discards what the page already gave: the article is stored
from the page's own fields if it has a body.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.byline import parse_byline
from crawler.extract.dates import from_epoch_ms, from_object_id
from crawler.extract.html import paragraphs
from crawler.signing import zjol_signature
from crawler.spiders.base import classify
from crawler.spiders.html import NOTHING, Found, HtmlSpider, _validators
from crawler.spiders.page import Page
from model.article import Article, Precision

API_MAX_BYTES = 4 * 2**20  # a channel page or one article is a few KiB; anything huge is hostile
_STATE = re.compile(r"window\.__TIDE_STATE__\s*=\s*(\{.*?\})\s*;?\s*</script>", re.S)
# where a 潮鸣号 post shows its account when the seeds' selector no longer matches
_ACCOUNT_SELECTORS = (
    "[class*=author] [class*=name]",
    "[class*=account] [class*=name]",
    "[class*=creator] [class*=name]",
    "[class*=tmh] [class*=name]",
)


class ApiError(ValueError):
    """An API answer that cannot be used; the message says why."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ListItem(_Lenient):
    id: int | str | None = None
    url: str
    channel_name: str | None = None
    sort_number: int | None = Field(None, ge=0)
    published_at: int | None = Field(None, ge=0)


class ChannelList(_Lenient):
    article_list: list[Any] = Field(default_factory=list, max_length=1000)


class DetailArticle(_Lenient):
    doc_title: str | None = None
    list_title: str | None = None
    published_at: int | None = Field(None, ge=0)
    source: str | None = None
    channel_name: str | None = None
    author: str | None = None
    content: str | None = Field(None, max_length=API_MAX_BYTES)


class Detail(_Lenient):
    article: DetailArticle


class Envelope(_Lenient):
    code: int
    message: str | None = None
    data: dict[str, Any] | None = None


class TidenewsSpider(HtmlSpider):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = self.source.api
        self.session_id = uuid.uuid4().hex[:24]  # anonymous session: enough for lists
        self.salt = os.environ.get(self.api.signing_salt_env)
        if not self.salt:
            self.logger.warning(
                "%s is not set: API requests go unsigned and the real API will refuse them",
                self.api.signing_salt_env,
            )

    # -- the API ----------------------------------------------------------------------------

    def entry_request(self, url: str) -> Request | None:
        if self.is_article(self.canonical(url)):
            return self.article_request(self.canonical(url))
        return self.list_request(url, api_page=1)

    def list_request(self, url: str, **meta: Any) -> Request | None:
        request = super().list_request(url, **meta)
        return request and self.sign(request.replace(callback=self.parse_channel_list))

    def sign(self, request: Request) -> Request:
        """Headers the app sends; X-SIGNATURE only when the salt is configured."""
        request_id, timestamp = str(uuid.uuid4()), str(int(time.time() * 1000))
        headers = {
            "User-Agent": self.api.user_agent,
            "X-SESSION-ID": self.session_id,
            "X-REQUEST-ID": request_id,
            "X-TIMESTAMP": timestamp,
        }
        if self.salt:
            path = urlsplit(request.url).path
            headers["X-SIGNATURE"] = zjol_signature(
                path, self.session_id, request_id, timestamp, self.salt
            )
        for name, value in headers.items():
            request.headers[name] = value
        return request

    def envelope(self, response: Response) -> dict[str, Any] | None:
        """The ``data`` of a ``{"code": 0, …}`` answer; anything else is counted as an error."""
        try:
            return api_data(response.body)
        except ApiError as e:
            self.count_error("api_error", response.url, str(e))
            return None

    def parse_channel_list(self, response: Response) -> Iterator[Request]:
        data = self.envelope(response)
        if data is None:
            return
        try:
            listing = ChannelList.model_validate(data)
        except ValidationError as e:
            self.count_error("api_error", response.url, "channel_list: " + _first_problem(e))
            return
        items = []
        for n, raw in enumerate(listing.article_list):
            try:
                items.append(ListItem.model_validate(raw))
            except ValidationError as e:
                reason = f"article_list[{n}]: {_first_problem(e)}"
                self.count_error("api_error", response.url, reason)
        for item in items:
            url = self.canonical(item.url)
            if not self.is_article(url):
                continue
            newness = self.listing_newness(item.published_at or item.sort_number)
            if request := self.listed_article(url, newness, listing=_listing(item)):
                yield request
        last = listing.article_list and items and items[-1].sort_number
        if last:
            page = response.meta.get("api_page", 1)
            nxt = _with_query(
                response.url,
                start=last,
                list_count=page * self.api.page_size,
                size=self.api.page_size,
            )
            if request := self.list_request(nxt, api_page=page + 1):
                yield request

    # -- articles ---------------------------------------------------------------------------

    def api_fallback(self, response: Response, found: dict[str, Found]) -> Request | None:
        """A page without its title, time or body: ask the app API's detail for the rest."""
        article_id = dict(parse_qsl(urlsplit(response.url).query)).get("id", "")
        if not article_id.isdigit():
            return None  # 潮鸣号 posts have no API detail; the page is all there is
        detail = Request(
            self.api.detail_url.format(id=article_id),
            callback=self.parse_detail,
            errback=self.on_detail_error,
            meta={
                "for_article": response.url,
                "validators": _validators(response),
                "page_found": found,
                "listing": response.meta.get("listing") or {},
            },
        )
        return self.sign(detail)

    def parse_detail(self, response: Response) -> Iterator[Article]:
        url = response.meta["for_article"]
        found = response.meta.get("page_found") or _empty()
        api = self.from_detail(response)
        for name, value in api.items():
            if value and not found[name][0]:  # the page's own fields first, then the API's
                found[name] = value
        why = "" if api else f"; the API detail gave nothing ({self._last_error()})"
        yield from self.finish(url, found, response.meta.get("validators") or {}, why)

    def on_detail_error(self, failure: Failure) -> Iterator[Article]:
        """The detail request failed: count it, and keep whatever the page gave."""
        kind, reason = classify(failure)
        meta = failure.request.meta
        self.count_error(kind, failure.request.url, reason)
        found = meta.get("page_found") or _empty()
        why = f"; the API detail failed ({kind})"
        yield from self.finish(meta["for_article"], found, meta.get("validators") or {}, why)

    def _last_error(self) -> str:
        """The reason just counted: ``api_error: URL: code 40004: …`` → ``code 40004: …``."""
        last = str(self.crawler.stats.get_value("tidewatch/last_error") or "")
        return last.split(": ", 2)[-1]

    def from_detail(self, response: Response) -> dict[str, Found]:
        """The detail's fields, each marked ``api:detail``; {} for an unusable answer."""
        data = self.envelope(response)
        if data is None:
            return {}
        try:
            doc = Detail.model_validate(data).article
        except ValidationError as e:
            self.count_error("api_error", response.url, "detail: " + _first_problem(e))
            return {}
        url = response.meta["for_article"]
        try:
            content = Selector(text=doc.content or "<p></p>")
            lines, images = paragraphs(content.css("body")[0], url, self.source.drop_selectors)
        except (RecursionError, IndexError, ValueError) as e:
            self.count_error("api_error", response.url, f"detail content unreadable: {e!r:.80}")
            lines, images = [], []
        byline = parse_byline(doc.author or "")
        published = None
        if doc.published_at:
            at = from_epoch_ms(doc.published_at)
            published = (at, Precision.SECOND if at.second else Precision.MINUTE)
        listing = response.meta.get("listing") or {}
        values = {
            "title": doc.doc_title or doc.list_title,
            "published_at": published,
            "origin": doc.source,
            "channel": doc.channel_name or listing.get("channel"),
            "authors": byline.authors,
            "contributors": byline.contributors,
            "editor": None,
            "body": self.keep_lines(lines),
            "images": images,
        }
        return {name: (value, "api:detail") for name, value in values.items() if value}

    def channel(self, page: Page) -> Found:
        listing = page.meta.get("listing") or {}
        return (listing["channel"], "api:channel_list") if listing.get("channel") else NOTHING

    def published_at(self, page: Page) -> Found:
        found = super().published_at(page)
        if found[0]:
            return found
        at = from_object_id(_article_id(page.url))
        return ((at, Precision.SECOND), "url:object-id") if at else NOTHING

    def origin(self, page: Page) -> Found:
        """来源; on a 潮鸣号 post, the account's name as the page shows it."""
        found = super().origin(page)
        if found[0] or not from_object_id(_article_id(page.url)):
            return found
        return account_name(page)


def account_name(page: Page) -> Found:
    """The 潮鸣号 account of a post: its name element, the page state, the avatar's alt."""
    for css in _ACCOUNT_SELECTORS:
        for text in page.css(css).xpath("normalize-space(.)").getall():
            if 1 < len(text) <= 30:
                return text, f"page:{css}"
    if state := _page_state(page):
        name = (state.get("account") or {}).get("name") if isinstance(state, dict) else None
        if isinstance(name, str) and name.strip():
            return name.strip(), "page:state.account.name"
    alt = page.css("img[class*=avatar]::attr(alt)").get()
    return (alt.strip(), "page:avatar-alt") if alt and alt.strip() else NOTHING


def api_data(body: bytes) -> dict[str, Any]:
    """The ``data`` object of a successful answer, or ApiError saying what is wrong."""
    if len(body) > API_MAX_BYTES:
        raise ApiError(f"answer of {len(body)} bytes is over {API_MAX_BYTES}")
    try:
        answer = json.loads(body)
    except RecursionError:
        raise ApiError("JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ApiError(f"not JSON: {e}") from None
    if not isinstance(answer, dict):
        raise ApiError(f"answer is a JSON {type(answer).__name__}, not an object")
    try:
        envelope = Envelope.model_validate(answer)
    except ValidationError as e:
        if answer.get("code") not in (0, None) and "code" in answer:
            raise ApiError(f"code {answer.get('code')!r}: {answer.get('message')!r}") from None
        raise ApiError("envelope: " + _first_problem(e)) from None
    if envelope.code != 0:
        raise ApiError(f"code {envelope.code}: {envelope.message}")
    return envelope.data or {}


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"]) or "(top)"
    return f"{where}: {problem['msg']} (got {str(problem.get('input'))[:40]!r})"


def _page_state(page: Page) -> Any:
    match = _STATE.search(page.text)
    if not match or len(match.group(1)) > 200_000:
        return None
    try:
        return json.loads(match.group(1))
    except (ValueError, RecursionError):
        return None


def _article_id(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query)).get("id", "")


def _empty() -> dict[str, Found]:
    names = ("title", "published_at", "origin", "editor", "channel", "body", "images")
    return {name: NOTHING for name in (*names, "authors", "contributors")}


def _listing(item: ListItem) -> dict[str, Any]:
    return {"channel": item.channel_name, "id": item.id}


def _with_query(url: str, **params: Any) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))
