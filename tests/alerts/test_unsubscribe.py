"""alerts.unsubscribe: HMAC tokens, the persisted secret, and the WSGI endpoint over real HTTP."""

from __future__ import annotations

import os
import stat
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from alerts.ledger import Ledger
from alerts.unsubscribe import (
    UnsubscribeApp,
    check_token,
    load_secret,
    make_token,
    unsubscribe_url,
)
from tidewatch.config import Config

SECRET = b"test-unsubscribe-secret"
EMAIL = "editor@newsroom.example.com"


# -- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [EMAIL, "a@b.co", "编辑@例子.中国", "first.last+tag@example.com", "x" * 60 + "@example.com"],
)
def test_token_round_trips(email: str) -> None:
    token = make_token(SECRET, email)
    assert check_token(SECRET, token) == email
    assert quote(token) == token  # safe in a URL as it is


def test_token_is_deterministic_and_differs_per_email() -> None:
    assert make_token(SECRET, EMAIL) == make_token(SECRET, EMAIL)
    assert make_token(SECRET, EMAIL) != make_token(SECRET, "other@example.com")


def test_token_of_one_email_does_not_work_for_another() -> None:
    mine = make_token(SECRET, EMAIL)
    theirs = make_token(SECRET, "other@example.com")
    forged = theirs.split(".")[0] + "." + mine.split(".")[1]
    assert check_token(SECRET, forged) is None


def test_tampered_signature_is_refused() -> None:
    encoded, signature = make_token(SECRET, EMAIL).split(".")
    flipped = ("1" if signature[0] != "1" else "2") + signature[1:]
    assert check_token(SECRET, f"{encoded}.{flipped}") is None
    assert check_token(SECRET, f"{encoded}.{signature[:-1]}") is None


def test_token_made_with_another_secret_is_refused() -> None:
    assert check_token(SECRET, make_token(b"another-secret", EMAIL)) is None


@pytest.mark.parametrize(
    "token",
    ["", ".", "garbage", "a.b.c", "!!!.???", "ZWRpdG9y", "ZWRpdG9y.", ".0123abcd", "%%%", "//..//"],
)
def test_garbage_tokens_are_refused(token: str) -> None:
    assert check_token(SECRET, token) is None


@pytest.mark.parametrize("signature", ["é", "签名", "0123abcd\u00a0"])
def test_non_ascii_signature_is_refused(signature: str) -> None:
    encoded = make_token(SECRET, EMAIL).split(".")[0]
    assert check_token(SECRET, f"{encoded}.{signature}") is None


# -- the secret --------------------------------------------------------------------------------


def test_generated_secret_is_kept_with_mode_0600(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "data")
    secret = load_secret(config)
    key = tmp_path / "data" / "unsubscribe.key"
    assert len(secret) >= 32
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().strip().encode() == secret


def test_generated_secret_is_reused(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "data")
    first = load_secret(config)
    assert load_secret(config) == first
    assert load_secret(Config(data_dir=tmp_path / "data")) == first  # another process


def test_generated_secrets_differ_between_installations(tmp_path: Path) -> None:
    one = load_secret(Config(data_dir=tmp_path / "one"))
    two = load_secret(Config(data_dir=tmp_path / "two"))
    assert one != two


def test_environment_secret_wins(tmp_path: Path) -> None:
    generated = load_secret(Config(data_dir=tmp_path / "data"))
    configured = Config(
        data_dir=tmp_path / "data", unsubscribe_secret="from-the-environment-7e3a91c5d2f04b86"
    )
    assert load_secret(configured) == b"from-the-environment-7e3a91c5d2f04b86" != generated


def test_environment_secret_writes_no_key_file(tmp_path: Path) -> None:
    load_secret(
        Config(data_dir=tmp_path / "data", unsubscribe_secret="s3cret-from-the-environment-1a6f0c")
    )
    assert not (tmp_path / "data" / "unsubscribe.key").exists()


def test_token_survives_a_restart(tmp_path: Path) -> None:
    token = make_token(load_secret(Config(data_dir=tmp_path / "data")), EMAIL)
    assert check_token(load_secret(Config(data_dir=tmp_path / "data")), token) == EMAIL


