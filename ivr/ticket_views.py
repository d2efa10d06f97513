"""Ticket status self-service: the caller types the digits after "GD" and #, hears the status,
the promised time and the last update, and may press 0 to talk to someone about that ticket.

Only the ticket's owner hears it: a caller calling from the number on file at once, anyone else
after typing the last four digits of that number. Wrong ticket numbers and wrong digits are
counted per calling number (ivr.ticket_guesses); past the limit the caller goes to a person with
no ticket attached. The follow-up URL (which files the call on the ticket when 0 is pressed) is
only ever given to a caller who passed, and Twilio signs it, so a stranger's call is never filed
on, or answered as the first response to, someone else's ticket."""
from __future__ import annotations

import re
from xml.etree import ElementTree

from flask import current_app, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from hotline.twiml import twiml_response
from hotline.webhooks import twilio_webhook
from ivr.choice import choose
from ivr.handover import record_step, send_to_queue
from ivr.lookup import TicketStatus, get_ticket_status_provider, look_up_ticket, ticket_number_from_digits
from ivr.menu import Action, MenuTree, Node, Option
from ivr.menu_store import get_menu
from ivr.prompts import Spoken, gather_language, menu_twiml, phrase, say_all
from hotline import local_time
from ivr.speaking import spell_ticket_number
from ivr.state import MenuState
from ivr.ticket_guesses import count_wrong_guess, may_guess
from ivr.turns import bp, missed, this_call

AFTERSALES, AFTERSALES_PRIORITY = "aftersales", 3
TICKET_ENTRY_TIMEOUT_SECONDS = 10
LAST_FOUR_TIMEOUT_SECONDS = 8
_TICKET_NUMBER = re.compile(r"^GD\d{9,}$")
# After the status: 0 (or asking for a person) talks to someone about this ticket.
FOLLOW_UP = Node("ticket_follow_up", {}, (
    Option("0", {"zh-CN": ("人工", "客服", "转人工"), "en-US": ("agent", "operator", "person", "someone")},
           Action("queue", queue=AFTERSALES, priority=AFTERSALES_PRIORITY)),
))


def ask_ticket_number(tree: MenuTree, state: MenuState, lead: Spoken | None = None) -> VoiceResponse:
    """`state.node` is the menu that offered the lookup; # after the status goes back to it."""
    response = VoiceResponse()
    action = url_for("ivr.ticket_entered", **state.query())
    gather = response.gather(input="dtmf", finish_on_key="#", timeout=TICKET_ENTRY_TIMEOUT_SECONDS,
                             action=action, method="POST")
    say_all(gather, (lead or []) + phrase(tree, "ticket_prompt", state.language))
    response.redirect(action, method="POST")
    return response


def tell_status(tree: MenuTree, state: MenuState, status: TicketStatus, lead: Spoken | None = None) -> VoiceResponse:
    language = state.language
    zone = current_app.config["HOTLINE_SETTINGS"].timezone
    spoken = (lead or []) + phrase(tree, "ticket_status", language, number=spell_ticket_number(status.number),
                    status=status.status_text)
    if status.promised_at is not None:
        spoken += phrase(tree, "ticket_promised", language, time=local_time.spoken(status.promised_at, language, zone))
    if status.last_update_at is not None and status.last_update_text:
        spoken += phrase(tree, "ticket_last_update", language, time=local_time.spoken(status.last_update_at, language, zone),
                         update=status.last_update_text)
    response = VoiceResponse()
    action = url_for("ivr.ticket_follow_up", ticket=status.number, **state.query())
    gather = response.gather(input="dtmf speech", num_digits=1, finish_on_key="", timeout=6, speech_timeout="auto",
                             action=action, method="POST", language=gather_language(language),
                             hints=", ".join(FOLLOW_UP.options[0].words.get(language, ())))
    say_all(gather, spoken + phrase(tree, "ticket_options", language))
    response.redirect(action, method="POST")
    return response


def ask_last_four(tree: MenuTree, state: MenuState, number: str, lead: Spoken | None = None) -> VoiceResponse:
    """Ask a caller not calling from the number on file for its last four digits."""
    response = VoiceResponse()
    action = url_for("ivr.ticket_confirmed", ticket=number, **state.query())
    gather = response.gather(input="dtmf", num_digits=4, finish_on_key="#", timeout=LAST_FOUR_TIMEOUT_SECONDS,
                             action=action, method="POST")
    say_all(gather, (lead or []) + phrase(tree, "ticket_confirm_prompt", state.language))
    response.redirect(action, method="POST")
    return response


def too_many_guesses(call, tree: MenuTree, state: MenuState, node: str, heard: str):
    """The caller's number used up its tries: no status, a person instead (with no ticket attached)."""
    handed = send_to_queue(call, tree, state.language, AFTERSALES, AFTERSALES_PRIORITY, node=node, heard=heard,
                           via="dtmf" if heard else "", reason="too many ticket guesses")
    # The hand-over may come from the rendered-TwiML cache as text: the apology goes in front of its verbs.
    intro = VoiceResponse()
    say_all(intro, phrase(tree, "ticket_too_many", state.language))
    root = ElementTree.fromstring(str(handed))
    for position, verb in enumerate(ElementTree.fromstring(str(intro))):
        root.insert(position, verb)
    return '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(root, encoding="unicode")


