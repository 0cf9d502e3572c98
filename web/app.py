"""The dashboard as a WSGI app: pages rendered with Jinja2 on the server, JSON behind them.

/                 status: a summary banner, sources, articles per day and per run, runs, digests
/search           the alert-rule syntax, filters, highlighted snippets, per-source facets, paging
/article/<id>     the article, then every stored field in words, images, and the versions
/trends           articles mentioning a keyword per day (or month) and source
/api/status, /api/search, /healthz, /metrics, /unsubscribe

Every time shown carries its zone (+08:00); sources are shown by their seeds' titles.
"""

from __future__ import annotations

import calendar
import hmac
import ipaddress
import json
import logging
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from alerts.ledger import Ledger
from alerts.render import segments
from alerts.unsubscribe import PATHS as UNSUBSCRIBE_PATHS
from alerts.unsubscribe import UnsubscribeApp
from crawler.seeds import load_sources
from model.clock import SHANGHAI, now
from scheduler.health import HEALTHY, INTERRUPTED
from scheduler.runs import RunLog
from store.base import ArticleStore
from store.query import Query, QueryError, parse
from tidewatch.config import Config, ConfigError
from web import data
from web.cache import Response, ResponseCache
from web.charts import bar_chart
from web.server import internal_error

log = logging.getLogger("tidewatch.web")

StartResponse = Callable[[str, list[tuple[str, str]]], object]
COLOURS = {"xsnet": "#0b6e99", "xsrb": "#bf8700", "tidenews": "#8250df"}
HEALTH_STATES = ("healthy", "degraded", "failing", "disabled", "unknown")
HEALTH_WORDS = {
    "healthy": "healthy",
    "degraded": "degraded",
    "failing": "failing",
    "disabled": "disabled",
    "unknown": "no runs yet",
}
OUTCOME_CLASS = {"healthy": "healthy", "degraded": "degraded", "failed": "failing"}
FIELD_LABELS = [
    ("source", "来源网站 Source"),
    ("channel", "栏目 Channel"),
    ("published_at", "发布时间 Published"),
    ("origin", "来源 Credited to"),
    ("authors", "记者 Reporters"),
    ("contributors", "通讯员 Correspondents"),
    ("editor", "编辑 Editor"),
    ("images", "图片 Images"),
    ("url", "原文 Original page"),
    ("id", "编号 Article id"),
    ("content_hash", "内容指纹 Content fingerprint"),
    ("first_seen", "首次发现 First seen"),
    ("last_seen", "最近确认 Last seen"),
    ("version", "版本 Version"),
]
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LATEST = 10  # articles on the empty search page
STATUS_TTL = 1.0  # seconds one status computation serves every request
ANSWERS_KEPT = 256  # recent search and trend answers, while the store is unchanged
STATUS_PAGES = frozenset({"/", "/api/status", "/healthz", "/metrics"})  # kept status_ttl s
STORE_PAGES = frozenset({"/search", "/api/search", "/trends"})  # kept while the store is
RUNS_ONLY = frozenset({"/api/status", "/healthz"})  # made without the store: any revision


def when_text(moment: str | None, seconds: bool = False) -> str:
    """``2026-12-01 18:22 +08:00``: Shanghai time, always with its zone."""
    if not moment:
        return "—"
    try:
        t = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    t = (t if t.tzinfo else t.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)
    return f"{t:%Y-%m-%d %H:%M:%S}"[: 19 if seconds else 16] + " +08:00"


def when(moment: str | None) -> Markup:
    if not moment:
        return Markup("—")
    return Markup('<time datetime="{}">{}</time>').format(moment, when_text(moment))


