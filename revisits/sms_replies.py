"""Inbound SMS (receiver of hotline.signals.sms_received): opt-outs, opt-ins and survey answers.

A reply is matched to the newest open SMS survey of the number it came from. Opt-out keywords
work whether or not a survey is open: the number goes on the do-not-contact list at once and
every open revisit for it stops.
"""
from __future__ import annotations

import logging

from sqlalchemy import select, update

from hotline import db
from hotline.clock import now
from hotline.logging import mask_phone
from revisits import outcomes
from revisits.consent import is_opted_out, opt_in, opt_out
from revisits.models import OPEN_STATES, Revisit
from revisits.replies import normalise, parse_reply
from revisits.states import move
from revisits.texts import queue_follow_up

log = logging.getLogger(__name__)


def on_sms_received(sender, message_id: int, from_number: str, body: str, **_: object) -> None:
    session = db.session()
    reply = parse_reply(body)
    if reply.opt_out:
        opt_out(session, from_number, normalise(body)[:20] or "STOP")
        session.execute(update(Revisit).where(Revisit.phone == from_number, Revisit.state.in_(OPEN_STATES))
                        .values(state="opted_out", updated_at=now()))
        session.commit()
        return
    if is_opted_out(session, from_number):
        if reply.opt_in or normalise(body) == "YES":
            opt_in(session, from_number)
            session.commit()
        return  # an opted-out number gets no survey handling and no answer
    if reply.opt_in:
        return
    revisit = session.scalars(select(Revisit).where(Revisit.phone == from_number, Revisit.state == "sms_sent")
                              .order_by(Revisit.claimed_at.desc(), Revisit.id.desc())).first()
    if revisit is None:
        log.info("SMS from %s matches no open survey", mask_phone(from_number))
        return
    answer_survey(session, revisit, reply)


def answer_survey(session, revisit: Revisit, reply) -> None:
    if reply.solved is not None:
        outcomes.record_solved(session, revisit, reply.solved, from_states=("sms_sent",))
    if reply.score is not None:
        outcomes.record_score(session, revisit, reply.score, "sms", from_states=("sms_sent",))
        queue_follow_up(revisit, "sms_reopened" if revisit.solved is False else "sms_thanks")
    elif revisit.solved is False:
        move(session, revisit.id, ("sms_sent",), "completed", channel="sms", completed_at=now())
        queue_follow_up(revisit, "sms_reopened")
    elif not revisit.clarified and move(session, revisit.id, ("sms_sent",), where=(Revisit.clarified.is_(False),),
                                        clarified=True):
        # One question back, never a conversation: "yes" without a score, or something unclear.
        queue_follow_up(revisit, "sms_ask_score" if revisit.solved else "sms_clarify")
