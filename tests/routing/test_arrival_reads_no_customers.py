"""Routing's arrival (POST /voice/route) learns whether the caller is a VIP from the caller directory
(tickets' Redis copy, `hotline.contracts.CallerDirectory`), not from the customers table."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from hotline import db
from routing.models import RoutedCall
from tests.support.sql import statements
from tickets.directory import KEY, rebuild
from tickets.models import Customer

VIP, PLAIN = "+8613700000001", "+8613700000002"


def _customers(app, ready: bool = True) -> None:
    with app.app_context():
        session = db.session()
        session.add_all([Customer(phone=VIP, vip=True, surname="王", title="ms"),
                         Customer(phone=PLAIN, vip=False, surname="李", title="mr")])
        session.commit()
        if ready:
            rebuild()


def _routed(app, sid: str) -> RoutedCall:
    with app.app_context():
        return db.session().scalars(select(RoutedCall).where(RoutedCall.call_sid == sid)).one()


def test_a_vip_is_known_on_arrival_without_a_customers_query(center, app):
    _customers(app)
    with statements(Engine) as seen:
        vip, _ = center.enter("inquiry", from_number=VIP)
    plain, _ = center.enter("inquiry", from_number=PLAIN)
    assert [s.sql for s in seen if "customers" in s.sql] == []
    assert _routed(app, vip).vip is True and _routed(app, plain).vip is False
    assert _routed(app, vip).priority > _routed(app, plain).priority


def test_an_entry_copied_before_it_held_vip_is_read_from_the_record(center, app):
    """A directory entry written by an older release has no `vip` field: the record decides."""
    from hotline.redis_client import get_redis

    _customers(app)
    with app.app_context():
        get_redis().hdel(KEY.format(phone=VIP), "vip")
    with statements(Engine) as seen:
        vip, _ = center.enter("inquiry", from_number=VIP)
    assert any("customers" in s.sql for s in seen)
    assert _routed(app, vip).vip is True


def test_while_the_copy_is_incomplete_the_record_decides(center, app):
    _customers(app, ready=False)
    vip, _ = center.enter("inquiry", from_number=VIP)
    assert _routed(app, vip).vip is True
