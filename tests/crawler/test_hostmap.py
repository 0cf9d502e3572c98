"""Host mapping sends a request elsewhere but keeps the real URL everywhere above transport."""

from __future__ import annotations

import pytest

from crawler.hostmap import mapped_url

HOST_MAP = {
    "www.xsnet.cn": "127.0.0.1:8001",
    "tidenews.com.cn": "127.0.0.1:8002",
    "mirror.example": "https://staging.example:8443",
}


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://www.xsnet.cn/news/szjj/", "http://127.0.0.1:8001/news/szjj/"),
        (
            "https://tidenews.com.cn/news.html?id=3041187",
            "http://127.0.0.1:8002/news.html?id=3041187",
        ),
        ("http://WWW.XSNET.CN/a.shtml", "http://127.0.0.1:8001/a.shtml"),
        ("https://mirror.example/x?y=1", "https://staging.example:8443/x?y=1"),
        ("http://www.xsnet.cn/a.shtml#top", "http://127.0.0.1:8001/a.shtml"),
        ("http://other.example/", None),
        ("http://xsnet.cn/", None),  # only the exact host is mapped
    ],
)
def test_mapped_url(url: str, target: str | None) -> None:
    assert mapped_url(url, HOST_MAP) == target
