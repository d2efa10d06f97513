"""The QA pages over HTTP without a browser: the one sign-in, roles, queue, search, export, CSRF."""
import pytest

from tests.conftest import page_token, sign_in
from tests.support.factories import good_call_zh, make_transcript, turn

COMPLAINT = "CA" + "1" * 32
OTHER = "CA" + "8" * 32


def test_sign_in_then_the_queue_and_search(app, client, people):
    make_transcript(app, COMPLAINT, good_call_zh(), agent_id=5, queue="complaint")
    make_transcript(app, OTHER, [turn("agent", 1.0, "您好 这里是 热线服务中心"), turn("caller", 4.0, "查询 话费")],
                    seconds=8.0, agent_id=6, queue="inquiry")
    people.add("wang.qa", role="qa", name="质检 王")
    stranger = client.get("/qa/")
    assert stranger.status_code == 302 and stranger.headers["Location"] == "/signin?next=/qa/"
    response = sign_in(client, "wang.qa")  # no `next`: a QA reviewer's home page is the workspace
    assert response.status_code == 302 and response.headers["Location"] == "/qa/"
    page = client.get("/qa/").data.decode()
    assert COMPLAINT in page and "complaint" in page and "质检 王" in page
    assert 'action="/signout"' in page  # the shared top bar signs out
    results = client.get("/qa/?q=话费").data.decode()
    assert f"/qa/calls/{OTHER}" in results.split('id="results"')[1]
    assert f"/qa/calls/{COMPLAINT}" not in results.split('id="results"')[1]
    assert "expected YYYY-MM-DD" in client.get("/qa/?date=soon").data.decode()
    call_page = client.get(f"/qa/calls/{COMPLAINT}").data.decode()
    assert 'data-start="1.0"' in call_page and "script_greeting" in call_page
    export = client.get("/qa/reviews.csv")
    assert export.mimetype == "text/csv" and export.data.decode().startswith("call_sid,reviewer,score")


def test_a_stranger_is_sent_to_sign_in_and_back(app, client, people):
    make_transcript(app, COMPLAINT, good_call_zh())
    people.add("wang.qa", role="qa")
    response = client.get(f"/qa/calls/{COMPLAINT}")
    assert response.status_code == 302 and response.headers["Location"] == f"/signin?next=/qa/calls/{COMPLAINT}"
    back = sign_in(client, "wang.qa", next_=f"/qa/calls/{COMPLAINT}")
    assert back.headers["Location"] == f"/qa/calls/{COMPLAINT}"
    # The old QA sign-in address leads to everyone's sign-in page; nothing there takes a token.
    old = client.get("/qa/sign-in")
    assert old.status_code == 302 and old.headers["Location"].startswith("/signin?next=")
    assert client.post("/qa/sign-in", data={"token": "hl_anything"}).status_code == 405


def test_a_stranger_s_save_is_refused_without_a_redirect(app, client):
    make_transcript(app, COMPLAINT, good_call_zh())
    refused = client.post(f"/qa/calls/{COMPLAINT}/review", json={"answers": {"greeting": "yes"}})
    assert refused.status_code == 401 and refused.get_json()["error"] == "sign in first"


@pytest.mark.parametrize("role,status", [("agent", 403), ("qa", 200), ("supervisor", 200), ("admin", 200)])
def test_who_may_review(app, client, people, role, status):
    make_transcript(app, COMPLAINT, good_call_zh())
    people.add("someone", role=role, agent_id=7 if role == "agent" else None)
    sign_in(client, "someone")
    for path in ["/qa/", f"/qa/calls/{COMPLAINT}", "/qa/reviews.csv"]:
        assert client.get(path).status_code == status, path
    token = page_token(client, "/account")
    saved = client.post(f"/qa/calls/{COMPLAINT}/review", json={"answers": {"greeting": "yes"}},
                        headers={"X-CSRF-Token": token})
    assert saved.status_code == (201 if status == 200 else 403)


def test_saving_from_the_page_needs_the_page_s_csrf_token(app, client, people):
    make_transcript(app, COMPLAINT, good_call_zh())
    people.add("wang.qa", role="qa", name="质检 王")
    sign_in(client, "wang.qa")
    token = page_token(client, f"/qa/calls/{COMPLAINT}")
    body = {"answers": {"greeting": "yes"}}
    refused = client.post(f"/qa/calls/{COMPLAINT}/review", json=body)
    assert refused.status_code == 403 and "security token" in refused.get_json()["error"]
    forged = client.post(f"/qa/calls/{COMPLAINT}/review", json=body, headers={"X-CSRF-Token": "guess"})
    assert forged.status_code == 403
    elsewhere = client.post(f"/qa/calls/{COMPLAINT}/review", json=body,
                            headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    saved = client.post(f"/qa/calls/{COMPLAINT}/review", json=body, headers={"X-CSRF-Token": token})
    assert saved.status_code == 201 and saved.get_json()["reviewer"] == "wang.qa"
    again = client.post(f"/qa/calls/{COMPLAINT}/review", json={"answers": {"greeting": "no"}},
                        headers={"X-CSRF-Token": token})
    assert again.status_code == 200  # the same reviewer's one review, updated
    assert 'name="greeting" value="no" checked' in client.get(f"/qa/calls/{COMPLAINT}").data.decode()


def test_deactivating_a_reviewer_or_signing_out_ends_the_page_session(client, api, people):
    people.add("wang.qa", role="qa")
    sign_in(client, "wang.qa")
    assert client.get("/qa/").status_code == 200
    assert api.patch("/api/users/wang.qa", {"active": False}).status_code == 200
    assert client.get("/qa/").status_code == 302
    people.add("li.qa", role="qa")
    sign_in(client, "li.qa")
    assert client.get("/qa/").status_code == 200
    assert client.post("/signout", data={"csrf_token": page_token(client, "/qa/")}).status_code == 302
    assert client.get("/qa/").status_code == 302
