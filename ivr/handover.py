"""Leaving the menu: to a queue (announced with `call_routed`), or to a recorded message when
nobody can answer at this hour."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from twilio.twiml.voice_response import VoiceResponse

from hotline.calendar import get_calendar
from hotline.clock import now
from hotline.contracts import AgentsOnShift, provided
from hotline.webhooks import callback_url
from ivr.call_steps import BufferedCall, CallSteps
from ivr.destination import NIGHT_QUEUE, choose_destination
from ivr.menu import MenuTree
from ivr.prompts import phrase, rendered, say_all

log = logging.getLogger(__name__)
VOICEMAIL_MAX_SECONDS = 120


def record_step(call: CallSteps | BufferedCall, node: str, heard: str = "", via: str = "", result: str = "",
                **extra: object) -> None:
    """One IVR step in the call's history: where the caller was, what they did, what followed.

    The first step is kind "incoming" (the call's arrival, which every area reads); later ones "ivr".
    """
    call.record("incoming" if node == "incoming" else "ivr", node=node, input=heard, via=via, result=result,
                **{k: v for k, v in extra.items() if v is not None})


def night_agents(language: str) -> int:
    routing = provided(AgentsOnShift)
    if routing is None:
        return 0
    try:
        return int(routing.agents_on_shift(NIGHT_QUEUE, language))
    except Exception:  # a routing fault must not cost the caller their call: take a message instead
        log.exception("agents_on_shift failed; treating the night shift as empty")
        return 0


def send_to_queue(call: CallSteps | BufferedCall, tree: MenuTree, language: str, skill: str, priority: int, *,
                  node: str, heard: str = "", via: str = "", ticket_number: str | None = None,
                  reason: str | None = None) -> VoiceResponse | str:
    """The caller leaves the menu for a queue (or, when nobody can answer at this hour, a message).

    The path and the `call_routed` announcement are settled into the database off the caller's
    path (see ivr.call_steps); routing settles them first if it gets the caller before that."""
    language = language or current_app.config["HOTLINE_SETTINGS"].default_language
    calendar, moment = get_calendar(), now()
    business_hours = calendar.is_business_hours(moment)
    night_shift = not business_hours and calendar.is_night_shift(moment)
    destination = choose_destination(skill, business_hours=business_hours, night_shift=night_shift,
                                     night_agents=night_agents(language) if night_shift else 0)
    call.language = language
    if destination.kind == "voicemail":
        record_step(call, node, heard, via, "voicemail-offered", category=skill, priority=priority, reason=reason,
                    ticket_number=ticket_number)
        call.commit()
        # The message keeps what the caller chose: an urgent one at night files an urgent ticket.
        return rendered(tree, ("after-hours-voicemail", language, skill, priority),
                        lambda: offer_voicemail(tree, language, skill, after_hours=True, priority=priority))
    record_step(call, node, heard, via, f"queue:{destination.queue}", category=skill, priority=priority,
                ticket_number=ticket_number, reason=reason)
    call.commit(routed={"category": skill, "priority": priority, "language": language,
                        "ticket_number": ticket_number})
    return rendered(tree, ("transfer", language, destination.queue, priority),
                    lambda: transfer(tree, language, destination.queue, priority))


def transfer(tree: MenuTree, language: str, queue: str, priority: int) -> VoiceResponse:
    response = VoiceResponse()
    say_all(response, phrase(tree, "transferring", language))
    # The language travels with the caller, as the menu's state does: routing needs it at once.
    response.redirect(url_for("routing.enter", queue=queue, priority=priority, lang=language), method="POST")
    return response


def offer_voicemail(tree: MenuTree, language: str, category: str, *, after_hours: bool = False,
                    misses: int = 0, lead: list[tuple[str, str]] | None = None,
                    priority: int | None = None) -> VoiceResponse:
    """Ask for a message and record it; if nothing is recorded Twilio skips the action and falls
    through to the Redirect after the Record. The category and the queue priority the caller chose
    travel in the action's URL, so the message's ticket is filed as the call would have been."""
    response = VoiceResponse()
    say_all(response, (lead or []) + phrase(tree, "after_hours_voicemail" if after_hours else "voicemail_prompt",
                                            language))
    state = {"lang": language, "category": category, "misses": str(misses), "after": "1" if after_hours else "0"}
    if priority is not None:
        state["priority"] = str(priority)
    response.record(action=url_for("ivr.voicemail_left", **state), method="POST", max_length=VOICEMAIL_MAX_SECONDS,
                    timeout=5, finish_on_key="#", play_beep=True,
                    recording_status_callback=callback_url("recordings.status_callback"),
                    recording_status_callback_method="POST")
    response.redirect(url_for("ivr.voicemail_missed", **state), method="POST")
    return response