def published_text(item: Any) -> str:
    """When an article was published, as precisely as its page said: a date-only e-paper
    shows no invented 00:00, and an article without a date shows when it was first seen."""

    def get(key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

    at, precision = get("published_at") or "", get("published_precision") or "minute"
    if precision == "day":
        return at[:10]
    if precision == "unknown":
        return f"{(get('first_seen') or at)[:10]} (no date on the page: first seen)"
    return when_text(at, seconds=precision == "second")


def published(item: Any) -> Markup:
    """``published_text`` in a ``<time>`` element."""
    at = item.get("published_at") if isinstance(item, dict) else item.published_at
    text = published_text(item)
    date_part, _, note = text.partition(" (")
    if note:
        shown = '<time datetime="{}" class="first-seen">{}</time> <span class="muted">({}</span>'
        return Markup(shown).format(at, date_part, note)
    return Markup('<time datetime="{}">{}</time>').format(at, text)


_env = Environment(loader=PackageLoader("web", "templates"), autoescape=select_autoescape(["html"]))
_env.globals.update(
    segments=segments,
    colours=COLOURS,
    published=published,
    health_words=HEALTH_WORDS,
    outcome_class=OUTCOME_CLASS,
    field_labels=FIELD_LABELS,
)
_env.filters["when"] = when


def error_kind(kind: str) -> str:
    """An error kind in words: http_404 → HTTP 404, incomplete_article → incomplete article."""
    return re.sub(r"^http_(\d+)$", r"HTTP \1", kind).replace("_", " ")


_env.filters["error_kind"] = error_kind


def check_exposure(config: Config) -> None:
    """Refuse to serve beyond loopback without a token: the archive and the run log are
    not for everyone on the network."""
    host = config.web_listen.rsplit(":", 1)[0]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not config.web_token:
        raise ConfigError(
            f"TIDEWATCH_WEB_LISTEN={config.web_listen} is not a loopback address: "
            "set TIDEWATCH_WEB_TOKEN to protect the web UI"
        )


class Dashboard:
    def __init__(
        self,
        config: Config,
        store: ArticleStore,
        runs: RunLog,
        ledger: Ledger,
        unsubscribe: UnsubscribeApp,
        scheduler_running: Callable[[], bool],
        status_ttl: float = STATUS_TTL,
    ) -> None:
        self.config, self.store, self.runs, self.ledger = config, store, runs, ledger
        self.status_ttl = status_ttl
        self.unsubscribe = unsubscribe
        self.scheduler_running = scheduler_running
        self._status_lock = threading.Lock()
        self._answers: OrderedDict[tuple[Any, ...], tuple[int, Any]] = OrderedDict()
        self._answers_lock = threading.Lock()
        self._status_cache: tuple[float, dict[str, Any]] | None = None
        self.responses = ResponseCache()
        self.token = config.web_token.get_secret_value() if config.web_token else None
        self.names = {name: s.title for name, s in load_sources(config.seeds_dir).items()}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path in UNSUBSCRIBE_PATHS:  # /unsubscribe, /preferences: links in emails, no token
            return self.unsubscribe(environ, start_response)
        if not self._authorised(environ):
            return _send(
                start_response,
                "401 Unauthorized",
                "text/plain",
                b"token required",
                [("WWW-Authenticate", "Bearer")],
            )
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if environ.get("REQUEST_METHOD") == "GET" and path in STATUS_PAGES | STORE_PAGES:
                return self._cached(path, params, start_response)
            return self._route(path, params, start_response)
        except Exception:  # a page never takes the service down, nor shows its internals
            log.exception("error serving %s", path)
            return internal_error(start_response)

    def _route(self, path: str, params: dict[str, str], start: StartResponse) -> Iterable[bytes]:
        if path == "/":
            return self._page(start, "status.html", self._status_page(params), nav="status")
        if path == "/api/status":
            return _json(start, self._status())
        if path == "/healthz":
            status = self._status()
            problems = [
                f"{s['source']} is failing" for s in status["sources"] if s["health"] == "failing"
            ]
            if not status["scheduler_running"]:
                problems.insert(0, "the scheduler is not running")
            code = "200 OK" if not problems else "503 Service Unavailable"
            return _json(start, {"ok": not problems, "problems": problems}, code)
        if path == "/metrics":
            return _send(start, "200 OK", "text/plain; version=0.0.4", self._metrics().encode())
        if path == "/api/search":
            result = self._search(params)
            result.pop("caret", None)
            return _json(start, result, "400 Bad Request" if result.get("error") else "200 OK")
        if path == "/search":
            context = self._search_page(params)
            code = "400 Bad Request" if context.get("error") else "200 OK"
            return self._page(start, "search.html", context, code, nav="search")
        if path == "/trends":
            context = self._trend_page(params)
            code = "400 Bad Request" if context.get("error") else "200 OK"
            return self._page(start, "trends.html", context, code, nav="trends")
        if path.startswith("/article/"):
            article = self.store.get(path.removeprefix("/article/"))
            if article is None:
                return self._not_found(start, "No stored article has this id.")
            versions = self.store.versions(article.id)
            return self._page(start, "article.html", {"article": article, "versions": versions})
        return self._not_found(start, f"There is no page {path}.")

    def _cached(self, path: str, params: dict[str, str], start: StartResponse) -> list[bytes]:
        """The page from the response cache: status pages for ``status_ttl`` seconds, store
        pages while the store's revision is unchanged (never, if it cannot say). The day is
        part of the key: "the last 7 days" moves at midnight without any new article."""
        revision = None if path in RUNS_ONLY else self.store.revision()
        ttl = self.status_ttl if path in STATUS_PAGES else None
        if revision is None and ttl is None:
            return self._route(path, params, start)
        asked = tuple(sorted((k, v) for k, v in params.items() if k != "token"))
        key = (path, asked, now().date())
        response = self.responses.get(key, revision, lambda: self._render(path, params), ttl)
        start(response.status, list(response.headers))
        return [response.body]

    def _render(self, path: str, params: dict[str, str]) -> Response:
        answer: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]]) -> None:
            answer[:] = [status, headers]

        body = b"".join(self._route(path, params, keep))
        return Response(answer[0], answer[1], body)

    # -- status -----------------------------------------------------------------------------

    def _status(self) -> dict[str, Any]:
        """The status data, computed at most once a second: many clients polling it (a wall
        display, Prometheus, 50 browsers) cost one computation, not one each."""
        with self._status_lock:
            moment = time.monotonic()
            if self._status_cache is None or moment - self._status_cache[0] >= self.status_ttl:
                status = data.status(self.config, self.runs, self.ledger, self.scheduler_running())
                self._status_cache = (moment, status)
            return self._status_cache[1]

    def _answer(self, key: tuple[Any, ...], compute: Callable[[], dict[str, Any]]) -> Any:
        """A search or trend answer, kept until the store changes: many readers asking the
        same question between two crawls cost one query (a store that cannot say when it
        changed is asked every time)."""
        revision = self.store.revision()
        if revision is None:
            return compute()
        with self._answers_lock:
            kept = self._answers.get(key)
            if kept and kept[0] == revision:
                self._answers.move_to_end(key)
                return kept[1]
        answer = compute()
        with self._answers_lock:
            self._answers[key] = (revision, answer)
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return answer

    def _status_page(self, params: dict[str, str]) -> dict[str, Any]:
        status = self._status()
        stored = self._stored()
        sources = []
        for row in status["sources"]:
            unhealthy = row["health"] in ("failing", "degraded")
            sources.append(
                {
                    "unextracted": [],
                    **row,
                    "stored": stored.get(row["source"], 0),
                    "since": self._unhealthy_since(row["source"]) if unhealthy else None,
                }
            )
        order = [s["source"] for s in sources]
        runs, runs_filter = status["runs"], None
        day, source = params.get("day", ""), params.get("source", "")
        if (day and DAY.match(day)) or source in order:
            picked = self.runs.runs(source if source in order else None, limit=1000)
            runs = [data.run_row(r) for r in picked if r.started_at.startswith(day)][:200]
            runs_filter = " · ".join(x for x in (self.names.get(source, ""), day) if x)
        per_run = [
            {"day": str(r["id"]), r["source"]: r["new"] + r["updated"]}
            for r in reversed(status["runs"])
        ]
        one_day = len({r["started_at"][:10] for r in status["runs"]}) <= 1
        part = slice(11, 19) if one_day else slice(5, 16)  # HH:MM:SS, or MM-DD HH:MM
        started = {str(r["id"]): when_text(r["started_at"], True)[part] for r in status["runs"]}
        return {
            **status,
            "sources": sources,
            "names": self.names,
            "stored_total": sum(stored.values()),
            "banner": _banner(sources, status["scheduler_running"], self.names),
            "unextracted": [
                {**u, "source": s["source"]} for s in sources for u in s.get("unextracted") or []
            ],
            "per_day": bar_chart(
                status["articles_per_day"],
                order,
                title="Articles crawled per day (new and updated), last 30 days",
                names=self.names,
                colours=COLOURS,
                label=lambda key: key[5:],
                href=lambda key, s: "/?" + urlencode({"day": key, "source": s}) + "#runs",
                empty_text="no articles crawled in the last 30 days",
            ),
            "per_run": bar_chart(
                per_run,
                order,
                title="Articles per run (new and updated), last 50 runs",
                names=self.names,
                colours=COLOURS,
                label=lambda key: started.get(key, key),
                href=lambda key, s: f"#run-{key}",
                empty_text="no runs yet" if not per_run else "no new or updated articles",
            ),
            "runs": runs,
            "runs_filter": runs_filter,
        }

    def _stored(self) -> dict[str, int]:
        """The store's article totals per source (every seeds source, 0 if none)."""
        return {name: self.store.count(name) for name in self.names}

    def _unhealthy_since(self, source: str) -> str | None:
        """When the current run of unhealthy outcomes began."""
        since = None
        for run in self.runs.runs(source, limit=500):
            if run.outcome == "running":
                continue
            if run.outcome in (HEALTHY, INTERRUPTED):
                break
            since = run.started_at
        return since

    # -- search -----------------------------------------------------------------------------

    def _search(self, params: dict[str, str]) -> dict[str, Any]:
        text = params.get("q", "").strip()
        result: dict[str, Any] = {"query": text, "hits": [], "total": 0, "per_source": {}}
        if not text:
            return result
        try:
            query = parse(text)
            since, until = _dates(params)
            page = max(1, int(params.get("page", "1") or 1))
            per_page = min(100, max(1, int(params.get("per_page", "20") or 20)))
            filters = {
                "source": params.get("source") or None,
                "channel": params.get("channel") or None,
                "since": since,
                "until": until,
                "page": page,
                "per_page": per_page,
            }
            found = self._answer(
                ("search", query.source, *filters.items()),
                lambda: data.search(self.store, query, **filters),
            )
        except QueryError as e:
            return {**result, **_query_error(text, e)}
        except ValueError as e:
            return {**result, "error": str(e)}
        return {**result, **found}

    def _search_page(self, params: dict[str, str]) -> dict[str, Any]:
        result = self._search(params)
        keep = ("q", "source", "channel", "since", "until")

        def link(**changes: Any) -> str:
            merged = {k: params.get(k, "") for k in keep} | changes
            return urlencode({k: v for k, v in merged.items() if v not in ("", None)})

        exact = result.get("total_is_exact", not result.get("capped", False))
        return {
            **result,
            "params": params,
            "names": self.names,
            "source_names": list(self.names),
            "exact": exact,
            "link": link,
            "filtered": any(params.get(k) for k in keep[1:]),
            "page": result.get("page", 1),
            "pages": result.get("pages", 1),
            "pager": pager(result.get("page", 1), result.get("pages", 1)),
            "latest": [] if result["query"] else self._latest(params.get("source") or None),
        }

    def _latest(self, source: str | None) -> list[Any]:
        """The newest articles, looking back further only while there are too few."""
        source = source if source in self.names else None
        for days in (7, 90, 3650, None):
            since = now() - timedelta(days=days) if days else None
            found = list(self.store.articles(source=source, since=since))
            if len(found) >= LATEST or days is None:
                found.sort(key=lambda a: a.published_at, reverse=True)
                return found[:LATEST]
        return []

    # -- trends -----------------------------------------------------------------------------

    def _trend_page(self, params: dict[str, str]) -> dict[str, Any]:
        text = params.get("q", "").strip()
        context: dict[str, Any] = {
            "query": text,
            "params": params,
            "names": self.names,
            "source_names": [],
        }
        if not text:
            return context
        try:
            query = parse(text)
            since, until = _dates(params)
            note = None
            span = None
            if not since and not until:
                span = self._span(query)
                if span:
                    first, last, _, _ = span
                    since = min(first, last - timedelta(days=data.DAYS - 1)).isoformat()
                    until = last.isoformat()
                    note = (
                        f"No dates given: showing {since} – {until}, which covers every "
                        "stored article mentioning it."
                    )
            found = self._answer(
                ("trend", query.source, since, until),
                lambda: data.trend(self.store, query, since, until, span[3] if span else None),
            )
        except QueryError as e:
            return {**context, **_query_error(text, e)}
        except ValueError as e:
            return {**context, "error": str(e)}
        elsewhere = None
        if not found["total"]:
            span = span or self._span(query)
            if span:
                first, last, total, _ = span
                link = urlencode({"q": text, "since": first.isoformat(), "until": last.isoformat()})
                elsewhere = {"total": total, "start": first, "end": last, "link": link}
        days = found["days"]
        one_year = len({row["day"][:4] for row in days}) <= 1
        by_day = found["bucket"] == "day"

        def label(key: str) -> str:
            return key[5:] if by_day and one_year else key

        def href(key: str, source: str) -> str:
            first, last = _bucket_range(key)
            return "/search?" + urlencode(
                {"q": text, "source": source, "since": first, "until": last}
            )

        chart = bar_chart(
            days,
            found["sources"],
            title=f"Articles mentioning 「{text}」 per {found['bucket']}",
            names=self.names,
            colours=COLOURS,
            label=label,
            href=href,
            empty_text="no articles mentioning it in this range",
        )
        return {
            **context,
            **found,
            "chart": chart,
            "range_note": note,
            "elsewhere": elsewhere,
        }

    def _span(self, query: Query) -> tuple[date, date, int, dict[str, dict[str, int]]] | None:
        """(first, last, count) of the publication days of every article matching, and the
        counts per day, which then make the trend without asking the store again."""
        days = self.store.trend(query, bucket="day")  # exact, from the store's count query
        labels = sorted(d for d, counts in days.items() if sum(counts.values()))
        if not labels:
            return None
        total = sum(sum(c.values()) for c in days.values())
        return date.fromisoformat(labels[0]), date.fromisoformat(labels[-1]), total, days

    # -- metrics ----------------------------------------------------------------------------

    def _metrics(self) -> str:
        """Prometheus text format 0.0.4. Labels are sources, outcomes and kinds only: a
        bounded set, with no personal data (subscribers are counted, never named)."""
        status = self._status()
        names = [s["source"] for s in status["sources"]]
        lines = [
            "# HELP tidewatch_up 1 while the scheduler runs.",
            "# TYPE tidewatch_up gauge",
            f"tidewatch_up {int(status['scheduler_running'])}",
        ]
        runs: dict[tuple[str, str], int] = {}
        articles: dict[tuple[str, str], int] = {}
        errors: dict[tuple[str, str], int] = {}
        last_success: dict[str, str] = {}
        for run in self.runs.runs(limit=100_000):
            runs[(run.source, run.outcome)] = runs.get((run.source, run.outcome), 0) + 1
            for kind in ("new", "updated"):
                key = (run.source, kind)
                articles[key] = articles.get(key, 0) + getattr(run, kind)
            for kind, n in run.errors.items():
                errors[(run.source, kind)] = errors.get((run.source, kind), 0) + n
            if run.outcome == HEALTHY and run.source not in last_success:
                last_success[run.source] = run.finished_at or run.started_at
        lines += _family(
            "tidewatch_runs_total",
            "counter",
            "Crawl runs by outcome.",
            {(("source", s), ("outcome", o)): n for (s, o), n in runs.items()},
        )
        lines += _family(
            "tidewatch_articles_total",
            "counter",
            "Articles crawled new or updated, from the run log.",
            {(("source", s), ("kind", k)): n for (s, k), n in articles.items()},
        )
        lines += _family(
            "tidewatch_errors_total",
            "counter",
            "Crawl errors by kind.",
            {(("source", s), ("kind", k)): n for (s, k), n in errors.items()},
        )
        stored = self._stored()
        lines += _family(
            "tidewatch_articles_stored",
            "gauge",
            "Articles in the store now, per source.",
            {(("source", s),): stored.get(s, 0) for s in names},
        )
        health = {s["source"]: s["health"] for s in status["sources"]}
        lines += _family(
            "tidewatch_source_health",
            "gauge",
            f"1 for the state each source is in, 0 for the others ({', '.join(HEALTH_STATES)}).",
            {
                (("source", s), ("state", state)): int(health[s] == state)
                for s in names
                for state in HEALTH_STATES
            },
        )
        lines += _family(
            "tidewatch_last_success_timestamp_seconds",
            "gauge",
            "When each source last crawled healthily (Unix time); 0 if it never has.",
            {(("source", s),): _epoch(last_success[s]) if s in last_success else 0 for s in names},
        )
        digests = status["digests"].values()
        lines += _family(
            "tidewatch_digests_sent_total",
            "counter",
            "Digests delivered, all subscribers.",
            {(): sum(c["sent"] for c in digests)},
        )
        lines += _family(
            "tidewatch_digests_failed_total",
            "counter",
            "Digests that could not be delivered, all subscribers.",
            {(): sum(c["failed"] for c in digests)},
        )
        lines += _family(
            "tidewatch_matches_pending",
            "gauge",
            "Matches waiting for a digest, all subscribers.",
            {(): sum(c["pending"] for c in digests)},
        )
        lines += _family(
            "tidewatch_subscribers_with_pending_matches",
            "gauge",
            "Subscribers with at least one match waiting.",
            {(): sum(1 for c in digests if c["pending"])},
        )
        return "\n".join(lines) + "\n"

    # -- plumbing ---------------------------------------------------------------------------

    def _authorised(self, environ: dict[str, Any]) -> bool:
        if self.token is None:
            return True
        offered = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        cookies = environ.get("HTTP_COOKIE", "")
        for part in cookies.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "tidewatch_token":
                offered = offered or value
        query = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        offered = offered or query
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def _page(
        self,
        start: StartResponse,
        name: str,
        context: dict[str, Any],
        status: str = "200 OK",
        nav: str = "",
    ) -> list[bytes]:
        context = {"names": self.names, "nav": nav, **context}
        body = _env.get_template(name).render(**context).encode()
        return _send(start, status, "text/html; charset=utf-8", body)

    def _not_found(self, start: StartResponse, message: str) -> list[bytes]:
        return self._page(start, "notfound.html", {"message": message}, "404 Not Found")


