"""The agent's shift in headless Chromium: sign in, go available, take a call, keep the ticket, wrap up,
sign out; and the doors that must stay shut."""
import re

import pytest
from flask import Blueprint
from playwright.sync_api import expect

from people import login_required
from sandbox import press
from tests.conftest import sign_in, sign_in_page

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the simulated agent ends the call by hanging up (in conference mode that returns the caller to the "
    "line); the desk in conference mode: tests/desk/test_call_controls_browser.py")


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def desk_phase(client, agent: int) -> str:
    return client.get(f"/desk/agents/{agent}/state").get_json()["phase"]


@DIRECT_DIAL
def test_an_agents_call_from_sign_in_to_sign_out(live_server, page, people, switchboard, simulator, client):
    agent = switchboard.agent("wang")
    people.add("wang.fang", agent_id=agent, name="王芳")
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")  # the test's own eyes on the desk state, to pace the simulator
    switchboard.customer("+8613800138000", "李", "ms", "李雪")
    sign_in_page(page, live_server.url, "wang.fang")
    expect(page).to_have_url(re.compile(r"/desk$"))
    status = page.get_by_test_id("status")
    expect(status).to_have_text("离线")

    page.get_by_test_id("go-available").click()
    expect(status).to_have_text("空闲")

    # A known caller: the IVR greets her by title, she presses 1 (inquiry), routing rings Wang Fang.
    simulator.agent("client:wang", answer_after_rings=2, talk_seconds=90)
    call = simulator.call(from_="+8613800138000", inputs=[press("1")])
    assert simulator.run_until(lambda: desk_phase(client, agent) == "offered", limit=120)
    expect(page.get_by_test_id("phase")).to_have_text("来电振铃中")
    expect(page.get_by_test_id("pop-number")).to_have_text("*********8000")
    expect(page.get_by_test_id("pop-customer")).to_have_text("李雪 (李女士)")
    expect(page.get_by_test_id("pop-queue")).to_have_text("咨询")
    expect(page.get_by_test_id("wrap-up")).to_be_hidden()
    expect(page.get_by_test_id("pop-ivr")).to_contain_text("main “1” → 咨询")
    expect(page.get_by_test_id("script-phrases")).to_contain_text("我是客服王芳")
    expect(page.locator("body")).not_to_contain_text("+8613800138000")

    assert simulator.run_until(lambda: desk_phase(client, agent) == "live", limit=60)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    expect(page.get_by_test_id("pop-wait")).to_have_text("10 秒")  # two 5-second rings
    number = page.get_by_test_id("ticket-number").inner_text()
    assert number.startswith("GD")

    page.get_by_test_id("ticket-priority").select_option("normal")
    page.get_by_test_id("ticket-department").select_option("technical")
    page.get_by_test_id("ticket-note").fill("客户宽带断线，已指导重启光猫，恢复正常。")
    page.get_by_test_id("ticket-resolve").check()
    page.get_by_test_id("ticket-summary").fill("重启光猫后恢复")
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("ticket-message")).to_have_text("已保存")
    expect(page.get_by_test_id("ticket-status")).to_have_text("已解决")
    expect(page.get_by_test_id("ticket-notes")).to_contain_text("已指导重启光猫")
    expect(page.get_by_test_id("day-resolved")).to_have_text("1")

    simulator.run()  # the 90-second conversation ends; the caller hangs up
    assert call.status == "completed"
    expect(page.get_by_test_id("phase")).to_have_text("话后整理")
    expect(page.get_by_test_id("wrap-left")).to_have_text(re.compile(r"剩余 (2[0-9]|30) 秒"))  # queue: 30 s
    expect(page.get_by_test_id("script-tabs").locator(".active")).to_have_text("总结与结束")
    page.get_by_test_id("wrap-done").click()
    expect(status).to_have_text("空闲")
    expect(page.get_by_test_id("screen-pop")).to_be_hidden()
    expect(page.get_by_test_id("day-answered")).to_have_text("1")
    expect(page.get_by_test_id("day-aht")).to_have_text(re.compile(r"1:3[0-9]"))  # 90 s talk + wrap-up

    page.get_by_test_id("signout").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto(live_server.url + "/desk")
    expect(page).to_have_url(re.compile(r"/signin\?next=/desk$"))


