"""Conversation controls: POST /api/calls/<sid>/hold, /resume, /mute, /unmute (an agent on their own
calls, a supervisor on any). The caller is held with music and a word in their language; mute is
the agent's microphone. 409 when the call's state does not allow the control (no conversation in a
conference, already on hold, not muted...). See `routing.call_control`."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from hotline import db
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from routing.call_control import CONTROLS, ControlRefused, apply_control, is_agents_call

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
            state = apply_control(session, sid, action, actor=principal.name)
        except ControlRefused as refused:
            session.rollback()
            abort_json(refused.status, str(refused))
        session.commit()
        return jsonify(state)

    control.__name__ = action
    return control


for _action in CONTROLS:
    bp.add_url_rule(f"/calls/<sid>/{_action}", view_func=_control_view(_action), methods=["POST"])
