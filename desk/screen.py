"""What the agent sees about a caller and their own day: pure rules, no Flask or database.

The screen pop shows what an agent needs to greet and help a caller and nothing more: the number
masked to its last four digits, title and surname (the manuals' 先生/女士 form), never more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline.contracts import HandledCall


def mask_number(number: str | None) -> str:
    """'+8613800138000' -> '*********8000': only the last four digits stay readable."""
    if not number:
        return ""
    if number.startswith(("client:", "sip:")):
        return number
    digits = [c for c in number if c.isdigit()]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + "".join(digits[-4:])


UNKNOWN_CALLER = {"zh-CN": "先生/女士", "en-US": "Sir or Madam"}


def address_customer(language: str, salutation: str | None) -> str:
    """How to address the caller: their salutation (王女士 / Ms Wang, the customers' owner's rule,
    `hotline.contracts.Salutations`), or 先生/女士 / Sir or Madam when we have none."""
    return salutation or UNKNOWN_CALLER.get(language, UNKNOWN_CALLER["zh-CN"])


def may_open_desk(role: str, own_agent_id: int | None, agent_id: int) -> bool:
    """Agents open only their own desk; supervisors and admins may look at anyone's."""
    if role in ("supervisor", "admin"):
        return True
    return role == "agent" and own_agent_id == agent_id


def desk_phase(status: str | None) -> str:
    """The desk's mode for a routing status: offered (ringing), live, wrap_up or idle."""
    return {"reserved": "offered", "on_call": "live", "wrap_up": "wrap_up"}.get(status or "", "idle")


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))


@dataclass(frozen=True)
class DayFigures:
    calls_answered: int
    average_handle_seconds: int | None
    missed_offers: int
    tickets_resolved: int
    satisfaction_average: float | None
    satisfaction_responses: int

    def to_dict(self) -> dict:
        return {"calls_answered": self.calls_answered, "average_handle_seconds": self.average_handle_seconds,
                "missed_offers": self.missed_offers, "tickets_resolved": self.tickets_resolved,
                "satisfaction": {"average": self.satisfaction_average, "responses": self.satisfaction_responses}}


def day_figures(calls: list[HandledCall], missed_offers: int, tickets_resolved: int,
                satisfaction_scores: list[int]) -> DayFigures:
    """The agent's day. Handle time is talk time plus after-call work (the industry's AHT);
    calls still in progress are left out of the average until they are finished."""
    finished = [c for c in calls if c.ended_at is not None]
    handle = [seconds_between(c.answered_at, c.wrap_up_ended_at or c.ended_at) for c in finished]
    average = round(sum(handle) / len(handle)) if handle else None  # type: ignore[arg-type]
    scores = [s for s in satisfaction_scores if 1 <= s <= 5]
    return DayFigures(
        calls_answered=len(calls), average_handle_seconds=average, missed_offers=missed_offers,
        tickets_resolved=tickets_resolved,
        satisfaction_average=round(sum(scores) / len(scores), 1) if scores else None,
        satisfaction_responses=len(scores))
