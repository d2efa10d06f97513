"""The live transcript's API over what the media service writes (live.transcript_store): the
phrases so far, the server-sent events after Last-Event-ID, the supervisors' alerts."""
from hotline import db
from hotline.redis_client import get_redis
from live import transcript_store
from tests.support.factories import add_call

SID = "CA" + "4" * 32


def phrase(speaker, index, start, text, final):
    return {"type": "phrase", "speaker": speaker, "index": index, "start": start, "end": start + 1, "text": text,
            "final": final}


def write(app, *entries, alerts=()):
    with app.app_context():
        transcript_store.append(get_redis(), SID, list(entries), 3600, list(alerts))


def test_the_transcript_so_far_shows_finals_and_each_speakers_newest_partial(app, api):
    with app.app_context():
        add_call(db.session(), SID)
        db.session().commit()
    write(app, phrase("agent", 0, 0.5, "您好", False), phrase("agent", 0, 0.5, "您好请讲", True),
          phrase("caller", 0, 3.0, "我要", False), phrase("caller", 0, 3.0, "我要投诉", False),
          {"type": "notice", "kind": "complaint", "at": 3.0, "speaker": "caller", "phrase": "投诉",
           "suggestion": "upset_caller"})
    live = api.get(f"/api/calls/{SID}/live").get_json()
    assert [(p["speaker"], p["text"], p["final"]) for p in live["phrases"]] == \
        [("agent", "您好请讲", True), ("caller", "我要投诉", False)]
    assert live["notices"][0]["suggestion"] == "upset_caller" and live["ended"] is False
    assert api.get(f"/api/calls/{'CA' + '5' * 32}/live").status_code == 404


def test_events_stream_every_entry_then_end_and_resume_after_the_last_one_seen(app, api, client):
    with app.app_context():
        add_call(db.session(), SID)
        db.session().commit()
    write(app, phrase("agent", 0, 0.5, "您好", True), phrase("caller", 0, 3.0, "喂", True))
    first = client.get(f"/api/calls/{SID}/live/events?wait=0", headers={"Authorization": f"Bearer {api.token}"})
    assert first.status_code == 200 and first.mimetype == "text/event-stream"
    assert first.get_data(as_text=True).startswith("retry: 1000\n\n")  # EventSource comes back a second later
    events = [block for block in first.get_data(as_text=True).split("\n\n") if block.startswith("id:")]
    assert len(events) == 2 and "event: phrase" in events[0] and "您好" in events[0]
    last_id = events[-1].split("\n")[0].removeprefix("id: ")
    write(app, phrase("agent", 1, 5.0, "请讲", True), {"type": "end", "reason": "stopped", "counts": {}})
    rest = client.get(f"/api/calls/{SID}/live/events?wait=5",
                      headers={"Authorization": f"Bearer {api.token}", "Last-Event-ID": last_id})
    text = rest.get_data(as_text=True)
    assert "请讲" in text and "event: end" in text and "您好" not in text
    bad = client.get(f"/api/calls/{SID}/live/events", headers={"Authorization": f"Bearer {api.token}",
                                                               "Last-Event-ID": "nonsense"})
    assert bad.status_code == 400


def test_supervisors_read_the_newest_alerts_first(app, api):
    write(app, alerts=[{"call_sid": SID, "kind": "complaint", "phrase": "投诉", "at": 3.0},
                       {"call_sid": SID, "kind": "escalation", "phrase": "12315", "at": 9.0}])
    alerts = api.get("/api/alerts?limit=1", token=api.mint("supervisor")).get_json()["alerts"]
    assert [(a["kind"], a["phrase"]) for a in alerts] == [("escalation", "12315")]
    assert api.get("/api/alerts", token=api.mint("agent")).status_code == 403
