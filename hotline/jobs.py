"""Background work on RQ: the queues, enqueueing, the worker that runs jobs inside the app.

Queues: `default` (tickets, SLA sweeps, downloads), `transcription` (Vosk, CPU heavy, run by its
own workers), `outbound` (revisit calls and SMS, paced). Jobs are plain functions that run inside
an app context, so they use `hotline.db.session()` and `get_gateway()` like a request does.
Periodic jobs are declared as data with `periodic(...)` in an area's init_app and run by
`hotline scheduler` (RQ's cron scheduler), with deterministic ids so none is enqueued twice.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import redis
from flask import Flask, current_app
from rq import Queue, Retry, SimpleWorker, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from hotline import create_app
from hotline.clock import get_clock
from hotline.logging import quiet_housekeeping
from hotline.parent_death import die_with_parent
from hotline.redis_client import get_redis

log = logging.getLogger(__name__)
QUEUES = ("default", "transcription", "outbound")
# Twilio 429s, a refusing SMTP server, network errors: the same attempt again, backing off to 10 minutes,
# about 14 minutes in all before the job fails and its sweep or failure handler takes over.
NETWORK_RETRY = Retry(max=5, interval=[5, 15, 60, 180, 600])


@dataclass(frozen=True)
class Periodic:
    """A job the scheduler enqueues every `interval` seconds."""

    name: str
    func: Callable[..., Any]
    interval: int
    queue: str = "default"
    kwargs: dict[str, Any] = field(default_factory=dict)


def periodic(app: Flask, name: str, func: Callable[..., Any], interval: int, queue: str = "default") -> None:
    app.extensions.setdefault("hotline.periodic", []).append(Periodic(name, func, interval, queue))


def run_housekeeping(name: str) -> Any:
    """The job the scheduler enqueues for the periodic job `name`: runs it, says so if it did something.

    Housekeeping runs every few seconds and usually finds nothing to do; its lines (and RQ's
    about it, see `hotline.logging.quiet_housekeeping`) are at debug unless its result counts
    something: a number above 0, a non-empty list, a dict with any count above 0.
    """
    job = next(p for p in current_app.extensions.get("hotline.periodic", []) if p.name == name)
    result = job.func(**job.kwargs)
    log.log(logging.INFO if did_something(result) else logging.DEBUG, "%s: %s", name, result)
    return result


def did_something(result: Any) -> bool:
    if isinstance(result, dict):
        return any(did_something(value) for value in result.values())
    if isinstance(result, bool):
        return result
    if isinstance(result, (int, float)):
        return result > 0
    return bool(result)


def get_queue(name: str = "default") -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    return Queue(name, connection=get_redis())


def enqueue(func: Callable[..., Any] | str, *args: Any, queue: str = "default", job_id: str | None = None,
            at: datetime | None = None, retry: Retry | None = None, timeout: int | None = None,
            **kwargs: Any) -> Job:
    """Enqueue `func(*args, **kwargs)`; with `job_id`, a job already waiting under that id is kept."""
    q = get_queue(queue)
    options: dict[str, Any] = {"job_id": job_id, "retry": retry, "job_timeout": timeout,
                               "failure_ttl": 7 * 24 * 3600, "result_ttl": 24 * 3600}
    if job_id:
        existing = q.fetch_job(job_id)
        status = existing.get_status(refresh=True) if existing is not None else None
        if status in LIVE_STATUSES:
            if status == "queued":
                requeue_if_orphaned(existing)
            return existing
    if at is not None:
        return q.enqueue_at(at, func, *args, **options, **kwargs)
    return q.enqueue(func, *args, **options, **kwargs)


@dataclass(frozen=True)
class HorseDeath:
    """How a job's work horse (the forked child running it) died without finishing, as its worker,
    still alive, saw it. A worker that is itself killed sees nothing: its horse dies with it."""

    signal: int | None  # the signal that ended it, or None if it exited
    exit_code: int | None
    stopped: bool = False  # killed by its own worker (the stop grace ran out): the job is re-queued

    @classmethod
    def from_wait_status(cls, status: int | None, stopped: bool = False) -> "HorseDeath":
        if status is not None and os.WIFSIGNALED(status):
            return cls(os.WTERMSIG(status), None, stopped)
        return cls(None, os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None, stopped)

    @property
    def killed_from_outside(self) -> bool:
        """SIGKILL or SIGTERM: the OOM killer, a person, a supervisor, its worker's stop. A crash of the
        job's own code dies of SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, or exits non-zero."""
        return self.stopped or self.signal in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)

    def __str__(self) -> str:
        if self.signal is not None:
            try:
                return f"killed by {signal.Signals(self.signal).name}"
            except ValueError:
                return f"killed by signal {self.signal}"
        return f"exited with status {self.exit_code}"


def on_horse_death(app: Flask, hook: Callable[[Job, HorseDeath], None]) -> None:
    """Register `hook(job, death)`, run (in the app's context, in the worker) when a job's work horse
    died without finishing while its worker lived; e.g. to tell a crashing decoder from a killed one."""
    app.extensions.setdefault("hotline.horse_death", []).append(hook)


