"""GD numbers: the local day plus a daily sequence, unique with 8 creators at once (PostgreSQL or SQLite)."""
import threading
from datetime import datetime, timezone

from hotline import db
from tickets import cases
from tickets.numbering import format_number, looks_like_number


def test_format():
    assert format_number(datetime(2026, 11, 24).date(), 7) == "GD20261124007"
    assert format_number(datetime(2026, 11, 24).date(), 1234) == "GD202611241234"
    assert looks_like_number("GD20261124007") and not looks_like_number("GD2026112407")


def _open(app, phone="+8613800138000", category="inquiry"):
    with app.app_context():
        session = db.session()
        customer = cases.customer_for_phone(session, phone)
        ticket = cases.open_ticket(session, category=category, actor="test", customer=customer, notify=False)
        session.commit()
        return ticket.number


def test_the_date_is_the_call_centers_day(app, clock):
    clock.set(datetime(2026, 11, 24, 15, 59, tzinfo=timezone.utc))  # 23:59 in Beijing
    assert _open(app) == "GD20261124001"
    clock.set(datetime(2026, 11, 24, 16, 1, tzinfo=timezone.utc))  # 00:01 on the 25th
    assert _open(app) == "GD20261125001"
    assert _open(app) == "GD20261125002"


def test_eight_concurrent_creators_get_eight_numbers(app):
    creators = 8
    barrier = threading.Barrier(creators)
    numbers, errors = [], []

    def create(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            numbers.append(_open(app, phone=f"+86138001380{index:02d}"))
        except Exception as exc:  # collected so the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(creators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [f"GD20261124{n:03d}" for n in range(1, creators + 1)]
