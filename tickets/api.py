"""Tickets over the API: open, list, read, change (with the version), notes, move a call here.

Who sees which ticket and call is the access policy's (`hotline.contracts.AccessPolicy`, and
tickets.visibility for its rule as ticket queries; docs/security.md): agents see
the tickets assigned to them or open in their queues, and only their own calls; supervisors and
admins see and change all; QA reads all.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, jsonify, request
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from hotline import db
from hotline.api import keyset, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.models import Call
from tickets import cases, visibility
from tickets.api_input import (LANGUAGES, boolean, choice, day_start, department_field, integer, phone_field, query_bool,
                               query_day, query_int, text)
from tickets.call_media import calls_with_media
from tickets.history import actor_name
from tickets.models import CATEGORIES, Customer, Ticket, TicketCall
from tickets.presenters import ticket_dict
from tickets.sla import PRIORITIES
from tickets.transitions import OPEN_STATUSES, STATUSES
from tickets.visibility import access

bp = Blueprint("tickets", __name__)  # nested under /api by the app factory (hotline.areas)

TICKET_SCHEMA = {"type": "object", "required": ["phone", "category"], "properties": {
    "phone": schemas.PHONE, "category": schemas.one_of(CATEGORIES),
    "priority": schemas.one_of(PRIORITIES, null=True),
    "description": schemas.text(max_length=4000, blank=True, null=True),
    "department": schemas.text(Ticket.department, blank=True, null=True),
    "assignee_id": schemas.integer(Ticket.assignee_id, null=True), "language": schemas.one_of(LANGUAGES, null=True),
    "call_sid": schemas.text(max_length=64, blank=True, null=True), "notify": schemas.boolean(null=True)}}



def load_ticket(number: str) -> Ticket:
    ticket = db.session().scalars(select(Ticket).where(Ticket.number == number.upper())
                                  .options(selectinload(Ticket.customer))).first()
    if ticket is None:
        abort_json(404, f"no ticket {number}")
    if not visibility.may_read_ticket_row(db.session(), access().current_viewer(), ticket):
        abort_json(403, f"ticket {ticket.number} is neither assigned to you nor open in your queues")
    return ticket


def require_own_call(call_sid: str) -> None:
    """422 for a call that does not exist, 403 for one the viewer may not see (another agent's)."""
    session = db.session()
    if session.scalars(select(Call.id).where(Call.sid == call_sid)).first() is None:
        abort_json(422, f"call_sid: no call {call_sid}")
    if not access().may_read_call_sid(session, access().current_viewer(), call_sid):
        abort_json(403, f"call_sid: call {call_sid} is not one of your calls")


def visible_calls_with_media(ticket: Ticket) -> tuple[list[dict], int]:
    """The ticket's calls the viewer may see (with media state), and how many others it has."""
    session = db.session()
    links = list(ticket.calls)
    visible = access().visible_call_sids(session, access().current_viewer(), [link.call_sid for link in links])
    shown = [link for link in links if link.call_sid in visible]
    return calls_with_media(session, shown), len(links) - len(shown)


def ticket_detail(ticket: Ticket) -> dict:
    data = ticket_dict(ticket)
    data["events"] = [e.to_dict() for e in ticket.events]
    data["calls"], data["other_calls"] = visible_calls_with_media(ticket)
    return data


def commit_or_conflict(ticket: Ticket) -> None:
    session = db.session()
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        current = session.scalars(select(Ticket.version).where(Ticket.id == ticket.id)).first()
        abort_json(409, "version: the ticket was changed by someone else; reload it and apply your change again",
                   current_version=current)


@bp.post("/tickets")
@require_role("supervisor", "agent")
@operation("Open a ticket for a customer", tags=["tickets"], request=TICKET_SCHEMA,
           responses={201: "the ticket with its number and due times", 422: "a field is invalid (named)",
                      403: "an agent assigning to someone else, or filing another agent's call"},
           description="call_sid, when given, must be a call we know (else 422).")
def create_ticket():
    body = json_body()
    phone = phone_field(body.get("phone"))
    category = choice(body.get("category"), "category", CATEGORIES, required=True)
    priority = choice(body.get("priority"), "priority", PRIORITIES)
    language = choice(body.get("language"), "language", LANGUAGES)
    description = text(body.get("description"), "description", 4000) or ""
    department = department_field(body.get("department"))
    assignee_id = integer(body.get("assignee_id"), "assignee_id")
    notify = boolean(body.get("notify"), "notify")
    call_sid = text(body.get("call_sid"), "call_sid", 64)
    viewer = access().current_viewer()
    if viewer.role == "agent":
        assignee_id = viewer.agent_id if assignee_id is None else assignee_id
    if not access().may_assign(viewer, assignee_id):
        abort_json(403, "assignee_id: agents open tickets for themselves; a supervisor hands them on")
    session = db.session()
    if call_sid:
        require_own_call(call_sid)
    customer = cases.customer_for_phone(session, phone, language)
    actor = actor_name(g.principal)
    ticket = cases.open_ticket(session, category=category, priority=priority, actor=actor, customer=customer,
                               description=description, department=department, assignee_id=assignee_id,
                               channel="api", language=language, notify=notify is not False)
    if call_sid:
        cases.move_call(session, call_sid, ticket, actor)
    session.commit()
    return jsonify(ticket_dict(ticket)), 201


# Newest first by (created_at, id): the index tickets(created_at, id) serves every page, the last
# as the first. `page` (OFFSET) stays for the first few small pages only, so it can never be slow.
TICKET_ORDER = keyset.Order("tickets", (Ticket.created_at, Ticket.id), descending=True)
MAX_PAGE, MAX_PER_PAGE = 10, 100


@bp.get("/tickets")
@require_role("supervisor", "agent", "qa")
@operation("List tickets, newest first (an agent: assigned to them or open in their queues)", tags=["tickets"],
           description="Filters: status, category, priority, phone, breached, assignee_id, from, to "
                       "(local dates, inclusive). Paging by key: pass the answer's `next` back as `after` (or "
                       f"follow `next_url`) until it is null; `page` (1-{MAX_PAGE}) reaches the first pages "
                       f"directly; per_page at most {MAX_PER_PAGE}. `total` only with count=true (exact) or "
                       "count=estimate. A cursor this list did not give out, or page with after, is a 400.",
           responses={200: "a page of tickets with `next`", 400: "a filter or the cursor is malformed (named)"},
           query={"status": schemas.comma_list(STATUSES), "category": schemas.comma_list(CATEGORIES),
                  "priority": schemas.comma_list(PRIORITIES), "phone": schemas.PHONE,
                  "breached": schemas.BOOLEAN, "assignee_id": schemas.integer(Ticket.assignee_id, minimum=0),
                  "from": schemas.DAY, "to": schemas.DAY, "after": keyset.CURSOR_SCHEMA,
                  "page": schemas.integer(maximum=MAX_PAGE), "per_page": schemas.integer(maximum=MAX_PER_PAGE),
                  "count": keyset.COUNT_SCHEMA})
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
            Customer.phone == phone_field(args["phone"], status=400))
    breached = query_bool(args.get("breached"), "breached")
    if breached is not None:
        query = query.where(Ticket.breached.is_(breached))
    if args.get("assignee_id"):
        query = query.where(Ticket.assignee_id == query_int(args["assignee_id"], "assignee_id", 0, 0,
                                                            column=Ticket.assignee_id))
    first, last = query_day(args.get("from"), "from"), query_day(args.get("to"), "to")
    if first:
        query = query.where(Ticket.created_at >= day_start(first))
    if last:
        query = query.where(Ticket.created_at < day_start(last + timedelta(days=1)))
    visible = visibility.ticket_clause(db.session(), access().current_viewer())
    if visible is not None:
        query = query.where(visible)
    page = query_int(args.get("page"), "page", 1, 1, MAX_PAGE)
    per_page = query_int(args.get("per_page"), "per_page", 25, 1, MAX_PER_PAGE)
    cursor = args.get("after")
    if cursor and args.get("page"):
        abort_json(400, "page: not with after (the cursor already says where the page starts)")
    found = keyset.fetch(db.session(), query, TICKET_ORDER, limit=per_page, cursor=cursor,
                         offset=(page - 1) * per_page, count=keyset.count_arg())
    return jsonify(items=[ticket_dict(t) for t in found.rows], per_page=per_page,
                   **({} if cursor else {"page": page}), **found.links())


