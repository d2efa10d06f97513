"""Tickets and customers as the API shows them."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from hotline.clock import now
from tickets import sla
from tickets.models import Customer, Ticket


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def customer_dict(customer: Customer | None) -> dict[str, Any] | None:
    if customer is None:
        return None
    return {"id": customer.id, "phone": customer.phone, "name": customer.name, "surname": customer.surname,
            "title": customer.title, "customer_number": customer.customer_number,
            "language": customer.language, "timezone": customer.timezone, "vip": customer.vip,
            "contact_time": customer.contact_time, "identity_confirmed": customer.identity_confirmed_at is not None,
            "identity_confirmed_at": _iso(customer.identity_confirmed_at),
            "identity_confirmed_by": customer.identity_confirmed_by}


def ticket_dict(ticket: Ticket, *, with_customer: bool = True) -> dict[str, Any]:
    """The ticket as the API shows it; `with_customer=False` leaves the customer out (not loaded)."""
    clock = sla.SlaClock(ticket.priority, ticket.response_due, ticket.resolution_due,
                         ticket.first_response_at, ticket.resolved_at, ticket.paused_seconds, ticket.paused_since)
    response, resolution = clock.readings(now(), timedelta(0))
    return {
        "number": ticket.number, "version": ticket.version, "status": ticket.status,
        "category": ticket.category, "priority": ticket.priority, "department": ticket.department,
        "assignee_id": ticket.assignee_id, "description": ticket.description,
        "resolution_summary": ticket.resolution_summary, "channel": ticket.channel, "language": ticket.language,
        "callback_requested": ticket.callback_requested, "waiting_customer": ticket.waiting_customer,
        "customer": customer_dict(ticket.customer) if with_customer else None,
        "sla": {
            "response_due": _iso(response.due), "resolution_due": _iso(resolution.due),
            "promised_at": _iso(sla.promised_at(ticket.priority, response.due, resolution.due)),
            "response": ticket.response_sla, "resolution": ticket.resolution_sla,
            "paused_seconds": ticket.paused_seconds, "paused": ticket.paused_since is not None,
            "breached": ticket.breached,
            "plan_due": _iso(ticket.plan_due), "plan": ticket.plan_sla,
        },
        "department_note": ticket.department_note,
        "handoff": None if ticket.handoff_sla is None else {
            "handed_off_at": _iso(ticket.handed_off_at), "handoff_due": _iso(ticket.handoff_due),
            "handoff": ticket.handoff_sla, "taken_at": _iso(ticket.department_ack_at),
            "reply_due": _iso(ticket.reply_due), "reply": ticket.reply_sla,
            "replied_at": _iso(ticket.department_reply_at)},
        "tier": ticket.tier or 1, "escalated_group": ticket.escalated_group,
        "escalated_at": _iso(ticket.escalated_at), "plan_at": _iso(ticket.plan_at),
        "first_response_at": _iso(ticket.first_response_at), "resolved_at": _iso(ticket.resolved_at),
        "closed_at": _iso(ticket.closed_at), "created_by": ticket.created_by,
        "created_at": _iso(ticket.created_at), "updated_at": _iso(ticket.updated_at),
    }