# Workers heartbeat every WORKER_TTL - 15 s while idle (and every JOB_MONITORING_INTERVAL while
# busy), so `hotline healthcheck` can tell a live worker from a dead one within a minute.
WORKER_TTL = 30
JOB_MONITORING_INTERVAL = 10
LIVE_WITHIN_SECONDS = 60


class HotlineWorker(Worker):
    """An RQ forking worker whose jobs run inside the hotline app's context.

    The app (and whatever areas preload, like the Vosk model) is built once in the parent; each
    job runs in a forked child, so a crash in native code takes down only that job.

    Stopping (SIGTERM or SIGINT): the running job gets `grace_seconds` to finish; after that its
    work horse is killed and the job goes back to the front of its queue, to run again from the
    start (jobs are idempotent). The work horse dies with the worker even when the worker is
    SIGKILLed, so no decoder outlives it and a retried job never runs twice at once.
    """

    app: Flask | None = None
    grace_seconds: float = 30.0
    _grace_timer: threading.Timer | None = None
    _requeue_job_id: str | None = None

    def setup_work_horse_signals(self):  # type: ignore[override]

        super().setup_work_horse_signals()
        die_with_parent(signal.SIGKILL, parent_pid=self._parent_pid)

    def request_stop(self, signum, frame):  # type: ignore[override]
        job_id = self.get_current_job_id()
        if job_id and self.horse_pid and self._grace_timer is None:
            self.log.info("Worker %s: stopping; job %s may run %.0f s more before it is re-queued",
                          self.name, job_id, self.grace_seconds)
            self._grace_timer = threading.Timer(self.grace_seconds, self._grace_expired, args=(job_id,))
            self._grace_timer.daemon = True
            self._grace_timer.start()
        super().request_stop(signum, frame)

    def _grace_expired(self, job_id: str) -> None:
        if self.horse_pid and self.get_current_job_id() == job_id:
            self._requeue_job_id = job_id
            self.kill_horse(signal.SIGKILL)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):  # type: ignore[override]
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        death = HorseDeath.from_wait_status(ret_val, stopped=job.id == self._requeue_job_id)
        app = self.app or _worker_app()
        for hook in app.extensions.get("hotline.horse_death", []):
            try:
                with app.app_context():
                    hook(job, death)
            except Exception:  # noqa: BLE001 - a hook must not take the worker down with the job
                self.log.exception("Worker %s: horse-death hook for job %s failed", self.name, job.id)

    def handle_job_failure(self, job, queue, started_job_registry=None, exc_string="",  # type: ignore[override]
                           execution=None):
        if job.id != self._requeue_job_id:
            return super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                              exc_string=exc_string, execution=execution)
        self._requeue_job_id = None
        with self.connection.pipeline() as pipeline:
            self.cleanup_execution(job, pipeline=pipeline, execution=execution)
            pipeline.execute()
        queue.enqueue_job(job, at_front=True)
        self.log.warning("Worker %s: job %s (%s) did not finish within %.0f s of the stop request; re-queued",
                         self.name, job.id, job.func_name, self.grace_seconds)

    def teardown(self):  # type: ignore[override]
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        try:
            super().teardown()
        except redis.RedisError as exc:
            # Redis went away (that is usually why the worker is ending): its registration expires by itself.
            self.log.warning("Worker %s: could not unregister: %s", self.name, exc)

    def perform_job(self, job, queue, execution):  # type: ignore[override]
        app = self.app or _worker_app()
        if os.getpid() != getattr(self, "_parent_pid", os.getpid()):
            # A forked child must not reuse the parent's pooled database sockets.
            app.extensions["hotline.db"].engine.dispose(close=False)
        with app.app_context():
            return super().perform_job(job, queue, execution)

    def execute_job(self, job, queue):  # type: ignore[override]
        self._parent_pid = os.getpid()
        return super().execute_job(job, queue)


_app_for_worker: Flask | None = None


def _worker_app() -> Flask:
    global _app_for_worker
    if _app_for_worker is None:
        _app_for_worker = create_app()
    return _app_for_worker


class InProcessHotlineWorker(SimpleWorker):
    """Runs each job in the worker's own process: no fork, no new database connection per job.

    For queues of network-bound jobs with nothing native to isolate (`outbound`), where a fork per
    job would cost more than the job itself. Never for `transcription`.
    """

    app: Flask | None = None

    def perform_job(self, job, queue, execution):  # type: ignore[override]
        with (self.app or _worker_app()).app_context():
            return super().perform_job(job, queue, execution)


def make_worker(app: Flask, queues: tuple[str, ...] = QUEUES, *, in_process: bool = False,
                **kwargs: Any) -> HotlineWorker | InProcessHotlineWorker:
    if in_process and "transcription" in queues:
        raise ValueError("the transcription queue needs the forking worker: a decoder crash must not end it")
    with app.app_context():
        connection = get_redis()
    for hook in app.extensions.get("hotline.worker_preload", []):
        hook(app)

    quiet_housekeeping()
    worker_class = InProcessHotlineWorker if in_process else HotlineWorker
    kwargs.setdefault("worker_ttl", WORKER_TTL)
    kwargs.setdefault("job_monitoring_interval", JOB_MONITORING_INTERVAL)
    worker = worker_class([Queue(q, connection=connection) for q in queues], connection=connection, **kwargs)
    worker.app = app
    worker.grace_seconds = app.config["HOTLINE_SETTINGS"].worker_grace_seconds
    return worker


