"""Our own do-not-contact list: who asked us to stop, checked right before every call and SMS to a customer."""
from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotline import db
from hotline.db import dialect_insert
from hotline.clock import now
from hotline.logging import mask_phone
from messaging.models import DoNotContact

log = logging.getLogger(__name__)


def is_opted_out(session: Session, phone: str) -> bool:
    return session.scalar(select(DoNotContact.id).where(DoNotContact.phone == phone)) is not None


def may_contact(phone: str) -> bool:
    """Whether hotline may ring or text `phone` now (`messaging.may_contact`)."""
    # A session of its own: the answer must reflect an opt-out committed a moment ago, whatever
    # the caller's session has already read.
    with db.get_db().transaction() as session:
        return not is_opted_out(session, phone)


def opt_out(session: Session, phone: str, keyword: str, source: str = "sms") -> bool:
    """Put `phone` on the list (idempotent); True if it was not there yet."""
    added = session.scalar(dialect_insert(session, DoNotContact).values(phone=phone, keyword=keyword[:20], source=source,
                                                       created_at=now())
                           .on_conflict_do_nothing(index_elements=["phone"]).returning(DoNotContact.id))
    if added is not None:
        log.info("%s opted out with %s", mask_phone(phone), keyword)
    return added is not None


def opt_in(session: Session, phone: str) -> bool:
    """Take `phone` off the list; True if it was on it."""
    result = session.execute(delete(DoNotContact).where(DoNotContact.phone == phone))
    if result.rowcount:
        log.info("%s opted in again", mask_phone(phone))
    return bool(result.rowcount)
