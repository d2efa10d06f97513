"""Migration tickets_0003: due times the old SQLite bug stored as Shanghai clock readings become UTC
where the ticket's "created" event proves it; re-planned tickets are left alone and counted."""
import importlib.util
import json
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from hotline import db

MIGRATION = Path(__file__).resolve().parents[2] / "tickets" / "migrations" / "tickets_0003_due_times_to_utc.py"
OPENED = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # Monday 30 Nov, 01:00 in Shanghai


def load_migration():
    spec = importlib.util.spec_from_file_location("tickets_0003_due_times_to_utc", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def open_ticket(api, priority):
    body = {"phone": "13800138000", "category": "problem", "priority": priority, "notify": False}
    return api.post("/api/tickets", body).get_json()["number"]


def as_the_old_code_wrote_it(app, number):
    """The old bug's traces: the created event planned +08:00 times, the columns hold their readings."""
    with app.app_context():
        session = db.session()
        ticket_id, data = session.execute(text(
            "SELECT t.id, e.data FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id AND e.kind = 'created' "
            "WHERE t.number = :n"), {"n": number}).one()
        data = json.loads(data) if isinstance(data, str) else data
        local = {c: datetime.fromisoformat(data[c]).astimezone(timezone.utc).astimezone(ZoneInfo("Asia/Shanghai")) for c in ("response_due", "resolution_due")}
        data.update({c: v.isoformat() for c, v in local.items()})
        session.execute(text("UPDATE ticket_events SET data = :d WHERE ticket_id = :t AND kind = 'created'"),
                        {"d": json.dumps(data), "t": ticket_id})
        if session.get_bind().dialect.name == "sqlite":
            for column, value in local.items():
                session.execute(text(f"UPDATE tickets SET {column} = :v WHERE id = :t"),
                                {"v": value.strftime("%Y-%m-%d %H:%M:%S.%f"), "t": ticket_id})
        session.commit()


def promised(api, number):
    return datetime.fromisoformat(api.get(f"/api/tickets/{number}").get_json()["sla"]["promised_at"])


def test_the_old_readings_are_moved_to_utc_where_the_history_proves_them(app, api, clock, database_url):
    clock.set(OPENED)
    routine, urgent, reopened = open_ticket(api, "routine"), open_ticket(api, "urgent"), open_ticket(api, "routine")
    api.patch(f"/api/tickets/{reopened}", {"version": 1, "assignee_id": 3})
    for version, status in ((2, "in_progress"), (3, "resolved"), (4, "reopened")):
        assert api.patch(f"/api/tickets/{reopened}", {"version": version, "status": status}).status_code == 200
    right = {n: promised(api, n) for n in (routine, urgent, reopened)}
    for number in (routine, reopened):
        as_the_old_code_wrote_it(app, number)
    sqlite = database_url.startswith("sqlite")
    if sqlite:  # the bug as users met it: 20:00 in Shanghai read back as 20:00 UTC
        assert promised(api, routine) == datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            assert load_migration().repair(connection) == ((2, 1) if sqlite else (0, 0))
    finally:
        engine.dispose()
    assert promised(api, routine) == right[routine] == datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert promised(api, urgent) == right[urgent]  # planned in hours from a UTC clock: never wrong
