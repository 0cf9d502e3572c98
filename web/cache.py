"""Whole responses of the dashboard, kept while what they were made from is unchanged.

Fifty browsers (or a wall display and Prometheus) asking the same page between two crawls
cost one rendering, not one each: a hit is a dictionary lookup and the bytes as they were
sent. An entry is served only while the store's revision is the one it was made at and, for
pages made from the run log (status, health, metrics), for ``ttl`` seconds. A miss is
computed once: requests for the same page that arrive meanwhile wait for that answer
instead of each running the same search after every crawl's commit. Only an entry past
its TTL (never one of another revision) is served while its successor is being made: a
status page polled by fifty clients would otherwise stall them all once a second.

Bounded by entries and by bytes; a response larger than ``MAX_ENTRY_BYTES`` is never kept.
The cache sits behind the token check and the Host guard, and keys hold neither, so what
it serves is decided for each request before it is consulted.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

MAX_ENTRIES = 256
MAX_BYTES = 32 * 1024 * 1024
MAX_ENTRY_BYTES = 1024 * 1024
WAIT_SECONDS = 30.0  # a request waits this long at most for another's computation


@dataclass(frozen=True)
class Response:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class _Entry:
    revision: Hashable
    expires: float
    response: Response


class ResponseCache:
    """A bounded LRU of responses, each valid for one revision and until it expires."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries, self.max_bytes, self.clock = max_entries, max_bytes, clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Event] = {}
        self.hits = self.misses = 0  # misses: computations

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes of the bodies kept."""
        return self._bytes

    def get(
        self,
        key: Hashable,
        revision: Hashable,
        compute: Callable[[], Response],
        ttl: float | None = None,
    ) -> Response:
        """The response kept for ``key`` at ``revision``, or ``compute()``'s, kept unless it
        is a server error. One computation per key at a time; an exception reaches only the
        request that computed (the others then compute for themselves)."""
        deadline = self.clock() + WAIT_SECONDS
        while True:
            with self._lock:
                entry = self._entries.get(key)
                running = self._computing.get(key)
                fresh = entry is not None and self.clock() < entry.expires
                # past its TTL, the last answer serves while one request makes the next
                if entry and entry.revision == revision and (fresh or running is not None):
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return entry.response
                if running is None or self.clock() >= deadline:  # past it, do not wait again
                    mine = None if running else self._computing.setdefault(key, threading.Event())
                    self.misses += 1
                    break
            running.wait(max(0.0, deadline - self.clock()))
        try:
            response = compute()
            if not response.status.startswith("5"):
                expires = self.clock() + ttl if ttl is not None else float("inf")
                self._keep(key, _Entry(revision, expires, response))
            return response
        finally:
            if mine is not None:  # kept first: the requests waiting find it
                with self._lock:
                    del self._computing[key]
                mine.set()

    def _keep(self, key: Hashable, entry: _Entry) -> None:
        size = len(entry.response.body)
        if size > MAX_ENTRY_BYTES or size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old:
                self._bytes -= len(old.response.body)
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.response.body)
