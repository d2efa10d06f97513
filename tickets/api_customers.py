"""Customers over the API: a caller's profile with their tickets and calls; VIP and language."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, current_app, g, jsonify
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.models import Call
from tickets.api_input import LANGUAGES, boolean, choice, phone_field, text
from tickets.models import Customer, Ticket, TicketCall
from tickets.presenters import customer_dict
from tickets import customer_file, visibility
from tickets.history import actor_name
from tickets.transitions import OPEN_STATUSES
from tickets.visibility import access

bp = Blueprint("customers", __name__)  # nested under /api by the app factory (hotline.areas)

HISTORY_LIMIT = 100


def _customer(raw: str) -> Customer:
    """The customer by phone number, or by customer number (what the desk shows of a caller)."""
    if customer_file.looks_like_customer_number(raw.strip().upper()):
        number = raw.strip().upper()
        customer = db.session().scalars(select(Customer).where(Customer.customer_number == number)).first()
        if customer is None:
            abort_json(404, f"no customer numbered {number}")
        return customer
    phone = phone_field(raw)
    customer = db.session().scalars(select(Customer).where(Customer.phone == phone)).first()
    if customer is None:
        abort_json(404, f"no customer with phone {phone}")
    return customer


@bp.get("/customers/<phone>")
@require_role("supervisor", "agent", "qa")
@operation("A customer by phone number (any common form) with their tickets and calls", tags=["customers"],
           responses={200: "the customer and history", 403: "an agent asking for a customer not theirs",
                      404: "unknown number", 422: "malformed phone"},
           description="An agent gets only the customers of their tickets and calls, and of those only their "
                       "own calls. Every answer is written to the access log.",
           path={"phone": schemas.PHONE})
def get_customer(phone: str):
    customer = _customer(phone)
    session = db.session()
    viewer = access().current_viewer()
    if not visibility.may_read_customer(session, viewer, customer):
        abort_json(403, "this customer is on none of your tickets or calls")
    tickets = session.scalars(select(Ticket).where(Ticket.customer_id == customer.id)
                              .order_by(Ticket.created_at.desc()).limit(HISTORY_LIMIT)).all()
    if viewer.role == "agent":
        # Agents see that other tickets exist (a repeat caller matters) but not their contents.
        queues = access().queues_of(session, viewer)
        tickets_out = [{"number": t.number, "status": t.status, "category": t.category,
                        "created_at": t.created_at.isoformat(),
                        **({"description": t.description} if access().may_read_ticket(
                            viewer, assignee_id=t.assignee_id, is_open=t.status in OPEN_STATUSES,
                            category=t.category,
                            queues=queues) else {})}
                       for t in tickets]
    else:
        tickets_out = [{"number": t.number, "status": t.status, "category": t.category, "priority": t.priority,
                        "assignee_id": t.assignee_id, "description": t.description,
                        "created_at": t.created_at.isoformat()} for t in tickets]
    # Columns, not links: a link's ticket beyond the 100 loaded above would be one more query each.
    filed = dict(session.execute(select(TicketCall.call_sid, Ticket.number).join(Ticket)
                                 .where(Ticket.customer_id == customer.id)).all())
    calls_query = select(Call).where(or_(Call.from_number == customer.phone, Call.to_number == customer.phone,
                                         Call.sid.in_(list(filed)))).where(Call.parent_sid.is_(None))
    own_calls = access().call_clause(viewer)  # other agents' call ids are theirs to see, not this agent's
    if own_calls is not None:
        calls_query = calls_query.where(own_calls)
    calls = session.scalars(calls_query.order_by(Call.created_at.desc()).limit(HISTORY_LIMIT)).all()
    calls_out = [{"sid": c.sid, "direction": c.direction, "status": c.status, "started_at": c.created_at.isoformat(),
                  "duration_seconds": c.duration_seconds, "ticket": filed.get(c.sid)} for c in calls]
    access().record_access(session, "customer", customer.phone)
    session.commit()
    return jsonify(customer=customer_dict(customer), tickets=tickets_out, calls=calls_out)


CUSTOMER_REF = {"anyOf": [schemas.PHONE, {"type": "string", "pattern": customer_file.NUMBER_PATTERN.pattern}],
                "description": "the customer's phone number (any common form) or customer number (C202611001)"}
PATCH_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {
    "vip": schemas.boolean(null=True), "language": schemas.one_of(LANGUAGES),
    "name": schemas.text(Customer.name, blank=True, null=True),
    "surname": schemas.text(Customer.surname, blank=True, null=True),
    "title": schemas.one_of(customer_file.TITLES, null=True),
    "contact_time": schemas.text(Customer.contact_time, blank=True, null=True),
    "identity_confirmed": schemas.boolean(),
    "customer_number": {"type": ["string", "null"], "pattern": customer_file.NUMBER_PATTERN.pattern},
    "timezone": {"type": ["string", "null"], "format": "iana-timezone", "maxLength": 40}}}


@bp.patch("/customers/<phone>")
@require_role("supervisor", "agent")
@operation("Record how to address a customer and when to call them; mark their identity confirmed",
           tags=["customers"], request=PATCH_SCHEMA,
           description="Agents (for the customers of their tickets and calls) change name, surname, title "
                       "(mr 先生 / ms 女士), language, contact_time and identity_confirmed; a supervisor also "
                       "vip, timezone and customer_number. Every change is kept in the customer's history.",
           responses={200: "the customer", 403: "an agent changing a customer not theirs, or a supervisor's field",
                      404: "unknown number", 409: "that customer number belongs to another customer",
                      422: "a field is invalid (named)"},
           path={"phone": CUSTOMER_REF})
def update_customer(phone: str):
    body = json_body()
    customer = _customer(phone)
    session = db.session()
    viewer = access().current_viewer()
    unknown = sorted(set(body) - set(PATCH_SCHEMA["properties"]))
    if unknown:
        abort_json(422, f"{unknown[0]}: not a field of a customer")
    if not viewer.sees_all:
        if not visibility.may_read_customer(session, viewer, customer):
            abort_json(403, "this customer is on none of your tickets or calls")
        refused = sorted(set(body) - set(customer_file.AGENT_FIELDS))
        if refused:
            abort_json(403, f"{refused[0]}: a supervisor changes this")
    values = {}
    if "vip" in body:
        values["vip"] = bool(boolean(body["vip"], "vip"))
    if "language" in body:
        values["language"] = choice(body["language"], "language", LANGUAGES, required=True)
    if "title" in body:
        values["title"] = choice(body["title"], "title", customer_file.TITLES)
    if "identity_confirmed" in body:
        if body["identity_confirmed"] is None:  # a mark is set or cleared, never left unknown
            abort_json(422, "identity_confirmed: must be true or false")
        values["identity_confirmed"] = boolean(body["identity_confirmed"], "identity_confirmed")
    if "timezone" in body:
        zone = text(body["timezone"], "timezone", column=Customer.timezone)
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                abort_json(422, f"timezone: unknown time zone {zone!r} (use an IANA name like America/New_York)")
        values["timezone"] = zone or None
    for field in ("name", "surname", "contact_time"):
        if field in body:
            values[field] = text(body[field], field, column=getattr(Customer, field)) or None
    if "customer_number" in body:
        # null clears the number; a blank string is not a number (the document says so)
        number = None if body["customer_number"] is None else \
            text(body["customer_number"], "customer_number", column=Customer.customer_number)
        if number is not None and not customer_file.looks_like_customer_number(number):
            abort_json(422, f"customer_number: expected C + yyyymm + sequence like C202611001, got {number!r}")
        values["customer_number"] = number
    actor = actor_name(g.principal)
    customer_file.change(session, customer, values, actor)
    if "customer_number" not in values:
        customer_file.ensure_number(session, customer, current_app.config["HOTLINE_SETTINGS"].timezone, actor)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort_json(409, "customer_number: that number belongs to another customer")
    return jsonify(customer_dict(customer))


@bp.get("/customers/<phone>/history")
@require_role("supervisor", "agent", "qa")
@operation("Every change to a customer's file: who, when, each field before and after (newest first)",
           tags=["customers"],
           responses={200: "the customer's number and its changes", 403: "an agent asking for a customer not theirs",
                      404: "unknown number", 422: "malformed phone"},
           path={"phone": CUSTOMER_REF})
def customer_history(phone: str):
    customer = _customer(phone)
    session = db.session()
    if not visibility.may_read_customer(session, access().current_viewer(), customer):
        abort_json(403, "this customer is on none of your tickets or calls")
    changes = customer_file.history(session, customer)
    access().record_access(session, "customer", customer.phone)
    session.commit()
    return jsonify(customer_number=customer.customer_number, history=changes)
