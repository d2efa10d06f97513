"""API errors are JSON `{"error": "..."}` with a message a client can act on, never a stack trace."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from hotline.api_error import ApiError, abort_json
from hotline.twiml import twiml_response

__all__ = ["ApiError", "abort_json", "init_app", "json_body"]

log = logging.getLogger(__name__)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what was wrong with it."""
    if not request.is_json:
        abort_json(400, "expected a JSON body with Content-Type: application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort_json(400, "the body must be a JSON object")
    return data


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(error=exc.message, **exc.extra), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api"):
            response = jsonify(error=exc.description or exc.name)
            # Keep what the exception says besides its body: a 405's Allow (RFC 9110 requires it).
            for name, value in exc.get_headers():
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response, exc.code
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api"):
            return jsonify(error="internal error; the operator can find it in the logs"), 500
        if request.path.startswith(("/voice", "/sms")):
            # Twilio plays its own error message on a 500; a short apology in TwiML is kinder.

            response = VoiceResponse()
            if request.path.startswith("/voice"):
                response.say("对不起，系统繁忙，请稍后再拨。 Sorry, we are having trouble. Please call again later.")
            return twiml_response(response)
        return "Internal error", 500

    def _database_unreachable(exc: Exception):
        # A database restarting or failing over (the chaos runs' 3 s outages): the client may ask
        # again in a moment, and a 503 with Retry-After says so where a 500 says "bug".
        if not request.path.startswith("/api"):
            return _unexpected(exc)
        log.warning("database unreachable on %s %s (%s)", request.method, request.path, type(exc).__name__)
        response = jsonify(error="the database cannot be reached at the moment; try again shortly")
        response.headers["Retry-After"] = "2"
        return response, 503

    app.register_error_handler(OperationalError, _database_unreachable)
    app.register_error_handler(InterfaceError, _database_unreachable)
