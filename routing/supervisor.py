"""The supervisor's live page: queues, agents, and the day's service level.

Until the desk provides signed-in users, a supervisor (or admin) API token opens it once with
`/supervisor?token=...`, which leaves a session cookie; `signed_in_supervisor` is the one place
to replace.
"""
from __future__ import annotations

import hmac
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select

from hotline import db
from hotline.api.auth import hash_token
from hotline.clock import now
from hotline.models import ApiToken
from routing.models import Agent
from routing.service_level_api import service_level_report, start_of_day
from routing.state import get_reservations, get_rules

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates")
SESSION_KEY = "routing_supervisor"


def signed_in_supervisor() -> str | None:
    """The supervisor's name, from the session cookie or a `?token=` exchanged for one (stopgap)."""
    token = request.args.get("token", "")
    if token:
        name = _supervisor_token_name(token)
        if name:
            session[SESSION_KEY] = name
        return name
    return session.get(SESSION_KEY)


def _supervisor_token_name(token: str) -> str | None:
    admin = current_app.config["HOTLINE_SETTINGS"].admin_token
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return "admin"
    row = db.session().scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                      ApiToken.revoked_at.is_(None))).first()
    return row.name if row is not None and row.role in {"supervisor", "admin"} else None


def live_snapshot() -> dict:
    res = get_reservations()
    waiting = res.waiting_by_queue()
    agents = []
    for agent in db.session().scalars(select(Agent).order_by(Agent.name)):
        live = res.agent(agent.id)
        agents.append({"id": agent.id, "name": agent.name, "status": live.get("status", agent.status),
                       "skills": agent.skills, "languages": agent.languages})
    queues = [{"name": name, "waiting": waiting.get(name, 0),
               "available": sum(1 for a in agents if a["status"] == "available" and rule.skill in a["skills"])}
              for name, rule in get_rules().queues.items()]
    return {"as_of": now().isoformat(), "queues": queues, "agents": agents,
            "today": service_level_report(start_of_day(), now() + timedelta(seconds=1))}


@bp.get("")
def page():
    if request.args.get("token"):
        if signed_in_supervisor() is None:
            return "This page needs a supervisor token.\n", 403
        return redirect(url_for("supervisor.page"))  # keep the token out of the address bar
    if signed_in_supervisor() is None:
        return "Sign in: open /supervisor?token=<a supervisor API token>.\n", 401
    return render_template("routing/supervisor.html", data=live_snapshot())


@bp.get("/live.json")
def live():
    if signed_in_supervisor() is None:
        return jsonify(error="not signed in"), 401
    return jsonify(live_snapshot())
