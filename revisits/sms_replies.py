"""Replies to a revisit's texts and opt-outs, as messaging hands them over (registered in init_app).

Messaging has handled the opt-out and opt-in keywords before a reply gets here. A reply is matched
to the newest open SMS survey of the number it came from; an opt-out (a keyword, or a person
adding the number to the list) stops the number's open revisits at once.
"""
from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline.clock import now
from hotline.contracts import TextMessage
from hotline.logging import mask_phone
from revisits import outcomes
from revisits.models import OPEN_STATES, Revisit
from revisits.replies import parse_reply
from revisits.states import move
from revisits.texts import queue_text

log = logging.getLogger(__name__)
# A person adding the number stops what has not started yet or waits on a text; a call in
# progress ends on its own.
STOPPED_BY_API = ("scheduled", "sms_sent")


def on_reply(session: Session, reply: TextMessage, replying_to: TextMessage) -> None:
    from_number = reply.from_number
    revisit = session.scalars(select(Revisit).where(Revisit.phone == from_number, Revisit.state == "sms_sent")
                              .order_by(Revisit.claimed_at.desc(), Revisit.id.desc())).first()
    if revisit is None:
        # Not lost: the words go on the ticket of the number's latest revisit (messaging keeps the message).
        latest = session.scalars(select(Revisit).where(Revisit.phone == from_number)
                                 .order_by(Revisit.id.desc())).first()
        log.info("SMS from %s matches no open survey%s", mask_phone(from_number),
                 "; kept on its last revisit's ticket" if latest else "")
        if latest is not None:
            outcomes.tell_ticket(session, latest, score=None, words=reply.body, channel="sms")
        return
    answer_survey(session, revisit, parse_reply(reply.body), reply.body)


def on_opt_out(session: Session, phone: str, source: str) -> None:
    states = STOPPED_BY_API if source == "api" else OPEN_STATES
    session.execute(update(Revisit).where(Revisit.phone == phone, Revisit.state.in_(states))
                    .values(state="opted_out", updated_at=now()))


def answer_survey(session, revisit: Revisit, reply, words: str = "") -> None:
    if reply.solved is not None:
        outcomes.record_solved(session, revisit, reply.solved, from_states=("sms_sent",))
    if reply.score is not None:
        outcomes.record_score(session, revisit, reply.score, "sms", from_states=("sms_sent",), words=words)
        queue_text(session, revisit, "sms_reopened" if revisit.solved is False else "sms_thanks")
    elif revisit.solved is False:
        move(session, revisit.id, ("sms_sent",), "completed", channel="sms", completed_at=now())
        queue_text(session, revisit, "sms_reopened")
    elif not revisit.clarified and move(session, revisit.id, ("sms_sent",), where=(Revisit.clarified.is_(False),),
                                        clarified=True):
        # One question back, never a conversation: "yes" without a score, or something unclear.
        queue_text(session, revisit, "sms_ask_score" if revisit.solved else "sms_clarify")
