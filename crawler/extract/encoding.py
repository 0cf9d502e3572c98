"""Decode pages right even when their charset is missing or wrong (GBK legacy CMS pages)."""

from __future__ import annotations

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding


def decoded(response: TextResponse, fallback: str | None) -> tuple[TextResponse, str]:
    """The response re-decoded if needed, and how its charset was chosen.

    Order: the declared charset (header, then <meta>) if the bytes really are in it; else
    UTF-8 if they are valid UTF-8; else the source's fallback (e.g. gb18030 for GBK pages).
    """
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(
        response.body
    )
    tries = [("declared", declared), ("utf-8", "utf-8"), ("fallback", fallback)]
    for how, name in tries:
        encoding = resolve_encoding(name) if name else None
        if not encoding:
            continue
        try:
            response.body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        note = f"{how}:{encoding}" if how != "utf-8" else "detected:utf-8"
        if declared and how != "declared":
            note += f" (declared {declared} is wrong)"
        if encoding != resolve_encoding(response.encoding):
            response = response.replace(encoding=encoding)
        return response, note
    return response, f"lossy:{response.encoding}"
