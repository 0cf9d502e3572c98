"""Benchmark: the web UI of a real `tidewatch serve` under 50 concurrent clients.

Builds (once, kept in --data) a store of N synthetic articles through the store's
``upsert_many``, starts `tidewatch serve` on it with 萧山网 crawled from the bundled replica
every --crawl-interval seconds, and runs --clients clients for --seconds, each alternating
``/search?q=钱塘`` and ``/api/status`` on a keep-alive connection. The clients are one asyncio
loop in this process (50 Python threads of http.client took CPU the server needed); each
reads every response whole and counts it an error unless it is a 200 of its declared
Content-Length. Prints req/s, p50/p95/p99 per endpoint, errors and timeouts, and whether
the scheduled crawls started on time.
Loopback only; every request has a timeout, the run has a deadline.

    python bench/web_load.py [--articles 100000] [--clients 50] [--seconds 60]
    python bench/web_load.py --compare      # waitress against cheroot, same app, slowloris too

``--compare`` serves the same dashboard with waitress and with cheroot (8 threads each) in a
child process and measures /api/status with and without 40 half-sent requests held open.
cheroot is not a dependency: ``pip install cheroot==11.1.2`` to run it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from model.article import Article  # noqa: E402
from model.clock import SHANGHAI  # noqa: E402
from tidewatch.mirror import MirrorServer  # noqa: E402

SECRET = "web-load-bench-unsubscribe-key-2c9f4e7a1d6b"
SEARCH = "/search?q=" + quote("钱塘")
STATUS = "/api/status"
WEB_UI = re.compile(r"web UI on http://127\.0\.0\.1:(\d+)/")
WORDS = [
    "萧山",
    "西湖区",
    "数字经济",
    "新型工业化",
    "杭州",
    "亚运",
    "城市",
    "发展",
    "项目",
    "企业",
    "创新",
    "乡村",
    "振兴",
    "交通",
    "教育",
    "医疗",
    "文化",
    "旅游",
    "湘湖",
    "湾区",
    "产业",
    "园区",
    "招商",
    "政策",
    "民生",
    "服务",
    "社区",
    "街道",
    "会议",
    "报道",
    "记者",
    "通讯员",
]
CONFIG = """
data_dir = "{data}"
download_delay = 0
web_listen = "127.0.0.1:0"
log_level = "INFO"
subscribers_file = "{repo}/tests/fixtures/subscribers/newsroom.toml"
shutdown_grace = 10
[sources.xsnet]
interval_minutes = {interval}
jitter_seconds = 0
[sources.tidenews]
enabled = false
[sources.xsrb]
enabled = false
"""


# -- the store ---------------------------------------------------------------------------


def synthetic(n: int, rng: random.Random) -> Article:
    """An article of about 600 characters; one in ten mentions 钱塘 somewhere."""
    words = [rng.choice(WORDS) for _ in range(150)]
    if n % 10 == 0:
        words.insert(rng.randrange(len(words)), "钱塘")
    body = "\n".join("".join(words[i : i + 30]) + "。" for i in range(0, len(words), 30))
    return Article(
        url=f"http://www.xsnet.cn/news/bench/{n // 1000}/{n}.shtml",
        source="xsnet",
        title="".join(rng.choice(WORDS) for _ in range(6)),
        published_at=datetime(2026, 3, 1, 8, tzinfo=SHANGHAI) - timedelta(minutes=7 * n),
        body=body,
        channel="时政经济",
    )


def build_store(data: Path, articles: int) -> float:
    """Fill ``data``'s store up to ``articles``; seconds it took (0 if already there)."""
    from store.sqlite import SqliteStore

    data.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(data / "tidewatch.sqlite3")
    try:
        have = _count(data)
        if have >= articles:
            return 0.0
        started, rng = time.monotonic(), random.Random(12)
        for first in range(have, articles, 1000):
            store.upsert_many(
                [synthetic(n, rng) for n in range(first, min(first + 1000, articles))]
            )
            print(f"\r  store: {min(first + 1000, articles):,} articles", end="", flush=True)
        print()
        return time.monotonic() - started
    finally:
        store.close()


def _count(data: Path) -> int:
    with sqlite3.connect(data / "tidewatch.sqlite3") as db:
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]


# -- the load ----------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {SEARCH: [], STATUS: []}
        self.errors: dict[str, int] = {SEARCH: 0, STATUS: 0}
        self.timeouts: dict[str, int] = {SEARCH: 0, STATUS: 0}

    def add(self, path: str, seconds: float | None, ok: bool) -> None:
        with self.lock:
            if seconds is None:
                self.timeouts[path] += 1
            elif not ok:
                self.errors[path] += 1
            else:
                self.latency[path].append(seconds)


THINK = 0.0  # seconds a client pauses between requests (--think)


