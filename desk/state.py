"""Everything the desk page shows for one agent, as one JSON document the page polls."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from desk import presence
from desk.caller_context import screen_pop
from desk.my_day import my_day
from desk.screen import address_customer, desk_phase
from desk.scripts import suggested_situation
from hotline.clock import now
from hotline.contracts import Pages, need
from hotline.local_time import written


def desk_state(session: Session, agent_id: int, page_language: str, agent_label: str) -> dict[str, Any]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    ready = presence.routing_ready()
    agent = presence.agent_presence(session, agent_id) if ready else None
    phase = desk_phase(agent.status if agent else None)
    call = screen_pop(session, agent.call_sid, settings.default_language, agent.entry) \
        if agent and agent.call_sid else None
    if call is None:
        phase = "idle" if phase != "wrap_up" else phase
    language = call["language"] if call else page_language
    ticket = call["ticket"] if call else None
    store = current_app.extensions["desk.scripts"]
    return {
        "routing_ready": ready,
        "agent": {"id": agent.id, "name": agent.name, "status": agent.status, "since": agent.since.isoformat()}
        if agent else None,
        "phase": phase,
        "wrap_up_until": agent.wrap_up_until.isoformat() if agent and agent.wrap_up_until else None,
        "call": call,
        "control": _control(session, call["sid"], agent_id) if call and phase == "live" else None,
        "scripts": store.current().for_call(language, _script_values(call, language, agent_label)),
        "suggested_script": suggested_situation(phase, ticket["category"] if ticket else None),
        "my_day": my_day(session, agent_id, now(), settings.timezone).to_dict(),
    }


def _control(session: Session, call_sid: str, agent_id: int) -> dict[str, Any] | None:
    """The call controls' state, read only while the agent talks (two indexed reads; none in Dial mode)."""
    control = presence.call_control(session, call_sid, agent_id)
    return None if control is None else {
        "hold": control.hold, "held_since": control.held_since.isoformat() if control.held_since else None,
        "muted": control.muted, "transfer": control.transfer}


def _script_values(call: dict | None, language: str, agent_label: str) -> dict[str, str]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    values = {"company": settings.company_name if language == "zh-CN" else settings.company_name_en,
              "agent": agent_label}
    if call is None:
        return values
    values["customer"] = (call["customer"] or {}).get("addressed") or address_customer(language, None)
    ticket = call["ticket"]
    if ticket:
        values["ticket"] = ticket["number"]
        issue = need(Pages).translate(f"cat.{ticket['category']}", language)
        values["issue"] = issue[:1].lower() + issue[1:] if language == "en-US" else issue  # said mid-sentence
        promised = ticket["sla"].get("promised_at")
        if promised:  # read out as the customer's SMS wrote it
            values["promised"] = written(datetime.fromisoformat(promised), language, settings.timezone)
    return values
