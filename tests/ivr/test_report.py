"""GET /api/reports/ivr: outcomes of calls that went through the menu, from their event history."""
from __future__ import annotations

from tests.ivr.conftest import NIGHT, OWNER


def hang_up(twilio, call) -> None:
    assert twilio.post("/voice/status", call.params(CallStatus="completed", CallDuration="40")).status_code == 204


def test_report_counts_routed_served_voicemail_and_drop_outs_by_node(app, api, twilio, caller, ticket_book, clock):
    routed = caller()
    routed.dial()
    routed.press("1")
    routed.press("3")

    served = caller(OWNER)
    served.dial()
    served.press("2")
    served.press("5")
    served.press("1")
    served.press("20261123007")
    served.stay_silent()
    hang_up(twilio, served)

    dropped = caller()
    dropped.dial()
    dropped.press("1")
    dropped.press("5")
    dropped.press("9")
    hang_up(twilio, dropped)

    still_listening = caller()
    still_listening.dial()

    supervisor = api.mint("supervisor")
    clock.advance(60)
    report = api.get("/api/reports/ivr", token=supervisor).get_json()
    assert report["calls"] == 4
    assert report["routed_by_queue"] == {"complaint": 1} and report["routed"] == 1
    assert report["served_by_ivr"] == 1 and report["served_by_ivr_rate"] == 0.25
    assert report["drop_outs"] == [{"node": "aftersales", "calls": 1}]
    assert report["in_menu"] == 1
    assert report["misses_by_node"] == {"aftersales": 1}


def test_report_counts_messages_left_after_hours(api, caller, clock):
    clock.set(NIGHT)
    call = caller()
    call.dial()
    call.press("1")
    call.press("1")
    call.leave_message("RE" + "1" * 32)
    clock.advance(60)
    report = api.get("/api/reports/ivr").get_json()
    assert report["voicemail"] == 1 and report["routed"] == 0


def test_report_needs_a_supervisor(api):
    agent = api.mint("agent")
    assert api.get("/api/reports/ivr", token=agent).status_code == 403
    assert api.get("/api/reports/ivr", token="").status_code == 401


def test_report_rejects_bad_dates(api):
    response = api.get("/api/reports/ivr?since=yesterday")
    assert response.status_code == 400 and "since" in response.get_json()["error"]
    assert api.get("/api/reports/ivr?since=2026-11-25&until=2026-11-24").status_code == 400


def test_report_is_in_the_openapi_document(api):
    paths = api.get("/api/openapi.json").get_json()["paths"]
    assert paths["/api/reports/ivr"]["get"]["x-roles"] == ["supervisor"]


def test_outcomes_stored_when_settled_are_what_the_events_say(app, api, twilio, caller, clock):
    """Each call's outcome is written with its steps (in batches as they settle); folding the calls'
    events again, as the migration ivr_0001 does for older calls, gives the same report."""
    from sqlalchemy import delete, select

    from hotline import db
    from ivr.models import IvrCall, IvrMiss
    from ivr.outcome import backfill

    routed = caller()
    routed.dial()
    routed.press("7")  # a wrong key first: a miss at the main menu
    routed.press("1")
    routed.press("3")
    dropped = caller()
    dropped.dial()
    dropped.press("1")
    dropped.press("9")
    dropped.press("9")
    hang_up(twilio, dropped)
    listening = caller()
    listening.dial()
    clock.advance(60)
    stored = api.get("/api/reports/ivr").get_json()
    assert (stored["calls"], stored["routed"], stored["dropped"], stored["in_menu"]) == (3, 1, 1, 1)
    assert sum(stored["misses_by_node"].values()) == 3
    with app.app_context():
        session = db.session()
        assert len(session.scalars(select(IvrCall)).all()) == 3
        session.execute(delete(IvrMiss))
        session.execute(delete(IvrCall))
        assert backfill(session.connection()) == 3
        session.commit()
    assert api.get("/api/reports/ivr").get_json() == stored
