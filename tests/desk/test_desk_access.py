"""Who may open which desk, before any call is involved."""
from tests.conftest import sign_in


def test_an_agent_lands_on_their_own_desk(people, client):
    people.add("wang.fang", agent_id=3)
    assert sign_in(client, "wang.fang").headers["Location"] == "/desk"
    page = client.get("/desk").get_data(as_text=True)
    assert 'data-agent-id="3"' in page and 'data-own="true"' in page
    assert client.get("/desk/agents/3").status_code == 200


def test_an_agent_cannot_open_another_agents_desk_or_its_state(people, client):
    people.add("wang.fang", agent_id=3)
    sign_in(client, "wang.fang")
    assert client.get("/desk/agents/4").status_code == 403
    assert client.get("/desk/agents/4/state").status_code == 403


def test_qa_reviewers_have_no_desk(people, client):
    people.add("li.na", role="qa")
    sign_in(client, "li.na")
    assert client.get("/desk").status_code == 403


def test_a_supervisor_sees_any_desk_read_only(people, client):
    people.add("lead", role="supervisor")
    sign_in(client, "lead")
    page = client.get("/desk/agents/3").get_data(as_text=True)
    assert 'data-own="false"' in page and 'data-testid="read-only"' in page


def test_strangers_are_sent_to_sign_in(client):
    assert client.get("/desk").headers["Location"] == "/signin?next=/desk"
    assert client.get("/desk/agents/3/state", headers={"Accept": "application/json"}).status_code == 401


def test_the_desk_speaks_the_users_language(people, client):
    people.add("jack", agent_id=5, language="en-US")
    sign_in(client, "jack")
    page = client.get("/desk").get_data(as_text=True)
    assert "Agent desk" in page and "Greeting" not in page  # scripts come with the state, in the call's language
    state = client.get("/desk/agents/5/state").get_json()
    assert state["phase"] == "idle" and state["scripts"][0]["label"] == "Greeting"


def test_the_state_answers_304_when_nothing_changed(people, client):
    people.add("wang.fang", agent_id=3)
    sign_in(client, "wang.fang")
    first = client.get("/desk/agents/3/state")
    again = client.get("/desk/agents/3/state", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["X-Server-Time"]
