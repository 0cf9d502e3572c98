"""One-click unsubscribe: links carry an HMAC token no one can forge without the secret.

The secret is ``TIDEWATCH_UNSUBSCRIBE_SECRET``; without it, one is generated once and kept
in the data directory (mode 0600), so links stay valid across restarts. ``app`` is the WSGI
endpoint: GET shows a confirmation button (mail scanners follow links; they must not
unsubscribe anyone), POST unsubscribes (RFC 8058 one-click, from the List-Unsubscribe header).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import secrets
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, quote

from alerts.ledger import Ledger
from tidewatch.config import Config, ConfigError, weak_secret

StartResponse = Callable[[str, list[tuple[str, str]]], object]
MIN_KEY_LENGTH = 32


def load_secret(config: Config) -> bytes:
    if config.unsubscribe_secret:
        return config.unsubscribe_secret.get_secret_value().encode()
    path = config.data_dir / "unsubscribe.key"
    key = path.read_text().strip() if path.exists() else ""
    if len(key) >= MIN_KEY_LENGTH and (reason := weak_secret(key)):  # written by hand
        raise ConfigError(f"{path}: the unsubscribe key {reason}; delete it to have one made")
    if len(key) < MIN_KEY_LENGTH:  # missing, or cut short by a crash: never sign with it
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)  # whole or not at all
        key = path.read_text().strip()
    return key.encode()


def make_token(secret: bytes, email: str) -> str:
    encoded = base64.urlsafe_b64encode(email.encode()).decode().rstrip("=")
    return f"{encoded}.{_signature(secret, email)}"


def check_token(secret: bytes, token: str) -> str | None:
    """The email a token was made for, or None if it was not made with this secret."""
    encoded, _, signature = token.partition(".")
    try:
        email = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    expected = _signature(secret, email).encode()
    return email if hmac.compare_digest(signature.encode(), expected) else None


def unsubscribe_url(config: Config, secret: bytes, email: str) -> str:
    return f"{config.public_url.rstrip('/')}/unsubscribe?token={quote(make_token(secret, email))}"


def _signature(secret: bytes, email: str) -> str:
    return hmac.new(secret, f"unsubscribe:{email}".encode(), hashlib.sha256).hexdigest()[:32]


class UnsubscribeApp:
    """WSGI: /unsubscribe?token=… (GET confirms, POST unsubscribes)."""

    def __init__(self, ledger: Ledger, secret: bytes) -> None:
        self.ledger, self.secret = ledger, secret

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/unsubscribe":
            return _page(start_response, "404 Not Found", "Not found", "")
        token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        email = check_token(self.secret, token)
        if email is None:
            return _page(start_response, "400 Bad Request", "链接无效 Invalid link", "")
        if environ.get("REQUEST_METHOD") == "POST":
            self.ledger.unsubscribe(email)
            body = f"<p>{html.escape(email)} 已退订，不会再收到 Tidewatch 提醒。</p>"
            return _page(start_response, "200 OK", "已退订 Unsubscribed", body)
        form = (
            f"<p>退订 {html.escape(email)} 的全部 Tidewatch 提醒？</p>"
            f'<form method="post" action="/unsubscribe?token={html.escape(quote(token))}">'
            '<button type="submit">确认退订 Unsubscribe</button></form>'
        )
        return _page(start_response, "200 OK", "退订 Unsubscribe", form)


def _page(start_response: StartResponse, status: str, title: str, body: str) -> list[bytes]:
    page = (
        f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>{title}</title>'
        f'<body style="font-family:sans-serif;max-width:36em;margin:3em auto"><h1>{title}</h1>'
        f"{body}</body></html>"
    ).encode()
    start_response(
        status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
    )
    return [page]
