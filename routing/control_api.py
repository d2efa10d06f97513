"""Conversation controls: POST /api/calls/<sid>/hold, /resume, /mute, /unmute (an agent on their own
calls, a supervisor on any). The caller is held with music and a word in their language; mute is
the agent's microphone. 409 when the call's state does not allow the control (no conversation in a
conference, already on hold, not muted...). See `routing.call_control`."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from redis.exceptions import RedisError

from hotline import contracts, db
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from routing.call_control import CONTROLS, ControlRefused, apply_control, end_conversation, is_agents_call
from routing.models import Agent
from routing.monitoring import monitor, stop_monitoring
from routing.state import get_reservations
from routing.transfers import finish_transfer, start_transfer

bp = Blueprint("call_control", __name__)  # nested under /api by the app factory (hotline.areas)

SUMMARIES = {"hold": "Put the caller on hold (music in their language)", "resume": "Take the caller off hold",
             "mute": "Mute the agent", "unmute": "Unmute the agent"}


def _control_view(action: str):
    @require_role("supervisor", "agent")
    @operation(SUMMARIES[action], tags=["calls"],
               responses={200: "the call's hold and mute state after the change",
                          403: "an agent acting on someone else's call", 404: "no such call",
                          409: "the call's state does not allow it", 503: "Twilio did not take the change"},
               description="Only for a conversation in a conference (ROUTING_CONFERENCE). Each change is an "
                           "event in the call's history; `hold_ended` carries the seconds on hold.")
    def control(sid: str):
        session = db.session()
        principal = g.principal
        if principal.role == "agent" and not is_agents_call(session, sid, principal.agent_id):
            abort_json(403, f"call {sid} is not one of your calls")
        try:
            state = apply_control(session, sid, action, actor=principal.name,
                                  actor_agent=principal.agent_id if principal.role == "agent" else None)
        except ControlRefused as refused:
            session.rollback()
            abort_json(refused.status, str(refused))
        session.commit()
        return jsonify(state)

    control.__name__ = action
    return control


for _action in CONTROLS:
    bp.add_url_rule(f"/calls/<sid>/{_action}", view_func=_control_view(_action), methods=["POST"])


def _acting(session, sid: str):
    principal = g.principal
    if principal.role == "agent" and not is_agents_call(session, sid, principal.agent_id):
        abort_json(403, f"call {sid} is not one of your calls")
    return principal, (principal.agent_id if principal.role == "agent" else None)


def _answer(session, run):
    try:
        body = run()
    except ControlRefused as refused:
        session.rollback()
        abort_json(refused.status, str(refused))
    except RedisError:
        session.rollback()
        abort_json(503, "routing state unavailable; try again")
    session.commit()
    return jsonify(body)


TRANSFER_BODY = {"type": "object", "properties": {
    "queue": {"type": "string", "description": "a queue of the queue rules; warm: its best free agent is consulted"},
    "agent_id": {"type": "integer"}, "number": {"type": "string", "description": "E.164, e.g. +8610..."},
    "department": {"type": "string", "description": "a department's key: its phone line, as a number"},
    "mode": {"type": "string", "enum": ["cold", "warm"], "default": "cold"},
    "note": {"type": "string", "description": "shown on the receiving agent's screen pop"}}}


@bp.post("/calls/<sid>/transfer")
@require_role("supervisor", "agent")
@operation("Transfer the call to a queue, an agent or an outside number", tags=["calls"], request=TRANSFER_BODY,
           responses={200: "the transfer", 403: "an agent acting on someone else's call", 404: "no such call",
                      409: "no conversation, the agent (or, warm, everyone in the queue) is not free, or another "
                           "transfer of the call is under way",
                      422: "not exactly one target, or an unknown one", 503: "Twilio or Redis did not take it"},
           description="Exactly one of `queue`, `agent_id`, `number`, `department`. Cold: the agent leaves at "
                       "once, the caller hears \"transferring you\" in their language and is offered first "
                       "(a queue with nobody free keeps them in line, first). Warm: the caller is held while "
                       "the colleague (the named agent, the queue's best free agent, the next one if they do "
                       "not answer within three rings, or the number) is dialed into the conference; 409 when "
                       "nobody in the queue is free; then `/transfer/complete`, "
                       "`/transfer/cancel` or `/transfer/conference`. Two transfers at once: one gets 409.")
def transfer(sid: str):
    session = db.session()
    principal, agent_id = _acting(session, sid)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort_json(422, "a JSON object is required")
    departments = contracts.provided(contracts.Departments)  # tickets' departments file: their phone lines
    return _answer(session, lambda: {"sid": sid, "transfer": start_transfer(
        session, get_reservations(session), sid, body, principal.name, agent_id, departments).to_dict()})


def _finish_view(how: str):
    @require_role("supervisor", "agent")
    @operation({"complete": "Complete a warm transfer: the agent leaves, the colleague stays with the caller",
                "cancel": "Cancel a warm transfer: the colleague leaves, the caller resumes with the agent",
                "conference": "Make a warm transfer a three-way call"}[how], tags=["calls"],
               responses={200: "the transfer", 403: "not the agent's call or transfer", 404: "no such call",
                          409: "no warm transfer under way, or the colleague has not answered"})
    def finish(sid: str):
        session = db.session()
        principal, agent_id = _acting(session, sid)
        return _answer(session, lambda: {"sid": sid, "transfer": finish_transfer(
            session, get_reservations(session), sid, how, principal.name, agent_id).to_dict()})

    finish.__name__ = f"transfer_{how}"
    return finish


for _how in ("complete", "cancel", "conference"):
    bp.add_url_rule(f"/calls/<sid>/transfer/{_how}", view_func=_finish_view(_how), methods=["POST"])


@bp.post("/calls/<sid>/end")
@require_role("supervisor", "agent")
@operation("End the call: the agent has said goodbye, and the caller's line is hung up", tags=["calls"],
           responses={200: "ended (`agent_id`: the agent whose conversation it was)",
                      403: "an agent acting on someone else's call", 404: "no such call",
                      409: "no conversation going on", 503: "Twilio did not take it"},
           description="Conference mode. The agent's own leg hanging up cannot be told from a dropped line, "
                       "which takes the caller back to the head of the line; this ends the call for both. "
                       "Recorded as `ended_by_agent` (who) and as the agent hanging up first.")
def end_call(sid: str):
    session = db.session()
    principal, agent_id = _acting(session, sid)
    return _answer(session, lambda: end_conversation(session, sid, principal.name, agent_id))


@bp.post("/calls/<sid>/monitor")
@require_role("supervisor")
@operation("Listen to, whisper to the agent on, or barge into a call; or switch modes", tags=["calls"],
           request={"type": "object", "required": ["mode"], "properties": {
               "mode": {"type": "string", "enum": ["listen", "whisper", "barge"]},
               "address": {"type": "string", "description": "where to ring the supervisor; default: their agent "
                                                            "record's address"}}},
           responses={200: "your monitoring (`monitor`) and everyone's (`monitors`)", 404: "no such call",
                      409: "no conversation, or you already monitor it in that mode",
                      422: "no mode, or no address", 503: "Twilio did not take it"},
           description="Listen: muted. Whisper: Twilio's coaching, only the agent hears. Barge: everyone hears. "
                       "Each supervisor has their own leg: switching or leaving changes only the asking "
                       "supervisor's. Each start, switch and end is an event of the call (who, when, which mode).")
def start_monitor(sid: str):
    session = db.session()
    body = request.get_json(silent=True)
    body = {} if body is None else body
    if not isinstance(body, dict):
        abort_json(422, "a JSON object is required")
    principal = g.principal
    address = body.get("address")
    if address is not None and not isinstance(address, str):
        abort_json(422, "address: must be text")
    if not address and principal.agent_id is not None:
        agent = session.get(Agent, principal.agent_id)
        address = agent.address if agent else None
    return _answer(session, lambda: monitor(session, sid, body.get("mode", ""), principal.name, address))


@bp.delete("/calls/<sid>/monitor")
@require_role("supervisor")
@operation("Stop monitoring a call (your own leg)", tags=["calls"],
           responses={200: "your monitoring ended; `monitors`: who still monitors", 404: "no such call",
                      409: "you are not monitoring it"})
def end_monitor(sid: str):
    session = db.session()
    return _answer(session, lambda: stop_monitoring(session, sid, g.principal.name))
