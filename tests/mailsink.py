"""Alert test helpers: an SMTP sink for aiosmtpd, and a store filled from the replica."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from support import crawl_offline, make_spider

from store.sqlite import SqliteStore
from tidewatch.config import Config

FIXTURES = Path(__file__).parent / "fixtures" / "subscribers"
ENTRY_POINTS = {
    "xsnet": ["http://www.xsnet.cn/news/szjj/"],
    "xsrb": ["https://xsrb.xsnet.cn/html/2026-03/18/node_1.htm"],
    "tidenews": [
        "https://app-api.zjol.com.cn/api/article/channel_list?channel_id=5d8b4d25cf8dfd0001a4143c"
    ],
}
SMTP_USER, SMTP_PASSWORD = "tidewatch", "s3cret-pässword"
UNSUBSCRIBE_SECRET = "test-unsubscribe-secret-of-32-bytes-or-more"
BACKFILL_ALL = 36500  # days: the replica's articles are months or years old


@dataclass
class MailSink:
    """What the SMTP server received, and how it should treat the next deliveries."""

    refuse_next: int = 0  # answer 451 to this many DATA commands first
    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each message as it came off the wire
    recipients: list[list[str]] = field(default_factory=list)
    refused: int = 0
    refuse_recipients: set[str] = field(default_factory=set)  # answered 550 at RCPT TO
    delay: float = 0.0  # seconds before answering DATA: lets concurrent senders overlap
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: list
    ) -> str:
        if address.lower() in self.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refused += 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 2.0.0 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = (auth_data.login.decode(), auth_data.password.decode())
            self.logins.append(login)
            # handled=False: let the server answer 535 itself (True means "I replied already")
            return AuthResult(success=login == (SMTP_USER, SMTP_PASSWORD), handled=False)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_sink() -> Iterator[tuple[MailSink, int]]:
    """A plain SMTP server on loopback that requires AUTH (allowed without TLS there)."""
    sink, port = MailSink(), free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=sink.authenticate,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def fill_store(config: Config, sources: tuple[str, ...] = tuple(ENTRY_POINTS)) -> SqliteStore:
    """The store of ``config`` with the replica's articles of ``sources``."""
    store = SqliteStore(config.store_path)
    for source in sources:
        for article in crawl_offline(make_spider(source), ENTRY_POINTS[source]).values():
            store.upsert(article)
    return store
