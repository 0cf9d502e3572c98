"""The HTTP server of the web UI and the unsubscribe endpoint: waitress, with limits.

waitress reads every request asynchronously in one loop and hands only complete requests
to its worker threads, so a slow or idle client holds a connection slot, never a worker.
On top of waitress's idle timeout (``web_idle_timeout``) a request must arrive whole,
headers and body, within ``web_request_timeout`` from its first byte, or its connection is
closed: a client dripping one byte a second cannot hold a slot for ever. Connections beyond
``web_connection_limit`` wait in the listen backlog until a slot frees.

Two lanes of worker threads: the cheap status pages (``/``, ``/api/status``, ``/healthz``,
``/metrics``, ``/unsubscribe``) have ``LIGHT_THREADS`` (4) of their own, so a health check or an
unsubscribe click never queues behind a burst of searches on the ``web_threads`` others.

Chosen over cheroot by measurement (``bench/web_load.py --compare``): cheroot gives each
connection that has started a request a worker thread until it completes or its per-read
timeout fires, so a few dozen half-sent requests stall every page.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from tidewatch.config import Config, ConfigError

log = logging.getLogger("tidewatch.web")
access_log = logging.getLogger("tidewatch.web.access")
# waitress warns on every request queued behind busy threads: under load, a line per request.
# The access log's durations show the same; keep its errors only.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
StartResponse = Callable[..., object]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_HEADER_BYTES = 16 * 1024  # the request line and headers: URLs here are short
MAX_BODY_BYTES = 64 * 1024  # the only bodies are forms (unsubscribe)
CLEANUP_INTERVAL = 1  # seconds between checks of the timeouts
LIGHT_PATHS = frozenset({"/", "/api/status", "/healthz", "/metrics", "/unsubscribe"})
LIGHT_THREADS = 4
ACCESS_LINES_WAITING = 10_000  # access lines not yet written; beyond, they are counted


@dataclass(frozen=True)
class Limits:
    threads: int
    connection_limit: int
    idle_timeout: float
    request_timeout: float
    max_header_bytes: int = MAX_HEADER_BYTES
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def of(cls, config: Config) -> Limits:
        return cls(
            threads=config.web_threads,
            connection_limit=config.web_connection_limit,
            idle_timeout=config.web_idle_timeout,
            request_timeout=config.web_request_timeout,
        )


class _Channel(HTTPChannel):
    """A connection that remembers when the request it is reading began."""

    request_started: float = 0.0

    def received(self, data: bytes) -> bool:
        if data and self.request is None:
            self.request_started = time.monotonic()
        return super().received(data)


class _Server(TcpWSGIServer):
    channel_class = _Channel
    request_timeout: float = 20.0
    light: ThreadedTaskDispatcher | None = None

    def add_task(self, channel: _Channel) -> None:
        """A connection whose next request is a cheap page goes to the light lane."""
        request = channel.requests[0] if channel.requests else None
        light = request is not None and getattr(request, "path", None) in LIGHT_PATHS
        (self.light if light and self.light else self.task_dispatcher).add_task(channel)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections (no request in progress)
        cutoff = time.monotonic() - self.request_timeout
        for channel in list(self.active_channels.values()):
            if channel.request is not None and channel.request_started < cutoff:
                channel.will_close = True  # a request that never finishes arriving


class WebServer:
    """One listening socket, its loop in a daemon thread; ``close`` stops accepting."""

    def __init__(self, app: WsgiApp, host: str, port: int, limits: Limits) -> None:
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=limits.threads,
            connection_limit=limits.connection_limit,
            channel_timeout=limits.idle_timeout,
            cleanup_interval=CLEANUP_INTERVAL,
            max_request_header_size=limits.max_header_bytes,
            max_request_body_size=limits.max_body_bytes,
            asyncore_use_poll=True,  # select() fails beyond 1,024 descriptors
            expose_tracebacks=False,
            ident="tidewatch",
        )
        self.limits = limits
        self.access = AccessLog(app)
        try:
            self._server = _Server(
                self.access, map={}, adj=adjustments, sockinfo=adjustments.listen[0]
            )
        except OSError as e:
            raise ConfigError(_bind_error(host, port, e)) from None
        self._server.request_timeout = limits.request_timeout
        self._server.light = ThreadedTaskDispatcher()
        self._server.light.set_thread_count(LIGHT_THREADS)
        self.host, self.port = host, int(self._server.effective_port)
        self._thread: threading.Thread | None = None

    def start(self) -> WebServer:
        self._thread = threading.Thread(target=self._server.run, name="web", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread (``tidewatch alerts serve``) until interrupted."""
        self._server.run()

    def close(self) -> None:
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        if self._server.light:
            self._server.light.shutdown(cancel_pending=True, timeout=1)
        self._server.accepting = False
        self._server.pull_trigger()
        self.access.flush()


