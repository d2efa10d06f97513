"""What every REST resource of the sandbox shares: the state of the request's sandbox, Twilio's error
JSON and its authentication (HTTP Basic with the account SID and auth token)."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

from flask import Response, jsonify, request

from sandbox.rest.state import SandboxError, SandboxState

API = "/2010-04-01/Accounts/<account>"


def state() -> SandboxState:
    return request.environ["hotline.sandbox"]


def error(status: int, code: int, message: str) -> Response:
    response = jsonify(code=code, message=message, status=status,
                       more_info=f"https://www.twilio.com/docs/errors/{code}")
    response.status_code = status
    return response


def rfc2822(when: datetime | None = None) -> str:
    return format_datetime(when or datetime.now(timezone.utc), usegmt=True)


def authorized() -> bool:
    """The request carries the account SID and auth token (HTTP Basic)."""
    sandbox, auth = state(), request.authorization
    return auth is not None and (auth.username, auth.password) == (sandbox.account_sid, sandbox.auth_token)


def authenticate():
    sandbox = state()
    account = (request.view_args or {}).get("account")
    if not authorized():
        return error(401, 20003, "Authenticate")
    if account != sandbox.account_sid:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    try:
        sandbox.admit(request.method, request.path)
    except SandboxError as exc:
        return error(exc.status, exc.code, exc.message)
    return None
