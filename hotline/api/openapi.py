"""The OpenAPI document at /api/openapi.json, assembled from the views themselves.

Each API view carries its description through `@operation(...)`: its JSON body schema, query
parameters, and the answers it gives. The document is built from the URL map, so an endpoint
cannot be added without appearing (undocumented ones are listed bare). What every view may answer
is added here once: 400 (a malformed value, or text with a NUL byte or an unpaired surrogate, named
in the error; hotline.request_guard), 401/403 for guarded views, 404 where the path names a
resource, 413/422 for JSON bodies. tests/hotline/test_openapi_conformance.py runs schemathesis
against the document with all its checks.
"""
from __future__ import annotations

import re
from typing import Any, Callable, TypeVar

from flask import current_app, jsonify

from hotline.api import bp
from hotline.request_guard import INT32_MAX

F = TypeVar("F", bound=Callable)
_CONVERTER = re.compile(r"<(?:([a-z]+):)?([a-zA-Z_]+)>")
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
PATH_ID = {"type": "integer", "minimum": 0, "maximum": INT32_MAX}
PATH_TEXT = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[^/]+$"}
ALWAYS = {400: "a value is malformed, or text holds a NUL byte or an unpaired surrogate (the error names it)"}


def operation(summary: str, *, tags: list[str] | None = None,
              request: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
              query: dict[str, dict[str, Any]] | None = None, path: dict[str, dict[str, Any]] | None = None,
              responses: dict[int, str] | None = None, media: tuple[str, ...] = ("application/json",),
              description: str = "") -> Callable[[F], F]:
    """Describe an API view. `request`: JSON Schema of the body; `query` and `path`: JSON Schemas of
    parameters by name (path ids from `<int:...>` are described without it); `media`: the 2xx
    content types."""
    def decorator(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary, "tags": tags or [], "request": request, "query": query or {}, "path": path or {},
            "responses": responses or {200: "OK"}, "media": media, "description": description,
        }
        return view

    return decorator


def _response(code: int, text: str, media: tuple[str, ...]) -> dict[str, Any]:
    if code >= 400:
        return {"description": text, "content": {"application/json": {"schema": ERROR}}}
    if code == 204:
        return {"description": text}
    return {"description": text, "content": {kind: {} for kind in media}}


def _operation(rule, method: str, meta: dict[str, Any], roles: tuple[str, ...] | None) -> dict[str, Any]:
    responses = dict(meta["responses"])
    for code, text in ALWAYS.items():
        responses.setdefault(code, text)
    parameters = []
    for converter, name in _CONVERTER.findall(rule.rule):
        schema = meta["path"].get(name) or (PATH_ID if converter == "int" else PATH_TEXT)
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        responses.setdefault(404, "nothing at this path")
    for name, schema in meta["query"].items():
        # An empty value (?page=) is read as no value at all, as a form with an empty field sends it.
        parameters.append({"name": name, "in": "query", "required": False,
                           "schema": {"anyOf": [schema, {"type": "string", "maxLength": 0}]}})
    op: dict[str, Any] = {"summary": meta["summary"], "operationId": f"{rule.endpoint}.{method.lower()}",
                          "tags": meta["tags"]}
    if meta["description"]:
        op["description"] = meta["description"]
    if parameters:
        op["parameters"] = parameters
    if roles is not None:
        op["security"] = [{"bearer": []}]
        op["x-roles"] = list(roles) or ["any"]
        responses.setdefault(401, "missing or invalid token")
        if roles:
            responses.setdefault(403, "role not allowed")
    if meta["request"] and method in {"POST", "PATCH", "PUT"}:
        # A callable schema is made per document, from data operators change (the QA scorecard).
        body = meta["request"]() if callable(meta["request"]) else meta["request"]
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        responses.setdefault(413, "the body is larger than MAX_REQUEST_BYTES")
        responses.setdefault(422, "a field is invalid (the error names it)")
    op["responses"] = {str(code): _response(code, text, meta["media"]) for code, text in sorted(responses.items())}
    return op


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api"):
            continue
        view = current_app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None) or {"summary": rule.endpoint, "tags": [], "request": None, "query": {},
                                                   "path": {}, "responses": {200: "OK"},
                                                   "media": ("application/json",), "description": ""}
        path = _CONVERTER.sub(r"{\2}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, meta,
                                                                     getattr(view, "required_roles", None))
    return {
        "openapi": "3.1.0",
        "info": {"title": "hotline API", "version": "1.0.0",
                 "description": "Call-center backend: calls, agents, queues, tickets, QA and revisits. "
                                "Text never holds a NUL byte or an unpaired surrogate (400); request bodies are "
                                "at most MAX_REQUEST_BYTES (413); an empty query value is the same as none."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
@operation("This document", tags=["meta"])
def openapi_document():
    return jsonify(build_document())
