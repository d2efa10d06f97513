"""Every API endpoint, tried by every role on its own and on someone else's records.

The table is the access policy (docs/security.md) written as expectations; a second test walks the
URL map so an endpoint added later without a row here fails. Writes that the policy lets through
are sent with a body that passes the check and then fails validation (422), so a row changes
nothing and the roles can be tried one after another on the same data; the few rows some role
may carry out run on a call center of their own.
"""
from __future__ import annotations

import pytest

from tests.access.conftest import (AGENT_A, AGENT_B, CALL_A, CALL_B, CALL_Q, LEG_A, PHONE_A, PHONE_B, PHONE_Q,
                                   build_center)

ROLES = ("agent_a", "agent_b", "agent_none", "qa", "supervisor", "admin")
ALL = {r: 200 for r in ROLES}
REVIEWERS = {"agent_a": 403, "agent_b": 403, "agent_none": 403, "qa": 200, "supervisor": 200, "admin": 200}
SUPERVISORS = {**REVIEWERS, "qa": 403}
ADMINS = {**SUPERVISORS, "supervisor": 403}


def expect(base: dict, **changes: int) -> dict:
    return {**base, **changes}


# (method, URL rule, concrete path, JSON body, {role: status})
TABLE = [
    # Calls: an agent sees the calls they were offered or took, and their own legs of them.
    ("GET", "/api/calls/<sid>", f"/api/calls/{CALL_A}", None, expect(ALL, agent_b=403, agent_none=403)),
    ("GET", "/api/calls/<sid>", f"/api/calls/{LEG_A}", None, expect(ALL, agent_b=403, agent_none=403)),
    ("GET", "/api/calls/<sid>", f"/api/calls/{CALL_Q}", None, expect(ALL, agent_a=403, agent_b=403, agent_none=403)),
    ("GET", "/api/calls/<sid>/ticket", f"/api/calls/{CALL_B}/ticket", None, expect(ALL, agent_a=403, agent_none=403)),
    # The queue ticket's call is A's to find through the ticket (open in A's queue), never B's.
    ("GET", "/api/calls/<sid>/ticket", f"/api/calls/{CALL_Q}/ticket", None, expect(ALL, agent_b=403, agent_none=403)),
    # Conversation controls: the agent on their own calls, a supervisor on any; a call with no
    # conversation going on in a conference is 409 to those allowed.
    *[("POST", f"/api/calls/<sid>/{action}", f"/api/calls/{CALL_A}/{action}", None,
       expect(ALL, agent_a=409, agent_b=403, agent_none=403, qa=403, supervisor=409, admin=409))
      for action in ("hold", "resume", "mute", "unmute", "end")],
    # Transfers: the same people; an empty body names no target (422), a warm step with none under way 409.
    ("POST", "/api/calls/<sid>/transfer", f"/api/calls/{CALL_A}/transfer", {},
     expect(ALL, agent_a=422, agent_b=403, agent_none=403, qa=403, supervisor=422, admin=422)),
    *[("POST", f"/api/calls/<sid>/transfer/{step}", f"/api/calls/{CALL_A}/transfer/{step}", None,
       expect(ALL, agent_a=409, agent_b=403, agent_none=403, qa=403, supervisor=409, admin=409))
      for step in ("complete", "cancel", "conference")],
    # Monitoring: supervisors only.
    ("POST", "/api/calls/<sid>/monitor", f"/api/calls/{CALL_A}/monitor", {}, expect(SUPERVISORS, supervisor=422,
                                                                                    admin=422)),
    ("DELETE", "/api/calls/<sid>/monitor", f"/api/calls/{CALL_A}/monitor", None,
     expect(SUPERVISORS, supervisor=409, admin=409)),
    # The desk's softphone: an agent's own phone only. Tokens are Twilio's (503 in the sandbox these
    # tests run on); someone with no agent record has no phone (403); nothing rings here (409).
    ("POST", "/api/softphone/token", "/api/softphone/token", {},
     expect(ALL, agent_a=503, agent_b=503, agent_none=403, qa=403, supervisor=403, admin=403)),
    ("POST", "/api/softphone/token", "/api/softphone/token", {"identity": "b"},
     expect(ALL, agent_a=403, agent_b=503, agent_none=403, qa=403, supervisor=403, admin=403)),
    *[("POST", f"/api/softphone/{action}", f"/api/softphone/{action}", {},
       expect(ALL, agent_a=409, agent_b=409, agent_none=403, qa=403, supervisor=403, admin=403))
      for action in ("register", "answer", "decline", "hangup")],
    ("POST", "/api/softphone/say", "/api/softphone/say", {},
     expect(ALL, agent_a=422, agent_b=422, agent_none=403, qa=403, supervisor=403, admin=403)),
    # Tickets: assigned to the agent, or open in one of their queues.
    ("GET", "/api/tickets/<number>", "/api/tickets/{a}", None, expect(ALL, agent_b=403, agent_none=403)),
    ("GET", "/api/tickets/<number>", "/api/tickets/{b}", None, expect(ALL, agent_a=403, agent_none=403)),
    ("GET", "/api/tickets/<number>", "/api/tickets/{q}", None, expect(ALL, agent_b=403, agent_none=403)),
    ("GET", "/api/tickets", "/api/tickets", None, ALL),
    # The callback list filters by the same policy as the ticket list (an agent: theirs and their queues').
    ("GET", "/api/callbacks", "/api/callbacks", None, expect(ALL, qa=403)),
    # Assigning to someone else: refused to agents before the (unknown) call is even looked at.
    ("POST", "/api/tickets", "/api/tickets", {"phone": PHONE_B, "category": "inquiry", "assignee_id": AGENT_B,
                                              "call_sid": "CA" + "f" * 32},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    # An agent token without an agent record opens nothing, not even an unassigned ticket.
    ("POST", "/api/tickets", "/api/tickets", {"phone": PHONE_A, "category": "inquiry", "call_sid": "CA" + "f" * 32},
     expect(ALL, agent_a=422, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    # Filing a call on a new ticket: only one's own call (each allowed role opens a ticket and moves it).
    ("POST", "/api/tickets", "/api/tickets", {"phone": PHONE_B, "category": "inquiry", "call_sid": CALL_B},
     expect(ALL, agent_a=403, agent_b=201, agent_none=403, qa=403, supervisor=201, admin=201)),
    ("PATCH", "/api/tickets/<number>", "/api/tickets/{b}", {"version": 1, "status": "nonsense"},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("PATCH", "/api/tickets/<number>", "/api/tickets/{a}", {"version": 1, "assignee_id": AGENT_B,
                                                            "status": "nonsense"},
     expect(ALL, agent_a=403, agent_b=403, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("POST", "/api/tickets/<number>/notes", "/api/tickets/{b}/notes", {"text": ""},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("POST", "/api/tickets/<number>/calls", "/api/tickets/{a}/calls", {"call_sid": CALL_B},
     expect(ALL, agent_a=403, agent_b=403, agent_none=403, qa=403)),
    # Escalating and a group's plan: the assigned agent or a supervisor (the body fails validation).
    ("POST", "/api/tickets/<number>/escalate", "/api/tickets/{b}/escalate", {"group": "no-such-group"},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("POST", "/api/tickets/<number>/plan", "/api/tickets/{b}/plan", {"text": ""},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    # Customers: those of the agent's tickets and calls.
    ("GET", "/api/customers/<phone>", f"/api/customers/{PHONE_A}", None, expect(ALL, agent_b=403, agent_none=403)),
    ("GET", "/api/customers/<phone>", f"/api/customers/{PHONE_B}", None, expect(ALL, agent_a=403, agent_none=403)),
    ("GET", "/api/customers/<phone>", f"/api/customers/{PHONE_Q}", None, expect(ALL, agent_b=403, agent_none=403)),
    # Agents record how to address their own customers; vip, time zone and renumbering stay a supervisor's.
    ("PATCH", "/api/customers/<phone>", f"/api/customers/{PHONE_A}", {"language": "nonsense"},
     expect(ALL, agent_a=422, agent_b=403, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("PATCH", "/api/customers/<phone>", f"/api/customers/{PHONE_A}", {"vip": "nonsense"},
     expect(ALL, agent_a=403, agent_b=403, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("GET", "/api/customers/<phone>/history", f"/api/customers/{PHONE_A}/history", None,
     expect(ALL, agent_b=403, agent_none=403)),
    # Departments: the list for everyone; handing over and the reply like escalating.
    ("GET", "/api/departments", "/api/departments", None, ALL),
    ("POST", "/api/tickets/<number>/handoff", "/api/tickets/{b}/handoff", {"department": "no-such-department"},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    ("POST", "/api/tickets/<number>/department-reply", "/api/tickets/{b}/department-reply", {"text": ""},
     expect(ALL, agent_a=403, agent_b=422, agent_none=403, qa=403, supervisor=422, admin=422)),
    # Recordings and transcripts: QA material.
    ("GET", "/api/calls/<call_sid>/recording", f"/api/calls/{CALL_A}/recording", None, REVIEWERS),
    ("GET", "/api/calls/<call_sid>/transcript", f"/api/calls/{CALL_A}/transcript", None, REVIEWERS),
    ("POST", "/api/calls/<call_sid>/transcript/decode", f"/api/calls/{CALL_A}/transcript/decode", None,
     expect(REVIEWERS, qa=202, supervisor=202, admin=202)),
    ("GET", "/api/qa/queue", "/api/qa/queue", None, REVIEWERS),
    # Live transcripts: the agent's own calls, any call for supervisors; alerts for supervisors.
    ("GET", "/api/calls/<call_sid>/live", f"/api/calls/{CALL_A}/live", None,
     expect(ALL, agent_b=403, agent_none=403, qa=403)),
    ("GET", "/api/calls/<call_sid>/live/events", f"/api/calls/{CALL_A}/live/events?wait=0", None,
     expect(ALL, agent_b=403, agent_none=403, qa=403)),
    ("GET", "/api/alerts", "/api/alerts", None, SUPERVISORS),
    ("GET", "/api/qa/search", "/api/qa/search?q=refund", None, REVIEWERS),
    ("GET", "/api/qa/reviews", "/api/qa/reviews", None, REVIEWERS),
    ("POST", "/api/qa/reviews", "/api/qa/reviews", {}, expect(REVIEWERS, qa=422, supervisor=422, admin=422)),
    # Reports and live state: aggregates for supervisors (and QA where it reviews).
    ("GET", "/api/reports/tickets", "/api/reports/tickets", None, REVIEWERS),
    ("GET", "/api/reports/satisfaction", "/api/reports/satisfaction", None, REVIEWERS),
    ("GET", "/api/reports/suggestions", "/api/reports/suggestions", None, REVIEWERS),
    ("GET", "/api/reports/night", "/api/reports/night", None, REVIEWERS),
    ("GET", "/api/reports/night/handover", "/api/reports/night/handover", None, REVIEWERS),
    # Acknowledging the night's hand-over: supervisors (no log stored for that day here: 404).
    ("POST", "/api/reports/night/<day>/acknowledge", "/api/reports/night/2020-01-01/acknowledge", None,
     expect(SUPERVISORS, supervisor=404, admin=404)),
    ("GET", "/api/reports/frequent-problems", "/api/reports/frequent-problems", None, REVIEWERS),
    ("GET", "/api/revisits", "/api/revisits", None, REVIEWERS),
    ("GET", "/api/reports/ivr", "/api/reports/ivr", None, SUPERVISORS),
    ("GET", "/api/metrics/service-level", "/api/metrics/service-level", None, SUPERVISORS),
    # The supervisor's center: the KPI pack (JSON and CSV) and the staffing plan.
    ("GET", "/api/metrics/kpis", "/api/metrics/kpis", None, SUPERVISORS),
    ("GET", "/api/metrics/kpis", "/api/metrics/kpis?format=csv&group=agent", None, SUPERVISORS),
    ("GET", "/api/staffing", "/api/staffing", None, SUPERVISORS),
    # Agents: their own record; the list for supervisors.
    ("GET", "/api/agents", "/api/agents", None, SUPERVISORS),
    ("POST", "/api/agents", "/api/agents", {"name": ""}, expect(SUPERVISORS, supervisor=422, admin=422)),
    ("GET", "/api/agents/<int:agent_id>", f"/api/agents/{AGENT_A}", None, expect(SUPERVISORS, agent_a=200)),
    ("PATCH", "/api/agents/<int:agent_id>", f"/api/agents/{AGENT_A}", {"status": "nonsense"},
     expect(SUPERVISORS, agent_a=422, supervisor=422, admin=422)),
    # The do-not-contact list: agents add and check numbers callers ask to be left alone.
    ("POST", "/api/do-not-contact", "/api/do-not-contact", {"phone": "nonsense"},
     expect(SUPERVISORS, agent_a=422, agent_b=422, agent_none=422, supervisor=422, admin=422)),
    ("GET", "/api/do-not-contact/<phone>", f"/api/do-not-contact/{PHONE_A}", None,
     expect(SUPERVISORS, agent_a=200, agent_b=200, agent_none=200)),
    ("DELETE", "/api/do-not-contact/<phone>", f"/api/do-not-contact/{PHONE_A}", None,
     expect(SUPERVISORS, supervisor=404, admin=404)),
    # Administration and the access log.
    ("GET", "/api/users", "/api/users", None, ADMINS),
    ("POST", "/api/users", "/api/users", {}, expect(ADMINS, admin=422)),
    ("PATCH", "/api/users/<login>", "/api/users/nobody", {}, expect(ADMINS, admin=404)),
    ("POST", "/api/tokens", "/api/tokens", {}, expect(ADMINS, admin=422)),
    ("GET", "/api/access-log", "/api/access-log", None, ADMINS),
    ("GET", "/api/access-log.csv", "/api/access-log.csv", None, ADMINS),
    ("GET", "/api/openapi.json", "/api/openapi.json", None, ALL),
]


def _request(client, method: str, path: str, body, token: str):
    return client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def _changes_data(row) -> bool:
    method, _, _, _, expected = row
    return method != "GET" and any(200 <= status < 300 for status in expected.values())


def _tried(client, center, row) -> dict[str, int]:
    method, _, path, body, _ = row
    path = path.format(**center.tickets)
    return {role: _request(client, method, path, body, center.tokens[role]).status_code for role in ROLES}


def test_each_role_on_each_resource(app, api, client):
    """The rows that change nothing, tried on one call center; every row that differs is listed."""
    center = build_center(app, api)
    rows = [row for row in TABLE if not _changes_data(row)]
    wrong = {f"{row[0]} {row[2]}": {role: (got, row[4][role]) for role, got in _tried(client, center, row).items()
                                    if got != row[4][role]}
             for row in rows}
    assert {row: roles for row, roles in wrong.items() if roles} == {}


@pytest.mark.parametrize("row", [row for row in TABLE if _changes_data(row)], ids=lambda row: f"{row[0]} {row[2]}")
def test_each_role_on_each_change(app, api, client, row):
    """Rows some role may carry out, each on a call center of its own (roles tried agents first)."""
    assert _tried(client, build_center(app, api), row) == row[4]


def test_every_api_endpoint_is_in_the_table(app):
    tried = {(method, rule) for method, rule, *_ in TABLE}
    missing = sorted((method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
                     for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
                     if (method, rule.rule) not in tried)
    assert missing == []


def _numbers(client, token: str, path: str = "/api/tickets") -> set[str]:
    return {t["number"] for t in _request(client, "GET", path, None, token).get_json()["items"]}


def test_the_ticket_list_filters_rather_than_refuses(app, api, client):
    center = build_center(app, api)
    a, b, q = center.tickets["a"], center.tickets["b"], center.tickets["q"]
    assert _numbers(client, center.tokens["agent_a"]) == {a, q}
    assert _numbers(client, center.tokens["agent_b"]) == {b}
    assert _numbers(client, center.tokens["agent_none"]) == set()
    for role in ("qa", "supervisor", "admin"):
        assert _numbers(client, center.tokens[role]) == {a, b, q}
    # Filters narrow what the policy allows; they never widen it.
    assert _numbers(client, center.tokens["agent_a"], f"/api/tickets?assignee_id={AGENT_B}") == set()
    assert _numbers(client, center.tokens["agent_a"], f"/api/tickets?phone={PHONE_B}") == set()


def test_a_queue_ticket_taken_by_someone_leaves_the_others_view(app, api, client):
    center = build_center(app, api)
    q = center.tickets["q"]
    version = api.get(f"/api/tickets/{q}").get_json()["version"]
    assert api.patch(f"/api/tickets/{q}", {"version": version, "assignee_id": AGENT_B}).status_code == 200
    assert _numbers(client, center.tokens["agent_a"]) == {center.tickets["a"]}
    assert _request(client, "GET", f"/api/tickets/{q}", None, center.tokens["agent_a"]).status_code == 403
    assert _numbers(client, center.tokens["agent_b"]) == {center.tickets["b"], q}


def test_an_agent_takes_a_ticket_open_in_their_queue(app, api, client):
    center = build_center(app, api)
    q, token = center.tickets["q"], center.tokens["agent_a"]
    response = client.patch(f"/api/tickets/{q}", json={"version": 1, "assignee_id": AGENT_A},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["assignee_id"] == AGENT_A


def test_moving_a_call_only_for_ones_own_calls(app, api, client):
    center = build_center(app, api)
    headers = {"Authorization": f"Bearer {center.tokens['agent_a']}"}
    # A files their own call on the queue ticket they may see: allowed, and the call moves.
    moved = client.post(f"/api/tickets/{center.tickets['q']}/calls", json={"call_sid": CALL_A}, headers=headers)
    assert moved.status_code == 200 and CALL_A in [c["call_sid"] for c in moved.get_json()["calls"]]
    # B's call stays where it was, whichever way A tries.
    assert client.post(f"/api/tickets/{center.tickets['a']}/calls", json={"call_sid": CALL_B},
                       headers=headers).status_code == 403
    assert client.post("/api/tickets", json={"phone": PHONE_A, "category": "inquiry", "call_sid": CALL_B},
                       headers=headers).status_code == 403
    calls = api.get(f"/api/tickets/{center.tickets['b']}").get_json()["calls"]
    assert [c["call_sid"] for c in calls] == [CALL_B]


def test_the_customer_file_shows_an_agent_only_their_own_calls(app, api, client):
    from hotline import db
    from hotline.calls import ensure_call

    center = build_center(app, api)
    # The same customer called again and B took that call: A's view of the customer must not name it.
    with app.app_context():
        ensure_call(db.session(), "CA" + "9" * 32, {"From": PHONE_A, "To": "+861095555", "CallStatus": "completed"})
        from routing.models import Offer

        db.session().add(Offer(call_sid="CA" + "9" * 32, agent_id=AGENT_B, result="answered"))
        db.session().commit()
    body = _request(client, "GET", f"/api/customers/{PHONE_A}", None, center.tokens["agent_a"]).get_json()
    assert [c["sid"] for c in body["calls"]] == [CALL_A]
    everything = api.get(f"/api/customers/{PHONE_A}").get_json()
    assert {c["sid"] for c in everything["calls"]} == {CALL_A, "CA" + "9" * 32}


def test_a_ticket_shows_an_agent_only_their_own_calls(app, api, client):
    center = build_center(app, api)
    # A supervisor files B's call on A's ticket; A sees the ticket, and that another call is on it, not which.
    assert api.post(f"/api/tickets/{center.tickets['a']}/calls", {"call_sid": CALL_B}).status_code == 200
    body = _request(client, "GET", f"/api/tickets/{center.tickets['a']}", None, center.tokens["agent_a"]).get_json()
    assert [c["call_sid"] for c in body["calls"]] == [CALL_A] and body["other_calls"] == 1
    assert len(api.get(f"/api/tickets/{center.tickets['a']}").get_json()["calls"]) == 2
