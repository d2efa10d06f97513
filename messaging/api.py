"""The do-not-contact list over the API: agents add a number a customer asked about on the phone."""
from __future__ import annotations

from flask import Blueprint, jsonify

from hotline import db
from hotline.api import openapi, schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json, json_body
from hotline.params import phone as parse_phone
from messaging.areas import tell_opt_out
from messaging.consent import is_opted_out, opt_in, opt_out

# Its own blueprint under /api: hotline.api.bp is registered before the areas are set up.
bp = Blueprint("messaging", __name__)  # nested under /api by the app factory (hotline.areas)


@bp.post("/do-not-contact")
@require_role("supervisor", "agent")
@openapi.operation("Put a number on the do-not-contact list (a customer asked on the phone)", tags=["messaging"],
                   request={"type": "object", "required": ["phone"], "properties": {"phone": schemas.PHONE}},
                   responses={201: "added", 200: "already on the list", 422: "bad phone"})
def add_do_not_contact():
    phone = parse_phone(json_body().get("phone"))
    session = db.session()
    added = opt_out(session, phone, "AGENT", source="api")
    tell_opt_out(session, phone, "api")
    session.commit()
    return jsonify(phone=phone, opted_out=True), 201 if added else 200


@bp.get("/do-not-contact/<phone>")
@require_role("supervisor", "agent")
@openapi.operation("Whether a number is on the do-not-contact list", tags=["messaging"],
                   path={"phone": schemas.PHONE}, responses={200: "on the list or not", 422: "bad phone"})
def get_do_not_contact(phone: str):
    phone = parse_phone(phone)
    return jsonify(phone=phone, opted_out=is_opted_out(db.session(), phone))


@bp.delete("/do-not-contact/<phone>")
@require_role("supervisor")
@openapi.operation("Take a number off the list (the customer asked to be contacted again)", tags=["messaging"],
                   path={"phone": schemas.PHONE}, responses={204: "removed", 404: "not on the list", 422: "bad phone"})
def delete_do_not_contact(phone: str):
    phone = parse_phone(phone)
    session = db.session()
    removed = opt_in(session, phone)
    session.commit()
    if not removed:
        abort_json(404, "that number is not on the do-not-contact list")
    return "", 204
