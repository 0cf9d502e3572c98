"""Delivery: real SMTP (STARTTLS, implicit TLS or plain; login from the environment), or,
with no SMTP configured, ``.eml`` files in an outbox folder so the main job works anywhere."""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Protocol

from alerts.digest import Digest
from alerts.render import RenderedDigest
from model.clock import now
from tidewatch.config import Config

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message was not accepted; its matches stay pending."""


class Sender(Protocol):
    def send(self, message: EmailMessage) -> int:
        """Deliver; return the number of attempts it took, or raise DeliveryError."""
        ...


def compose(
    digest: Digest, rendered: RenderedDigest, config: Config, unsubscribe_url: str
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = config.mail_from
    message["To"] = formataddr((digest.subscriber.name, digest.subscriber.email))
    message["Date"] = format_datetime(now())
    message["Message-ID"] = digest.message_id  # the same digest resent keeps its id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message["X-Tidewatch-Digest"] = digest.id
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


class Outbox:
    """Writes each message to ``<folder>/<digest id>.eml`` (atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message['X-Tidewatch-Digest']}.eml"
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(bytes(message))
        os.replace(partial, target)
        log.info("digest written to %s", target)
        return 1


class SmtpSender:
    """smtplib with retries: a refused or dropped connection is tried again with backoff."""

    def __init__(self, config: Config, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.sleep = sleep

    def send(self, message: EmailMessage) -> int:
        attempts = self.config.smtp_attempts
        for attempt in range(1, attempts + 1):
            try:
                self._deliver(message)
                return attempt
            except (smtplib.SMTPException, OSError) as e:
                permanent = isinstance(e, smtplib.SMTPResponseException) and e.smtp_code >= 500
                log.warning(
                    "SMTP %s:%s attempt %d/%d failed: %s",
                    self.config.smtp_host,
                    self.config.smtp_port_or_default,
                    attempt,
                    attempts,
                    _describe(e),
                )
                if permanent or attempt == attempts:
                    raise DeliveryError(_describe(e)) from e
                self.sleep(self.config.smtp_backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _deliver(self, message: EmailMessage) -> None:
        c = self.config
        context = ssl.create_default_context(cafile=c.smtp_ca_file)
        port, timeout = c.smtp_port_or_default, c.smtp_timeout
        if c.smtp_security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c.smtp_host, port, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(c.smtp_host, port, timeout=timeout)
        with smtp:
            if c.smtp_security == "starttls":
                smtp.starttls(context=context)
            if c.smtp_user:
                password = c.smtp_password.get_secret_value() if c.smtp_password else ""
                _login(smtp, c.smtp_user, password)
            refused = smtp.send_message(message)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)


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
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{type(error).__name__}: {error}"
