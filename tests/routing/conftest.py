"""Routing tests drive the webhooks through the shared switchboard (tests/support/callers.py): agents
made through the API, callers handed over by the IVR."""
from __future__ import annotations

import pytest

from tests.support.callers import Switchboard


@pytest.fixture
def center(app, api, twilio, clock) -> Switchboard:
    return Switchboard(app, api, twilio, clock)
