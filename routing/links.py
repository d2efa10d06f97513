"""Absolute callback URLs for TwiML and REST requests, from a request or from an RQ job."""
from __future__ import annotations

from flask import current_app, has_request_context

from hotline.webhooks import public_url_for


def callback_url(endpoint: str, **values: object) -> str:
    if has_request_context():
        return public_url_for(endpoint, **values)
    # A job has no request to build URLs from; a throwaway one on the public base does.
    with current_app.test_request_context("/"):
        return public_url_for(endpoint, **values)
