"""Tickets: every call attached to a case with its GD number, SLA clock, history and SMS notices."""
from __future__ import annotations

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.data_files import LiveFile
from hotline.jobs import periodic
from tickets import directory, models  # noqa: F401  (tables; the API views arrive with hotline.api)
from tickets.cli import tickets_cli
from tickets.departments import DEPARTMENTS, DepartmentBook
from tickets.desk_files import DeskCaseFiles
from tickets.escalation import on_transcript_ready
from tickets.follow_up import on_call_ended, sweep_follow_up_notices
from tickets.handoff import on_sms_received
from tickets.night_handover import store_last_night
from tickets.page_voice import bp as page_voice_bp
from tickets.kpi_queries import TicketKpiQueries
from tickets.receivers import on_call_answered, on_call_routed, on_voicemail_left
from tickets.revisit_desk import RevisitDesk
from tickets.salutation import CustomerSalutations
from tickets.sla_rules import SLA_RULES
from tickets.sms_wording import TEMPLATES
from tickets.status_lookup import TicketStatusLookup
from tickets.sweep import sweep_sla

SLA_SWEEP_SECONDS = 60


def init_app(app: Flask) -> None:
    # A broken templates file stops start-up here, not at the first customer's SMS; a broken
    # edit later keeps the last good wording.
    templates = LiveFile(TEMPLATES)
    templates.current()
    app.extensions["tickets.sms_templates"] = templates
    # Likewise the SLA rules: a broken file stops start-up, a broken edit keeps the last good rules.
    rules = LiveFile(SLA_RULES, SLA_RULES.path(app.config["HOTLINE_SETTINGS"]))
    rules.current()
    app.extensions["tickets.sla_rules"] = rules
    departments = LiveFile(DEPARTMENTS, DEPARTMENTS.path(app.config["HOTLINE_SETTINGS"]))
    departments.current()
    app.extensions["tickets.departments"] = departments
    # What other areas ask of tickets (hotline.contracts); tickets writes every adapter.
    contracts.provide(app, contracts.TicketStatusBook, TicketStatusLookup())
    contracts.provide(app, contracts.CallerDirectory, directory.Directory())  # from Redis, see tickets.directory
    contracts.provide(app, contracts.Salutations, CustomerSalutations())
    contracts.provide(app, contracts.TicketDesk, RevisitDesk())
    contracts.provide(app, contracts.CaseFiles, DeskCaseFiles())
    contracts.provide(app, contracts.TicketKpis, TicketKpiQueries())
    contracts.provide(app, contracts.Departments, DepartmentBook())
    directory.listen()
    contracts.subscribe(contracts.CallRouted, on_call_routed, app)
    contracts.subscribe(contracts.VoicemailLeft, on_voicemail_left, app)
    contracts.subscribe(contracts.CallAnswered, on_call_answered, app)
    contracts.subscribe(contracts.CallEnded, on_call_ended, app)  # the "we will contact you" decision
    contracts.subscribe(contracts.TranscriptReady, on_transcript_ready, app)
    contracts.subscribe(contracts.SmsReceived, on_sms_received, app)  # a department's reply by SMS
    periodic(app, "tickets.sla_sweep", sweep_sla, SLA_SWEEP_SECONDS, "default")
    periodic(app, "tickets.directory", directory.keep_fresh, 60, "default")
    periodic(app, "tickets.follow_up_sweep", sweep_follow_up_notices, 60, "default")
    periodic(app, "tickets.night_log", store_last_night, 60, "default")  # kept within a minute of opening
    app.register_blueprint(page_voice_bp)  # the urgent page's call (Twilio's webhooks, not /api)
    app.cli.add_command(tickets_cli)


AREA = Area("tickets",
            init_app,
            api=("tickets.api", "tickets.api_customers", "tickets.api_edit", "tickets.api_reports",
                 "tickets.api_departments"),
            data_files=(TEMPLATES, SLA_RULES, DEPARTMENTS),
            migrations=True,
            models="tickets.models")
