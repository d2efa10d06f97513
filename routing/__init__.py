"""Routing: skill-based matching of callers to agents within three rings.

`init_app` loads and validates the queue rules (a bad file stops start-up with file:line: field;
an edit later is picked up, a broken edit keeps the last good rules),
registers the voice webhooks, the agents and service-level API, the `hotline routing` and `hotline bench routing` commands, the CallEnded
handler, the reservation sweep, and what other areas ask of routing (`hotline.contracts`:
AgentsOnShift for the IVR's night queue, AgentDesk for the desk, CallFloor for the supervisor's
live page, which is supervision's).
"""
from __future__ import annotations

from flask import Flask

from hotline import contracts, jobs
from hotline.areas import Area
from hotline.data_files import LiveFile
from routing import conference_views, dial_views, transfer_views, views  # noqa: F401  (their webhooks fill the blueprint)
from routing.agent_work import AgentWorkQueries
from routing.blueprint import bp
from routing.cli import bench_cli, routing_cli
from routing.conversation_view import ConversationView
from routing.desk_queries import AgentDeskQueries
from routing.kpi_queries import CallKpiQueries, StaffingQueries
from routing.presence import OnShift, on_call_ended
from routing.rules import RULES
from routing.supervisor import CallFloorQueries
from routing.sweeps import sweep_routing


def init_app(app: Flask) -> None:
    settings = app.config["HOTLINE_SETTINGS"]
    rules = LiveFile(RULES, settings.queue_rules_path)
    rules.current()  # a broken file at start-up stops start-up; later edits reload (last good kept)
    app.extensions["routing.rules"] = rules
    contracts.provide(app, contracts.AgentsOnShift, OnShift())
    contracts.provide(app, contracts.AgentDesk, AgentDeskQueries())
    contracts.provide(app, contracts.AgentWork, AgentWorkQueries())
    contracts.provide(app, contracts.CallConversation, ConversationView())
    contracts.provide(app, contracts.CallKpis, CallKpiQueries())
    contracts.provide(app, contracts.StaffingRecords, StaffingQueries())
    contracts.provide(app, contracts.CallFloor, CallFloorQueries())
    app.register_blueprint(bp)
    contracts.subscribe(contracts.CallEnded, on_call_ended, app)
    jobs.periodic(app, "routing-sweep", sweep_routing, interval=15)
    app.cli.add_command(routing_cli)
    existing = app.cli.commands.get("bench")
    if existing is not None and hasattr(existing, "add_command"):
        for command in bench_cli.commands.values():
            existing.add_command(command)  # another area's bench group: join it
    else:
        app.cli.add_command(bench_cli)


AREA = Area("routing",
            init_app,
            api=("routing.api", "routing.service_level_api", "routing.control_api"),
            data_files=(RULES,),
            migrations=True,
            models="routing.models")
