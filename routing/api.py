"""The agents API: supervisors manage agents; an agent sets their own status."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from redis.exceptions import RedisError
from sqlalchemy import select

from hotline import db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.params import query_limit
from hotline.twiml import LANGUAGES
from routing.agent_profile import CLIENT, SIP, SKILL_NAME, ProfileError, check_profile
from routing.lifecycle import agent_freed, free_after_commit
from routing.models import PERSON_STATUSES, Agent, AgentEvent
from routing.presence import forget_on_shift_counts
from routing.state import agent_view, get_reservations, now_ts, record_status

bp = Blueprint("routing", __name__)  # nested under /api by the app factory (hotline.areas)

# A person may change status from these; a live offer or call must end first.
PERSON_CHANGEABLE_FROM = ("available", "break", "offline", "missed", "wrap_up")
PROFILE = {"name": schemas.text(Agent.name),
           "address": {"anyOf": [schemas.E164, {"type": "string", "pattern": CLIENT.pattern},
                                 {"type": "string", "maxLength": 255, "pattern": SIP.pattern}]},
           "skills": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": SKILL_NAME.pattern},
                      "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5}},
           "languages": {"type": "array", "minItems": 1, "uniqueItems": True, "items": schemas.one_of(LANGUAGES)}}


def _agent_or_404(agent_id: int) -> Agent:
    agent = db.session().get(Agent, agent_id)
    if agent is None:
        abort_json(404, f"no agent {agent_id}")
    return agent


def _live(agents: list[Agent], session) -> list[dict]:
    """Agents with the live state's status, read in one round trip; while Redis is unreachable the
    database's record, flagged `live: false`, rather than a 500 on the supervisor's screen."""
    try:
        live = get_reservations(session).agents([a.id for a in agents])
    except RedisError:
        return [dict(a.to_dict(), live=False) for a in agents]
    return [dict(a.to_dict(live.get(a.id, {}).get("status")), live=True) for a in agents]


@bp.post("/agents")
@require_role("supervisor")
@operation("Create an agent", tags=["agents"], responses={201: "the agent", 422: "invalid field"},
           request={"type": "object", "required": ["name", "address", "skills", "languages"],
                    "properties": {**PROFILE, "status": schemas.one_of(PERSON_STATUSES)}})
def create_agent():
    data = json_body()
    try:
        profile = check_profile(data)
    except ProfileError as exc:
        abort_json(422, str(exc))
    status = data.get("status", "offline")
    if status not in PERSON_STATUSES:
        abort_json(422, f"status: must be one of {', '.join(PERSON_STATUSES)}")
    session = db.session()
    res = get_reservations(session)
    agent = Agent(status=status, **profile)
    session.add(agent)
    session.flush()
    session.add(AgentEvent(agent_id=agent.id, status=status, previous=None, reason="created", at=agent.status_since))
    session.commit()
    res.put_agent(agent_view(agent), agent.address, agent.name, now_ts())
    forget_on_shift_counts()
    if status == "available":
        agent_freed(session, res, agent.id)
        session.commit()
    return jsonify(_live([agent], session)[0]), 201


AGENT_ORDER = keyset.Order("agents", (Agent.id,))


@bp.get("/agents")
@require_role("supervisor")
@operation("All agents with their live status", tags=["agents"],
           query=keyset.paging_query(500),
           responses={200: "a page of agents with `next`", **keyset.PAGING_RESPONSES},
           description="By id. " + keyset.PAGING_DESCRIPTION)
def list_agents():
    session = db.session()
    page = keyset.fetch(session, select(Agent), AGENT_ORDER, cursor=request.args.get("after"),
                        limit=query_limit(request.args.get("limit"), default=500),
                        count=keyset.count_arg())
    return jsonify(agents=_live(list(page.rows), session), **page.links())


def _may_see(agent_id: int) -> None:
    principal = g.principal
    if principal.role == "agent" and principal.agent_id != agent_id:
        abort_json(403, "an agent may only see and change their own record")


@bp.get("/agents/<int:agent_id>")
@require_role("supervisor", "agent")
@operation("One agent", tags=["agents"],
           responses={200: "the agent", 403: "an agent asking for another agent", 404: "no such agent"})
def get_agent(agent_id: int):
    _may_see(agent_id)
    agent = _agent_or_404(agent_id)
    return jsonify(_live([agent], db.session())[0])


@bp.patch("/agents/<int:agent_id>")
@require_role("supervisor", "agent")
@operation("Change an agent's status (the agent or a supervisor) or profile (a supervisor)",
           tags=["agents"], request={"type": "object", "properties": {**PROFILE,
                                                                      "status": schemas.one_of(PERSON_STATUSES)}},
           responses={200: "the agent", 403: "an agent changing another agent or a profile",
                      404: "no such agent", 409: "on a call or being offered one", 422: "invalid field"})
def patch_agent(agent_id: int):
    _may_see(agent_id)
    data = json_body()
    agent = _agent_or_404(agent_id)
    session = db.session()
    res = get_reservations(session)
    profile_fields = {k: v for k, v in data.items() if k in {"name", "address", "skills", "languages"}}
    if profile_fields:
        if g.principal.role == "agent":
            abort_json(403, "only a supervisor may change an agent's profile")
        try:
            profile = check_profile(profile_fields, partial=True)
        except ProfileError as exc:
            abort_json(422, str(exc))
        for key, value in profile.items():
            setattr(agent, key, value)
        session.commit()
        res.put_agent(agent_view(agent, res.agent(agent.id).get("status")), agent.address, agent.name, now_ts())
        forget_on_shift_counts()
    if "status" in data:
        status = data["status"]
        if status not in PERSON_STATUSES:
            abort_json(422, f"status: must be one of {', '.join(PERSON_STATUSES)}")
        change = res.set_status(agent_id, status, now_ts(), allowed_from=PERSON_CHANGEABLE_FROM)
        if not change.changed:
            abort_json(409, f"status: the agent is {change.previous}; a call in progress must end first",
                       current=change.previous)
        reason = "self" if g.principal.role == "agent" else "supervisor"
        record_status(session, agent_id, status, reason, previous=change.previous)
        if status == "available":
            free_after_commit(session, res, agent_id)
        session.commit()
        if "offline" in (status, change.previous):
            forget_on_shift_counts()
    return jsonify(_live([agent], session)[0])
