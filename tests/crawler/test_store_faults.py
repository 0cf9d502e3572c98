"""Real faults under a real `tidewatch crawl`: a full disk, a store locked by another process,
a corrupt store file, and hostile servers sending bombs. Each must end in an error of the
right kind, with nothing lost or doubled once the fault is gone, in bounded memory."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from tempfile import TemporaryFile
from typing import Any

import pytest
from hostile import HostileServer
from support import tidewatch_env

from store.sqlite import SqliteStore
from tidewatch.mirror import MirrorServer

FAULTS = Path(__file__).parent / "faults"
XSNET_ARTICLES = 5  # reachable from the replica's 萧山网 entry
ARTICLE = "http://www.xsnet.cn/news/szjj/2019_1/3099999.shtml"
RSS_BOUND_MIB = 600  # a crawl process runs in about 150 MiB; a bomb takes gigabytes
FREE = 160 * 1024  # bytes left on the disk: room to open the store and commit a little
UNSHARE = ["unshare", "-m", "--propagation", "private"]  # a tmpfs of our own, gone with it


def crawl(env: dict[str, str], *args: str, timeout: float = 240) -> dict[str, Any]:
    """`tidewatch crawl … --json` in a child process: its exit code, summary and peak RSS."""
    with open(os.devnull, "rb") as stdin, TemporaryFile() as out, TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "tidewatch", "crawl", *args, "--json"],
            env=env,
            stdin=stdin,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    summary = json.loads(stdout) if stdout.strip() else {}
    return {"rc": child.returncode, "summary": summary, "stderr": stderr, "rss": usage.ru_maxrss}


def count(data: Path) -> int:
    store = SqliteStore(data / "tidewatch.sqlite3")
    try:
        return store.count()
    finally:
        store.close()


# -- the store fails -------------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root")
def test_full_disk_fails_the_crawl_and_the_next_crawl_stores_the_rest(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    mount = tmp_path / "disk"
    mount.mkdir()
    result = tmp_path / "result.json"
    env = tidewatch_env(replica_server, mount / "data")
    subprocess.run(
        [*UNSHARE, sys.executable, FAULTS / "full_disk.py", mount, str(FREE), result, "xsnet"],
        env=env,
        check=True,
        timeout=600,
    )
    figures = json.loads(result.read_text())
    first, second = figures["first"], figures["second"]
    assert first["stdout"], first["stderr"]
    summary = json.loads(first["stdout"])

    assert first["rc"] == 1, first["stderr"]  # not success
    refused = summary["errors"].get("store_error", 0)
    assert refused >= 1
    assert summary["new"] == figures["after_first"]  # new means committed, nothing more
    assert summary["new"] + refused == XSNET_ARTICLES
    assert first["stderr"].count("store_error: http://www.xsnet.cn/") >= refused  # by URL
    assert "Traceback" not in first["stderr"]

    assert second["rc"] == 0, second["stderr"]
    again = json.loads(second["stdout"])
    assert again["errors"] == {}
    assert again["new"] == XSNET_ARTICLES - figures["after_first"]
    assert figures["after"] == XSNET_ARTICLES  # nothing lost, nothing doubled


def test_store_locked_briefly_is_waited_for(replica_server: MirrorServer, tmp_path: Path) -> None:
    SqliteStore(tmp_path / "tidewatch.sqlite3").close()
    with _lock_held(tmp_path / "tidewatch.sqlite3", seconds=3):
        done = crawl(tidewatch_env(replica_server, tmp_path), "xsnet")
    assert done["rc"] == 0, done["stderr"]
    assert done["summary"]["new"] == XSNET_ARTICLES
    assert done["summary"]["errors"] == {}
    assert count(tmp_path) == XSNET_ARTICLES


def test_store_locked_past_the_wait_is_a_store_error_and_nothing_is_lost(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    SqliteStore(tmp_path / "tidewatch.sqlite3").close()
    env = tidewatch_env(replica_server, tmp_path)
    with _lock_held(tmp_path / "tidewatch.sqlite3", seconds=300):
        locked = crawl(env, "xsnet")
    assert locked["rc"] == 1, locked["stderr"]
    assert locked["summary"]["errors"].get("store_error") == XSNET_ARTICLES
    assert locked["summary"]["new"] == 0
    assert "Traceback" not in locked["stderr"]

    after = crawl(env, "xsnet")  # the lock is gone: the spool and a re-fetch finish the job
    assert after["rc"] == 0, after["stderr"]
    assert after["summary"]["new"] == XSNET_ARTICLES
    assert count(tmp_path) == XSNET_ARTICLES


def test_corrupt_store_file_gives_one_clear_message(
    replica_server: MirrorServer, tmp_path: Path
) -> None:
    store = tmp_path / "tidewatch.sqlite3"
    store.write_bytes(os.urandom(64 * 1024))
    env = tidewatch_env(replica_server, tmp_path)
    for command in (["crawl", "xsnet"], ["search", "钱塘"]):
        done = subprocess.run(
            [sys.executable, "-m", "tidewatch", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and str(store) in lines[0], done.stderr


class _lock_held:
    """A second process holding the store's write lock for ``seconds`` (or until exit)."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.args = [sys.executable, str(FAULTS / "hold_lock.py"), str(path), str(seconds)]

    def __enter__(self) -> None:
        self.holder = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        assert self.holder.stdout and self.holder.stdout.readline().strip() == "locked"

    def __exit__(self, *_: object) -> None:
        self.holder.kill()
        self.holder.wait()


