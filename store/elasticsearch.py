"""The article store on Elasticsearch, through the official client (8.x: ES 8 and 9 servers).

Layout, all named after the alias ``<alias>``:

* articles in ``<alias>-v<N>`` behind the alias (a mapping change is a put-mapping when it
  only adds fields, a reindex and an alias switch otherwise, never a data loss);
* ``<alias>-changes``: the change feed, ordered by a ``seq`` that the counter document in
  ``<alias>-seq`` hands out per batch (a reader waits at numbers reserved by a writer that
  has not written them yet, up to GAP_WAIT; a number whose change was recorded under
  another is written as a ``void`` the reader passes at once);
* ``<alias>-versions``: every version of every article (``versions(id)``), compressed;
  creating ``<id>:<version>`` is how a writer claims a version, so racing writers never
  record one twice nor lose one;
* ``<alias>-seen``: ``last_seen`` and HTTP validators, so re-seeing an unchanged article
  writes a tiny side document, never the article.

Search is compiled to queries Elasticsearch evaluates exactly (see ``compile_query``):
totals, per-source counts and trends are its own aggregations. Only documents whose text the
analyser folds differently from ``store.textnorm`` (``text_plain: false``), and queries that
cannot be compiled exactly (Latin substrings, kana, contexts that overlap), go through the
exact pass in Python, paging with ``search_after`` until the page is full.

Keyword fields a page or a server fills carry ``ignore_above`` (a term over 32,766 UTF-8
bytes would make the cluster refuse the whole article).

Writes never refresh: a read of this store that follows its own write refreshes once, and
``close`` refreshes what is still unseen, so another process sees a finished crawl.
"""

from __future__ import annotations

import base64
import dataclasses
import heapq
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import regex
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from model.article import Article
from model.clock import SHANGHAI, iso, now
from store.base import (
    Change,
    Counts,
    Outcome,
    SearchHit,
    StoredArticle,
    StoreError,
    Validators,
    article_id,
    highlight,
    in_input_order,
)
from store.query import And, Node, Not, Or, Query, Term
from store.textnorm import normalize

log = logging.getLogger(__name__)
logging.getLogger("elastic_transport.transport").setLevel(logging.ERROR)
MAPPINGS = Path(__file__).parent / "mappings"
FIELDS = [f.name for f in dataclasses.fields(StoredArticle)]  # the record, field for field
SORT = [{"published_at": "desc"}, {"id": "asc"}]  # newest first; the id makes it a total order
SCAN_PAGE = 500  # candidates per request when the exact pass pages through them
MAX_PAGE = 1_000  # the most hits one request asks for
PIT_KEEP_ALIVE = "2m"
PIT_REFUSED = {400, 401, 403, 404, 405, 501}  # statuses that say no PIT will ever be had
MAX_TOKEN_LENGTH = 255  # the standard tokenizer's: it splits a longer word every 255
GAP_WAIT = 300  # seconds a reader waits for change numbers another writer reserved
CONFLICT_RETRIES = 3  # retry_on_conflict of updates of side documents
CLAIM_ROUNDS = 5  # versions of one article a batch claims when other writers race it
NAMED = 20  # failed items a BulkError names (the rest are counted)
VOID = "void"  # the kind of a change number left unused (its change was recorded before)
# Longest kana/hangul match_phrase. The query's own analysis is a token graph (each bigram
# spans two unigrams): a phrase on it is one span clause per path, fib(n + 1) of them for n
# characters, holding graph_terms(n) span terms, and every term counts against the clause
# limit. 4 characters: 5 paths, 15 terms.
PHRASE_RUN = 4
# Leaf clauses one search may hold: the least max_clause_count an 8.x node computes (1,024),
# less room for the filters (source, channel, dates, text_plain) around the query.
MAX_CLAUSES = 1_024 - 16


