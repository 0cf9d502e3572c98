"""Delivery: real SMTP (STARTTLS, implicit TLS or plain; login from the environment), or,
with no SMTP configured, ``.eml`` files in an outbox folder so the main job works anywhere.

Each message has one deadline (``smtp_timeout`` seconds, retries included), not a timeout per
read: a watchdog shuts the socket down when it passes, so a server that drip-feeds its
replies cannot hold a send for longer. The same watchdog aborts the transaction when the
``stop`` event given to ``send`` is set (a service shutting down); the message is then not
delivered, and its matches stay pending.

The List-Unsubscribe header is written as plain ASCII on one line: mail clients' parsers
(Gmail's, mailparser, postal-mime) do not decode RFC 2047 words in it.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import os
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from alerts.digest import Digest
from alerts.render import RenderedDigest
from model.clock import now
from tidewatch.config import Config

log = logging.getLogger(__name__)


VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-id"})
LINE_LIMIT = 998  # RFC 5322: the longest a header line may be


class DeliveryError(Exception):
    """The message was not accepted; its matches stay pending."""


class Aborted(DeliveryError):
    """A stop was asked for during the SMTP transaction: nothing was delivered."""


class Sender(Protocol):
    def send(self, message: EmailMessage, stop: threading.Event | None = None) -> int:
        """Deliver; return the number of attempts it took, or raise DeliveryError (Aborted
        when ``stop`` was set before the server accepted the message)."""
        ...


class _MailPolicy(EmailPolicy):
    """The default policy, except that list headers are written as they are: one line of
    ASCII, never folded into RFC 2047 encoded words."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() in VERBATIM:
            return f"{name}: {_verbatim(value)}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in VERBATIM:
            return f"{name}: {_verbatim(value)}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy(**default_policy.__dict__)  # type: ignore[arg-type]


def _verbatim(value: str) -> str:
    value = str(value)
    if not value.isascii() or any(c in value for c in "\r\n\0") or len(value) > LINE_LIMIT - 30:
        raise ValueError(f"a list header must be one short line of ASCII: {value!r}")
    return value


def mail_domain(config: Config) -> str:
    """The domain of the From address (and so of Message-IDs)."""
    return parseaddr(config.mail_from or "")[1].rpartition("@")[2] or "localhost"


def setup_warnings(config: Config) -> list[str]:
    """What is wrong with the mail set-up, for the log and the status page."""
    warnings = []
    host = urlsplit(config.public_url).hostname or ""
    if config.smtp_host and _loopback(host):
        warnings.append(
            f"real SMTP ({config.smtp_host}) is configured but public_url is {config.public_url}: "
            "subscribers' unsubscribe and preferences links will not work; set "
            "TIDEWATCH_PUBLIC_URL to an address they can reach"
        )
    if config.smtp_host and _loopback(mail_domain(config)):
        warnings.append(
            f"mail_from is {config.mail_from}: receiving servers will reject or junk it; set "
            "TIDEWATCH_MAIL_FROM or a public TIDEWATCH_PUBLIC_URL"
        )
    return warnings


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def compose(
    digest: Digest,
    rendered: RenderedDigest,
    config: Config,
    unsubscribe_url: str,
) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    domain = mail_domain(config)
    message["Subject"] = rendered.subject
    message["From"] = config.mail_from
    message["To"] = formataddr((digest.subscriber.name, digest.subscriber.email))
    message["Date"] = format_datetime(now())
    message["Message-ID"] = digest.message_id(domain)  # the same digest resent keeps its id
    message["List-Id"] = f"Tidewatch keyword alerts <alerts.{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message["X-Tidewatch-Digest"] = digest.id
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


