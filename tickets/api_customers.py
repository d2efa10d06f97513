"""Customers over the API: a caller's profile with their tickets and calls; VIP and language."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, jsonify
from sqlalchemy import or_, select

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.api.openapi import operation
from hotline.models import Call
from tickets.api_input import LANGUAGES, boolean, choice, phone_field, text
from tickets.models import Customer, Ticket, TicketCall
from tickets.presenters import customer_dict
from tickets import visibility
from tickets.transitions import OPEN_STATUSES
from tickets.visibility import access

bp = Blueprint("customers", __name__)  # nested under /api by the app factory (hotline.areas)

HISTORY_LIMIT = 100


def _customer(raw_phone: str) -> Customer:
    phone = phone_field(raw_phone)
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
    filed = {link.call_sid: link.ticket.number for link in session.scalars(
        select(TicketCall).join(Ticket).where(Ticket.customer_id == customer.id))}
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


@bp.patch("/customers/<phone>")
@require_role("supervisor")
@operation("Change a customer's VIP flag, language, time zone or how we address them", tags=["customers"],
           request={"type": "object", "properties": {
               "vip": schemas.boolean(null=True), "language": schemas.one_of(LANGUAGES),
               "name": schemas.text(Customer.name, blank=True, null=True),
               "surname": schemas.text(Customer.surname, blank=True, null=True),
               "title": schemas.one_of(("mr", "ms"), null=True),
               "customer_number": schemas.text(Customer.customer_number, blank=True, null=True),
               "timezone": {"type": ["string", "null"], "format": "iana-timezone", "maxLength": 40}}},
           responses={200: "the customer", 404: "unknown number", 422: "a field is invalid (named)"},
           path={"phone": schemas.PHONE})

def update_customer(phone: str):
    body = json_body()
    customer = _customer(phone)
    if "vip" in body:
        customer.vip = bool(boolean(body["vip"], "vip"))
    if "language" in body:
        customer.language = choice(body["language"], "language", LANGUAGES, required=True)
    if "title" in body:
        customer.title = choice(body["title"], "title", ("mr", "ms"))
    if "timezone" in body:
        zone = text(body["timezone"], "timezone", column=Customer.timezone)
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                abort_json(422, f"timezone: unknown time zone {zone!r} (use an IANA name like America/New_York)")
        customer.timezone = zone or None
    for field in ("name", "surname", "customer_number"):
        if field in body:
            setattr(customer, field, text(body[field], field, column=getattr(Customer, field)))
    db.session().commit()
    return jsonify(customer_dict(customer))
