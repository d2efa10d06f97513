"""Liveness and readiness for load balancers and orchestrators."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from hotline.db import get_db
from hotline.redis_client import get_redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    problems: dict[str, str] = {}
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means not ready; say which
        problems["database"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    try:
        get_redis().ping()
    except Exception as exc:
        problems["redis"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    if problems:
        return jsonify(status="unavailable", problems=problems), 503
    return jsonify(status="ready")
