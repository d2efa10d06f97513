"""How a page refuses a request: JSON for scripts and the API, a small page for people."""
from __future__ import annotations

from flask import jsonify, render_template, request


def wants_json() -> bool:
    if request.path.startswith("/api") or request.is_json or request.headers.get("X-CSRF-Token"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def refuse(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("auth/refused.html", status=status, message=message), status
