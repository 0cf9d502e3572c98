"""Text from the web never reaches a terminal raw: `tidewatch search` in a real pseudo-terminal
shows control characters escaped, while its own highlighting still works."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from support import expected_article

from store.sqlite import SqliteStore

HOSTILE_TITLE = "钱塘\x1b[31m红色\x1b[0m新闻\x00结束\x9b2J"


def test_search_escapes_control_characters_on_a_terminal(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    store.upsert(expected_article("www.xsnet.cn", "3025263", title=HOSTILE_TITLE))
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDEWATCH_")}
    env["TIDEWATCH_DATA_DIR"] = str(tmp_path)

    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "tidewatch", "search", "钱塘"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    output = _read_all(leader)
    assert child.wait(timeout=60) == 0, child.stderr.read() if child.stderr else ""

    text = output.decode("utf-8")
    assert "\x1b[1;33m钱塘\x1b[0m" in text  # our own highlight, on a terminal
    assert "\\x1b[31m红色\\x1b[0m新闻\\x00结束\\x9b2J" in text  # theirs, escaped
    assert "\x1b[31m" not in text and "\x00" not in text and "\x9b" not in text


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)
