"""WSGI middleware in front of the dashboard and the unsubscribe endpoint: who may ask.

- **Host** (DNS rebinding): a page on ``evil.example`` whose name is re-pointed at 127.0.0.1
  talks to the service with ``Host: evil.example``. Only the names the service is known by
  are answered (421 otherwise), before any token check, ``/healthz`` included. An IP
  literal cannot be re-pointed, so when the service listens on every address (0.0.0.0) any
  IP literal is accepted as well.
- **CSRF**: a state-changing request (POST, PUT, PATCH, DELETE) from a browser must come from
  the service's own pages: ``Sec-Fetch-Site`` is ``same-origin`` or ``none``, or, from an
  older browser, ``Origin`` names an allowed host. Clients that send neither are not
  browsers (curl, a mail provider) and cannot be made to forge a request. The one exception
  is RFC 8058 one-click unsubscribe: mail providers POST ``List-Unsubscribe=One-Click``
  from their own servers, and the signed token in the URL is what protects it.
"""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from tidewatch.config import Config

StartResponse = Callable[..., object]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ONE_CLICK_BODY = b"List-Unsubscribe=One-Click"
WILDCARDS = {"0.0.0.0", "::", ""}


def allowed_hosts(config: Config) -> frozenset[str]:
    """The host names (lower case, no port; IPv6 in brackets) the service answers to."""
    bind = config.web_listen.rsplit(":", 1)[0].lower()
    hosts = {"localhost", "127.0.0.1", "[::1]", *config.web_allowed_hosts}
    if bind not in WILDCARDS:
        hosts.add(bind)
    if config.public_url:
        public = urlsplit(config.public_url).hostname
        if public:
            hosts.add(f"[{public}]" if ":" in public else public.lower())
    return frozenset(host.lower() for host in hosts)


def host_name(value: str) -> str | None:
    """``Example.com:8080`` → ``example.com``; ``[::1]:80`` → ``[::1]``; None if malformed."""
    value = value.strip().lower()
    if not value or any(c.isspace() or c in "/\\@?#" for c in value):
        return None
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else None
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".") or None


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class Guard:
    """Answer only allowed hosts, and only same-origin state changes, then call ``app``."""

    def __init__(self, app: WsgiApp, config: Config) -> None:
        self.app = app
        self.hosts = allowed_hosts(config)
        self.any_ip = config.web_listen.rsplit(":", 1)[0] in WILDCARDS

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self.host_allowed(environ.get("HTTP_HOST", "")):
            return _refuse(start_response, "421 Misdirected Request", b"unknown host\n")
        unsafe = environ.get("REQUEST_METHOD", "GET").upper() in UNSAFE_METHODS
        if unsafe and not self._same_origin(environ) and not _one_click(environ):
            return _refuse(start_response, "403 Forbidden", b"cross-site request refused\n")
        return self.app(environ, start_response)

    def host_allowed(self, header: str) -> bool:
        name = host_name(header)
        if name is None:
            return False
        return name in self.hosts or (self.any_ip and _is_ip_literal(name))

    def _same_origin(self, environ: dict[str, Any]) -> bool:
        site = environ.get("HTTP_SEC_FETCH_SITE", "").strip().lower()
        if site:
            return site in ("same-origin", "none")
        origin = environ.get("HTTP_ORIGIN", "").strip()
        if not origin:
            return True  # not a browser: nothing can make it send someone else's request
        if origin == "null":
            return False
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and self.host_allowed(parts.netloc)


def _one_click(environ: dict[str, Any]) -> bool:
    """An RFC 8058 one-click unsubscribe POST. The body is read (it is tiny) and put back."""
    if environ.get("PATH_INFO") != "/unsubscribe":
        return False
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if not 0 < length <= 256:
        return False
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body.strip() == ONE_CLICK_BODY


def _refuse(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]
