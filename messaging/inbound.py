"""An inbound SMS, once stored: opt-out and opt-in keywords first, then the conversation's area.

Opt-out keywords work whatever the message replies to: the number goes on the do-not-contact list
at once and every area registered for opt-outs hears of it. A number on the list gets nothing
more until it opts in again. Anything else is a reply to the newest message we sent that number
from an area that takes replies (a revisit survey, say), and goes to that area's handler.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.logging import mask_phone
from messaging import areas
from messaging.consent import is_opted_out, opt_in, opt_out
from hotline.sms_keywords import OPT_IN, OPT_OUT, keyword_of, normalise, resubscribes
from messaging.models import SmsMessage

log = logging.getLogger(__name__)


def handle_inbound(session: Session, message: SmsMessage) -> str:
    """What `message` did; the caller commits."""
    phone, body = message.from_number, message.body
    keyword = keyword_of(body)
    if keyword == OPT_OUT:
        opt_out(session, phone, normalise(body)[:20] or "STOP")
        areas.tell_opt_out(session, phone, "sms")
        return "opted out"
    if is_opted_out(session, phone):
        if resubscribes(body):
            opt_in(session, phone)
            return "opted in"
        return "ignored: opted out"  # an opted-out number gets no handling and no answer
    if keyword == OPT_IN:
        return "ignored: not opted out"
    replying_to = conversation_of(session, phone)
    if replying_to is None:
        log.info("SMS from %s matches no conversation", mask_phone(phone))
        return "ignored: no conversation"
    areas.handler(replying_to.area, "on_reply")(session, message, replying_to)
    return f"reply for {replying_to.area}"


def conversation_of(session: Session, phone: str) -> SmsMessage | None:
    """The newest message we sent `phone` from an area that takes replies."""
    taking = areas.areas_with("on_reply")
    if not taking:
        return None
    return session.scalars(select(SmsMessage).where(SmsMessage.to_number == phone, SmsMessage.direction == "outbound",
                                                    SmsMessage.area.in_(taking))
                           .order_by(SmsMessage.id.desc()).limit(1)).first()
