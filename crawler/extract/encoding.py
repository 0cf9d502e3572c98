"""Decode pages right even when their charset is missing or wrong (GBK legacy CMS pages).

Order: valid non-ASCII UTF-8 is UTF-8 whatever is declared (GBK decodes almost any bytes, so
a GBK label proves nothing); then the declared charset (header, then ``<meta>``) if the bytes
really are in it; else UTF-8; else the source's fallback (gb18030 for GBK); else GBK or UTF-8
bytes under a single-byte label (servers default to ISO-8859-1). When no charset decodes the
bytes cleanly, the Chinese-capable charset with the fewest broken characters wins and decodes
with replacement: a GBK page with two broken bytes loses two characters, never the whole page
to a wrong script (a single-byte guess decodes anything, as Cyrillic mojibake).
"""

from __future__ import annotations

import codecs
import functools

from scrapy.http import TextResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_WIDE = ("utf-8", "gb18030")  # what Chinese pages are written in when they are not labelled
_SNIFF_BYTES = 1_000_000  # enough bytes to judge; a charset is not chosen on megabytes


def decoded(response: TextResponse, fallback: str | None) -> tuple[TextResponse, str]:
    """The response re-decoded if needed, and how its charset was chosen."""
    encoding, note = _response_encoding(response, fallback)
    if encoding != resolve_encoding(response.encoding):
        response = response.replace(encoding=encoding)
    return response, note


def decoded_text(response: TextResponse, fallback: str | None) -> tuple[str, str]:
    """What ``decoded(response, fallback)[0].text`` is, and the note: without a second
    response or Scrapy's own charset detection, and without decoding again the bytes that
    choosing the charset already decoded."""
    body = response.body
    trials = _Trials(body[:_SNIFF_BYTES])
    encoding, note = _response_encoding(response, fallback, trials)
    text = trials.texts.get(encoding)
    if text is None or len(body) > _SNIFF_BYTES or not _as_scrapy_decodes(body, encoding):
        text = html_to_unicode(f"charset={encoding}", body)[1]
    return text, note


def _as_scrapy_decodes(body: bytes, encoding: str) -> bool:
    """Whether Scrapy's text (w3lib's ``html_to_unicode``) is ``body.decode(encoding)``: no
    byte-order mark to obey, and the same codec under w3lib's name for the charset."""
    if read_bom(body)[0] is not None:
        return False
    named = http_content_type_encoding(f"charset={encoding}")
    return named not in (None, "utf-16", "utf-32") and _codec(named) == _codec(encoding)


def _response_encoding(
    response: TextResponse, fallback: str | None, trials: _Trials | None = None
) -> tuple[str, str]:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(
        response.body
    )
    return choose_encoding(response.body, declared, fallback, trials)


def decode_bytes(body: bytes, declared: str | None = None, fallback: str | None = None) -> str:
    """``body`` as text: declared charset (or the ``<meta>`` one) checked, replacement if lossy."""
    declared = declared or html_body_declared_encoding(body)
    encoding, _ = choose_encoding(body, declared, fallback)
    return body.decode(encoding, errors="replace")


def choose_encoding(
    body: bytes, declared: str | None, fallback: str | None, trials: _Trials | None = None
) -> tuple[str, str]:
    """(encoding, how it was chosen) for ``body``; ``lossy:`` when characters will be replaced.
    ``trials``: where the sample's clean decodings are kept (those of ``body[:_SNIFF_BYTES]``)."""
    sample = body[:_SNIFF_BYTES]
    decodes = trials or _Trials(sample)
    declared_enc = _resolve(declared)
    wrong = f" (declared {declared_enc or declared} is wrong)" if declared else ""
    if declared_enc != "utf-8" and not sample.isascii() and decodes("utf-8"):
        return "utf-8", "detected:utf-8" + wrong
    if declared_enc and decodes(declared_enc):
        if sample.isascii() or not _single_byte(declared_enc):
            return declared_enc, f"declared:{declared_enc}"
        for name in _WIDE:  # GBK bytes under a default ISO-8859-1 label
            if decodes(name):
                return name, f"detected:{name}{wrong}"
        return declared_enc, f"declared:{declared_enc}"
    for how, name in [("detected", "utf-8"), ("fallback", fallback), ("detected", "gb18030")]:
        encoding = _resolve(name)
        if encoding and decodes(encoding):
            return encoding, f"{how}:{encoding}{wrong}"
    return _least_broken(sample, declared_enc, _resolve(fallback), wrong)


def _least_broken(
    sample: bytes, declared: str | None, fallback: str | None, wrong: str
) -> tuple[str, str]:
    """No charset decodes cleanly: the declared one unless another breaks far fewer characters."""
    candidates = [e for e in dict.fromkeys((declared, fallback, *_WIDE)) if e]
    broken = {e: _broken(sample, e) for e in candidates if not _single_byte(e)}
    if not broken:  # only a single-byte label: it decodes everything, keep it
        return declared or "utf-8", f"lossy:{declared}"
    best = min(broken, key=broken.get)
    first = next(iter(broken))
    if broken[first] <= 2 * broken[best] or broken[first] - broken[best] < 8:
        best = first  # not enough evidence against the declared (or fallback) charset
    note = f"lossy:{best} ({broken[best]} broken characters replaced)"
    return best, note + (wrong if best != declared else "")


def _resolve(name: str | None) -> str | None:
    if not name:
        return None
    encoding = resolve_encoding(name)
    return encoding if encoding and _known(encoding) else None


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _single_byte(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith(("cp", "iso8859", "latin", "koi8", "mac"))
    except LookupError:
        return False


class _Trials:
    """Clean decodings of one sample, kept: the one chosen is usually the page's text."""

    __slots__ = ("sample", "texts")

    def __init__(self, sample: bytes) -> None:
        self.sample = sample
        self.texts: dict[str, str] = {}

    def __call__(self, encoding: str) -> bool:
        """Whether the sample decodes in ``encoding`` without a broken character."""
        if encoding not in self.texts:
            try:
                self.texts[encoding] = self.sample.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                return False
        return True


@functools.lru_cache(maxsize=64)
def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _broken(body: bytes, encoding: str) -> int:
    return body.decode(encoding, errors="replace").count("\ufffd")