class BulkError(StoreError):
    """Some documents were not written even after retries; ``ids`` lists the articles, and
    ``outcomes`` what happened to the rest of the batch."""

    def __init__(self, message: str, ids: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.ids = set(ids)
        self.outcomes: dict[str, Outcome] = {}


def client_for(
    url: str,
    *,
    api_key: str | None = None,
    user: str | None = None,
    password: str | None = None,
    ca_file: str | Path | None = None,
) -> Elasticsearch:
    auth: dict[str, Any] = {}
    if api_key:
        auth["api_key"] = api_key
    elif user:
        credentials = f"{user}:{password or ''}".encode()  # UTF-8, as RFC 7617 allows
        auth["headers"] = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
    if ca_file:
        auth["ca_certs"] = str(ca_file)
    return Elasticsearch(url, request_timeout=30, max_retries=3, retry_on_timeout=True, **auth)


# Word-segmenting analyzers, added as sub-fields when every node has the plugin.
PLUGIN_FIELDS = {
    "analysis-smartcn": ("smart", {"type": "text", "analyzer": "smartcn"}),
    "analysis-ik": (
        "ik",
        {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"},
    ),
}


def _mapping_file(name: str) -> dict[str, Any]:
    body = json.loads((MAPPINGS / name).read_text(encoding="utf-8"))
    body.pop("_comment", None)
    return body


def template_body(alias: str, plugins: Iterable[str] = ()) -> dict[str, Any]:
    body = _mapping_file("articles.json")
    version = body["_meta"]["version"]
    body["index_patterns"] = [
        p.format(alias=alias, version=version) for p in body["index_patterns"]
    ]
    properties = body["template"]["mappings"]["properties"]
    for plugin in sorted(set(plugins) & PLUGIN_FIELDS.keys()):
        name, field = PLUGIN_FIELDS[plugin]
        for text in ("title", "body"):
            properties[text]["fields"][name] = field
    return body


def mapping_version() -> int:
    return template_body("x")["_meta"]["version"]


class ElasticsearchStore:
    def __init__(
        self,
        url: str | None = None,
        *,
        api_key: str | None = None,
        user: str | None = None,
        password: str | None = None,
        ca_file: str | Path | None = None,
        alias: str = "tidewatch-articles",
        batch_size: int = 200,
        client: Elasticsearch | None = None,
    ) -> None:
        if client is None and not url:
            raise ValueError("an Elasticsearch URL or client is needed")
        self.es = client or client_for(
            url or "", api_key=api_key, user=user, password=password, ca_file=ca_file
        )
        self.alias = alias
        self.changes_index = f"{alias}-changes"
        self.seq_index = f"{alias}-seq"
        self.versions_index = f"{alias}-versions"
        self.seen_index = f"{alias}-seen"
        self.batch_size = batch_size
        self._ready = False
        self._dirty: set[str] = set()  # searched indices written since the last refresh
        # read by realtime get only, never searched: a refresh of them is wasted (seen.json
        # sets a 30 s refresh_interval so that its many small updates are not refreshed)
        self._unsearched = {self.seq_index, self.versions_index, self.seen_index}
        self._pit_offered: bool | None = None  # unknown until first asked

    # -- index management -------------------------------------------------------------------

    def create(self) -> str:
        """Template, versioned index, alias, side indices: idempotent. An index of an older
        mapping version gets the new fields (put-mapping: they are only ever added).
        Returns the index behind the alias."""
        body = template_body(self.alias, self.analysis_plugins())
        self.es.indices.put_index_template(name=self.alias, **body)
        for name, file in self._side_indices():
            if not self.es.indices.exists(index=name):
                self.es.indices.create(index=name, **_mapping_file(file))
        if self.es.indices.exists_alias(name=self.alias):
            index = next(iter(self.es.indices.get_alias(name=self.alias)))
            self._upgrade(index, body["template"]["mappings"])
            return index
        index = f"{self.alias}-v{mapping_version()}"
        if not self.es.indices.exists(index=index):
            self.es.indices.create(index=index)
        self.es.indices.put_alias(index=index, name=self.alias)
        return index

    def _side_indices(self) -> list[tuple[str, str]]:
        """Every index besides the articles', with its mapping file."""
        return [
            (self.changes_index, "changes.json"),
            (self.seq_index, "seq.json"),
            (self.versions_index, "versions.json"),
            (self.seen_index, "seen.json"),
        ]

    def _upgrade(self, index: str, mappings: dict[str, Any]) -> None:
        """Bring an index of an older mapping version up to this one, and the side indices
        with it. The mapping is strict, so a field added since (``published_precision``,
        ``text_plain``: version 2) must be put before any document carries it; the
        ``ignore_above`` of version 3 is an updatable parameter, put on the fields in place."""
        current = self.es.indices.get_mapping(index=index)[index]["mappings"]
        version = current.get("_meta", {}).get("version", 0)
        if version >= mappings["_meta"]["version"]:
            return
        self.es.indices.put_mapping(
            index=index, properties=mappings["properties"], meta=mappings["_meta"]
        )
        for name, file in self._side_indices():  # made with the older files too
            self.es.indices.put_mapping(index=name, **_mapping_file(file)["mappings"])
        log.warning("%s: mapping upgraded to version %s", index, mappings["_meta"]["version"])
        if version < 2:
            log.warning(
                "%s: its older articles lack text_plain, so searches check them in Python "
                "until `tidewatch index reindex`",
                index,
            )
        elif version < 3:
            log.warning(
                "%s: its older articles' text_plain overlooks words over 255 characters and "
                "Hangul inside Latin or digit words; `tidewatch index reindex` recomputes it",
                index,
            )

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
        """Write a batch in two bulk requests, neither refreshing: first the history (change
        feed, versions) and ``last_seen``, then the new and changed articles. A crash
        between the two repeats a change rather than losing one; an unchanged article
        costs only its side document.

        Writers race safely: a version document is created (``op_type: create``), so of
        two writers claiming an article's next version one wins and the other gets a 409;
        the loser takes the winner's version as its base and, if its content differs,
        claims the one after. An article is written only over an older version of itself
        (compare-and-set on ``_seq_no``), so it ends at the newest version recorded."""
        self._check_ready()
        latest = {article_id(a.url): a for a in articles}  # the last copy of an article wins
        known = self._known(list(latest))
        seen = iso(now())
        outcomes: dict[str, Outcome] = {}
        docs, refused = self._claim(latest, known, seen, outcomes)
        written, failed = self._write_articles(docs, known)
        refused += failed
        for aid in docs.keys() - written:  # another writer wrote this very version first
            outcomes[aid] = Outcome.UNCHANGED
        if refused:
            failed_ids = {_article_of(r) for r in refused}
            urls = {aid: a.url for aid, a in latest.items()}
            named = sorted(f"{urls.get(_article_of(r), '?')} ({_failure(r)})" for r in refused)
            more = f" and {len(named) - NAMED} more" if len(named) > NAMED else ""
            error = BulkError(f"not written: {'; '.join(named[:NAMED])}{more}", failed_ids)
            error.outcomes = {i: o for i, o in outcomes.items() if i not in failed_ids}
            raise error
        return in_input_order(articles, outcomes)

    def _claim(
        self,
        latest: dict[str, Article],
        known: dict[str, dict[str, Any]],
        seen: str,
        outcomes: dict[str, Outcome],
    ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
        """Record the history of every new or changed article (and every ``last_seen``),
        claiming its next version; a version another writer won is built on, round after
        round. Returns the documents to write and the items that failed."""
        docs: dict[str, dict[str, Any]] = {}
        side = [_seen_action(self.seen_index, i, seen, _validators(a)) for i, a in latest.items()]
        refused: list[dict[str, Any]] = []
        pending = list(latest)
        for _ in range(CLAIM_ROUNDS):
            claims = {}
            for aid in pending:
                before, article = known.get(aid), latest[aid]
                digest = article.content_hash()
                if before and before["content_hash"] == digest:
                    outcomes[aid] = Outcome.UNCHANGED
                    continue
                version = before["version"] + 1 if before else 1
                outcomes[aid] = Outcome.UPDATED if before else Outcome.NEW
                claims[aid] = _document(article, aid, digest, before, seen, version)
            lost, failed = self._record(claims, side, seen)
            side = []
            refused += failed
            history_failed = {_article_of(r) for r in failed}  # none without its history
            docs.update((a, d) for a, d in claims.items() if a not in {*lost, *history_failed})
            for aid, winner in lost.items():  # a concurrent writer recorded that version
                known[aid] = {**known.get(aid, {}), **winner}
            pending = list(lost)
            if not pending:
                return docs, refused
        failed = [
            {"_index": self.versions_index, "_id": a, "error": "lost every version race"}
            for a in pending
        ]
        return docs, refused + failed

    def _record(
        self, claims: dict[str, dict[str, Any]], side: list[dict[str, Any]], seen: str
    ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
        """Create the change and the version document of each claimed article version, with
        the side documents, in one bulk request. Returns the versions another writer
        recorded first with other content (article → that version, the base to claim the
        next one on) and the items that failed."""
        changes = [
            {"article_id": aid, "version": d["version"], "kind": _kind(d), "at": seen}
            for aid, d in claims.items()
        ]
        seqs = self._reserve(len(changes)) if changes else range(0)
        actions = [
            {
                "_op_type": "create",
                "_index": self.changes_index,
                "_id": f"{c['article_id']}:{c['version']}",
                "_source": {**c, "seq": seq},
            }
            for c, seq in zip(changes, seqs, strict=True)
        ]
        actions += side + [_version_action(self.versions_index, d, seen) for d in claims.values()]
        conflicts: list[dict[str, Any]] = []
        failed = self._bulk(actions, conflicts=conflicts)
        taken = [c["_id"] for c in conflicts if c.get("_index") == self.versions_index]
        lost = {}
        for doc in self._mget(self.versions_index, taken):
            aid, winner = _article_of(doc), doc.get("_source")
            if winner is None:  # created, then gone: nothing to build on
                failed.append({"_index": self.versions_index, "_id": doc["_id"], "error": doc})
            elif winner["content_hash"] != claims[aid]["content_hash"]:
                record = winner["record"]
                lost[aid] = {k: record[k] for k in ("content_hash", "version", "first_seen")}
            # else: this very version, recorded by an earlier try of this write
        # a change another writer (or an earlier try) recorded leaves its number unused:
        # void it, so readers pass it at once instead of waiting GAP_WAIT for it
        used = {a["_id"]: a["_source"]["seq"] for a in actions[: len(changes)]}
        voids = [used[c["_id"]] for c in conflicts if c.get("_index") == self.changes_index]
        if unvoided := self._bulk([self._void_action(s, seen) for s in voids]):
            log.warning("change numbers not voided (readers wait GAP_WAIT): %s", unvoided)
        return lost, failed

    def _void_action(self, seq: int, seen: str) -> dict[str, Any]:
        return {
            "_op_type": "create",
            "_index": self.changes_index,
            "_id": f"void:{seq}",
            "_source": {"seq": seq, "kind": VOID, "at": seen},
        }

    def _write_articles(
        self, docs: dict[str, dict[str, Any]], known: dict[str, dict[str, Any]]
    ) -> tuple[set[str], list[dict[str, Any]]]:
        """Write each article over the copy read before (compare-and-set on its _seq_no;
        create if none was read). On a conflict the current copy is read again: newer, it
        stays (this version is in the history); older, it is written over; this very
        version (another writer fetched the same edit), it is not written again. Returns
        the articles this call wrote and the items that failed."""
        written, refused = set(docs), []
        for _ in range(CLAIM_ROUNDS):
            if not docs:
                return written, refused
            actions = [_article_action(self.alias, d, known.get(a)) for a, d in docs.items()]
            conflicts: list[dict[str, Any]] = []
            refused += self._bulk(actions, require_alias=True, conflicts=conflicts)
            current = self._known([c["_id"] for c in conflicts])
            known.update(current)
            again = {}
            for aid in (c["_id"] for c in conflicts):
                now_there, mine = current.get(aid), docs[aid]
                if now_there is None or now_there["version"] < mine["version"]:
                    again[aid] = mine
                elif now_there["content_hash"] == mine["content_hash"]:
                    written.discard(aid)
            docs = again
        failed = [{"_index": self.alias, "_id": a, "error": "conflicts on every try"} for a in docs]
        return written, refused + failed

    def _check_ready(self) -> None:
        """Refuse to write before `tidewatch index create`: a write would auto-create the
        side indices with guessed field types."""
        if not self._ready:
            missing = [
                name for name, _ in self._side_indices() if not self.es.indices.exists(index=name)
            ]
            if missing:
                raise BulkError(f"{', '.join(missing)} missing: run `tidewatch index create`")
            self._ready = True

    def touch(self, url: str) -> bool:
        aid = article_id(url)
        if not self.es.exists(index=self.alias, id=aid):
            return False
        self.es.update(
            index=self.seen_index,
            id=aid,
            doc={"last_seen": iso(now())},
            doc_as_upsert=True,
            retry_on_conflict=CONFLICT_RETRIES,  # another writer's batch touched it too
        )
        return True

    def _known(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        answer = self.es.mget(
            index=self.alias, ids=ids, source_includes=["content_hash", "version", "first_seen"]
        )
        return {
            d["_id"]: {**d["_source"], "_seq_no": d["_seq_no"], "_primary_term": d["_primary_term"]}
            for d in answer["docs"]
            if d.get("found")
        }

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

    def _bulk(
        self,
        actions: list[dict[str, Any]],
        *,
        require_alias: bool = False,
        attempts: int = 3,
        conflicts: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Bulk-write without refreshing; items that fail for a passing reason (429, 5xx,
        no answer) are retried on their own. Returns the items that still failed, and
        those refused for good (a 400: the same document would be refused again) at once.
        A 409 (a document another writer or an earlier try created, a compare-and-set
        lost) is no failure: it goes to ``conflicts``, for the caller to decide."""
        conflicts = [] if conflicts is None else conflicts
        pending = actions
        failed: list[dict[str, Any]] = []
        refused: list[dict[str, Any]] = []
        for _ in range(attempts):
            if not pending:
                return refused
            failed = []
            for ok, item in helpers.streaming_bulk(
                self.es,
                pending,
                chunk_size=self.batch_size,
                raise_on_error=False,
                raise_on_exception=False,
                max_retries=2,
                # never let a missing alias turn into an auto-created plain index
                **({"require_alias": True} if require_alias else {}),
            ):
                if ok:
                    continue
                result = next(iter(item.values()))
                if result.get("status") == 409 and next(iter(item)) != "update":
                    conflicts.append(result)
                    continue
                (failed if _passing(result.get("status")) else refused).append(result)
            self._dirty.update(a["_index"] for a in pending if a["_index"] not in self._unsearched)
            if not failed:
                return refused
            # a write to the alias is reported under the index behind it
            keys = {(self.alias if require_alias else f.get("_index"), f["_id"]) for f in failed}
            pending = [a for a in pending if (a["_index"], a["_id"]) in keys]
            log.warning("bulk: %d of %d items failed; retrying them", len(failed), len(actions))
        return refused + failed

    # -- reading ----------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        aid = article_id(url)
        article, side = self._with_side(aid, ["etag", "last_modified"])
        if article is None:
            return None
        merged = {**article, **side}
        return Validators(merged.get("etag"), merged.get("last_modified"))

    def get(self, article_id: str) -> StoredArticle | None:
        source, side = self._with_side(article_id, None)
        if source is None:
            return None
        return _stored({**source, **{k: v for k, v in side.items() if k == "last_seen"}})

    def _with_side(
        self, aid: str, fields: list[str] | None
    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The article (or some of its fields) and its side document, in one realtime get."""
        article: dict[str, Any] = {"_index": self.alias, "_id": aid}
        if fields:
            article["_source"] = fields
        docs = self.es.mget(docs=[article, {"_index": self.seen_index, "_id": aid}])["docs"]
        found, side = docs
        return (found["_source"] if found.get("found") else None), side.get("_source") or {}

    def _with_seen(self, articles: list[StoredArticle]) -> list[StoredArticle]:
        """The articles with their latest ``last_seen`` from the side index."""
        if not articles:
            return articles
        docs = self._mget(self.seen_index, [a.id for a in articles])
        seen = {d["_id"]: d["_source"].get("last_seen") for d in docs if d.get("found")}
        return [
            dataclasses.replace(a, last_seen=seen[a.id])
            if seen.get(a.id) and seen[a.id] > a.last_seen
            else a
            for a in articles
        ]

    def _mget(self, index: str, ids: list[str]) -> list[dict[str, Any]]:
        """Realtime gets of ``ids``, MAX_PAGE documents per request (whole articles: one
        answer for a long change feed would be hundreds of megabytes)."""
        docs: list[dict[str, Any]] = []
        for start in range(0, len(ids), MAX_PAGE):
            docs += self.es.mget(index=index, ids=ids[start : start + MAX_PAGE])["docs"]
        return docs

    def versions(self, article_id: str) -> list[dict[str, object]]:
        """Every recorded version, oldest first: realtime gets, no search, no refresh."""
        try:
            current = self.es.get(index=self.alias, id=article_id, source_includes=["version"])
        except NotFoundError:
            return []
        ids = [f"{article_id}:{v}" for v in range(1, current["_source"]["version"] + 1)]
        return [
            d["_source"]["record"] for d in self._mget(self.versions_index, ids) if d.get("found")
        ]

    def search(
        self,
        query: Query,
        *,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """One page: title hits first, then newest first; highlights for that page only."""
        self._refresh()
        plan = plan_for(query)
        filters = _filters(source, channel, since, until)
        # closed at once: the scans it stops early close their points in time now, not
        # whenever the garbage collector gets to them
        with closing(self._ranked(query, plan, filters, offset + limit)) as ranked:
            page = [_stored(h["_source"]) for h in islice(ranked, offset, offset + limit)]
        hits = []
        for article in self._with_seen(page):
            if hit := highlight(query, article):
                hits.append(hit)
            else:  # a compilation bug, not a user error: say so, never show a non-match
                log.error("%r: only Elasticsearch matched %s", query.source, article.id)
        return hits

    def _ranked(
        self, query: Query, plan: Plan, filters: list[dict[str, Any]], wanted: int
    ) -> Generator[dict[str, Any], None, None]:
        """Every match as a hit, in the final order: the title tier, then the body tier; in
        each, Elasticsearch's exact matches merged with the ones the exact pass decides."""
        for tier in (1, 2):
            decided = self._scan(plan.tier(tier, filters), size=min(wanted, MAX_PAGE))
            candidates = plan.candidates(filters, tier)
            scan = self._scan(candidates, size=SCAN_PAGE, pit=not plan.exact)
            checked = (h for h in scan if _tier(query, h["_source"]) == tier)
            try:
                yield from heapq.merge(decided, checked, key=_order)
            finally:  # stopped early or failed: each scan closes its point in time
                scan.close()
                decided.close()

    def count_matches(
        self,
        query: Query,
        *,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Counts:
        self._refresh()
        plan = plan_for(query)
        filters = _filters(source, channel, since, until)
        by_source: Counter[str] = Counter()
        if plan.exact:
            for key, n in self._composite(plan.decided(filters), [BY_SOURCE]):
                by_source[key["source"]] += n
        for hit in self._checked(query, plan, filters):
            by_source[hit["_source"]["source"]] += 1
        return Counts(sum(by_source.values()), dict(by_source))

    def trend(
        self,
        query: Query,
        *,
        bucket: str,
        source: str | None = None,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, dict[str, int]]:
        if bucket not in LABELS:
            raise ValueError(f"bucket must be one of {sorted(LABELS)}, not {bucket!r}")
        self._refresh()
        plan = plan_for(query)
        filters = _filters(source, channel, since, until)
        counts: dict[str, Counter[str]] = {}
        if plan.exact:
            for key, n in self._composite(plan.decided(filters), [_histogram(bucket), BY_SOURCE]):
                counts.setdefault(key["bucket"], Counter())[key["source"]] += n
        for hit in self._checked(query, plan, filters):
            doc = hit["_source"]
            label = datetime.fromisoformat(doc["published_at"]).astimezone(SHANGHAI)
            counts.setdefault(label.strftime(LABELS[bucket][1]), Counter())[doc["source"]] += 1
        return {label: dict(counts[label]) for label in sorted(counts)}

    def _checked(
        self, query: Query, plan: Plan, filters: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        """The matches Elasticsearch cannot decide, decided by the exact pass: every
        candidate, page after page, never a fixed number of them."""
        fields = ["title", "body", "source", "published_at"]
        for hit in self._scan(plan.candidates(filters), size=SCAN_PAGE, fields=fields, pit=True):
            if _tier(query, hit["_source"]):
                yield hit

    def _scan(
        self,
        query: dict[str, Any] | None,
        *,
        size: int,
        fields: list[str] | None = None,
        pit: bool = False,
    ) -> Generator[dict[str, Any], None, None]:
        """Hits of ``query`` in SORT order, ``size`` per request, with ``search_after`` (in
        a point in time if asked and the cluster offers one) until there are no more."""
        if query is None:
            return
        body: dict[str, Any] = {"query": query, "sort": SORT, "size": size}
        body["track_total_hits"] = False
        if fields is not None:
            body["_source"] = fields
        pit_id = self._open_pit() if pit else None
        try:
            while True:
                if pit_id:
                    pit = {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}
                    answer = self.es.search(pit=pit, **body)
                    pit_id = answer.get("pit_id", pit_id)
                else:
                    answer = self.es.search(index=self.alias, **body)
                hits = answer["hits"]["hits"]
                yield from hits
                if len(hits) < size or not hits:
                    return
                body["search_after"] = hits[-1]["sort"]
        finally:
            if pit_id:
                self._close_pit(pit_id)

    def _open_pit(self) -> str | None:
        if self._pit_offered is False:
            return None
        try:
            pit_id = self.es.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        except ApiError as e:  # plain search_after on the live index then
            # refused (a proxy, a role, no such endpoint): never ask again; busy: next time
            if e.meta.status in PIT_REFUSED:
                self._pit_offered = False
            log.info("no point in time (%s); paging on the live index", e)
            return None
        self._pit_offered = True
        return pit_id

    def _close_pit(self, pit_id: str) -> None:
        try:
            self.es.close_point_in_time(id=pit_id)
        except (ApiError, TransportError) as e:  # it expires by itself (keep_alive)
            log.info("point in time not closed: %s", e)

    def _refresh(self) -> None:
        """Make this store's own writes searchable: one refresh per write-then-read, never
        one per document."""
        if self._dirty:
            self.es.indices.refresh(index=",".join(sorted(self._dirty)))
            self._dirty.clear()

    def articles(
        self, *, source: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredArticle]:
        self._refresh()
        query = {"bool": {"filter": _filters(source, None, since, None)}}
        after: list[Any] | None = None
        while True:
            page = self.es.search(
                index=self.alias,
                query=query,
                size=self.batch_size,
                sort=[{"published_at": "asc"}, {"id": "asc"}],
                search_after=after,
                track_total_hits=False,
            )
            hits = page["hits"]["hits"]
            yield from self._with_seen([_stored(h["_source"]) for h in hits])
            if len(hits) < self.batch_size:
                return
            after = hits[-1]["sort"]

    def changes(self, after: int = 0, limit: int = 500) -> list[Change]:
        self._refresh()
        feed = self._feed(after, limit)
        ids = list(dict.fromkeys(h["_source"]["article_id"] for h in feed if not _is_void(h)))
        docs = self._mget(self.alias, ids)
        found = self._with_seen([_stored(d["_source"]) for d in docs if d.get("found")])
        articles = {a.id: a for a in found}
        changes = []
        expected = after + 1
        for hit in feed:
            change = hit["_source"]
            if change["seq"] > expected and not self._gap_abandoned(expected, change):
                break
            expected = change["seq"] + 1
            if _is_void(hit):  # a number whose change was recorded under another
                continue
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

    def _feed(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` change documents after ``after``, in seq order: pages of at most
        MAX_PAGE (one search may not reach past index.max_result_window)."""
        feed: list[dict[str, Any]] = []
        while len(feed) < limit:
            size = min(limit - len(feed), MAX_PAGE)
            last = feed[-1]["_source"]["seq"] if feed else after
            hits = self.es.search(
                index=self.changes_index,
                query={"range": {"seq": {"gt": last}}},
                sort=[{"seq": "asc"}],
                size=size,
                track_total_hits=False,
            )["hits"]["hits"]
            feed += hits
            if len(hits) < size:
                break
        return feed

    @staticmethod
    def _gap_abandoned(missing: int, later: dict[str, Any]) -> bool:
        """Numbers before ``later`` are missing: another writer reserved them and may not have
        written its changes yet (they become searchable at its refresh), so a reader stops
        there rather than pass them. A writer that reserved them before ``later``'s writer
        and has not written them in GAP_WAIT seconds stopped: the gap is passed, and logged
        (its articles were not written either, so a later crawl records them again)."""
        waited = (now() - datetime.fromisoformat(later["at"])).total_seconds()
        if waited < GAP_WAIT:
            log.info("change feed waits for seq %s…%s", missing, later["seq"] - 1)
            return False
        log.warning(
            "change feed passes seq %s…%s: reserved %.0f s ago and never written",
            missing,
            later["seq"] - 1,
            waited,
        )
        return True

    def count(self, source: str | None = None) -> int:
        self._refresh()
        query = {"bool": {"filter": _filters(source, None, None, None)}}
        return self.es.count(index=self.alias, query=query)["count"]

    def counts_by_source(self) -> dict[str, int]:
        self._refresh()
        return {key["source"]: n for key, n in self._composite(MATCH_ALL, [BY_SOURCE])}

    def _composite(
        self, query: dict[str, Any], sources: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], int]]:
        """(bucket key, documents) of every bucket of a composite aggregation, paged with
        ``after``: exact however many buckets there are (a terms aggregation stops at its
        size, and one answer may not pass search.max_buckets, 65,536 by default)."""
        agg: dict[str, Any] = {"size": MAX_PAGE, "sources": sources}
        while True:
            answer = self.es.search(
                index=self.alias,
                query=query,
                size=0,
                track_total_hits=False,
                aggs={"buckets": {"composite": agg}},
            )["aggregations"]["buckets"]
            for b in answer["buckets"]:
                yield b["key"], b["doc_count"]
            if len(answer["buckets"]) < MAX_PAGE or "after_key" not in answer:
                return
            agg["after"] = answer["after_key"]

    def revision(self) -> None:
        """Other writers reach the cluster unseen: no revision to cache answers by."""
        return None

    def tidy(self, seconds: float) -> bool:
        """Nothing to do: Elasticsearch merges its segments itself."""
        return True

    def close(self) -> None:
        try:
            self._refresh()  # another process (the web UI, the alerts) sees a finished crawl
        except Exception as e:  # closing must not fail a crawl that wrote
            log.warning("refresh on close failed: %s", e)
        self.es.close()


# -- the search language compiled for Elasticsearch -------------------------------------------

UNI_FIELDS = ("title.uni", "body.uni")
MATCH_ALL: dict[str, Any] = {"match_all": {}}
PLAIN = {"term": {"text_plain": True}}
NOT_PLAIN = {"bool": {"must_not": [PLAIN]}}
# Ideographs the standard tokenizer has always known (Unicode 8) and NFKC leaves alone: each
# is one token, and cjk_bigram joins two of them only where they touch in the text.
_IDEOGRAPHS = regex.compile(r"[\u3400-\u4db5\u4e00-\u9fd5\U00020000-\U0002a6d6]+")
# ー (U+30FC, script Common) is Katakana to the tokenizer's word-break rules: one run
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u30fc"
_RUNS = regex.compile(rf"[{_CJK}]+|[a-z0-9]+")


@dataclasses.dataclass(frozen=True)
class Compiled:
    """An Elasticsearch query and whether it is exact: it matches exactly the documents
    (with ``text_plain``) that the search language matches. If not, it is a superset."""

    query: dict[str, Any]
    exact: bool


@dataclasses.dataclass(frozen=True)
class Plan:
    """A search compiled: ``match`` for the whole query, ``title`` for "a positive term is
    in the title" (the ranking tier; None if the query has no positive term)."""

    exact: bool
    match: dict[str, Any]
    title: dict[str, Any] | None

    def decided(self, filters: list[dict[str, Any]]) -> dict[str, Any]:
        """Every match Elasticsearch decides by itself (exact plans only)."""
        return {"bool": {"filter": [self.match, PLAIN, *filters]}}

    def tier(self, tier: int, filters: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Elasticsearch's matches of one ranking tier: 1 title hits, 2 the others."""
        if not self.exact or (tier == 1 and self.title is None):
            return None
        if tier == 1:
            return {"bool": {"filter": [self.match, self.title, PLAIN, *filters]}}
        query = self.decided(filters)
        if self.title is not None:
            query["bool"]["must_not"] = [self.title]
        return query

    def candidates(self, filters: list[dict[str, Any]], tier: int = 2) -> dict[str, Any] | None:
        """What the exact pass must look at: documents whose text is not plain, and for an
        inexact plan everything its superset query admits (tier 1: with a title hit)."""
        if tier == 1 and self.title is None:
            return None
        if self.exact:
            return {"bool": {"filter": filters, "must_not": [PLAIN]}}
        admitted = self.match if tier == 2 else {"bool": {"filter": [self.match, self.title]}}
        return {
            "bool": {"filter": filters, "should": [admitted, NOT_PLAIN], "minimum_should_match": 1}
        }


def plan_for(query: Query) -> Plan:
    match = compile_query(query.root)
    titles = [compile_term(t, "title.uni") for t in query.terms]
    title = _any(titles) if titles else None
    if leaves(match.query) + (leaves(title.query) if title else 0) > MAX_CLAUSES:
        # one search could not hold it: every document is a candidate of the exact pass
        log.warning("%r: too many clauses for one search; checking every article", query.source)
        return Plan(False, MATCH_ALL, MATCH_ALL if title else None)
    exact = match.exact and all(t.exact for t in titles)
    return Plan(exact, match.query, title.query if title else None)


_LEAVES = {"term", "terms", "span_term", "wildcard", "range", "match_all"}


def leaves(query: Any) -> int:
    """The clauses Lucene counts in a query against its clause limit: every leaf query
    (a term, span term, wildcard, range), however deeply nested, and every span term a
    phrase on the .uni fields' token graph becomes."""
    if isinstance(query, list):
        return sum(leaves(q) for q in query)
    if not isinstance(query, dict):
        return 0
    count = 0
    for key, value in query.items():
        if key == "match_phrase":
            (text,) = value.values()
            runs = _RUNS.findall(text)
            count += sum(1 if r[0].isascii() else graph_terms(len(r)) for r in runs) or 1
        else:
            count += 1 if key in _LEAVES else leaves(value)
    return count


@cache
def graph_terms(n: int) -> int:
    """Span terms of all paths through the unigram+bigram graph of n CJK characters: the
    tilings of n by unigrams (1) and bigrams (2), each tile a term."""
    tilings, terms = [1, 1], [0, 1]  # of 0 and 1 characters
    for k in range(2, n + 1):
        tilings.append(tilings[k - 1] + tilings[k - 2])
        terms.append(terms[k - 1] + tilings[k - 1] + terms[k - 2] + tilings[k - 2])
    return terms[n]


def compile_query(node: Node, fields: tuple[str, ...] = UNI_FIELDS) -> Compiled:
    """The query for ``node`` on the bigram+unigram sub-fields; a term counts where it is
    in any one field, as ``Query.matches_text`` counts it in the title or the body."""
    match node:
        case Term():
            return _any([compile_term(node, f) for f in fields])
        case And(parts):
            compiled = [compile_query(p, fields) for p in parts]
            return Compiled(
                {"bool": {"filter": [c.query for c in compiled]}}, all(c.exact for c in compiled)
            )
        case Or(parts):
            return _any([compile_query(p, fields) for p in parts])
        case Not(part):
            inner = compile_query(part, fields)
            if not inner.exact:  # the negation of a superset would narrow: admit all
                return Compiled(MATCH_ALL, False)
            return Compiled({"bool": {"must_not": [inner.query]}}, True)
    raise TypeError(node)


def compile_term(term: Term, field: str) -> Compiled:
    """A term on one field. Ideographs only: the chain of its bigrams (a bigram exists only
    where its two characters touch in the text), exact; with context exclusions a
    ``span_not`` of the term's span against the contexts' spans. Anything else: a
    superset made of its runs, for the exact pass to decide."""
    text = term.text
    if not _IDEOGRAPHS.fullmatch(text):
        return Compiled(_superset(text, field), False)
    if not term.unless_in:
        return Compiled(_chain(text, field), True)
    contexts = term.unless_in
    if not all(_IDEOGRAPHS.fullmatch(c) and _exclusion_is_exact(text, c) for c in contexts):
        return Compiled(_chain(text, field), False)  # the term alone: a superset
    spans = [_span(c, field) for c in contexts]
    span_not: dict[str, Any] = {
        "include": _span(text, field),
        "exclude": spans[0] if len(spans) == 1 else {"span_or": {"clauses": spans}},
    }
    if len(text) == 1:
        # a character's span is its own position; a context's bigram span ends one
        # position before its last character: pre 1 makes "overlap" mean "inside"
        span_not["pre"] = 1
    return Compiled({"span_not": span_not}, True)


def _chain(text: str, field: str) -> dict[str, Any]:
    if len(text) <= 2:
        return {"term": {field: text}}  # a unigram or a bigram token
    return _span(text, field)


def _span(text: str, field: str) -> dict[str, Any]:
    """Where ``text`` (ideographs) occurs, as a span: its token, or its bigrams at
    consecutive positions (a bigram sits at its first character's position)."""
    if len(text) <= 2:
        return {"span_term": {field: text}}
    bigrams = [text[i : i + 2] for i in range(len(text) - 1)]
    clauses = [{"span_term": {field: b}} for b in bigrams]
    return {"span_near": {"clauses": clauses, "slop": 0, "in_order": True}}


def _exclusion_is_exact(term: str, context: str) -> bool:
    """span_not drops an occurrence of ``term`` (n ≥ 2 characters: a span of n-1 bigram
    positions) that overlaps an occurrence of ``context`` by two characters or more; the
    language drops only one the context covers. They agree unless the term can overlap
    the context that much without being inside it (``哈哈哈`` against ``哈哈哈笑`` in
    哈哈哈哈笑: the first 哈哈哈 counts, span_not would drop it)."""
    n, m = len(term), len(context)
    if n == 1:
        return True  # pre=1: exactly "inside"
    for shift in range(-(n - 1), m):  # the term's start relative to the context's
        inside = shift >= 0 and shift + n <= m
        start, end = max(0, shift), min(m, shift + n)
        if inside or end - start < 2:
            continue
        if all(term[i - shift] == context[i] for i in range(start, end)):
            return False
    return True


def _superset(text: str, field: str) -> dict[str, Any]:
    """Every document in which ``text`` (normalised) occurs, and others: its ideograph
    runs as bigram chains, other CJK runs as phrases, ASCII letter/digit runs as
    ``*run*`` wildcards (a substring need not be a whole word: ``ai`` is in "said")."""
    runs = []
    for run in _RUNS.findall(text):
        if _IDEOGRAPHS.fullmatch(run):
            runs.append(_chain(run, field))
        elif run[0].isascii():
            runs.append({"wildcard": {field: {"value": f"*{run}*"}}})
        else:  # kana, hangul: phrases short enough for the query's token graph
            runs += [
                {"match_phrase": {field: run[i : i + PHRASE_RUN]}}
                for i in range(0, len(run), PHRASE_RUN)
            ]
    if not runs:
        return MATCH_ALL
    return runs[0] if len(runs) == 1 else {"bool": {"filter": runs}}


def _any(compiled: list[Compiled]) -> Compiled:
    if len(compiled) == 1:
        return compiled[0]
    return Compiled(
        {"bool": {"should": [c.query for c in compiled], "minimum_should_match": 1}},
        all(c.exact for c in compiled),
    )


def _tier(query: Query, source: dict[str, Any]) -> int:
    """The exact pass on one document: 1 a match with a positive term in the title, 2 a
    match with none there, 0 no match (the order ``rank_and_snippet`` ranks by)."""
    title, body = normalize(source.get("title") or ""), normalize(source.get("body") or "")
    if not query.matches_text(title, body):
        return 0
    return 1 if any(t.spans(title) for t in query.terms) else 2


def _order(hit: dict[str, Any]) -> tuple[Any, ...]:
    published, doc_id = hit["sort"][0], hit["sort"][1]
    return (-published, doc_id)


LABELS = {"day": ("yyyy-MM-dd", "%Y-%m-%d"), "month": ("yyyy-MM", "%Y-%m")}


BY_SOURCE = {"source": {"terms": {"field": "source"}}}  # a composite aggregation's source


def _histogram(bucket: str) -> dict[str, Any]:
    """Days or months in Shanghai, labelled as the web UI shows them, as a composite
    aggregation's source (only buckets that hold documents)."""
    return {
        "bucket": {
            "date_histogram": {
                "field": "published_at",
                "calendar_interval": bucket,
                "time_zone": "Asia/Shanghai",
                "format": LABELS[bucket][0],
            }
        }
    }


def _filters(
    source: str | None, channel: str | None, since: datetime | None, until: datetime | None
) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if source:
        filters.append({"term": {"source": source}})
    if channel:
        filters.append({"term": {"channel": channel}})
    dates = {}
    if since:
        dates["gte"] = iso(_millisecond_up(since))
    if until:
        dates["lt"] = iso(_millisecond_up(until))
    if dates:
        filters.append({"range": {"published_at": dates}})
    return filters


def _millisecond_up(moment: datetime) -> datetime:
    """A bound for ``date`` fields, which hold milliseconds: a bound between two of them
    would be cut down, taking in the millisecond before it; moved up, it parts the same
    whole-millisecond times as the exact bound does."""
    if moment.microsecond % 1000 == 0:
        return moment
    return moment + timedelta(microseconds=1000 - moment.microsecond % 1000)


# -- documents ----------------------------------------------------------------------------------


_JAMO = regex.compile(r"[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")


@cache
def _folds_differently(char: str) -> bool:
    """True if Elasticsearch's analysis (standard tokenizer, cjk_width, lowercase) may
    see ``char`` otherwise than ``store.textnorm`` does, in a way that can make or break a
    match: marks and format characters (the tokenizer glues them to a neighbour),
    conjoining Hangul jamo (NFKC of a cluster composes them into a syllable, as
    ``store.textnorm`` does where it folds clusters; the analyser keeps them apart) and
    characters whose NFKC form holds letters, digits or ideographs (①, ㈠, ß, ﬁ, ⾦)."""
    if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf"):
        return True
    if _JAMO.match(char):
        return True
    folded = unicodedata.normalize("NFKC", char).casefold()
    code = ord(char)
    analysed = (chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else char).lower()
    if folded == analysed:
        return False
    return any(c.isalnum() or unicodedata.category(c)[0] == "M" for c in folded)


# A run the standard tokenizer may make one word of: no whitespace, no CJK character (each
# its own token, or a CJK run that cjk_bigram joins across a split) and none of the
# punctuation that always ends a word; UAX #29 joins letters across . ' ’ : and digits
# across , ; so those do not end it here. Plain ranges for the stdlib re: ten times faster.
_BREAKS = (
    r"\s!\"#$%&()*+/<=>?@\[\\\]^`{|}~\-\u2010-\u2015\u201c\u201d\u2026"
    r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    r"\uff01-\uff06\uff08-\uff0b\uff0d\uff0f\uff1f\U00020000-\U0003ffff"
)
_LONG_WORD = re.compile(rf"[^{_BREAKS}]{{{MAX_TOKEN_LENGTH + 1},}}")
# Hangul syllables are letters to UAX #29: touching another letter or a digit (2026년,
# K팝), or across . : ' they make one word with it, and so does katakana across _; such a
# word is typed <ALPHANUM>, which cjk_bigram leaves whole: no unigram or bigram of its
# Hangul or kana, where a phrase of them looks.
_LETTER = r"[[\p{L}\p{N}\p{Pc}.:'’·．：＇]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]]"
_JOINED_TO_A_WORD = regex.compile(
    rf"(?V1)\p{{Hangul}}{_LETTER}|{_LETTER}\p{{Hangul}}"
    rf"|[\p{{Katakana}}ー]\p{{Pc}}|\p{{Pc}}[\p{{Katakana}}ー]"
)
_MAY_JOIN = regex.compile(r"[\p{Hangul}\p{Pc}]")  # without one, nothing to join


def text_plain(*texts: str) -> bool:
    """Whether Elasticsearch's tokens of these texts agree with their normal form: no
    character folds otherwise, no word is longer than the tokenizer's ``max_token_length``
    (it splits such a word every 255 characters, and a ``*run*`` wildcard across a split
    would find neither piece), and no Hangul or kana is part of a Latin or digit word."""
    chars = "".join(set("".join(texts)))
    if any(_folds_differently(c) for c in chars):
        return False
    if any(_LONG_WORD.search(t) for t in texts):
        return False
    return not (_MAY_JOIN.search(chars) and any(_JOINED_TO_A_WORD.search(t) for t in texts))


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
        text_plain=text_plain(article.title, article.body),
        **_validators(article),
    )
    return doc


VALIDATORS = ("etag", "last_modified")  # what the mappings hold (the mapping is strict)


def _validators(article: Article) -> dict[str, str]:
    """The article's HTTP validators that are stored; any other key a fetcher kept is not
    (a strict mapping would refuse the whole document for it), as in the SQLite store."""
    return {k: v for k in VALIDATORS if (v := article.validators.get(k))}


def _seen_action(index: str, aid: str, seen: str, validators: dict[str, str]) -> dict[str, Any]:
    return {
        "_op_type": "update",
        "_index": index,
        "_id": aid,
        "doc": {"last_seen": seen, **validators},
        "doc_as_upsert": True,
        # an update is a read and a write: another writer's batch in between is a conflict
        # that Elasticsearch re-runs the update for, instead of failing the item
        "retry_on_conflict": CONFLICT_RETRIES,
    }


def _version_action(index: str, doc: dict[str, Any], seen: str) -> dict[str, Any]:
    record = {name: doc[name] for name in FIELDS}
    return {
        "_op_type": "create",
        "_index": index,
        "_id": f"{doc['id']}:{doc['version']}",
        "_source": {
            "article_id": doc["id"],
            "version": doc["version"],
            "content_hash": doc["content_hash"],
            "recorded_at": seen,
            "record": record,
        },
    }


def _passing(status: Any) -> bool:
    """Whether a bulk item's failure may pass: busy (429), a server error, or no answer."""
    return not isinstance(status, int) or status == 429 or status >= 500


def _failure(item: dict[str, Any]) -> str:
    """A failed bulk item as a person reads it: where, status, error type and reason."""
    error = item.get("error")
    if isinstance(error, dict):
        error = f"{error.get('type')}: {error.get('reason')}"
    return f"{item.get('_index')}/{item['_id']}: {item.get('status', '?')} {error}"


def _is_void(hit: dict[str, Any]) -> bool:
    return hit["_source"].get("kind") == VOID


def _kind(doc: dict[str, Any]) -> str:
    return (Outcome.NEW if doc["version"] == 1 else Outcome.UPDATED).value


def _article_action(
    alias: str, doc: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any]:
    """Write ``doc`` only over the copy read (``before``), or only as the first copy."""
    action = {"_index": alias, "_id": doc["id"], "_source": doc}
    if before is None or "_seq_no" not in before:
        return {**action, "_op_type": "create"}
    cas = {"if_seq_no": before["_seq_no"], "if_primary_term": before["_primary_term"]}
    return {**action, "_op_type": "index", **cas}


def _article_of(item: dict[str, Any]) -> str:
    """The article a bulk item is about: ``<id>`` or ``<id>:<version>``."""
    return item["_id"].split(":")[0]


def _stored(source: dict[str, Any]) -> StoredArticle:
    record = {name: source.get(name) for name in FIELDS}
    record["published_precision"] = record["published_precision"] or "minute"  # older documents
    return StoredArticle(**record)


def documents(articles: Iterable[StoredArticle]) -> Iterator[dict[str, Any]]:
    """Stored articles as index actions (for reindexing from another store)."""
    for a in articles:
        source = {n: getattr(a, n) for n in FIELDS}
        source["text_plain"] = text_plain(a.title, a.body)
        yield {"_op_type": "index", "_id": a.id, "_source": source}
