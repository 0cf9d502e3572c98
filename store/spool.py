"""Articles that could not reach the store (an Elasticsearch outage), kept on disk until it
answers again: the crawl goes on, nothing is lost, and the next write sends them first."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from model.article import Article, Precision


class Spool:
    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "articles.jsonl"

    def load(self) -> list[Article]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [_article(json.loads(line)) for line in lines if line.strip()]

    def save(self, articles: list[Article]) -> None:
        """Replace the spool with ``articles`` (atomically; an empty list removes it)."""
        if not articles:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as file:
            for a in articles:
                record = {**a.__dict__, "published_at": a.published_at.isoformat()}
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, self.path)


def _article(record: dict) -> Article:
    return Article(
        **{
            **record,
            "published_at": datetime.fromisoformat(record["published_at"]),
            "published_precision": Precision(record.get("published_precision", "minute")),
        }
    )