def test_an_empty_key_file_is_not_used_as_the_secret(tmp_path: Path) -> None:
    key = tmp_path / "data" / "unsubscribe.key"
    key.parent.mkdir(parents=True)
    descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)  # the process died before writing the secret
    try:
        secret = load_secret(Config(data_dir=tmp_path / "data"))
    except ValueError:
        return  # refusing to start is fine too
    assert secret, "an empty HMAC key: anyone can forge unsubscribe links"


def test_unsubscribe_url_carries_a_valid_token(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, public_url="https://tidewatch.example.com/")
    url = unsubscribe_url(config, SECRET, EMAIL)
    prefix = "https://tidewatch.example.com/unsubscribe?token="
    assert url.startswith(prefix)
    assert check_token(SECRET, url.removeprefix(prefix)) == EMAIL


# -- the endpoint over HTTP --------------------------------------------------------------------


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def base_url(ledger: Ledger) -> Iterator[str]:
    """UnsubscribeApp behind a real threaded WSGI server on loopback."""
    app = UnsubscribeApp(ledger, SECRET)
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def link(base_url: str, email: str = EMAIL, secret: bytes = SECRET) -> str:
    return f"{base_url}/unsubscribe?token={quote(make_token(secret, email))}"


ONE_CLICK = b"List-Unsubscribe=One-Click"


def test_get_shows_a_confirmation_form_and_unsubscribes_nobody(
    base_url: str, ledger: Ledger
) -> None:
    status, page = fetch(link(base_url))
    assert status == 200
    assert '<form method="post"' in page and EMAIL in page
    token = quote(make_token(SECRET, EMAIL))
    assert f'action="/unsubscribe?token={token}"' in page
    assert not ledger.is_unsubscribed(EMAIL)


def test_post_unsubscribes(base_url: str, ledger: Ledger) -> None:
    status, page = fetch(link(base_url), data=ONE_CLICK)
    assert status == 200 and EMAIL in page and "已退订" in page
    assert ledger.is_unsubscribed(EMAIL)
    assert not ledger.is_unsubscribed("other@example.com")


def test_post_twice_is_harmless(base_url: str, ledger: Ledger) -> None:
    assert fetch(link(base_url), data=ONE_CLICK)[0] == 200
    assert fetch(link(base_url), data=ONE_CLICK)[0] == 200
    assert ledger.is_unsubscribed(EMAIL)


@pytest.mark.parametrize(
    "query",
    ["token=garbage", "", "token=", "token=ZWRpdG9y.0123abcd", "other=1"],
)
def test_bad_token_is_400(base_url: str, ledger: Ledger, query: str) -> None:
    for data in (None, ONE_CLICK):
        status, page = fetch(f"{base_url}/unsubscribe?{query}", data=data)
        assert status == 400 and "Invalid link" in page
    assert ledger.is_unsubscribed(EMAIL) is False


def test_token_made_with_another_secret_is_400(base_url: str, ledger: Ledger) -> None:
    status, _ = fetch(link(base_url, secret=b"another-secret"), data=ONE_CLICK)
    assert status == 400 and not ledger.is_unsubscribed(EMAIL)


def test_non_ascii_token_is_400(base_url: str) -> None:
    encoded = make_token(SECRET, EMAIL).split(".")[0]
    status, _ = fetch(f"{base_url}/unsubscribe?token={encoded}.%C3%A9")
    assert status == 400


@pytest.mark.parametrize("path", ["/", "/unsubscribe/", "/Unsubscribe", "/favicon.ico"])
def test_other_paths_are_404(base_url: str, path: str) -> None:
    token = quote(make_token(SECRET, EMAIL))
    status, _ = fetch(f"{base_url}{path}?token={token}", data=ONE_CLICK)
    assert status == 404


def test_page_escapes_the_email(base_url: str, ledger: Ledger) -> None:
    email = '"<script>alert(1)</script>"@example.com'
    status, page = fetch(link(base_url, email=email))
    assert status == 200
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    status, page = fetch(link(base_url, email=email), data=ONE_CLICK)
    assert status == 200 and "<script>" not in page
    assert ledger.is_unsubscribed(email)


def test_pages_are_utf8_html(base_url: str) -> None:
    request = urllib.request.Request(link(base_url))
    with urllib.request.urlopen(request) as answer:
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        body = answer.read()
    assert int(answer.headers["Content-Length"]) == len(body)
    assert "退订" in body.decode("utf-8")
