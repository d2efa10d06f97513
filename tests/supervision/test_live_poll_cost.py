"""The supervisor's live data costs the same whatever the center's history: its statements and the
rows they return do not grow with earlier days' calls and offers (issue 14, item 7)."""
from __future__ import annotations

from datetime import timedelta

from hotline import db
from tests.conftest import StatementCount, sign_in


def add_history(app, agent: int, days: range, per_day: int) -> None:
    from hotline.clock import now
    from routing.models import Offer, RoutedCall

    with app.app_context():
        session = db.session()
        start = now()
        for day in days:
            for i in range(per_day):
                at = start - timedelta(days=day, minutes=i)
                sid = f"CA{day:06d}{i:06d}" + "0" * 20
                session.add(RoutedCall(call_sid=sid, queue="inquiry", language="zh-CN", priority=5, entered_at=at,
                                       outcome="answered", offers=1, agent_id=agent, answered_at=at))
                session.add(Offer(call_sid=sid, agent_id=agent, offered_at=at, answered_at=at,
                                  result="answered" if i % 3 else "missed"))
        session.commit()


def forget_the_shared_poll(app) -> None:
    """Viewers share a poll for `cache_ms`; these tests measure the poll that computes it."""
    from hotline.redis_client import get_redis

    with app.app_context():
        for key in get_redis().scan_iter(match="hotline:supervision:live:*"):
            get_redis().delete(key)


def poll_cost(client) -> tuple[int, int]:
    forget_the_shared_poll(client.application)
    with StatementCount() as counted:
        response = client.get("/supervisor/live.json")
    assert response.status_code == 200
    return counted.cost()


def test_the_supervisor_poll_does_not_grow_with_history(center, people, client, app):
    wang = center.agent("wang", {"inquiry": 4}, status="break")
    center.agent("li", {"inquiry": 3}, status="available")
    center.enter("inquiry")  # today: one caller, offered to li
    people.add("zhao.lead", role="supervisor")
    sign_in(client, "zhao.lead")

    add_history(app, wang, days=range(1, 4), per_day=4)
    small = poll_cost(client)
    add_history(app, wang, days=range(4, 31), per_day=4)  # ten times as much
    large = poll_cost(client)

    assert small == large
    assert small[0] <= 8, f"{small[0]} statements per poll"


class RedisRoundTrips:
    """Requests sent to Redis (a pipeline is one), counted where redis-py writes them to the socket."""

    def __init__(self, monkeypatch) -> None:
        import redis.connection

        self.count = 0
        send = redis.connection.AbstractConnection.send_packed_command

        def counted(connection, command, check_health=True):
            self.count += 1
            return send(connection, command, check_health)

        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)


def test_the_supervisor_poll_reads_redis_in_the_same_round_trips_whatever_the_agents(center, people, client,
                                                                                        monkeypatch):
    center.agent("wang", {"inquiry": 4}, status="available")
    people.add("zhao.lead", role="supervisor")
    sign_in(client, "zhao.lead")
    assert client.get("/supervisor/live.json").status_code == 200  # routing's state built once
    trips = RedisRoundTrips(monkeypatch)

    def round_trips() -> int:
        forget_the_shared_poll(client.application)
        before = trips.count
        body = client.get("/supervisor/live.json").get_json()
        return trips.count - before, len(body["agents"])

    few = round_trips()
    for n in range(12):
        center.agent(f"agent{n}", {"inquiry": 3}, status="available")
    many = round_trips()

    assert (few[1], many[1]) == (1, 13)
    # The line and agents (2), the IVR (1), the built marker (1), the shared copy (get, set).
    assert few[0] == many[0] <= 6, f"{few[0]} round trips with 1 agent, {many[0]} with 13"


def test_viewers_share_one_computed_poll(center, people, client, app, monkeypatch):
    center.agent("wang", {"inquiry": 4}, status="available")
    people.add("zhao.lead", role="supervisor")
    people.add("lead.en", role="supervisor", language="en-US")
    sign_in(client, "zhao.lead")
    first = poll_cost(client)  # computes and shares
    with StatementCount() as counted:
        again = client.get("/supervisor/live.json")
    assert again.status_code == 200 and again.get_json()["agents"][0]["status_label"] == "空闲"
    assert first[0] > 1 and counted.cost()[0] == 1  # the signed-in user only: the figures are the shared copy
    english = app.test_client()
    sign_in(english, "lead.en")
    assert english.get("/supervisor/live.json").get_json()["agents"][0]["status_label"] == "Available"
