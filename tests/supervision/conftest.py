from __future__ import annotations

import pytest

from tests.support.callers import Switchboard


@pytest.fixture
def center(app, api, twilio, clock) -> Switchboard:
    return Switchboard(app, api, twilio, clock)
