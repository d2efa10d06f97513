"""A whole call on the desk at webhook level: status, screen pop, ticket, wrap-up, my day."""
import pytest

from tests.conftest import page_token, sign_in

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "drives the direct Dial by hand (its whisper and Dial action); the desk in conference mode: "
    "tests/desk/test_call_controls_browser.py, test_desk_poll_cost.py")


SID = "CA" + "7" * 32


@DIRECT_DIAL
def test_a_call_from_offer_to_wrap_up(people, client, switchboard, clock):
    agent = switchboard.agent("wang")
    people.add("wang.fang", agent_id=agent, name="王芳")
    switchboard.customer("+8613800138000", "李", "ms", "李雪")
    sign_in(client, "wang.fang")
    csrf = {"X-CSRF-Token": page_token(client, "/desk")}
    state = lambda: client.get(f"/desk/agents/{agent}/state").get_json()  # noqa: E731

    assert client.patch(f"/api/agents/{agent}", json={"status": "available"}).status_code == 403  # no token
    assert client.patch(f"/api/agents/{agent}", json={"status": "available"}, headers=csrf).status_code == 200
    assert state()["agent"]["status"] == "available" and state()["phase"] == "idle"

    params = switchboard.caller_through_ivr(SID, "+8613800138000")
    dial = switchboard.route(SID, params).find("Dial")
    offered = state()
    assert offered["phase"] == "offered" and offered["suggested_script"] == "greeting"
    pop = offered["call"]
    assert pop["number"] == "*********8000" and "+8613800138000" not in str(offered)
    assert pop["customer"]["name"] == "李雪" and pop["language"] == "zh-CN" and pop["queue"] == "inquiry"
    assert [(s["node"], s["input"]) for s in pop["ivr_path"]] == [("language", "1"), ("main", "1")]
    number = pop["ticket"]["number"]
    assert number.startswith("GD") and pop["ticket"]["category"] == "inquiry"
    greeting = offered["scripts"][0]["phrases"][0]
    assert "热线服务中心" in greeting and "王芳" in greeting

    clock.advance(7)  # two rings
    switchboard.answer(dial, params)
    live = state()
    assert live["phase"] == "live" and live["call"]["ticket"]["assignee_id"] == agent
    assert live["call"]["waited_seconds"] == 7

    ticket = live["call"]["ticket"]
    moved = client.patch(f"/api/tickets/{number}", json={"version": ticket["version"], "status": "in_progress",
                                                          "department": "technical"}, headers=csrf)
    assert moved.status_code == 200, moved.get_json()
    resolved = client.patch(f"/api/tickets/{number}", json={"version": moved.get_json()["version"],
                                                             "status": "resolved"}, headers=csrf)
    assert resolved.status_code == 200, resolved.get_json()
    assert client.post(f"/api/tickets/{number}/notes", json={"text": "已指导重启路由器"},
                       headers=csrf).status_code == 201

    switchboard.hang_up(dial, params, talked=120)
    wrapping = state()
    assert wrapping["phase"] == "wrap_up" and wrapping["suggested_script"] == "closing"
    assert wrapping["call"]["ticket"]["notes"][0]["text"] == "已指导重启路由器"
    assert wrapping["wrap_up_until"] == (clock.now() + __import__("datetime").timedelta(seconds=30)).isoformat()

    clock.advance(20)
    assert client.patch(f"/api/agents/{agent}", json={"status": "available"}, headers=csrf).status_code == 200
    done = state()
    assert done["phase"] == "idle" and done["call"] is None
    assert done["my_day"] == {"calls_answered": 1, "average_handle_seconds": 140, "missed_offers": 0,
                              "tickets_resolved": 1, "satisfaction": {"average": None, "responses": 0}}


@DIRECT_DIAL
def test_a_missed_offer_shows_on_the_desk_and_in_my_day(people, client, switchboard, clock):
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    sign_in(client, "wang.fang")
    params = switchboard.caller_through_ivr(SID, "+8613800138000")
    dial = switchboard.route(SID, params).find("Dial")
    clock.advance(18)
    switchboard.post_url(dial.get("action"), dict(params, DialCallStatus="no-answer"))
    state = client.get(f"/desk/agents/{agent}/state").get_json()
    assert state["agent"]["status"] == "missed" and state["phase"] == "idle"
    assert state["my_day"]["missed_offers"] == 1


