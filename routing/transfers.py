"""Transfers of a conversation in a conference (issue 16, items 3 and 9): cold to a queue, an agent or
an outside number, and warm (consult) to an agent, a queue or a number, then completed, canceled or
three-way.

How each is done (TWILIO_NOTES.md, Conferences):
- **cold to a queue or an agent**: the agent's part ends (wrap-up), the caller goes back in line at
  `TRANSFERRED_PRIORITY` (above every queue's and a VIP's, so they are served first, never dropped)
  in the target queue, or reserved for the named agent; the caller is redirected out of the
  conference (their leaving ends it, so the agent's leg is released) to hear "transferring you" in
  their language and be offered as any waiting caller. The new agent's answer brings them into a
  conference again; the routed call keeps its first answer, so the service level counts it once.
- **cold to a number**: the agent's part ends and the caller is redirected to `<Dial>` the number;
  unanswered, the caller goes back in line the same way.
- **warm**: the caller is held (the hold music says "transferring you" first), the colleague (a
  named agent, a queue's next free agent, or a number) is dialed into the same conference
  (Participants resource) and talks with the agent. A queue's agent not answering within three rings
  is `missed` and its next free agent rung; nobody free at the start is a 409 (the agent keeps the
  caller and may transfer cold, which waits in line). Complete: the
  agent is taken out, the caller resumed with the colleague. Cancel: the colleague's leg is hung up,
  the caller resumed with the agent. Three-way: the caller resumed with both. The colleague not
  answering resumes the caller with the agent, who never left.

Two transfers of one call at once: a Redis lock per call (`SET NX`) for the length of the request,
then the open transfer's row: the loser gets 409. Nothing here commits: the API view and the
webhooks do.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Any, Iterator

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import db
from hotline.calls import ensure_call, record_event
from hotline.clock import now
from hotline.gateway import get_gateway
from hotline.logging import mask_phone
from hotline.phone import InvalidPhone, normalise_phone
from hotline.webhooks import callback_url, public_url_for
from routing.call_control import (ControlRefused, Conversation, agents_conversation, hold_caller, live_conversation,
                                  refused_by_twilio)
from routing.conference import try_rest
from routing.lifecycle import answered, free_after_commit, start_wrap_up, wrap_up_end
from routing.matching import WaitingCall
from routing.models import Agent, Offer, RoutedCall, Transfer
from routing.offers import new_offer
from routing.reservations import Reservations
from routing.state import get_rules, now_ts, record_status
from routing.transfer_history import caller_ended_transfer

# Above every queue's priority (urgent 30) and a VIP's boost: a transferred caller is served first.
TRANSFERRED_PRIORITY = 100
LOCK_MILLISECONDS = 20_000
OPEN = ("consulting", "connected")  # a warm transfer not yet completed, canceled or three-way
TRANSFER_WORDS = {"zh-CN": "正在为您转接，请稍候。", "en-US": "Transferring you now. Please hold."}
TARGETS = ("queue", "agent_id", "number", "department")
FINISHED_EVENTS = {"complete": "transfer_completed", "cancel": "transfer_canceled",
                   "conference": "transfer_conferenced"}


@contextmanager
def transfer_lock(res: Reservations, sid: str) -> Iterator[None]:
    """One transfer change of a call at a time, across processes; the other gets 409."""
    key, token = f"routing:transfer-lock:{sid}", uuid.uuid4().hex
    if not res.redis.set(key, token, nx=True, px=LOCK_MILLISECONDS):
        raise ControlRefused(409, f"call {sid}: another transfer of this call is under way")
    try:
        yield
    finally:
        if res.redis.get(key) == token.encode():
            res.redis.delete(key)


def open_transfer(session: Session, sid: str) -> Transfer | None:
    return session.scalars(select(Transfer).where(Transfer.call_sid == sid, Transfer.status.in_(OPEN))
                           .order_by(Transfer.id.desc())).first()


def parse_target(body: dict[str, Any], departments=None) -> tuple[str, str]:
    """(kind, target) from the request: exactly one of queue, agent_id, number, department; 422 otherwise."""
    given = [key for key in TARGETS if body.get(key) not in (None, "")]
    if len(given) != 1:
        raise ControlRefused(422, "give exactly one of queue, agent_id, number, department")
    key = given[0]
    value = body[key]
    if key == "queue":
        if str(value) not in get_rules().queues:
            raise ControlRefused(422, f"queue: no queue named {value!r}")
        return "queue", str(value)
    if key == "agent_id":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ControlRefused(422, "agent_id: must be an integer")
        return "agent", str(value)
    if key == "department":
        if departments is None:
            raise ControlRefused(422, "department: no departments are configured")
        department = departments.get(str(value))
        if department is None:
            raise ControlRefused(422, f"department: no department {value!r}")
        return "department", normalise_phone(department.phone)
    try:
        return "number", normalise_phone(str(value))
    except InvalidPhone:
        raise ControlRefused(422, f"number: not a valid phone number: {mask_phone(str(value))}") from None


def start_transfer(session: Session, res: Reservations, sid: str, body: dict[str, Any], actor: str,
                   actor_agent: int | None, departments=None) -> Transfer:
    mode = body.get("mode", "cold")
    if mode not in ("cold", "warm"):
        raise ControlRefused(422, "mode: cold or warm")
    kind, target = parse_target(body, departments)
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise ControlRefused(422, "note: must be text")
    with transfer_lock(res, sid):
        conversation = agents_conversation(session, sid, actor_agent)
        if open_transfer(session, sid) is not None:
            raise ControlRefused(409, f"call {sid}: a transfer is already under way")
        if kind == "agent" and int(target) == conversation.offer.agent_id:
            raise ControlRefused(409, f"call {sid}: agent {target} already has this call")
        if kind == "agent" and session.get(Agent, int(target)) is None:
            raise ControlRefused(422, f"agent_id: no agent {target}")
        if kind == "agent" and res.agent(int(target)).get("status") != "available":
            raise ControlRefused(409, f"agent {target} is not available")
        transfer = Transfer(call_sid=sid, mode=mode, target_kind=kind, target=target, note=note, by=actor,
                            from_agent_id=conversation.offer.agent_id, created_at=now(),
                            to_agent_id=int(target) if kind == "agent" else None,
                            status="consulting" if mode == "warm" else "queued")
        session.add(transfer)
        session.flush()
        if mode == "cold":
            _cold(session, res, conversation, transfer)
        else:
            _consult(session, res, conversation, transfer)
        record_event(session, conversation.call, "transfer", transfer=transfer.id, mode=mode, target_kind=kind,
                     target=_shown(kind, target), by=actor, agent_id=conversation.offer.agent_id, note=note)
        session.flush()
        return transfer


def _shown(kind: str, target: str) -> str:
    return mask_phone(target) if kind in ("number", "department") else target


def _end_part(session: Session, res: Reservations, offer: Offer, queue: str | None, keep_caller: bool) -> None:
    """The agent's part is over (they handed the call on): wrap-up, the caller left to the transfer."""
    offer.ended_at = now()
    at = now_ts()
    if res.release(offer.agent_id, offer.call_sid, "wrap_up", at, free_at=wrap_up_end(at, queue),
                   keep_caller=keep_caller):
        start_wrap_up(session, offer.agent_id, offer.call_sid, queue)


