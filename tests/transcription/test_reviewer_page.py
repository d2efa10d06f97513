"""The reviewer's page in Chromium: sign in, play, click a word to seek, see it highlighted, score, save."""
import pytest
from sqlalchemy import select

from hotline import db
from transcription.models import Review
from tests.conftest import fill_sign_in, sign_in_page
from tests.support.factories import make_transcript, store_recording, turn

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CALL = "CA" + "6" * 32


def prepare(app, call_audio):
    # Turn times inside the 8 s synthesised call, so every word can be sought to.
    turns = [turn("agent", 0.3, "您好 这里是 热线服务中心 请问 帮您", seconds_per_word=0.3),
             turn("caller", 2.5, "我 要 投诉 退款 太慢", seconds_per_word=0.3),
             turn("agent", 4.5, "本次您反馈的 问题 已 提交 感谢您的来电", seconds_per_word=0.3)]
    make_transcript(app, CALL, turns, seconds=8.0, agent_id=3, queue="complaint", recording=False)
    store_recording(app, call_audio[0].read_bytes(), CALL, sid="RE" + "7" * 32)


def test_a_reviewer_listens_seeks_scores_and_saves(app, people, live_server, page, call_audio):
    prepare(app, call_audio)
    people.add("zhang.qa", role="qa", name="质检 张")
    page.goto(f"{live_server.url}/qa/calls/{CALL}")
    assert "/signin?next=" in page.url  # everyone's sign-in page, then back to the call
    fill_sign_in(page, "zhang.qa")
    page.wait_for_url(f"**/qa/calls/{CALL}")
    assert page.get_by_test_id("who").inner_text().startswith("质检 张")
    assert page.locator(".turn.agent .speaker").first.inner_text().startswith("坐席")
    assert page.locator(".turn.caller").count() == 1
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert page.evaluate("document.getElementById('player').duration") > 7

    word = page.locator(".turn.caller .word", has_text="投诉")
    start = float(word.get_attribute("data-start"))
    word.click()
    page.wait_for_function("!document.getElementById('player').paused")
    page.wait_for_function(f"document.getElementById('player').currentTime >= {start}")
    assert page.evaluate("document.getElementById('player').currentTime") < start + 1.5
    # The word being played is highlighted: the clicked one, then the ones after it.
    page.wait_for_function(f"(document.querySelector('.word.current') || {{dataset: {{start: -1}}}}).dataset.start >= {start}")
    assert page.locator(".word.current").count() == 1

    page.locator("#findings button").first.click()  # the first finding seeks too
    page.wait_for_function("document.getElementById('player').currentTime < 2")
    page.evaluate("document.getElementById('player').pause()")

    page.check("input[name=greeting][value=yes]")
    page.check("input[name=identity][value=no]")
    page.check("input[name=polite][value=yes]")
    page.fill("textarea[name=comments]", "未核实身份")
    page.click("#save")
    page.wait_for_selector("#saved.ok")
    assert page.inner_text("#saved") == "Saved · score 71.4"
    with app.app_context():
        review = db.session().scalars(select(Review)).one()
        assert review.reviewer == "zhang.qa" and review.comments == "未核实身份"
        assert review.answers == {"greeting": "yes", "identity": "no", "polite": "yes"}

    page.reload()  # the saved scorecard comes back
    assert page.is_checked("input[name=identity][value=no]")
    page.goto(f"{live_server.url}/qa/")
    assert CALL not in page.inner_text("#queue")  # reviewed: out of the queue


def test_an_agent_is_refused_the_qa_pages(app, people, live_server, page, call_audio):
    prepare(app, call_audio)
    stranger = page.request.post(f"{live_server.url}/qa/calls/{CALL}/review", data={"answers": {}})
    assert stranger.status == 401
    people.add("wang.fang", agent_id=3)
    sign_in_page(page, live_server.url, "wang.fang")
    page.wait_for_url("**/desk")
    for path in ["/qa/", f"/qa/calls/{CALL}", f"/qa/calls/{CALL}/audio"]:
        assert page.goto(live_server.url + path).status == 403, path
    token = page.get_attribute('meta[name="csrf-token"]', "content")  # even with the session's token
    response = page.request.post(f"{live_server.url}/qa/calls/{CALL}/review", data={"answers": {"greeting": "yes"}},
                                 headers={"X-CSRF-Token": token})
    assert response.status == 403
    with app.app_context():
        assert db.session().scalars(select(Review)).first() is None
