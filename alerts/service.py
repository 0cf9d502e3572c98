"""Alerting, start to finish: change feed → matches → due digests → email → ledger.

Each subscriber is one unit of work: claimed in the ledger (so a second sender skips it),
built, rendered, sent, marked. A failure in one — a digest that cannot be built, a refusal,
a deadline — is recorded with its error and the time of the next retry (backing off), and
the others go on. ``abort()`` (or the ``stop`` event given to ``send_due``) stops the pass:
an SMTP transaction in progress is torn down within a fraction of a second, and everything
not accepted by the server stays pending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from alerts.digest import Digest, build_digest
from alerts.ledger import Ledger, PendingMatch, Profile, claimant
from alerts.mail import (
    Aborted,
    DeliveryError,
    Sender,
    compose,
    mail_domain,
    sender_for,
    setup_warnings,
)
from alerts.matcher import Matcher, gram_frequencies
from alerts.render import RenderedDigest, render
from alerts.subscriptions import Subscriber, load_subscribers
from alerts.unsubscribe import load_secret, preferences_url, unsubscribe_url
from crawler.seeds import load_sources
from model.clock import iso, now
from store.base import ArticleStore
from tidewatch.config import Config

log = logging.getLogger(__name__)

MANY_RULES = 200  # beyond this, each rule waits for its rarest term, estimated from the store
FREQUENCY_SAMPLE = 500  # stored articles that estimate how rare each term is
FEED_PAGE = 500
CLAIM_TTL = timedelta(minutes=15)  # a claim older than this belongs to a sender that died
RETRY_FIRST = timedelta(minutes=1)  # after a failure; doubling up to RETRY_MAX
RETRY_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class DigestReport:
    subscriber: str
    digest_id: str
    subject: str
    articles: int
    status: str  # sent | failed | deferred (failed before, retry later) | aborted | dry-run
    detail: str = ""
    rendered: RenderedDigest | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "deferred")


def retry_delay(failures: int) -> timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failure in a row, at most RETRY_MAX."""
    return min(RETRY_FIRST * 2 ** max(0, min(failures - 1, 20)), RETRY_MAX)


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
        self.matcher = Matcher(self.subscribers, frequencies=self._frequencies())
        self.ledger = Ledger(config.ledger_path)
        self.sender = sender or sender_for(config)
        self.secret = load_secret(config)
        self.stop = threading.Event()
        self.owner = claimant()
        self.warnings = setup_warnings(config)  # also on the status page
        for warning in self.warnings:
            log.error("mail set-up: %s", warning)
        self.ledger.save_profiles(
            {
                s.email: Profile(s.name, s.frequency, [(r, s.label(r)) for r in s.rules])
                for s in self.subscribers
            }
        )

    def _frequencies(self) -> dict[str, float] | None:
        """How often each character and bigram occurs in stored news, so a large rule set
        is evaluated only where its rarest term appears (small ones need no estimate)."""
        if sum(len(s.rules) for s in self.subscribers) <= MANY_RULES:
            return None
        sample = islice(self.store.articles(), FREQUENCY_SAMPLE)
        return gram_frequencies(f"{a.title}\n{a.body}" for a in sample) or None

    def close(self) -> None:
        self.ledger.close()

    def abort(self) -> None:
        """Stop sending, from any thread: the SMTP transaction in progress is cut within
        0.1 s, no further digest starts, and what was not accepted stays pending. One-way."""
        self.stop.set()

    def match_new_articles(self) -> int:
        """Read the store's change feed past the ledger's cursor; return new pending matches."""
        pending, cursor = 0, self.ledger.cursor()
        while changes := self.store.changes(after=cursor, limit=FEED_PAGE):
            results = [(change, self.matcher.match(change.article)) for change in changes]
            cursor = changes[-1].seq
            pending += self.ledger.record(results, cursor)
        return pending

    def send_due(
        self,
        only: str | None = None,
        dry_run: bool = False,
        stop: threading.Event | None = None,
    ) -> list[DigestReport]:
        """Send every due digest (or just ``only``'s pending matches, due or not). Setting
        ``stop`` (or calling ``abort``) ends the pass early; see ``abort``."""
        stop = stop or self.stop
        moment = self.clock()
        reports = [] if dry_run else self._resume_interrupted(stop)
        for subscriber in self.subscribers:
            if stop.is_set():
                break
            if only and subscriber.email != only:
                continue
            if dry_run:
                report = self._one(subscriber, moment, only, True, stop)
            elif self.ledger.claim(subscriber.email, self.owner, moment, CLAIM_TTL):
                try:
                    report = self._one(subscriber, moment, only, False, stop)
                finally:
                    self.ledger.release(subscriber.email, self.owner)
            else:
                log.info("digest to %s: another sender is on it", subscriber.email)
                continue
            if report:
                reports.append(report)
        return reports

    def _one(
        self,
        listed: Subscriber,
        moment: datetime,
        only: str | None,
        dry_run: bool,
        stop: threading.Event,
    ) -> DigestReport | None:
        email = listed.email
        if self.ledger.is_unsubscribed(email):
            return None
        subscriber, paused = self._effective(listed)
        failure = self.ledger.failure(email)
        if not (only or dry_run) and failure.next_retry and failure.next_retry > iso(moment):
            detail = f"retry after {failure.next_retry}; last error: {failure.last_error}"
            return DigestReport(email, "", "", 0, "deferred", detail)
        slot = iso(subscriber.schedule.latest_slot(moment))
        last = self.ledger.last_slot(email)
        scheduled = subscriber.schedule.kind != "immediate"
        if not only and scheduled and last is not None and last >= slot:
            return None  # not due yet
        try:
            matches = self._sendable(subscriber, paused, moment, dry_run)
            digest = build_digest(subscriber, matches, self.store, slot) if matches else None
            if digest is None:
                if not dry_run:
                    self.ledger.skip_slot(email, slot)  # nothing to send: wait
                return None
            rendered = self._render(digest)
        except Exception as e:  # one digest that cannot be built must not stop the others
            log.exception("digest to %s could not be built", email)
            return self._failed(email, "", f"could not build the digest: {_error(e)}", moment)
        if dry_run:
            return DigestReport(
                email, digest.id, rendered.subject, len(digest.items), "dry-run", rendered=rendered
            )
        return self._deliver(digest, rendered, moment, stop)

    def _effective(self, subscriber: Subscriber) -> tuple[Subscriber, bool]:
        """The subscriber with the preferences set from the mail applied; paused or not."""
        prefs = self.ledger.preferences(subscriber.email)
        changes: dict[str, object] = {}
        if prefs.frequency:
            changes["frequency"] = prefs.frequency
        if rules := [r for r in subscriber.rules if r not in prefs.dropped]:
            changes["rules"] = rules
        return subscriber.model_copy(update=changes), prefs.paused

    def _sendable(
        self, subscriber: Subscriber, paused: bool, moment: datetime, dry_run: bool
    ) -> list[PendingMatch]:
        """Pending matches of rules the subscriber still has, within the backfill window for
        a first digest; the others (and everything while paused) are dropped."""
        matches = self.ledger.pending(subscriber.email)
        keep = [m for m in matches if m.rule in subscriber.rules and not paused]
        if keep and not self.ledger.has_received(subscriber.email):
            since = iso(moment - timedelta(days=self.config.backfill_days))
            keep = [m for m in keep if self._published(m.article_id) >= since]
        if not dry_run and (gone := {m.id for m in matches} - {m.id for m in keep}):
            self.ledger.drop(sorted(gone))
        return keep

    def _published(self, article_id: str) -> str:
        article = self.store.get(article_id)
        return article.published_at if article else ""

    def _render(self, digest: Digest) -> RenderedDigest:
        email = digest.subscriber.email
        return render(
            digest,
            unsubscribe_url(self.config, self.secret, email),
            self.source_titles,
            preferences_url=preferences_url(self.config, self.secret, email),
            public_url=self.config.public_url,
        )

    def _deliver(
        self, digest: Digest, rendered: RenderedDigest, moment: datetime, stop: threading.Event
    ) -> DigestReport:
        email, stories = digest.subscriber.email, len(digest.items)
        link = unsubscribe_url(self.config, self.secret, email)
        self.ledger.begin_digest(digest.id, email, digest.slot, rendered.subject, digest.match_ids)
        try:
            attempts = self.sender.send(compose(digest, rendered, self.config, link), stop=stop)
        except Aborted as e:
            self.ledger.digest_failed(digest.id, str(e), 0)
            log.warning("digest %s to %s aborted: matches stay pending", digest.id, email)
            return DigestReport(email, digest.id, rendered.subject, stories, "aborted", str(e))
        except Exception as e:  # DeliveryError, or anything else: recorded, retried
            self.ledger.digest_failed(digest.id, _error(e), self.config.smtp_attempts)
            log.error("digest %s to %s not delivered: %s", digest.id, email, _error(e))
            report = self._failed(email, digest.id, _error(e), moment)
            return DigestReport(
                email, digest.id, rendered.subject, stories, "failed", report.detail
            )
        self.ledger.digest_sent(digest.id, digest.message_id(mail_domain(self.config)), attempts)
        self.ledger.clear_failures(email)
        return DigestReport(
            email, digest.id, rendered.subject, stories, "sent", f"{attempts} attempt(s)"
        )

    def _failed(self, email: str, digest_id: str, error: str, moment: datetime) -> DigestReport:
        failures = self.ledger.failure(email).failures + 1
        retry = moment + retry_delay(failures)
        self.ledger.record_failure(email, error, retry)
        detail = f"{error} (failure {failures} in a row; next try after {iso(retry)})"
        return DigestReport(email, digest_id, "", 0, "failed", detail)

    def _resume_interrupted(self, stop: threading.Event) -> list[DigestReport]:
        """A crash between handing a digest to SMTP and marking it sent: send it again,
        with the same Message-ID, rather than lose it. A digest another live sender is
        working on is left to it."""
        reports = []
        by_email = {s.email: s for s in self.subscribers}
        moment = self.clock()
        for row in self.ledger.unfinished_digests():
            email = row["subscriber"]
            if stop.is_set() or not self.ledger.claim(email, self.owner, moment, CLAIM_TTL):
                continue
            try:
                if report := self._resume(row["id"], row["slot"], by_email.get(email), stop):
                    reports.append(report)
            finally:
                self.ledger.release(email, self.owner)
        return reports

    def _resume(
        self, digest_id: str, slot: str, subscriber: Subscriber | None, stop: threading.Event
    ) -> DigestReport | None:
        if not any(row["id"] == digest_id for row in self.ledger.unfinished_digests()):
            return None  # finished by its sender before we got the claim
        matches = self.ledger.in_digest(digest_id)
        email = subscriber.email if subscriber else ""
        try:
            digest = build_digest(subscriber, matches, self.store, slot) if subscriber else None
            rendered = self._render(digest) if digest else None
        except Exception as e:
            log.exception("interrupted digest %s could not be rebuilt", digest_id)
            self.ledger.digest_failed(digest_id, _error(e), 0)
            return self._failed(email, digest_id, f"could not rebuild: {_error(e)}", self.clock())
        if digest is None or rendered is None or self.ledger.is_unsubscribed(email):
            self.ledger.digest_failed(digest_id, "subscriber gone or unsubscribed", 0)
            return None
        log.warning("resending interrupted digest %s to %s", digest.id, email)
        return self._deliver(digest, rendered, self.clock(), stop)


def _error(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if isinstance(error, DeliveryError) else f"{type(error).__name__}: {text}"
