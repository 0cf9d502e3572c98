"""Benchmark: the service's memory over hundreds of scheduled crawls of the replica.

Runs `tidewatch serve` with 萧山网 due every few seconds (so crawls run back to back:
`max_instances=1` holds the next one until the last is done) and prints the service's
resident memory after the first crawl and after the last.

    python bench/serve_memory.py [--crawls 300]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tidewatch.mirror import MirrorServer  # noqa: E402

CONFIG = """
data_dir = "{data}"
download_delay = 0
web_listen = "127.0.0.1:0"
subscribers_file = "{repo}/alerts/subscribers.toml"
[sources.xsnet]
interval_minutes = 0.02
jitter_seconds = 0
[sources.tidenews]
enabled = false
[sources.xsrb]
enabled = false
"""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def finished(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as db:
            sql = "SELECT count(*) FROM runs WHERE outcome != 'running'"
            return db.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, MirrorServer(REPO / "tests" / "replica") as mirror:
        config = Path(tmp) / "tidewatch.toml"
        config.write_text(CONFIG.format(data=Path(tmp) / "data", repo=REPO))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
        env |= {"TIDEWATCH_CONFIG": str(config), "TIDEWATCH_HOST_MAP": mirror.host_map()}
        service = subprocess.Popen(
            [sys.executable, "-m", "tidewatch", "serve"], env=env, stderr=subprocess.DEVNULL
        )
        runs = Path(tmp) / "data" / "runs.sqlite3"
        try:
            while finished(runs) < 1:
                time.sleep(0.2)
            started, first = time.monotonic(), rss_mib(service.pid)
            samples = [first]
            while (done := finished(runs)) < args.crawls:
                time.sleep(1)
                samples.append(rss_mib(service.pid))
            elapsed = time.monotonic() - started
            last = rss_mib(service.pid)
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(60)
    print(f"crawls:                 {done} of the replica's 萧山网 (7 pages, 5 articles each)")
    print(f"time:                   {elapsed:.0f} s ({done / elapsed * 60:.0f} crawls/min)")
    print(f"service RSS, 1st crawl: {first:7.1f} MiB")
    print(f"service RSS, last:      {last:7.1f} MiB")
    print(f"service RSS, max:       {max(samples):7.1f} MiB")


if __name__ == "__main__":
    main()
