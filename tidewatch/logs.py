"""The service's logging: times in Asia/Shanghai with their zone, credentials never written.

Every record passes through ``Redact`` on the handler, so the rule holds for Tidewatch's own
loggers and for every library's (the web server's, APScheduler's) alike: query values of
``token``, ``secret``, ``password``, ``key`` (and names ending so, like ``api_key``) and the
value of an ``Authorization`` header or a ``Bearer`` credential are replaced by ``[redacted]``,
in the message and in a traceback.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from model.clock import SHANGHAI

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUERY_CREDENTIAL = re.compile(
    r"(?i)((?:^|[?&;\s\"'])[\w.-]*(?:token|secret|password|passwd|key)=)[^&;\s\"'#]*"
)
_HEADER_CREDENTIAL = re.compile(r"(?i)\b(authorization\s*[:=]\s*)[^\r\n,;\"']*")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    text = _QUERY_CREDENTIAL.sub(rf"\1{REDACTED}", text)
    text = _HEADER_CREDENTIAL.sub(rf"\1{REDACTED}", text)
    return _BEARER.sub(rf"\1 {REDACTED}", text)


class Redact(logging.Filter):
    """Rewrites a record's message (and traceback) with credentials replaced."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ShanghaiFormatter(logging.Formatter):
    """``2026-03-18T09:30:05.123+08:00``: the zone is part of every time written."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, SHANGHAI)
        return moment.isoformat(timespec="milliseconds")


def configure(level: str) -> None:
    """Log to stderr at ``level`` through the redacting, zone-stamping handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(ShanghaiFormatter(FORMAT))
    handler.addFilter(Redact())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
