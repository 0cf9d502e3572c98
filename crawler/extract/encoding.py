"""Decode pages right even when their charset is missing or wrong (GBK legacy CMS pages)."""

from __future__ import annotations

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding


def decoded(response: TextResponse, fallback: str | None) -> tuple[TextResponse, str]:
    """The response re-decoded if needed, and how its charset was chosen.

    Order: valid non-ASCII UTF-8 is UTF-8 whatever is declared (GBK decodes almost any
    bytes, so a GBK label proves nothing); then the declared charset (header, then <meta>)
    if the bytes really are in it; else UTF-8; else the source's fallback (gb18030 for GBK).
    """
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(
        response.body
    )
    body = response.body
    utf8_mislabelled = declared and resolve_encoding(declared) != "utf-8" and not body.isascii()
    if utf8_mislabelled and _decodes(body, "utf-8"):
        note = f"detected:utf-8 (declared {declared} is wrong)"
        return response.replace(encoding="utf-8"), note
    for how, name in [("declared", declared), ("detected", "utf-8"), ("fallback", fallback)]:
        encoding = resolve_encoding(name) if name else None
        if not encoding or not _decodes(body, encoding):
            continue
        note = f"{how}:{encoding}"
        if declared and how != "declared":
            note += f" (declared {declared} is wrong)"
        if encoding != resolve_encoding(response.encoding):
            response = response.replace(encoding=encoding)
        return response, note
    return response, f"lossy:{response.encoding}"


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
