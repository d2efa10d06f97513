from __future__ import annotations

import dataclasses

import pytest

from hotline.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from tests.recordings.media_server import MediaServer
from tests.recordings.speech import CALL_LINES, MODEL_PATH, build_call


@pytest.fixture(scope="session")
def call_audio(tmp_path_factory):
    """(path, spoken segments) of a short two-speaker call; synthesised once per session."""
    return build_call(CALL_LINES, tmp_path_factory.mktemp("speech"))


@pytest.fixture
def media():
    server = MediaServer(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def settings(settings, media):
    return dataclasses.replace(settings, twilio_api_url=media.url, vosk_model_path=MODEL_PATH)
