import itertools

import pytest

from tickets.transitions import STATUSES, TRANSITIONS, InvalidTransition, check_transition

ALLOWED = {("new", "assigned"), ("assigned", "in_progress"), ("assigned", "assigned"),
           ("in_progress", "resolved"), ("in_progress", "assigned"), ("resolved", "closed"),
           ("resolved", "reopened"), ("closed", "reopened"), ("reopened", "assigned"),
           ("reopened", "in_progress")}


@pytest.mark.parametrize("current,target", sorted(itertools.product(STATUSES, STATUSES)))
def test_every_transition(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            check_transition(current, target)
        assert str(excinfo.value).startswith(f"status: cannot go from {current} to {target}")


def test_table_is_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status: must be one of"):
        check_transition("new", "done")
