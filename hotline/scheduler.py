"""`hotline scheduler`: the one process that enqueues periodic jobs and moves due delayed jobs.

Both of RQ's schedulers run here, in this process's main loop: the cron scheduler (the areas'
`periodic(...)` jobs, each enqueued as `hotline.jobs.run_housekeeping(name)`) and the scheduler
of `enqueue_at` jobs (revisit retries, download retries). RQ's own `worker --with-scheduler` forks
the latter into a child that outlived a killed worker and kept its lock; here there is no child,
SIGTERM releases the locks before exit, and a killed scheduler's locks expire within a minute.
"""
from __future__ import annotations

import logging
import os
import signal
import threading

import redis
from flask import Flask
from rq.cron import CronScheduler
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.utils import now as rq_now

from hotline.jobs import QUEUES, run_housekeeping
from hotline.logging import quiet_housekeeping
from hotline.redis_client import get_redis

log = logging.getLogger(__name__)
TICK_SECONDS = 1  # whole seconds: RQ derives its lock TTL (EXPIRE) from it


class HousekeepingCron(CronScheduler):
    """RQ's cron scheduler, except that a periodic job whose last run still waits in its queue is not
    enqueued again: a slow or stopped worker finds one of each housekeeping job waiting, not one per
    period ahead of the real work (the chaos benchmark on a loaded machine found 106 of each of five
    sweeps queued in front of 77 recording downloads)."""

    def enqueue_jobs(self) -> list:  # type: ignore[override]
        moment = rq_now()
        enqueued = []
        for job in self._cron_jobs:
            if not job.should_run():
                continue
            if not self._still_waiting(job):
                job.enqueue(self.connection)
                enqueued.append(job)
            job.set_enqueue_time(moment)  # a skipped period is done by the run still waiting
        return enqueued

    def _still_waiting(self, job) -> bool:
        last = job.get_job_ids(self.connection, 0, 0)
        if not last:
            return False
        try:
            status = Job.fetch(last[0], connection=self.connection).get_status(refresh=True)
        except NoSuchJobError:
            return False
        return getattr(status, "value", status) in ("queued", "scheduled", "deferred")


def scheduler_name(pid: int) -> str:
    return f"hotline-scheduler-{pid}"


def run_scheduler(app: Flask, stop: threading.Event | None = None, tick: int = TICK_SECONDS) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    quiet_housekeeping()
    with app.app_context():
        connection = get_redis()
        periodic = app.extensions.get("hotline.periodic", [])
    name = scheduler_name(os.getpid())
    cron = HousekeepingCron(connection=connection, name=name)
    for job in periodic:
        cron.register(run_housekeeping, queue_name=job.queue, interval=job.interval, kwargs={"name": job.name},
                      name=job.name)
    delayed = RQScheduler(QUEUES, connection=connection, interval=tick, name=name)
    log.info("scheduler: %d periodic jobs (%s); delayed jobs of %s", len(periodic),
             ", ".join(f"{job.name} every {job.interval} s" for job in periodic), ", ".join(QUEUES))
    registered = False
    unreachable = False
    try:
        while not stop.is_set():
            try:
                if not registered:
                    delayed.register_birth()
                    cron.register_birth()
                    registered = True
                if delayed.acquired_locks != set(QUEUES):
                    # Not RQ's every-10-minutes retry: a killed scheduler's locks expire in a minute, and
                    # its restarted successor must take them then, not ten minutes later.
                    delayed.acquire_locks()
                delayed.heartbeat()
                delayed.enqueue_scheduled_jobs()
                if cron.enqueue_jobs():
                    cron.save()
                cron.heartbeat()
                if unreachable:
                    log.info("scheduler: Redis answers again")
                    unreachable = False
            except redis.RedisError as exc:
                # The embedded Redis is being restarted, or the real one is down: keep trying, say so once.
                if not unreachable:
                    log.warning("scheduler: Redis unreachable (%s); retrying every %.0f s", exc, tick)
                    unreachable = True
            stop.wait(tick)
    finally:
        try:
            delayed.stop()  # releases the locks, so another scheduler can take over at once
            cron.register_death()
        except Exception:  # noqa: BLE001 - Redis gone, or the registry already expired: nothing to release
            pass