def test_missed_shows_a_button_to_come_back(live_server, page, people, switchboard, simulator, client):
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    sign_in_page(page, live_server.url, "wang.fang")
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")
    simulator.agent("client:wang", behaviour="no-answer")
    simulator.call(from_="+8613800138000", inputs=[press("1"), press("1")])
    status = lambda: client.get(f"/desk/agents/{agent}/state").get_json()["agent"]["status"]  # noqa: E731
    assert simulator.run_until(lambda: status() == "missed", limit=180)
    come_back = page.get_by_test_id("come-back")
    expect(come_back).to_be_visible()
    expect(page.get_by_test_id("day-missed")).to_have_text("1")
    come_back.click()
    # Back in rotation, the agent is offered the caller who has been waiting since the miss.
    expect(page.get_by_test_id("status")).to_have_text("来电振铃")
    expect(page.get_by_test_id("pop-number")).to_have_text("*********8000")
    expect(come_back).to_be_hidden()


def test_wrong_password_and_lock_out(live_server, page, people):
    people.add("wang.fang", agent_id=3)
    for _ in range(4):
        sign_in_page(page, live_server.url, "wang.fang", "not my password")
        expect(page.get_by_test_id("signin-error")).to_have_text("账号或密码错误。")
    sign_in_page(page, live_server.url, "wang.fang", "not my password")
    expect(page.get_by_test_id("signin-error")).to_contain_text("15分钟后再试")
    sign_in_page(page, live_server.url, "wang.fang")
    expect(page.get_by_test_id("signin-error")).to_contain_text("分钟后再试")
    expect(page).to_have_url(re.compile(r"/signin$"))


def test_posts_without_the_csrf_token_are_refused(live_server, page, people, switchboard):
    agent = switchboard.agent("wang")
    people.add("wang.fang", agent_id=agent)
    sign_in_page(page, live_server.url, "wang.fang")
    expect(page).to_have_url(re.compile(r"/desk$"))
    # The browser sends the session cookie; without the page's token the change is refused.
    refused = page.request.patch(f"{live_server.url}/api/agents/{agent}", data={"status": "available"})
    assert refused.status == 403 and "security token" in refused.json()["error"]
    signout = page.request.post(f"{live_server.url}/signout", form={"x": "1"})
    assert signout.status == 403
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("离线")


@pytest.fixture
def qa_page(app):
    """A QA page guarded the way the QA workspace is: login_required("qa", "supervisor")."""
    pages = Blueprint("qa_stand_in", __name__)

    @pages.get("/qa-review-stand-in")
    @login_required("qa", "supervisor")
    def review():
        return "<h1>QA review</h1>"

    app.register_blueprint(pages)
    return "/qa-review-stand-in"


def test_an_agent_cannot_open_another_desk_or_qa_pages(live_server, page, people, app, qa_page):
    people.add("wang.fang", agent_id=3)
    sign_in_page(page, live_server.url, "wang.fang")
    expect(page).to_have_url(re.compile(r"/desk$"))
    for path in ["/desk/agents/4", qa_page]:
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
        expect(page.get_by_test_id("refused")).to_be_visible()
    # The QA workspace's and the supervisor's own pages use the same sign-in: an agent is refused.
    paths = sorted({r.rule for r in app.url_map.iter_rules() if r.rule.startswith(("/qa", "/supervisor"))
                    and "GET" in r.methods and "<" not in r.rule and "sign" not in r.rule and "static" not in r.rule})
    assert "/qa/" in paths and "/supervisor" in paths
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 403, path


def test_the_desk_in_english_by_the_agents_choice(live_server, page, people, switchboard):
    agent = switchboard.agent("jack")
    people.add("jack", agent_id=agent)
    sign_in_page(page, live_server.url, "jack")
    expect(page.get_by_test_id("status")).to_have_text("离线")
    page.get_by_test_id("language").select_option("en-US")
    expect(page.get_by_test_id("status")).to_have_text("Offline")
    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.get_by_test_id("script-tabs").locator(".active")).to_have_text("Closing")


