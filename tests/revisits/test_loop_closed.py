"""The loop closed (issue 17, item 7): the revisit's answer and the customer's own words are kept on
the ticket; satisfied and solved closes it; a reply matching no open survey is kept, not dropped."""
import pytest

from revisits.texts import text_of
from tests.messaging import sms
from tests.revisits.conftest import CUSTOMER


def feedback(revisits, ticket_id):
    return [e for e in revisits.ticket(ticket_id).events if e.kind == "revisit_feedback"]


@pytest.mark.parametrize("body, score, level", [("是，满意，师傅很专业", 4, "satisfied"), ("yes 5 great service", 5, "satisfied")])
def test_satisfied_and_solved_closes_the_ticket_with_its_score_and_words(twilio, surveyed, revisits, body, score,
                                                                          level):
    sms.text(twilio, body, CUSTOMER)
    ticket = revisits.ticket(surveyed.ticket_id)
    assert ticket.status == "closed"
    [event] = feedback(revisits, surveyed.ticket_id)
    assert event.data == {"score": score, "solved": True, "channel": "sms", "satisfaction": level, "words": body}
    assert event.actor == "system:revisit"


@pytest.mark.parametrize("body, score", [("一般", 3), ("3", 3), ("是，不满意", 2)])
def test_a_lesser_score_is_kept_but_the_ticket_stays_resolved(twilio, surveyed, revisits, body, score):
    sms.text(twilio, body, CUSTOMER)
    assert revisits.ticket(surveyed.ticket_id).status == "resolved"
    [event] = feedback(revisits, surveyed.ticket_id)
    assert event.data["score"] == score and event.data["words"] == body


def test_a_reply_after_the_survey_is_kept_on_the_ticket(twilio, surveyed, revisits):
    sms.text(twilio, "是 5", CUSTOMER)
    sms.text(twilio, "另外希望以后上门前先打电话", CUSTOMER)  # the survey is over: nothing to match
    words = [e.data.get("words") for e in feedback(revisits, surveyed.ticket_id)]
    assert words == ["是 5", "另外希望以后上门前先打电话"]
    assert feedback(revisits, surveyed.ticket_id)[1].data["score"] is None


@pytest.mark.parametrize("language, category, said", [
    ("zh-CN", "complaint", "王女士您好，这里是热线服务中心，打扰您了。关于11月24日处理的投诉（工单GD20261124001），"),
    ("en-US", "aftersales", "Ms Wang, Hello, this is Hotline Service Center. Sorry to bother you. We are calling about "
                            "the after-sales request we handled for you on 24 November (ticket GD20261124001)."),
])
def test_the_revisit_names_the_day_and_the_problem_in_the_customers_language(app, revisits, clock, language,
                                                                             category, said):
    revisit = revisits.resolve(language=language, category=category)
    with app.app_context():
        greeting = text_of(revisit, "greeting")
        survey = text_of(revisit, "sms_survey")
    assert greeting.startswith(said), greeting
    assert ("关于11月24日处理的投诉" in survey and "“满意”“一般”或“不满意”" in survey) if language == "zh-CN" else \
        ("on 24 November" in survey and "satisfied, neutral or dissatisfied" in survey)
