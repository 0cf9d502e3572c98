"""The access log, written off the request threads: every line arrives, with the request's
own time, through the redacting handler; lines that cannot wait are counted, not lost
silently."""

from __future__ import annotations

import http.client
import io
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tidewatch import logs
from web.server import AccessLog, Limits, WebServer

SECRET = "access-log-token-never-written-7f3b2c9d1e"


def hello(environ: dict[str, Any], start: Any) -> list[bytes]:
    start("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """The root handler as the service configures it, writing to a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("INFO")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved


def test_every_line_of_many_concurrent_requests_is_written_and_redacted(
    written: io.StringIO,
) -> None:
    server = WebServer(hello, "127.0.0.1", 0, Limits(4, 100, 30, 20)).start()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for i in range(25):
            connection.request("GET", f"/page/{n}/{i}?token={SECRET}")
            assert connection.getresponse().read() == b"hello"
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert server.access.flush(5)
    server.close()
    lines = [line for line in written.getvalue().splitlines() if "tidewatch.web.access" in line]
    assert len(lines) == 200
    assert {line.split(" GET /page/")[1].split("?")[0] for line in lines} == {
        f"{n}/{i}" for n in range(8) for i in range(25)
    }
    assert SECRET not in written.getvalue() and "token=[redacted] 200" in lines[0]
    assert all(line.split(" ", 1)[0].endswith("+08:00") for line in lines)


def test_lines_beyond_the_queue_are_counted_and_the_count_is_logged(
    written: io.StringIO,
) -> None:
    handler = logging.getLogger().handlers[0]
    handler.acquire()  # the writer blocks on the handler: the queue fills
    try:
        access = AccessLog(hello, waiting=3)
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "REMOTE_ADDR": "127.0.0.1"}
        for _ in range(10):
            access(dict(environ), lambda status, headers: None)
    finally:
        handler.release()
    assert access.flush(5)
    text = written.getvalue()
    written_lines = text.count("GET /x 200")
    assert 3 <= written_lines <= 4  # the one the writer held, and the 3 that waited
    assert f"{10 - written_lines} access log line(s) not written" in text
