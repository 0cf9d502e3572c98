"""潮新闻: discovery through the app's signed JSON API, articles from the web pages, and the
API detail as fallback when a page is only a JavaScript shell."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.extract.byline import is_byline_paragraph, parse_byline
from crawler.extract.dates import from_epoch_ms, from_object_id
from crawler.extract.html import paragraphs
from crawler.signing import zjol_signature
from crawler.spiders.html import NOTHING, Found, HtmlSpider, _validators
from model.article import Article


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

    def entry_request(self, url: str) -> Request:
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
            answer = json.loads(response.text)
        except (ValueError, AttributeError) as e:
            self.count_error("api_error", response.url, f"not JSON: {e}")
            return None
        if not isinstance(answer, dict) or answer.get("code") != 0:
            code = answer.get("code") if isinstance(answer, dict) else None
            message = answer.get("message") if isinstance(answer, dict) else None
            self.count_error("api_error", response.url, f"code {code}: {message}")
            return None
        return answer.get("data") or {}

    def parse_channel_list(self, response: Response) -> Iterator[Request]:
        data = self.envelope(response)
        if data is None:
            return
        items = data.get("article_list") or []
        for item in items:
            url = self.canonical(str(item.get("url", "")))
            if self.is_article(url):
                yield self.article_request(url, listing=_listing(item))
        if items and (last := items[-1].get("sort_number")):
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

    def body_fallback(self, response: Response) -> Request | None:
        """A JavaScript-shell page: ask the app API for the article instead."""
        article_id = dict(parse_qsl(urlsplit(response.url).query)).get("id", "")
        if not article_id.isdigit():
            return None  # 潮鸣号 posts have no API detail; the page is all there is
        detail = Request(
            self.api.detail_url.format(id=article_id),
            callback=self.parse_detail,
            errback=self.on_error,
            meta={"for_article": response.url, "validators": _validators(response)},
        )
        return self.sign(detail)

    def parse_detail(self, response: Response) -> Iterator[Article]:
        data = self.envelope(response)
        url = response.meta["for_article"]
        if data is None:
            return
        doc = data.get("article") or {}
        content = Selector(text=doc.get("content") or "<p></p>")
        lines, images = paragraphs(content.css("body")[0], url, self.source.drop_selectors)
        lines = self.keep_lines(lines)
        byline = parse_byline(doc.get("author") or "")
        if lines and is_byline_paragraph(lines[0]):
            byline = byline or parse_byline(lines[0])
            lines = lines[1:]
        fields = {
            "title": doc.get("doc_title") or doc.get("list_title"),
            "published_at": from_epoch_ms(doc["published_at"]) if doc.get("published_at") else None,
            "origin": doc.get("source"),
            "channel": doc.get("channel_name") or response.meta.get("listing", {}).get("channel"),
            "authors": byline.authors,
            "contributors": byline.contributors,
            "body": "\n".join(lines),
            "images": images,
        }
        extraction = {name: "api:detail" for name, value in fields.items() if value}
        article = self.build_article(url, fields, extraction, response.meta["validators"])
        if article:
            yield article

    def channel(self, page: TextResponse) -> Found:
        listing = page.meta.get("listing") or {}
        return (listing["channel"], "api:channel_list") if listing.get("channel") else NOTHING

    def published_at(self, page: TextResponse) -> Found:
        found = super().published_at(page)
        if found[0]:
            return found
        object_id = dict(parse_qsl(urlsplit(page.url).query)).get("id", "")
        moment = from_object_id(object_id)
        return (moment, "url:object-id") if moment else NOTHING


def _listing(item: dict[str, Any]) -> dict[str, Any]:
    return {"channel": item.get("channel_name"), "id": item.get("id")}


def _with_query(url: str, **params: Any) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))