# The morning's callback list (the manuals' night shift: 紧急情况优先处理): open tickets that owe the
# caller a call back (a message left after hours, or asked for), urgent first, then normal, then
# routine, oldest first in each; the partial index ix_tickets_callbacks finds the few such tickets.
CALLBACK_RANKS = ("urgent", "normal", "routine")


@bp.get("/callbacks")
@require_role("supervisor", "agent")
@operation("The callback list: open tickets owing a call back, urgent first, then oldest first", tags=["tickets"],
           description="An agent sees those assigned to them or open in their queues. Pass `next` back as "
                       "`after` until it is null.",
           responses={200: "a page of tickets with `next`", 400: "a malformed cursor or limit (named)"},
           query={"limit": {**schemas.LIMIT, "default": 50}, "after": keyset.CURSOR_SCHEMA})
def callback_list():
    query = select(Ticket).options(selectinload(Ticket.customer)).where(
        Ticket.status.in_(sorted(OPEN_STATUSES)), Ticket.callback_requested.is_(True))
    visible = visibility.ticket_clause(db.session(), access().current_viewer())
    if visible is not None:
        query = query.where(visible)
    rank = case({name: n for n, name in enumerate(CALLBACK_RANKS)}, value=Ticket.priority, else_=len(CALLBACK_RANKS))
    limit = query_int(request.args.get("limit"), "limit", 50, 1, 500)
    page = keyset.fetch_ranked(db.session(), query, rank, CALLBACK_RANKS,
                               lambda ticket: CALLBACK_RANKS.index(ticket.priority), (Ticket.created_at, Ticket.id),
                               limit=limit, cursor=request.args.get("after"))
    return jsonify(items=[ticket_dict(t) for t in page.rows], **page.links())


