"""Run two crawls on a nearly full disk, inside a private mount namespace.

Usage (as root): ``unshare -m --propagation private python full_disk.py MOUNT FREE RESULT
SOURCE``. It mounts a tmpfs at MOUNT, creates the store there (``TIDEWATCH_DATA_DIR`` must
point inside MOUNT), fills the disk until only FREE bytes are left, crawls SOURCE, frees the
disk, counts what was stored, crawls again and counts again. RESULT gets the figures as JSON;
the tmpfs goes away with the namespace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from store.sqlite import SqliteStore

TMPFS_SIZE = "4m"


def crawl(source: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tidewatch", "crawl", source, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-5000:]}


def stored(data: Path) -> int:
    store = SqliteStore(data / "tidewatch.sqlite3")
    try:
        return store.count()
    finally:
        store.close()


def fill(mount: Path, free: int) -> Path:
    filler = mount / "filler"
    written = 0
    with filler.open("wb") as file:
        try:
            while True:
                file.write(b"\0" * 65536)
                file.flush()
                written += 65536
        except OSError:
            pass
    os.truncate(filler, max(0, os.path.getsize(filler) - free))
    return filler


def main(mount: Path, free: int, result: Path, source: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", mount], check=True)
    data = Path(os.environ["TIDEWATCH_DATA_DIR"])
    data.mkdir(parents=True)
    SqliteStore(data / "tidewatch.sqlite3").close()
    filler = fill(mount, free)
    first = crawl(source)
    filler.unlink()
    after_first = stored(data)
    second = crawl(source)
    result.write_text(
        json.dumps(
            {"first": first, "after_first": after_first, "second": second, "after": stored(data)}
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
