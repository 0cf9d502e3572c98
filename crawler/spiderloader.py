"""Spiders from seeds: each ``seeds/<name>.toml`` becomes a spider named ``<name>``.

A new source that fits an existing spider kind ("html", "epaper", "tidenews") is one seeds
file; one that needs new behaviour adds a small spider kind, never engine changes.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from crawler.seeds import Source, load_sources
from crawler.spiders import SPIDER_KINDS
from tidewatch.config import Config, load_config


def spider_class(source: Source) -> type[Spider]:
    base = SPIDER_KINDS[source.spider]
    attributes = {"name": source.name, "source": source, **_contracts(base, source)}
    return type(f"{source.name.title()}Spider", (base,), attributes)


def _contracts(base: type[Spider], source: Source) -> dict[str, Any]:
    """Callbacks whose docstrings carry Scrapy contracts for ``scrapy check``, from the
    seeds' ``[check]`` pages: a list page yields requests, an article page one full item."""
    if source.check is None:
        return {}
    methods: dict[str, Any] = {}
    if url := source.check.article_url:

        def parse_article(self: Any, response: Any) -> Any:
            return base.parse_article(self, response)

        parse_article.__doc__ = (
            f"An article page of {source.name}.\n\n@url {url}\n@returns items 1 1\n"
            f"@scrapes {' '.join(source.check.scrapes)}\n"
        )
        methods["parse_article"] = parse_article
    if url := source.check.list_url:

        def parse_list(self: Any, response: Any) -> Any:
            return base.parse_list(self, response)

        parse_list.__doc__ = f"A list page of {source.name}.\n\n@url {url}\n@returns requests 1\n"
        methods["parse_list"] = parse_list
    return methods


class SeedsSpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        config: Config = settings.get("TIDEWATCH_CONFIG") or load_config()
        self._spiders = {
            name: spider_class(source) for name, source in load_sources(config.seeds_dir).items()
        }

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            known = ", ".join(sorted(self._spiders))
            raise KeyError(f"unknown source {spider_name!r}; known: {known}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.handles_url(request.url)]
