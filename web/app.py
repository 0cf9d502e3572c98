"""The dashboard as a WSGI app: pages rendered with Jinja2 on the server, JSON behind them.

/                 status: sources, articles per day, recent runs, digests
/search           the alert-rule syntax, filters, highlighted snippets, paging
/article/<id>     every stored field, and the versions
/trends           mentions of a keyword per day and source
/api/status, /api/search, /healthz, /metrics, /unsubscribe
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.ledger import Ledger
from alerts.render import segments
from alerts.unsubscribe import UnsubscribeApp
from scheduler.runs import RunLog
from store.base import ArticleStore
from store.query import QueryError, parse
from tidewatch.config import Config, ConfigError
from web import data
from web.server import internal_error

log = logging.getLogger("tidewatch.web")

StartResponse = Callable[[str, list[tuple[str, str]]], object]
COLOURS = {"xsnet": "#0b6e99", "xsrb": "#bf8700", "tidenews": "#8250df"}

_env = Environment(loader=PackageLoader("web", "templates"), autoescape=select_autoescape(["html"]))
_env.globals.update(segments=segments, colours=COLOURS)


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
    ) -> None:
        self.config, self.store, self.runs, self.ledger = config, store, runs, ledger
        self.unsubscribe = unsubscribe
        self.scheduler_running = scheduler_running
        self.token = config.web_token.get_secret_value() if config.web_token else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/unsubscribe":
            return self.unsubscribe(environ, start_response)  # links in emails: no token
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
            return self._route(path, params, start_response)
        except Exception:  # a page never takes the service down, nor shows its internals
            log.exception("error serving %s", path)
            return internal_error(start_response)

    def _route(self, path: str, params: dict[str, str], start: StartResponse) -> Iterable[bytes]:
        if path == "/":
            return self._page(start, "status.html", self._status())
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
        if path in ("/search", "/api/search"):
            result = self._search(params)
            if path == "/api/search":
                return _json(start, result, "400 Bad Request" if result.get("error") else "200 OK")
            return self._page(start, "search.html", {"params": params, **result})
        if path == "/trends":
            return self._page(start, "trends.html", self._trend(params))
        if path.startswith("/article/"):
            article = self.store.get(path.removeprefix("/article/"))
            if article is None:
                return _send(start, "404 Not Found", "text/plain", b"no such article")
            versions = self.store.versions(article.id) if hasattr(self.store, "versions") else []
            return self._page(start, "article.html", {"article": article, "versions": versions})
        return _send(start, "404 Not Found", "text/plain", b"not found")

    # -- data -------------------------------------------------------------------------------

    def _status(self) -> dict[str, Any]:
        return data.status(self.config, self.runs, self.ledger, self.scheduler_running())

    def _search(self, params: dict[str, str]) -> dict[str, Any]:
        text = params.get("q", "").strip()
        result: dict[str, Any] = {"query": text, "hits": [], "total": 0, "per_source": {}}
        if not text:
            return result
        try:
            query = parse(text)
            page = max(1, int(params.get("page", "1") or 1))
            per_page = min(100, max(1, int(params.get("per_page", "20") or 20)))
            found = data.search(
                self.store,
                query,
                source=params.get("source") or None,
                channel=params.get("channel") or None,
                since=params.get("since") or None,
                until=params.get("until") or None,
                page=page,
                per_page=per_page,
            )
        except QueryError as e:
            return {**result, "error": f"{e.reason} (column {e.column})", "column": e.column}
        except ValueError as e:
            return {**result, "error": str(e)}
        return {**result, **found}

    def _trend(self, params: dict[str, str]) -> dict[str, Any]:
        text = params.get("q", "").strip()
        if not text:
            return {"query": "", "days": [], "sources": [], "total": 0, "params": params}
        empty = {"query": text, "days": [], "sources": [], "total": 0, "params": params}
        try:
            found = data.trend(self.store, parse(text), params.get("since"), params.get("until"))
        except QueryError as e:
            return {**empty, "error": f"{e.reason} (column {e.column})"}
        except ValueError as e:
            return {**empty, "error": str(e)}
        return {**found, "params": params}

    def _metrics(self) -> str:
        status = self._status()
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
            if run.outcome == "healthy" and run.source not in last_success:
                last_success[run.source] = run.finished_at or run.started_at
        lines += _family(
            "tidewatch_runs_total",
            "counter",
            "Crawl runs by outcome.",
            {f'source="{s}",outcome="{o}"': n for (s, o), n in runs.items()},
        )
        lines += _family(
            "tidewatch_articles_total",
            "counter",
            "Articles new or updated.",
            {f'source="{s}",kind="{k}"': n for (s, k), n in articles.items()},
        )
        lines += _family(
            "tidewatch_errors_total",
            "counter",
            "Crawl errors by kind.",
            {f'source="{s}",kind="{k}"': n for (s, k), n in errors.items()},
        )
        sent = {f'subscriber="{who}"': c["sent"] for who, c in status["digests"].items()}
        lines += _family("tidewatch_digests_sent_total", "counter", "Digests delivered.", sent)
        pending = {f'subscriber="{who}"': c["pending"] for who, c in status["digests"].items()}
        lines += _family("tidewatch_matches_pending", "gauge", "Matches waiting.", pending)
        success = {f'source="{s}"': _epoch(t) for s, t in last_success.items()}
        lines += _family(
            "tidewatch_last_success_timestamp_seconds",
            "gauge",
            "When each source last crawled healthily.",
            success,
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

    def _page(self, start: StartResponse, name: str, context: dict[str, Any]) -> list[bytes]:
        body = _env.get_template(name).render(**context).encode()
        return _send(start, "200 OK", "text/html; charset=utf-8", body)


def _family(name: str, kind: str, help_text: str, samples: dict[str, float]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    return lines + [f"{name}{{{labels}}} {value}" for labels, value in sorted(samples.items())]


def _epoch(moment: str) -> float:
    from datetime import datetime

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
