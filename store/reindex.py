"""Copy every article into a new versioned index, then switch the alias in one step.

Resumable: after each batch the position is saved in ``<data_dir>/reindex.json``; a
rerun continues from there into the same new index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elasticsearch import helpers

from model.clock import now
from store.base import ArticleStore
from store.elasticsearch import ElasticsearchStore, documents, mapping_version


def reindex(
    target: ElasticsearchStore,
    source: ArticleStore,
    cursor_file: Path,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[str, int]:
    """Returns (the new index, articles copied)."""
    es, alias = target.es, target.alias
    state = _load(cursor_file)
    if state is None:
        state = {
            "index": f"{alias}-v{mapping_version()}-{now():%Y%m%d%H%M%S}",
            "after": None,
            "copied": 0,
        }
        target.create()  # the template the new index takes its mapping from
        es.indices.create(index=state["index"])
        _save(cursor_file, state)
    total = source.count()
    batch: list[Any] = []
    for article in source.articles():
        key = [article.published_at, article.id]
        if state["after"] and key <= state["after"]:
            continue  # copied before an interruption
        batch.append(article)
        if len(batch) >= target.batch_size:
            _copy(es, state, batch, cursor_file)
            progress(state["copied"], total)
            batch = []
    if batch:
        _copy(es, state, batch, cursor_file)
        progress(state["copied"], total)
    old = list(es.indices.get_alias(name=alias)) if es.indices.exists_alias(name=alias) else []
    actions = [{"remove": {"index": i, "alias": alias}} for i in old]
    es.indices.update_aliases(
        actions=[*actions, {"add": {"index": state["index"], "alias": alias}}]
    )
    cursor_file.unlink(missing_ok=True)
    return state["index"], state["copied"]


def _copy(es: Any, state: dict[str, Any], batch: list[Any], cursor_file: Path) -> None:
    helpers.bulk(es, documents(batch), index=state["index"], refresh="wait_for")
    state["after"] = [batch[-1].published_at, batch[-1].id]
    state["copied"] += len(batch)
    _save(cursor_file, state)


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _save(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(state))
    partial.replace(path)
