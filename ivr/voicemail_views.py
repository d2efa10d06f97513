"""A message left when nobody can answer: the Record action announces it (`voicemail_left`) so
tickets can open a case with a callback request; the recording itself arrives at
/recordings/status."""
from __future__ import annotations

import re

from flask import current_app, request
from twilio.twiml.voice_response import VoiceResponse

from hotline.contracts import VoicemailLeft, publish_after_commit
from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook
from ivr.handover import offer_voicemail, record_step
from ivr.menu import LANGUAGES
from ivr.menu_store import get_menu
from ivr.prompts import phrase, say_all
from ivr.turns import bp, this_call

_RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")
# One more chance after a silent recording; then a goodbye, as nobody is there to take the call.
MAX_SILENT_RECORDINGS = 1


def _language() -> str:
    language = request.args.get("lang", "")
    return language if language in LANGUAGES else current_app.config["HOTLINE_SETTINGS"].default_language


def _priority() -> int | None:
    value = request.args.get("priority", "")
    return int(value) if value.isdigit() and len(value) <= 2 else None


def _recording_sid() -> str:
    sid = request.form.get("RecordingSid", "")
    if _RECORDING_SID.fullmatch(sid):
        return sid
    found = _RECORDING_SID.findall(request.form.get("RecordingUrl", ""))
    return found[-1] if found else ""


@bp.post("/ivr/voicemail")
@twilio_webhook
def voicemail_left():
    found = this_call()
    if found is None:
        return "CallSid is required\n", 400
    tree, language = get_menu(), _language()
    recording_sid = _recording_sid()
    if not recording_sid:
        return "RecordingSid or RecordingUrl is required\n", 400
    call = found.durable_call()
    # Twilio may retry the action: one message is one ticket.
    already = any(step.get("recording_sid") == recording_sid for step in call.steps())
    if not already:
        record_step(call, "voicemail", request.form.get("RecordingDuration", ""), "record", "voicemail",
                    recording_sid=recording_sid, category=request.args.get("category") or None,
                    priority=_priority())
        call.language = language
        call.write()
        publish_after_commit(VoicemailLeft(call_sid=call.sid, recording_sid=recording_sid, language=language,
                                           category=request.args.get("category") or None, priority=_priority()),
                             call.session)
    call.commit()
    response = VoiceResponse()
    say_all(response, phrase(tree, "voicemail_thanks", language))
    response.hangup()
    return twiml_response(response)


@bp.post("/ivr/voicemail/missed")
@twilio_webhook
def voicemail_missed():
    """Reached only when Twilio recorded nothing (it then skips the Record action)."""
    call = this_call()
    if call is None:
        return "CallSid is required\n", 400
    tree, language = get_menu(), _language()
    misses = int(request.args.get("misses", "0")) + 1 if request.args.get("misses", "0").isdigit() else 1
    category = request.args.get("category") or "inquiry"
    record_step(call, "voicemail", "", "", "no-message", misses=misses)
    if misses > MAX_SILENT_RECORDINGS:
        call.leave()
        response = VoiceResponse()
        say_all(response, phrase(tree, "voicemail_missed", language) + phrase(tree, "goodbye", language))
        response.hangup()
        return twiml_response(response)
    call.commit()
    return twiml_response(offer_voicemail(tree, language, category, after_hours=request.args.get("after") == "1",
                                          misses=misses, lead=phrase(tree, "voicemail_missed", language),
                                          priority=_priority()))