@bp.post("/ivr/ticket")
@twilio_webhook
def ticket_entered():
    call = this_call()
    if call is None:
        return "CallSid is required\n", 400
    tree = get_menu()
    state = MenuState.from_query(request.args)
    digits = request.form.get("Digits", "").strip()
    caller = request.form.get("From", "")
    if digits and not may_guess(caller):
        return twiml_response(too_many_guesses(call, tree, state, "ticket_entry", digits))
    status = look_up_ticket(digits, state.language or current_app.config["HOTLINE_SETTINGS"].default_language)
    if status is None:
        if digits and ticket_number_from_digits(digits) is not None and not count_wrong_guess(caller):
            return twiml_response(too_many_guesses(call, tree, state, "ticket_entry", digits))
        lead = phrase(tree, "ticket_not_found", state.language) if digits else None
        return twiml_response(missed(call, tree, state, "ticket_entry", digits, "dtmf" if digits else "",
                                     "not-found" if digits else "no-input", ask=ask_ticket_number, lead=lead,
                                     skill=AFTERSALES, priority=AFTERSALES_PRIORITY))
    provider = get_ticket_status_provider()
    if provider is None or not provider.is_owner(status.number, caller):
        record_step(call, "ticket_entry", digits, "dtmf", "ticket-confirm-asked", ticket_number=status.number)
        call.commit()
        return twiml_response(ask_last_four(tree, MenuState(state.node, state.language, state.trail), status.number))
    record_step(call, "ticket_entry", digits, "dtmf", "ticket-found", ticket_number=status.number)
    call.commit()
    return twiml_response(tell_status(tree, state, status))


@bp.post("/ivr/ticket/confirm")
@twilio_webhook
def ticket_confirmed():
    """The last four digits of the number on file: right, the status; wrong, asked again (twice at
    most, within the caller's tries), then a person with no ticket attached."""
    call = this_call()
    if call is None:
        return "CallSid is required\n", 400
    tree = get_menu()
    state = MenuState.from_query(request.args)
    number = request.args.get("ticket", "")
    if not _TICKET_NUMBER.match(number):
        return "ticket must be a GD ticket number\n", 400
    digits = request.form.get("Digits", "").strip()
    caller = request.form.get("From", "")
    typed = "****" if digits else ""  # part of a phone number: never kept in the call's history
    if not may_guess(caller):
        return twiml_response(too_many_guesses(call, tree, state, "ticket_confirm", typed))
    provider = get_ticket_status_provider()
    confirmed = bool(digits) and provider is not None and provider.confirms_owner(number, digits)
    status = provider.lookup(number, state.language or current_app.config["HOTLINE_SETTINGS"].default_language) \
        if confirmed and provider is not None else None
    if status is None:
        if digits and not count_wrong_guess(caller):
            return twiml_response(too_many_guesses(call, tree, state, "ticket_confirm", typed))
        lead = phrase(tree, "ticket_confirm_wrong", state.language) if digits else None
        return twiml_response(missed(call, tree, state, "ticket_confirm", typed, "dtmf" if digits else "",
                                     "not-confirmed" if digits else "no-input",
                                     ask=lambda t, s, lead: ask_last_four(t, s, number, lead), lead=lead,
                                     skill=AFTERSALES, priority=AFTERSALES_PRIORITY))
    record_step(call, "ticket_confirm", typed, "dtmf", "ticket-found", ticket_number=status.number)
    call.commit()
    return twiml_response(tell_status(tree, MenuState(state.node, state.language, state.trail), status))


@bp.post("/ivr/ticket/follow-up")
@twilio_webhook
def ticket_follow_up():
    call = this_call()
    if call is None:
        return "CallSid is required\n", 400
    tree = get_menu()
    state = MenuState.from_query(request.args)
    number = request.args.get("ticket", "")
    if not _TICKET_NUMBER.match(number):
        return "ticket must be a GD ticket number\n", 400
    choice = choose(FOLLOW_UP, request.form.get("Digits"), request.form.get("SpeechResult"))
    step = {"node": "ticket_status", "heard": choice.heard, "via": choice.via}
    if choice.kind == "option":
        return twiml_response(send_to_queue(call, tree, state.language, AFTERSALES, AFTERSALES_PRIORITY,
                                            ticket_number=number, **step))
    if choice.kind == "none":
        # They heard what they called for and said nothing more: served by the IVR alone.
        record_step(call, result="served", ticket_number=number, **step)
        call.leave()  # served by the IVR alone: the whole path is kept soon
        response = VoiceResponse()
        say_all(response, phrase(tree, "goodbye", state.language))
        response.hangup()
        return twiml_response(response)
    if choice.kind == "back":
        back = MenuState(state.node, state.language, state.trail) if tree.node(state.node) else \
            MenuState(tree.known_caller_start, state.language)
        record_step(call, result=f"back:{back.node}", ticket_number=number, **step)
        call.commit()
        return twiml_response(menu_twiml(tree, back))
    provider = get_ticket_status_provider()
    status = provider.lookup(number, state.language) if provider is not None else None
    if status is None:  # the ticket went away meanwhile (merged, deleted): ask for a number again
        record_step(call, result="ticket-gone", ticket_number=number, **step)
        call.commit()
        return twiml_response(ask_ticket_number(tree, state, phrase(tree, "ticket_not_found", state.language)))
    if choice.kind == "repeat":
        record_step(call, result="repeat", ticket_number=number, **step)
        call.commit()
        return twiml_response(tell_status(tree, state, status))
    return twiml_response(missed(call, tree, state, "ticket_status", choice.heard, choice.via, "invalid",
                                 ask=lambda t, s, lead: tell_status(t, s, status, lead), skill=AFTERSALES,
                                 priority=AFTERSALES_PRIORITY, ticket_number=number))

