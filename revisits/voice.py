"""The revisit call's TwiML: POST /revisits/voice/{answer,convenient,solved,score,words,status}?revisit=<id>&attempt=<n>.

The call's whole state is the revisit row and the query string, so any web process can serve
any step. The customer is first asked whether now is a good time (现在方便吗); "not now" ends the
call with the time of the next one. A wrong key or silence asks again; after three wrong keys a person is put through to
an agent rather than hung up on; after three silences the call ends with a goodbye.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from hotline import db
from hotline.calls import ensure_call, record_event
from hotline.local_time import spoken
from hotline.models import FINAL_CALL_STATUSES
from hotline.twiml import say_kwargs, twiml_response
from hotline.voice import track_call_status
from hotline.webhooks import callback_url, public_url_for, twilio_webhook
from revisits import outcomes
from revisits.texts import survey_values
from revisits.scripts import line

bp = Blueprint("revisits", __name__, url_prefix="/revisits")
MAX_TRIES = 3
AGENT_QUEUE = "aftersales"  # 售后跟进类: follow-ups go to the after-sales skill
WORDS_MAX_SECONDS = 60  # the customer's free words after the score


def _revisit():
    session = db.session()
    revisit = outcomes.revisit_for_call(session, request.args.get("revisit", type=int),
                                        request.args.get("attempt", type=int), request.form.get("CallSid", ""))
    return session, revisit


def _say(response: VoiceResponse, revisit, entry: str) -> None:
    response.say(line(revisit.language, entry, **survey_values(revisit)), **say_kwargs(revisit.language))


def _ask(response: VoiceResponse, revisit, step: str, entries: tuple[str, ...], tries: int) -> VoiceResponse:
    values = {"revisit": revisit.id, "attempt": revisit.attempts}
    gather = response.gather(num_digits=1, timeout=6, method="POST",
                             action=public_url_for(f"revisits.{step}", **values, tries=tries))
    for entry in entries:
        gather.say(line(revisit.language, entry, **survey_values(revisit)), **say_kwargs(revisit.language))
    # Silence does not call the action: come back to the same question, counting the try.
    response.redirect(public_url_for(f"revisits.{step}", **values, tries=tries + 1), method="POST")
    return response


def _note_on_call(session, revisit, kind: str, **data) -> None:
    """Keep a step of the revisit on its call's history (in the revisit's language), committed now."""
    call = ensure_call(session, request.form["CallSid"], request.form)
    call.language = revisit.language
    record_event(session, call, kind, revisit=revisit.id, **data)
    session.commit()


def _stale() -> object:
    response = VoiceResponse()
    response.hangup()
    return twiml_response(response)


@bp.post("/voice/answer")
@twilio_webhook
def answer():
    session, revisit = _revisit()
    if revisit is None:
        return _stale()
    _note_on_call(session, revisit, "revisit_answered", answered_by=request.form.get("AnsweredBy"))
    response = VoiceResponse()
    if not outcomes.record_answer(session, revisit, request.form.get("AnsweredBy", "")):
        response.hangup()  # a machine or fax: no message; the retry or the SMS reaches the person
        return twiml_response(response)
    _say(response, revisit, "greeting")
    return twiml_response(_ask(response, revisit, "convenient", ("ask_convenient",), 0))


def _retry_or_goodbye(session, revisit, step: str, entries: tuple[str, ...], tries: int, problem: str):
    if tries >= MAX_TRIES and problem == "invalid_key":
        return _to_agent(session, revisit)
    response = VoiceResponse()
    if tries >= MAX_TRIES:
        _say(response, revisit, "goodbye_no_answer")
        response.hangup()
        return twiml_response(response)
    if tries > 0 or problem == "invalid_key":
        _say(response, revisit, problem)
    return twiml_response(_ask(response, revisit, step, entries, tries))


def _to_agent(session, revisit):
    outcomes.record_transfer(session, revisit)
    response = VoiceResponse()
    _say(response, revisit, "transfer")
    response.redirect(public_url_for("routing.enter", queue=AGENT_QUEUE), method="POST")
    return twiml_response(response)


def _read_key(step: str, prompts: tuple[str, ...], valid: str):
    """(session, revisit, key, None) for a valid key, or (..., None, TwiML) that asks again, hands
    the customer to an agent (0) or answers a stale request."""
    session, revisit = _revisit()
    if revisit is None or revisit.state not in ("answered", "completed"):
        return session, revisit, None, _stale()
    tries = request.args.get("tries", 0, type=int)
    digits = request.form.get("Digits")
    if digits is None:
        return session, revisit, None, _retry_or_goodbye(session, revisit, step, prompts, tries, "no_input")
    if digits == "0":
        return session, revisit, None, _to_agent(session, revisit)
    if len(digits) != 1 or digits not in valid:
        return session, revisit, None, _retry_or_goodbye(session, revisit, step, prompts, tries + 1, "invalid_key")
    return session, revisit, digits, None


@bp.post("/voice/convenient")
@twilio_webhook
def convenient():
    session, revisit, digits, answer = _read_key("convenient", ("ask_convenient",), "12")
    if answer is not None:
        if revisit is not None and revisit.state == "scheduled" and revisit.last_outcome == outcomes.NOT_CONVENIENT:
            # Twilio repeating the request after this call's reschedule hears the same goodbye.
            return _rescheduled(revisit, "call" if revisit.attempts < revisit.call_attempts else "sms")
        return answer
    if digits == "1":
        return twiml_response(_ask(VoiceResponse(), revisit, "solved", ("ask_solved",), 0))
    next_channel = outcomes.reschedule_inconvenient(session, revisit)
    session.refresh(revisit)
    return _rescheduled(revisit, next_channel or "call")


def _rescheduled(revisit, next_channel: str):
    """Goodbye, with when we call again (or that a text will come instead)."""
    response = VoiceResponse()
    if next_channel == "call":
        zone = revisit.timezone or current_app.config["HOTLINE_SETTINGS"].timezone
        when = spoken(revisit.due_at, revisit.language, zone)
        response.say(line(revisit.language, "rescheduled_call", **survey_values(revisit), when=when),
                     **say_kwargs(revisit.language))
    else:
        _say(response, revisit, "rescheduled_sms")
    response.hangup()
    return twiml_response(response)


@bp.post("/voice/solved")
@twilio_webhook
def solved():
    session, revisit, digits, answer = _read_key("solved", ("ask_solved",), "12")
    if answer is not None:
        return answer
    outcomes.record_solved(session, revisit, digits == "1")
    response = VoiceResponse()
    if digits == "2":
        _say(response, revisit, "reopened")
    return twiml_response(_ask(response, revisit, "score", ("ask_score",), 0))


@bp.post("/voice/score")
@twilio_webhook
def score():
    session, revisit, digits, answer = _read_key("score", ("ask_score",), "12345")
    if answer is not None:
        return answer
    outcomes.record_score(session, revisit, int(digits), "call")
    # The customer's own words (记录客户意见): recorded, then transcribed like every recording; the
    # text reaches the ticket when its transcript is ready (revisits/spoken_words.py). Nothing said:
    # Twilio skips the action and the thanks below end the call.
    response = VoiceResponse()
    _say(response, revisit, "ask_words")
    response.record(action=public_url_for("revisits.words", revisit=revisit.id, attempt=revisit.attempts),
                    method="POST", max_length=WORDS_MAX_SECONDS, timeout=5, finish_on_key="#", play_beep=True,
                    recording_status_callback=callback_url("recordings.status_callback"),
                    recording_status_callback_method="POST")
    _say(response, revisit, "thanks")
    response.hangup()
    return twiml_response(response)


@bp.post("/voice/words")
@twilio_webhook
def words():
    session, revisit = _revisit()
    if revisit is None:
        return _stale()
    _note_on_call(session, revisit, "revisit_words_recorded", recording_sid=request.form.get("RecordingSid", ""))
    response = VoiceResponse()
    _say(response, revisit, "words_thanks")
    response.hangup()
    return twiml_response(response)


@bp.post("/voice/status")
@twilio_webhook
def call_status():
    if not request.form.get("CallSid"):
        return "CallSid is required\n", 400
    track_call_status(request.form)
    db.session().commit()  # the call's end is announced now, before the revisit's outcome
    status = request.form.get("CallStatus", "")
    session, revisit = _revisit()
    if revisit is not None and status in FINAL_CALL_STATUSES:
        outcomes.record_call_end(session, revisit, status)
    return "", 204
