"""A recording fake of the Elasticsearch REST API, on a real loopback HTTP server.

What it is for: checking the exact requests ``store.elasticsearch`` sends (the template and
mappings, bulk actions, queries, auth headers) and the store's own logic around them
(change feed before articles, retries of failed items, 409 on an already-recorded change,
spooling when the cluster is down), with the official ``elasticsearch`` 8.x Python client
talking real HTTP to it. No cluster is needed.

What it is NOT: Elasticsearch. Its only analysis is a toy model of the ``*.uni``
sub-fields, as Lucene's ``cjk_bigram`` with ``output_unigrams`` documents them: every CJK
character (Han, hiragana, katakana with ー, hangul) is a token at its own position, two
that touch in the text also make a bigram token at the first one's position (position
increment 0 after the first's unigram), and a run of ASCII letters and digits
(full-width folded, lower-cased; joined across . : ' _ and between digits , ; as UAX #29
joins them, and with any Hangul it touches: 2026년 is one token, without a unigram 년) is
one token, split every 255 characters as the standard tokenizer's ``max_token_length``
splits a longer word; anything else separates tokens. On it,
``term``, ``span_term``, ``span_near`` (slop 0, in order), ``span_or``, ``span_not``
(``pre``/``post``), ``wildcard`` and ``match_phrase`` (unigram adjacency: it admits
数字，经济, as the real one does) are evaluated. ``match`` and queries on other text fields
admit every document. It does not model NFKC, marks, or the tokenizer's Unicode tables:
whether these queries are right on a real analyser is the contract suite's job
(``test_store_contract.py`` on a real cluster when ``TIDEWATCH_ES_URL`` is set).
It implements in memory just what ``ElasticsearchStore`` uses:

* ``GET /`` (an 8.19 info body); every answer carries ``X-Elastic-Product`` and the
  ``compatible-with=8`` media type the client checks;
* index templates (``PUT/GET/DELETE _index_template``), applied to new indices whose name
  matches ``index_patterns``, the create request's mappings and settings merged over the
  template's field by field; indices create / exists (``HEAD``) / delete / ``_mapping``;
* aliases: ``PUT {index}/_alias/{name}``, ``GET``/``HEAD _alias/{name}``, ``POST _aliases``;
* documents: ``_doc`` GET (404 when missing), ``_mget``, ``_update`` with ``doc`` or with
  exactly the seq-counter script ``ctx._source.seq += params.n`` plus ``upsert``
  (``_source=true`` answers with ``get._source``);
* ``_bulk`` with index / create / update / delete actions; ``create`` of an existing id is
  a per-item 409, and so is an ``if_seq_no``/``if_primary_term`` that does not match the
  document's (a compare-and-set); ``require_alias`` (request or action) makes a write to
  a non-alias a per-item 404; ``dynamic: strict`` mappings reject unknown top-level fields per item
  (400), and a date, number or boolean its field cannot parse (dates in the default
  ``strict_date_optional_time||epoch_millis``), and a ``keyword`` value over 32,766
  UTF-8 bytes (indexed or doc values) that no ``ignore_above`` leaves out; failures can
  be injected per id with :meth:`FakeElasticsearch.fail_items` (a 409 is absorbed by
  ``retry_on_conflict``);
* ``_search`` (filters, ``sort``, ``size``, ``from``, ``search_after``, ``_source``
  lists, ``terms``, ``date_histogram`` and ``composite`` aggregations), ``_count``;
  points in time (``POST {index}/_pit?keep_alive``, ``DELETE _pit``, ``pit`` in a search:
  a frozen copy of what was searchable, its hits' sort values ending with the implicit
  ``_shard_doc`` tiebreaker), ``_mget`` across indices, ``HEAD _doc``, ``PUT _mapping``.

What a cluster refuses, it refuses (400): ``from + size`` past index.max_result_window
(10,000); ``search_after`` with ``from`` or with another count of values than the sort;
sorting or aggregating on a ``text`` field or on ``_id`` (no fielddata in 8.x); a query
tree of more than 1,024 leaf clauses (the least max_clause_count of an 8.x node), or a
``match_phrase`` whose token graph has more paths than that; an answer of more than
:attr:`FakeElasticsearch.max_buckets` buckets (search.max_buckets); ``span_near``/``span_or``
clauses on different fields.
Totals follow ``track_total_hits`` (absent: exact up to 10,000, ``false``: none).

A write to a name that is neither an index nor an alias creates a concrete index, as
Elasticsearch's default ``action.auto_create_index`` does (or a 404 with
:attr:`FakeElasticsearch.auto_create_index` false). Writes are seen at once by
``get``/``mget`` (realtime) but by searches only after a refresh: ``_refresh``, or a write
with ``refresh=true|wait_for`` (:attr:`FakeElasticsearch.refreshes` counts them). A
cluster or proxy refusing points in time is :attr:`FakeElasticsearch.refuse_pit` (a
status). An outage is :attr:`FakeElasticsearch.down` (connections closed unanswered),
optionally entered right after answering a chosen request
(:attr:`FakeElasticsearch.down_after`).

Every request is recorded in :attr:`FakeElasticsearch.requests` (method, path, query,
headers, and the parsed JSON body, or the list of NDJSON lines for ``_bulk``).
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import regex

VERSION = "8.19.3"
MEDIA_TYPE = "application/vnd.elasticsearch+json; compatible-with=8"
SEQ_SCRIPT = "ctx._source.seq += params.n"
MAX_RESULT_WINDOW = 10_000  # index.max_result_window: from + size of one search
DEFAULT_TRACKED = 10_000  # track_total_hits when not given: totals are exact up to this
MAX_CLAUSE_COUNT = 1_024  # the least indices.query.bool.max_clause_count an 8.x node has


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any  # dict for JSON, list of dicts for NDJSON (_bulk), None when empty
    dropped: bool = False  # the fake was down: the connection was closed, no answer

    @property
    def endpoint(self) -> str:
        """The last path part that starts with ``_`` (``_bulk``, ``_search`` …), or ''."""
        parts = [p for p in self.path.split("/") if p.startswith("_")]
        return parts[-1] if parts else ""


@dataclass
class BulkItem:
    """One action of a recorded ``_bulk`` request."""

    op: str  # index, create, update, delete
    index: str  # as the request named it (alias or index)
    id: str
    source: dict[str, Any] | None  # the document (index/create) or update body
    request: int  # position of the request in FakeElasticsearch.requests


@dataclass
class _Index:
    name: str
    mappings: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {"source", "version"}
    visible: dict[str, dict[str, Any]] = field(default_factory=dict)  # what searches see

    def refresh(self) -> None:
        self.visible = dict(self.docs)


class ApiFailure(Exception):
    def __init__(self, status: int, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.kind, self.reason = status, kind, reason

    def body(self) -> dict[str, Any]:
        error = {"type": self.kind, "reason": self.reason}
        return {"error": {"root_cause": [error], **error}, "status": self.status}


class FakeElasticsearch:
    """Start with ``with FakeElasticsearch() as es:``; point the client at ``es.url``."""

    def __init__(self, *, require_authorization: str | None = None) -> None:
        self.requests: list[Request] = []
        self.plugins: list[str] = []  # what GET /_nodes/plugins reports installed
        self.indices: dict[str, _Index] = {}
        self.aliases: dict[str, set[str]] = {}
        self.templates: dict[str, dict[str, Any]] = {}
        self.require_authorization = require_authorization  # exact header value, else 401
        self.down = False  # True: every request has its connection closed, unanswered
        self.down_after: Callable[[Request], bool] | None = None  # go down once answered
        self._failures: dict[tuple[str | None, str], list[int | None]] = {}  # → [status, left]
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._seq_no = itertools.count()
        self.refreshes: list[str] = []  # index refreshed, once per refresh, in order
        self._pits: dict[str, dict[str, dict[str, Any]]] = {}  # id → index → visible docs
        self.auto_create_index = True  # action.auto_create_index: false refuses unknown names
        self.max_buckets = 65_536  # search.max_buckets: buckets one answer may hold
        self.refuse_pit: int | None = None  # a status: opening a point in time fails so

    # -- server -------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeElasticsearch:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                answer = fake.handle(self.command, self.path, dict(self.headers), raw)
                if answer is None:  # down: drop the connection, as a dying node does
                    self.close_connection = True
                    return
                status, body = answer
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", MEDIA_TYPE)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeElasticsearch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- test controls and views --------------------------------------------------------------

    def fail_items(
        self, ids: list[str], status: int = 429, times: int | None = 1, index: str | None = None
    ) -> None:
        """Answer bulk items (and single ``_update`` requests) with these ``_id``s with
        ``status`` (``times`` attempts, or always when None), whatever their action, in
        ``index`` (as the request names it: alias or index) or in any index. A 409 is a
        concurrent writer's conflict, which ``retry_on_conflict`` absorbs on updates."""
        with self._lock:
            for i in ids:
                self._failures[(index, i)] = [status, times]

    def clear(self) -> None:
        """Forget the recorded requests (keep the data)."""
        with self._lock:
            self.requests.clear()

    def calls(self, method: str | None = None, endpoint: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method)
            and (endpoint is None or r.endpoint == endpoint)
        ]

    def bulk_items(self, op: str | None = None, index: str | None = None) -> list[BulkItem]:
        """Every action of every answered ``_bulk`` request, in order."""
        items = []
        for n, r in enumerate(self.requests):
            if r.endpoint != "_bulk" or r.dropped:
                continue
            default = r.path.strip("/").split("/")[0] if r.path.strip("/") != "_bulk" else ""
            lines = list(r.body or [])
            while lines:
                (action, meta), lines = next(iter(lines[0].items())), lines[1:]
                source = None
                if action != "delete":
                    source, lines = lines[0], lines[1:]
                item = BulkItem(action, meta.get("_index", default), meta.get("_id"), source, n)
                if (op is None or op == action) and (index is None or index == item.index):
                    items.append(item)
        return items

    def docs(self, name: str) -> dict[str, dict[str, Any]]:
        """id → _source of every document in an index (or the indices behind an alias)."""
        with self._lock:
            return {
                i: copy.deepcopy(d["source"])
                for index in self._resolve(name)
                for i, d in self.indices[index].docs.items()
            }

    # -- dispatch -----------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any] | None:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in headers.items()}
        body = _parse_body(raw, headers)
        request = Request(method, parts.path, query, headers, body)
        with self._lock:
            self.requests.append(request)
            if self.down:
                request.dropped = True
                return None
            if self.down_after is not None and self.down_after(request):
                self.down, self.down_after = True, None
            if self.require_authorization is not None:
                given = headers.get("authorization")
                if given != self.require_authorization:
                    failure = ApiFailure(401, "security_exception", "unable to authenticate")
                    return 401, failure.body()
            try:
                return self._route(request)
            except ApiFailure as e:
                return e.status, (None if method == "HEAD" else e.body())

    def _route(self, r: Request) -> tuple[int, Any]:
        path = [unquote(p) for p in r.path.strip("/").split("/") if p]
        m = r.method
        match path:
            case []:
                return 200, _info()
            case ["_nodes", "plugins"]:
                plugins = [{"name": name} for name in self.plugins]
                return 200, {"nodes": {"node-1": {"name": "node-1", "plugins": plugins}}}
            case ["_index_template", name]:
                return self._template(m, name, r.body)
            case ["_alias", name] | ["_aliases", name] if m in ("GET", "HEAD"):
                return self._get_alias(m, name)
            case ["_aliases"] if m == "POST":
                return self._update_aliases(r.body["actions"])
            case ["_bulk"]:
                return self._bulk(None, r)
            case ["_mget"]:
                return self._mget(None, r.body, r.query)
            case ["_search"]:
                return self._search(None, r.body or {}, r.query)
            case ["_pit"] if m == "DELETE":
                freed = self._pits.pop((r.body or {}).get("id"), None)
                return 200, {"succeeded": True, "num_freed": int(freed is not None)}
            case [index, "_pit"] if m == "POST":
                if self.refuse_pit is not None:  # a proxy or a role that does not allow it
                    raise ApiFailure(self.refuse_pit, "refused_pit", "point in time refused")
                if not r.query.get("keep_alive"):
                    raise ApiFailure(
                        400, "action_request_validation_exception", "[keep_alive] is missing"
                    )
                pit_id = f"pit-{len(self.requests)}"
                self._pits[pit_id] = {
                    i: dict(self.indices[i].visible) for i in self._resolve(index)
                }
                return 200, {"id": pit_id}
            case [index, "_mapping"] if m == "PUT":
                return self._put_mapping(index, r.body or {})
            case [index, "_bulk"]:
                return self._bulk(index, r)
            case [index, "_alias" | "_aliases", name] if m in ("PUT", "POST"):
                return self._put_alias(index, name)
            case [index, "_mapping"] if m == "GET":
                return 200, {
                    i: {"mappings": self.indices[i].mappings} for i in self._resolve(index)
                }
            case [index, "_refresh"]:
                self._refresh(self._resolve(index))
                return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
            case [index, "_doc", doc_id] if m in ("GET", "HEAD"):
                status, found = self._get(index, doc_id, r.query)
                return status, (None if m == "HEAD" else found)
            case [index, "_doc", doc_id] if m in ("PUT", "POST"):
                status, item = self._write("index", index, doc_id, r.body)
                self._refresh_if_asked(r, [item.get("_index", index)])
                return status, item
            case [index, "_mget"]:
                return self._mget(index, r.body, r.query)
            case [index, "_update", doc_id]:
                retries = int(r.query.get("retry_on_conflict", 0))
                if failure := self._injected(index, doc_id, retries):
                    raise failure
                answer = self._update(index, doc_id, r.body, r.query)
                self._refresh_if_asked(r, [answer[1]["_index"]])
                return answer
            case [index, "_search"]:
                return self._search(index, r.body or {}, r.query)
            case [index, "_count"]:
                found = self._matching(self._searchable(index), (r.body or {}).get("query"))
                return 200, {"count": len(found)}
            case [pattern] if m == "GET" and not pattern.startswith("_"):
                names = [n for n in self.indices if fnmatch.fnmatchcase(n, pattern)]
                return 200, {
                    n: {"aliases": {}, "mappings": self.indices[n].mappings} for n in names
                }
            case [index] if m == "HEAD":
                return (200 if self._exists(index) else 404), None
            case [index] if m == "PUT":
                return self._create_index(index, r.body or {})
            case [index] if m == "DELETE":
                return self._delete_index(index)
        raise ApiFailure(400, "fake_not_implemented", f"the fake has no {m} /{'/'.join(path)}")

    # -- templates, indices, aliases ----------------------------------------------------------

    def _template(self, method: str, name: str, body: Any) -> tuple[int, Any]:
        if method == "PUT":
            self.templates[name] = copy.deepcopy(body)
            return 200, {"acknowledged": True}
        if name not in self.templates:
            raise ApiFailure(404, "resource_not_found_exception", f"index template [{name}]")
        if method == "DELETE":
            del self.templates[name]
            return 200, {"acknowledged": True}
        return 200, {"index_templates": [{"name": name, "index_template": self.templates[name]}]}

    def _exists(self, name: str) -> bool:
        return name in self.indices or name in self.aliases

    def _refresh(self, names: list[str]) -> None:
        for name in names:
            if name in self.indices:
                self.indices[name].refresh()
                self.refreshes.append(name)

    def _refresh_if_asked(self, r: Request, names: list[str]) -> None:
        if r.query.get("refresh") in ("", "true", "wait_for"):
            self._refresh(names)

    def _searchable(self, name: str) -> dict[str, dict[str, dict[str, Any]]]:
        return {i: self.indices[i].visible for i in self._resolve(name)}

    def _put_mapping(self, name: str, body: dict[str, Any]) -> tuple[int, Any]:
        for index in self._resolve(name):
            mappings = self.indices[index].mappings
            properties = mappings.setdefault("properties", {})
            for field_name, spec in body.get("properties", {}).items():
                known = properties.get(field_name)
                if known and known.get("type") != spec.get("type"):
                    raise ApiFailure(
                        400, "illegal_argument_exception", f"[{field_name}] cannot change type"
                    )
                properties[field_name] = copy.deepcopy(spec)
            if "_meta" in body:
                mappings["_meta"] = copy.deepcopy(body["_meta"])
        return 200, {"acknowledged": True}

    def _create_index(self, name: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self._exists(name):
            raise ApiFailure(
                400, "resource_already_exists_exception", f"index [{name}] already exists"
            )
        self._new_index(name, body)
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _new_index(self, name: str, body: dict[str, Any]) -> _Index:
        templates = [
            t
            for t in self.templates.values()
            if any(fnmatch.fnmatchcase(name, p) for p in t.get("index_patterns", []))
        ]
        template = max(templates, key=lambda t: t.get("priority", 0), default={})
        # the request's mappings and settings are merged over the template's, field by field
        mappings = _merged(template.get("template", {}).get("mappings", {}), body.get("mappings"))
        settings = _merged(template.get("template", {}).get("settings", {}), body.get("settings"))
        self.indices[name] = _Index(name, mappings, settings)
        return self.indices[name]

    def _delete_index(self, pattern: str) -> tuple[int, Any]:
        names = [n for n in list(self.indices) if fnmatch.fnmatchcase(n, pattern)]
        if not names:
            raise ApiFailure(404, "index_not_found_exception", f"no such index [{pattern}]")
        for n in names:
            del self.indices[n]
            for members in self.aliases.values():
                members.discard(n)
        self.aliases = {a: m for a, m in self.aliases.items() if m}
        return 200, {"acknowledged": True}

    def _put_alias(self, index: str, name: str) -> tuple[int, Any]:
        if index not in self.indices:
            raise ApiFailure(404, "index_not_found_exception", f"no such index [{index}]")
        if name in self.indices:
            raise ApiFailure(400, "invalid_alias_name_exception", f"an index named [{name}]")
        self.aliases.setdefault(name, set()).add(index)
        return 200, {"acknowledged": True}

    def _get_alias(self, method: str, name: str) -> tuple[int, Any]:
        if name not in self.aliases:
            if method == "HEAD":
                return 404, None
            return 404, {"error": f"alias [{name}] missing", "status": 404}
        return 200, {i: {"aliases": {name: {}}} for i in sorted(self.aliases[name])}

    def _update_aliases(self, actions: list[dict[str, Any]]) -> tuple[int, Any]:
        for action in actions:
            (kind, spec), *_ = action.items()
            if kind == "add":
                self._put_alias(spec["index"], spec["alias"])
            elif kind == "remove":
                self.aliases.get(spec["alias"], set()).discard(spec["index"])
        self.aliases = {a: m for a, m in self.aliases.items() if m}
        return 200, {"acknowledged": True}

    def _resolve(self, name: str, *, write: bool = False) -> list[str]:
        """The concrete indices behind a name (index, alias, comma list, wildcard)."""
        names: list[str] = []
        for part in name.split(","):
            if part in self.aliases:
                names += sorted(self.aliases[part])
            elif part in self.indices:
                names.append(part)
            elif "*" in part:
                names += [n for n in self.indices if fnmatch.fnmatchcase(n, part)]
            elif write and self.auto_create_index:
                names.append(self._new_index(part, {}).name)  # auto-create, as ES does
            elif write:
                reason = f"no such index [{part}] and [action.auto_create_index] is [false]"
                raise ApiFailure(404, "index_not_found_exception", reason)
            else:
                raise ApiFailure(404, "index_not_found_exception", f"no such index [{part}]")
        if write and len(names) != 1:
            raise ApiFailure(
                400, "illegal_argument_exception", f"[{name}] has no single write index"
            )
        return names

    # -- documents ----------------------------------------------------------------------------

    def _get(self, name: str, doc_id: str, query: dict[str, str]) -> tuple[int, Any]:
        for index in self._resolve(name):
            doc = self.indices[index].docs.get(doc_id)
            if doc:
                return 200, _hit(index, doc_id, doc, query.get("_source_includes"), found=True)
        return 404, {"_index": name, "_id": doc_id, "found": False}

    def _mget(
        self, name: str | None, body: dict[str, Any], query: dict[str, str]
    ) -> tuple[int, Any]:
        if name is None or any("_index" in d for d in body.get("docs", [])):
            docs = []
            for spec in body["docs"]:
                fields = spec.get("_source")
                includes = ",".join(fields) if isinstance(fields, list) else None
                wanted = {"_source_includes": includes} if includes else query
                docs += self._mget(spec.get("_index", name), {"ids": [spec["_id"]]}, wanted)[1][
                    "docs"
                ]
            return 200, {"docs": docs}
        ids = body.get("ids") or [d["_id"] for d in body.get("docs", [])]
        try:
            indices = self._resolve(name)
        except ApiFailure as e:
            return 200, {"docs": [{"_index": name, "_id": i, **e.body()} for i in ids]}
        docs = []
        for doc_id in ids:
            found = [
                (i, self.indices[i].docs[doc_id]) for i in indices if doc_id in self.indices[i].docs
            ]
            if found:
                index, doc = found[0]
                docs.append(_hit(index, doc_id, doc, query.get("_source_includes"), found=True))
            else:
                docs.append({"_index": name, "_id": doc_id, "found": False})
        return 200, {"docs": docs}

    def _update(
        self, name: str, doc_id: str, body: dict[str, Any], query: dict[str, str]
    ) -> tuple[int, Any]:
        (index,) = self._resolve(name, write=True)
        docs = self.indices[index].docs
        current = docs.get(doc_id)
        if "script" in body:
            script = body["script"]
            if script.get("source") != SEQ_SCRIPT:
                raise ApiFailure(400, "fake_not_implemented", f"script {script!r}")
            if current is None:
                if "upsert" not in body:
                    raise ApiFailure(404, "document_missing_exception", f"[{doc_id}]: missing")
                source = copy.deepcopy(body["upsert"])  # ES: the upsert doc, script not run
            else:
                source = {**current["source"]}
                source["seq"] += script["params"]["n"]
        elif "doc" in body:
            if current is None:
                if not body.get("doc_as_upsert") and "upsert" not in body:
                    raise ApiFailure(404, "document_missing_exception", f"[{doc_id}]: missing")
                source = copy.deepcopy(body.get("upsert", body["doc"]))
            else:
                source = {**current["source"], **copy.deepcopy(body["doc"])}
        else:
            raise ApiFailure(400, "action_request_validation_exception", "no doc or script")
        self._check_mapping(index, source)
        stored = self._store(index, doc_id, source)
        answer = {
            "_index": index,
            "_id": doc_id,
            "_version": stored["version"],
            "result": "created" if current is None else "updated",
            "_seq_no": stored["seq_no"],
            "_primary_term": 1,
        }
        if query.get("_source") == "true" or body.get("_source") is True:
            answer["get"] = {"found": True, "_source": copy.deepcopy(source)}
        return (201 if current is None else 200), answer

    def _store(self, index: str, doc_id: str, source: dict[str, Any]) -> dict[str, Any]:
        docs = self.indices[index].docs
        version = docs[doc_id]["version"] + 1 if doc_id in docs else 1
        docs[doc_id] = {"source": source, "version": version, "seq_no": next(self._seq_no)}
        return docs[doc_id]

    def _check_mapping(self, index: str, source: dict[str, Any]) -> None:
        """What a mapping refuses in a document: a field a strict mapping lacks, and a value
        its field cannot parse (a date outside ``strict_date_optional_time||epoch_millis``,
        the default format; a number or boolean that is none)."""
        mappings = self.indices[index].mappings
        properties = mappings.get("properties", {})
        if mappings.get("dynamic") == "strict":
            unknown = sorted(set(source) - set(properties))
            if unknown:
                raise ApiFailure(
                    400,
                    "strict_dynamic_mapping_exception",
                    f"mapping set to strict, dynamic introduction of {unknown} is not allowed",
                )
        for name, value in source.items():
            spec = properties.get(name, {})
            kind = spec.get("type")
            for v in value if isinstance(value, list) else [value]:
                _check_term_length(name, spec, v)
                for sub, sub_spec in spec.get("fields", {}).items():
                    _check_term_length(f"{name}.{sub}", sub_spec, v)
                if v is not None and not _parses(kind, v):
                    raise ApiFailure(
                        400,
                        "document_parsing_exception",
                        f"[1:1] failed to parse field [{name}] of type [{kind}] in document "
                        f"with id '?'. Preview of field's value: '{v}'",
                    )

    def _write(
        self,
        op: str,
        name: str,
        doc_id: str,
        source: dict[str, Any] | None,
        meta: dict[str, Any] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One document write (a bulk item or a single ``_doc``): (status, item body). With
        ``if_seq_no`` and ``if_primary_term`` it is a compare-and-set: a 409 unless the
        document exists with exactly that sequence number (and primary term 1)."""
        try:
            (index,) = self._resolve(name, write=True)
            docs = self.indices[index].docs
            if meta and "if_seq_no" in meta:
                _check_seq_no(doc_id, docs.get(doc_id), meta)
            if op == "delete":
                if docs.pop(doc_id, None) is None:
                    return 404, {"_index": index, "_id": doc_id, "result": "not_found"}
                return 200, {"_index": index, "_id": doc_id, "result": "deleted"}
            if op == "update":
                status, answer = self._update(index, doc_id, source or {}, {})
                return status, {**answer, "status": status}
            if op == "create" and doc_id in docs:
                raise ApiFailure(
                    409,
                    "version_conflict_engine_exception",
                    f"[{doc_id}]: version conflict, document already exists",
                )
            self._check_mapping(index, source or {})
            existed = doc_id in docs
            stored = self._store(index, doc_id, copy.deepcopy(source or {}))
        except ApiFailure as e:
            return e.status, {"_index": name, "_id": doc_id, "status": e.status, **e.body()}
        status = 200 if existed else 201
        return status, {
            "_index": index,
            "_id": doc_id,
            "_version": stored["version"],
            "result": "updated" if existed else "created",
            "_seq_no": stored["seq_no"],
            "_primary_term": 1,
            "status": status,
        }

    def _injected(self, name: str, doc_id: str, retries: int = 0) -> ApiFailure | None:
        """The failure injected for this write, if any is left. An injected 409 stands for a
        concurrent writer: an update with ``retry_on_conflict`` left re-runs on the newer
        document, as Elasticsearch does, and only conflicts beyond that fail."""
        failure = self._failures.get((name, doc_id)) or self._failures.get((None, doc_id))
        while failure and failure[1] != 0:
            if failure[1] is not None:
                failure[1] -= 1
            status = failure[0]
            if status == 409 and retries > 0:
                retries -= 1
                continue
            kind = {
                429: "es_rejected_execution_exception",
                409: "version_conflict_engine_exception",
            }.get(status, "injected_failure")
            return ApiFailure(status, kind, f"injected failure for [{doc_id}]")
        return None

    def _bulk(self, default: str | None, r: Request) -> tuple[int, Any]:
        lines = list(r.body or [])
        items = []
        while lines:
            (op, meta), lines = next(iter(lines[0].items())), lines[1:]
            source = None
            if op != "delete":
                source, lines = lines[0], lines[1:]
            name, doc_id = meta.get("_index", default), meta.get("_id")
            retries = int(meta.get("retry_on_conflict", 0)) if op == "update" else 0
            if failure := self._injected(name, doc_id, retries):
                error = failure.body()
                items.append(
                    {op: {"_index": name, "_id": doc_id, "status": failure.status, **error}}
                )
                continue
            require_alias = meta.get("require_alias", r.query.get("require_alias") == "true")
            if require_alias and name not in self.aliases:
                reason = f"[require_alias] request flag is [true] and [{name}] is not an alias"
                error = ApiFailure(404, "index_not_found_exception", reason).body()
                items.append({op: {"_index": name, "_id": doc_id, "status": 404, **error}})
                continue
            _, item = self._write(op, name, doc_id, source, meta)
            items.append({op: item})
        errors = any(next(iter(i.values()))["status"] >= 300 for i in items)
        written = {next(iter(i.values())).get("_index") for i in items}
        self._refresh_if_asked(r, sorted(n for n in written if n))
        return 200, {"took": 1, "errors": errors, "items": items}

    # -- search -------------------------------------------------------------------------------

    def _matching(
        self, searchable: dict[str, dict[str, dict[str, Any]]], query: dict[str, Any] | None
    ) -> list[tuple[str, str, dict]]:
        out = []
        for index, docs in searchable.items():
            for doc_id, doc in docs.items():
                if _matches(query or {"match_all": {}}, doc["source"], self._types(index)):
                    out.append((index, doc_id, doc))
        return out

    def _types(self, index: str) -> dict[str, str]:
        props = self.indices[index].mappings.get("properties", {})
        return {name: spec.get("type", "object") for name, spec in props.items()}

    def _check_doc_values(self, searchable: dict[str, Any], field_name: str, use: str) -> None:
        """Sorting and aggregating need doc values: a ``text`` field has none (fielddata is
        off), so Elasticsearch refuses the whole search; ``_id`` has none either, and 8.x
        refuses its fielddata (``indices.id_field_data.enabled`` is false)."""
        if field_name == "_id":
            raise ApiFailure(
                400,
                "illegal_argument_exception",
                "Fielddata access on the _id field is disallowed, you can re-enable it by "
                "updating the dynamic cluster setting: indices.id_field_data.enabled",
            )
        for index in searchable:
            if _field_type(self.indices[index].mappings, field_name) == "text":
                raise ApiFailure(
                    400,
                    "illegal_argument_exception",
                    f"Text fields are not optimised for operations that require per-document "
                    f"field data like aggregations and sorting, so these operations are "
                    f"disabled by default. Please use a keyword field instead. Alternatively, "
                    f"set fielddata=true on [{field_name}] in order to {use} it",
                )

    def _search(
        self, name: str | None, body: dict[str, Any], query: dict[str, str]
    ) -> tuple[int, Any]:
        if "pit" in body:
            if name is not None:
                raise ApiFailure(400, "action_request_validation_exception", "pit with an index")
            if body["pit"]["id"] not in self._pits:
                raise ApiFailure(404, "search_context_missing_exception", "no such pit")
            searchable = self._pits[body["pit"]["id"]]
        elif name is None:
            raise ApiFailure(400, "fake_not_implemented", "a search without an index or pit")
        else:
            searchable = self._searchable(name)
        start = int(body.get("from", query.get("from", 0)))
        size = int(body.get("size", query.get("size", 10)))
        if start + size > MAX_RESULT_WINDOW:
            raise ApiFailure(
                400,
                "illegal_argument_exception",
                f"Result window is too large, from + size must be less than or equal to: "
                f"[{MAX_RESULT_WINDOW}] but was [{start + size}]",
            )
        if (clauses := _leaves(body.get("query"))) > MAX_CLAUSE_COUNT:
            raise ApiFailure(
                400,
                "too_many_nested_clauses",
                f"Query contains too many nested clauses ({clauses}); "
                f"maxClauseCount is set to {MAX_CLAUSE_COUNT}",
            )
        sort = [_sort_spec(s) for s in body.get("sort", [])]
        for field_name, _ in sort:
            if field_name == "_shard_doc" and "pit" not in body:
                raise ApiFailure(
                    400,
                    "illegal_argument_exception",
                    "[_shard_doc] sort field cannot be used without [point in time]",
                )
            if field_name != "_shard_doc":
                self._check_doc_values(searchable, field_name, "sort")
        found = self._matching(searchable, body.get("query"))
        keyed = []
        for index, doc_id, doc in found:
            types = self._types(index)
            key = [_sort_value(doc["source"].get(f), types.get(f)) for f, _ in sort]
            if sort and "pit" in body:  # the implicit _shard_doc tiebreaker of a PIT search
                key.append(doc["seq_no"])
            keyed.append((key, index, doc_id, doc))
        orders = [order for _, order in sort] + (["asc"] if sort and "pit" in body else [])
        for position in reversed(range(len(orders))):  # stable sorts, last key first
            descending = orders[position] == "desc"
            keyed.sort(key=lambda k, p=position: _orderable(k[0][p]), reverse=descending)
        if (after := body.get("search_after")) is not None:
            _check_search_after(after, orders, start)
            keyed = [k for k in keyed if _after(k[0], after, orders)]
        hits = []
        fields = body.get("_source")
        includes = ",".join(fields) if isinstance(fields, list) else None
        for key, index, doc_id, doc in keyed[start : start + size]:
            hit = _hit(index, doc_id, doc, includes)
            if fields is False:
                hit.pop("_source")
            hit["_score"] = None if sort else 1.0
            if sort:
                hit["sort"] = key
            hits.append(hit)
        answer: dict[str, Any] = {"took": 1, "timed_out": False, "hits": {"hits": hits}}
        tracked = body.get("track_total_hits", DEFAULT_TRACKED)
        if tracked is not False:
            limit = len(found) if tracked is True else int(tracked)
            relation = "eq" if len(found) <= limit else "gte"
            answer["hits"]["total"] = {"value": min(len(found), limit), "relation": relation}
        if aggs := body.get("aggs") or body.get("aggregations"):
            for field_name in _aggregated_fields(aggs):
                self._check_doc_values(searchable, field_name, "aggregate on")
            answer["aggregations"] = _aggregate(aggs, [d["source"] for _, _, d in found])
            if (buckets := _buckets(answer["aggregations"])) > self.max_buckets:
                raise ApiFailure(
                    400,
                    "too_many_buckets_exception",
                    f"Trying to create too many buckets. Must be less than or equal to: "
                    f"[{self.max_buckets}] but this number of buckets was exceeded "
                    f"({buckets}). This limit can be set by changing the "
                    f"[search.max_buckets] cluster level setting.",
                )
        if "pit" in body:
            answer["pit_id"] = body["pit"]["id"]
        return 200, answer


# -- helpers ------------------------------------------------------------------------------------


def _info() -> dict[str, Any]:
    return {
        "name": "fake-es",
        "cluster_name": "fake",
        "cluster_uuid": "fake-uuid",
        "version": {
            "number": VERSION,
            "build_flavor": "default",
            "lucene_version": "9.12.1",
            "minimum_wire_compatibility_version": "7.17.0",
            "minimum_index_compatibility_version": "7.0.0",
        },
        "tagline": "You Know, for Search",
    }


def _parse_body(raw: bytes, headers: dict[str, str]) -> Any:
    if not raw:
        return None
    content_type = headers.get("content-type", "")
    text = raw.decode("utf-8")
    if "ndjson" in content_type:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def _hit(
    index: str, doc_id: str, doc: dict[str, Any], includes: str | None, found: bool | None = None
) -> dict[str, Any]:
    source = copy.deepcopy(doc["source"])
    if includes:
        wanted = includes.split(",")
        source = {k: v for k, v in source.items() if k in wanted}
    hit = {"_index": index, "_id": doc_id, "_version": doc["version"], "_source": source}
    if found is not None:
        hit.update(found=found, _seq_no=doc["seq_no"], _primary_term=1)
    return hit


def _epoch_millis(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp() * 1000)


def _comparable(value: Any, kind: str | None) -> Any:
    if kind == "date" and isinstance(value, str):
        return _epoch_millis(value)
    return value


def _matches(query: dict[str, Any], source: dict[str, Any], types: dict[str, str]) -> bool:
    (kind, spec), *_ = query.items()
    if kind == "match_all":
        return True
    if kind in ("match_phrase", "wildcard") or kind.startswith("span_"):
        return _analysed(kind, spec, source)
    if kind == "term" and next(iter(spec)).endswith(".uni"):
        (name, wanted), *_ = spec.items()
        value = wanted["value"] if isinstance(wanted, dict) else wanted
        return value in _tokens(_text(source, name))
    if kind in ("match", "multi_match", "query_string"):
        return True  # not analysed in the fake: every document is a candidate
    if kind == "bool":
        must = spec.get("must", []) + spec.get("filter", [])
        must = must if isinstance(must, list) else [must]
        should = spec.get("should", [])
        should = should if isinstance(should, list) else [should]
        must_not = spec.get("must_not", [])
        must_not = must_not if isinstance(must_not, list) else [must_not]
        if not all(_matches(q, source, types) for q in must):
            return False
        if any(_matches(q, source, types) for q in must_not):
            return False
        default = 0 if must else 1
        wanted = int(spec.get("minimum_should_match", default if should else 0))
        return sum(_matches(q, source, types) for q in should) >= wanted
    if kind == "ids":
        raise ApiFailure(400, "fake_not_implemented", "ids query")
    if kind in ("term", "terms"):
        (name, wanted), *_ = spec.items()
        if kind == "term":
            wanted = [wanted["value"] if isinstance(wanted, dict) else wanted]
        value = source.get(name)
        values = value if isinstance(value, list) else [value]
        return any(v in wanted for v in values)
    if kind == "range":
        (name, bounds), *_ = spec.items()
        if source.get(name) is None:
            return False
        value = _comparable(source[name], types.get(name))
        checks = {
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
        }
        return all(
            checks[op](value, _comparable(bound, types.get(name)))
            for op, bound in bounds.items()
            if op in checks
        )
    raise ApiFailure(400, "fake_not_implemented", f"the fake has no {kind!r} query")


def _sort_spec(spec: Any) -> tuple[str, str]:
    if isinstance(spec, str):
        return spec, "asc"
    (name, order), *_ = spec.items()
    return name, order["order"] if isinstance(order, dict) else order


def _sort_value(value: Any, kind: str | None) -> Any:
    return _comparable(value, kind)


def _orderable(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)  # missing values sort last


def _check_search_after(after: list[Any], orders: list[str], start: int) -> None:
    if start:
        raise ApiFailure(
            400,
            "illegal_argument_exception",
            "`from` parameter must be set to 0 when `search_after` is used.",
        )
    if len(after) != len(orders):
        raise ApiFailure(
            400,
            "illegal_argument_exception",
            f"search_after has {len(after)} value(s) but sort has {len(orders)}.",
        )


def _after(key: list[Any], after: list[Any], orders: list[str]) -> bool:
    for value, bound, order in zip(key, after, orders, strict=True):
        if value == bound:
            continue
        return (value > bound) if order == "asc" else (value < bound)
    return False


_STRICT_DATE = regex.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?"
)


def _parses(kind: str | None, value: Any) -> bool:
    if kind == "date":
        if isinstance(value, int) and not isinstance(value, bool):
            return True  # epoch_millis
        return isinstance(value, str) and _STRICT_DATE.fullmatch(value) is not None
    if kind in ("integer", "long"):
        if isinstance(value, str):
            return value.lstrip("-").isdigit()
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false", "")
    return True


def _check_seq_no(doc_id: str, doc: dict[str, Any] | None, meta: dict[str, Any]) -> None:
    wanted, term = int(meta["if_seq_no"]), int(meta.get("if_primary_term", -1))
    if doc is not None and doc["seq_no"] == wanted and term == 1:
        return
    current = "no document was found" if doc is None else f"current seqNo [{doc['seq_no']}]"
    raise ApiFailure(
        409,
        "version_conflict_engine_exception",
        f"[{doc_id}]: version conflict, required seqNo [{wanted}], primary term [{term}]. "
        f"but {current}",
    )


MAX_TERM_BYTES = 32_766  # Lucene's longest term, indexed or in doc values (BYTE_BLOCK_SIZE - 2)


def _check_term_length(name: str, spec: dict[str, Any], value: Any) -> None:
    """A keyword value is one term: over 32,766 UTF-8 bytes Lucene refuses the whole
    document, whether the term is indexed (an "immense term") or only kept in doc values
    (``index: false``), unless ``ignore_above`` (characters) leaves the value out."""
    if spec.get("type") != "keyword" or not isinstance(value, str):
        return
    if len(value) > spec.get("ignore_above", 2**31 - 1):
        return  # neither indexed nor in doc values: only in _source
    size = len(value.encode("utf-8"))
    if size <= MAX_TERM_BYTES:
        return
    if spec.get("index", True):
        raise ApiFailure(
            400,
            "illegal_argument_exception",
            f'Document contains at least one immense term in field="{name}" (whose UTF8 '
            f"encoding is longer than the max length {MAX_TERM_BYTES}), all of which were "
            f"skipped. Please correct the analyzer to not produce such terms. original "
            f"message: bytes can be at most {MAX_TERM_BYTES} in length; got {size}",
        )
    if spec.get("doc_values", True):
        raise ApiFailure(
            400,
            "illegal_argument_exception",
            f'DocValuesField "{name}" is too large, must be <= {MAX_TERM_BYTES}',
        )


_LEAF_QUERIES = {"term", "terms", "span_term", "wildcard", "range", "match_all"}


def _leaves(query: Any) -> int:
    """Lucene (9, Elasticsearch 8) counts every leaf of a query tree against
    max_clause_count, not only the clauses of one bool: a phrase over the .uni fields'
    token graph counts every span term of every path."""
    if isinstance(query, list):
        return sum(_leaves(q) for q in query)
    if not isinstance(query, dict):
        return 0
    count = 0
    for kind, spec in query.items():
        if kind == "match_phrase":
            (value,) = spec.values()
            text = value["query"] if isinstance(value, dict) else value
            runs = regex.findall(_CJK_CLASS + "+", text)
            count += sum(_graph_terms(len(r)) for r in runs) or 1
        else:
            count += 1 if kind in _LEAF_QUERIES else _leaves(spec)
    return count


def _graph_terms(n: int) -> int:
    """Terms of all paths through the graph of n characters' unigrams and bigrams."""
    paths, terms = [1, 1], [0, 1]
    for k in range(2, n + 1):
        paths.append(paths[k - 1] + paths[k - 2])
        terms.append(terms[k - 1] + paths[k - 1] + terms[k - 2] + paths[k - 2])
    return terms[n]


def _field_type(mappings: dict[str, Any], name: str) -> str | None:
    """The mapped type of a field or a sub-field (``title.raw``), or None if unmapped."""
    top, _, sub = name.partition(".")
    spec = mappings.get("properties", {}).get(top)
    if spec and sub:
        spec = spec.get("fields", {}).get(sub) or spec.get("properties", {}).get(sub)
    return spec.get("type", "object") if spec else None


def _aggregated_fields(aggs: dict[str, Any]) -> list[str]:
    fields = []
    for spec in aggs.values():
        for kind in ("terms", "date_histogram"):
            if kind in spec:
                fields.append(spec[kind]["field"])
        fields += _aggregated_fields(spec.get("aggs") or spec.get("aggregations") or {})
    return fields


def _merged(base: dict[str, Any], over: dict[str, Any] | None) -> dict[str, Any]:
    """``over`` merged into a copy of ``base``, objects key by key, as a create-index request
    is merged over its template."""
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _terms(spec: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[Any, int] = {}
    for source in sources:
        value = source.get(spec["field"])
        for v in value if isinstance(value, list) else [value]:
            if v is not None:
                counts[v] = counts.get(v, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: spec.get("size", 10)]
    return {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": sum(counts.values()) - sum(n for _, n in ranked),
        "buckets": [{"key": k, "doc_count": n} for k, n in ranked],
    }


# -- the toy analysis of the *.uni sub-fields ---------------------------------------------------

# the scripts cjk_bigram joins (han, hiragana, katakana, hangul; ー, U+30FC, is Katakana to
# the tokenizer's word-break rules though its script is Common): one token per character
_CJK_CLASS = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u30fc]"
_HAN = regex.compile(_CJK_CLASS)
# A word as UAX #29 joins it, of ASCII letters and digits and Hangul syllables (letters to
# UAX #29 too): letters across . : ' (MidLetter, MidNumLet, Single_Quote: "e.g", "don't"),
# digits across . , ; ' (MidNum: "3.14", "1,000"), anything across _ (ExtendNumLet). A
# run of Hangul alone is a CJK run; one with a Latin letter or a digit (2026년) is one
# <ALPHANUM> token, which cjk_bigram leaves whole.
_W = r"[a-z0-9\p{Hangul}]"
_WORD = regex.compile(
    rf"{_W}+(?:(?:(?<=[a-z\p{{Hangul}}])[.:'](?=[a-z\p{{Hangul}}])|(?<=[0-9])[.,;'](?=[0-9])|_)"
    rf"{_W}+)*"
)
_ALL_HANGUL = regex.compile(r"\p{Hangul}+")
MAX_TOKEN_LENGTH = 255  # the standard tokenizer's default: a longer word is split every 255


def _text(source: dict[str, Any], field_name: str) -> str:
    return source.get(field_name.removesuffix(".uni")) or ""


def _sequence(text: str) -> list[tuple[str, int]]:
    """(unigram or word, offset) in text order: Han characters one by one, ASCII words
    (full-width folded, lower-cased) in pieces of at most 255 characters, as the standard
    tokenizer splits a longer word; everything else separates them."""
    folded = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    folded = folded.lower()
    out, at = [], 0
    while at < len(folded):
        word = _WORD.match(folded, at)
        if word and _ALL_HANGUL.fullmatch(word.group()):
            word = None  # a CJK run: one token per character
        if not word and _HAN.match(folded[at]):
            out.append((folded[at], at))
            at += 1
        elif word:
            for start in range(at, word.end(), MAX_TOKEN_LENGTH):
                out.append((folded[start : min(start + MAX_TOKEN_LENGTH, word.end())], start))
            at = word.end()
        else:
            at += 1
    return out


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> dict[str, tuple[int, ...]]:
    """token → positions: the sequence's tokens, plus a bigram of two Han characters that
    touch in the text, at the first one's position."""
    positions: dict[str, list[int]] = {}
    sequence = _sequence(text)
    for position, (token, at) in enumerate(sequence):
        positions.setdefault(token, []).append(position)
        if position and _HAN.match(token):
            before, before_at = sequence[position - 1]
            if before_at == at - 1 and _HAN.match(before):
                positions.setdefault(before + token, []).append(position - 1)
    return {token: tuple(found) for token, found in positions.items()}


def _field_of(spec: dict[str, Any]) -> str:
    (kind, inner), *_ = spec.items()
    if kind == "span_term":
        return next(iter(inner))
    if kind == "span_not":
        return _field_of(inner["include"])
    return _field_of(inner["clauses"][0])


def _spans(query: dict[str, Any], tokens: dict[str, tuple[int, ...]]) -> list[tuple[int, int]]:
    (kind, spec), *_ = query.items()
    if kind == "span_term":
        (value,) = spec.values()
        value = value["value"] if isinstance(value, dict) else value
        return [(p, p + 1) for p in tokens.get(value, ())]
    if kind in ("span_or", "span_near") and len({_field_of(c) for c in spec["clauses"]}) > 1:
        raise ApiFailure(400, "illegal_argument_exception", "Clauses must have same field.")
    if kind == "span_or":
        return sorted({s for clause in spec["clauses"] for s in _spans(clause, tokens)})
    if kind == "span_near":
        if spec.get("slop", 0) != 0 or not spec.get("in_order", False):
            raise ApiFailure(400, "fake_not_implemented", "span_near other than slop 0 in order")
        chains = _spans(spec["clauses"][0], tokens)
        for clause in spec["clauses"][1:]:
            nexts = _spans(clause, tokens)
            chains = [(s, ne) for s, e in chains for ns, ne in nexts if ns == e]
        return sorted(set(chains))
    if kind == "span_not":
        pre = spec.get("pre", spec.get("dist", 0))
        post = spec.get("post", spec.get("dist", 0))
        excluded = _spans(spec["exclude"], tokens)
        return [
            (s, e)
            for s, e in _spans(spec["include"], tokens)
            if not any(xe > s - pre and xs < e + post for xs, xe in excluded)
        ]
    raise ApiFailure(400, "fake_not_implemented", f"the fake has no {kind!r} span query")


def _check_graph_phrase(query: str) -> None:
    """The query's own analysis is a token graph (each bigram spans two unigram positions),
    and a phrase on a graph becomes one span clause per path through it: a run of n
    characters has fib(n + 1) paths, and more than max_clause_count fail the search."""
    for run in regex.findall(_CJK_CLASS + "+", query):
        paths, before = 1, 1
        for _ in run:
            paths, before = paths + before, paths
        if before > MAX_CLAUSE_COUNT:
            raise ApiFailure(
                400, "too_many_clauses", f"maxClauseCount is set to {MAX_CLAUSE_COUNT}"
            )


def _analysed(kind: str, spec: dict[str, Any], source: dict[str, Any]) -> bool:
    if kind.startswith("span_"):
        field_name = _field_of({kind: spec})
        return bool(_spans({kind: spec}, _tokens(_text(source, field_name))))
    (field_name, value), *_ = spec.items()
    if not field_name.endswith(".uni"):
        return True  # not analysed in the fake
    tokens = _tokens(_text(source, field_name))
    if kind == "wildcard":
        pattern = value["value"] if isinstance(value, dict) else value
        return any(fnmatch.fnmatchcase(token, pattern) for token in tokens)
    # match_phrase: the query's unigrams and words at consecutive positions
    query = value["query"] if isinstance(value, dict) else value
    _check_graph_phrase(query)
    wanted = [token for token, _ in _sequence(query)]
    if not wanted:
        return False
    return any(
        all(p + i in tokens.get(t, ()) for i, t in enumerate(wanted))
        for p in tokens.get(wanted[0], ())
    )


# -- aggregations -------------------------------------------------------------------------------

_FORMATS = {"yyyy-MM-dd": "%Y-%m-%d", "yyyy-MM": "%Y-%m"}


def _aggregate(aggs: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for name, spec in aggs.items():
        sub = spec.get("aggs") or spec.get("aggregations") or {}
        if "terms" in spec:
            result = _terms(spec["terms"], sources)
            field_name = spec["terms"]["field"]
            for bucket in result["buckets"]:
                members = [s for s in sources if bucket["key"] in _values(s.get(field_name))]
                bucket.update(_aggregate(sub, members))
        elif "date_histogram" in spec:
            result = _date_histogram(spec["date_histogram"], sources, sub)
        elif "composite" in spec:
            result = _composite(spec["composite"], sources)
        else:
            raise ApiFailure(400, "fake_not_implemented", f"aggregation {sorted(spec)}")
        out[name] = result
    return out


def _composite(spec: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """Buckets of every combination of the sources' values, in key order, ``size`` at a
    time after ``after``; documents lacking a value are left out (missing_bucket false)."""
    names = [next(iter(s)) for s in spec["sources"]]
    groups: dict[tuple[Any, ...], int] = {}
    for source in sources:
        keys = [_composite_keys(next(iter(s.values())), source) for s in spec["sources"]]
        for combination in itertools.product(*keys):
            groups[combination] = groups.get(combination, 0) + 1
    ordered = sorted(groups)
    if "after" in spec:
        after = tuple(spec["after"][n] for n in names)
        ordered = [k for k in ordered if k > after]
    page = ordered[: spec.get("size", 10)]
    buckets = [{"key": dict(zip(names, k, strict=True)), "doc_count": groups[k]} for k in page]
    out: dict[str, Any] = {"buckets": buckets}
    if buckets:
        out["after_key"] = buckets[-1]["key"]
    return out


def _composite_keys(source_spec: dict[str, Any], source: dict[str, Any]) -> list[Any]:
    (kind, spec), *_ = source_spec.items()
    values = [v for v in _values(source.get(spec["field"])) if v is not None]
    if kind == "terms":
        return values
    if kind == "date_histogram":
        if spec.get("calendar_interval") not in ("day", "month"):
            raise ApiFailure(400, "fake_not_implemented", "composite date_histogram: day/month")
        zone = ZoneInfo(spec.get("time_zone", "UTC"))
        pattern = _FORMATS[spec["format"]]
        return [datetime.fromisoformat(v).astimezone(zone).strftime(pattern) for v in values]
    raise ApiFailure(400, "fake_not_implemented", f"composite source {kind!r}")


def _buckets(result: Any) -> int:
    """How many buckets an aggregation answer holds, sub-aggregations' included."""
    if isinstance(result, list):
        return sum(_buckets(r) for r in result)
    if not isinstance(result, dict):
        return 0
    count = len(result["buckets"]) if isinstance(result.get("buckets"), list) else 0
    return count + sum(_buckets(v) for k, v in result.items() if k != "after_key")


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _date_histogram(
    spec: dict[str, Any], sources: list[dict[str, Any]], sub: dict[str, Any]
) -> dict[str, Any]:
    if spec.get("calendar_interval") not in ("day", "month") or spec.get("min_doc_count") != 1:
        raise ApiFailure(400, "fake_not_implemented", "date_histogram: day/month, min_doc_count 1")
    zone = ZoneInfo(spec.get("time_zone", "UTC"))
    pattern = _FORMATS[spec["format"]]
    groups: dict[str, list[dict[str, Any]]] = {}
    for source in sources:
        moment = datetime.fromisoformat(source[spec["field"]]).astimezone(zone)
        groups.setdefault(moment.strftime(pattern), []).append(source)
    buckets = []
    for label in sorted(groups):
        start = datetime.strptime(label, pattern).replace(tzinfo=zone)
        bucket = {
            "key_as_string": label,
            "key": int(start.timestamp() * 1000),
            "doc_count": len(groups[label]),
        }
        bucket.update(_aggregate(sub, groups[label]))
        buckets.append(bucket)
    return {"buckets": buckets}
