"""Helpers for SMS tests: the sandbox network, the stored messages, the list, a customer texting us."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.gateway import get_gateway
from messaging.consent import opt_out
from messaging.models import SmsMessage


def sandbox(app):
    with app.app_context():
        get_gateway()  # the app's sandbox exists once its gateway does
    return app.extensions["hotline.sandbox"]


def rows(app) -> list[SmsMessage]:
    with app.app_context():
        return db.session().scalars(select(SmsMessage).order_by(SmsMessage.id)).all()


def do_not_contact(app, phone: str, keyword: str = "STOP") -> None:
    with app.app_context():
        opt_out(db.session(), phone, keyword)
        db.session().commit()


_sids = iter(range(10**6))


def text(twilio, body: str, from_: str) -> str:
    """`from_` texts `body` to our number: a signed POST /sms/incoming as Twilio makes it."""
    sid = f"SM{next(_sids):032d}"
    response = twilio.post("/sms/incoming", {"MessageSid": sid, "From": from_, "To": "+15005550006", "Body": body})
    assert response.status_code == 200
    return sid
