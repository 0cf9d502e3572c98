"""What one crawl did, read from its Scrapy stats: the contract for the CLI and run records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR_PREFIX = "tidewatch/errors/"
STATUS_PREFIX = "downloader/response_status_count/"
SELECTOR_MISS_PREFIX = "tidewatch/selector_miss/"  # <field>/<selectors>: seeds selectors missed
MISSING_PREFIX = "tidewatch/missing/"  # <field>: stored without it


@dataclass(frozen=True)
class CrawlSummary:
    source: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    spooled: int = 0  # kept on disk while the store was unreachable; sent by a later write
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)  # HTTP status → responses
    selector_misses: dict[str, int] = field(default_factory=dict)  # "<field>/<selectors>" → pages
    missing_fields: dict[str, int] = field(default_factory=dict)  # field → articles without it
    last_error: str | None = None
    finish_reason: str | None = None

    @classmethod
    def from_stats(cls, source: str, stats: dict[str, Any]) -> CrawlSummary:
        return cls(
            source=source,
            # the downloader's count: a 304 ends before the engine sees it, yet it is a page
            pages=stats.get("downloader/response_count", stats.get("response_received_count", 0)),
            new=stats.get("tidewatch/articles/new", 0),
            updated=stats.get("tidewatch/articles/updated", 0),
            unchanged=stats.get("tidewatch/articles/unchanged", 0),
            spooled=stats.get("tidewatch/articles/spooled", 0),
            errors=_prefixed(stats, ERROR_PREFIX),
            statuses=_prefixed(stats, STATUS_PREFIX),
            selector_misses=_prefixed(stats, SELECTOR_MISS_PREFIX),
            missing_fields=_prefixed(stats, MISSING_PREFIX),
            last_error=stats.get("tidewatch/last_error"),
            finish_reason=stats.get("finish_reason"),
        )

    @property
    def articles(self) -> int:
        """Articles the crawl saw, changed or not."""
        return self.new + self.updated + self.unchanged

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "error_count": self.error_count}

    def line(self) -> str:
        detail = ", ".join(f"{kind} {n}" for kind, n in self.errors.items())
        errors = f"{self.error_count} errors" + (f" ({detail})" if detail else "")
        spooled = f", {self.spooled} spooled (store unreachable)" if self.spooled else ""
        return (
            f"{self.source}: {self.pages} pages, {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged{spooled}, {errors}"
        )


def _prefixed(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}