def back_in_line(res: Reservations, routed: RoutedCall, queue: str | None = None) -> None:
    """The caller in line again (the live state's `enqueue` starts a call that was done afresh), ahead
    of everyone not transferred."""
    res.enqueue(WaitingCall(sid=routed.call_sid, queue=queue or routed.queue, language=routed.language,
                            priority=TRANSFERRED_PRIORITY, entered_at=now_ts()))


def _cold(session: Session, res: Reservations, conversation: Conversation, transfer: Transfer) -> None:
    sid = conversation.call.sid
    routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
    _end_part(session, res, conversation.offer, routed.queue, keep_caller=False)
    if transfer.target_kind in ("number", "department"):
        transfer.status = "dialing"
        _redirect_after_commit(session, sid, public_url_for("routing.transfer_out", call=sid, transfer=transfer.id))
        return
    back_in_line(res, routed, transfer.target if transfer.target_kind == "queue" else None)
    if transfer.target_kind == "agent":
        if res.reserve_agent(int(transfer.target), sid, now_ts()):
            record_status(session, int(transfer.target), "reserved", "transfer", sid)
        # else: taken meanwhile; the caller waits in line, first to be served
    _redirect_after_commit(session, sid, public_url_for("routing.transferred", call=sid))


def _redirect_after_commit(session: Session, sid: str, url: str) -> None:
    """Out of the conference (the caller's leaving ends it: the agent's leg is released), to `url`.
    A lost redirect leaves the caller in the conference, already back in line in the live state: the
    next agent's answer redirects them into their conference (`routing.conference.bring_caller`)."""
    db.after_commit(try_rest, sid, "redirect the caller to the transfer", get_gateway().redirect_call, sid, url,
                    session=session)


def _consult(session: Session, res: Reservations, conversation: Conversation, transfer: Transfer) -> None:
    sid = conversation.call.sid
    colleague = _reserve_colleague(session, res, transfer)
    hold_caller(session, conversation, True, transfer.by, transfer=True)
    try:
        _dial_colleague(session, conversation.conference_sid, transfer)
    except ControlRefused:
        if colleague is not None:
            res.release(colleague, sid, "available", now_ts(), keep_caller=True)
        hold_caller(session, conversation, False, transfer.by)
        raise


