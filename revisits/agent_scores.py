"""What the desk reads of revisits (`hotline.contracts.SurveyScores`): an agent's recent scores."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from revisits.models import Revisit


class AgentScores:
    def satisfaction_scores(self, session: Session, agent_id: int, since: datetime) -> list[int]:
        return list(session.scalars(select(Revisit.score).where(Revisit.agent_id == agent_id,
                                                               Revisit.completed_at >= since,
                                                               Revisit.score.is_not(None))))
