"""What every request must pass before any view reads it: a size limit, and text a database can store.

One place for every route (API, webhooks, pages): a body over MAX_REQUEST_BYTES is refused with
413 before anything parses it (a webhook's signature check reads the whole form, so without this a
forged 100 MB post was parsed before its 403). A NUL byte (PostgreSQL refuses it in text) or an
unpaired UTF-16 surrogate (not encodable as UTF-8, so SQLite's driver refuses it) anywhere in the
path, the query, a form or a JSON body is refused with a 400 naming the field, on both databases.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from flask import Flask, current_app, jsonify, request
from werkzeug.routing import IntegerConverter

# Integer primary keys and id columns are 32-bit on PostgreSQL; a larger id in a path is no row.
INT32_MAX = 2 ** 31 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ColumnIdConverter(IntegerConverter):
    """`<int:...>` in a route: at most 18 digits (a longer one matches no route: 404). Ids above the
    Integer columns' range are answered 404 by `check_request`, not here: Werkzeug answers 405 rather
    than 404 when a value fails a converter's check and a route with another method matched the path."""

    regex = r"\d{1,18}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored as text in both databases, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "contains a NUL byte" if found.group() == "\x00" else "contains an unpaired surrogate (not valid Unicode)"


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, text) for every key and string in a JSON document, e.g. ("answers.q1", "yes")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield (path or str(key)), str(key)
            yield from _json_strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{index}]")


def _request_strings(req) -> Iterator[tuple[str, str]]:
    yield "path", req.path
    for key, value in req.args.items(multi=True):
        yield key, key
        yield key, value
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in req.form.items(multi=True):
            yield key, key
            yield key, value
    if req.is_json:
        data = req.get_json(silent=True)
        if data is not None:
            yield from _json_strings(data, "")


def _refuse(status: int, message: str):
    if request.path.startswith("/api"):
        return jsonify(error=message), status
    return current_app.response_class(message + "\n", status=status, mimetype="text/plain")


def check_request():
    req = request._get_current_object()  # read a dozen times below: the proxy once
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if req.content_length is not None and req.content_length > limit:
        return _refuse(413, f"body: at most {limit} bytes")
    for name, value in (req.view_args or {}).items():
        if isinstance(value, int) and value > INT32_MAX:
            # No row has it, and PostgreSQL refuses it as an Integer parameter (an error, not "none").
            return _refuse(404, f"{name}: nothing has the id {value}")
    # Every request is checked and almost none is refused: one search over all of its text first
    # (a MultiDict is a dict of lists underneath), and the field is named only when that finds one.
    texts = [req.path]
    for key, values in dict.items(req.args):
        texts.append(key)
        texts.extend(values)
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in dict.items(req.form):
            texts.append(key)
            texts.extend(values)
    if _UNSTORABLE.search("\n".join(texts)) is None and not req.is_json:
        return None
    for field, text in _request_strings(req):
        problem = unstorable(text)
        if problem:
            return _refuse(400, f"{field}: {problem}")
    return None


def init_app(app: Flask) -> None:
    """Call right after the app is made: the converter must be in place before any route is added."""
    app.url_map.converters["int"] = ColumnIdConverter
    # Werkzeug enforces this on bodies without a Content-Length too (chunked), while it reads them.
    app.config["MAX_CONTENT_LENGTH"] = app.config["HOTLINE_SETTINGS"].max_request_bytes
    app.before_request(check_request)
