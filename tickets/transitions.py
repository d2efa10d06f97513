"""Which status a ticket may move to next. Pure logic, no Flask or database.

    new -> assigned -> in_progress -> resolved -> closed
                  ^         |            |          |
                  |         v            v          v
                  +------ assigned    reopened <----+
                            reopened -> assigned | in_progress

A ticket handed to another agent while being worked goes back to `assigned`; a resolved or closed
ticket the customer says is not fixed becomes `reopened` and is worked again.
"""
from __future__ import annotations

STATUSES = ("new", "assigned", "in_progress", "resolved", "closed", "reopened")
OPEN_STATUSES = frozenset({"new", "assigned", "in_progress", "reopened"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned"}),
    "assigned": frozenset({"in_progress", "assigned"}),
    "in_progress": frozenset({"resolved", "assigned"}),
    "resolved": frozenset({"closed", "reopened"}),
    "closed": frozenset({"reopened"}),
    "reopened": frozenset({"assigned", "in_progress"}),
}


class InvalidTransition(ValueError):
    """The move is not allowed from the ticket's current status; the message lists what is."""

    def __init__(self, current: str, target: str) -> None:
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "nothing"
        super().__init__(f"status: cannot go from {current} to {target} (allowed: {allowed})")
        self.current = current
        self.target = target


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise ValueError(f"status: must be one of {', '.join(STATUSES)}")
    if not can_move(current, target):
        raise InvalidTransition(current, target)


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
