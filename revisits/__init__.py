"""Revisits: within 24 hours of resolution, call the customer (then text them) to ask whether the
issue is solved and how satisfied they are; reopen what is not solved; honour opt-outs.

Parts: window.py (when we may call), schedule.py + states.py (the schedule in the database),
dialer.py (the paced outbound job), voice.py (the call's TwiML), texts.py + sms_replies.py (the
texts, sent through messaging's outbox, and the replies messaging hands back), sweeper.py
(recovery), satisfaction.py + reports.py + api.py (CSAT and FCR). The do-not-contact list and
the pacing buckets are messaging's.
"""
from __future__ import annotations

import importlib

from flask import Flask
from sqlalchemy import update

from hotline import contracts, db
from hotline.areas import Area
from hotline.clock import now
from hotline.contracts import TicketDesk, TicketReopened, TicketResolved, need
from hotline.jobs import periodic, worker_preload
from hotline.settings import SettingsError
from revisits.agent_scores import AgentScores
from revisits.kpi_queries import RevisitKpiQueries
from revisits.models import Revisit
from revisits.schedule import schedule_revisit
from revisits.scripts import SCRIPTS
from revisits.sms_replies import on_opt_out, on_reply
from revisits.spoken_words import on_transcript_ready
from revisits.sweeper import sweep_revisits
from revisits.texts import AREA as TEXTS_AREA, on_text_outcome
from revisits.voice import bp as voice_bp
from revisits.window import CallingHours


def on_ticket_resolved(event: TicketResolved) -> None:
    ticket = need(TicketDesk).resolved_ticket(event.ticket_id)
    if ticket is not None:
        schedule_revisit(db.session(), ticket)
        db.session().commit()  # a receiver owns its transaction, as a job does


def on_ticket_reopened(event: TicketReopened) -> None:
    """The customer came back before we called: asking "was it solved?" now would be absurd.

    Only a revisit still waiting is cancelled; one in conversation is the reason for the reopening.
    """
    session = db.session()
    session.execute(update(Revisit).where(Revisit.ticket_id == event.ticket_id, Revisit.state == "scheduled")
                    .values(state="cancelled", last_outcome="ticket-reopened", updated_at=now()))
    session.commit()


def preload_outbound(app: Flask) -> None:
    """Import what a revisit job needs once in the worker, not in every forked job (~0.3 s each)."""
    for module in ("revisits.dialer", "revisits.texts", "revisits.outcomes", "hotline.gateway.twilio_gateway",
                   "twilio.rest.api.v2010.account.call"):
        importlib.import_module(module)


def init_app(app: Flask) -> None:
    settings = app.config["HOTLINE_SETTINGS"]
    try:
        CallingHours(settings.timezone, *settings.calling_hours)
    except ValueError as exc:  # stop at start-up, not at the first revisit
        raise SettingsError(f"CALLING_HOURS: {exc}") from None
    app.register_blueprint(voice_bp)
    contracts.need(contracts.Messaging, app).register(app, TEXTS_AREA, on_reply=on_reply, on_outcome=on_text_outcome,
                                                      on_opt_out=on_opt_out)
    contracts.provide(app, contracts.SurveyScores, AgentScores())
    contracts.provide(app, contracts.RevisitKpis, RevisitKpiQueries())
    contracts.subscribe(contracts.TicketResolved, on_ticket_resolved, app)
    contracts.subscribe(contracts.TicketReopened, on_ticket_reopened, app)
    contracts.subscribe(contracts.TranscriptReady, on_transcript_ready, app)
    periodic(app, "revisits-sweep", sweep_revisits, settings.sweep_seconds, "default")
    worker_preload(app, preload_outbound)


AREA = Area("revisits",
            init_app,
            api=("revisits.api",),
            data_files=(SCRIPTS,),
            migrations=True,
            models="revisits.models")
