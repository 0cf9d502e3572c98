"""The article store on Elasticsearch, through the official client (8.x: ES 8 and 9 servers).

Layout: articles in ``<alias>-v<N>`` behind the alias ``<alias>`` (a mapping change is a
reindex and an alias switch, never a data loss); the change feed in ``<alias>-changes``,
ordered by a ``seq`` that a counter document in ``<alias>-seq`` hands out in blocks.
Document id = the stable article id, so re-crawls update instead of duplicating.

Search semantics are the same as SQLite's: Elasticsearch narrows candidates with
``match_phrase`` on the bigram+unigram sub-fields, then ``store.base.rank_and_snippet``
decides exact matches, ranking and highlights in Python.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import regex
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from model.article import Article
from model.clock import iso, now
from store.base import (
    Change,
    Outcome,
    SearchHit,
    StoredArticle,
    Validators,
    article_id,
    rank_and_snippet,
)
from store.query import And, Node, Not, Or, Query, Term
from tidewatch.config import Config

log = logging.getLogger(__name__)
logging.getLogger("elastic_transport.transport").setLevel(logging.ERROR)
MAPPINGS = Path(__file__).parent / "mappings"
CANDIDATES = 10_000  # the most candidates a search narrows to before exact matching
FIELDS = [f.name for f in dataclasses.fields(StoredArticle)]  # the record, field for field


class BulkError(RuntimeError):
    """Some documents were not written even after retries; ``ids`` lists them, and
    ``outcomes`` what happened to the rest of the batch."""

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.ids = set(ids)
        self.outcomes: dict[str, Outcome] = {}


def client_for(config: Config) -> Elasticsearch:
    auth: dict[str, Any] = {}
    if config.es_api_key:
        auth["api_key"] = config.es_api_key.get_secret_value()
    elif config.es_user:
        password = config.es_password.get_secret_value() if config.es_password else ""
        credentials = f"{config.es_user}:{password}".encode()  # UTF-8, as RFC 7617 allows
        auth["headers"] = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
    if config.es_ca_file:
        auth["ca_certs"] = str(config.es_ca_file)
    return Elasticsearch(
        config.es_url, request_timeout=30, max_retries=3, retry_on_timeout=True, **auth
    )


# Word-segmenting analyzers, added as sub-fields when every node has the plugin.
PLUGIN_FIELDS = {
    "analysis-smartcn": ("smart", {"type": "text", "analyzer": "smartcn"}),
    "analysis-ik": (
        "ik",
        {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"},
    ),
}


def template_body(alias: str, plugins: Iterable[str] = ()) -> dict[str, Any]:
    body = json.loads((MAPPINGS / "articles.json").read_text(encoding="utf-8"))
    body.pop("_comment", None)
    body["index_patterns"] = [p.format(alias=alias) for p in body["index_patterns"]]
    properties = body["template"]["mappings"]["properties"]
    for plugin in sorted(set(plugins) & PLUGIN_FIELDS.keys()):
        name, field = PLUGIN_FIELDS[plugin]
        for text in ("title", "body"):
            properties[text]["fields"][name] = field
    return body


def mapping_version() -> int:
    return template_body("x")["_meta"]["version"]


class ElasticsearchStore:
    def __init__(self, config: Config, client: Elasticsearch | None = None) -> None:
        self.es = client or client_for(config)
        self.alias = config.es_index
        self.changes_index = f"{config.es_index}-changes"
        self.seq_index = f"{config.es_index}-seq"
        self.batch_size = config.es_batch_size
        self._ready = False

    # -- index management -------------------------------------------------------------------

    def create(self) -> str:
        """Template, versioned index, alias, change feed: idempotent. Returns the index name."""
        body = template_body(self.alias, self.analysis_plugins())
        self.es.indices.put_index_template(name=self.alias, **body)
        if self.es.indices.exists_alias(name=self.alias):
            return next(iter(self.es.indices.get_alias(name=self.alias)))
        index = f"{self.alias}-v{mapping_version()}"
        if not self.es.indices.exists(index=index):
            self.es.indices.create(index=index)
        self.es.indices.put_alias(index=index, name=self.alias)
        if not self.es.indices.exists(index=self.changes_index):
            changes = json.loads((MAPPINGS / "changes.json").read_text(encoding="utf-8"))
            self.es.indices.create(index=self.changes_index, mappings=changes["mappings"])
        return index

    def analysis_plugins(self) -> set[str]:
        """Plugins installed on every node (a sub-field needs its analyzer everywhere)."""
        try:
            nodes = self.es.nodes.info(metric="plugins")["nodes"].values()
        except ApiError:
            return set()
        found = [{p["name"] for p in node.get("plugins", [])} for node in nodes]
        return set.intersection(*found) if found else set()

    # -- writing ----------------------------------------------------------------------------

    def upsert(
        self, article: Article, *, etag: str | None = None, last_modified: str | None = None
    ) -> Outcome:
        article.validators = {**article.validators, "etag": etag, "last_modified": last_modified}
        return self.upsert_many([article])[0]

    def upsert_many(self, articles: list[Article]) -> list[Outcome]:
        """Write a batch with the bulk helpers; the change feed first, so a crash between
        the two writes repeats a change rather than losing one."""
        self._check_ready()
        latest = {article_id(a.url): a for a in articles}  # the last copy of an article wins
        ids = list(latest)
        known = self._known(ids)
        seen = iso(now())
        outcomes: dict[str, Outcome] = {}
        docs, changes = [], []
        for aid, article in latest.items():
            before = known.get(aid)
            digest = article.content_hash()
            validators = {k: v for k, v in article.validators.items() if v}
            if before and before["content_hash"] == digest:
                outcomes[aid] = Outcome.UNCHANGED
                docs.append(
                    {"_op_type": "update", "_id": aid, "doc": {"last_seen": seen, **validators}}
                )
                continue
            version = before["version"] + 1 if before else 1
            outcome = Outcome.UPDATED if before else Outcome.NEW
            outcomes[aid] = outcome
            docs.append(
                {
                    "_op_type": "index",
                    "_id": aid,
                    "_source": _document(article, aid, digest, before, seen, version),
                }
            )
            changes.append(
                {"article_id": aid, "version": version, "kind": outcome.value, "at": seen}
            )
        if changes:
            seqs = self._reserve(len(changes))
            self._bulk(
                self.changes_index,
                [
                    {
                        "_op_type": "create",
                        "_id": f"{c['article_id']}:{c['version']}",
                        "_source": {**c, "seq": seq},
                    }
                    for c, seq in zip(changes, seqs, strict=True)
                ],
            )
        try:
            self._bulk(self.alias, docs)
        except BulkError as e:
            e.outcomes = {i: o for i, o in outcomes.items() if i not in e.ids}
            raise
        # in input order: the first copy of an article carries its outcome, later ones
        # are unchanged (as writing them one by one would report)
        result, reported = [], set()
        for a in articles:
            aid = article_id(a.url)
            result.append(Outcome.UNCHANGED if aid in reported else outcomes[aid])
            reported.add(aid)
        return result

    def _check_ready(self) -> None:
        """Refuse to write before `tidewatch index create`: a write would auto-create the
        change feed with guessed field types."""
        if not self._ready:
            if not self.es.indices.exists(index=self.changes_index):
                raise BulkError(
                    f"{self.changes_index} does not exist: run `tidewatch index create`"
                )
            self._ready = True

    def touch(self, url: str) -> bool:
        try:
            self.es.update(index=self.alias, id=article_id(url), doc={"last_seen": iso(now())})
        except NotFoundError:
            return False
        return True

    def _known(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        answer = self.es.mget(
            index=self.alias, ids=ids, source_includes=["content_hash", "version", "first_seen"]
        )
        return {d["_id"]: d["_source"] for d in answer["docs"] if d.get("found")}

    def _reserve(self, count: int) -> range:
        """``count`` new change-feed numbers, unique across writers (optimistic counter)."""
        answer = self.es.update(
            index=self.seq_index,
            id="changes",
            retry_on_conflict=20,
            source=True,
            script={"source": "ctx._source.seq += params.n", "params": {"n": count}},
            upsert={"seq": count},
        )
        top = answer["get"]["_source"]["seq"]
        return range(top - count + 1, top + 1)

    def _bulk(self, index: str, actions: list[dict[str, Any]], attempts: int = 3) -> None:
        """Bulk-write; items that fail are retried on their own, and any still failing
        (except a 'create' of a change already recorded) are reported, never dropped."""
        pending = actions
        for _ in range(attempts):
            failed = []
            for ok, item in helpers.streaming_bulk(
                self.es,
                [{**a, "_index": index} for a in pending],
                chunk_size=self.batch_size,
                raise_on_error=False,
                raise_on_exception=False,
                max_retries=2,
                # searches right after a write see it; at news volume (a batch every few
                # minutes) a forced refresh is cheap, and one-by-one writes do not wait 1 s
                refresh=True,
                # never let a missing alias turn into an auto-created plain index
                require_alias=index == self.alias,
            ):
                if ok:
                    continue
                result = next(iter(item.values()))
                if result.get("status") == 409 and next(iter(item)) == "create":
                    continue  # this change was recorded by an earlier, interrupted write
                failed.append(result)
            if not failed:
                return
            failed_ids = {f["_id"] for f in failed}
            pending = [a for a in pending if a["_id"] in failed_ids]
            log.warning("bulk: %d of %d items failed; retrying them", len(pending), len(actions))
        error = failed[0].get("error")
        raise BulkError(f"not written to {index}: {sorted(failed_ids)}: {error}", failed_ids)

    # -- reading ----------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        try:
            doc = self.es.get(
                index=self.alias, id=article_id(url), source_includes=["etag", "last_modified"]
            )
        except NotFoundError:
            return None
        source = doc["_source"]
        return Validators(source.get("etag"), source.get("last_modified"))

    def get(self, article_id: str) -> StoredArticle | None:
        try:
            return _stored(self.es.get(index=self.alias, id=article_id)["_source"])
        except NotFoundError:
            return None

    def search(
        self,
        query: Query,
        *,
        source: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        request = {"bool": {"must": [prefilter(query.root)], "filter": _filters(source, since)}}
        answer = self.es.search(
            index=self.alias, query=request, size=CANDIDATES, sort=[{"published_at": "desc"}]
        )
        candidates = [_stored(hit["_source"]) for hit in answer["hits"]["hits"]]
        return rank_and_snippet(query, candidates, limit)

    def articles(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredArticle]:
        query = {"bool": {"filter": _filters(source, since)}}
        after: list[Any] | None = None
        while True:
            page = self.es.search(
                index=self.alias,
                query=query,
                size=self.batch_size,
                sort=[{"published_at": "asc"}, {"id": "asc"}],
                search_after=after,
            )
            hits = page["hits"]["hits"]
            yield from (_stored(h["_source"]) for h in hits)
            if len(hits) < self.batch_size:
                return
            after = hits[-1]["sort"]

    def changes(self, after: int = 0, limit: int = 500) -> list[Change]:
        feed = self.es.search(
            index=self.changes_index,
            query={"range": {"seq": {"gt": after}}},
            sort=[{"seq": "asc"}],
            size=limit,
        )["hits"]["hits"]
        ids = list(dict.fromkeys(h["_source"]["article_id"] for h in feed))
        docs = self.es.mget(index=self.alias, ids=ids)["docs"] if ids else []
        articles = {d["_id"]: _stored(d["_source"]) for d in docs if d.get("found")}
        changes = []
        for hit in feed:
            change = hit["_source"]
            article = articles.get(change["article_id"])
            if article is None or article.version < change["version"]:
                # announced before its article was written (a failed or running write):
                # stop here, so a reader's cursor never passes a change it could not see
                log.warning(
                    "change feed waits at seq %s for article %s v%s",
                    change["seq"],
                    change["article_id"],
                    change["version"],
                )
                break
            changes.append(Change(change["seq"], Outcome(change["kind"]), article))
        return changes

    def count(self, source: str | None = None) -> int:
        query = {"bool": {"filter": _filters(source, None)}}
        return self.es.count(index=self.alias, query=query)["count"]

    def counts_by_source(self) -> dict[str, int]:
        answer = self.es.search(
            index=self.alias, size=0, aggs={"sources": {"terms": {"field": "source", "size": 100}}}
        )
        return {b["key"]: b["doc_count"] for b in answer["aggregations"]["sources"]["buckets"]}

    def close(self) -> None:
        self.es.close()


def prefilter(node: Node) -> dict[str, Any]:
    """An Elasticsearch query that admits every true match; exactness is decided after.

    A term is cut into runs: CJK runs are phrases on the bigram+unigram sub-fields (one
    character included); ASCII letter/digit runs are ``*run*`` wildcards on the same
    tokens, since a substring need not be a whole word (``ai`` is in "said"); anything
    else cannot narrow. NOT and context exclusions are left to the exact pass.
    """
    match node:
        case Term(text=text, raw=raw):
            if _FOLDS_DIFFERENTLY.search(unicodedata.normalize("NFKC", raw)):
                return {"match_all": {}}  # ß, é…: Elasticsearch would not fold them like us
            runs = [_run_query(run) for run in _RUNS.findall(text)]
            runs = [r for r in runs if r is not None]
            if not runs:
                return {"match_all": {}}
            return runs[0] if len(runs) == 1 else {"bool": {"must": runs}}
        case And(parts):
            return {"bool": {"must": [prefilter(p) for p in parts]}}
        case Or(parts):
            return {"bool": {"should": [prefilter(p) for p in parts], "minimum_should_match": 1}}
        case Not():
            return {"match_all": {}}
    raise TypeError(node)


_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_RUNS = regex.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RUN = regex.compile(rf"[{_CJK}]+")
_FOLDS_DIFFERENTLY = regex.compile(rf"[^\x00-\x7f{_CJK}\p{{P}}\p{{S}}\s]")


def _run_query(run: str) -> dict[str, Any]:
    if _CJK_RUN.fullmatch(run):
        clauses = [{"match_phrase": {field: run}} for field in ("title.uni", "body.uni")]
    else:  # lower-case ASCII letters and digits, as the analyser indexed them
        clauses = [
            {"wildcard": {field: {"value": f"*{run}*"}}} for field in ("title.uni", "body.uni")
        ]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _filters(source: str | None, since: datetime | None) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if source:
        filters.append({"term": {"source": source}})
    if since:
        filters.append({"range": {"published_at": {"gte": iso(since)}}})
    return filters


def _document(
    article: Article,
    aid: str,
    digest: str,
    before: dict[str, Any] | None,
    seen: str,
    version: int,
) -> dict[str, Any]:
    doc = {name: getattr(article, name, None) for name in FIELDS}
    doc.update(
        id=aid,
        published_at=iso(article.published_at),
        published_precision=str(article.published_precision),
        content_hash=digest,
        first_seen=before["first_seen"] if before else seen,
        last_seen=seen,
        version=version,
        **{k: v for k, v in article.validators.items() if v},
    )
    return doc


def _stored(source: dict[str, Any]) -> StoredArticle:
    record = {name: source.get(name) for name in FIELDS}
    record["published_precision"] = record["published_precision"] or "minute"  # older documents
    return StoredArticle(**record)


def documents(articles: Iterable[StoredArticle]) -> Iterator[dict[str, Any]]:
    """Stored articles as index actions (for reindexing from another store)."""
    for a in articles:
        yield {"_op_type": "index", "_id": a.id, "_source": {n: getattr(a, n) for n in FIELDS}}
