"""Sources as data: load and validate ``seeds/<name>.toml``.

A broken seeds file fails at start-up with the file, the line, the field and what is wrong,
e.g. ``seeds/xsnet.toml, line 12, politeness.download_delay: Input should be >= 0``.
"""

from __future__ import annotations

import codecs
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from parsel.csstranslator import css2xpath
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from crawler import settings  # the crawl-wide defaults a seeds file may override
from tidewatch.tomlfile import FileError, line_of, load_model, read_toml

MiB = 2**20
FIELD_NAMES = ("title", "published_at", "origin", "byline", "editor", "breadcrumb", "body")


class SeedsError(ValueError):
    """A seeds file that cannot be used."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Politeness(_Strict):
    download_delay: float = Field(1.0, ge=0, description="seconds between requests to a host")
    concurrency: int = Field(2, ge=1, le=16, description="parallel requests per host")


class Schedule(_Strict):
    interval_minutes: float | None = Field(None, gt=0)
    cron: str | None = Field(None, description="crontab, five fields, Asia/Shanghai")
    jitter_seconds: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _one_trigger(self) -> Schedule:
        if (self.interval_minutes is None) == (self.cron is None):
            raise ValueError("give exactly one of interval_minutes or cron")
        if self.cron is not None and len(self.cron.split()) != 5:
            raise ValueError(f"cron {self.cron!r} must have five fields")
        return self


class ApiOptions(_Strict):
    """A JSON app API used for discovery and as the article fallback (潮新闻)."""

    detail_url: str = Field(description="article detail endpoint, with {id}")
    page_size: int = Field(20, ge=1, le=100)
    signing_salt_env: str = Field(description="environment variable holding the signing salt")
    user_agent: str = "zjolapp; 6.0.0; tidewatch;"


class Check(_Strict):
    """Pages ``scrapy check NAME`` fetches to test the spider (Scrapy contracts)."""

    list_url: str | None = Field(None, description="a list page: must yield requests")
    article_url: str | None = Field(None, description="an article page: must yield one item")
    scrapes: list[str] = Field(
        default_factory=lambda: ["title", "published_at", "body"],
        description="article fields that must be filled",
    )


class Source(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    spider: Literal["html", "tidenews", "epaper"] = "html"
    hosts: list[str] = Field(min_length=1)
    start_urls: list[str] = Field(min_length=1)
    start_days: int = Field(
        1, ge=1, le=31, description="for dated start URLs ({date:%Y-%m}): today and days before"
    )
    article_url_patterns: list[str] = Field(min_length=1)
    list_url_patterns: list[str] = Field(default_factory=list)
    next_page_text: str | None = "下一页"
    max_list_pages: int = Field(5, ge=1)
    max_articles_per_run: int = Field(
        500, ge=1, le=100_000, description="article requests per run; the rest wait, newest first"
    )
    download_maxsize: int = Field(
        settings.DOWNLOAD_MAXSIZE,
        ge=16 * 1024,
        le=1024 * MiB,
        description="bytes; a larger page is too_large",
    )
    download_warnsize: int = Field(
        settings.DOWNLOAD_WARNSIZE, ge=0, description="bytes; a larger page is logged"
    )
    download_timeout: float = Field(
        settings.DOWNLOAD_TIMEOUT,
        ge=1,
        le=600,
        description="seconds for a whole response; slower is a timeout",
    )
    earliest: date | None = Field(None, description="the site's first day: no publish time before")
    keep_query: list[str] = Field(default_factory=list, description="query keys in canonical URLs")
    encoding: str | None = Field(None, description="charset to use when a page's is missing/wrong")
    politeness: Politeness = Politeness()
    schedule: Schedule
    fields: dict[str, list[str]] = Field(default_factory=dict)
    generic_fields: list[str] = Field(
        default_factory=list,
        description="fields with no selectors that the generic extractor reads (seeds suggest)",
    )
    drop_selectors: list[str] = Field(
        default_factory=list, description="elements inside the body that are not article text"
    )
    drop_lines: list[str] = Field(
        default_factory=list, description="regexes of whole body lines to drop (notices)"
    )
    channels: dict[str, str] = Field(default_factory=dict, description="URL channel code → name")
    api: ApiOptions | None = Field(None, validate_default=True)
    check: Check | None = None

    @field_validator("download_warnsize")
    @classmethod
    def _warn_below_max(cls, warnsize: int, info: ValidationInfo) -> int:
        maxsize = info.data.get("download_maxsize")
        if maxsize is not None and warnsize > maxsize:
            raise ValueError(f"{warnsize} is above download_maxsize ({maxsize})")
        return warnsize

    @field_validator("article_url_patterns", "list_url_patterns", "drop_lines")
    @classmethod
    def _regexes(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"bad regular expression {p!r}: {e}") from None
        return patterns

    @field_validator("start_urls")
    @classmethod
    def _absolute_and_ours(cls, urls: list[str], info: ValidationInfo) -> list[str]:
        hosts = info.data.get("hosts") or []
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{url!r} is not an absolute http(s) URL")
            if hosts and parts.hostname not in hosts:
                raise ValueError(f"{url!r} is not on hosts {hosts}")
        return urls

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, name: str | None) -> str | None:
        if name is not None:
            try:
                codecs.lookup(name)
            except LookupError:
                raise ValueError(f"unknown encoding {name!r}") from None
        return name

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, fields: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(fields) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)}; known: {list(FIELD_NAMES)}")
        for name, selectors in fields.items():
            _css(selectors, f"fields.{name}: ")
        return fields

    @field_validator("generic_fields")
    @classmethod
    def _known_generic_fields(cls, names: list[str]) -> list[str]:
        unknown = set(names) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)}; known: {list(FIELD_NAMES)}")
        return names

    @field_validator("drop_selectors")
    @classmethod
    def _css_selectors(cls, selectors: list[str]) -> list[str]:
        return _css(selectors)

    @field_validator("api")
    @classmethod
    def _api_when_needed(cls, api: ApiOptions | None, info: ValidationInfo) -> ApiOptions | None:
        if api is None and info.data.get("spider") == "tidenews":
            raise ValueError("spider 'tidenews' needs an [api] table")
        return api

    def entry_urls(self, today: date) -> list[str]:
        """Start URLs with ``{date:…}`` filled in for today and ``start_days - 1`` days before."""
        urls: list[str] = []
        for template in self.start_urls:
            if "{date" not in template:
                urls.append(template)
                continue
            for back in range(self.start_days):
                urls.append(template.format(date=today - timedelta(days=back)))
        return urls

    def selectors(self, field: str) -> list[str]:
        return self.fields.get(field, [])


def _css(selectors: list[str], where: str = "") -> list[str]:
    """Every selector must compile (spiders compile them once, at start-up)."""
    for css in selectors:
        try:
            css2xpath(css)
        except Exception as e:  # cssselect raises several kinds, all meaning "not CSS"
            raise ValueError(f"{where}bad CSS selector {css!r}: {e}") from None
    return selectors


def load_sources(seeds_dir: Path) -> dict[str, Source]:
    """Every ``*.toml`` in ``seeds_dir``, validated, by name."""
    files = sorted(Path(seeds_dir).glob("*.toml"))
    if not files:
        raise SeedsError(f"{seeds_dir}: no seeds files (*.toml)")
    sources = {}
    for path in files:
        source = load_source(path)
        sources[source.name] = source
    return sources


def load_source(path: Path) -> Source:
    try:
        source = load_model(path, Source)
    except FileError as e:
        raise SeedsError(str(e)) from None
    if source.name != path.stem:
        _, text = read_toml(path)
        raise SeedsError(
            f"{path}, line {line_of(text, ('name',))}, name: {source.name!r} must match "
            f"the file name {path.stem!r}"
        )
    return source
