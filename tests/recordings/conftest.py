from __future__ import annotations

import dataclasses

import pytest

from tests.recordings.sandbox_media import SandboxMedia
from tests.recordings.speech import CALL_LINES, MODEL_PATH, build_call
from tests.support.system_tools import require


@pytest.fixture(scope="session")
def call_audio(tmp_path_factory):
    """(path, spoken segments) of a short two-speaker call; synthesised once per session."""
    require("espeak-ng", "sox")
    return build_call(CALL_LINES, tmp_path_factory.mktemp("speech"))


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, vosk_model_path=MODEL_PATH)


@pytest.fixture
def media(app, settings):
    from sandbox.rest.server import ensure_sandbox

    return SandboxMedia(ensure_sandbox(settings, app), settings.twilio_account_sid)
