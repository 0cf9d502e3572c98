"""The dashboard's response cache: bounded, one computation per page, and never a page
across a token, Host or store-revision boundary."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from mailsink import fill_store
from pydantic import SecretStr

from alerts.ledger import Ledger
from alerts.unsubscribe import UnsubscribeApp
from crawler.summary import CrawlSummary
from model.article import Article
from model.clock import SHANGHAI
from scheduler.health import HEALTHY
from scheduler.runs import RunLog
from tidewatch.config import Config, SourceOverride
from web import cache
from web.app import Dashboard
from web.cache import Response, ResponseCache
from web.guard import Guard

TOKEN = "t0ken-for-the-response-cache-tests-5d2a9e"
RARE = "潮汐观察站"  # in no stored article until a test adds one


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = Config(
        data_dir=tmp_path,
        sources={"xsrb": SourceOverride(enabled=False)},
        backfill_days=36500,
        web_token=SecretStr(TOKEN),
    )
    store = fill_store(config, ("xsnet", "tidenews"))
    runs, ledger = RunLog(tmp_path / "runs.sqlite3"), Ledger(config.ledger_path)
    yield {"config": config, "store": store, "runs": runs, "ledger": ledger}
    store.close()
    runs.close()
    ledger.close()


def asked_together(count: int, ask: Any, gate: threading.Event) -> None:
    """``count`` threads ask at once; the gate opens once they all wait on the first one."""
    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    gate.set()
    for thread in threads:
        thread.join(10)


def dashboard(parts: dict[str, Any], status_ttl: float = 60) -> Dashboard:
    return Dashboard(
        parts["config"],
        parts["store"],
        parts["runs"],
        parts["ledger"],
        UnsubscribeApp(parts["ledger"], b"secret"),
        lambda: True,
        status_ttl=status_ttl,
    )


def call(app: Any, path: str, query: str = "", **headers: str) -> tuple[str, bytes]:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING=query, **headers)
    answer: list[str] = []
    body = b"".join(app(environ, lambda status, headers: answer.append(status)))
    return answer[0], body


def authorised(app: Any, path: str, query: str = "") -> tuple[str, bytes]:
    return call(app, path, query, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def rare_article() -> Article:
    return Article(
        url="http://www.xsnet.cn/news/szjj/2026_3/9999999.shtml",
        source="xsnet",
        title=f"{RARE}开放",
        published_at=datetime(2026, 3, 1, 9, tzinfo=SHANGHAI),
        body=f"萧山的{RARE}今天开放，市民可以预约参观。",
        channel="时政经济",
    )


# -- through the dashboard ---------------------------------------------------------------


def test_a_cached_page_still_asks_for_the_token(parts: dict[str, Any]) -> None:
    app = dashboard(parts)
    search = "q=" + quote("数字经济")
    first = authorised(app, "/search", search)
    assert first[0] == "200 OK" and app.responses.misses == 1
    assert authorised(app, "/search", search) == first and app.responses.hits == 1
    assert call(app, "/search", search)[0] == "401 Unauthorized"
    assert call(app, "/search", search, HTTP_AUTHORIZATION="Bearer wrong")[0].startswith("401")
    assert call(app, "/api/status")[0].startswith("401")
    # the token in the query string is not part of the key, and the page does not carry it
    by_query = call(app, "/search", f"{search}&token={TOKEN}")
    assert by_query == first and TOKEN.encode() not in by_query[1]
    assert app.responses.misses == 1


def test_a_cached_page_still_checks_the_host(parts: dict[str, Any]) -> None:
    app = dashboard(parts)
    guarded = Guard(app, parts["config"])
    good = call(guarded, "/api/status", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="localhost")
    assert good[0] == "200 OK"
    rebound = call(
        guarded, "/api/status", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="evil.example"
    )
    assert rebound == ("421 Misdirected Request", b"unknown host\n")


def test_a_new_article_is_found_at_once_though_the_answer_was_cached(
    parts: dict[str, Any],
) -> None:
    app = dashboard(parts)
    for path in ("/search", "/api/search", "/trends"):
        before = authorised(app, path, "q=" + quote(RARE))
        assert RARE.encode() in before[1]  # the query is echoed…
        assert authorised(app, path, "q=" + quote(RARE)) == before  # …and kept
    assert b'"total": 0' in authorised(app, "/api/search", "q=" + quote(RARE))[1]
    parts["store"].upsert(rare_article())
    status, body = authorised(app, "/api/search", "q=" + quote(RARE))
    assert status == "200 OK" and b'"total": 1' in body
    assert "市民可以预约参观".encode() in authorised(app, "/search", "q=" + quote(RARE))[1]


def test_status_is_kept_for_its_ttl_only(parts: dict[str, Any]) -> None:
    app = dashboard(parts, status_ttl=0.3)
    first = authorised(app, "/api/status")[1]
    summary = CrawlSummary("xsnet", pages=3, new=2, statuses={"200": 3})
    parts["runs"].finish(parts["runs"].start("xsnet"), summary, HEALTHY, "2 new")
    assert authorised(app, "/api/status")[1] == first  # within the TTL: the same bytes
    time.sleep(0.35)
    assert authorised(app, "/api/status")[1] != first


def test_different_questions_are_different_entries_and_the_cache_stays_bounded(
    parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = dashboard(parts)
    app.responses = ResponseCache(max_entries=5)
    pages = {
        authorised(app, "/api/search", f"q={quote(word)}&page={page}")[1]
        for word in ("钱塘", "数字经济", "萧山")
        for page in (1, 2)
    }
    assert len(pages) == 6 and len(app.responses) == 5
    authorised(app, "/api/search", "q=" + quote("钱塘") + "&page=1")  # the evicted oldest
    assert app.responses.misses == 7


def test_a_failing_page_is_not_kept(parts: dict[str, Any]) -> None:
    app = dashboard(parts)
    broken = {"on": True}
    search = app.store.count_matches

    def count_matches(*args: Any, **kwargs: Any) -> Any:
        if broken["on"]:
            raise RuntimeError("the disk went away")
        return search(*args, **kwargs)

    app.store.count_matches = count_matches  # type: ignore[method-assign]
    assert authorised(app, "/api/search", "q=" + quote("钱塘"))[0].startswith("500")
    broken["on"] = False
    assert authorised(app, "/api/search", "q=" + quote("钱塘"))[0] == "200 OK"


# -- the cache itself --------------------------------------------------------------------


def page(body: bytes = b"x", status: str = "200 OK") -> Response:
    return Response(status, [("Content-Length", str(len(body)))], body)


def test_bounded_by_bytes_and_a_huge_response_is_never_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = ResponseCache(max_entries=100, max_bytes=1000)
    for n in range(5):
        kept.get(n, 1, lambda: page(b"y" * 300))
    assert len(kept) == 3 and kept.size == 900
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 100)
    kept.get("huge", 1, lambda: page(b"z" * 200))
    assert "huge" not in kept._entries and kept.size == 900


def test_revision_and_expiry_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = [0.0]
    kept = ResponseCache(clock=lambda: moment[0])
    made: list[int] = []

    def make() -> Response:
        made.append(1)
        return page(str(len(made)).encode())

    assert kept.get("k", 1, make).body == b"1"
    assert kept.get("k", 1, make).body == b"1"
    assert kept.get("k", 2, make).body == b"2"  # the store changed
    assert kept.get("t", 2, make, ttl=5).body == b"3"
    moment[0] = 4.9
    assert kept.get("t", 2, make, ttl=5).body == b"3"
    moment[0] = 5.0
    assert kept.get("t", 2, make, ttl=5).body == b"4"
    assert kept.get("e", 2, lambda: page(b"no", "503 Service Unavailable")).status.startswith("5")
    assert "e" not in kept._entries


def test_one_computation_for_many_waiting_requests() -> None:
    kept = ResponseCache()
    calls: list[str] = []
    gate = threading.Event()

    def slow() -> Response:
        calls.append(threading.current_thread().name)
        gate.wait(5)
        return page(b"searched")

    answers: list[bytes] = []
    asked_together(20, lambda: answers.append(kept.get("q", 1, slow).body), gate)
    assert answers == [b"searched"] * 20
    assert len(calls) == 1 and kept.misses == 1 and kept.hits == 19


def test_when_the_computation_fails_the_waiting_requests_compute_for_themselves() -> None:
    kept = ResponseCache()
    gate, calls = threading.Event(), []

    def first_fails() -> Response:
        calls.append(1)
        if len(calls) == 1:
            gate.wait(5)
            raise RuntimeError("the store is locked")
        return page(b"second try")

    failures: list[Exception] = []
    answers: list[bytes] = []

    def ask() -> None:
        try:
            answers.append(kept.get("q", 1, first_fails).body)
        except RuntimeError as e:
            failures.append(e)

    asked_together(5, ask, gate)
    assert len(failures) == 1 and answers == [b"second try"] * 4 and len(calls) == 2


def test_past_its_ttl_the_last_answer_serves_while_the_next_is_made_not_across_revisions() -> None:
    moment = [0.0]
    kept = ResponseCache(clock=lambda: moment[0])
    kept.get("status", 1, lambda: page(b"old"), ttl=1)
    moment[0] = 2.0
    gate, inside = threading.Event(), threading.Event()

    def slow_status() -> Response:
        inside.set()
        gate.wait(5)
        return page(b"new")

    refresher = threading.Thread(target=lambda: kept.get("status", 1, slow_status, ttl=1))
    refresher.start()
    assert inside.wait(5)
    assert kept.get("status", 1, lambda: page(b"unwanted"), ttl=1).body == b"old"
    answers: list[bytes] = []
    other = threading.Thread(target=lambda: answers.append(kept.get("status", 2, page, ttl=1).body))
    other.start()  # the store changed: this one waits for a fresh answer, never the old one
    time.sleep(0.1)
    assert answers == []
    gate.set()
    refresher.join(5)
    other.join(5)
    assert answers == [b"x"]
    assert kept.get("status", 2, lambda: page(b"unwanted"), ttl=1).body == b"x"
