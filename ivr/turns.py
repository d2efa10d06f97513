"""What every IVR webhook shares: the blueprint, the call a webhook is about, and the answer to a
wrong key or a silence (ivr.views, ivr.ticket_views and ivr.voicemail_views build on it)."""
from __future__ import annotations

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from ivr.call_steps import BufferedCall
from ivr.handover import record_step, send_to_queue
from ivr.menu import MenuTree
from ivr.prompts import menu_twiml, phrase
from ivr.state import MenuState

bp = Blueprint("ivr", __name__, url_prefix="/voice")
# Wrong keys or silences answered with "sorry" and the prompt again before a person takes over.
MAX_REPROMPTS = 2
FALLBACK_SKILL, FALLBACK_PRIORITY = "inquiry", 2


def this_call(*, first_request: bool = False) -> BufferedCall | None:
    """The call this webhook is about (None without a CallSid): a buffer of its steps, settled into
    the database when the caller leaves the menu (see ivr.call_steps)."""
    if not request.form.get("CallSid"):
        return None
    return BufferedCall(request.form, arrival=first_request)


def missed(call, tree: MenuTree, state: MenuState, node: str, heard: str, via: str, result: str,
           *, ask=None, lead: list | None = None, skill: str = FALLBACK_SKILL, priority: int = FALLBACK_PRIORITY,
           ticket_number: str | None = None) -> VoiceResponse | str:
    """A wrong key or silence: sorry and the same question again, twice at most; then a person."""
    state = state.missed()
    record_step(call, node, heard, via, result, misses=state.misses)
    if state.misses > MAX_REPROMPTS:
        return send_to_queue(call, tree, state.language, skill, priority, node=node, heard=heard, via=via,
                             ticket_number=ticket_number, reason=f"{state.misses} misses")
    call.commit()
    sorry = lead if lead is not None else phrase(tree, "sorry", state.language)
    return (ask or menu_twiml)(tree, state, sorry)