def listen(app: WsgiApp, config: Config, start: bool = True) -> WebServer:
    """Bind ``web_listen`` now (a busy port is a ConfigError naming it); serve in a daemon
    thread unless ``start`` is false."""
    host, port = config.web_listen.rsplit(":", 1)
    server = WebServer(app, host, int(port), Limits.of(config))
    return server.start() if start else server


def _bind_error(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"cannot listen on {host}:{port}: the address is already in use (web_listen)"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}:{port}: no such local address (web_listen)"
    return f"cannot listen on {host}:{port}: {error.strerror or error} (web_listen)"


class AccessLog:
    """One INFO line per request (the URL's credentials are redacted by the log handler);
    an exception escaping the app is logged with its traceback and answered with a bare 500.

    The lines are written by a thread of their own: request threads taking turns at the log
    handler's lock (and its write to stderr) halved what the server answered under 50
    clients (``bench/web_load.py``). The record is made when the request ends, so its time
    is the request's; lines that cannot wait (``ACCESS_LINES_WAITING``) are counted and the
    count is logged."""

    def __init__(self, app: WsgiApp, waiting: int = ACCESS_LINES_WAITING) -> None:
        self.app = app
        self._lines: queue.Queue[logging.LogRecord] = queue.Queue(waiting)
        self._dropped = 0
        self._dropped_lock = threading.Lock()
        threading.Thread(target=self._write, name="web-access-log", daemon=True).start()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        status: list[str] = []

        def recording_start(code: str, headers: list[tuple[str, str]], *exc: Any) -> object:
            status[:] = [code.split(" ", 1)[0]]
            return start_response(code, headers, *exc)

        try:
            body = self.app(environ, recording_start)
        except Exception:
            log.exception("error serving %s %s", environ.get("REQUEST_METHOD"), _target(environ))
            body = internal_error(recording_start)
        if access_log.isEnabledFor(logging.INFO):
            self._queue(
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                _target(environ),
                status[0] if status else "-",
                (time.monotonic() - started) * 1000,
            )
        return body

    def flush(self, timeout: float = 1.0) -> bool:
        """Wait up to ``timeout`` for the lines queued so far to be written."""
        deadline = time.monotonic() + timeout
        while self._lines.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._lines.unfinished_tasks

    def _queue(self, *args: Any) -> None:
        record = access_log.makeRecord(
            access_log.name, logging.INFO, __file__, 0, "%s %s %s %s %.0f ms", args, None
        )
        try:
            self._lines.put_nowait(record)
        except queue.Full:
            with self._dropped_lock:
                self._dropped += 1

    def _write(self) -> None:
        while True:
            record = self._lines.get()
            try:
                access_log.handle(record)
                with self._dropped_lock:
                    dropped, self._dropped = self._dropped, 0
                if dropped:
                    access_log.warning(
                        "%d access log line(s) not written: the log could not keep up", dropped
                    )
            except Exception:  # a broken handler must not stop the lines after it
                log.exception("could not write an access log line")
            finally:
                self._lines.task_done()


def internal_error(start_response: StartResponse) -> list[bytes]:
    """The 500 page: no exception text, which could carry paths, SQL or data."""
    body = b"internal error: the service log has the details\n"
    start_response(
        "500 Internal Server Error",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _target(environ: dict[str, Any]) -> str:
    query = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
