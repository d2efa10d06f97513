"""The outbox sweep reads pending messages a bounded batch at a time, by the partial index of
pending messages (messaging_0003), whatever the size of the table or of the backlog."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import insert, text

import messaging
from hotline import db
from hotline.jobs import get_queue
from messaging.models import SmsMessage
from messaging.outbox import sweep_outbox
from tests.support.sql import explain, statements


@contextmanager
def sweep_reads(app):
    """(SQL, parameters) of every SELECT of sms_messages run inside the block."""
    with statements(app) as seen:
        reads: list[tuple[str, object]] = []
        yield reads
    reads.extend((sql, parameters) for sql, parameters, _ in seen
                 if sql.lstrip().upper().startswith("SELECT") and "FROM sms_messages" in sql)


def store_pending(app, count: int) -> list[int]:
    """`count` pending messages stored at the same moment, their jobs lost (the queue emptied)."""
    with app.app_context():
        session = db.session()
        ids = [messaging.send_sms(f"test:{n}", f"+86138001380{n:02d}", "hello", area="tests").id
               for n in range(count)]
        session.commit()
        get_queue("outbound").empty()
    return ids


def test_a_backlog_is_read_in_bounded_batches_and_every_message_enqueued_once(app, clock):
    ids = store_pending(app, 7)  # one moment: the batches' key is told apart by id
    clock.advance(minutes=3)
    with app.app_context(), sweep_reads(app) as reads:
        assert sweep_outbox(batch=3) == 7
    assert len(reads) == 3  # 3 + 3 + 1: the short batch ends the sweep
    assert all("LIMIT" in sql.upper() for sql, _ in reads)
    with app.app_context():
        queued = get_queue("outbound").job_ids
    assert sorted(int(job_id.removeprefix("sms-")) for job_id in queued) == sorted(ids)
    with app.app_context(), sweep_reads(app) as reads:
        assert sweep_outbox(batch=3) == 0  # their jobs are on their way
    assert len(reads) == 3


def test_messages_younger_than_the_grace_or_already_sent_are_left_alone(app, clock):
    ids = store_pending(app, 2)
    with app.app_context():
        session = db.session()
        session.get(SmsMessage, ids[0]).status = "sent"
        session.commit()
    clock.advance(minutes=1)
    with app.app_context():
        assert sweep_outbox(batch=1) == 0
    clock.advance(minutes=2)
    with app.app_context():
        assert sweep_outbox(batch=1) == 1
        assert get_queue("outbound").job_ids == [f"sms-{ids[1]}"]


def test_on_postgresql_the_sweep_reads_the_partial_index_of_pending_messages(app, clock, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's")
    store_pending(app, 3)
    with app.app_context():
        session = db.session()
        # A year of sent messages around the three pending ones.
        sent = [{"direction": "outbound", "from_number": "+864001234567", "to_number": f"+8613{n:09d}",
                 "body": "sent", "status": "delivered", "created_at": clock.now() - timedelta(minutes=n),
                 "updated_at": clock.now()} for n in range(20000)]
        session.execute(insert(SmsMessage), sent)
        session.execute(text("ANALYZE sms_messages"))
        session.commit()
    clock.advance(minutes=3)
    with app.app_context(), sweep_reads(app) as reads:
        sweep_outbox(batch=2)
    assert len(reads) == 2
    plans = [explain(app, sql, parameters) for sql, parameters in reads]  # the very statements the sweep ran
    for plan in plans:
        assert "ix_sms_messages_pending_created_at_id" in plan and "Seq Scan" not in plan, plan
        assert "Sort" not in plan, plan  # the index gives the order
