"""One outbox for every SMS hotline sends: stored first, sent by a worker after commit, paced by
the fleet's one SMS bucket, retried, and tracked by Twilio's status callbacks.

`send_sms` adds a `pending` row to the caller's transaction and nothing else; once that commits,
a job on the `outbound` queue takes a slot from the bucket (`hotline:pacing:sms`), checks the
do-not-contact list at that moment and hands the message to the gateway. A worker that dies
mid-send leaves the row pending, and `sweep_outbox` enqueues it again.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hotline import db, jobs
from hotline.clock import now
from hotline.contracts import SMS_UNSUBSCRIBED
from hotline.gateway import GatewayError, SentMessage, get_gateway
from hotline.logging import mask_phone
from hotline.redis_client import get_redis
from hotline.webhooks import public_url_for
from messaging import areas
from messaging.consent import is_opted_out, opt_out
from messaging.models import SmsMessage
from messaging.pacing import outbound_bucket

log = logging.getLogger(__name__)
UNSUBSCRIBED = SMS_UNSUBSCRIBED  # Twilio: the recipient texted STOP to our number
# Forward order of an outbound message's states; a late `sent` must not undo `delivered`.
STATUS_RANK = {"pending": -1, "accepted": 0, "queued": 0, "sending": 1, "sent": 2, "delivered": 3,
               "undelivered": 3, "failed": 3, "received": 3, "read": 4}
# Pending messages the sweep reads at a time.
SWEEP_BATCH = 500


def send_sms(purpose: str, to: str, body: str, *, area: str, session: Session | None = None,
             once: bool = False, check_consent: bool = True) -> SmsMessage | None:
    """Store an SMS to `to` in the caller's transaction; a worker sends it once that commits.

    `purpose` says what the message is (stored, max 40 characters); `area` is the asking area,
    which gets the message's outcome and the replies to it through its registered handlers.
    `once`: if a message with this purpose exists already, that one is returned (and nothing new
    is stored). `check_consent=False` for staff, whom the do-not-contact list does not cover.
    Returns None, storing nothing, when `to` is on the do-not-contact list.
    """
    session = session or db.session()
    purpose = purpose[:40]
    if once:
        existing = session.scalars(select(SmsMessage).where(SmsMessage.purpose == purpose,
                                                            SmsMessage.direction == "outbound")).first()
        if existing is not None:
            if existing.status == "pending":
                db.after_commit(enqueue_delivery, existing.id, session=session)
            return existing
    if check_consent and is_opted_out(session, to):
        return None
    moment = now()
    message = SmsMessage(direction="outbound", from_number=current_app.config["HOTLINE_SETTINGS"].twilio_from_number,
                         to_number=to, body=body, status="pending", purpose=purpose, area=area,
                         check_consent=check_consent, created_at=moment, updated_at=moment)
    session.add(message)
    session.flush()
    db.after_commit(enqueue_delivery, message.id, session=session)
    return message


def job_id(message_id: int) -> str:
    return f"sms-{message_id}"


def enqueue_delivery(message_id: int) -> None:
    try:
        jobs.enqueue(deliver, message_id, queue="outbound", job_id=job_id(message_id), retry=jobs.NETWORK_RETRY)
    except RedisError:
        # The message is committed as a pending row; sweep_outbox enqueues it once Redis is back.
        # The change that stored it stands.
        log.warning("Redis unavailable; SMS %s left pending for the sweep", message_id, exc_info=True)


def deliver(message_id: int) -> str:
    """RQ job: send one stored message. Already sent, failed or suppressed: nothing happens again."""
    session = db.session()
    pending = session.scalar(select(SmsMessage.status).where(SmsMessage.id == message_id)) == "pending"
    session.rollback()  # no transaction is held while waiting for the slot
    if not pending:
        return "skipped"
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not outbound_bucket(get_redis(), "sms", settings.outbound_sms_per_second).take():
        raise GatewayError("outbound pacing: no SMS slot within the wait limit")  # RQ retries later
    message = session.scalars(select(SmsMessage).where(SmsMessage.id == message_id).with_for_update()).first()
    if message is None or message.status != "pending":
        session.rollback()
        return "skipped"
    # Checked at send time, in this fresh transaction: a STOP may have arrived while it waited.
    if message.check_consent and is_opted_out(session, message.to_number):
        return _settle(session, message, "suppressed")
    try:
        sent = get_gateway().send_sms(message.to_number, message.body, status_callback=public_url_for("sms.status"))
    except GatewayError as exc:
        if exc.retryable:
            session.rollback()
            raise  # RQ retries on its schedule; the row stays pending
        message.error_code = str(exc.code) if exc.code else None
        if exc.code == UNSUBSCRIBED and message.check_consent:
            opt_out(session, message.to_number, "carrier", source="carrier")
        log.warning("SMS to %s refused: %s", mask_phone(message.to_number), exc)
        return _settle(session, message, "failed")
    _adopt_early_status(session, message, sent)
    return _settle(session, message, message.status)


def _adopt_early_status(session: Session, message: SmsMessage, sent: SentMessage) -> None:
    """Give the row the message's SID; a status callback that came first left a row of its own."""
    status = sent.status or "queued"
    early = session.scalars(select(SmsMessage).where(SmsMessage.sid == sent.sid)).first()
    if early is not None:
        if STATUS_RANK.get(early.status, 0) > STATUS_RANK.get(status, 0):
            status = early.status
        message.error_code = message.error_code or early.error_code
        session.delete(early)
        session.flush()
    message.sid, message.status = sent.sid, status


def _settle(session: Session, message: SmsMessage, status: str) -> str:
    message.status = status
    tell = areas.handler(message.area, "on_outcome")
    if tell is not None:
        tell(session, message)
    session.commit()
    return status


def sweep_outbox(older_than: timedelta = timedelta(minutes=2), batch: int = SWEEP_BATCH) -> int:
    """Enqueue again messages pending for `older_than` whose job is gone (a dead worker, Redis lost).

    Reads the pending messages oldest first, `batch` at a time by (created_at, id) from their partial
    index, and holds no transaction while it asks Redis about each batch: a backlog of any size (Redis
    down for an hour) costs the worker one batch of memory, never the whole list.
    """
    session = db.session()
    cutoff = now() - older_than
    key = tuple_(SmsMessage.created_at, SmsMessage.id)
    after: tuple | None = None
    resent = 0
    while True:
        query = select(SmsMessage.created_at, SmsMessage.id).where(
            SmsMessage.status == "pending", SmsMessage.direction == "outbound", SmsMessage.created_at < cutoff)
        if after is not None:
            query = query.where(key > after)
        rows = session.execute(query.order_by(SmsMessage.created_at, SmsMessage.id).limit(batch)).all()
        session.rollback()
        for _, message_id in rows:
            if jobs.job_status(job_id(message_id)) not in jobs.LIVE_STATUSES:
                enqueue_delivery(message_id)
                resent += 1
        if len(rows) < batch:
            return resent
        after = tuple(rows[-1])
