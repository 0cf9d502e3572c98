"""The web server under hostile clients: a real `tidewatch serve`, raw sockets on loopback.

Slowloris (many half-sent requests left idle, or dripped a byte at a time) must not freeze
``/healthz`` or the dashboard; the server closes an idle connection within its idle
timeout and a request that never finishes arriving within its request timeout; oversized
headers and bodies are refused.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import WebService, quiet_env, web_service

IDLE, REQUEST = 3, 5  # seconds: the service's web_idle_timeout and web_request_timeout


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    folder = tmp_path_factory.mktemp("limits")
    env = quiet_env(
        folder,
        TIDEWATCH_WEB_IDLE_TIMEOUT=str(IDLE),
        TIDEWATCH_WEB_REQUEST_TIMEOUT=str(REQUEST),
        TIDEWATCH_WEB_CONNECTION_LIMIT="200",
        TIDEWATCH_WEB_THREADS="4",
    )
    with web_service(env, folder / "serve.log") as running:
        yield running


def half_request(service: WebService) -> socket.socket:
    """A connection that has sent the start of a request and then says nothing."""
    sock = socket.create_connection((service.host, service.port), timeout=30)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def timed_get(service: WebService, path: str) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(service.url + path.lstrip("/"), timeout=10) as answer:
        answer.read()
        return answer.status, time.monotonic() - started


def closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closed ``sock`` (recv returns b""), or None within ``limit``."""
    started = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_half_sent_requests_do_not_freeze_the_ui(service: WebService) -> None:
    socks = [half_request(service) for _ in range(60)]  # far more than the 4 worker threads
    try:
        times = []
        for path in ("/healthz", "/api/status", "/", "/healthz", "/metrics") * 2:
            status, seconds = timed_get(service, path)
            assert status == 200
            times.append(seconds)
        assert max(times) < 2.0, times  # answered at once, not after a timeout
    finally:
        for sock in socks:
            sock.close()


def test_an_idle_connection_is_closed_within_the_idle_timeout(service: WebService) -> None:
    quiet = socket.create_connection((service.host, service.port), timeout=30)  # says nothing
    half = half_request(service)
    try:
        for sock in (quiet, half):
            seconds = closed_after(sock, limit=IDLE + 4)
            assert seconds is not None, "the server kept an idle connection open"
        assert timed_get(service, "/healthz")[0] == 200
    finally:
        quiet.close()
        half.close()


def test_a_dripped_request_is_closed_within_the_request_timeout(service: WebService) -> None:
    """One byte a second never trips an idle timeout; the request deadline still ends it."""
    sock = half_request(service)
    closed = threading.Event()

    def drip() -> None:
        try:
            while not closed.is_set():
                sock.sendall(b"x")
                time.sleep(1)
        except OSError:
            closed.set()

    started = time.monotonic()
    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        seconds = closed_after(sock, limit=REQUEST + 6)
        assert seconds is not None, "a dripping client held its connection past the deadline"
        assert time.monotonic() - started < REQUEST + 4
    finally:
        closed.set()
        sock.close()


def test_too_large_headers_and_bodies_are_refused(service: WebService) -> None:
    # Nothing is sent past the point of refusal: bytes the server never reads would make
    # its close a reset, and the answer could be lost.
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    with socket.create_connection((service.host, service.port), timeout=10) as sock:
        sock.sendall(head + b"a" * (16 * 1024 + 100 - len(head)))  # headers past 16 KiB
        answer = sock.recv(4096)
    assert answer.split(b" ")[1] == b"431", answer[:80]
    with socket.create_connection((service.host, service.port), timeout=10) as sock:
        sock.sendall(
            b"POST /unsubscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n"
        )
        answer = sock.recv(4096)
    assert answer.split(b" ")[1] == b"413", answer[:80]


def test_many_clients_at_once_all_get_answers(service: WebService) -> None:
    """40 concurrent clients on 4 worker threads: queued, never dropped."""
    results: list[int] = []

    def client() -> None:
        for _ in range(5):
            with urllib.request.urlopen(service.url + "api/status", timeout=20) as answer:
                json.loads(answer.read())
                results.append(answer.status)

    threads = [threading.Thread(target=client) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [200] * 200


def test_the_log_names_the_limits(service: WebService) -> None:
    assert "(4 threads, 200 connections, 3 s idle, 5 s request)" in service.log.read_text()


def test_no_server_banner_reveals_versions(service: WebService) -> None:
    with urllib.request.urlopen(service.url + "healthz", timeout=10) as answer:
        assert answer.headers.get("Server", "tidewatch") == "tidewatch"


def test_past_the_connection_limit_clients_wait_and_are_served_once_slots_free(
    tmp_path: Path,
) -> None:
    env = quiet_env(
        tmp_path, TIDEWATCH_WEB_CONNECTION_LIMIT="10", TIDEWATCH_WEB_IDLE_TIMEOUT=str(IDLE)
    )
    with web_service(env, tmp_path / "serve.log") as limited:
        hogs = [socket.create_connection((limited.host, limited.port)) for _ in range(12)]
        try:
            status, seconds = timed_get(limited, "/healthz")  # waits in the backlog …
            assert status == 200
            assert seconds < IDLE + 4  # … only until the idle hogs are closed
        finally:
            for sock in hogs:
                sock.close()
        assert "reached the connection limit" in limited.log.read_text()
