"""Messaging fixtures: a supervisor to alert (helpers for SMS tests: tests/messaging/sms.py)."""
from __future__ import annotations

import dataclasses

import pytest


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, supervisor_phone="+8613900000001")
