"""The caller's way through the menu: POST /voice/incoming, then POST /voice/ivr/choose after each
Gather (and after each silence, through the Redirect that follows every Gather)."""
from __future__ import annotations

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from hotline.contracts import CallerDirectory, CallerLookup, Salutations, provided
from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook
from ivr.choice import choose
from ivr.handover import offer_voicemail, record_step, send_to_queue
from ivr.menu_store import get_menu
from ivr.prompts import menu_twiml, say_all, voiced
from ivr.state import MenuState
from ivr.ticket_views import ask_ticket_number
from ivr.turns import FALLBACK_SKILL, bp, missed, this_call

__all__ = ["bp", "caller_lookup", "choose_option", "incoming"]

def caller_lookup(phone: str) -> CallerLookup | None:
    """The caller directory's lookup of `phone` (tickets keeps it: `CallerDirectory`), or None."""
    directory = provided(CallerDirectory)
    return directory.lookup(phone) if directory is not None and phone else None


def address(surname: str | None, title: str | None, language: str) -> str | None:
    """The greeting's 王女士 / Ms Wang (the rule is the customers' owner's: `Salutations`)."""
    salutations = provided(Salutations)
    return salutations.salutation(title, surname, language, spoken=True) if salutations is not None else None


@bp.post("/incoming")
@twilio_webhook
def incoming():
    call = this_call(first_request=True)
    if call is None:
        return "CallSid is required\n", 400
    tree = get_menu()
    lookup = caller_lookup(request.form.get("From", ""))
    # Most callers are new: their arrival is buffered in the directory lookup's round trip, and
    # amended for the callers it recognises.
    record_step(call, "incoming", result="new-caller")
    replies = call.commit_with(lookup) if lookup is not None else call.commit()
    customer = lookup.result(replies) if lookup is not None else None
    language = customer.language if customer is not None and customer.language in tree.languages else ""
    if language:
        assert customer is not None
        caller = address(customer.surname, customer.title, language)
        greeting = voiced(tree, tree.greeting_known if caller else tree.greeting, language, caller=caller or "")
        state = MenuState(tree.known_caller_start, language)
        call.language = language
        call.amend_arrival(result="known-caller", language=language)
    else:
        greeting = voiced(tree, tree.greeting, "")
        state = MenuState(tree.start)
    call.commit()  # written to the database here if Redis failed above
    return twiml_response(menu_twiml(tree, state, greeting))


@bp.post("/ivr/choose")
@twilio_webhook
def choose_option():
    call = this_call()
    if call is None:
        return "CallSid is required\n", 400
    tree = get_menu()
    state = MenuState.from_query(request.args)
    node = tree.node(state.node)
    if node is None:
        # The operator removed this node while the caller was in it: start them again, politely.
        state = MenuState(tree.known_caller_start if state.language else tree.start, state.language)
        record_step(call, "restart", result=f"goto:{state.node}", reason="node no longer in the menu")
        call.commit()
        return twiml_response(menu_twiml(tree, state))
    choice = choose(node, request.form.get("Digits"), request.form.get("SpeechResult"))
    if choice.kind in ("none", "invalid"):
        return twiml_response(missed(call, tree, state, node.name, choice.heard, choice.via,
                                     "no-input" if choice.kind == "none" else "invalid"))
    if choice.kind == "repeat":
        record_step(call, node.name, choice.heard, choice.via, "repeat")
        call.commit()
        return twiml_response(menu_twiml(tree, state))
    if choice.kind == "back":
        state = state.back()
        record_step(call, node.name, choice.heard, choice.via, f"back:{state.node}")
        call.commit()
        return twiml_response(menu_twiml(tree, state))
    assert choice.option is not None
    option, action = choice.option, choice.option.action
    state = state.speaking(option.language)
    if option.language:
        call.language = option.language
    step = {"node": node.name, "heard": choice.heard, "via": choice.via}
    if action.kind == "queue":
        assert action.queue is not None
        return twiml_response(send_to_queue(call, tree, state.language, action.queue, action.priority,
                                            **step))
    record_step(call, result=action.describe(), **step)
    call.commit()
    if action.kind == "goto":
        return twiml_response(menu_twiml(tree, state.go_to(action.node or state.node)))
    if action.kind == "info":
        after = state.go_to(action.node) if action.node else MenuState(state.node, state.language, state.trail)
        return twiml_response(menu_twiml(tree, after, voiced(tree, action.text, state.language)))
    if action.kind == "ticket_status":
        return twiml_response(ask_ticket_number(tree, MenuState(node.name, state.language, state.trail)))
    if action.kind == "voicemail":
        return twiml_response(offer_voicemail(tree, state.language, FALLBACK_SKILL))
    call.leave()  # a goodbye leaves the menu: the path is kept soon
    response = VoiceResponse()  # hangup
    say_all(response, voiced(tree, action.text, state.language))
    response.hangup()
    return twiml_response(response)
