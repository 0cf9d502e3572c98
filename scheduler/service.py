"""`tidewatch serve`: crawls and digests on their schedules, for days, in one process.

Each crawl runs as its own `tidewatch crawl SOURCE --json` process. A Twisted reactor
cannot be restarted inside one process, and an isolated crawl keeps the service's memory
flat, lets a crashing or hanging crawl be killed without harm, and on SIGTERM can be
asked to stop (Scrapy's graceful shutdown) then killed after ``shutdown_grace`` seconds.
APScheduler's AsyncIOScheduler drives the jobs; blocking work (SMTP) runs in daemon
threads, one digest pass at a time. On SIGTERM everything shares one ``shutdown_grace``: a
digest pass still sending is asked to stop, which aborts its SMTP transaction; one that
still has not stopped when the grace is over is left behind (the process exits without
waiting for it). Either way its matches were never marked sent, so they stay pending and
go out at the next start with the same Message-ID.

The web UI is served by waitress (``web/server.py``) behind ``web/guard.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from alerts.ledger import Ledger
from alerts.mail import DeliveryError, sender_for
from alerts.service import Alerts
from alerts.subscriptions import Frequency
from alerts.unsubscribe import UnsubscribeApp
from crawler.seeds import Schedule, load_sources
from crawler.summary import CrawlSummary
from model.clock import SHANGHAI, iso, now
from scheduler.health import (
    FAILED,
    HEALTHY,
    INTERRUPTED,
    alert_key,
    assess,
    backoff_seconds,
)
from scheduler.runs import RunLog
from scheduler.schedules import effective_schedule
from store import open_store
from tidewatch import logs
from tidewatch.config import Config, ConfigError
from web.app import Dashboard, check_exposure
from web.guard import Guard
from web.server import WebServer, listen

log = logging.getLogger("tidewatch.serve")
TIDY_STEP = 1.0  # seconds of store upkeep between two looks at whether a crawl started
MISFIRE_GRACE = 15 * 60  # a job late by less than this (a busy or restarted service) still runs


def crawl_trigger(schedule: Schedule) -> BaseTrigger:
    if schedule.cron:
        trigger = CronTrigger.from_crontab(schedule.cron, timezone=SHANGHAI)
        trigger.jitter = schedule.jitter_seconds or None
        return trigger
    return IntervalTrigger(
        seconds=schedule.interval_minutes * 60,
        timezone=SHANGHAI,
        jitter=schedule.jitter_seconds or None,
    )


def digest_trigger(frequency: Frequency) -> BaseTrigger | None:
    """When digests of a frequency fall due; immediate ones go out after every crawl."""
    if frequency.kind == "hourly":
        return CronTrigger(minute=0, timezone=SHANGHAI)
    if frequency.kind == "daily":
        return CronTrigger(hour=frequency.at.hour, minute=frequency.at.minute, timezone=SHANGHAI)
    if frequency.kind == "weekly":
        return CronTrigger(
            day_of_week=frequency.weekday,
            hour=frequency.at.hour,
            minute=frequency.at.minute,
            timezone=SHANGHAI,
        )
    return None


class Service:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.sources = load_sources(config.seeds_dir)
        self.schedules = {
            name: schedule
            for name, source in self.sources.items()
            if (schedule := effective_schedule(source, config)) is not None
        }
        self.runs = RunLog(config.data_dir / "runs.sqlite3")
        self.store = open_store(config)
        self.alerts = Alerts(config, self.store)
        self.scheduler = AsyncIOScheduler(
            timezone=SHANGHAI,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE,
            },
        )
        self.crawls: dict[str, asyncio.subprocess.Process] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.digest_lock = asyncio.Lock()
        self.digest_queued: asyncio.Task[None] | None = None  # one pass waiting, at most
        self.tidying: asyncio.Task[None] | None = None
        self.background: set[asyncio.Task[None]] = set()
        self.digest_stop = threading.Event()  # asks a digest pass in progress to give up
        self.stopping = asyncio.Event()
        self.alerted: dict[str, str] = {}  # source → the problem the operator was last told of
        self.web: WebServer | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def run(self) -> None:
        self._serve_web()  # first: a port in use stops the service before anything runs
        interrupted = self.runs.interrupt_unfinished("the service stopped during the crawl")
        if interrupted:
            log.warning("%d crawl run(s) were interrupted by the last shutdown", interrupted)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        self._add_jobs()
        self.scheduler.start()
        self._remember_next_runs()
        log.info(
            "serving %s; digests for %d subscribers",
            ", ".join(self.schedules),
            len(self.alerts.subscribers),
        )
        # digests that fell due while the service was down: once, now, without delaying a stop
        catch_up = asyncio.create_task(self._digests())
        await self.stopping.wait()
        await self.shutdown()
        del catch_up  # held until here: a task nobody references may be collected

    def _add_jobs(self) -> None:
        start = now()
        for offset, (name, schedule) in enumerate(self.schedules.items()):
            self.scheduler.add_job(
                self._crawl,
                crawl_trigger(schedule),
                args=[name],
                id=f"crawl:{name}",
                name=f"crawl {name}",
                next_run_time=start + timedelta(seconds=offset),
                replace_existing=True,
            )
        kinds = {s.schedule for s in self.alerts.subscribers}
        for frequency in kinds:
            if (trigger := digest_trigger(frequency)) is not None:
                job_id = f"digest:{frequency.kind}:{frequency.at}:{frequency.weekday}"
                self.scheduler.add_job(
                    self._digests, trigger, id=job_id, name=f"digests {frequency.kind}"
                )

    async def shutdown(self) -> None:
        log.info("stopping: %d crawl(s) running", len(self.crawls))
        loop = asyncio.get_running_loop()
        grace = self.config.shutdown_grace
        deadline = loop.time() + grace
        self.digest_stop.set()
        # Pause, not shut down, until the crawls have ended: shutting APScheduler's asyncio
        # executor down cancels running jobs, and a cancelled crawl could not record its run.
        self.scheduler.pause()
        for process in list(self.crawls.values()):
            with contextlib.suppress(ProcessLookupError):
                process.terminate()  # Scrapy stops gracefully on SIGTERM
        if self.tasks:
            _, late = await asyncio.wait(self.tasks, timeout=grace)
            for process in list(self.crawls.values()):
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            if late:
                await asyncio.wait(late, timeout=5)
        digests_done = await self._digests_finished(max(0.0, deadline - loop.time()))
        self.scheduler.shutdown(wait=False)
        if self.web:
            self.web.close()
        if digests_done:  # else the pass left behind still holds them: the exit closes them
            self.alerts.close()
            self.store.close()
        else:
            log.warning(
                "a digest pass was still sending after %.0f s: left behind; its matches are "
                "not marked sent and go out at the next start",
                grace,
            )
        self.runs.close()
        log.info("stopped")

    async def _digests_finished(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for a digest pass in progress to finish and be marked."""
        try:
            await asyncio.wait_for(self.digest_lock.acquire(), timeout)
        except TimeoutError:
            return False
        self.digest_lock.release()
        return True

    # -- jobs -------------------------------------------------------------------------------

    async def _crawl(self, source: str) -> None:
        task = asyncio.current_task()
        self.tasks.add(task)
        try:
            await self._crawl_once(source)
        finally:
            self.tasks.discard(task)

    async def _crawl_once(self, source: str) -> None:
        if self.stopping.is_set():
            return
        run_id = self.runs.start(source)
        log_path = self.config.data_dir / "logs" / f"{source}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as crawl_log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tidewatch",
                "crawl",
                source,
                "--json",
                stdout=asyncio.subprocess.PIPE,
                stderr=crawl_log,
                preexec_fn=_die_with_parent,
            )
            self.crawls[source] = process
            try:
                output, _ = await process.communicate()
            except asyncio.CancelledError:  # only if something cancels it regardless
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                self.runs.finish(run_id, None, INTERRUPTED, "the crawl was cancelled")
                raise
            finally:
                self.crawls.pop(source, None)
        summary = _summary(source, output)
        if self.stopping.is_set():
            outcome, reason = INTERRUPTED, "the service was stopping"
        else:
            outcome, reason = assess(summary, process.returncode)
        self.runs.finish(run_id, summary, outcome, reason)
        previous_failures = self.runs.failures(source)
        failures = self.runs.record_failures(source, failed=outcome == FAILED)
        parsed = bool(summary and summary.new + summary.updated)
        self._after_run(source, outcome, reason, failures, previous_failures, parsed)
        if outcome != FAILED and not self.stopping.is_set():
            self._queue_digests()
        self._tidy_when_idle()

    def _after_run(
        self,
        source: str,
        outcome: str,
        reason: str,
        failures: int,
        previous_failures: int,
        parsed: bool = True,
    ) -> None:
        level = logging.INFO if outcome in (HEALTHY, INTERRUPTED) else logging.ERROR
        log.log(level, "%s: %s (%s)", source, outcome, reason)
        job = self.scheduler.get_job(f"crawl:{source}")
        if failures and job:  # back off: a failing site is asked less often until it recovers
            schedule = self.schedules[source]
            interval = (schedule.interval_minutes or 60) * 60
            delay = backoff_seconds(interval, failures, self.config.backoff_max_minutes * 60)
            job.modify(next_run_time=now() + timedelta(seconds=delay))
            log.error("%s failed %d time(s) in a row: next try in %.0f s", source, failures, delay)
        if outcome not in (HEALTHY, INTERRUPTED):
            key = alert_key(outcome, reason)  # one mail per problem, not one per run
            if self.alerted.get(source) != key:
                self.alerted[source] = key
                threading.Thread(  # SMTP may hang: never on the event loop
                    target=self._tell_operator, args=(source, outcome, reason), daemon=True
                ).start()
        elif parsed:  # a healthy run that really read pages (not only 304s) clears the alert
            self.alerted.pop(source, None)
        if outcome == HEALTHY and previous_failures:
            log.warning("%s recovered after %d failed run(s)", source, previous_failures)
        self._remember_next_runs()

    def _queue_digests(self) -> None:
        """A digest pass after a crawl, in a task of its own: a crawl job that waited for a
        long pass would hold up the source's next crawl (``max_instances = 1``)."""
        if self.digest_queued is None or self.digest_queued.done():
            self.digest_queued = self._held(self._queued_digests())

    def _tidy_when_idle(self) -> None:
        """The store's upkeep (merging its index) once no crawl runs, in a thread of its own,
        one at a time; a crawl that starts stops it at the next step."""
        if self.crawls or self.stopping.is_set() or (self.tidying and not self.tidying.done()):
            return
        self.tidying = self._held(_in_daemon_thread(self._tidy, "tidy"))

    def _held(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task for ``work``, held until it ends: the loop keeps only weak references."""
        task = asyncio.create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    def _tidy(self) -> None:
        try:
            while not self.crawls and not self.stopping.is_set():
                if self.store.tidy(TIDY_STEP):
                    return
        except Exception:  # the upkeep only makes reads faster: nothing waits for it
            log.exception("store upkeep failed; it is tried again after the next crawl")

    async def _queued_digests(self) -> None:
        async with self.digest_lock:
            self.digest_queued = None  # from here, the next crawl queues another pass
            if not self.stopping.is_set():
                await _in_daemon_thread(self._digest_pass, "digest")

    async def _digests(self) -> None:
        async with self.digest_lock:
            if self.stopping.is_set():
                return
            await _in_daemon_thread(self._digest_pass, "digest")

    def _digest_pass(self) -> None:
        try:
            matched = self.alerts.match_new_articles()
            reports = self.alerts.send_due(stop=self.digest_stop)
        except Exception:
            log.exception("digest pass failed; matches stay pending")
            return
        for report in reports:
            level = logging.ERROR if report.status == "failed" else logging.INFO
            log.log(level, "digest to %s: %s %s", report.subscriber, report.status, report.detail)
        if matched:
            log.info("%d new matches", matched)

    # -- helpers ----------------------------------------------------------------------------

    def _remember_next_runs(self) -> None:
        for name in self.schedules:
            job = self.scheduler.get_job(f"crawl:{name}")
            self.runs.set_next_run(
                name, iso(job.next_run_time) if job and job.next_run_time else None
            )

    def _tell_operator(self, source: str, outcome: str, reason: str) -> None:
        if not self.config.operator_email:
            return
        message = EmailMessage()
        state = "failing" if outcome == FAILED else outcome
        message["Subject"] = f"【Tidewatch】{source} is {state}: {reason}"
        message["From"] = self.config.mail_from
        message["To"] = self.config.operator_email
        message["X-Tidewatch-Digest"] = f"operator-{source}-{int(now().timestamp())}"
        message.set_content(
            f"Source {source} is {state} since {iso(now())}.\n\n{reason}\n\n"
            f"Crawl log: {self.config.data_dir / 'logs' / f'{source}.log'}\n"
            "Run `tidewatch status` for details.\n"
        )
        try:
            sender_for(self.config).send(message)
        except DeliveryError as e:
            log.error("could not tell the operator about %s: %s", source, e)

    def _serve_web(self) -> None:
        """The dashboard and the unsubscribe endpoint, behind the guard, on waitress."""
        ledger = Ledger(self.config.ledger_path)
        app = Dashboard(
            self.config,
            self.store,
            RunLog(self.config.data_dir / "runs.sqlite3"),
            ledger,
            UnsubscribeApp(ledger, self.alerts.secret),
            scheduler_running=lambda: self.scheduler.running and not self.stopping.is_set(),
        )
        self.web = listen(Guard(app, self.config), self.config)
        limits = self.web.limits
        log.info(
            "web UI on http://%s:%d/ (%d threads, %d connections, %.0f s idle, %.0f s request)",
            self.web.host,
            self.web.port,
            limits.threads,
            limits.connection_limit,
            limits.idle_timeout,
            limits.request_timeout,
        )


async def _in_daemon_thread(work: Callable[[], None], name: str) -> None:
    """Run ``work`` in a daemon thread and wait for it. Unlike ``asyncio.to_thread``, a
    thread stuck in a socket does not hold up the process's exit."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def target() -> None:
        try:
            work()
        finally:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
                loop.call_soon_threadsafe(lambda: done.done() or done.set_result(None))

    threading.Thread(target=target, name=name, daemon=True).start()
    await asyncio.shield(done)


def _summary(source: str, output: bytes) -> CrawlSummary | None:
    try:
        data = json.loads(output.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    data.pop("error_count", None)
    return CrawlSummary(**{**data, "source": source})


def _die_with_parent() -> None:
    """A crawl must not outlive a killed service (Linux: PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def serve(config: Config) -> int:
    logs.configure(config.log_level)
    check_exposure(config)
    with _only_service(config):
        service = Service(config)
        asyncio.run(service.run())
    return 0


@contextlib.contextmanager
def _only_service(config: Config) -> Iterator[None]:
    """One service per data directory, or crawls of a source would overlap."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    path = config.data_dir / "serve.lock"
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise ConfigError(
                f"another `tidewatch serve` (pid {lock.read().strip() or '?'}) uses "
                f"{config.data_dir}"
            ) from None
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        yield
