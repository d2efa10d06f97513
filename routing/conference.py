"""Conference mode (`ROUTING_CONFERENCE`): caller and agent meet in a conference named for the call,
so that a conversation can later be held, transferred and monitored (issue 16).

Twilio does not let the agent's leg join a conference from a `<Dial>`'s whisper, so the agent is
rung over REST, as a callback's agent is (`routing.callbacks`): the three-ring limit is the call's
`Timeout`, and a missed offer arrives as that call's status callback. The caller waits in the
Twilio queue meanwhile; once the agent answers, the caller is redirected into the conference, and
the caller's own leg is recorded in two channels (the caller, and what the caller hears), because a
conference's own recording is one mixed channel and QA reads the two apart.

Who may do what in the conference:
- the agent starts it (`startConferenceOnEnter`) and does not end it on leaving: when the agent's
  leg goes (hung up or dropped: Twilio reports them alike) the caller stays on the line and goes
  back to the head of the line (`routing.lifecycle.agent_left`), never to silence or a hang-up;
- the caller ends it on leaving (`endConferenceOnExit`), so the agent's leg is released then, and
  waits with music (`startConferenceOnEnter=false`) should they reach it before the agent.
Nothing here commits: the webhooks and jobs that call it own the transaction.
"""
from __future__ import annotations

import logging

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline import db
from hotline.clock import now
from hotline.conference_events import conference_name
from hotline.gateway import GatewayError, get_gateway
from hotline.webhooks import callback_url, public_url_for
from routing.models import Agent, Offer
from routing.offers import new_offer
from routing.reservations import Reservations
from routing.state import now_ts, record_status

log = logging.getLogger(__name__)
CONFERENCE_EVENTS = "start end join leave mute hold"


def conference_mode() -> bool:
    return current_app.config["HOTLINE_SETTINGS"].routing_conference


def ring_reserved_agent(session: Session, res: Reservations, sid: str) -> int | None:
    """Ring the agent reserved for this caller, once per reservation, whichever path gets here first
    (the offer, the waitUrl, the freed agent's job): the offer now, the REST call after the commit
    (Twilio must not reach the agent before the offer is on record). Returns the agent rung."""
    agent_id = res.claim_ring(sid, now_ts())
    if agent_id is None:
        return None
    offer = new_offer(session, sid, agent_id)
    db.after_commit(_place_agent_call, session, res, sid, agent_id, offer.id, session=session)
    log.info("ringing agent %s for a conference", agent_id, extra={"call_sid": sid})
    return agent_id


def _ids(sid: str, agent_id: int, offer_id: int) -> dict:
    return {"call": sid, "agent": agent_id, "offer": offer_id}


def _place_agent_call(session: Session, res: Reservations, sid: str, agent_id: int, offer_id: int) -> None:
    agent = session.get(Agent, agent_id)
    offer = session.get(Offer, offer_id)
    ids = _ids(sid, agent_id, offer_id)
    try:
        placed = get_gateway().place_call(
            agent.address if agent else "", public_url_for("routing.agent_answered", **ids),
            status_callback=callback_url("routing.agent_leg_status", **ids), status_events=("completed",),
            timeout=current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds)
    except GatewayError:
        # Not the agent's doing: they are free again and the caller back in line, where the next
        # waitUrl request offers them again.
        log.warning("could not ring agent %s", agent_id, extra={"call_sid": sid}, exc_info=True)
        offer.result, offer.ended_at = "canceled", now()
        try:
            if res.release(agent_id, sid, "available", now_ts(), requeue=True):
                record_status(session, agent_id, "available", "ring_failed", sid)
        except RedisError:
            log.warning("Redis unavailable; the reservation of agent %s expires", agent_id, extra={"call_sid": sid})
        return
    offer.leg_sid = placed.sid


def agent_joins_twiml(response: VoiceResponse, sid: str, agent_id: int, offer_id: int) -> VoiceResponse:
    """The answered agent's leg into the call's conference; its Dial's action says how they left."""
    return _into_conference(response, sid, "routing.agent_left_conference", _ids(sid, agent_id, offer_id),
                            starts=True, ends=False)


def caller_joins_twiml(sid: str, agent_id: int, offer_id: int) -> VoiceResponse:
    """The caller into the conference; the Dial's action is the direct dial's (`routing.dialed`), so
    the end of the conversation and who hung up first are recorded as before."""
    return _into_conference(VoiceResponse(), sid, "routing.dialed", _ids(sid, agent_id, offer_id),
                            starts=False, ends=True)


def _into_conference(response: VoiceResponse, sid: str, action: str, ids: dict, starts: bool,
                     ends: bool) -> VoiceResponse:
    dial = Dial(action=public_url_for(action, **ids))
    dial.conference(conference_name(sid), start_conference_on_enter=starts, end_conference_on_exit=ends,
                    beep=False, status_callback=callback_url("voice.conference_callback"),
                    status_callback_event=CONFERENCE_EVENTS)
    response.append(dial)
    return response


def caller_joins_agent(session: Session, sid: str, agent_id: int) -> VoiceResponse:
    """The caller's TwiML when they come out of the queue already connected (the waitUrl's `<Leave>`,
    a redirect that was lost): their agent's answered offer names the conference's Dial."""
    offer = session.scalars(select(Offer).where(Offer.call_sid == sid, Offer.agent_id == agent_id,
                                                Offer.result == "answered", Offer.ended_at.is_(None))
                            .order_by(Offer.id.desc())).first()
    if offer is None:
        response = VoiceResponse()
        response.hangup()
        return response
    return caller_joins_twiml(sid, agent_id, offer.id)


def bring_caller_after_commit(session: Session, sid: str, agent_id: int, offer_id: int, record: bool) -> None:
    db.after_commit(_bring_caller, sid, agent_id, offer_id, record, session=session)


def _bring_caller(sid: str, agent_id: int, offer_id: int, record: bool) -> None:
    """Pull the caller out of the queue into the conference, and record their leg (the first answer
    only: the recording runs until the caller's call ends, whatever agents come and go)."""
    gateway = get_gateway()
    # A lost redirect: the waitUrl's next request finds the caller connected and lets them out (`<Leave>`).
    try_rest(sid, "redirect the caller into the conference", gateway.redirect_call, sid,
         public_url_for("routing.caller_joins", **_ids(sid, agent_id, offer_id)))
    if record:
        try_rest(sid, "start the caller's recording", gateway.record_call, sid,
             status_callback=callback_url("recordings.status_callback"))


def hang_up_leg_after_commit(session: Session, leg_sid: str) -> None:
    """An agent still ringing for a caller who is gone stops ringing (a leg already over: nothing)."""
    db.after_commit(try_rest, leg_sid, "hang up the agent's leg", get_gateway().hangup_call, leg_sid, session=session)


def try_rest(sid: str, what: str, request, *args, **kwargs) -> None:
    """A REST request after the commit: its failure is logged, never raised into the webhook's
    answer (the follow-up must not fail the caller's request; each names what covers for it)."""
    try:
        request(*args, **kwargs)
    except GatewayError:
        log.warning("could not %s", what, extra={"call_sid": sid}, exc_info=True)