def test_a_user_without_an_agent_record_is_told_so(live_server, page, people):
    people.add("ghost", agent_id=999)
    sign_in_page(page, live_server.url, "ghost")
    expect(page.get_by_test_id("desk-error")).to_contain_text("999")


def test_a_ticket_changed_meanwhile_is_reloaded_and_the_note_kept(live_server, page, people, switchboard,
                                                                   simulator, client, api):
    on_a_call(live_server, page, people, switchboard, simulator, client)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    page.get_by_test_id("ticket-department").select_option("technical")
    page.get_by_test_id("ticket-note").fill("光猫指示灯红色")
    number = page.get_by_test_id("ticket-number").inner_text()
    current = api.get(f"/api/tickets/{number}").get_json()
    assert api.patch(f"/api/tickets/{number}", {"version": current["version"], "department": "operations"}).status_code == 200
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("ticket-message")).to_have_text("工单已被他人修改，已重新加载，请再次保存。")
    expect(page.get_by_test_id("ticket-department")).to_have_value("operations")
    expect(page.get_by_test_id("ticket-note")).to_have_value("光猫指示灯红色")
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("ticket-message")).to_have_text("已保存")
    expect(page.get_by_test_id("ticket-notes")).to_contain_text("光猫指示灯红色")


def test_a_change_to_other_fields_meanwhile_does_not_stop_the_agents_save(live_server, page, people, switchboard,
                                                                          simulator, client, api):
    # Routing marks the answer on the ticket (first response, owner, status) while the agent may already be
    # typing: a save that touches other fields than the ones changed meanwhile goes through.
    on_a_call(live_server, page, people, switchboard, simulator, client)
    expect(page.get_by_test_id("phase")).to_have_text("通话中")
    page.get_by_test_id("ticket-department").select_option("technical")
    page.get_by_test_id("ticket-note").fill("光猫指示灯红色")
    page.get_by_test_id("ticket-resolve").check()
    page.get_by_test_id("ticket-summary").fill("重启后恢复")
    number = page.get_by_test_id("ticket-number").inner_text()
    current = api.get(f"/api/tickets/{number}").get_json()
    assert api.patch(f"/api/tickets/{number}", {"version": current["version"], "priority": "urgent"}).status_code == 200
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("ticket-message")).to_have_text("已保存")
    expect(page.get_by_test_id("ticket-status")).to_have_text("已解决")
    saved = api.get(f"/api/tickets/{number}").get_json()
    assert (saved["priority"], saved["department"], saved["status"]) == ("urgent", "technical", "resolved")
    assert saved["resolution_summary"] == "重启后恢复"
    expect(page.get_by_test_id("ticket-notes")).to_contain_text("光猫指示灯红色")


def on_a_call(live_server, page, people, switchboard, simulator, client) -> int:
    """Agent wang.fang signed in on the desk, in a live call from +8613800138000 (a problem report);
    a supervisor signed in on `client`. Returns the agent's id."""
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")
    sign_in_page(page, live_server.url, "wang.fang")
    simulator.agent("client:wang", answer_after_rings=1, talk_seconds=60)
    simulator.call(from_="+8613800138000", inputs=[press("1"), press("2")])
    assert simulator.run_until(lambda: desk_phase(client, agent) == "live", limit=120)
    return agent


def test_an_agent_escalates_the_callers_complaint_from_the_desk(live_server, page, people, switchboard,
                                                                 simulator, client, api):
    on_a_call(live_server, page, people, switchboard, simulator, client)
    expect(page.get_by_test_id("ticket-tier")).to_have_text("")
    page.get_by_test_id("ticket-escalate-reason").fill("客户表示要找媒体")
    page.get_by_test_id("ticket-escalate").click()
    expect(page.get_by_test_id("ticket-message")).to_contain_text("已升级至专项小组")
    expect(page.get_by_test_id("ticket-tier")).to_contain_text("二线处理中")
    expect(page.get_by_test_id("ticket-escalate")).to_be_hidden()
    number = page.get_by_test_id("ticket-number").inner_text()
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["tier"] == 2 and ticket["escalated_group"] == "complaints"
    [event] = [e for e in ticket["events"] if e["kind"] == "escalated"]
    assert event["data"]["reason"] == "客户表示要找媒体"


