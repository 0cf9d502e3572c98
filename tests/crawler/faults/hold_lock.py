"""Hold a SQLite store's write lock from a second process: ``hold_lock.py FILE SECONDS``.

Prints ``locked`` once the lock is held, then keeps it for SECONDS and lets go.
"""

from __future__ import annotations

import sqlite3
import sys
import time

db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
