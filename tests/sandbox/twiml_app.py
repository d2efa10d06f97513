"""Throwaway TwiML endpoints for simulator tests: each path answers fixed or computed TwiML."""
from __future__ import annotations

import itertools
from typing import Callable

from flask import Blueprint, current_app, request

from hotline.clock import now
from hotline.webhooks import twilio_webhook

_names = itertools.count()
Answer = str | Callable[[dict, dict], str]


class TwimlApp:
    """Registers `/twiml/<path>` views on `app`; `seen` keeps (path, query args, form, app clock) per request."""

    def __init__(self, app, routes: dict[str, Answer]) -> None:
        self.seen: list[tuple[str, dict, dict, object]] = []
        bp = Blueprint(f"twiml_test_{next(_names)}", __name__, url_prefix="/twiml")
        for path, answer in routes.items():
            bp.add_url_rule(path, path.strip("/").replace("/", "_") or "root", self._view(path, answer),
                            methods=["GET", "POST"])
        app.register_blueprint(bp)

    def _view(self, path: str, answer: Answer):
        @twilio_webhook
        def view():
            form, args = request.form.to_dict(), request.args.to_dict()
            self.seen.append((path, args, form, now()))
            body = answer(form, args) if callable(answer) else answer
            if body == "":
                return "", 204
            return current_app.response_class(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
                                              mimetype="text/xml")

        view.__name__ = f"view_{path.strip('/').replace('/', '_')}"
        return view

    def forms(self, path: str) -> list[dict]:
        return [form for p, _args, form, _at in self.seen if p == path]
