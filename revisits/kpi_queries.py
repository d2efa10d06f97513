"""What supervision asks of revisits (hotline.contracts.RevisitKpis): satisfaction of the revisits
completed in a period (`ix_revisits_completed_at`) and closure of the resolutions made in it
(`ix_revisits_resolved_at`, revisits_0002), counted in SQL."""
from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session

from hotline.contracts import KpiCounts, KpiScope
from hotline.kpi_query import count_if, counts, grouped, merged
from revisits.models import Revisit

SATISFIED = 4  # a score of 4 or 5 of 5 is satisfied (revisits.satisfaction's CSAT)
ENDED = ("completed", "opted_out", "expired")  # a revisit that will not try again; cancelled ones never had to
SURVEY_COUNTS = ("surveys", "scored", "satisfied", "asked_solved", "solved")
CLOSURE_COUNTS = ("revisits_ended", "revisits_closed")


class RevisitKpiQueries:
    """hotline.contracts.RevisitKpis."""

    def revisit_counts(self, session: Session, scope: KpiScope) -> list[KpiCounts]:
        r = Revisit
        surveys, keys = grouped(session, r.completed_at, scope, queue=r.category, agent=r.agent_id)
        surveys = surveys.add_columns(func.count(), func.count(r.score), count_if(r.score >= SATISFIED),
                                      func.count(r.solved), count_if(r.solved.is_(True))).where(r.state == "completed")
        closure, closure_keys = grouped(session, r.resolved_at, scope, queue=r.category, agent=r.agent_id)
        closure = closure.add_columns(count_if(r.state.in_(ENDED)), count_if(r.state == "completed"))
        return merged(counts(session.execute(surveys.group_by(*keys)), SURVEY_COUNTS),
                      counts(session.execute(closure.group_by(*closure_keys)), CLOSURE_COUNTS))
