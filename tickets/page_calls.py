"""The urgent page's calls: one RQ job per attempt, and what the call's webhooks record.

The page's state is the ticket's events (`page_call`, `page_attempt_ended`, `page_acknowledged`,
`page_unanswered`). Every change takes the ticket's row lock first and reads the events under it, so
duplicate or out-of-order callbacks (an ack after the status callback, a status callback twice) leave
one ack, one end per attempt and one next attempt. Attempts go on the `outbound` queue, paced with
revisit calls by messaging's calls bucket.
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from hotline import db, jobs
from hotline.clock import now
from hotline.contracts import Messaging, need
from hotline.gateway import GatewayError, get_gateway
from hotline.logging import mask_phone
from hotline.redis_client import get_redis
from hotline.webhooks import callback_url, public_url_for
from tickets import paging
from tickets.history import record
from tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)
RING_SECONDS = 30


def start_paging(session, ticket: Ticket) -> None:
    """Call the supervisor on call once the ticket is committed (attempt 1, at once)."""
    session.flush()
    db.after_commit(_enqueue, ticket.id, 1, None, session=session)


def _enqueue(ticket_id: int, attempt: int, at) -> None:
    jobs.enqueue(run_page_attempt, ticket_id, attempt, queue="outbound", job_id=f"tickets-page-{ticket_id}-{attempt}",
                 at=at, retry=jobs.NETWORK_RETRY, timeout=300)


def _locked(session, ticket_id: int) -> Ticket | None:
    return session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()


def _events(session, ticket_id: int, kind: str) -> list[TicketEvent]:
    return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                          TicketEvent.kind == kind)))


def acknowledged(session, ticket_id: int) -> bool:
    return bool(_events(session, ticket_id, "page_acknowledged"))


def _has_attempt(session, ticket_id: int, kind: str, attempt: int) -> bool:
    return any(e.data.get("attempt") == attempt for e in _events(session, ticket_id, kind))


def run_page_attempt(ticket_id: int, attempt: int) -> str:
    """Attempt `attempt` of the page: call the supervisor unless the page was acknowledged meanwhile."""
    session = db.session()
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not settings.supervisor_phone:
        return "skipped: SUPERVISOR_PHONE is not set"
    if acknowledged(session, ticket_id) or _has_attempt(session, ticket_id, "page_call", attempt):
        return "skipped: acknowledged or already made"
    session.commit()  # no transaction held while waiting for the calls bucket and the gateway
    if not need(Messaging).outbound_bucket(get_redis(), "calls", settings.outbound_calls_per_second).take():
        raise GatewayError("outbound pacing: no slot within the wait limit")  # RQ retries later
    values = {"ticket": ticket_id, "attempt": attempt}
    try:
        placed = get_gateway().place_call(settings.supervisor_phone, public_url_for("tickets_page.answer", **values),
                                          status_callback=callback_url("tickets_page.status", **values),
                                          status_events=("completed",), timeout=RING_SECONDS)
    except GatewayError as exc:
        if exc.retryable:
            raise
        log.warning("page call to %s refused: %s", mask_phone(settings.supervisor_phone), exc)
        _record_call(session, ticket_id, attempt, None)
        end_attempt(session, ticket_id, attempt, "failed")
        session.commit()
        return "failed"
    _record_call(session, ticket_id, attempt, placed.sid)
    session.commit()
    return f"called {placed.sid}"


def _record_call(session, ticket_id: int, attempt: int, sid: str | None) -> None:
    ticket = _locked(session, ticket_id)
    if ticket is not None and not _has_attempt(session, ticket_id, "page_call", attempt):
        record(session, ticket, "system", "page_call", attempt=attempt, call_sid=sid)


def acknowledge(session, ticket_id: int, attempt: int) -> bool:
    """The supervisor pressed 1: the page's one acknowledgement (False if it was already acknowledged)."""
    ticket = _locked(session, ticket_id)
    if ticket is None or acknowledged(session, ticket_id):
        return False
    who = mask_phone(current_app.config["HOTLINE_SETTINGS"].supervisor_phone)
    record(session, ticket, f"supervisor:{who}"[:60], "page_acknowledged", attempt=attempt, who=who)
    return True


def end_attempt(session, ticket_id: int, attempt: int, outcome: str) -> str:
    """Attempt `attempt`'s call has ended with `outcome`: call again later, or give up after the last."""
    ticket = _locked(session, ticket_id)
    if ticket is None or _has_attempt(session, ticket_id, "page_attempt_ended", attempt):
        return "already ended"
    settings = current_app.config["HOTLINE_SETTINGS"]
    acked = acknowledged(session, ticket_id)
    record(session, ticket, "system", "page_attempt_ended", attempt=attempt,
           outcome="acknowledged" if acked else outcome)
    step = paging.after_attempt(attempt, acked, settings.page_max_attempts, settings.page_retry_minutes, now())
    if step.action == "retry":
        db.after_commit(_enqueue, ticket_id, step.attempt, step.at, session=session)
    elif step.action == "give_up":
        record(session, ticket, "system", "page_unanswered", attempts=attempt)
        log.warning("urgent page for %s not acknowledged after %d calls", ticket.number, attempt)
    return step.action
