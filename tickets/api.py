"""Tickets over the API: open, list, read, change (with the version), notes, move a call here.

Agents see and change the tickets assigned to them; supervisors and admins see all; QA reads all.
"""
from __future__ import annotations

from datetime import timedelta

from flask import g, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from hotline import db
from hotline.api import bp
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.models import Call
from tickets import cases
from tickets.api_input import (LANGUAGES, boolean, choice, day_start, integer, phone_field, query_bool,
                               query_day, query_int, text)
from tickets.call_media import calls_with_media
from tickets.history import actor_name, record
from tickets.models import CATEGORIES, Customer, Ticket
from tickets.outbox import discard, release
from tickets.presenters import ticket_dict
from tickets.sla import PRIORITIES
from tickets.transitions import STATUSES, InvalidTransition

TICKET_SCHEMA = {"type": "object", "required": ["phone", "category"], "properties": {
    "phone": {"type": "string"}, "category": {"enum": list(CATEGORIES)}, "priority": {"enum": list(PRIORITIES)},
    "description": {"type": "string"}, "department": {"type": "string"}, "assignee_id": {"type": "integer"},
    "language": {"enum": list(LANGUAGES)}, "call_sid": {"type": "string"}, "notify": {"type": "boolean"}}}
PATCH_SCHEMA = {"type": "object", "required": ["version"], "properties": {
    "version": {"type": "integer"}, "status": {"enum": list(STATUSES)}, "priority": {"enum": list(PRIORITIES)},
    "category": {"enum": list(CATEGORIES)}, "department": {"type": "string"}, "assignee_id": {"type": "integer"},
    "description": {"type": "string"}, "resolution_summary": {"type": "string"},
    "waiting_customer": {"type": "boolean"}, "callback_requested": {"type": "boolean"}}}


def _own_only() -> int | None:
    """The agent id whose tickets alone this caller may see; None for supervisors, QA and admins."""
    principal = g.principal
    if principal.role == "agent":
        return principal.agent_id if principal.agent_id is not None else -1
    return None


def load_ticket(number: str, for_update: bool = False) -> Ticket:
    ticket = db.session().scalars(select(Ticket).where(Ticket.number == number.upper())
                                  .options(selectinload(Ticket.customer))).first()
    if ticket is None:
        abort_json(404, f"no ticket {number}")
    own = _own_only()
    if own is not None and ticket.assignee_id != own:
        abort_json(403, f"ticket {ticket.number} is not assigned to you")
    return ticket


def commit_or_conflict(ticket: Ticket) -> None:
    session = db.session()
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        discard(session)
        current = session.scalars(select(Ticket.version).where(Ticket.id == ticket.id)).first()
        abort_json(409, "version: the ticket was changed by someone else; reload it and apply your change again",
                   current_version=current)
    release(session)


@bp.post("/tickets")
@require_role("supervisor", "agent")
@operation("Open a ticket for a customer", tags=["tickets"], request=TICKET_SCHEMA,
           responses={201: "the ticket with its number and due times", 422: "a field is invalid (named)"})
def create_ticket():
    body = json_body()
    phone = phone_field(body.get("phone"))
    category = choice(body.get("category"), "category", CATEGORIES, required=True)
    priority = choice(body.get("priority"), "priority", PRIORITIES)
    language = choice(body.get("language"), "language", LANGUAGES)
    description = text(body.get("description"), "description", 4000) or ""
    department = text(body.get("department"), "department", 60)
    assignee_id = integer(body.get("assignee_id"), "assignee_id")
    notify = boolean(body.get("notify"), "notify")
    call_sid = text(body.get("call_sid"), "call_sid", 64)
    if g.principal.role == "agent":
        assignee_id = g.principal.agent_id if assignee_id is None else assignee_id
    session = db.session()
    if call_sid and session.scalars(select(Call.id).where(Call.sid == call_sid)).first() is None:
        abort_json(422, f"call_sid: no call {call_sid}")
    customer = cases.customer_for_phone(session, phone, language)
    actor = actor_name(g.principal)
    ticket = cases.open_ticket(session, category=category, priority=priority, actor=actor, customer=customer,
                               description=description, department=department, assignee_id=assignee_id,
                               channel="api", language=language, notify=notify is not False)
    if call_sid:
        cases.move_call(session, call_sid, ticket, actor)
    session.commit()
    release(session)
    return jsonify(ticket_dict(ticket)), 201


@bp.get("/tickets")
@require_role("supervisor", "agent", "qa")
@operation("List tickets, newest first", tags=["tickets"],
           description="Filters: status, category, priority, phone, breached, assignee_id, from, to "
                       "(local dates, inclusive); paging: page, per_page (at most 100).",
           responses={200: "a page of tickets", 400: "a filter is malformed (named)"})
