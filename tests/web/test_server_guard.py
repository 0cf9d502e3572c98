"""DNS rebinding and CSRF against a real `tidewatch serve`: raw HTTP on loopback with the
Host, Origin and Sec-Fetch-Site headers a hostile page's browser would send."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from serving import UNSUBSCRIBE_SECRET, WebService, query, quiet_env, web_service

from alerts.unsubscribe import make_token
from tidewatch.config import Config
from web.guard import Guard, allowed_hosts, host_name

EDITOR = "editor@newsroom.example.com"  # the subscriber of tests/fixtures/subscribers/newsroom
TOKEN = "guard-test-web-token-6a0d3f9b2c7e1485"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    folder = tmp_path_factory.mktemp("guard")
    env = quiet_env(
        folder,
        TIDEWATCH_PUBLIC_URL="https://news.example.org/tidewatch",
        TIDEWATCH_WEB_ALLOWED_HOSTS="dash.example.net",
    )
    with web_service(env, folder / "serve.log") as running:
        yield running


def request(
    service: WebService, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(service.host, service.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        if body:
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def unsubscribe_path() -> str:
    return "/unsubscribe?token=" + quote(make_token(UNSUBSCRIBE_SECRET.encode(), EDITOR))


@pytest.mark.parametrize(
    "path", ["/api/status", "/api/search?q=x", "/metrics", "/healthz", "/", unsubscribe_path()]
)
@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.nip.io"]
)
def test_a_foreign_host_gets_nothing(service: WebService, path: str, host: str) -> None:
    status, body = request(service, "GET", path, Host=host)
    assert (status, body) == (421, b"unknown host\n")


def test_a_missing_or_malformed_host_gets_nothing(service: WebService) -> None:
    assert request(service, "GET", "/api/status")[0] == 421
    assert request(service, "GET", "/api/status", Host="a b")[0] in (400, 421)
    assert request(service, "GET", "/api/status", Host="user@127.0.0.1")[0] == 421


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        f"localhost:{8080}",
        "LOCALHOST",
        "127.0.0.1",
        "[::1]:8080",
        "news.example.org",  # public_url's host
        "dash.example.net",  # web_allowed_hosts
    ],
)
def test_the_service_own_names_are_answered(service: WebService, host: str) -> None:
    assert request(service, "GET", "/healthz", Host=host)[0] == 200
    assert request(service, "GET", "/api/status", Host=host)[0] == 200


def test_cross_site_posts_are_refused_and_change_nothing(service: WebService) -> None:
    path = unsubscribe_path()
    for headers in (
        {"Sec_Fetch_Site": "cross-site"},
        {"Sec_Fetch_Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
    ):
        status, _ = request(service, "POST", path, b"confirm=1", Host="127.0.0.1", **headers)
        assert status == 403, headers
    assert unsubscribed(service) == 0


def unsubscribed(service: WebService) -> int:
    ledger = service.log.parent / "data" / "alerts.sqlite3"
    sql = "SELECT count(*) FROM subscribers WHERE unsubscribed_at IS NOT NULL"
    return query(ledger, sql)[0][0]


def test_the_confirmation_form_of_the_service_itself_works(service: WebService) -> None:
    status, page = request(service, "GET", unsubscribe_path(), Host="127.0.0.1")
    assert status == 200 and "确认退订".encode() in page
    status, page = request(
        service,
        "POST",
        unsubscribe_path(),
        b"confirm=1",
        Host=f"127.0.0.1:{service.port}",
        Origin=f"http://127.0.0.1:{service.port}",
        Sec_Fetch_Site="same-origin",
    )
    assert status == 200 and "已退订".encode() in page
    assert unsubscribed(service) == 1


def test_rfc_8058_one_click_needs_no_origin(service: WebService) -> None:
    """Mail providers POST from their own servers; some send browser-like headers."""
    status, page = request(
        service,
        "POST",
        unsubscribe_path(),
        b"List-Unsubscribe=One-Click",
        Host="news.example.org",
        Sec_Fetch_Site="cross-site",
    )
    assert status == 200 and "已退订".encode() in page


def test_allowed_hosts_follow_the_configuration() -> None:
    default = allowed_hosts(Config())
    assert default >= {"localhost", "127.0.0.1", "[::1]"}
    wide = allowed_hosts(Config(web_listen="192.0.2.7:8080", public_url="http://[2001:db8::1]/"))
    assert {"192.0.2.7", "[2001:db8::1]"} <= wide and "0.0.0.0" not in wide
    assert host_name("Example.ORG.:443") == "example.org"
    assert host_name("[::1]:8080") == "[::1]" and host_name("[::1") is None
    assert host_name("") is None and host_name("a/b") is None and host_name("h:port") is None


def test_on_every_address_any_ip_literal_but_no_foreign_name_is_answered() -> None:
    guard = Guard(lambda environ, start: [b""], Config(web_listen="0.0.0.0:8080"))
    assert guard.host_allowed("192.168.1.20:8080") and guard.host_allowed("[fe80::1]")
    assert not guard.host_allowed("evil.example") and not guard.host_allowed("0x7f.1")


def test_alerts_serve_has_the_same_server_and_guard(tmp_path) -> None:
    env = quiet_env(tmp_path) | {"TIDEWATCH_WEB_LISTEN": "127.0.0.1:0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tidewatch", "alerts", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/unsubscribe", line)
        assert found, line + process.stderr.read()
        endpoint = WebService(process, "", "127.0.0.1", int(found.group(1)), tmp_path / "x")
        assert request(endpoint, "GET", unsubscribe_path(), Host="evil.example")[0] == 421
        status, page = request(endpoint, "GET", unsubscribe_path(), Host="localhost")
        assert status == 200 and "确认退订".encode() in page
        path = unsubscribe_path()
        assert (
            request(endpoint, "POST", path, b"x=1", Host="localhost", Origin="http://e.vil")[0]
            == 403
        )
        with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as idle:
            idle.sendall(b"GET /unsub")  # half a request does not block the next one
            assert request(endpoint, "GET", unsubscribe_path(), Host="localhost")[0] == 200
    finally:
        process.terminate()
        process.wait(30)
