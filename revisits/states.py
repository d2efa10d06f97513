"""Moving a revisit from one state to the next with a conditional UPDATE.

Jobs run at least once and Twilio repeats callbacks, so every move names the state (and attempt)
it expects to leave; the database lets exactly one of two racing movers win, and the loser sees
`False` and does nothing.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from hotline.clock import now
from revisits.models import Revisit


def move(session: Session, revisit_id: int, from_states: Iterable[str], to_state: str | None = None, *,
         attempt: int | None = None, where: Iterable[Any] = (), commit: bool = True, **values: Any) -> bool:
    """Set `to_state` (and `values`) if the revisit is in one of `from_states` at `attempt`; commit
    unless told not to (the caller then commits the move with what goes with it)."""
    stmt = update(Revisit).where(Revisit.id == revisit_id, Revisit.state.in_(tuple(from_states)), *where)
    if attempt is not None:
        stmt = stmt.where(Revisit.attempts == attempt)
    if to_state is not None:
        values["state"] = to_state
    values["updated_at"] = now()
    result = session.execute(stmt.values(**values).execution_options(synchronize_session=False))
    if commit:
        session.commit()
    return result.rowcount == 1