def _reserve_colleague(session: Session, res: Reservations, transfer: Transfer) -> int | None:
    """The agent a consult rings, reserved and offered the call (None for a number); 409 when the
    named agent, or everyone in the queue, is busy: the agent is told at once and keeps the caller,
    rather than the caller waiting on hold for a consult nobody may take."""
    sid = transfer.call_sid
    if transfer.target_kind == "agent":
        agent_id: int | None = int(transfer.target)
        if not res.reserve_colleague(agent_id, sid, now_ts()):
            raise ControlRefused(409, f"agent {agent_id} is not available")
    elif transfer.target_kind == "queue":
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        agent_id = res.reserve_colleague_in_queue(transfer.target, routed.language, sid, now_ts())
        if agent_id is None:
            raise ControlRefused(409, f"nobody in the {transfer.target} queue is free now: try again, or "
                                      "transfer cold (the caller then waits in that queue, first in line)")
    else:
        return None
    transfer.to_agent_id = agent_id
    transfer.offer_id = new_offer(session, sid, agent_id).id
    return agent_id


def _dial_colleague(session: Session, conference_sid: str, transfer: Transfer) -> None:
    """Dial the consulted colleague (or number) into the conference, three rings at most."""
    offer = session.get(Offer, transfer.offer_id) if transfer.offer_id else None
    address = session.get(Agent, offer.agent_id).address if offer else transfer.target
    with refused_by_twilio(transfer.call_sid):
        # Labels are unique in a conference; a queue's consult may ring several agents in turn.
        transfer.leg_sid = get_gateway().add_participant(
            conference_sid, address, label=f"transfer-{transfer.id}-{offer.id if offer else 0}",
            timeout=current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds,
            status_callback=callback_url("routing.transfer_leg", call=transfer.call_sid, transfer=transfer.id))
    if offer is not None:
        offer.leg_sid = transfer.leg_sid


def _next_in_queue(session: Session, res: Reservations, transfer: Transfer) -> bool:
    """A queue's consult whose agent did not answer rings the queue's next free agent (the three-ring
    rule, as for any waiting caller); False when nobody is free now (the caller resumes with the
    first agent)."""
    missed_agent = transfer.to_agent_id
    try:
        colleague = _reserve_colleague(session, res, transfer)
        try:
            _dial_colleague(session, live_conversation(session, transfer.call_sid).conference_sid, transfer)
        except ControlRefused:
            res.release(colleague, transfer.call_sid, "available", now_ts(), keep_caller=True)
            raise
    except ControlRefused:
        return False
    _event(session, transfer.call_sid, "transfer_offered", transfer=transfer.id, agent_id=colleague,
           after_missed=missed_agent)
    return True


def _warm_parties(session: Session, sid: str, actor_agent: int | None) -> tuple[Conversation, Transfer, Offer]:
    transfer = open_transfer(session, sid)
    if transfer is None:
        raise ControlRefused(409, f"call {sid} has no warm transfer under way")
    if actor_agent is not None and actor_agent not in (transfer.from_agent_id, transfer.to_agent_id):
        raise ControlRefused(403, f"call {sid}: not your transfer")
    conversation = live_conversation(session, sid)
    first = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == transfer.from_agent_id,
                                                Offer.answered_at.is_not(None), Offer.ended_at.is_(None))).first()
    if first is None:
        raise ControlRefused(409, f"call {sid}: the transferring agent is no longer on the call")
    return Conversation(conversation.call, first, conversation.conference_sid), transfer, first


def finish_transfer(session: Session, res: Reservations, sid: str, how: str, actor: str,
                    actor_agent: int | None) -> Transfer:
    """`complete`, `cancel` or `conference` (three-way) a warm transfer."""
    with transfer_lock(res, sid):
        conversation, transfer, first = _warm_parties(session, sid, actor_agent)
        if how != "cancel" and transfer.status != "connected":
            raise ControlRefused(409, f"call {sid}: the colleague has not answered yet")
        routed = session.scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()
        gateway = get_gateway()
        if how == "complete":
            with refused_by_twilio(sid):
                if first.leg_sid:
                    gateway.remove_participant(conversation.conference_sid, first.leg_sid)
            _end_part(session, res, first, routed.queue, keep_caller=True)
            transfer.status = "completed"
        elif how == "cancel":
            colleague = session.get(Offer, transfer.offer_id) if transfer.offer_id else None
            if transfer.leg_sid:
                with refused_by_twilio(sid):
                    gateway.hangup_call(transfer.leg_sid)
            if colleague is not None:
                release_colleague(session, res, colleague, "canceled" if colleague.answered_at is None else None)
            transfer.status = "canceled"
        else:
            transfer.status = "three-way"
        transfer.ended_at = now()
        hold_caller(session, conversation, False, actor)
        record_event(session, conversation.call, FINISHED_EVENTS[how], transfer=transfer.id, by=actor,
                     agent_id=first.agent_id)
        return transfer


