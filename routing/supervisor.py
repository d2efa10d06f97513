"""The supervisor's live page: queues, agents, and the day's service level.

Supervisors (and admins) sign in like everyone else (people); an agent is refused.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, render_template
from sqlalchemy import select

from hotline import db, local_time
from hotline.clock import now
from hotline.contracts import MenuCalls, provided
from hotline.pages import login_required
from routing.models import Agent
from routing.service_level_api import service_level_report, start_of_day
from routing.state import get_reservations, get_rules

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates")


def live_snapshot() -> dict:
    res = get_reservations()
    waiting = res.waiting_by_queue()
    rows = db.session().scalars(select(Agent).order_by(Agent.name)).all()
    live = res.agents([agent.id for agent in rows])
    agents = [{"id": agent.id, "name": agent.name, "status": live[agent.id].get("status", agent.status),
               "skills": agent.skills, "languages": agent.languages} for agent in rows]
    queues = [{"name": name, "waiting": waiting.get(name, 0),
               "available": sum(1 for a in agents if a["status"] == "available" and rule.skill in a["skills"])}
              for name, rule in get_rules().queues.items()]
    ivr = provided(MenuCalls)
    return {"as_of": now().isoformat(), "as_of_local": local_time.on_page(now(), local_time.center_zone(), seconds=True),
            "queues": queues, "agents": agents, "in_menu": ivr.calls_in_menu() if ivr is not None else [],
            "today": service_level_report(start_of_day(), now() + timedelta(seconds=1))}


@bp.get("")
@login_required("supervisor")
def page():
    return render_template("routing/supervisor.html", data=live_snapshot())


@bp.get("/live.json")
@login_required("supervisor")
def live():
    return jsonify(live_snapshot())
