"""Transcription tests use the same synthesised call audio, model setting and sandbox media as
the recordings tests."""
from tests.recordings.conftest import call_audio, media, settings  # noqa: F401  (fixtures)
