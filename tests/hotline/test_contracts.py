"""hotline.contracts: areas ask each other by type, and every contract has its one provider."""
from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Protocol

import pytest
from flask import Flask

from hotline import contracts
from hotline.contracts import AgentsOnShift, MissingContract, TicketDesk, need, provide, provided


def _contracts() -> list[type]:
    return [obj for _, obj in inspect.getmembers(contracts, inspect.isclass)
            if issubclass(obj, Protocol) and obj is not Protocol and getattr(obj, "_is_runtime_protocol", False)]


def test_each_contract_is_provided_once_by_the_areas(app):
    found = _contracts()
    assert {c.__name__ for c in found} >= {"TicketStatusBook", "CallerDirectory", "Salutations", "TicketDesk",
                                           "CaseFiles", "AgentsOnShift", "AgentDesk", "MenuCalls", "SurveyScores"}
    with app.app_context():
        for contract in found:
            assert isinstance(need(contract), contract), contract.__name__


def test_a_contract_no_area_provides_is_a_clear_error():
    bare = Flask("bare")
    assert provided(TicketDesk, bare) is None
    with pytest.raises(MissingContract, match="no area provides TicketDesk"):
        need(TicketDesk, bare)


def test_an_adapter_missing_a_method_is_refused_at_start_up():
    with pytest.raises(TypeError, match="does not provide TicketDesk: missing record_revisit, record_revisit_rescheduled, reopen_unsolved"):
        provide(Flask("bare"), TicketDesk, SimpleNamespace(resolved_ticket=lambda ticket_id: None))


def test_two_providers_of_one_contract_are_refused_unless_replacing():
    bare = Flask("bare")
    first = SimpleNamespace(agents_on_shift=lambda skill, language=None: 1)
    second = SimpleNamespace(agents_on_shift=lambda skill, language=None: 2)
    provide(bare, AgentsOnShift, first)
    with pytest.raises(RuntimeError, match="AgentsOnShift is already provided"):
        provide(bare, AgentsOnShift, second)
    provide(bare, AgentsOnShift, second, replace=True)
    assert need(AgentsOnShift, bare).agents_on_shift("night") == 2
