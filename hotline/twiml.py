"""Turning twilio's TwiML builders into Flask responses, and the voices each language speaks with."""
from __future__ import annotations

from flask import Response, current_app
from twilio.twiml import TwiML

# Twilio requires a valid voice/language pair; Polly voices exist for both of our languages.
VOICES = {"zh-CN": ("Polly.Zhiyu", "cmn-CN"), "en-US": ("Polly.Joanna", "en-US")}
LANGUAGES = tuple(VOICES)


def say_kwargs(language: str) -> dict[str, str]:
    """The `voice` and `language` attributes of a <Say> in the caller's language."""
    voice, code = VOICES.get(language, VOICES["zh-CN"])
    return {"voice": voice, "language": code}


def twiml_response(twiml: TwiML | str, status: int = 200) -> Response:
    """`twiml` built with the twilio library, or such a document already serialised (cached)."""
    return current_app.response_class(str(twiml), status=status, mimetype="text/xml")
