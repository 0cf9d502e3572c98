"""Alerting, start to finish: change feed → matches → due digests → email → ledger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from alerts.digest import Digest, build_digest
from alerts.ledger import Ledger, PendingMatch
from alerts.mail import DeliveryError, Sender, compose, sender_for
from alerts.matcher import Matcher
from alerts.render import RenderedDigest, render
from alerts.subscriptions import Subscriber, load_subscribers
from alerts.unsubscribe import load_secret, unsubscribe_url
from crawler.seeds import load_sources
from model.clock import iso, now
from store.base import ArticleStore
from tidewatch.config import Config

log = logging.getLogger(__name__)
FEED_PAGE = 500


@dataclass(frozen=True)
class DigestReport:
    subscriber: str
    digest_id: str
    subject: str
    articles: int
    status: str  # sent | failed | dry-run
    detail: str = ""
    rendered: RenderedDigest | None = None


class Alerts:
    def __init__(
        self,
        config: Config,
        store: ArticleStore,
        sender: Sender | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        sources = load_sources(config.seeds_dir)
        self.config, self.store, self.clock = config, store, clock
        self.source_titles = {name: s.title for name, s in sources.items()}
        self.subscribers = load_subscribers(config.subscribers_file, set(sources))
        self.matcher = Matcher(self.subscribers)
        self.ledger = Ledger(config.ledger_path)
        self.sender = sender or sender_for(config)
        self.secret = load_secret(config)

    def close(self) -> None:
        self.ledger.close()

    def match_new_articles(self) -> int:
        """Read the store's change feed past the ledger's cursor; return new pending matches."""
        pending, cursor = 0, self.ledger.cursor()
        while changes := self.store.changes(after=cursor, limit=FEED_PAGE):
            results = [(change, self.matcher.match(change.article)) for change in changes]
            cursor = changes[-1].seq
            pending += self.ledger.record(results, cursor)
        return pending

    def send_due(self, only: str | None = None, dry_run: bool = False) -> list[DigestReport]:
        """Send every due digest (or just ``only``'s pending matches, due or not)."""
        reports = [] if dry_run else self._resume_interrupted()
        moment = self.clock()
        for subscriber in self.subscribers:
            if (only and subscriber.email != only) or self.ledger.is_unsubscribed(subscriber.email):
                continue
            slot = iso(subscriber.schedule.latest_slot(moment))
            last = self.ledger.last_slot(subscriber.email)
            scheduled = subscriber.schedule.kind != "immediate"
            if not only and scheduled and last is not None and last >= slot:
                continue  # not due yet
            matches = self._sendable(subscriber)
            digest = build_digest(subscriber, matches, self.store, slot) if matches else None
            if digest is None:
                if not dry_run:
                    self.ledger.skip_slot(subscriber.email, slot)  # nothing to send: wait
                continue
            reports.append(self._deliver(digest, dry_run))
        return reports

    def _sendable(self, subscriber: Subscriber) -> list[PendingMatch]:
        """Pending matches of rules the subscriber still has; the others are dropped."""
        matches = self.ledger.pending(subscriber.email)
        if orphans := [m.id for m in matches if m.rule not in subscriber.rules]:
            self.ledger.drop(orphans)
        return [m for m in matches if m.rule in subscriber.rules]

    def _deliver(self, digest: Digest, dry_run: bool) -> DigestReport:
        email = digest.subscriber.email
        rendered = render(
            digest, unsubscribe_url(self.config, self.secret, email), self.source_titles
        )
        articles = sum(len(items) for _, items in digest.groups)
        report = DigestReport(
            email, digest.id, rendered.subject, articles, "dry-run", rendered=rendered
        )
        if dry_run:
            return report
        message = compose(
            digest, rendered, self.config, unsubscribe_url(self.config, self.secret, email)
        )
        self.ledger.begin_digest(digest.id, email, digest.slot, rendered.subject, digest.match_ids)
        try:
            attempts = self.sender.send(message)
        except DeliveryError as e:
            self.ledger.digest_failed(digest.id, str(e), self.config.smtp_attempts)
            log.error("digest %s to %s not delivered: %s", digest.id, email, e)
            return DigestReport(email, digest.id, rendered.subject, articles, "failed", str(e))
        self.ledger.digest_sent(digest.id, digest.message_id, attempts)
        return DigestReport(
            email, digest.id, rendered.subject, articles, "sent", f"{attempts} attempt(s)"
        )

    def _resume_interrupted(self) -> list[DigestReport]:
        """A crash between handing a digest to SMTP and marking it sent: send it again,
        with the same Message-ID, rather than lose it."""
        reports = []
        by_email = {s.email: s for s in self.subscribers}
        for row in self.ledger.unfinished_digests():
            matches: list[PendingMatch] = self.ledger.in_digest(row["id"])
            subscriber: Subscriber | None = by_email.get(row["subscriber"])
            digest = (
                build_digest(subscriber, matches, self.store, row["slot"]) if subscriber else None
            )
            if digest is None or self.ledger.is_unsubscribed(row["subscriber"]):
                self.ledger.digest_failed(row["id"], "subscriber gone or unsubscribed", 0)
                continue
            log.warning("resending interrupted digest %s to %s", digest.id, subscriber.email)
            reports.append(self._deliver(digest, dry_run=False))
        return reports
