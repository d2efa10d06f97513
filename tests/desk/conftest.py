"""Desk fixtures: a faster poll, and the shared switchboard (tests/support/callers.py) playing Twilio's
and the IVR's part of a call.

People and signing them in are shared by every area with pages: tests/conftest.py.
"""
from __future__ import annotations

import pytest

from tests.support.callers import Switchboard


@pytest.fixture
def settings(settings):
    """The desk polls twice a second in tests, so browser tests wait less for each change."""
    import dataclasses

    return dataclasses.replace(settings, desk_poll_seconds=0.5)


@pytest.fixture
def switchboard(app, api, twilio, clock) -> Switchboard:
    """Agents start offline (they sign in on the desk page), serve both languages and both queues."""
    return Switchboard(app, api, twilio, clock, languages=("zh-CN", "en-US"), status="offline",
                       skills={"inquiry": 3, "complaint": 3})
