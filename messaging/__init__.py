"""Messaging: every SMS hotline sends or receives, the do-not-contact list, and outbound pacing.

What other areas use, through `hotline.contracts.Messaging` (they import nothing of this package):
- `send_sms(purpose, to, body, area=..., session=None, once=False, check_consent=True)`: one
  stored, paced, retried, status-tracked message, sent by a worker after the caller's commit
  (outbox.py).
- `register(app, area, on_reply=, on_outcome=, on_opt_out=)`: how an area hears about its
  messages' outcomes, replies to them, and numbers that opted out (areas.py).
- `may_contact(phone)`, `is_opted_out(session, phone)`, `opt_out(...)`: the do-not-contact list
  (consent.py), which outbound calls check too.
- `outbound_bucket(connection, channel, rate)`: the fleet-wide token buckets (pacing.py); the SMS
  one is the outbox's, the calls one the revisits dialer's.

Parts: models.py (sms_messages, do_not_contact), webhooks.py (/sms/incoming, /sms/status),
inbound.py + keywords.py (opt-out/opt-in keywords, replies to the conversation's area), api.py
(/api/do-not-contact). The outbox hands messages to workers through hotline.db.after_commit.
"""
from __future__ import annotations

import importlib

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.jobs import periodic, worker_preload
from messaging.areas import register
from messaging.consent import is_opted_out, may_contact, opt_in, opt_out
from messaging.outbox import UNSUBSCRIBED, send_sms, sweep_outbox
from messaging.pacing import outbound_bucket
from messaging.service import MessagingService
from messaging.webhooks import bp as sms_bp

__all__ = ["send_sms", "register", "may_contact", "is_opted_out", "opt_in", "opt_out", "outbound_bucket",
           "UNSUBSCRIBED", "init_app"]


def preload_outbox(app: Flask) -> None:
    """Import what a delivery job needs once in the worker, not in every forked job."""
    for module in ("hotline.gateway.twilio_gateway", "twilio.rest.api.v2010.account.message"):
        importlib.import_module(module)


def init_app(app: Flask) -> None:
    contracts.provide(app, contracts.Messaging, MessagingService())
    app.register_blueprint(sms_bp)
    periodic(app, "messaging-sweep-outbox", sweep_outbox, 60, "default")
    worker_preload(app, preload_outbox)


AREA = Area("messaging", init_app, api=("messaging.api",), migrations=True, models="messaging.models")