def live_workers(app: Flask) -> dict[str, list[Worker]]:
    """For each queue, the workers registered with RQ whose last heartbeat is recent."""
    with app.app_context():
        connection = get_redis()
        now = datetime.now(timezone.utc)
        live: dict[str, list[Worker]] = {}
        for name in QUEUES:
            workers = Worker.all(connection=connection, queue=Queue(name, connection=connection))
            live[name] = [w for w in workers if w.last_heartbeat is not None and
                          (now - w.last_heartbeat.replace(tzinfo=w.last_heartbeat.tzinfo or timezone.utc))
                          .total_seconds() < LIVE_WITHIN_SECONDS]
        return live


def enqueue_due_jobs(app: Flask, queues: tuple[str, ...] = QUEUES) -> int:
    """Move scheduled jobs whose time has come on the app's clock into their queues.

    What RQ's scheduler does on the wall clock; tests and simulations that run on a virtual clock
    call this instead. Returns how many jobs were moved.
    """
    moved = 0
    with app.app_context():
        due_by = int(get_clock().now().timestamp())
        for name in queues:
            queue = get_queue(name)
            for job_id in queue.scheduled_job_registry.get_jobs_to_schedule(due_by):
                job = queue.fetch_job(job_id)
                if job is not None:
                    queue.enqueue_job(job)
                    moved += 1
    return moved


def run_burst(app: Flask, queues: tuple[str, ...] = QUEUES, *, in_process: bool = False) -> bool:
    """Run every job waiting in `queues`, then return (used by tests and `hotline worker --burst`)."""
    return make_worker(app, queues, in_process=in_process).work(burst=True, logging_level="WARNING")


def worker_preload(app: Flask, hook: Callable[[Flask], None]) -> None:
    """Register something every worker loads once before forking jobs (e.g. a speech model)."""
    app.extensions.setdefault("hotline.worker_preload", []).append(hook)


def current_app_queue(name: str) -> Queue:
    with current_app.app_context():
        return get_queue(name)


LIVE_STATUSES = frozenset({"queued", "started", "deferred", "scheduled"})
# A worker takes a job off its queue, then marks it started: SIGKILLed in between (or a Redis restarted
# from a file a second old), the job stays `queued` in no queue, where nothing would ever run it and
# every sweep would count it on its way (the chaos benchmark's recording that stayed pending).
ORPHAN_RECHECK_SECONDS = 0.5


def requeue_if_orphaned(job: Job) -> bool:
    """Put a `queued` job that is in no queue back in its queue; True if it was orphaned."""
    connection = job.connection
    queue = Queue(job.origin, connection=connection)
    if connection.lpos(queue.key, job.id) is not None:
        return False
    time.sleep(ORPHAN_RECHECK_SECONDS)  # a live worker that has just taken it marks it started in milliseconds
    status = job.get_status(refresh=True)
    if getattr(status, "value", status) != "queued" or connection.lpos(queue.key, job.id) is not None:
        return False
    log.warning("job %s was queued in no queue (taken by a worker that died before starting it); queued again",
                job.id)
    queue.push_job_id(job.id)
    return True


def job_status(job_id: str, *, late: bool = False) -> str | None:
    """The RQ status of job `job_id`, or None if Redis has no such job (flushed, expired).

    With `late` (the database says the work was due a while ago), a job still `scheduled` is moved
    to its queue now, as RQ's scheduler does when a job's time comes: work never waits on a
    scheduler that is behind or not running. Sweepers call this to decide whether to enqueue again:
    a status in LIVE_STATUSES means a job is on its way.
    """
    connection = get_redis()
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=True)
    status = getattr(status, "value", status)
    if status == "started":
        # A worker SIGKILLed mid-job leaves the job `started` for good: RQ notices only when a worker
        # cleans its registries (every 10 minutes), once the job's heartbeat lapsed (its started
        # registry entry expired, about a minute). Do that cleanup now, as RQ would: the job is
        # retried if it has retries left, else failed, and no longer counts as on its way.

        StartedJobRegistry(queue=Queue(job.origin, connection=connection)).cleanup()
        status = job.get_status(refresh=True)
        status = getattr(status, "value", status)
    if status == "queued":
        requeue_if_orphaned(job)
    if status == "scheduled" and late:
        queue = Queue(job.origin, connection=connection)
        with connection.pipeline() as pipeline:
            queue._enqueue_job(job, pipeline=pipeline)  # what RQ's own scheduler does when a job is due
            ScheduledJobRegistry(queue=queue).remove(job.id, pipeline=pipeline)
            pipeline.execute()
        return "queued"
    return status
