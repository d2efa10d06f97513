"""Messaging fixtures: a supervisor to alert, the sandbox network, and the do-not-contact list."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from hotline import db
from hotline.gateway import get_gateway
from messaging.consent import opt_out
from messaging.models import SmsMessage


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone="+8613900000001")


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
