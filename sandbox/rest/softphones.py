"""The desk's softphone on the sandbox (sandbox/simulator/softphones.py): answer, decline, hang up
and say a line on an agent's own leg, as Twilio's Voice SDK does in the browser on real Twilio.

  POST /_simulator/softphones/<address>/<action>   action: register, answer, decline, hangup, say
                                                   say: {"text": "..."}

HTTP Basic auth with the account SID and auth token, so a browser never reaches it: hotline's
`POST /api/softphone/<action>` calls it for the signed-in agent's own `client:` address. 409 when
nothing is ringing (answer, decline) or no call is going on (hangup, say) for the address, or no
simulator plays the sandbox's calls.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from sandbox.rest.common import authorized, error, state
from sandbox.rest.state import SandboxError

softphones = Blueprint("sandbox_softphones", __name__, url_prefix="/_simulator/softphones")


@softphones.post("/<path:address>/<action>")
def softphone_action(address: str, action: str):
    sandbox = state()
    if not authorized():
        return error(401, 20003, "Authenticate")
    if sandbox.listener is None:
        return error(409, 21220, "no simulator plays this sandbox's calls (hotline serve runs one)")
    body = request.get_json(silent=True) or {}
    try:
        return jsonify(sandbox.listener.on_softphone(address, action, str(body.get("text", ""))))
    except SandboxError as exc:
        return error(exc.status, exc.code, exc.message)
