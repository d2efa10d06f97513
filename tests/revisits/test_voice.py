"""The revisit call's webhooks, posted as Twilio would (signed), against a claimed attempt."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.twiml import path_and_query, twiml

CALL = "CA" + "7" * 32


@pytest.fixture
def calling(revisits):
    revisit = revisits.resolve()
    revisits.claim_call(revisit, CALL)
    return revisits.get(revisit.id)


def params(**extra):
    base = {"CallSid": CALL, "AccountSid": "AC" + "0" * 32, "From": "+15005550006", "To": "+8613800138001",
            "Direction": "outbound-api", "CallStatus": "in-progress"}
    base.update(extra)
    return base


def answer(twilio, revisit, answered_by="human"):
    return twiml(twilio.post(f"/revisits/voice/answer?revisit={revisit.id}&attempt=1", params(AnsweredBy=answered_by)))


def now_is_fine(twilio, revisit):
    """Answer, and press 1 to "is now a good time?": the survey's first question comes next."""
    doc = answer(twilio, revisit)
    return twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="1")))


def test_a_person_hears_the_ticket_and_the_solved_question_in_chinese(twilio, calling, revisits):
    doc = answer(twilio, calling)
    said = " ".join(s.text for s in doc.iter("Say"))
    assert "王女士您好" in said and calling.ticket_number in said and "现在方便吗" in said
    assert "已解决请按1" not in said  # the survey waits for "now is fine"
    gather = doc.find("Gather")
    assert gather.get("numDigits") == "1"
    assert parse_qs(urlsplit(gather.get("action")).query)["revisit"] == [str(calling.id)]
    assert doc.find("Redirect") is not None  # silence comes back to the question
    assert revisits.get(calling.id).state == "answered"


def test_an_english_customer_hears_english(twilio, revisits):
    revisit = revisits.resolve(language="en-US", timezone="America/New_York")
    revisits.claim_call(revisit, CALL)
    doc = answer(twilio, revisit)
    say = doc.find(".//Say")
    assert say.get("language") == "en-US" and "Ms Wang" in say.text
    assert "Is now a good time?" in doc.find(".//Gather/Say").text
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="1")))
    assert "Was your issue solved?" in doc.find(".//Gather/Say").text


def test_solved_then_satisfied_completes_the_revisit(twilio, calling, revisits):
    doc = now_is_fine(twilio, calling)
    action = path_and_query(doc.find("Gather").get("action"))
    doc = twiml(twilio.post(action, params(Digits="1")))
    assert "请为本次服务打分" in doc.find(".//Gather/Say").text
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="5")))
    # The customer's own words are asked for and recorded; nothing said, the thanks end the call.
    assert [child.tag for child in doc] == ["Say", "Record", "Say", "Hangup"]
    assert "其他意见或建议" in doc[0].text and "感谢您的反馈" in doc[2].text
    record = doc.find("Record")
    assert "/revisits/voice/words" in record.get("action") and record.get("finishOnKey") == "#"
    assert "/recordings/" in record.get("recordingStatusCallback")
    revisit = revisits.get(calling.id)
    assert (revisit.state, revisit.solved, revisit.score, revisit.channel) == ("completed", True, 5, "call")
    assert revisits.ticket(calling.ticket_id).status == "closed"  # satisfied and solved closes the loop


def test_not_solved_reopens_the_ticket_once_and_still_asks_the_score(twilio, calling, revisits):
    doc = now_is_fine(twilio, calling)
    action = path_and_query(doc.find("Gather").get("action"))
    doc = twiml(twilio.post(action, params(Digits="2")))
    assert "工作人员会尽快与您联系" in doc.find("Say").text
    twiml(twilio.post(action, params(Digits="2")))  # Twilio repeats the request
    ticket = revisits.ticket(calling.ticket_id)
    assert (ticket.status, ticket.priority) == ("reopened", "urgent")  # problem tickets are normal: raised
    assert [e.kind for e in ticket.events].count("revisit_not_solved") == 1
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="1")))
    revisit = revisits.get(calling.id)
    assert (revisit.solved, revisit.score, revisit.reopened, revisit.state) == (False, 1, True, "completed")


