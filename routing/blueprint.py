"""The routing webhooks' blueprint (/voice/route...), filled by `routing.views` (the caller's side)
and `routing.dial_views` (the offer's side) and registered by `routing.init_app`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("routing", __name__, url_prefix="/voice")
