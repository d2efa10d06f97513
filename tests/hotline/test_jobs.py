"""Jobs run on real RQ workers inside the app; a crashing job does not take the worker down."""
from sqlalchemy import select

from hotline import db
from hotline.jobs import enqueue, run_burst
from messaging.models import SmsMessage


def test_a_job_uses_the_database_like_a_request(app):
    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.store_message", "hello")
    run_burst(app, ("default",))
    with app.app_context():
        assert job.get_status(refresh=True) == "finished"
        assert db.session().scalars(select(SmsMessage.body)).all() == ["hello"]


def test_a_job_id_is_enqueued_once(app):
    with app.app_context():
        first = enqueue("tests.hotline.jobs_for_tests.store_message", "a", job_id="once-1")
        second = enqueue("tests.hotline.jobs_for_tests.store_message", "a", job_id="once-1")
        assert first.id == second.id
    run_burst(app, ("default",))
    with app.app_context():
        assert len(db.session().scalars(select(SmsMessage)).all()) == 1


def test_a_crashing_job_fails_alone_and_the_worker_goes_on(app):
    with app.app_context():
        crash = enqueue("tests.hotline.jobs_for_tests.crash_hard")
        after = enqueue("tests.hotline.jobs_for_tests.store_message", "still serving")
    run_burst(app, ("default",))
    with app.app_context():
        assert crash.get_status(refresh=True) == "failed"
        assert after.get_status(refresh=True) == "finished"


def test_the_in_process_worker_runs_jobs_inside_the_app(app):
    from hotline.jobs import make_worker

    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.store_message", "no fork", queue="outbound")
    make_worker(app, ("outbound",), in_process=True).work(burst=True, logging_level="WARNING")
    with app.app_context():
        assert job.get_status(refresh=True) == "finished"
        assert db.session().scalars(select(SmsMessage.body)).all() == ["no fork"]


def test_transcription_is_never_run_in_process(app):
    import pytest

    from hotline.jobs import make_worker

    with pytest.raises(ValueError, match="transcription queue needs the forking worker"):
        make_worker(app, ("transcription",), in_process=True)


def test_scheduled_jobs_run_when_the_app_clock_reaches_them(app, clock):
    from datetime import timedelta

    from hotline.jobs import enqueue_due_jobs

    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.store_message", "later", at=clock.now() + timedelta(minutes=5))
    assert enqueue_due_jobs(app, ("default",)) == 0
    clock.advance(minutes=5)
    assert enqueue_due_jobs(app, ("default",)) == 1
    run_burst(app, ("default",))
    with app.app_context():
        assert job.get_status(refresh=True) == "finished"


def test_a_periodic_job_whose_last_run_still_waits_is_not_queued_again(app):
    """A slow or stopped worker gets one of each housekeeping job waiting, not one per period."""
    from datetime import timedelta

    from rq.utils import now as rq_now

    from hotline.jobs import get_queue, run_housekeeping
    from hotline.redis_client import get_redis
    from hotline.scheduler import HousekeepingCron

    with app.app_context():
        cron = HousekeepingCron(connection=get_redis(), name="test-housekeeping")
        cron.register(run_housekeeping, queue_name="default", interval=1, kwargs={"name": "x"}, name="x")
        assert len(cron.enqueue_jobs()) == 1
        for _ in range(3):  # periods pass with nobody working the queue
            for job in cron.get_jobs():
                job.set_enqueue_time(rq_now() - timedelta(seconds=5))
            assert cron.enqueue_jobs() == []
        assert get_queue("default").count == 1
        get_queue("default").empty()  # the run was taken: the next period enqueues again
        for job in cron.get_jobs():
            job.set_enqueue_time(rq_now() - timedelta(seconds=5))
        assert len(cron.enqueue_jobs()) == 1


def _taken_by_a_worker_that_died(app, job_id: str) -> None:
    """A worker pops the job's id off its queue, then is SIGKILLed before marking it started."""
    from hotline.jobs import get_queue

    with app.app_context():
        queue = get_queue("default")
        assert queue.connection.lpop(queue.key) == job_id.encode()
        assert queue.fetch_job(job_id).get_status(refresh=True) == "queued"


def test_a_sweep_finds_a_job_queued_in_no_queue_and_queues_it_again(app):
    from hotline.jobs import LIVE_STATUSES, job_status

    with app.app_context():
        enqueue("tests.hotline.jobs_for_tests.store_message", "orphan", job_id="orphan-1")
    _taken_by_a_worker_that_died(app, "orphan-1")
    with app.app_context():
        assert job_status("orphan-1") in LIVE_STATUSES  # on its way again, so the sweep does not double it
        assert job_status("orphan-1") == "queued"
    run_burst(app, ("default",))
    with app.app_context():
        assert db.session().scalars(select(SmsMessage.body)).all() == ["orphan"]


def test_enqueueing_under_the_id_of_an_orphaned_job_runs_it_once(app):
    with app.app_context():
        enqueue("tests.hotline.jobs_for_tests.store_message", "orphan", job_id="orphan-2")
    _taken_by_a_worker_that_died(app, "orphan-2")
    with app.app_context():
        enqueue("tests.hotline.jobs_for_tests.store_message", "orphan", job_id="orphan-2")
        enqueue("tests.hotline.jobs_for_tests.store_message", "orphan", job_id="orphan-2")
    run_burst(app, ("default",))
    with app.app_context():
        assert db.session().scalars(select(SmsMessage.body)).all() == ["orphan"]
