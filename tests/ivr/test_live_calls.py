"""A call in the IVR menu is visible before its steps are settled into the database: in
GET /api/calls/<sid> and in the supervisor's live data, read through from the Redis buffer."""
from __future__ import annotations

from tests.conftest import sign_in


def _kinds(body) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["data"].get("input") or e["data"].get("status")) for e in body["events"]]


def test_a_call_in_the_menu_is_shown_with_its_steps_so_far(caller, api):
    someone = caller()
    someone.dial()
    someone.press("2")  # English; the next menu is waiting for a choice
    body = api.get(f"/api/calls/{someone.sid}").get_json()
    assert body["in_menu"] is True
    assert body["from"] == someone.number and body["status"] == "ringing" and body["language"] == "en-US"
    assert _kinds(body) == [("incoming", None), ("ivr", "2")]
    assert api.get("/api/calls/CA" + "9" * 32).status_code == 404  # nothing buffered, nothing written


def test_once_settled_the_call_reads_from_the_database_each_step_once(app, caller, api):
    someone = caller()
    someone.dial()
    someone.press("2")
    someone.press("1")  # to a queue: the path is settled right after
    body = api.get(f"/api/calls/{someone.sid}").get_json()
    assert body["in_menu"] is False
    assert _kinds(body) == [("status", "ringing"), ("incoming", None), ("ivr", "2"), ("ivr", "1")]


def test_steps_a_settler_wrote_but_did_not_clear_are_shown_once(app, caller, api):
    from ivr.call_steps import call_row, take_buffered

    someone = caller()
    someone.dial()
    someone.press("2")
    with app.app_context():
        # A settler commits the steps and dies before clearing them from Redis.
        taken = take_buffered(someone.sid)
        arrival = taken.arrival
        steps = call_row(someone.sid, {"CallSid": someone.sid, **arrival["form"]}, arrived_at=arrival["arrived_at"])
        steps.add_items(taken.items)
        steps.commit()
        taken.release()
    someone.press("5")  # a later step (to the after-sales menu), buffered anew
    body = api.get(f"/api/calls/{someone.sid}").get_json()
    assert body["in_menu"] is True
    assert _kinds(body) == [("status", "ringing"), ("incoming", None), ("ivr", "2"), ("ivr", "5")]


def test_the_supervisor_live_data_lists_calls_in_the_menu(caller, people, client):
    someone = caller()
    someone.dial()
    someone.press("2")
    people.add("zhao.lead", role="supervisor")
    sign_in(client, "zhao.lead")
    [call] = client.get("/supervisor/live.json").get_json()["in_menu"]
    assert call["sid"] == someone.sid and call["steps"] == 2 and call["language"] == "en-US"
    assert call["from"].endswith(someone.number[-4:]) and call["from"] != someone.number  # masked
    assert someone.sid in client.get("/supervisor").get_data(as_text=True)
