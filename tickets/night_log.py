"""The night-shift log (manual rule 夜班: 紧急情况立即处理并汇报): what came in while the center was
closed, for the day's first supervisor. The night is the business calendar's: from the last closing
before a day's opening to that opening, so a weekend or a holiday counts as one long night.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hotline.calendar import BusinessCalendar
from hotline.local_time import iso_local
from hotline.models import Call
from tickets.models import Ticket, TicketEvent

HORIZON_DAYS = 60  # how far back a closing (or forward an opening) is looked for
PAGE_EVENTS = ("supervisor_paged", "page_acknowledged", "page_unanswered")
CSV_COLUMNS = ("kind", "number", "created_at", "category", "priority", "status", "first_response_at",
               "assignee_id", "assignee", "paged", "acknowledged_at", "page_unanswered", "count")


@dataclass(frozen=True)
class Night:
    day: date  # the day whose opening ends it
    start: datetime  # the last closing before that opening (or HORIZON_DAYS before it)
    end: datetime  # the opening


def night_ending(calendar: BusinessCalendar, day: date) -> Night | None:
    """The night that ends at `day`'s opening; None if the center does not open that day."""
    hours = calendar.hours_on(day)
    if hours is None:
        return None
    opening = datetime.combine(day, hours[0], tzinfo=calendar.zone)
    for back in range(1, HORIZON_DAYS + 1):
        before = day - timedelta(days=back)
        earlier = calendar.hours_on(before)
        if earlier is not None:
            return Night(day, datetime.combine(before, earlier[1], tzinfo=calendar.zone), opening)
    return Night(day, opening - timedelta(days=HORIZON_DAYS), opening)


def last_night(calendar: BusinessCalendar, moment: datetime) -> Night | None:
    """The latest night that has ended by `moment` (this morning's once the center has opened)."""
    today = calendar.local(moment).date()
    for back in range(HORIZON_DAYS + 1):
        night = night_ending(calendar, today - timedelta(days=back))
        if night is not None and night.end <= moment:
            return night
    return None


def build(session, night: Night, zone: str, agent_names: dict[int, str]) -> dict[str, Any]:
    """The log: calls received by status, messages left (voicemail tickets), urgent cases, and who has each."""
    calls = dict(session.execute(
        select(Call.status, func.count()).where(Call.direction == "inbound", Call.created_at >= night.start,
                                                Call.created_at < night.end).group_by(Call.status)).all())
    in_night = (Ticket.created_at >= night.start, Ticket.created_at < night.end)
    messages = list(session.scalars(select(Ticket).where(Ticket.channel == "voicemail", *in_night)
                                    .order_by(Ticket.created_at, Ticket.id)))
    urgent = list(session.scalars(select(Ticket).where(Ticket.priority == "urgent", *in_night)
                                  .order_by(Ticket.created_at, Ticket.id)))
    pages = _pages(session, {t.id for t in urgent}, zone)
    return {
        "date": night.day.isoformat(), "from": iso_local(night.start, zone), "to": iso_local(night.end, zone),
        "calls": {"total": sum(calls.values()), "by_status": dict(sorted(calls.items()))},
        "messages": {"total": len(messages), "tickets": [_row(t, zone, agent_names) for t in messages]},
        "urgent": {"total": len(urgent),
                   "tickets": [{**_row(t, zone, agent_names), **pages.get(t.id, _NOT_PAGED)} for t in urgent]},
    }


_NOT_PAGED = {"paged": False, "acknowledged_at": "", "page_unanswered": False}


def _pages(session, ticket_ids: set[int], zone: str) -> dict[int, dict[str, Any]]:
    """Each urgent ticket's page: was it sent, when was it acknowledged, did it go unanswered."""
    found: dict[int, dict[str, Any]] = {}
    if not ticket_ids:
        return found
    rows = session.execute(select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at)
                           .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind.in_(PAGE_EVENTS)))
    for ticket_id, kind, at in rows:
        page = found.setdefault(ticket_id, dict(_NOT_PAGED))
        if kind == "supervisor_paged":
            page["paged"] = True
        elif kind == "page_acknowledged":
            page["acknowledged_at"] = iso_local(at, zone)
        else:
            page["page_unanswered"] = True
    return found


def _row(ticket: Ticket, zone: str, agent_names: dict[int, str]) -> dict[str, Any]:
    return {"number": ticket.number, "created_at": iso_local(ticket.created_at, zone), "category": ticket.category,
            "priority": ticket.priority, "status": ticket.status,
            "first_response_at": iso_local(ticket.first_response_at, zone), "assignee_id": ticket.assignee_id,
            "assignee": agent_names.get(ticket.assignee_id) if ticket.assignee_id is not None else None}


def csv_rows(report: dict[str, Any]):
    """One line per call status (its count), per message left and per urgent case."""
    yield CSV_COLUMNS
    for status, count in report["calls"]["by_status"].items():
        yield ("calls", "", "", "", "", status, "", "", "", "", "", "", count)
    for kind, section in (("message", "messages"), ("urgent", "urgent")):
        for row in report[section]["tickets"]:
            yield (kind, *(row.get(name, "") for name in CSV_COLUMNS[1:-1]), "")

