"""One-click unsubscribe and the preferences page: links carry an HMAC token no one can forge
without the secret.

The secret is ``TIDEWATCH_UNSUBSCRIBE_SECRET``; without it, one is generated once and kept
in the data directory (mode 0600), so links stay valid across restarts. A token is signed for
one purpose: an unsubscribe link cannot open the preferences page, nor the other way round.

``UnsubscribeApp`` is the WSGI endpoint for both (``PATHS``):

- ``/unsubscribe?token=…``: GET shows a confirmation button (mail scanners follow links; they
  must not unsubscribe anyone), POST unsubscribes (RFC 8058 one-click, from the
  List-Unsubscribe header).
- ``/preferences?token=…``: GET shows the subscriber's settings; POST (``action=`` pause,
  resume, frequency, drop, restore, resubscribe) changes one and answers 303 back to the
  page. What it sets is kept in the ledger and overrides the subscribers file.
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

from alerts.ledger import Ledger, Preferences, Profile
from alerts.subscriptions import parse_frequency
from tidewatch.config import Config, ConfigError, weak_secret

StartResponse = Callable[[str, list[tuple[str, str]]], object]
MIN_KEY_LENGTH = 32
MAX_FORM = 4096  # bytes: the largest form body read
PATHS = ("/unsubscribe", "/preferences")
FREQUENCIES = ("immediate", "hourly", "daily 08:00", "daily 18:00", "weekly mon 08:00")


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


def make_token(secret: bytes, email: str, purpose: str = "unsubscribe") -> str:
    encoded = base64.urlsafe_b64encode(email.encode()).decode().rstrip("=")
    return f"{encoded}.{_signature(secret, email, purpose)}"


def check_token(secret: bytes, token: str, purpose: str = "unsubscribe") -> str | None:
    """The email a token was made for, or None if it was not made with this secret."""
    encoded, _, signature = token.partition(".")
    try:
        email = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    expected = _signature(secret, email, purpose).encode()
    return email if hmac.compare_digest(signature.encode(), expected) else None


def unsubscribe_url(config: Config, secret: bytes, email: str) -> str:
    return f"{config.public_url.rstrip('/')}/unsubscribe?token={quote(make_token(secret, email))}"


def preferences_url(config: Config, secret: bytes, email: str) -> str:
    token = quote(make_token(secret, email, "preferences"))
    return f"{config.public_url.rstrip('/')}/preferences?token={token}"


def _signature(secret: bytes, email: str, purpose: str) -> str:
    return hmac.new(secret, f"{purpose}:{email}".encode(), hashlib.sha256).hexdigest()[:32]


class UnsubscribeApp:
    """WSGI: /unsubscribe and /preferences, each with its signed ``token``."""

    def __init__(self, ledger: Ledger, secret: bytes) -> None:
        self.ledger, self.secret = ledger, secret

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path not in PATHS:
            return _page(start_response, "404 Not Found", "Not found", "")
        purpose = path.removeprefix("/")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        token = query.get("token", [""])[0]
        email = check_token(self.secret, token, purpose)
        if email is None:
            return _page(start_response, "400 Bad Request", "链接无效 Invalid link", "")
        post = environ.get("REQUEST_METHOD") == "POST"
        if purpose == "preferences":
            if post:
                return self._change(environ, start_response, email, token)
            return self._preferences(start_response, email, token, "saved" in query)
        if post:
            self.ledger.unsubscribe(email)
            body = (
                f"<p>{html.escape(email)} 已退订，不会再收到 Tidewatch 提醒。</p>"
                f"<p>{html.escape(email)} is unsubscribed: no more Tidewatch alerts.</p>"
                f'<p><a href="{self._link(email)}">改变主意？重新订阅 · Resubscribe</a></p>'
            )
            return _page(start_response, "200 OK", "已退订 Unsubscribed", body)
        form = (
            f"<p>退订 {html.escape(email)} 的全部 Tidewatch 提醒？</p>"
            f'<form method="post" action="/unsubscribe?token={html.escape(quote(token))}">'
            '<button type="submit">确认退订 Unsubscribe</button></form>'
            f'<p><a href="{self._link(email)}">只想少收一些？管理订阅 · Preferences</a></p>'
        )
        return _page(start_response, "200 OK", "退订 Unsubscribe", form)

    def _link(self, email: str) -> str:
        return html.escape(
            f"/preferences?token={quote(make_token(self.secret, email, 'preferences'))}"
        )

    # -- preferences -------------------------------------------------------------------------

    def _change(
        self, environ: dict, start_response: StartResponse, email: str, token: str
    ) -> list[bytes]:
        form = _form(environ)
        action = form.get("action", "")
        current = self.ledger.preferences(email)
        profile = self.ledger.profile(email) or Profile()
        rules = [rule for rule, _ in profile.rules]
        if action == "resubscribe":
            self.ledger.resubscribe(email)
            changed = current
        elif action in ("pause", "resume"):
            changed = Preferences(action == "pause", current.frequency, current.dropped)
        elif action == "frequency":
            value = form.get("frequency", "").strip()
            if value and value != "default":
                try:
                    parse_frequency(value)
                except ValueError as e:
                    return _page(start_response, "400 Bad Request", "无效 Invalid", _p(str(e)))
            keep = value if value and value != "default" else None
            changed = Preferences(current.paused, keep, current.dropped)
        elif action in ("drop", "restore") and form.get("rule") in rules:
            rule = form["rule"]
            dropped = [r for r in current.dropped if r != rule]
            if action == "drop":
                if not [r for r in rules if r not in (*dropped, rule)]:
                    body = _p("至少保留一个关键词；不想收邮件可以暂停。Keep one keyword, or pause.")
                    return _page(start_response, "400 Bad Request", "无效 Invalid", body)
                dropped.append(rule)
            changed = Preferences(current.paused, current.frequency, tuple(dropped))
        else:
            return _page(start_response, "400 Bad Request", "无效 Invalid", _p("unknown action"))
        if changed != current:
            self.ledger.set_preferences(email, changed)
        location = f"/preferences?token={quote(token)}&saved=1"
        start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
        return [b""]

    def _preferences(
        self, start_response: StartResponse, email: str, token: str, saved: bool
    ) -> list[bytes]:
        prefs = self.ledger.preferences(email)
        profile = self.ledger.profile(email) or Profile()
        action = f"/preferences?token={html.escape(quote(token))}"
        parts = [f"<p class=who>{html.escape(profile.name or email)} · {html.escape(email)}</p>"]
        if saved:
            parts.append('<p class="saved" role="status">已保存 Saved.</p>')
        if self.ledger.is_unsubscribed(email):
            parts.append(
                "<p><strong>已退订 Unsubscribed.</strong></p>"
                + _button(action, "resubscribe", "重新订阅 Resubscribe")
            )
        state = "已暂停 Paused" if prefs.paused else "接收中 Receiving alerts"
        toggle = ("resume", "恢复 Resume") if prefs.paused else ("pause", "暂停 Pause")
        parts.append(f"<h2>状态 Status</h2><p class=state>{state}</p>" + _button(action, *toggle))
        chosen = prefs.frequency or "default"
        options = [("default", f"按订阅文件 As configured ({profile.frequency or '—'})")]
        options += [(f, f) for f in FREQUENCIES]
        if chosen not in dict(options):
            options.append((chosen, chosen))
        choices = "".join(
            f'<option value="{html.escape(v)}"{" selected" if v == chosen else ""}>'
            f"{html.escape(label)}</option>"
            for v, label in options
        )
        parts.append(
            f'<h2>频率 Frequency</h2><form method="post" action="{action}">'
            '<input type="hidden" name="action" value="frequency">'
            f'<label for=frequency>多久一封 How often</label><select id=frequency name="frequency">'
            f"{choices}</select> <button type=submit>保存 Save</button></form>"
        )
        if profile.rules:
            rows = []
            for rule, label in profile.rules:
                dropped = rule in prefs.dropped
                name = html.escape(label)
                if label != rule:  # the syntax too, for who wants to see it
                    name += f" <code>{html.escape(rule)}</code>"
                verb = ("restore", "恢复 Restore") if dropped else ("drop", "不再接收 Remove")
                rows.append(
                    f'<li class="{"dropped" if dropped else "rule"}">{name}'
                    + _button(action, *verb, rule=rule)
                    + "</li>"
                )
            parts.append(f"<h2>关键词 Keywords</h2><ul class=rules>{''.join(rows)}</ul>")
        unsubscribe = html.escape(f"/unsubscribe?token={quote(make_token(self.secret, email))}")
        parts.append(f'<p><a href="{unsubscribe}">全部退订 Unsubscribe from everything</a></p>')
        return _page(start_response, "200 OK", "订阅设置 Preferences", "".join(parts))


def _form(environ: dict) -> dict[str, str]:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    fields = parse_qs(body.decode("utf-8", errors="replace"))
    return {key: values[0] for key, values in fields.items()}


def _button(action: str, verb: str, label: str, rule: str | None = None) -> str:
    extra = f'<input type="hidden" name="rule" value="{html.escape(rule)}">' if rule else ""
    return (
        f'<form method="post" action="{action}" class=inline>'
        f'<input type="hidden" name="action" value="{verb}">{extra}'
        f'<button type="submit" name="do" value="{verb}">{label}</button></form>'
    )


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


STYLE = (
    "body{font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',"
    "sans-serif;max-width:36em;margin:0 auto;padding:1.5em 1em;line-height:1.6;color:#1f2328;"
    "overflow-wrap:anywhere}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}"
    "button,select{font-size:1em;padding:.5em .9em;margin:.3em 0;max-width:100%}"
    "select{width:100%}ul.rules{padding:0;list-style:none}ul.rules li{display:flex;"
    "flex-wrap:wrap;gap:.5em;align-items:center;justify-content:space-between;padding:.4em 0;"
    "border-bottom:1px solid #eaeef2}li.dropped{color:#8c959f;text-decoration:line-through}"
    "form.inline{display:inline}.saved{background:#dafbe1;padding:.5em}code{font-size:.85em}"
    "@media (max-width:480px){button{width:100%}}"
)


def _page(start_response: StartResponse, status: str, title: str, body: str) -> list[bytes]:
    page = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode()
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(page))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),  # the token stays out of other sites' logs
        ],
    )
    return [page]
