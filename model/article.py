"""The article record: what a spider extracts from one page, before the store adds its bookkeeping.

Scrapy yields it as its item; the store, alerts and the UI read it. It imports nothing upstream.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

CONTENT_FIELDS = (
    "title",
    "published_at",
    "origin",
    "authors",
    "contributors",
    "editor",
    "body",
    "images",
)


class Precision(StrEnum):
    """How much of ``published_at`` the page really gave.

    ``day``: a date only; the time of day (00:00) is not real and is never shown.
    ``unknown``: no time found; ``published_at`` is when Tidewatch first saw the page.
    """

    SECOND = "second"
    MINUTE = "minute"
    DAY = "day"
    UNKNOWN = "unknown"


@dataclass
class Article:
    url: str  # canonical: the real site's URL, whatever mirror it was fetched from
    source: str
    title: str
    published_at: datetime  # aware, Asia/Shanghai
    body: str  # plain text, one paragraph per line
    channel: str | None = None
    origin: str | None = None  # 来源
    authors: list[str] = field(default_factory=list)  # 记者
    contributors: list[str] = field(default_factory=list)  # 通讯员
    editor: str | None = None
    images: list[str] = field(default_factory=list)
    extraction: dict[str, str] = field(default_factory=dict)  # field → method that produced it
    # HTTP validators (etag, last_modified) of the page, so a re-crawl can ask "changed since?"
    validators: dict[str, str] = field(default_factory=dict)
    published_precision: Precision = Precision.MINUTE

    def content_hash(self) -> str:
        """Changes exactly when what a reader sees changes."""
        values = [getattr(self, name) for name in CONTENT_FIELDS]
        values[CONTENT_FIELDS.index("published_at")] = self.published_at.isoformat()
        payload = json.dumps(values, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