def _banner(sources: list[dict[str, Any]], running: bool, names: dict[str, str]) -> dict[str, Any]:
    """The one line an operator reads first: how many sources are unhealthy, since when."""
    enabled = [s for s in sources if s["health"] != "disabled"]
    unhealthy = [s for s in enabled if s["health"] in ("failing", "degraded")]
    items = []
    if not running:
        items.append("The scheduler is not running: nothing is crawled until the service runs.")
    if unhealthy:
        since = min(s["since"] or s["last_run"] for s in unhealthy)
        level = "bad" if any(s["health"] == "failing" for s in unhealthy) else "warn"
        text = f"{len(unhealthy)} of {len(enabled)} sources unhealthy since {when_text(since)}"
        for s in unhealthy:
            name = names.get(s["source"], s["source"])
            items.append(
                f"{name}: {s['health']} since {when_text(s['since'] or s['last_run'])}"
                f" — {s['reason'] or s['outcome']}"
            )
        return {"level": level, "text": text, "items": items}
    if not any(s["last_run"] for s in enabled):
        items.append("Run `tidewatch demo` or `tidewatch crawl SOURCE`, or `tidewatch serve`.")
        return {"level": "warn", "text": "No crawls recorded yet", "items": items}
    return {
        "level": "warn" if not running else "ok",
        "text": f"All {len(enabled)} enabled sources are healthy",
        "items": items,
    }


