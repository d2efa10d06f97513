from datetime import datetime, timedelta, timezone

from rq.job import Job

from hotline.redis_client import get_redis
from revisits.schedule import job_id

UTC = timezone.utc


def test_resolving_a_ticket_schedules_one_revisit_with_its_job(app, revisits, clock):
    clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    revisit = revisits.resolve()
    assert revisit.state == "scheduled" and revisit.attempts == 0 and revisit.round == 1
    assert revisit.due_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert revisit.deadline_at == clock.now() + timedelta(hours=24)
    assert revisit.ticket_number.startswith("GD20261124")
    assert (revisit.agent_id, revisit.category, revisit.salutation_zh) == (7, "problem", "王女士")
    with app.app_context():
        job = Job.fetch(f"revisit-{revisit.ticket_id}-1", connection=get_redis())
        assert job.get_status() == "scheduled" and job.args == (revisit.id, 1)
        assert job_id(revisit, 1) == f"revisit-{revisit.ticket_id}-1"


def test_the_same_resolution_announced_twice_makes_one_revisit(revisits):
    first = revisits.resolve()
    revisits.announce_again(first.ticket_id)
    assert revisits.latest(first.ticket_id).id == first.id and revisits.latest(first.ticket_id).round == 1


def test_a_customer_in_new_york_is_called_in_new_york_hours(revisits, clock):
    clock.set(datetime(2026, 11, 25, 0, 0, tzinfo=UTC))  # 19:00 in New York, 08:00 in Shanghai
    revisit = revisits.resolve(timezone="America/New_York", language="en-US")
    assert revisit.due_at == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 09:00 New York
    assert revisit.timezone == "America/New_York"


def test_without_a_customer_time_zone_the_center_zone_is_used(revisits, clock):
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # 21:00 in Shanghai
    revisit = revisits.resolve(timezone=None)
    assert revisit.due_at == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_sweeper_sets_an_alarm_when_redis_lost_the_job(app, revisits, clock):
    revisit = revisits.resolve()
    with app.app_context():
        get_redis().flushdb()
    assert revisits.sweep()["alarms"] == 0  # not due yet
    clock.set(revisit.due_at)
    assert revisits.sweep()["alarms"] == 1
    with app.app_context():
        assert Job.fetch(f"revisit-{revisit.ticket_id}-1", connection=get_redis()).get_status() == "queued"
    assert revisits.sweep()["alarms"] == 0  # a live job is left alone


def test_sweeper_runs_a_late_scheduled_job_now(app, revisits, clock):
    revisit = revisits.resolve()
    clock.set(revisit.due_at + timedelta(minutes=5))  # RQ's scheduler has not moved it
    revisits.sweep()
    with app.app_context():
        assert Job.fetch(f"revisit-{revisit.ticket_id}-1", connection=get_redis()).get_status() == "queued"


def test_a_claim_whose_worker_died_before_dialing_is_handed_back(app, revisits, clock):
    from hotline import db
    from revisits.states import move

    revisit = revisits.resolve()
    clock.set(revisit.due_at)
    with app.app_context():
        assert move(db.session(), revisit.id, ("scheduled",), "calling", attempt=0, attempts=1, claimed_at=clock.now())
    assert revisits.sweep()["reclaimed"] == 0  # still inside its lease
    clock.advance(minutes=16)
    counts = revisits.sweep()
    assert counts["reclaimed"] == 1
    again = revisits.get(revisit.id)
    assert (again.state, again.attempts) == ("scheduled", 0)


def test_calling_hours_that_wrap_past_midnight_stop_start_up(settings, clock):
    import dataclasses

    import pytest

    from hotline import create_app
    from hotline.settings import SettingsError

    with pytest.raises(SettingsError, match="CALLING_HOURS"):
        create_app(dataclasses.replace(settings, calling_hours=(20 * 60, 9 * 60)), clock=clock)


def test_a_ticket_resolved_again_after_reopening_gets_a_second_revisit(app, revisits, clock):
    from hotline import db
    from tickets import cases
    from tickets.models import Ticket

    first = revisits.resolve()
    with app.app_context():
        session = db.session()
        ticket = session.get(Ticket, first.ticket_id)
        for status in ("reopened", "in_progress", "resolved"):
            cases.move_status(session, ticket, status, "agent:7")
            session.commit()
    second = revisits.latest(first.ticket_id)
    assert (revisits.get(first.id).state, second.round, second.state) == ("cancelled", 2, "scheduled")
    with app.app_context():
        assert Job.fetch(f"revisit-{first.ticket_id}_2-1", connection=get_redis()).args == (second.id, 1)
