"""The actions an operator's menu may use beyond the default tree: information, a message at any
hour, a goodbye; a tree served from IVR_MENU_PATH."""
from __future__ import annotations

import dataclasses

import pytest

from hotline import create_app
from tests.conftest import TwilioRequests
from tests.ivr.conftest import ivr_steps
from tests.support.callers import Caller
from tests.ivr.test_menu_file import small_tree

TREE = small_tree(
    "  a:\n    prompt: {zh-CN: '营业时间请按1，留言请按2，结束请按3，人工请按0。', en-US: 'Hours 1, message 2, goodbye 3, agent 0.'}\n"
    "    options:\n"
    "      - key: '1'\n        words: {zh-CN: [营业时间], en-US: [hours]}\n"
    "        info: {zh-CN: '我们的服务时间是每天八点半到晚上八点。', en-US: 'We are open 8:30 to 20:00.'}\n"
    "      - {key: '2', voicemail: {}}\n"
    "      - key: '3'\n        hangup: {zh-CN: 再见。, en-US: Goodbye.}\n"
    "      - {key: '0', queue: inquiry, priority: 2}\n")


@pytest.fixture
def operator_app(app, tmp_path, settings, clock):  # `app` empties the tables and Redis
    from ivr.menu_loader import load_menu

    path = tmp_path / "operator-menu.yaml"
    path.write_text(TREE, encoding="utf-8")
    load_menu(path)  # the tree itself must pass, or the default would be served instead
    application = create_app(dataclasses.replace(settings, ivr_menu_path=path), clock=clock)
    yield application
    application.extensions["hotline.db"].engine.dispose()


@pytest.fixture
def operator_caller(operator_app, settings):
    requests = TwilioRequests(operator_app.test_client(), settings)
    return Caller(requests, "CA" + "9" * 32, "+8613812340000")


def test_information_is_played_then_the_same_menu_again(operator_app, operator_caller):
    operator_caller.dial()
    twiml = operator_caller.say("营业时间")
    assert twiml.says()[0].text.startswith("我们的服务时间是每天八点半到晚上八点")
    assert "营业时间请按1" in twiml.said() and "node=a" in twiml.gather.get("action")
    assert ivr_steps(operator_app, operator_caller.sid)[-1]["result"] == "info"


def test_a_message_can_be_left_in_business_hours(operator_app, operator_caller):
    operator_caller.dial()
    twiml = operator_caller.press("2")
    assert twiml.verbs == ["Say", "Say", "Record", "Redirect"]
    record = twiml.root.find("Record")
    assert "after=0" in record.get("action") and "category=inquiry" in record.get("action")
    thanks = operator_caller.leave_message("RE" + "d" * 32)
    assert thanks.verbs[-1] == "Hangup"


def test_a_goodbye_hangs_up_and_keeps_the_path(operator_app, operator_caller):
    operator_caller.dial()
    twiml = operator_caller.press("3")
    assert twiml.verbs == ["Say", "Say", "Hangup"]
    assert [s["result"] for s in ivr_steps(operator_app, operator_caller.sid)] == ["new-caller", "hangup"]