def _dates(params: dict[str, str]) -> tuple[str | None, str | None]:
    """``since`` and ``until`` as YYYY-MM-DD (Shanghai days); ValueError names the field."""
    found = []
    for name in ("since", "until"):
        value = (params.get(name) or "").strip()
        if value:
            try:
                if not DAY.match(value):
                    raise ValueError
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
        found.append(value or None)
    since, until = found
    if since and until and since > until:
        raise ValueError(f"since {since} is after until {until}")
    return since, until


def _query_error(text: str, e: QueryError) -> dict[str, Any]:
    """The error, and a caret under its column, as the CLI prints it (columns count the
    NFKC-normalised text the parser reads)."""
    normalised = unicodedata.normalize("NFKC", text)
    return {
        "error": f"{e.reason} (column {e.column})",
        "column": e.column,
        "caret": {"text": normalised, "before": normalised[: e.column - 1]},
    }


def pager(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and a few around the current one, with
    None for each gap (8,576 matches are 429 pages; nobody reads a row of 429 links)."""
    shown = {1, pages, *range(max(1, page - around), min(pages, page + around) + 1)}
    numbers: list[int | None] = []
    for n in sorted(shown):
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def _bucket_dates(key: str) -> tuple[date, date]:
    """First and last day of a trend bucket: ``2026-03-18`` or ``2026-03``."""
    if len(key) == 10:
        day = date.fromisoformat(key)
        return day, day
    year, month = int(key[:4]), int(key[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _bucket_range(key: str) -> tuple[str, str]:
    first, last = _bucket_dates(key)
    return first.isoformat(), last.isoformat()


def _family(
    name: str, kind: str, help_text: str, samples: dict[tuple[tuple[str, str], ...], float]
) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in sorted(samples.items()):
        text = ",".join(f'{k}="{_label_value(v)}"' for k, v in labels)
        lines.append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")
    return lines


def _label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _epoch(moment: str) -> float:
    return datetime.fromisoformat(moment).timestamp()


def _json(start: StartResponse, payload: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return _send(start, status, "application/json; charset=utf-8", body)


def _send(
    start: StartResponse,
    status: str,
    content_type: str,
    body: bytes,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        *(extra or []),
    ]
    start(status, headers)
    return [body]