@pytest.mark.parametrize("digits", ["9", "*", "3"])
def test_a_wrong_key_is_asked_again_never_hung_up(twilio, calling, revisits, digits):
    doc = now_is_fine(twilio, calling)
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits=digits)))
    assert doc.find("Hangup") is None
    assert "输入有误" in doc.find("Say").text and doc.find("Gather") is not None
    assert revisits.get(calling.id).solved is None


def test_silence_asks_again_then_says_goodbye_after_three_tries(twilio, calling):
    doc = now_is_fine(twilio, calling)
    for _ in range(3):
        redirect = path_and_query(doc.find("Redirect").text)
        doc = twiml(twilio.post(redirect, params()))
        if doc.find("Hangup") is not None:
            break
    assert "感谢您的接听" in doc.find("Say").text and doc.find("Hangup") is not None


def test_zero_connects_to_an_agent_through_routing(twilio, calling, revisits):
    doc = now_is_fine(twilio, calling)
    doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="0")))
    redirect = urlsplit(doc.find("Redirect").text)
    assert redirect.path == "/voice/route" and parse_qs(redirect.query)["queue"] == ["aftersales"]
    revisit = revisits.get(calling.id)
    assert revisit.transferred and revisit.state == "completed"


def test_a_machine_is_hung_up_on_and_the_next_attempt_is_scheduled(twilio, calling, revisits, clock, settings):
    doc = answer(twilio, calling, answered_by="machine_end_beep")
    assert doc.find("Hangup") is not None and doc.find("Say") is None
    response = twilio.post(f"/revisits/voice/status?revisit={calling.id}&attempt=1",
                           params(CallStatus="completed", CallDuration="3"))
    assert response.status_code == 204
    revisit = revisits.get(calling.id)
    assert (revisit.state, revisit.attempts, revisit.last_outcome) == ("scheduled", 1, "machine")
    assert revisit.due_at >= clock.now() + __import__("datetime").timedelta(minutes=settings.revisit_retry_minutes)
    assert revisit.attempt_log[0].outcome == "machine"


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_no_conversation_schedules_a_retry_and_repeats_change_nothing(twilio, calling, revisits, status):
    path = f"/revisits/voice/status?revisit={calling.id}&attempt=1"
    for _ in range(2):
        assert twilio.post(path, params(CallStatus=status)).status_code == 204
    revisit = revisits.get(calling.id)
    assert (revisit.state, revisit.attempts, revisit.last_outcome) == ("scheduled", 1, status)
    assert revisit.attempt_log[0].outcome == status


def test_a_forged_request_is_refused_and_changes_nothing(twilio, calling, revisits):
    response = twilio.post(f"/revisits/voice/solved?revisit={calling.id}&attempt=1", params(Digits="2"),
                           signature="forged")
    assert response.status_code == 403
    assert revisits.get(calling.id).solved is None


def test_a_stale_attempt_is_hung_up_politely(twilio, calling):
    doc = twiml(twilio.post(f"/revisits/voice/answer?revisit={calling.id}&attempt=2", params(AnsweredBy="human")))
    assert doc.find("Hangup") is not None


def test_three_wrong_keys_put_the_customer_through_to_an_agent(twilio, calling, revisits):
    doc = now_is_fine(twilio, calling)
    for _ in range(3):
        doc = twiml(twilio.post(path_and_query(doc.find("Gather").get("action")), params(Digits="8")))
        assert doc.find("Hangup") is None
        if doc.find("Gather") is None:
            break
    assert urlsplit(doc.find("Redirect").text).path == "/voice/route"
    assert revisits.get(calling.id).transferred
