"""The access log: opening a recording, a transcript or a customer's file writes who, what, when;
admins read it as keyset-paged JSON and as streamed CSV; rows go with the audio's retention."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from access.models import AccessLogEntry
from hotline import db
from tests.access.conftest import CALL_A, CALL_B, PHONE_A, PHONE_B, build_center
from tests.conftest import sign_in


def _entries(app) -> list[tuple[str, str, str, str, str | None]]:
    with app.app_context():
        rows = db.session().scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
        return [(r.actor, r.role, r.kind, r.subject, r.via) for r in rows]


def _get(client, path: str, token: str, **headers: str):
    return client.get(path, headers={"Authorization": f"Bearer {token}", **headers})


def test_opening_a_recording_a_transcript_and_a_customer_file_is_logged(app, api, client):
    center = build_center(app, api)
    qa, agent = center.tokens["qa"], center.tokens["agent_a"]
    assert _get(client, f"/api/calls/{CALL_A}/recording", qa).status_code == 200
    assert _get(client, f"/api/calls/{CALL_A}/transcript", qa).status_code == 200
    assert _get(client, f"/api/customers/{PHONE_A}", agent).status_code == 200
    assert _entries(app) == [("test qa", "qa", "recording", CALL_A, "api"),
                             ("test qa", "qa", "transcript", CALL_A, "api"),
                             ("agent A", "agent", "customer", PHONE_A, "api")]


def test_one_listen_is_one_row_however_many_ranges_the_player_asks(app, api, client):
    center = build_center(app, api)
    qa = center.tokens["qa"]
    assert _get(client, f"/api/calls/{CALL_A}/recording", qa, Range="bytes=0-9").status_code == 206
    assert _get(client, f"/api/calls/{CALL_A}/recording", qa, Range="bytes=10-").status_code == 206
    assert [e[2:4] for e in _entries(app)] == [("recording", CALL_A)]


def test_refused_and_missing_things_are_not_logged_as_opened(app, api, client):
    center = build_center(app, api)
    assert _get(client, f"/api/calls/{CALL_A}/recording", center.tokens["agent_a"]).status_code == 403
    assert _get(client, f"/api/customers/{PHONE_B}", center.tokens["agent_a"]).status_code == 403
    assert _get(client, "/api/calls/CA" + "0" * 32 + "/transcript", center.tokens["qa"]).status_code == 404
    assert _entries(app) == []


def test_the_reviewers_pages_are_logged_too(app, api, client, people):
    build_center(app, api)
    people.add("rev", role="qa")
    sign_in(client, "rev")
    assert client.get(f"/qa/calls/{CALL_B}").status_code == 200
    assert client.get(f"/qa/calls/{CALL_B}/audio").status_code == 200
    assert _entries(app) == [("rev", "qa", "transcript", CALL_B, "page"), ("rev", "qa", "recording", CALL_B, "page")]


def _add_entries(app, clock, count: int, actor: str = "someone", same_moment_every: int = 3) -> None:
    with app.app_context():
        session = db.session()
        for n in range(count):
            if n % same_moment_every == 0:  # several rows share a moment: the id breaks the tie
                clock.advance(1)
            session.add(AccessLogEntry(at=clock.now(), actor=actor, role="qa", kind="recording",
                                       subject=f"CA{n:032d}", via="api"))
        session.commit()


def test_pages_walk_the_log_by_time_and_id_without_gaps_or_repeats(app, api, clock):
    _add_entries(app, clock, 11)
    seen, cursor, pages = [], None, 0
    while True:
        response = api.get("/api/access-log?limit=4" + (f"&after={cursor}" if cursor else ""))
        assert response.status_code == 200
        body = response.get_json()
        seen += [item["subject"] for item in body["items"]]
        pages += 1
        if pages == 1:
            _add_entries(app, clock, 2, actor="later")  # appended while paging: found at the end, once
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == [f"CA{n:032d}" for n in range(11)] + [f"CA{n:032d}" for n in range(2)]
    assert pages == 4


@pytest.mark.parametrize("query", ["after=nonsense", "after=" + "A" * 10, "limit=0", "limit=501", "limit=%C2%B2",
                                   "kind=nonsense", "from=yesterday", "to=9999-12-31", "from=2026-13-01",
                                   "actor=" + "x" * 121])
def test_malformed_queries_are_refused_by_name(api, query):
    response = api.get(f"/api/access-log?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"].split(":")[0] == query.split("=")[0]


def test_filters_by_kind_actor_subject_and_time(app, api, client, clock):
    center = build_center(app, api)
    _get(client, f"/api/calls/{CALL_A}/transcript", center.tokens["qa"])
    clock.advance(hours=2)
    _get(client, f"/api/customers/{PHONE_A}", center.tokens["supervisor"])
    start = clock.now().isoformat()

    def subjects(query: str) -> list[str]:
        return [item["subject"] for item in api.get(f"/api/access-log?{query}").get_json()["items"]]

    assert subjects("kind=customer") == [PHONE_A]
    assert subjects("actor=test+qa") == [CALL_A]
    assert subjects(f"subject={CALL_A}") == [CALL_A]
    assert subjects(f"from={start.replace('+', '%2B')}") == [PHONE_A]
    assert subjects(f"to={start.replace('+', '%2B')}") == [CALL_A]
    assert subjects(f"from={clock.now().date()}&to={clock.now().date()}") == [CALL_A, PHONE_A]


def test_the_csv_streams_every_row_and_defuses_formulas(app, api, clock):
    _add_entries(app, clock, 1203, actor="=HYPERLINK(\"http://evil\")")
    with app.app_context():
        db.session().add(AccessLogEntry(at=clock.advance(1), actor="@SUM(1)", role="qa", kind="customer",
                                        subject="+8613800000009", detail="-2+3", via="page"))
        db.session().commit()
    response = api.get("/api/access-log.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "at", "actor", "role", "agent_id", "kind", "subject", "detail", "via", "address"]
    assert len(rows) == 1 + 1204
    assert len({r[0] for r in rows[1:]}) == 1204  # no row twice across the streamed batches
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")"
    assert rows[-1][2] == "'@SUM(1)" and rows[-1][6] == "'+8613800000009" and rows[-1][7] == "'-2+3"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_rows_are_purged_with_the_recordings_retention(app, clock, settings):
    from access.retention import purge_expired_access_log

    _add_entries(app, clock, 3, actor="old", same_moment_every=1)
    clock.advance(days=settings.recordings_retention_days)
    _add_entries(app, clock, 2, actor="recent", same_moment_every=1)
    assert "access-log-retention-purge" in [p.name for p in app.extensions["hotline.periodic"]]
    with app.app_context():
        assert purge_expired_access_log() == 3
        actors = db.session().scalars(select(AccessLogEntry.actor)).all()
        assert sorted(actors) == ["recent", "recent"]


def test_retention_zero_keeps_the_log(app, clock, settings):
    import dataclasses

    from access.retention import purge_expired_access_log

    _add_entries(app, clock, 2)
    clock.advance(days=4000)
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(settings, recordings_retention_days=0)
    with app.app_context():
        assert purge_expired_access_log() == 0
        assert db.session().scalar(select(func.count()).select_from(AccessLogEntry)) == 2


def test_the_openapi_document_describes_the_access_log(api):
    paths = api.get("/api/openapi.json").get_json()["paths"]
    listing = paths["/api/access-log"]["get"]
    assert listing["x-roles"] == ["admin"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"kind", "actor", "subject", "from", "to", "after", "limit", "count"}
    assert all(p["in"] == "query" and not p["required"] for p in params.values())
    assert params["limit"]["schema"]["anyOf"][0]["maximum"] == 500 and "400" in listing["responses"]
    assert {p["name"] for p in paths["/api/access-log.csv"]["get"]["parameters"]} == {
        "kind", "actor", "subject", "from", "to"}