@bp.get("/tickets/<number>")
@require_role("supervisor", "agent", "qa")
@operation("A ticket with its history and its calls (recordings and transcripts state)", tags=["tickets"],
           responses={200: "the ticket", 403: "an agent asking for another agent's ticket", 404: "no such ticket"},
           path={"number": schemas.text(Ticket.number)})
def get_ticket(number: str):
    return jsonify(ticket_detail(load_ticket(number)))



@bp.get("/calls/<sid>/ticket")
@require_role("supervisor", "agent", "qa")
@operation("The ticket a call is filed on (what an agent's screen opens when a call rings through)",
           tags=["tickets"], responses={200: "the ticket", 403: "neither the call nor its ticket is the agent's",
                                        404: "the call is on no ticket"})
def ticket_of_call(sid: str):
    session = db.session()
    link = session.scalars(select(TicketCall).where(TicketCall.call_sid == sid)).first()
    if link is None:
        parent = session.scalars(select(Call.parent_sid).where(Call.sid == sid)).first()
        link = session.scalars(select(TicketCall).where(TicketCall.call_sid == parent)).first() if parent else None
    if link is None:
        abort_json(404, f"call {sid} is not on a ticket")
    ticket = link.ticket
    viewer = access().current_viewer()
    # An agent answering a caller sees the caller's ticket even before it is assigned to them.
    if not (access().may_read_call_sid(session, viewer, sid)
            or visibility.may_read_ticket_row(session, viewer, ticket)):
        abort_json(403, f"call {sid} is not one of your calls")
    return jsonify(ticket_detail(ticket))
