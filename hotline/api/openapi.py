"""The OpenAPI document at /api/openapi.json, assembled from the views themselves.

Each API view carries its description through `@operation(...)`; the document is built from the
URL map, so an endpoint cannot be added without appearing (undocumented ones are listed bare).
"""
from __future__ import annotations

import re
from typing import Any, Callable, TypeVar

from flask import current_app, jsonify

from hotline.api import bp

F = TypeVar("F", bound=Callable)
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_]+)>")


def operation(summary: str, *, tags: list[str] | None = None, request: dict[str, Any] | None = None,
              responses: dict[int, str] | None = None, description: str = "",
              query: dict[str, dict[str, Any]] | None = None) -> Callable[[F], F]:
    """`query`: the query parameters the view reads, each name with its JSON schema."""

    def decorator(view: F) -> F:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary, "tags": tags or [], "request": request,
            "responses": responses or {200: "OK"}, "description": description, "query": query or {},
        }
        return view

    return decorator


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api"):
            continue
        view = current_app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None) or {"summary": rule.endpoint, "tags": [], "request": None,
                                                   "responses": {200: "OK"}, "description": ""}
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "summary": meta["summary"],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "tags": meta["tags"],
                "responses": {str(code): {"description": text} for code, text in meta["responses"].items()},
            }
            if meta["description"]:
                op["description"] = meta["description"]
            params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                      for name in _CONVERTER.findall(rule.rule)]
            params += [{"name": name, "in": "query", "required": False, "schema": schema}
                       for name, schema in meta.get("query", {}).items()]
            if params:
                op["parameters"] = params
            roles = getattr(view, "required_roles", None)
            if roles is not None:
                op["security"] = [{"bearer": []}]
                op["x-roles"] = list(roles) or ["any"]
                op["responses"].setdefault("401", {"description": "missing or invalid token"})
                if roles:
                    op["responses"].setdefault("403", {"description": "role not allowed"})
            if meta["request"] and method in {"POST", "PATCH", "PUT"}:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": meta["request"]}}}
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "hotline API", "version": "1.0.0",
                 "description": "Call-center backend: calls, agents, queues, tickets, QA and revisits."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_document())