# -- hostile servers ---------------------------------------------------------------------------


def _gzip_bomb(inflated_mib: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    chunk = b"<p>" + b"\0" * (1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(inflated_mib)) + packer.flush()


def test_gzip_bomb_is_too_large_and_memory_stays_bounded(tmp_path: Path) -> None:
    bomb = _gzip_bomb(700)

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    with HostileServer(answer) as server:
        done = crawl(_env(server, tmp_path), "xsnet", "--url", ARTICLE)
    _assert_too_large(done, tmp_path)


def test_endless_page_is_too_large_and_memory_stays_bounded(tmp_path: Path) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Connection", "close")  # no length: the body ends when we stop
        handler.end_headers()
        line = ("<p>钱塘江畔，" + "新闻" * 500 + "</p>\n").encode()
        for _ in range(200 * 1024 * 1024 // len(line)):  # 200 MB, unless the client hangs up
            handler.wfile.write(line)

    with HostileServer(answer) as server:
        done = crawl(_env(server, tmp_path), "xsnet", "--url", ARTICLE)
    _assert_too_large(done, tmp_path)


def test_body_over_the_cap_is_too_large_and_not_stored(
    replica_copy: Path, replica_server: MirrorServer, tmp_path: Path
) -> None:
    page = replica_copy / "www.xsnet.cn/news/szjj/2019_1/3025263.shtml"
    html = page.read_bytes().decode("gb18030")
    paragraph = "强化大平台支撑"
    huge = "萧山加快发展数字经济，打造创新生态最优区。" * 20_000  # 400,000 characters
    page.write_bytes(html.replace(paragraph, huge, 1).encode("gb18030"))
    url = "http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml"

    done = crawl(tidewatch_env(replica_server, tmp_path), "xsnet", "--url", url)
    _assert_too_large(done, tmp_path)


def _env(server: HostileServer, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    return env | {
        "TIDEWATCH_HOST_MAP": server.host_map("www.xsnet.cn"),
        "TIDEWATCH_DATA_DIR": str(data),
        "TIDEWATCH_DOWNLOAD_DELAY": "0",
    }


def _assert_too_large(done: dict[str, Any], data: Path) -> None:
    assert done["summary"]["errors"].get("too_large") == 1, done["stderr"][-3000:]
    assert done["summary"]["new"] == 0
    assert done["rss"] < RSS_BOUND_MIB * 1024, f"peak RSS {done['rss'] // 1024} MiB"
    assert not (data / "tidewatch.sqlite3").exists() or count(data) == 0


def test_gzip_bomb_fixture_really_inflates() -> None:
    bomb = _gzip_bomb(8)
    assert len(gzip.decompress(bomb)) > 8 * 1024 * 1024 > 100 * len(bomb)