class Outbox:
    """Writes each message to ``<folder>/<digest id>.eml`` (atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage, stop: threading.Event | None = None) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message['X-Tidewatch-Digest']}.eml"
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(bytes(message))
        os.replace(partial, target)
        log.info("digest written to %s", target)
        return 1


class SmtpSender:
    """smtplib with retries: a refused or dropped connection is tried again with backoff,
    all within one deadline per message."""

    def __init__(self, config: Config, sleep: Callable[[float], None] | None = None) -> None:
        self.config = config
        self.sleep = sleep

    def send(self, message: EmailMessage, stop: threading.Event | None = None) -> int:
        stop = stop or threading.Event()
        deadline = time.monotonic() + self.config.smtp_timeout
        attempts = self.config.smtp_attempts
        for attempt in range(1, attempts + 1):
            try:
                with _watchdog(deadline, stop) as watch:
                    self._deliver(message, deadline, watch)
                return attempt
            except (smtplib.SMTPException, OSError) as e:
                if stop.is_set():
                    raise Aborted("stopped during the SMTP transaction") from e
                late = time.monotonic() >= deadline
                reason = f"no answer within {self.config.smtp_timeout:g} s" if late else None
                log.warning(
                    "SMTP %s:%s attempt %d/%d failed: %s",
                    self.config.smtp_host,
                    self.config.smtp_port_or_default,
                    attempt,
                    attempts,
                    reason or _describe(e),
                )
                if late or _permanent(e) or attempt == attempts:
                    raise DeliveryError(reason or _describe(e)) from e
                pause = min(
                    self.config.smtp_backoff * 2 ** (attempt - 1), deadline - time.monotonic()
                )
                if self.sleep:
                    self.sleep(pause)
                elif stop.wait(max(0.0, pause)):
                    raise Aborted("stopped while waiting to retry") from e
        raise AssertionError("unreachable")

    def _deliver(self, message: EmailMessage, deadline: float, watch: _Watch) -> None:
        c = self.config
        context = ssl.create_default_context(cafile=c.smtp_ca_file)
        port = c.smtp_port_or_default
        timeout = max(0.1, deadline - time.monotonic())  # connecting, too, is within it
        if c.smtp_security == "tls":
            smtp: smtplib.SMTP = _Smtps(watch, c.smtp_host, port, timeout=timeout, context=context)
        else:
            smtp = _Smtp(watch, c.smtp_host, port, timeout=timeout)
        with smtp:
            if c.smtp_security == "starttls":
                smtp.starttls(context=context)
                watch.watch(smtp.sock)
            if c.smtp_user:
                password = c.smtp_password.get_secret_value() if c.smtp_password else ""
                _login(smtp, c.smtp_user, password)
            refused = smtp.send_message(message)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)


class _Watch:
    """The socket of the transaction in progress, shut down when its time is up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.fired = False

    def watch(self, sock: socket.socket | None) -> None:
        with self.lock:
            self.sock = sock
            if self.fired:
                self._kill()

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            self._kill()

    def _kill(self) -> None:
        if self.sock is not None:
            with suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read at once


@contextmanager
def _watchdog(deadline: float, stop: threading.Event) -> Iterator[_Watch]:
    watch, done = _Watch(), threading.Event()

    def guard() -> None:
        while not done.is_set():
            remaining = deadline - time.monotonic()
            if stop.is_set() or remaining <= 0:
                watch.fire()
                return
            stop.wait(min(remaining, 0.1))  # a stop is noticed within 0.1 s

    thread = threading.Thread(target=guard, name="smtp-deadline", daemon=True)
    thread.start()
    try:
        yield watch
    finally:
        done.set()
        thread.join()


class _Watched:
    """An SMTP client whose socket the watch can shut down (deadline, stop)."""

    def __init__(self, watch: _Watch, *args: object, **kwargs: object) -> None:
        self._watch = watch
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self._watch.watch(sock)
        return sock


class _Smtp(_Watched, smtplib.SMTP):
    pass


class _Smtps(_Watched, smtplib.SMTP_SSL):
    pass


def _permanent(error: BaseException) -> bool:
    """5xx answers, and every recipient refused with a 5xx, are not worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(c >= 500 for c, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib sends credentials as ASCII only; RFC 4616 PLAIN carries UTF-8."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def sender_for(config: Config) -> Sender:
    return SmtpSender(config) if config.smtp_host else Outbox(config.outbox_dir)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt} refused: {code} {answer.decode(errors='replace')}"
            for rcpt, (code, answer) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{type(error).__name__}: {error}"
