"""Fetch a source's hosts from other addresses: local replicas, staging mirrors.

With ``TIDEWATCH_HOST_MAP="www.xsnet.cn=127.0.0.1:8001"`` a request for
``http://www.xsnet.cn/news/…`` is sent to 127.0.0.1:8001 with ``Host: www.xsnet.cn``, like
``curl --resolve``. Everything above the transport — URLs in items, offsite checks, redirects,
the dupefilter — sees only the real, canonical URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.runtime import config_for


def mapped_url(url: str, host_map: dict[str, str]) -> str | None:
    """Where to really fetch ``url``; None when its host is not mapped.

    An address may carry a scheme (``https://mirror:8443``); without one it is plain HTTP.
    """
    parts = urlsplit(url)
    address = host_map.get((parts.hostname or "").lower())
    if address is None:
        return None
    scheme, _, netloc = address.rpartition("://")
    return urlunsplit((scheme or "http", netloc, parts.path, parts.query, ""))


class HostMapDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.host_map = config_for(crawler).host_map

    async def download_request(self, request: Request) -> Response:
        target = mapped_url(request.url, self.host_map)
        if target is None:
            return await super().download_request(request)
        headers = request.headers.copy()
        headers[b"Host"] = urlsplit(request.url).netloc
        response = await super().download_request(request.replace(url=target, headers=headers))
        return response.replace(url=request.url)
