"""The outbound job with real RQ workers: what it refuses to do (no network needed for these)."""
from datetime import timedelta

from hotline import db
from hotline.jobs import run_burst
from messaging.consent import opt_out
from tests.revisits.conftest import CUSTOMER


def test_an_opt_out_after_scheduling_is_honoured_at_send_time(app, revisits, clock):
    revisit = revisits.resolve()
    with app.app_context():
        opt_out(db.session(), CUSTOMER, "STOP")
        db.session().commit()
    clock.set(revisit.due_at + timedelta(minutes=2))  # RQ's scheduler is wall-clock; the sweeper runs it
    revisits.sweep()
    run_burst(app, ("outbound",))
    after = revisits.get(revisit.id)
    assert after.state == "opted_out" and after.attempts == 0 and after.attempt_log == []


def test_a_revisit_past_its_deadline_expires_instead_of_calling(app, revisits, clock):
    revisit = revisits.resolve()
    clock.set(revisit.deadline_at + timedelta(minutes=1))
    revisits.sweep()
    run_burst(app, ("outbound",))
    assert revisits.get(revisit.id).state == "expired"


def test_a_repeated_job_for_an_attempt_already_made_does_nothing(app, revisits):
    from revisits.dialer import run_revisit_attempt

    revisit = revisits.resolve()
    revisits.claim_call(revisit, "CA" + "1" * 32)
    with app.app_context():
        assert run_revisit_attempt(revisit.id, 1).startswith("skipped")
        assert run_revisit_attempt(revisit.id, 2).startswith("skipped")
    assert revisits.get(revisit.id).attempts == 1