def load(port: int, clients: int, seconds: float, timeout: float, paths: list[str]) -> Results:
    """``clients`` keep-alive connections driven by one asyncio loop (50 Python threads of
    http.client would take the server's CPU on a 2-core machine): each sends a request,
    reads the whole response (status line, headers, exactly Content-Length bytes) and
    times it, then sends the next."""
    out = Results()
    asyncio.run(_load(port, clients, time.monotonic() + seconds, timeout, paths, out))
    return out


async def _load(
    port: int, clients: int, deadline: float, timeout: float, paths: list[str], out: Results
) -> None:
    await asyncio.gather(*(_client(port, paths, deadline, timeout, out) for _ in range(clients)))


async def _client(port: int, paths: list[str], deadline: float, timeout: float, out: Results):
    turn, connection = random.randrange(len(paths)), None
    while time.monotonic() < deadline:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.monotonic()
        try:
            connection = connection or await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), timeout
            )
            ok, kept = await asyncio.wait_for(_exchange(*connection, path), timeout)
            out.add(path, time.monotonic() - started, ok)
            connection = connection if kept else _drop(connection)
            await asyncio.sleep(THINK)
        except TimeoutError:
            out.add(path, None, False)
            connection = _drop(connection)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            out.add(path, 0.0, False)
            connection = _drop(connection)
    _drop(connection)


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
) -> tuple[bool, bool]:
    """One request and its whole response: whether it was a 200 of its declared length, and
    whether the server keeps the connection open."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
    length = int(headers["content-length"])  # every page here declares it
    body = await reader.readexactly(length)
    ok = status.split(" ")[1] == "200" and len(body) == length
    return ok, headers.get("connection") != "close"


def _drop(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> None:
    if connection:
        connection[1].close()
    return None


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def report(out: Results, seconds: float, paths: list[str]) -> None:
    total = sum(len(out.latency[p]) + out.errors[p] + out.timeouts[p] for p in paths)
    print(f"  {total / seconds:.1f} req/s over {seconds:.0f} s")
    head = f"{'ok':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'timeouts':>10}"
    print(f"  {'endpoint':<22}{head}")
    for path in paths:
        ms = [s * 1000 for s in out.latency[path]]
        print(
            f"  {path:<22}{len(ms):>7}{percentile(ms, 50):>9.0f}{percentile(ms, 95):>9.0f}"
            f"{percentile(ms, 99):>9.0f}{out.errors[path]:>8}{out.timeouts[path]:>10}"
        )


# -- the service -------------------------------------------------------------------------


def crawl_runs(data: Path, since: str) -> list[tuple[float, float | None]]:
    """(start, end) of each 萧山网 crawl started since ``since``, in epoch seconds."""
    with sqlite3.connect(data / "runs.sqlite3", timeout=10) as db:
        rows = db.execute(
            "SELECT started_at, finished_at FROM runs WHERE source = 'xsnet' AND started_at >= ? "
            "ORDER BY id",
            (since,),
        ).fetchall()
    return [(_epoch(start), _epoch(end) if end else None) for start, end in rows]


def _epoch(moment: str) -> float:
    return datetime.fromisoformat(moment).timestamp()


def crawl_lateness(runs: list[tuple[float, float | None]], begin: float, interval: float) -> float:
    """The longest a crawl started after it could have: ``interval`` after the previous
    start, or when the previous crawl ended if it ran longer (``max_instances = 1``). Up to
    one interval more is the schedule itself: a run due while the last one still ran is
    skipped (coalesced) to the next slot."""
    late, free_at = 0.0, begin + interval
    for start, end in runs:
        late = max(late, start - free_at)
        free_at = max(start + interval, end or start)
    return max(late, time.time() - 1 - free_at)


def run_service(args: argparse.Namespace) -> None:
    data = Path(args.data) / f"store-{args.articles}"
    seconds = build_store(data, args.articles)
    if seconds:
        print(f"  built {args.articles:,} articles in {seconds:.0f} s")
    config = Path(args.data) / f"tidewatch-{args.articles}.toml"
    interval = args.crawl_interval / 60
    config.write_text(CONFIG.format(data=data, repo=REPO, interval=interval))
    log = Path(args.data) / f"serve-{args.articles}.log"
    with MirrorServer(REPO / "tests" / "replica") as replica:
        env = {
            "PATH": "/usr/bin:/bin",
            "TIDEWATCH_CONFIG": str(config),
            "TIDEWATCH_HOST_MAP": replica.host_map(),
            "TIDEWATCH_UNSUBSCRIBE_SECRET": SECRET,
        }
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "tidewatch", "serve"], env=env, stderr=stderr, cwd=REPO
            )
        try:
            port = _wait_port(log, process)
            warm = load(port, 2, 3, args.timeout, [SEARCH, STATUS])  # caches, first crawl
            del warm
            began = time.time()
            started = datetime.fromtimestamp(began - interval * 60, SHANGHAI).isoformat(
                timespec="seconds"
            )
            out = load(port, args.clients, args.seconds, args.timeout, args.paths)
            time.sleep(1)
            runs = crawl_runs(data, started)
        finally:
            process.terminate()
            process.wait(60)
    print(
        f"\n{args.articles:,} articles, {args.clients} clients, {args.seconds:.0f} s, "
        f"{args.think:g} s between requests:"
    )
    report(out, args.seconds, args.paths)
    during = [r for r in runs if r[0] >= began]
    durations = [end - start for start, end in runs if end]
    late = crawl_lateness(runs, began - args.crawl_interval, args.crawl_interval)
    print(
        f"  crawls every {args.crawl_interval:.0f} s: {len(during)} started during the load, "
        f"each took {min(durations, default=0):.0f}-{max(durations, default=0):.0f} s; "
        f"the longest wait past a free slot was {max(late, 0):.1f} s "
        f"({'on time' if late <= args.crawl_interval + 2 else 'LATE'}: up to one interval "
        "is the schedule's own coalescing)"
    )


def _wait_port(log: Path, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if found := WEB_UI.search(log.read_text(errors="replace")):
            return int(found.group(1))
        if process.poll() is not None:
            raise SystemExit(f"tidewatch serve exited {process.returncode}: {log.read_text()}")
        time.sleep(0.2)
    raise SystemExit("tidewatch serve did not start")


# -- waitress against cheroot ------------------------------------------------------------


def serve_only(server: str, data: Path, port_file: Path) -> None:
    """Child process: the dashboard over ``data`` on ``server``; writes its port."""
    from alerts.ledger import Ledger
    from alerts.unsubscribe import UnsubscribeApp
    from scheduler.runs import RunLog
    from store.sqlite import SqliteStore
    from tidewatch.config import Config
    from web.app import Dashboard

    config = Config(data_dir=data, unsubscribe_secret=SECRET)
    ledger = Ledger(config.ledger_path)
    app = Dashboard(
        config,
        SqliteStore(config.store_path),
        RunLog(data / "runs.sqlite3"),
        ledger,
        UnsubscribeApp(ledger, SECRET.encode()),
        lambda: True,
    )
    if server == "waitress":
        from web.server import Limits, WebServer

        web = WebServer(app, "127.0.0.1", 0, Limits(8, 100, 30, 20))
        port_file.write_text(str(web.port))
        web._server.run()
    else:
        from cheroot.wsgi import Server

        web = Server(("127.0.0.1", 0), app, numthreads=8, timeout=10)
        web.prepare()
        port_file.write_text(str(web.bind_addr[1]))
        web.serve()


def compare(args: argparse.Namespace) -> None:
    data = Path(args.data) / "store-compare"
    build_store(data, args.compare_articles)
    for server in ("waitress", "cheroot"):
        port_file = Path(args.data) / f"port-{server}"
        port_file.unlink(missing_ok=True)
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve-only", server, "--data", str(data)],
            env={"PATH": "/usr/bin:/bin", "PORT_FILE": str(port_file)},
        )
        try:
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text():
                if time.monotonic() > deadline or child.poll() is not None:
                    raise SystemExit(f"{server} did not start")
                time.sleep(0.1)
            port = int(port_file.read_text())
            print(f"\n{server}: /api/status, {args.clients} clients, {args.compare_seconds:.0f} s")
            report(
                load(port, args.clients, args.compare_seconds, args.timeout, [STATUS]),
                args.compare_seconds,
                [STATUS],
            )
            slow = [_half_request(port) for _ in range(40)]
            print(f"{server}: the same with 40 half-sent requests held open")
            report(
                load(port, args.clients, args.compare_seconds, args.timeout, [STATUS]),
                args.compare_seconds,
                [STATUS],
            )
            for sock in slow:
                sock.close()
        finally:
            child.terminate()
            child.wait(30)


def _half_request(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=10, help="per request, seconds")
    parser.add_argument("--crawl-interval", type=float, default=15, help="seconds")
    parser.add_argument("--data", default="/tmp/tidewatch-web-load", help="kept between runs")
    parser.add_argument("--compare", action="store_true", help="waitress against cheroot")
    parser.add_argument("--compare-articles", type=int, default=5_000)
    parser.add_argument("--compare-seconds", type=float, default=15)
    parser.add_argument("--serve-only", choices=["waitress", "cheroot"], help=argparse.SUPPRESS)
    parser.add_argument("--think", type=float, default=0, help="pause between requests, s")
    parser.add_argument(
        "--only", choices=["search", "status"], help="one endpoint instead of both, alternating"
    )
    args = parser.parse_args()
    args.paths = {"search": [SEARCH], "status": [STATUS]}.get(args.only, [SEARCH, STATUS])
    global THINK
    THINK = args.think
    if args.serve_only:
        import os

        serve_only(args.serve_only, Path(args.data), Path(os.environ["PORT_FILE"]))
    elif args.compare:
        compare(args)
    else:
        run_service(args)


if __name__ == "__main__":
    main()
