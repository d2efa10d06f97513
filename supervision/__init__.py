"""Supervision: the supervisor's center. The KPI pack (GET /api/metrics/kpis) composes what routing,
tickets, revisits and transcription count for it (hotline.contracts: CallKpis, TicketKpis,
RevisitKpis, QaKpis) with the targets of supervision/targets.yaml; the staffing plan (GET
/api/staffing) forecasts arrivals per half hour from routing's records (StaffingRecords) and sizes
each by Erlang C. Its pages (supervision.pages: live, reports, scorecard, staffing, agents) are the
supervisor's center, under one navigation bar. It owns no table: everything it shows, another area
counted."""
from __future__ import annotations

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.data_files import LiveFile
from supervision.messages import MESSAGES
from supervision.pages import NAV, bp, queue_label_of_page
from supervision.targets import TARGETS


def init_app(app: Flask) -> None:
    # A broken targets file stops start-up; a broken edit later keeps the last good targets.
    targets = LiveFile(TARGETS, TARGETS.path(app.config["HOTLINE_SETTINGS"]))
    targets.current()
    app.extensions["supervision.targets"] = targets
    app.register_blueprint(bp)
    app.jinja_env.globals["queue_label"] = queue_label_of_page
    pages = contracts.need(contracts.Pages, app)
    pages.add_messages(app, MESSAGES)
    pages.register_home_page(app, "supervisor", "supervisor.page")
    for order, (endpoint, label) in enumerate(NAV):
        pages.add_nav_link(app, endpoint, label, ("supervisor",), order=order)


AREA = Area("supervision", init_app, api=("supervision.api",), data_files=(TARGETS,))
