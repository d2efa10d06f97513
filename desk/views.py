"""The desk pages: /desk (the signed-in agent's own), /desk/agents/<id> (supervisors), and the
state the page polls. Changes go through the areas' APIs with the session (see desk.js)."""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from desk import presence
from desk.messages import MESSAGES
from desk.screen import may_open_desk
from desk.softphone_api import CLIENT, missing_settings
from desk.state import desk_state
from hotline import db
from hotline.clock import now
from hotline.contracts import Departments, Pages, need, provided
from hotline.pages import login_required

bp = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("")
@login_required("agent", "supervisor")
def my_desk():
    if g.user.role == "agent":
        return render_desk(g.user.agent_id)
    if g.user.agent_id is not None:  # a supervisor who also takes calls
        return redirect(url_for("desk.agent_desk", agent_id=g.user.agent_id))
    agents = presence.agent_names(db.session()) if presence.routing_ready() else []
    return render_template("desk/agents.html", agents=agents)


@bp.get("/agents/<int:agent_id>")
@login_required("agent", "supervisor")
def agent_desk(agent_id: int):
    return render_desk(agent_id)


@bp.get("/agents/<int:agent_id>/state")
@login_required("agent", "supervisor")
def agent_state(agent_id: int):
    """The desk as JSON; the page polls it, and an unchanged desk costs a 304 and no body."""
    if not may_open_desk(g.user.role, g.user.agent_id, agent_id):
        return _not_yours()
    state = desk_state(db.session(), agent_id, need(Pages).page_language(), g.user.name)
    body = json.dumps(state, ensure_ascii=False, sort_keys=True)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    headers = {"X-Server-Time": now().isoformat()}
    if request.if_none_match.contains(etag):
        return current_app.response_class(status=304, headers=headers | {"ETag": f'"{etag}"'})
    response = current_app.response_class(body, mimetype="application/json", headers=headers)
    response.set_etag(etag)
    return response


@bp.get("/agents/<int:agent_id>/colleagues")
@login_required("agent", "supervisor")
def colleagues(agent_id: int):
    """Colleagues free to take a transfer now (read when the agent opens the transfer form, not each
    poll); routing refuses one who was taken meanwhile."""
    if not may_open_desk(g.user.role, g.user.agent_id, agent_id):
        return _not_yours()
    free = [{"id": i, "name": name} for i, name, status in presence.agent_names(db.session())
            if status == "available" and i != agent_id] if presence.routing_ready() else []
    return jsonify(agents=free)


def render_desk(agent_id: int):
    if not may_open_desk(g.user.role, g.user.agent_id, agent_id):
        return _not_yours()
    language = need(Pages).page_language()
    texts = {k: v for k, v in need(Pages).messages(language).items()
             if k.split(".")[0] in {"desk", "status", "pop", "ticket", "cat", "prio", "tstatus", "scripts", "day", "cust",
                                      "ctl", "sp"}}
    own = g.user.agent_id == agent_id
    agent = presence.agent_presence(db.session(), agent_id) if presence.routing_ready() else None
    return render_template("desk/desk.html", agent_id=agent_id, own=own, texts=texts,
                           agent_name=agent.name if agent else str(agent_id),
                           poll_ms=int(current_app.config["HOTLINE_SETTINGS"].desk_poll_seconds * 1000),
                           categories=list(_choices("cat", MESSAGES)), priorities=list(_choices("prio", MESSAGES)),
                           departments=_departments(language),
                           softphone_mode=softphone_mode(agent.address if agent and own else None))


def softphone_mode(address: str | None) -> str:
    """How the desk's softphone rings: "sandbox" (the sandbox's leg, no Twilio account), "twilio" (the
    Voice SDK with hotline's tokens), or "off" (someone else's desk, an agent rung on a phone number,
    or Twilio without the softphone's settings: the agent answers on their phone)."""
    settings = current_app.config["HOTLINE_SETTINGS"]
    if not (address or "").startswith(CLIENT):
        return "off"
    if settings.is_sandbox:
        return "sandbox"
    return "off" if missing_settings(settings) else "twilio"


def _departments(language: str) -> list[tuple[str, str]]:
    """(key, name) of each department a ticket can be handed to; none when tickets is not in the app."""
    book = provided(Departments)
    return [(d.key, d.name(language)) for d in book.all()] if book is not None else []


def _not_yours():
    pages = need(Pages)
    return pages.refuse(403, pages.translate("desk.not_yours"))


def _choices(prefix: str, messages: dict) -> list[str]:
    return [k.split(".", 1)[1] for k in messages["en-US"] if k.startswith(prefix + ".")]
