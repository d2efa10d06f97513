"""The desk's softphone (docs/desk.md), for the signed-in agent's own leg only.

  POST /api/softphone/token      Twilio mode: a short-lived access token (VoiceGrant) for the agent's
                                 own client identity; 503 when Twilio softphones are not configured
  POST /api/softphone/<action>   sandbox mode: register, answer, decline, hangup, say ({"text"}) on
                                 the agent's own `client:` leg in the sandbox

The agent's identity is their routing address without `client:` (routing rings `client:<identity>`),
never one the browser names: a request naming another identity is refused, so a token or a pick-up
can only ever be for the caller's own phone.
"""
from __future__ import annotations

from urllib.parse import quote

import requests
from flask import Blueprint, current_app, g, jsonify, request
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from desk import presence
from hotline import db, sandbox_plugin
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now

bp = Blueprint("softphone", __name__)  # nested under /api by the app factory (hotline.areas)

CLIENT = "client:"
SANDBOX_ACTIONS = ("register", "answer", "decline", "hangup", "say")
IDENTITY = {"type": "object", "properties": {"identity": {
    "type": "string", "description": "optional; must be the signed-in agent's own identity"}}}


def missing_settings(settings) -> list[str]:
    """The settings a Twilio softphone still needs (none: tokens can be minted)."""
    return [name for name, value in (("TWILIO_API_KEY_SID", settings.twilio_api_key_sid),
                                     ("TWILIO_API_KEY_SECRET", settings.twilio_api_key_secret),
                                     ("TWILIO_TWIML_APP_SID", settings.twilio_twiml_app_sid)) if not value]


def own_identity() -> str:
    """The signed-in agent's client identity; 403 for someone with no agent record (or naming
    another identity), 409 for an agent routing rings on a phone number or SIP address."""
    principal = g.principal
    if principal.agent_id is None:
        abort_json(403, "the softphone is for agents: this account has no agent record")
    agent = presence.agent_presence(db.session(), principal.agent_id) if presence.routing_ready() else None
    if agent is None or not (agent.address or "").startswith(CLIENT):
        abort_json(409, f"agent {principal.agent_id} is not rung at a client: address, so has no softphone")
    identity = agent.address[len(CLIENT):]
    asked = (request.get_json(silent=True) or {}).get("identity")
    if asked is not None and asked != identity:
        abort_json(403, "a softphone token is only for your own identity")
    return identity


@bp.post("/softphone/token")
@require_role("agent", "supervisor")
@operation("An access token for the agent's own softphone (Twilio Voice SDK)", tags=["desk"], request=IDENTITY,
           responses={200: "`token` (a JWT with a VoiceGrant: incoming allowed, outgoing through the TwiML "
                           "app), `identity`, `address` (client:<identity>), `ttl` seconds",
                      403: "not an agent, or another agent's identity",
                      409: "the agent is not rung at a client: address",
                      503: "Twilio softphones are not configured here (sandbox mode, or no API key / TwiML app)"},
           description="Minted for the signed-in agent only; the desk asks again before it expires.")
def token():
    identity = own_identity()
    settings = current_app.config["HOTLINE_SETTINGS"]
    missing = missing_settings(settings)
    if settings.is_sandbox or missing:
        abort_json(503, "no Twilio softphone here: " + ("sandbox mode drives the sandbox instead "
                   "(POST /api/softphone/answer ...)" if settings.is_sandbox else f"set {', '.join(missing)}"),
                   mode="sandbox" if settings.is_sandbox else "unconfigured")
    issued = int(now().timestamp())  # the center's clock, not the library's own time.time()
    jwt = AccessToken(settings.twilio_account_sid, settings.twilio_api_key_sid, settings.twilio_api_key_secret,
                      identity=identity, nbf=issued, ttl=settings.softphone_token_ttl_seconds,
                      valid_until=issued + settings.softphone_token_ttl_seconds)
    jwt.add_grant(VoiceGrant(outgoing_application_sid=settings.twilio_twiml_app_sid, incoming_allow=True))
    return jsonify(token=jwt.to_jwt(), identity=identity, address=CLIENT + identity,
                   ttl=settings.softphone_token_ttl_seconds)


def _sandbox_view(action: str):
    @require_role("agent", "supervisor")
    @operation(f"Sandbox softphone: {action} the agent's own leg", tags=["desk"],
               request={"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
               if action == "say" else None,
               responses={200: "what the sandbox did (`call_sid`; register: `softphone` false when a simulator "
                               "script answers for this address)",
                          403: "not an agent", 404: "not in sandbox mode",
                          409: "nothing ringing / no call going on for the agent, or no client: address",
                          422: "say without text", 503: "the sandbox did not answer"},
               description="Sandbox mode only: what Twilio's Voice SDK does in the browser on real Twilio.")
    def act():
        settings = current_app.config["HOTLINE_SETTINGS"]
        if not settings.is_sandbox:
            abort_json(404, "the sandbox softphone exists in sandbox mode only (TELEPHONY=sandbox)")
        address = CLIENT + own_identity()
        text = ((request.get_json(silent=True) or {}).get("text") or "") if action == "say" else ""
        if action == "say" and not (isinstance(text, str) and text.strip()):
            abort_json(422, "text: say something")
        base = sandbox_plugin.rest_api_url(settings, current_app._get_current_object())
        try:
            answer = requests.post(f"{base}/_simulator/softphones/{quote(address, safe='')}/{action}",
                                   json={"text": text}, timeout=5,
                                   auth=(settings.twilio_account_sid, settings.twilio_auth_token))
        except requests.RequestException as exc:
            abort_json(503, f"the sandbox did not answer: {type(exc).__name__}")
        body = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        if answer.status_code != 200:
            abort_json(answer.status_code if answer.status_code in (404, 409) else 503,
                       body.get("message") or f"the sandbox answered {answer.status_code}")
        return jsonify(body)

    act.__name__ = f"softphone_{action}"
    return act


for _action in SANDBOX_ACTIONS:
    bp.add_url_rule(f"/softphone/{_action}", view_func=_sandbox_view(_action), methods=["POST"])
