"""A source's schedule: its seeds file's, changed by the configuration's [sources.NAME]."""

from __future__ import annotations

from crawler.seeds import Schedule, Source
from tidewatch.config import Config


def effective_schedule(source: Source, config: Config) -> Schedule | None:
    """The seeds schedule with the configuration's overrides; None if the source is off."""
    override = config.sources.get(source.name)
    if override is None:
        return source.schedule
    if not override.enabled:
        return None
    changes = {k: v for k, v in override.model_dump().items() if k != "enabled" and v is not None}
    if "cron" in changes:
        changes.setdefault("interval_minutes", None)
    if "interval_minutes" in changes:
        changes.setdefault("cron", None)
    return Schedule(**{**source.schedule.model_dump(), **changes})
