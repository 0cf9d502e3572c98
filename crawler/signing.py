"""The zjol/潮新闻 app API request signature (shared/research/sources.md §2.4).

The salt is a constant inside the app; Tidewatch reads it from the environment and never
stores it, so the repository and the logs stay free of it.
"""

from __future__ import annotations

import hashlib


def zjol_signature(path: str, session_id: str, request_id: str, timestamp: str, salt: str) -> str:
    raw = "&&".join([path, session_id, request_id, timestamp, salt])
    return hashlib.sha256(raw.encode()).hexdigest()
