"""Only Twilio may call our webhooks: every request's X-Twilio-Signature is checked.

The signature covers the URL Twilio requested, which behind a proxy or tunnel is not what Flask
sees; it is rebuilt from PUBLIC_BASE_URL + path + query string.
"""
from __future__ import annotations

import functools
import hmac
import logging
from typing import Callable, TypeVar

from flask import current_app, has_request_context, request, url_for
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import InterfaceError, OperationalError
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from hotline import db
from hotline.api.errors import ApiError
from hotline.twiml import twiml_response
from hotline.webhook_params import check_twilio_params

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable)
DB_HELD_ARG = "dbheld"  # seconds a caller has been held for the database, carried in the redirect
DB_HOLD_STEP_SECONDS = 2
# What a verb's action request says beyond the call's own parameters. A <Redirect> sends only the
# latter, so the hold carries these in its URL (signed by Twilio with the rest of the URL), prefixed
# so they can never be taken for our own arguments; the held request sees them in its form again.
ACTION_PARAMS = ("DialCallStatus", "DialCallSid", "DialCallDuration", "DialBridged", "QueueResult", "QueueSid",
                 "QueueTime", "Digits", "SpeechResult", "Confidence", "RecordingUrl", "RecordingSid",
                 "RecordingDuration")
CARRIED_PREFIX = "held_"


def public_url() -> str:
    """The URL Twilio used for the current request."""
    base = current_app.config["HOTLINE_SETTINGS"].public_base_url
    url = base + request.path
    query = request.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


def public_url_for(endpoint: str, **values: object) -> str:
    """An absolute URL Twilio can call back, made with url_for and PUBLIC_BASE_URL.

    Works in RQ jobs too (no request): the path comes from the URL map, the host from the setting.
    """
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["HOTLINE_SETTINGS"].public_base_url + path


# Twilio's connection overrides, in the fragment of every status and recording callback URL we give
# it: up to 5 retries of a 5xx, a refused or timed-out connection. Twilio reads and strips the
# fragment; nothing of it reaches us. A 4xx is not retried: it is a deliberate refusal.
CALLBACK_OVERRIDES = "rc=5&rp=5xx,ct,rt"


def callback_url(endpoint: str, **values: object) -> str:
    """`public_url_for` for a status or recording callback: with CALLBACK_OVERRIDES, so that Twilio
    retries one our `twilio_callback` answered 503 (docs/DEVELOPING.md, Redis outages)."""
    return f"{public_url_for(endpoint, **values)}#{CALLBACK_OVERRIDES}"


def signature_is_valid(auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    if not signature:
        return False
    validator = RequestValidator(auth_token)
    # The URL exactly as configured is what Twilio signs almost always: one HMAC. The library's
    # `validate` also tries the URL with and without an explicit port, for the rest.
    return hmac.compare_digest(validator.compute_signature(url, params), signature) or \
        validator.validate(url, params, signature)


WEBHOOK_PREFIXES = ("/voice/", "/sms/", "/recordings/")


class PageSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for people (pages and /api); none for Twilio's webhooks, which carry
    no cookie of ours and gain nothing from building and signing an empty session each request."""

    def open_session(self, app, request):  # type: ignore[override]
        if request.path.startswith(WEBHOOK_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)


def twilio_webhook(view: F) -> F:
    """Reject (403, nothing written) any request not signed with our Twilio auth token."""
    return _signed(view, hold_for_database=True)


def _signed(view: F, hold_for_database: bool) -> F:
    @functools.wraps(view)
    def checked(*args, **kwargs):
        settings = current_app.config["HOTLINE_SETTINGS"]
        req = request._get_current_object()  # every webhook reads it several times: the proxy once
        form = req.form if req.method == "POST" else {}
        params = form.to_dict() if form else {}
        signature = req.headers.get("X-Twilio-Signature", "")
        # Twilio signs the URL without the override fragment (as the sandbox does); should it sign
        # the URL as we gave it, fragment included, that is accepted too (not verified on Twilio).
        url = public_url()
        if not signature_is_valid(settings.twilio_auth_token, url, params, signature) and not \
                signature_is_valid(settings.twilio_auth_token, f"{url}#{CALLBACK_OVERRIDES}", params, signature):
            log.warning("rejected webhook with %s signature", "a wrong" if signature else "no",
                        extra={"path": req.path})
            return current_app.response_class("Forbidden: invalid Twilio signature\n", status=403,
                                              mimetype="text/plain")
        check_twilio_params(form, req.args)
        _restore_carried_params(req)
        try:
            return view(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            held = req.args.get(DB_HELD_ARG, 0, type=int)
            # Only the caller's own leg waits: a leg we placed (an agent's Dial leg, whose whisper
            # this may be; an outbound call) would time out its Dial while held, and the agent would
            # be counted as missing the offer.
            if not hold_for_database or not req.path.startswith("/voice") or form.get("Direction") != "inbound" \
                    or held >= settings.database_outage_hold_seconds:
                raise
            return _hold_for_the_database(exc, held)

    checked.twilio_webhook = True  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]


def _hold_for_the_database(exc: Exception, held: int):
    """The caller of a voice webhook that found the database down (the chaos benchmark's callers were
    told "call again later" during a 3 s outage) holds a moment, then Twilio asks the same webhook
    again: webhooks are idempotent by CallSid, and a Gather's digits lost on the way are asked again."""
    db.session().rollback()
    log.warning("database unavailable: caller held (%d s so far), then the webhook is asked again (%s)", held,
                type(exc).__name__, extra={"path": request.path})
    response = VoiceResponse()
    response.pause(length=DB_HOLD_STEP_SECONDS)
    carried = {f"{CARRIED_PREFIX}{name}": request.form[name] for name in ACTION_PARAMS if name in request.form}
    values = {**request.args.to_dict(), **carried, DB_HELD_ARG: held + DB_HOLD_STEP_SECONDS}
    response.redirect(public_url_for(request.endpoint, **values), method="POST")
    return twiml_response(response)


def _restore_carried_params(req) -> None:
    """A held request asked again: the verb's action parameters the hold carried are in its form
    again, so the view reads the Dial's outcome (or the digits) it was first asked about."""
    carried = {name: req.args[f"{CARRIED_PREFIX}{name}"] for name in ACTION_PARAMS
               if f"{CARRIED_PREFIX}{name}" in req.args and name not in req.form}
    if carried:
        form = req.form.copy()
        form.update(carried)
        req.form = ImmutableMultiDict(form)


def twilio_callback(view: F) -> F:
    """A signed status callback that acknowledges only work it made durable.

    Any failure (the database, Redis, a receiver) rolls back and answers 503, never Twilio's
    apology TwiML with a 200: Twilio then retries if the URL carries connection overrides
    (`#rc=5&rp=5xx,ct,rt`: `callback_url`, see README), and the view must make a retry finish the work (status
    callbacks re-announce a call's end that was not announced; recordings re-schedule a download).
    """
    signed = _signed(view, hold_for_database=False)  # no TwiML to hold with: the 503 makes Twilio retry

    @functools.wraps(view)
    def durable(*args, **kwargs):
        try:
            return signed(*args, **kwargs)
        except (HTTPException, ApiError):  # a deliberate answer (a 400, a 413): not a failure to keep work
            raise
        except Exception:
            log.exception("callback not processed; answering 503 so that Twilio may retry",
                          extra={"path": request.path})
            db.session().rollback()
            return current_app.response_class("not recorded; please retry\n", status=503, mimetype="text/plain")

    durable.twilio_webhook = True  # type: ignore[attr-defined]
    return durable  # type: ignore[return-value]
