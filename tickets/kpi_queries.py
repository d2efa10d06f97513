"""What supervision asks of tickets (hotline.contracts.TicketKpis): first-contact resolution,
complaints and SLA compliance per priority of the tickets opened in a period, counted in SQL over
`ix_tickets_created_at_id`; the repeat contacts through `ix_tickets_customer_id_category`, the calls
through `ix_ticket_calls_ticket_id`, reopenings through `ix_ticket_events_ticket_id_id`."""
from __future__ import annotations

from sqlalchemy import and_, exists, extract, func, select
from sqlalchemy.orm import Session, aliased

from hotline.contracts import KpiCounts, KpiScope
from hotline.kpi_query import count_if, counts, grouped
from tickets.models import Ticket, TicketCall, TicketEvent
from tickets.sla import PRIORITIES

DECIDED = ("met", "missed", "breached")  # a clock judged; pending and at_risk ones are not yet
TICKET_COUNTS = ("opened", "complaints", "phone_tickets", "first_contact_resolved",
                 *(f"{clock}_{what}:{priority}" for priority in PRIORITIES for clock in ("response", "resolution")
                   for what in ("met", "decided")))


def _seconds_after(session: Session, later, earlier):
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def first_contact_resolved(session: Session, repeat_days: int):
    """A ticket a call opened, resolved (not reopened since), with that one call on it, and no other
    ticket of the same customer and category opened within `repeat_days` after it."""
    t = Ticket
    later = aliased(Ticket)
    one_call = select(func.count()).where(TicketCall.ticket_id == t.id).scalar_subquery() == 1
    reopened = exists().where(TicketEvent.ticket_id == t.id, TicketEvent.kind == "status",
                              TicketEvent.data["status"].as_string() == "reopened")
    repeated = exists().where(later.customer_id == t.customer_id, later.category == t.category,
                              later.created_at > t.created_at, later.id != t.id,
                              _seconds_after(session, later.created_at, t.created_at) <= repeat_days * 86400)
    return and_(t.channel == "phone", t.resolved_at.is_not(None), one_call, ~reopened, ~repeated)


class TicketKpiQueries:
    """hotline.contracts.TicketKpis."""

    def ticket_counts(self, session: Session, scope: KpiScope, repeat_days: int) -> list[KpiCounts]:
        t = Ticket
        query, keys = grouped(session, t.created_at, scope, queue=t.category, agent=t.assignee_id)
        sla = []
        for priority in PRIORITIES:
            for clock in (t.response_sla, t.resolution_sla):
                mine = t.priority == priority
                sla += [count_if(and_(mine, clock == "met")), count_if(and_(mine, clock.in_(DECIDED)))]
        query = query.add_columns(func.count(), count_if(t.category == "complaint"), count_if(t.channel == "phone"),
                                  count_if(first_contact_resolved(session, repeat_days)), *sla)
        return counts(session.execute(query.group_by(*keys)), TICKET_COUNTS)
