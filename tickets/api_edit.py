"""Changing tickets over the API: PATCH with the version read, notes, moving a call to a ticket."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, g, jsonify

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from tickets import cases, escalation, progress
from tickets.api import commit_or_conflict, load_ticket, require_own_call, visible_calls_with_media
from tickets.api_input import boolean, choice, department_field, integer, text
from tickets.history import actor_name, record
from tickets.models import CATEGORIES, Ticket
from tickets.presenters import ticket_dict
from tickets.sla import PRIORITIES
from tickets.transitions import STATUSES, InvalidTransition
from tickets.visibility import access

bp = Blueprint("ticket_edits", __name__)  # nested under /api by the app factory (hotline.areas)

PATCH_SCHEMA = {"type": "object", "required": ["version"], "additionalProperties": False, "properties": {
    "version": schemas.integer(Ticket.version), "status": schemas.one_of(STATUSES, null=True),
    "priority": schemas.one_of(PRIORITIES), "category": schemas.one_of(CATEGORIES),
    "department": schemas.text(Ticket.department, blank=True, null=True),
    "assignee_id": schemas.integer(Ticket.assignee_id, null=True),
    "description": schemas.text(max_length=4000, blank=True, null=True),
    "resolution_summary": schemas.text(max_length=500, blank=True, null=True),
    "waiting_customer": schemas.boolean(), "callback_requested": schemas.boolean(null=True)}}
NUMBER = {"number": schemas.text(Ticket.number)}


@bp.patch("/tickets/<number>")
@require_role("supervisor", "agent")
@operation("Change a ticket; send the version you read", tags=["tickets"], request=PATCH_SCHEMA,
           responses={200: "the changed ticket", 403: "not an agent's own ticket or hand-on",
                      404: "no such ticket", 409: "stale version: someone changed it first",
                      422: "an invalid value or status move (named)"}, path=NUMBER)
def update_ticket(number: str):
    body = json_body()
    ticket = load_ticket(number)
    version = integer(body.get("version"), "version")
    if version is None:
        abort_json(422, "version: required, the version you last read (concurrent edits are refused)")
    if version != ticket.version:
        abort_json(409, f"version: you sent {version} but the ticket is at {ticket.version}; reload it",
                   current_version=ticket.version)
    session = db.session()
    actor = actor_name(g.principal)
    unknown = sorted(set(body) - set(PATCH_SCHEMA["properties"]))
    if unknown:
        abort_json(422, f"{unknown[0]}: not a field that can be changed")
    changes = {}
    for field, limit in (("description", 4000), ("department", 60), ("resolution_summary", 500)):
        if field in body:
            value = department_field(body[field]) if field == "department" else text(body[field], field, limit)
            if value != getattr(ticket, field):
                changes[field] = [getattr(ticket, field), value]
                setattr(ticket, field, value)
    if "category" in body:
        category = choice(body["category"], "category", CATEGORIES, required=True)
        if category != ticket.category:
            changes["category"] = [ticket.category, category]
            ticket.category = category
            progress.replan_clocks(ticket)  # a complaint's clocks are its own (tickets/sla_rules.yaml)
    if "assignee_id" in body:
        assignee = integer(body["assignee_id"], "assignee_id")
        if not access().may_assign(access().current_viewer(), assignee):
            abort_json(403, "assignee_id: agents hand tickets on through a supervisor")
        if assignee != ticket.assignee_id:
            changes["assignee_id"] = [ticket.assignee_id, assignee]
            ticket.assignee_id = assignee
    if "callback_requested" in body:
        wanted = boolean(body["callback_requested"], "callback_requested")
        if wanted != ticket.callback_requested:
            changes["callback_requested"] = [ticket.callback_requested, wanted]
            ticket.callback_requested = bool(wanted)
    if changes:
        record(session, ticket, actor, "changed", **changes)
    try:
        if "priority" in body:
            progress.change_priority(session, ticket, choice(body["priority"], "priority", PRIORITIES, True), actor)
        if "waiting_customer" in body:
            progress.set_waiting_customer(session, ticket, bool(boolean(body["waiting_customer"], "waiting_customer")),
                                       actor)
        status = choice(body.get("status"), "status", STATUSES)
        if status is None and "assignee_id" in changes and ticket.status in {"new", "reopened", "in_progress"} \
                and ticket.assignee_id is not None:
            status = "assigned"  # a new owner (first or next) has the ticket assigned, not yet worked
        if status is not None and (status != ticket.status or status == "assigned" and "assignee_id" in changes):
            progress.move_status(session, ticket, status, actor)
    except (InvalidTransition, cases.TicketInputError) as exc:
        session.rollback()
        abort_json(422, str(exc))
    commit_or_conflict(ticket)
    return jsonify(ticket_dict(ticket))


@bp.post("/tickets/<number>/notes")
@require_role("supervisor", "agent")
@operation("Add a note to a ticket's history", tags=["tickets"],
           request={"type": "object", "required": ["text"], "properties": {
               "text": schemas.text(max_length=4000), "contacted_customer": schemas.boolean(null=True)}},
           responses={201: "the note as stored", 403: "not an agent's own ticket", 404: "no such ticket",
                      409: "changed by someone else at the same moment", 422: "text missing or too long"},
           path=NUMBER)
def add_note(number: str):
    body = json_body()
    ticket = load_ticket(number)  # who may see it first: a refused caller learns nothing of the input rules
    note = text(body.get("text"), "text", 4000, required=True)
    contacted = boolean(body.get("contacted_customer"), "contacted_customer")
    session = db.session()
    event = record(session, ticket, actor_name(g.principal), "note", text=note, contacted_customer=bool(contacted))
    if contacted:
        progress.mark_first_response(ticket)  # a call-back or message to the customer is a response
    ticket.updated_at = event.at
    commit_or_conflict(ticket)
    return jsonify(event.to_dict()), 201


@bp.post("/tickets/<number>/calls")
@require_role("supervisor", "agent")
@operation("File a call on this ticket, moving it from the ticket it was on", tags=["tickets"],
           request={"type": "object", "required": ["call_sid"],
                    "properties": {"call_sid": schemas.text(max_length=64)}},
           responses={200: "the ticket's calls", 403: "an agent moving another agent's call, or not their ticket",
                      404: "no such ticket", 409: "changed by someone else at the same moment",
                      422: "no such call"}, path=NUMBER)

def move_call_here(number: str):
    body = json_body()
    call_sid = text(body.get("call_sid"), "call_sid", 64, required=True)
    ticket = load_ticket(number)
    session = db.session()
    require_own_call(call_sid)  # an agent moves only their own calls, to a ticket they may see
    cases.move_call(session, call_sid, ticket, actor_name(g.principal))
    commit_or_conflict(ticket)
    session.refresh(ticket)
    calls, others = visible_calls_with_media(ticket)
    return jsonify(number=ticket.number, calls=calls, other_calls=others)


ESCALATE_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {
    "group": schemas.text(max_length=40), "reason": schemas.text(max_length=500, blank=True)}}


PLAN_SCHEMA = {"type": "object", "required": ["text"], "additionalProperties": False,
               "properties": {"text": schemas.text(max_length=4000)}}


def require_own_ticket(ticket: Ticket, what: str) -> None:
    """A supervisor acts on any ticket; an agent only on one assigned to them."""
    viewer = access().current_viewer()
    if viewer.sees_all:
        return
    if not viewer.is_agent or ticket.assignee_id != viewer.agent_id:
        abort_json(403, f"ticket {ticket.number} is not assigned to you; a supervisor can {what} it")


def own_ticket_request(number: str, schema: dict, verb: str, what: str) -> tuple[dict, Ticket]:
    """The JSON body and the ticket of an action on one ticket: 404 if there is none, 403 for an agent's
    action on a ticket not assigned to them (`verb`: "escalate"), 422 naming a field the action does not
    take (`what`: "an escalation")."""
    body = json_body()
    ticket = load_ticket(number)
    require_own_ticket(ticket, verb)
    unknown = sorted(set(body) - set(schema["properties"]))
    if unknown:
        abort_json(422, f"{unknown[0]}: not a field of {what}")
    return body, ticket


def changed(ticket: Ticket, change: Callable[[], object]):
    """Run a domain change on `ticket` and answer with the ticket: 422 naming the refused input (nothing
    kept), 409 if someone else changed it at the same moment."""
    try:
        change()
    except cases.TicketInputError as exc:
        db.session().rollback()
        abort_json(422, str(exc))
    commit_or_conflict(ticket)
    return jsonify(ticket_dict(ticket))


@bp.post("/tickets/<number>/escalate")
@require_role("supervisor", "agent")
@operation("Escalate a ticket to a specialist group (tier 2, a plan clock; the supervisor is alerted)",
           tags=["tickets"], request=ESCALATE_SCHEMA,
           responses={200: "the escalated ticket (unchanged if already with that group)",
                      403: "an agent escalating a ticket not assigned to them", 404: "no such ticket",
                      409: "changed by someone else at the same moment",
                      422: "an unknown group, or a ticket no longer open"}, path=NUMBER)
def escalate_ticket(number: str):
    body, ticket = own_ticket_request(number, ESCALATE_SCHEMA, "escalate", "an escalation")
    group = text(body.get("group"), "group", 40)
    reason = text(body.get("reason"), "reason", 500) or ""
    return changed(ticket, lambda: escalation.escalate(db.session(), ticket, actor_name(g.principal),
                                                        group=group or None, reason=reason))


@bp.post("/tickets/<number>/plan")
@require_role("supervisor", "agent")
@operation("Record the specialist group's plan for an escalated ticket (stops the plan clock)",
           tags=["tickets"], request=PLAN_SCHEMA,
           responses={200: "the ticket with its plan clock met or missed",
                      403: "an agent recording a plan on a ticket not assigned to them", 404: "no such ticket",
                      409: "changed by someone else at the same moment",
                      422: "no text, a ticket not escalated, or one that has its plan"}, path=NUMBER)
def record_plan(number: str):
    body, ticket = own_ticket_request(number, PLAN_SCHEMA, "record a plan on", "a plan")
    plan = text(body.get("text"), "text", 4000, required=True)
    return changed(ticket, lambda: escalation.record_plan(db.session(), ticket, plan, actor_name(g.principal)))