def release_colleague(session: Session, res: Reservations, offer: Offer, result: str | None) -> None:
    """The colleague's part is over before the call became theirs: free again at once (they took
    nothing on), or `missed` when their phone rang out (as any unanswered offer)."""
    if offer.ended_at is None:
        offer.ended_at = now()
    if result is not None and offer.answered_at is None:
        offer.result = result
    status = "missed" if result == "missed" else "available"
    if res.release(offer.agent_id, offer.call_sid, status, now_ts(), keep_caller=True):
        record_status(session, offer.agent_id, status, "transfer_" + (result or "canceled"), offer.call_sid)
        if status == "available":
            free_after_commit(session, res, offer.agent_id)


def caller_gone_from_transfer(session: Session, res: Reservations, sid: str, status: str = "caller-left") -> None:
    """The caller hung up during a consult (or went back in line, their agent gone): the colleague
    still ringing stops (their leg hung up, free again); one who answered was ended with the
    conversation."""
    transfer = open_transfer(session, sid)
    if transfer is None:
        return
    offer = session.get(Offer, transfer.offer_id) if transfer.offer_id else None
    if status == "caller-left":
        caller_ended_transfer(session, transfer, colleague_answered=offer is not None and offer.answered_at is not None)
    else:
        transfer.status, transfer.ended_at = status, now()
        _event(session, sid, "transfer_canceled", transfer=transfer.id, reason="agent left", by="agent left")
    if offer is not None and offer.answered_at is None:
        release_colleague(session, res, offer, "canceled")
    if transfer.leg_sid and (offer is None or offer.answered_at is None):
        db.after_commit(try_rest, transfer.leg_sid, "hang up the consult's leg", get_gateway().hangup_call,
                        transfer.leg_sid, session=session)


def consult_leg(session: Session, res: Reservations, transfer: Transfer, status: str) -> str | None:
    """The consulted leg's status callback (the Participants resource dialed it). Returns "gone" when
    a colleague who had taken the call left it (the caller's next step is the webhook's)."""
    sid = transfer.call_sid
    offer = session.get(Offer, transfer.offer_id) if transfer.offer_id else None
    if status == "in-progress":
        if transfer.status != "consulting":
            return None
        if offer is not None and not answered(session, res, sid, offer.agent_id, offer.id):
            status = "failed"  # their reservation expired: this consult is over
        else:
            transfer.status = "connected"
            _event(session, sid, "transfer_connected", transfer=transfer.id,
                   agent_id=offer.agent_id if offer else None)
            return None
    if transfer.status in OPEN:
        unanswered = status in ("no-answer", "busy", "failed", "canceled")
        if offer is not None:
            release_colleague(session, res, offer, ("missed" if status != "canceled" else "canceled")
                              if unanswered and offer.answered_at is None else None)
        if (unanswered and status != "canceled" and transfer.target_kind == "queue"
                and transfer.status == "consulting" and _next_in_queue(session, res, transfer)):
            return None
        transfer.status, transfer.ended_at = ("no-answer" if unanswered else "canceled"), now()
        _event(session, sid, "transfer_failed" if unanswered else "transfer_canceled", transfer=transfer.id,
               reason=status, by="colleague")
        _resume_after_consult(session, sid)
        return None
    if offer is not None and offer.answered_at is not None and offer.ended_at is None:
        return "gone"
    return None


def _resume_after_consult(session: Session, sid: str) -> None:
    """Back to the agent who never left (a failed resume is logged: the agent resumes by hand)."""
    try:
        hold_caller(session, live_conversation(session, sid), False, "system")
    except ControlRefused:
        pass  # the caller is gone, or Twilio refused: the conversation's own end settles it


def _event(session: Session, sid: str, kind: str, **data: Any) -> None:
    record_event(session, ensure_call(session, sid, {}, apply_call_status=False), kind, **data)


def transferring_agent_left(session: Session, res: Reservations, sid: str, agent_id: int, stays: bool) -> None:
    """The consulting agent's leg left mid-consult. The colleague on the line (`stays`) has the caller
    now: as if completed, the caller resumed. Otherwise (still ringing) the consult is off: the
    caller went back in line."""
    transfer = open_transfer(session, sid)
    if transfer is None or transfer.from_agent_id != agent_id:
        return
    if not stays:
        caller_gone_from_transfer(session, res, sid, "canceled")
        return
    transfer.status, transfer.ended_at = "completed", now()
    _event(session, sid, "transfer_completed", transfer=transfer.id, by="agent left", agent_id=agent_id)
    _resume_after_consult(session, sid)