def test_satisfaction_comes_from_this_agents_revisits_of_the_last_week(app, people, client, switchboard, clock):
    from datetime import timedelta

    from hotline import db
    from revisits.models import Revisit

    agent = switchboard.agent("wang")
    people.add("wang.fang", agent_id=agent)
    at = clock.now()
    with app.app_context():
        for number, (who, score, days_ago) in enumerate([(agent, 5, 1), (agent, 3, 6), (agent, 1, 8),
                                                         (agent + 1, 1, 1), (agent, None, 1)]):
            done = at - timedelta(days=days_ago)
            db.session().add(Revisit(ticket_id=number + 1, ticket_number=f"GD2026112000{number}", phone="+8613800138000",
                                     language="zh-CN", timezone="Asia/Shanghai", category="inquiry", agent_id=who,
                                     state="completed", resolved_at=done, deadline_at=done, completed_at=done,
                                     score=score))
        db.session().commit()
    sign_in(client, "wang.fang")
    day = client.get(f"/desk/agents/{agent}/state").get_json()["my_day"]
    assert day["satisfaction"] == {"average": 4.0, "responses": 2}


@DIRECT_DIAL
def test_an_english_call_brings_english_scripts_to_a_chinese_desk(people, client, switchboard):
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent, name="王芳")
    switchboard.customer("+14155550100", "Smith", "mr", "John Smith", language="en-US")
    sign_in(client, "wang.fang")
    params = switchboard.caller_through_ivr(SID, "+14155550100", category="complaint", language="en-US")
    switchboard.answer(switchboard.route(SID, params, queue="complaint").find("Dial"), params)
    state = client.get(f"/desk/agents/{agent}/state").get_json()
    assert state["call"]["language"] == "en-US" and state["call"]["number"] == "*******0100"
    assert state["suggested_script"] == "upset_caller"
    upset = next(s for s in state["scripts"] if s["name"] == "upset_caller")
    assert upset["label"] == "Upset caller" and upset["phrases"][0].startswith("Mr Smith, I understand")
    closing = next(s for s in state["scripts"] if s["name"] == "closing")
    assert state["call"]["ticket"]["number"] in closing["phrases"][0] and "your complaint request" in closing["phrases"][0]
    assert "Agent desk" not in client.get("/desk").get_data(as_text=True)  # the page stays in Chinese


@DIRECT_DIAL
def test_wrap_up_ends_by_itself_when_the_queues_time_runs_out(app, people, client, switchboard, clock):
    from datetime import datetime, timezone

    from rq.registry import ScheduledJobRegistry

    from hotline.jobs import get_queue

    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    sign_in(client, "wang.fang")
    params = switchboard.caller_through_ivr(SID, "+8613800138000")
    dial = switchboard.route(SID, params).find("Dial")
    switchboard.answer(dial, params)
    switchboard.hang_up(dial, params, talked=120)
    until = client.get(f"/desk/agents/{agent}/state").get_json()["wrap_up_until"]
    with app.app_context():
        queue = get_queue("default")
        job = queue.fetch_job(f"routing-wrapup-{agent}-{SID}")
        # The job routing scheduled is due exactly when the desk's countdown reaches zero.
        scheduled = ScheduledJobRegistry(queue=queue).get_scheduled_time(job)
        scheduled = scheduled if scheduled.tzinfo else scheduled.replace(tzinfo=timezone.utc)
        assert abs((scheduled - datetime.fromisoformat(until)).total_seconds()) < 1
        clock.advance(30)
        assert job.func(*job.args) is True  # what the worker runs when it is due
    state = client.get(f"/desk/agents/{agent}/state").get_json()
    assert state["agent"]["status"] == "available" and state["phase"] == "idle"
    assert state["my_day"]["average_handle_seconds"] == 150
    assert until == clock.now().isoformat()


def test_a_supervisor_picks_any_agents_desk_and_watches_it(people, client, switchboard):
    agent = switchboard.agent("wang", status="available")
    switchboard.agent("li")
    people.add("lead", role="supervisor")
    sign_in(client, "lead")
    listing = client.get("/desk").get_data(as_text=True)
    assert f'href="/desk/agents/{agent}"' in listing and "空闲" in listing and "li" in listing
    desk = client.get(f"/desk/agents/{agent}").get_data(as_text=True)
    assert "正在查看 wang 的工作台（只读）" in desk
    assert client.get(f"/desk/agents/{agent}/state").get_json()["agent"]["status"] == "available"
