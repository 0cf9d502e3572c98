"""Hostile HTTP servers on loopback: each answers every request with one misbehaviour.

A test writes the misbehaviour as a function of the request handler; the server runs it in a
thread, bounded by the test's own timeouts, and stops with the ``with`` block.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[[BaseHTTPRequestHandler], None]


class HostileServer:
    """``with HostileServer(answer) as server: … server.port …``"""

    def __init__(self, answer: Answer) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                # the client hanging up on us is what the limits are for
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def host_map(self, *hosts: str) -> str:
        """``TIDEWATCH_HOST_MAP`` sending ``hosts`` here."""
        return ",".join(f"{host}=127.0.0.1:{self.port}" for host in hosts)

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
