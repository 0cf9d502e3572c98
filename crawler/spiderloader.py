"""Spiders from seeds: each ``seeds/<name>.toml`` becomes a spider named ``<name>``.

A new source that fits an existing spider kind ("html", "epaper", "tidenews") is one seeds
file; one that needs new behaviour adds a small spider kind, never engine changes.
"""

from __future__ import annotations

from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from crawler.seeds import Source, load_sources
from crawler.spiders import SPIDER_KINDS
from tidewatch.config import Config, load_config


def spider_class(source: Source) -> type[Spider]:
    base = SPIDER_KINDS[source.spider]
    return type(f"{source.name.title()}Spider", (base,), {"name": source.name, "source": source})


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