def list_tickets():
    args = request.args
    query = select(Ticket).options(selectinload(Ticket.customer))
    for field, choices in (("status", STATUSES), ("category", CATEGORIES), ("priority", PRIORITIES)):
        if args.get(field):
            values = args[field].split(",")
            bad = [v for v in values if v not in choices]
            if bad:
                abort_json(400, f"{field}: {bad[0]!r} is not one of {', '.join(choices)}")
            query = query.where(getattr(Ticket, field).in_(values))
    if args.get("phone"):
        query = query.join(Customer, Ticket.customer_id == Customer.id).where(
            Customer.phone == phone_field(args["phone"]))
    breached = query_bool(args.get("breached"), "breached")
    if breached is not None:
        query = query.where(Ticket.breached.is_(breached))
    if args.get("assignee_id"):
        query = query.where(Ticket.assignee_id == query_int(args["assignee_id"], "assignee_id", 0, 0, 2**31))
    first, last = query_day(args.get("from"), "from"), query_day(args.get("to"), "to")
    if first:
        query = query.where(Ticket.created_at >= day_start(first))
    if last:
        query = query.where(Ticket.created_at < day_start(last + timedelta(days=1)))
    own = _own_only()
    if own is not None:
        query = query.where(Ticket.assignee_id == own)
    page = query_int(args.get("page"), "page", 1, 1, 100000)
    per_page = query_int(args.get("per_page"), "per_page", 25, 1, 100)
    session = db.session()
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify(items=[ticket_dict(t) for t in rows], page=page, per_page=per_page, total=total)


@bp.get("/tickets/<number>")
@require_role("supervisor", "agent", "qa")
@operation("A ticket with its history and its calls (recordings and transcripts state)", tags=["tickets"],
           responses={200: "the ticket", 403: "an agent asking for another agent's ticket", 404: "no such ticket"})
def get_ticket(number: str):
    ticket = load_ticket(number)
    data = ticket_dict(ticket)
    data["events"] = [e.to_dict() for e in ticket.events]
    data["calls"] = calls_with_media(db.session(), list(ticket.calls))
    return jsonify(data)


@bp.patch("/tickets/<number>")
@require_role("supervisor", "agent")
@operation("Change a ticket; send the version you read", tags=["tickets"], request=PATCH_SCHEMA,
           responses={200: "the changed ticket", 409: "stale version: someone changed it first",
                      422: "an invalid value or status move (named)"})
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
            value = text(body[field], field, limit)
            if value != getattr(ticket, field):
                changes[field] = [getattr(ticket, field), value]
                setattr(ticket, field, value)
    if "category" in body:
        category = choice(body["category"], "category", CATEGORIES, required=True)
        if category != ticket.category:
            changes["category"] = [ticket.category, category]
            ticket.category = category
    if "assignee_id" in body:
        assignee = integer(body["assignee_id"], "assignee_id")
        if g.principal.role == "agent" and assignee != g.principal.agent_id:
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
            cases.change_priority(session, ticket, choice(body["priority"], "priority", PRIORITIES, True), actor)
        if "waiting_customer" in body:
            cases.set_waiting_customer(session, ticket, bool(boolean(body["waiting_customer"], "waiting_customer")),
                                       actor)
        status = choice(body.get("status"), "status", STATUSES)
        if status is None and "assignee_id" in changes and ticket.status in {"new", "reopened"} \
                and ticket.assignee_id is not None:
            status = "assigned"  # giving a new ticket an owner is assigning it
        if status is not None and (status != ticket.status or status == "assigned" and "assignee_id" in changes):
            cases.move_status(session, ticket, status, actor)
    except (InvalidTransition, cases.TicketInputError) as exc:
        session.rollback()
        discard(session)
        abort_json(422, str(exc))
    commit_or_conflict(ticket)
    return jsonify(ticket_dict(ticket))


@bp.post("/tickets/<number>/notes")
@require_role("supervisor", "agent")
@operation("Add a note to a ticket's history", tags=["tickets"],
           request={"type": "object", "required": ["text"], "properties": {
               "text": {"type": "string"}, "contacted_customer": {"type": "boolean"}}},
           responses={201: "the note as stored", 422: "text missing or too long"})
def add_note(number: str):
    body = json_body()
    note = text(body.get("text"), "text", 4000, required=True)
    contacted = boolean(body.get("contacted_customer"), "contacted_customer")
    ticket = load_ticket(number)
    session = db.session()
    event = record(session, ticket, actor_name(g.principal), "note", text=note, contacted_customer=bool(contacted))
    if contacted:
        cases.mark_first_response(ticket)  # a call-back or message to the customer is a response
    ticket.updated_at = event.at
    commit_or_conflict(ticket)
    return jsonify(event.to_dict()), 201


@bp.post("/tickets/<number>/calls")
@require_role("supervisor", "agent")
@operation("File a call on this ticket, moving it from the ticket it was on", tags=["tickets"],
           request={"type": "object", "required": ["call_sid"], "properties": {"call_sid": {"type": "string"}}},
           responses={200: "the ticket's calls", 422: "no such call"})
def move_call_here(number: str):
    body = json_body()
    call_sid = text(body.get("call_sid"), "call_sid", 64, required=True)
    ticket = load_ticket(number)
    session = db.session()
    if session.scalars(select(Call.id).where(Call.sid == call_sid)).first() is None:
        abort_json(422, f"call_sid: no call {call_sid}")
    cases.move_call(session, call_sid, ticket, actor_name(g.principal))
    commit_or_conflict(ticket)
    session.refresh(ticket)
    return jsonify(number=ticket.number, calls=calls_with_media(session, list(ticket.calls)))


# The customer and report views share this blueprint; importing them here registers them with it.
from tickets import api_customers, api_reports  # noqa: E402,F401
