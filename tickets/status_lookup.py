"""The IVR's ticket-status self-service, answered from the tickets table.

Registered as `hotline.contracts.TicketStatusBook`, which defines the `TicketStatus` the IVR speaks.
"""
from __future__ import annotations

import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from hotline import db
from hotline.clock import now
from hotline.contracts import TicketStatus
from tickets import sla
from tickets.models import Customer, Ticket, TicketEvent
from hotline.phone import try_normalise

STATUS_TEXT = {
    "open": {"zh-CN": "已受理，等待处理", "en-US": "received and waiting for an agent"},
    "in_progress": {"zh-CN": "正在处理中", "en-US": "being worked on"},
    "waiting_customer": {"zh-CN": "等待您的回复", "en-US": "waiting for your reply"},
    "resolved": {"zh-CN": "已处理完毕", "en-US": "resolved"},
    "closed": {"zh-CN": "已结案", "en-US": "closed"},
}
# What a caller may hear about the last step; notes and internal events are never read out.
UPDATE_TEXT = {
    "created": {"zh-CN": "工单已创建", "en-US": "your ticket was opened"},
    "call_answered": {"zh-CN": "客服已与您通话", "en-US": "an agent spoke with you"},
    "assigned": {"zh-CN": "已分派专人跟进", "en-US": "an agent was assigned"},
    "in_progress": {"zh-CN": "客服正在处理", "en-US": "an agent started working on it"},
    "resolved": {"zh-CN": "问题已处理完毕", "en-US": "the issue was resolved"},
    "closed": {"zh-CN": "工单已结案", "en-US": "the ticket was closed"},
    "reopened": {"zh-CN": "工单已重新处理", "en-US": "the ticket was reopened"},
    "waiting_customer": {"zh-CN": "我们在等待您的回复", "en-US": "we are waiting for your reply"},
    "customer_replied": {"zh-CN": "已收到您的回复", "en-US": "we received your reply"},
}


def caller_status(ticket: Ticket) -> str:
    if ticket.status in {"resolved", "closed"}:
        return ticket.status
    if ticket.waiting_customer:
        return "waiting_customer"
    return "in_progress" if ticket.status == "in_progress" else "open"


def _last_update(session, ticket: Ticket, language: str) -> tuple[datetime | None, str]:
    events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                             .order_by(TicketEvent.id.desc()).limit(50)).all()
    for event in events:
        key = event.data.get("status") if event.kind == "status" else event.kind
        if key in UPDATE_TEXT:
            return event.at, UPDATE_TEXT[key].get(language, UPDATE_TEXT[key]["zh-CN"])
    return ticket.updated_at, ""


def last_four_match(phone_on_file: str | None, typed: str) -> bool:
    """The four digits typed are the last four of the number on file (compared in constant time)."""
    digits = "".join(c for c in phone_on_file or "" if c.isdigit())
    if len(digits) < 4 or len(typed) != 4 or not typed.isascii() or not typed.isdigit():
        return False
    return hmac.compare_digest(digits[-4:].encode(), typed.encode())


def _phone_on_file(number: str) -> str | None:
    return db.session().scalars(select(Customer.phone).join(Ticket, Ticket.customer_id == Customer.id)
                                .where(Ticket.number == number.strip().upper())).first()


class TicketStatusLookup:
    def is_owner(self, number: str, caller: str) -> bool:
        phone = _phone_on_file(number)
        calling = try_normalise(caller, current_app.config["HOTLINE_SETTINGS"].default_country_code)
        return phone is not None and calling is not None and phone == calling

    def confirms_owner(self, number: str, last_four: str) -> bool:
        return last_four_match(_phone_on_file(number), last_four)

    def lookup(self, number: str, language: str) -> TicketStatus | None:
        session = db.session()
        ticket = session.scalars(select(Ticket).where(Ticket.number == number.strip().upper())).first()
        if ticket is None:
            return None
        language = language if language in ("zh-CN", "en-US") else "zh-CN"
        status = caller_status(ticket)
        promised = None
        if status not in {"resolved", "closed"}:
            promised = sla.promised_at(ticket.priority, ticket.response_due, ticket.resolution_due)
            if ticket.first_response_at is not None:
                promised = ticket.resolution_due  # answered already: what is left to promise is the fix
            promised += sla.paused_for(ticket.paused_seconds, ticket.paused_since, now())
        at, text = _last_update(session, ticket, language)
        return TicketStatus(number=ticket.number, status=status, status_text=STATUS_TEXT[status][language],
                            promised_at=promised, last_update_at=at, last_update_text=text)
