"""Serve saved copies of news sites over real HTTP on loopback.

A mirror root holds one folder per host (``www.xsnet.cn/``, ``tidenews.com.cn/`` …) with
files at their URL paths. The request's ``Host`` header picks the folder, so one server can
stand in for several sites: point ``TIDEWATCH_HOST_MAP`` at it and crawl as if online.

A host folder may hold ``routes.toml`` for what plain files cannot express::

    [defaults]
    content_type = "text/html; charset=utf-8"   # for .html/.shtml/.htm files of this host

    [[route]]
    path = "/news.html"
    query = { id = "3041187" }   # these parameters must match; others are ignored
    file = "news/3041187.html"   # or: status = 404 / redirect = "http://…" / truncate = 200
    content_type = "text/html"   # optional per-route override
    signed = true                # answer an error envelope unless X-SIGNATURE is valid

Every static answer carries an ``ETag`` and honours ``If-None-Match`` with 304, like the
CDNs in front of real news sites. ``Mirror.answer`` gives the same answers without a
socket (for saved-page tests); ``MirrorServer`` serves them and logs every request.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from crawler.signing import zjol_signature

HTML_SUFFIXES = {".html", ".htm", ".shtml"}
INDEX_FILES = ("index.shtml", "index.html", "index.htm")
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*")


@dataclass(frozen=True)
class Route:
    path: str
    query: dict[str, str]
    file: str | None = None
    status: int = 200
    redirect: str | None = None
    truncate: int | None = None
    content_type: str | None = None
    signed: bool = False

    def matches(self, path: str, query: dict[str, str]) -> bool:
        return path == self.path and all(query.get(k) == v for k, v in self.query.items())


@dataclass
class HostSite:
    root: Path
    routes: list[Route] = field(default_factory=list)
    html_content_type: str = "text/html"

    @classmethod
    def load(cls, root: Path) -> HostSite:
        site = cls(root)
        routes_file = root / "routes.toml"
        if routes_file.exists():
            data = tomllib.loads(routes_file.read_text(encoding="utf-8"))
            site.html_content_type = data.get("defaults", {}).get(
                "content_type", site.html_content_type
            )
            site.routes = [
                Route(query={k: str(v) for k, v in r.pop("query", {}).items()}, **r)
                for r in data.get("route", [])
            ]
        return site


@dataclass(frozen=True)
class LoggedRequest:
    host: str
    path: str
    status: int
    headers: dict[str, str]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Mirror:
    """What the mirror answers for a request; no sockets, so tests can use it directly."""

    def __init__(self, root: Path, signing_salt: str | None = None) -> None:
        self.root = Path(root)
        self.signing_salt = signing_salt
        self._sites: dict[str, HostSite] = {}
        self._lock = threading.Lock()

    def hosts(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def site(self, host: str) -> HostSite | None:
        if not _HOST_NAME.fullmatch(host):
            return None  # "", ".", ".." or a path: never a folder outside a host's own
        with self._lock:
            if host not in self._sites:
                folder = self.root / host
                if not folder.is_dir():
                    return None
                self._sites[host] = HostSite.load(folder)
            return self._sites[host]

    def reload(self) -> None:
        """Forget cached routes, after a test edits the mirror."""
        with self._lock:
            self._sites.clear()

    def answer(self, host: str, target: str, headers: Mapping[str, str] | None = None) -> Answer:
        """The answer to ``GET target`` (path and query) on ``host``."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}  # names are case-blind
        site = self.site(host)
        if site is None:
            return _plain(404, "unknown host")
        url = urlsplit(target)  # absolute-form (proxy) request lines work too
        path, query = url.path, dict(parse_qsl(url.query, keep_blank_values=True))
        route = next((r for r in site.routes if r.matches(path, query)), None)
        if route and route.signed and not self._signature_ok(path, headers):
            body = json.dumps({"code": 10003, "message": "签名错误", "data": None})
            return _plain(200, body, "application/json; charset=utf-8")
        if route and route.redirect:
            return Answer(302, {"Location": route.redirect, "Content-Length": "0"}, b"")
        if route and route.status != 200:
            return _plain(route.status, f"{route.status} {HTTPStatus(route.status).phrase}")
        file = _resolve(site.root, route.file if route and route.file else path)
        if file is None:
            return _plain(404, "404 Not Found")
        body = file.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if headers.get("if-none-match") == etag:
            return Answer(304, {"ETag": etag}, b"")
        content_type = (route and route.content_type) or _content_type(site, file)
        out = {"Content-Type": content_type, "Content-Length": str(len(body)), "ETag": etag}
        if route and route.truncate is not None:
            body = body[: route.truncate]  # promise more than we send: a truncated transfer
            out["Connection"] = "close"
        return Answer(200, out, body)

    def _signature_ok(self, path: str, headers: Mapping[str, str]) -> bool:
        if self.signing_salt is None:
            return True
        expected = zjol_signature(
            path,
            headers.get("x-session-id", ""),
            headers.get("x-request-id", ""),
            headers.get("x-timestamp", ""),
            self.signing_salt,
        )
        return headers.get("x-signature") == expected


class MirrorServer:
    """A threaded HTTP server for a mirror root. Use as a context manager."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        default_host: str | None = None,
        signing_salt: str | None = None,
    ) -> None:
        self.mirror = Mirror(root, signing_salt)
        self.default_host = default_host
        self.requests: list[LoggedRequest] = []
        handler = type("Handler", (_Handler,), {"server_state": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    def hosts(self) -> list[str]:
        return self.mirror.hosts()

    def host_map(self) -> str:
        """A ``TIDEWATCH_HOST_MAP`` value sending every mirrored host here."""
        return ",".join(f"{h}={self.address}" for h in self.hosts())

    def start(self) -> MirrorServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_state: MirrorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log on the server is the record; stderr noise helps nobody

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        state = self.server_state
        host = (self.headers.get("Host") or "").split(":")[0]
        if state.mirror.site(host) is None and state.default_host:
            host = state.default_host
        answer = state.mirror.answer(host, self.path, self.headers)
        state.requests.append(LoggedRequest(host, self.path, answer.status, dict(self.headers)))
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if answer.headers.get("Connection") == "close":
            self.close_connection = True
        if send_body and answer.body:
            self.wfile.write(answer.body)


def _plain(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Answer:
    body = text.encode()
    return Answer(status, {"Content-Type": content_type, "Content-Length": str(len(body))}, body)


def _resolve(root: Path, path: str) -> Path | None:
    target = (root / path.lstrip("/")).resolve()
    if not target.is_relative_to(root.resolve()):
        return None  # no escaping the mirror with ../
    if target.is_dir():
        target = next((target / n for n in INDEX_FILES if (target / n).is_file()), target)
    if not target.is_file() or target.name == "routes.toml":
        return None
    return target


def _content_type(site: HostSite, file: Path) -> str:
    if file.suffix in HTML_SUFFIXES:
        return site.html_content_type
    return mimetypes.guess_type(file.name)[0] or "application/octet-stream"
