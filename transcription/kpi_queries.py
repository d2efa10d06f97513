"""What supervision asks of transcription (hotline.contracts.QaKpis): the automatic QA score of the
calls transcribed in a period (`ix_transcripts_done_newest`) and the reviewers' scores given in it
(`ix_qa_reviews_created_at`, transcription_0007), per the call's queue and agent (qa_call_facts)."""
from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session

from hotline.contracts import KpiCounts, KpiScope
from hotline.kpi_query import counts, grouped, merged
from transcription.models import CallFacts, Review, Transcript


class QaKpiQueries:
    """hotline.contracts.QaKpis."""

    def qa_counts(self, session: Session, scope: KpiScope) -> list[KpiCounts]:
        facts = dict(queue=CallFacts.queue, agent=CallFacts.agent_id)
        scored, keys = grouped(session, Transcript.created_at, scope, **facts)
        scored = (scored.join_from(Transcript, CallFacts, CallFacts.call_sid == Transcript.call_sid, isouter=True)
                  .add_columns(func.count(Transcript.score), func.coalesce(func.sum(Transcript.score), 0))
                  .where(Transcript.status == "done"))
        reviewed, review_keys = grouped(session, Review.created_at, scope, **facts)
        reviewed = (reviewed.join_from(Review, CallFacts, CallFacts.call_sid == Review.call_sid, isouter=True)
                    .add_columns(func.count(), func.coalesce(func.sum(Review.score), 0)))
        return merged(counts(session.execute(scored.group_by(*keys)), ("qa_scored", "qa_score_total")),
                      counts(session.execute(reviewed.group_by(*review_keys)), ("qa_reviewed", "qa_review_total")))
