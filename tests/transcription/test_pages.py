"""The QA pages over HTTP without a browser: sign-in, queue, search, export, CSRF."""
from tests.transcription.calls import good_call_zh, make_transcript, turn

COMPLAINT = "CA" + "1" * 32
OTHER = "CA" + "8" * 32


def signed_in(client, api, role="qa", next_=""):
    return client.post(f"/qa/sign-in{next_}", data={"token": api.mint(role, name=f"{role} 王")})


def test_sign_in_then_the_queue_and_search(app, client, api):
    make_transcript(app, COMPLAINT, good_call_zh(), agent_id=5, queue="complaint")
    make_transcript(app, OTHER, [turn("agent", 1.0, "您好 这里是 热线服务中心"), turn("caller", 4.0, "查询 话费")],
                    seconds=8.0, agent_id=6, queue="inquiry")
    assert client.get("/qa/").status_code == 302
    response = signed_in(client, api)
    assert response.status_code == 302 and response.headers["Location"].endswith("/qa/")
    page = client.get("/qa/").data.decode()
    assert COMPLAINT in page and "complaint" in page and "qa 王" in page
    results = client.get("/qa/?q=话费").data.decode()
    assert f"/qa/calls/{OTHER}" in results.split('id="results"')[1]
    assert f"/qa/calls/{COMPLAINT}" not in results.split('id="results"')[1]
    assert "expected YYYY-MM-DD" in client.get("/qa/?date=soon").data.decode()
    call_page = client.get(f"/qa/calls/{COMPLAINT}").data.decode()
    assert 'data-start="1.0"' in call_page and "script_greeting" in call_page
    export = client.get("/qa/reviews.csv")
    assert export.mimetype == "text/csv" and export.data.decode().startswith("call_sid,reviewer,score")


def test_agents_and_bad_tokens_are_turned_away(client, api):
    assert signed_in(client, api, role="agent").status_code == 401
    assert client.post("/qa/sign-in", data={"token": "hl_nope"}).status_code == 401
    assert client.get("/qa/").status_code == 302


def test_sign_in_never_redirects_off_site(client, api):
    response = signed_in(client, api, next_="?next=https://evil.example/qa")
    assert response.headers["Location"].endswith("/qa/")


def test_saving_from_the_page_needs_the_page_s_csrf_token(app, client, api):
    make_transcript(app, COMPLAINT, good_call_zh())
    signed_in(client, api)
    client.get(f"/qa/calls/{COMPLAINT}")
    refused = client.post(f"/qa/calls/{COMPLAINT}/review", json={"answers": {"greeting": "yes"}})
    assert refused.status_code == 403
    with client.session_transaction() as session:
        csrf = session["csrf"]
    saved = client.post(f"/qa/calls/{COMPLAINT}/review", json={"answers": {"greeting": "yes"}},
                        headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 201 and saved.get_json()["reviewer"] == "qa 王"


def test_a_revoked_token_ends_its_page_session(app, client, api):
    from hotline import db
    from hotline.clock import now
    from hotline.models import ApiToken

    signed_in(client, api)
    assert client.get("/qa/").status_code == 200
    with app.app_context():
        row = db.session().query(ApiToken).filter_by(role="qa").one()
        row.revoked_at = now()
        db.session().commit()
    assert client.get("/qa/").status_code == 302