def test_an_agent_records_who_the_caller_is_from_the_desk(live_server, page, people, switchboard, simulator,
                                                          client, api):
    agent = on_a_call(live_server, page, people, switchboard, simulator, client)
    expect(page.get_by_test_id("pop-customer")).to_contain_text(re.compile(r"C\d{9}"))
    page.get_by_test_id("customer-surname").fill("王")
    page.get_by_test_id("customer-title").select_option("ms")
    page.get_by_test_id("customer-contact-time").fill("工作日 09:00-12:00")
    page.get_by_test_id("customer-identity").check()
    page.get_by_test_id("customer-save").click()
    expect(page.get_by_test_id("customer-message")).to_have_text("客户资料已保存")
    expect(page.get_by_test_id("pop-customer")).to_contain_text("王女士")
    customer = api.get("/api/customers/+8613800138000").get_json()["customer"]
    assert (customer["surname"], customer["title"], customer["contact_time"]) == ("王", "ms", "工作日 09:00-12:00")
    assert customer["identity_confirmed"] and customer["identity_confirmed_by"] == f"agent:{agent}"
    [change] = api.get("/api/customers/+8613800138000/history").get_json()["history"]
    assert change["changes"]["title"] == {"before": None, "after": "ms"}


def test_an_agent_hands_the_callers_problem_to_a_department_from_the_desk(live_server, page, people, switchboard,
                                                                         simulator, client, api):
    on_a_call(live_server, page, people, switchboard, simulator, client)
    expect(page.get_by_test_id("ticket-handoff-state")).to_have_text("")
    page.get_by_test_id("ticket-department").select_option("logistics")
    page.get_by_test_id("ticket-handoff").click()
    expect(page.get_by_test_id("ticket-message")).to_contain_text("已转交物流部，回复截止")
    expect(page.get_by_test_id("ticket-handoff-state")).to_contain_text("已转交物流部（回复截止")
    number = page.get_by_test_id("ticket-number").inner_text()
    ticket = api.get(f"/api/tickets/{number}").get_json()
    assert ticket["department"] == "logistics" and ticket["handoff"]["reply"] == "pending"
    api.post(f"/api/tickets/{number}/department-reply", {"text": "已重新发货"})
    expect(page.get_by_test_id("ticket-handoff-state")).to_contain_text("物流部已回复")


@DIRECT_DIAL
@pytest.mark.parametrize("ended_by", ["done", "elsewhere"])
def test_a_note_typed_during_wrap_up_is_kept_on_the_ticket(live_server, page, people, switchboard, simulator,
                                                           client, api, ended_by):
    """Wrap-up ends with the agent's Done button, or without the page (its timer, a supervisor): either way
    the note typed and not saved lands on the call's ticket."""
    agent = switchboard.agent("wang", status="available")
    people.add("wang.fang", agent_id=agent)
    people.add("watcher", role="supervisor")
    sign_in(client, "watcher")
    sign_in_page(page, live_server.url, "wang.fang")
    simulator.agent("client:wang", answer_after_rings=1, talk_seconds=20)
    call = simulator.call(from_="+8613800138000", inputs=[press("1"), press("1")])
    assert simulator.run_until(lambda: desk_phase(client, agent) == "live", limit=120)
    expect(page.get_by_test_id("ticket-number")).to_have_text(re.compile(r"^GD\d+$"))
    number = page.get_by_test_id("ticket-number").inner_text()
    simulator.run()
    assert call.status == "completed"
    expect(page.get_by_test_id("phase")).to_have_text("话后整理")
    page.get_by_test_id("ticket-note").fill("已告知客户三天内回电")

    if ended_by == "done":
        page.get_by_test_id("wrap-done").click()
    else:
        assert api.patch(f"/api/agents/{agent}", {"status": "available"}).status_code == 200
    expect(page.get_by_test_id("status")).to_have_text("空闲")
    expect(page.get_by_test_id("desk-message")).to_have_text(f"话后备注已保存到工单 {number}。")
    events = api.get(f"/api/tickets/{number}").get_json()["events"]
    notes = [e["data"]["text"] for e in events if e["kind"] == "note"]
    assert notes == ["已告知客户三天内回电"] and events[-1]["actor"] == f"agent:{agent}"
