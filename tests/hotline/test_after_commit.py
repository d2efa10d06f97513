"""The transaction rule: what follows a commit (events, RQ jobs, Redis writes) follows it exactly
once, and never follows a rollback, including a savepoint's (hotline.db.after_commit)."""
import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import TicketCreated, TicketResolved, publish_after_commit, subscribe, unsubscribe
from hotline.jobs import get_queue
from messaging.models import SmsMessage
from hotline.redis_client import get_redis
from tickets import cases, directory
from tickets.models import Ticket

PHONE = "+8613800138000"


def _heard(app):
    heard: list[int] = []

    def receiver(event):
        heard.append(event.ticket_id)

    subscribe(TicketCreated, receiver, app)
    return heard, receiver


def _open(session, phone=PHONE):
    customer = cases.customer_for_phone(session, phone, "zh-CN")
    return cases.open_ticket(session, category="problem", priority="normal", actor="agent:1", customer=customer)


def test_a_rollback_publishes_no_event_enqueues_no_job_and_writes_nothing_to_redis(app):
    heard, receiver = _heard(app)
    try:
        with app.app_context():
            session = db.session()
            _open(session)  # ticket_created, an SMS delivery job, the caller directory's copy
            session.rollback()
            session.commit()  # a later commit must not run what the rollback dropped
            assert heard == []
            assert get_queue("outbound").job_ids == []
            assert not get_redis().exists(directory.KEY.format(phone=PHONE))
            assert session.scalars(select(Ticket)).all() == []
    finally:
        unsubscribe(TicketCreated, receiver, app)


def test_a_commit_runs_each_follow_up_once(app):
    heard, receiver = _heard(app)
    try:
        with app.app_context():
            session = db.session()
            ticket = _open(session)
            session.commit()
            session.commit()
            assert heard == [ticket.id]
            message = session.scalars(select(SmsMessage.id)).one()
            assert get_queue("outbound").job_ids == [f"sms-{message}"]
            assert get_redis().exists(directory.KEY.format(phone=PHONE))
    finally:
        unsubscribe(TicketCreated, receiver, app)


def test_a_rolled_back_savepoint_drops_only_its_own_follow_ups(app):
    heard, receiver = _heard(app)
    other = "+8613900139000"
    try:
        with app.app_context():
            session = db.session()
            kept = _open(session)
            nested = session.begin_nested()
            _open(session, other)
            nested.rollback()
            released = session.begin_nested()  # a savepoint released: its follow-ups wait for the commit
            db.after_commit(heard.append, "released")
            released.commit()
            assert heard == []
            session.commit()
            assert heard == [kept.id, "released"]
            assert len(get_queue("outbound").job_ids) == 1
            assert not get_redis().exists(directory.KEY.format(phone=other))
            assert session.scalars(select(Ticket.id)).all() == [kept.id]
    finally:
        unsubscribe(TicketCreated, receiver, app)


def test_a_failing_follow_up_does_not_undo_the_commit_and_stops_the_rest_for_good(app):
    """As if the process died there: the change stands, what came after is not run (nor later)."""
    ran: list[str] = []

    def fails():
        ran.append("fails")
        raise RuntimeError("a receiver broke")

    with app.app_context():
        session = db.session()
        ticket = _open(session)
        db.after_commit(ran.append, "first")
        db.after_commit(fails)
        db.after_commit(ran.append, "after")
        with pytest.raises(RuntimeError):
            session.commit()
        session.commit()
        assert ran == ["first", "fails"]
    with app.app_context():
        assert db.session().get(Ticket, ticket.id) is not None


def test_follow_ups_that_write_are_committed_and_their_own_follow_ups_run(app):
    """A receiver's writes (after the commit) are committed by the runner, and what they announce
    follows that second commit."""
    heard, receiver = _heard(app)

    def file_another():
        _open(db.session(), "+8613900139000")

    try:
        with app.app_context():
            session = db.session()
            first = _open(session)
            db.after_commit(file_another)
            session.commit()
            assert len(heard) == 2 and heard[0] == first.id
        with app.app_context():
            assert len(db.session().scalars(select(Ticket)).all()) == 2
    finally:
        unsubscribe(TicketCreated, receiver, app)


def test_closing_a_session_without_commit_drops_its_follow_ups(app):
    ran: list[str] = []
    with app.app_context():
        db.after_commit(ran.append, "never")
    with app.app_context():
        db.session().commit()
    assert ran == []


def test_an_event_published_after_commit_is_dropped_by_a_rollback_or_its_savepoint_s(app):
    """publish_after_commit on its own: nothing before the commit, nothing after a rollback, nothing
    from a rolled-back savepoint, each kept event once."""
    heard: list[int] = []
    subscribe(TicketResolved, lambda event: heard.append(event.ticket_id), app)
    with app.app_context():
        session = db.session()
        publish_after_commit(TicketResolved(1), session)
        session.rollback()
        session.commit()
        assert heard == []
        publish_after_commit(TicketResolved(2))  # the app context's session by default
        nested = session.begin_nested()
        publish_after_commit(TicketResolved(3), session)
        nested.rollback()
        assert heard == []
        session.commit()
        session.commit()
        assert heard == [2]
